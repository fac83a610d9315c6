package importer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// BenchmarkImportShodanDownload imports a generated `shodan download`
// file (gzip NDJSON, 2,000 banners of ~2.5 KB: HTTP head, 2 KB of html,
// certificate with a 40-digit serial, cloud field) and reports records/s
// and allocations per record.
func BenchmarkImportShodanDownload(b *testing.B) {
	const records = 2000
	path := filepath.Join(b.TempDir(), "k8s.json.gz")
	if err := os.WriteFile(path, gz(b, ndjsonBanners(records, 2000)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		res, err := Import(context.Background(), path, Options{}, func(*model.Observation) error { return nil })
		if err != nil || res.Kept != records {
			b.Fatalf("kept %d of %d: %v", res.Kept, records, err)
		}
		n += res.Kept
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() {
		_, _ = Import(context.Background(), path, Options{}, func(*model.Observation) error { return nil })
	}))/records, "allocs/record")
}
