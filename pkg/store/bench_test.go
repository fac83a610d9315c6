package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"strings"
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

// importItems returns n items shaped like a fresh `orchex import` of a
// `shodan download` file: query id "" (imports have none), addresses in
// random order (so fingerprints and service keys are random keys), about
// 3% of the items a second sighting of a service seen earlier in the file
// (a merge, mostly with a service stored by an earlier Put), and a few
// products, auth states, countries and clouds so that service_groups
// holds hundreds of groups. The sequence is the same for every run.
func importItems(n int) []ingest.Item {
	rng := rand.New(rand.NewPCG(9, 2026))
	products := []model.Classification{k8sForbidden, k8sOpen,
		{Product: "docker-api", ProductEvidence: "Docker API version header", Version: "24.0.7",
			Auth: model.AuthOpen, AuthEvidence: "GET /containers/json 200", Confidence: model.High},
		{Product: "etcd", ProductEvidence: "etcd version endpoint", Version: "3.5.9",
			Auth: model.AuthUnknown, Confidence: model.Low},
		{Product: "kong-admin", ProductEvidence: "Server: kong", Version: "3.4.2",
			Auth: model.AuthRequired, AuthEvidence: "401 on /", Confidence: model.High},
	}
	ports := []uint16{443, 2375, 2379, 6443, 8001, 8080, 8443, 10250}
	countries := []string{"US", "DE", "CN", "IE", "SG", "BR", "FR", "JP", "NL", "IN", "KR", "GB"}
	tags := []model.CloudTag{{}, awsTag,
		{Provider: "gcp", Region: "us-central1", Service: "Compute Engine", Source: "ranges:gcp@2026-09-30"},
		{Provider: "azure", Region: "westeurope", Source: "ranges:azure@2026-09-30"}}
	items := make([]ingest.Item, 0, n)
	for len(items) < n {
		if len(items) > 100 && rng.IntN(100) < 3 {
			// The same service seen again, later: a new observation
			// merged into it.
			prev := items[rng.IntN(len(items))].Obs
			prev.SeenAt = prev.SeenAt.Add(time.Duration(1+rng.IntN(86400)) * time.Second)
			prev.RecordID = fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64())
			items = append(items, item(prev, products[rng.IntN(len(products))], tags[rng.IntN(len(tags))]))
			continue
		}
		var a netip.Addr
		if rng.IntN(50) == 0 {
			var b [16]byte
			b[0], b[1] = 0x2a, 0x05
			for i := 2; i < 16; i++ {
				b[i] = byte(rng.Uint32())
			}
			a = netip.AddrFrom16(b)
		} else {
			a = netip.AddrFrom4([4]byte{byte(1 + rng.IntN(223)), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())})
		}
		o := shodanObs(a.String(), ports[rng.IntN(len(ports))], t0.Add(time.Duration(rng.IntN(30*86400))*time.Second))
		o.QueryID = ""
		o.RecordID = fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64())
		o.Country = countries[rng.IntN(len(countries))]
		o.Hostnames = []string{strings.ReplaceAll(a.String(), ".", "-") + ".example.net"}
		items = append(items, item(o, products[rng.IntN(len(products))], tags[rng.IntN(len(tags))]))
	}
	return items
}

// BenchmarkPutImport measures Put as `orchex import` drives it: a fresh
// snapshot, importItems (97% new services, random addresses and
// fingerprints), in batches of the CLI's size (2,000) and of other sizes
// to choose it. b.N is the number of items; run it with at least 300k:
//
//	go test ./pkg/store -run '^$' -bench 'BenchmarkPutImport$' -benchmem -benchtime 300000x
//
// µs/item is the Put time per item, allocs/item the allocations per item.
func BenchmarkPutImport(b *testing.B) {
	for _, batch := range []int{2000, 10000, 25000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			s := openTemp(b)
			items := importItems(b.N)
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
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
			runtime.ReadMemStats(&ms1)
			if st.Observations != b.N || st.NewServices+st.MergedServices != b.N {
				b.Fatalf("stored %d observations, %d new and %d merged services of %d items", st.Observations, st.NewServices, st.MergedServices, b.N)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/item")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N), "allocs/item")
			b.ReportMetric(float64(st.MergedServices)/float64(b.N)*100, "%merged")
		})
	}
}

// BenchmarkPrepare measures the store's share of an import's parallel
// work, per item: the observation's fingerprint (a canonical encoding of
// everything observed, hashed with SHA-256) and the slimming of the item
// for the writer (Store.Prepare).
//
//	go test ./pkg/store -run '^$' -bench BenchmarkPrepare -benchmem
func BenchmarkPrepare(b *testing.B) {
	s := openTemp(b)
	items := importItems(1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		it := items[i%len(items)]
		s.Prepare(&it)
		i++
	}
}

// BenchmarkWriterImport is BenchmarkPutImport through a Writer, as orchex
// import stores: batches of 5,000 items, a commit every
// DefaultCommitItems. b.N is the number of items:
//
//	go test ./pkg/store -run '^$' -bench 'BenchmarkWriterImport$' -benchtime 200000x
func BenchmarkWriterImport(b *testing.B) {
	const batch = 5000
	ctx := context.Background()
	s := openTemp(b)
	items := importItems(b.N)
	b.ResetTimer()
	w := s.Writer()
	for i := 0; i < len(items); i += batch {
		if _, err := w.Put(ctx, "2026Q4", items[i:min(i+batch, len(items))], nil); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/item")
}
