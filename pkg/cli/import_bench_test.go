package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/demo"
)

// BenchmarkImport imports a demo `shodan download` file of 20,000
// banners (realistic sizes, ~3 KB each) end to end, as `orchex import`
// does: decode, classify, tag with the demo feeds, dedup and store, into
// a fresh database each time, with 1 worker and with one per CPU. It
// reports records/s and allocations per record. The million-banner runs
// are in scripts/bench.sh.
func BenchmarkImport(b *testing.B) {
	const n = 20_000
	dir := b.TempDir()
	file := filepath.Join(dir, "k8s.json.gz")
	if _, err := demo.WriteShodanFile(context.Background(), file, demo.Config{Seed: 2018}, n); err != nil {
		b.Fatal(err)
	}
	ranges := filepath.Join(dir, "ranges")
	if err := demo.Generate(demo.Config{Seed: 2018, Size: 500}).WriteRanges(ranges); err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			i := 0
			for b.Loop() {
				db := filepath.Join(dir, fmt.Sprintf("bench-%d-%d.db", workers, i))
				i++
				var stderr bytes.Buffer
				code := Main(context.Background(), []string{"--db", db, "-q", "import", "--snapshot", "2026Q4",
					"--workers", fmt.Sprint(workers), "--ranges", ranges, file}, Env{
					Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr,
					Getenv: func(string) string { return "" },
					Now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
				})
				if code != ExitOK {
					b.Fatalf("import: exit %d\n%s", code, stderr.String())
				}
				os.Remove(db)
				os.Remove(db + "-wal")
				os.Remove(db + "-shm")
			}
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(n*b.N), "allocs/record")
		})
	}
}
