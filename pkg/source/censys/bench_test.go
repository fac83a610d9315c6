package censys_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	// The benchmark measures both engines at once, so it alone imports the
	// Shodan adapter; the censys package itself never does.
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

// envInt reads a benchmark knob from the environment (scripts/bench-censys.sh).
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkBothEngines collects one query from each engine at the same
// time, each against its fake at its own rate limit (Shodan 1 request a
// second, Censys ORCHEX_BENCH_CENSYS_RATE, default 1), and reports the
// wall time against the slower engine's rate-limit floor, and credits
// spent against pages needed. Run it with scripts/bench-censys.sh.
func BenchmarkBothEngines(b *testing.B) {
	shodanPages := envInt("ORCHEX_BENCH_SHODAN_PAGES", 8)
	censysPages := envInt("ORCHEX_BENCH_CENSYS_PAGES", 8)
	shodanRate := envFloat("ORCHEX_BENCH_SHODAN_RATE", 1)
	censysRate := envFloat("ORCHEX_BENCH_CENSYS_RATE", 1)

	banners := shodantest.Kubernetes(shodanPages*shodan.PageSize, 1)
	hosts := population(censysPages*censys.PageSize, func(i int) (string, int) { return "US", 16509 })
	// The floor: an engine's n requests at r a second with no burst take
	// (n-1)/r seconds; the slower engine sets the run's floor.
	floor := max(time.Duration(float64(shodanPages-1)/shodanRate*float64(time.Second)),
		time.Duration(float64(censysPages-1)/censysRate*float64(time.Second)))

	var wall time.Duration
	var credits, pages, violations int
	for b.Loop() {
		ss := shodantest.NewServer(shodantest.Config{Key: "shodan-bench-key", Rate: shodanRate,
			Population: func(string) []json.RawMessage { return banners }})
		cs := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: hosts, Rate: censysRate})
		se := shodan.New(shodan.Options{BaseURL: ss.URL(), Key: source.NewSecret("shodan-bench-key"), Rate: shodanRate})
		ce, err := censys.New(censys.Config{BaseURL: cs.URL(), Token: source.NewSecret(canaryToken), OrgID: canaryOrg, Rate: censysRate})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		results := make([]source.Result, 2)
		errs := make([]error, 2)
		for i, job := range []struct {
			e source.Engine
			q source.Query
		}{
			{se, source.Query{ID: "kubernetes/shodan/1", Text: "product:Kubernetes port:6443"}},
			{ce, source.Query{ID: "kubernetes/censys/1", Text: `host.services.protocol="KUBERNETES"`}},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := newMemStore()
				p := &source.Pager{Engine: job.e, Store: st, Snapshot: "bench"}
				results[i], errs[i] = p.Run(context.Background(), job.q, st.handle)
			}()
		}
		wg.Wait()
		wall = time.Since(start)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		credits = ss.Stats().Credits + cs.Stats().Credits
		pages = results[0].Pages + results[1].Pages
		violations = ss.Stats().Violations + cs.Stats().Violations
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "shodan: %d pages, %d retries, %v; censys: %d pages, %d retries, %v; violations shodan %d censys %d\n",
				results[0].Pages, results[0].Retries, results[0].Elapsed.Round(time.Millisecond),
				results[1].Pages, results[1].Retries, results[1].Elapsed.Round(time.Millisecond), ss.Stats().Violations, cs.Stats().Violations)
		}
		ss.Close()
		cs.Close()
		if results[0].Pages != shodanPages || results[1].Pages != censysPages {
			b.Fatalf("pages: shodan %d of %d, censys %d of %d", results[0].Pages, shodanPages, results[1].Pages, censysPages)
		}
	}
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(float64(credits), "credits")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(violations), "violations")
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "both engines: %d pages in %v, floor %v (%.3f), %d credits, %d rate violations\n",
			pages, wall.Round(time.Millisecond), floor, wall.Seconds()/floor.Seconds(), credits, violations)
	}
}
