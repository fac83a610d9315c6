package importer

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/queries"
)

// benchFile is the `shodan download` file the stage benchmarks read:
// ORCHEX_BENCH_FILE when set (scripts/bench.sh passes the file it
// measures), else 20,000 demo banners (about 3 KB each, as `orchex demo
// --write-shodan` writes them) made once per benchmark.
func benchFile(b *testing.B) string {
	b.Helper()
	if f := os.Getenv("ORCHEX_BENCH_FILE"); f != "" {
		return f
	}
	f := filepath.Join(b.TempDir(), "k8s.json.gz")
	if _, err := demo.WriteShodanFile(context.Background(), f, demo.Config{Seed: 2018}, 20_000); err != nil {
		b.Fatal(err)
	}
	return f
}

// cpuTime is the CPU time (user and system) of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkInflate measures the first stage of an import of a `shodan
// download` file, alone: inflating it (one gzip member, so one core),
// with the gzip reader the importer uses. It reports the decompressed
// MB/s and the seconds per file.
//
//	go test ./pkg/importer -run '^$' -bench BenchmarkInflate -benchtime 3x
func BenchmarkInflate(b *testing.B) {
	file := benchFile(b)
	var n int64
	for b.Loop() {
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			b.Fatal(err)
		}
		if n, err = io.Copy(io.Discard, zr); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	b.SetBytes(n)
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/file")
}

// BenchmarkFloor measures what no storage design can take out of an
// import: inflating the file, splitting and decoding its banners and
// classifying them with the catalog, spread over every core as orchex
// import spreads them (ImportParallel, one worker per CPU), storing
// nothing. Its time is the floor of orchex import on this machine
// (docs/performance.md); it reports records/s, seconds and CPU seconds
// per file.
//
//	ORCHEX_BENCH_FILE=k8s.json.gz go test ./pkg/importer -run '^$' -bench BenchmarkFloor -benchtime 3x
func BenchmarkFloor(b *testing.B) {
	file := benchFile(b)
	cat, err := catalog.Load(queries.FS)
	if err != nil {
		b.Fatal(err)
	}
	workers := runtime.GOMAXPROCS(0)
	records := 0
	cpu := cpuTime()
	for b.Loop() {
		matched := 0
		res, err := ImportParallel(context.Background(), file, Options{}, workers,
			func(o *model.Observation) bool { _, ok := cat.Classify(o); return ok },
			func(ok bool) error {
				if ok {
					matched++
				}
				return nil
			})
		if err != nil || res.Kept == 0 || matched == 0 {
			b.Fatalf("kept %d, matched %d: %v", res.Kept, matched, err)
		}
		records += res.Kept
	}
	cpu = cpuTime() - cpu
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/file")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/file")
}
