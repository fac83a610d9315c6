package shodan_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/source/sourcetest"
)

// benchPages is the number of pages a benchmark run collects: at Shodan's
// 1 request a second it takes that many seconds. ORCHEX_BENCH_PAGES
// overrides it.
func benchPages() int {
	if n, err := strconv.Atoi(os.Getenv("ORCHEX_BENCH_PAGES")); err == nil && n > 1 {
		return n
	}
	return 10
}

// BenchmarkCollectAtRateLimit collects a query against the fake at
// Shodan's real limit (1 request/s, checked by the fake) and reports the
// pages per second achieved (target ≥ 0.95 of the limit) and the credits
// spent per page needed (target 1). Run it with scripts/bench-collect.sh.
func BenchmarkCollectAtRateLimit(b *testing.B) {
	benchCollect(b, false)
}

// BenchmarkCollectKillResume does the same with the collection cancelled
// half-way (as a kill would stop it after a committed page) and run
// again: credits spent must still equal the pages needed.
func BenchmarkCollectKillResume(b *testing.B) {
	benchCollect(b, true)
}

func benchCollect(b *testing.B, kill bool) {
	pages := benchPages()
	pop := shodantest.Kubernetes(pages*shodan.PageSize, 3)
	const limit = 1.0
	var rate, creditsPerPage float64
	for i := 0; i < b.N; i++ {
		srv := shodantest.NewServer(shodantest.Config{Key: canary, Rate: limit, Burst: 1,
			Population: func(string) []json.RawMessage { return pop }})
		c := shodan.New(shodan.Options{BaseURL: srv.URL(), Key: source.NewSecret(canary), Rate: limit})
		q := source.Query{ID: "bench/shodan/1", Text: "product:Kubernetes"}
		st := sourcetest.NewMemStore("B")
		// /api-info first, as collect does: it takes the limiter's
		// first token, so the clock below sees the steady rate.
		if _, err := c.APIInfo(context.Background()); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		stored := 0
		h := func(ctx context.Context, p *source.Page) (source.Stored, error) {
			r, err := st.Put(ctx, p)
			if stored++; kill && stored == pages/2 {
				cancel()
			}
			return r, err
		}
		p := &source.Pager{Engine: c, Store: st, Snapshot: "B"}
		_, err := p.Run(ctx, q, h)
		if kill {
			if err == nil {
				b.Fatal("the interrupted run did not stop")
			}
			_, err = p.Run(context.Background(), q, st.Put)
		}
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		s := srv.Stats()
		srv.Close()
		if err := srv.Verify(); err != nil {
			b.Fatal(err)
		}
		if got := srv.Refetched(); len(got) > 0 {
			b.Fatalf("pages fetched twice: %v", got)
		}
		rate = float64(s.PagesServed) / elapsed.Seconds()
		creditsPerPage = float64(s.Credits) / float64(pages)
	}
	b.ReportMetric(rate, "pages/s")
	b.ReportMetric(rate/limit, "of-limit")
	b.ReportMetric(creditsPerPage, "credits/page")
	b.ReportMetric(0, "ns/op") // wall time per op is the metric above
}
