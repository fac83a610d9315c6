package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// BenchmarkImportParallel is BenchmarkImportShodanDownload through
// ImportParallel (decode on the workers, emit in order), with 1 worker
// (the serial path) and one per CPU; it reports records/s.
func BenchmarkImportParallel(b *testing.B) {
	const records = 2000
	path := filepath.Join(b.TempDir(), "k8s.json.gz")
	if err := os.WriteFile(path, gz(b, ndjsonBanners(records, 2000)), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				res, err := ImportParallel(context.Background(), path, Options{}, workers,
					func(o *model.Observation) uint16 { return o.Port },
					func(uint16) error { return nil })
				if err != nil || res.Kept != records {
					b.Fatalf("kept %d of %d: %v", res.Kept, records, err)
				}
				n += res.Kept
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
