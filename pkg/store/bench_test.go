package store

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
)

// benchItems returns n items of realistic size: distinct services, each
// seen by Shodan, and every other one also by Censys (a merge).
func benchItems(n int) []ingest.Item {
	items := make([]ingest.Item, 0, n)
	for i := 0; len(items) < n; i++ {
		a := netip.AddrFrom4([4]byte{52, byte(i >> 16), byte(i >> 8), byte(i)})
		seen := t0.Add(time.Duration(i) * time.Second)
		items = append(items, item(shodanObs(a.String(), 6443, seen), k8sForbidden, awsTag))
		if i%2 == 0 && len(items) < n {
			items = append(items, item(censysObs(a.String(), 6443, seen.Add(time.Hour)), k8sOpen, awsTag))
		}
	}
	return items
}

// BenchmarkPut measures the import hot path: Put in batches of 1000 (the
// ingest.Pipeline default) into a snapshot that grows with b.N. It
// reports items (observations) per second; allocs/op are per item.
//
//	go test -run '^$' -bench BenchmarkPut -benchmem ./pkg/store
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	items := benchItems(b.N)
	const batch = 1000
	b.ReportAllocs()
	b.ResetTimer()
	var st ingest.PutStats
	for i := 0; i < len(items); i += batch {
		ps, err := s.Put(ctx, "2026Q4", items[i:min(i+batch, len(items))], nil)
		if err != nil {
			b.Fatal(err)
		}
		st.NewServices += ps.NewServices
		st.MergedServices += ps.MergedServices
		st.Observations += ps.Observations
	}
	b.StopTimer()
	if st.Observations != b.N {
		b.Fatalf("stored %d observations of %d", st.Observations, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(st.NewServices)/b.Elapsed().Seconds(), "services/s")
}

// BenchmarkPutRepeat measures re-importing items already stored (the
// second import of the same file): every Put is a no-op.
func BenchmarkPutRepeat(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	items := benchItems(min(b.N, 100_000))
	const batch = 1000
	for i := 0; i < len(items); i += batch {
		if _, err := s.Put(ctx, "2026Q4", items[i:min(i+batch, len(items))], nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		for i := 0; i < len(items) && done < b.N; i += batch {
			chunk := items[i:min(i+batch, len(items), i+b.N-done)]
			ps, err := s.Put(ctx, "2026Q4", chunk, nil)
			if err != nil || ps.Observations != 0 {
				b.Fatal(ps, err)
			}
			done += len(chunk)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkServices measures streaming a snapshot back, as a report does.
func BenchmarkServices(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	items := benchItems(20_000)
	for i := 0; i < len(items); i += 1000 {
		if _, err := s.Put(ctx, "2026Q4", items[i:i+1000], nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for range b.N {
		if err := s.Services(ctx, "2026Q4", func(*model.Service) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "services/s")
}
