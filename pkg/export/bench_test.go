package export

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report/reporttest"
	"github.com/orchex/orchex/pkg/store"
)

// genStore makes n services on the fly, as a store cursor hands them out
// (sorted, one at a time, nothing kept), so that a benchmark measures the
// writer and not a slice of every service.
type genStore struct{ n int }

func (g genStore) Services(ctx context.Context, snapshot string, fn func(*model.Service) error) error {
	base := reporttest.Ten()
	for i := range g.n {
		s := base[i%len(base)]
		s.Addr = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		s.Version = fmt.Sprintf("v1.%d.%d", i%40, i%7)
		if err := fn(&s); err != nil {
			return err
		}
	}
	return nil
}

func (genStore) Observations(context.Context, string, func(*store.Observation) error) error {
	return nil
}

// countWriter counts the bytes written.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// BenchmarkWrite writes 100,000 services in each format; rows/s and
// bytes/row are reported. The 1M-service measurement from a real store is
// in docs/performance.md.
func BenchmarkWrite(b *testing.B) {
	const n = 100_000
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				w := &countWriter{}
				st, err := Write(context.Background(), w, genStore{n}, Options{Format: f, Meta: meta()})
				if err != nil || st.Rows != n {
					b.Fatalf("%+v %v", st, err)
				}
				size = w.n
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(size)/n, "bytes/row")
		})
	}
}
