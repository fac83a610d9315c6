package collect_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

// pagedEngine serves banners 100 a page with a cursor, under its own name
// and dialect. Fetch calls meet (when set) on every page, counts its
// calls, and fails with fail(page) when that returns an error.
type pagedEngine struct {
	name    model.Engine
	dialect string
	banners []json.RawMessage
	cost    func(page int) int // nil: 1 a page
	fail    func(page int) error
	meet    *barrier

	mu      sync.Mutex
	fetches int
	counts  int
}

func (e *pagedEngine) Name() model.Engine { return e.name }
func (e *pagedEngine) Dialect() string    { return e.dialect }
func (e *pagedEngine) API() string        { return "test-api" }

func (e *pagedEngine) PageCost(_ source.Query, page int) int {
	if e.cost == nil {
		return 1
	}
	return e.cost(page)
}

func (e *pagedEngine) Count(context.Context, source.Query) (int, error) {
	e.mu.Lock()
	e.counts++
	e.mu.Unlock()
	if e.fail != nil {
		if err := e.fail(0); err != nil {
			return 0, err
		}
	}
	return len(e.banners), nil
}

func (e *pagedEngine) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	e.mu.Lock()
	e.fetches++
	e.mu.Unlock()
	if e.meet != nil {
		e.meet.arrive(e.name)
	}
	if e.fail != nil {
		if err := e.fail(page); err != nil {
			return nil, err
		}
	}
	lo := (page - 1) * 100
	hi := min(lo+100, len(e.banners))
	p := &source.Page{Raw: model.RawPage{Total: len(e.banners), Hits: max(0, hi-lo), Credits: e.PageCost(q, page),
		Body: []byte("{}"), FetchedAt: time.Date(2026, 11, 27, 0, page, 0, 0, time.UTC)}}
	for _, b := range e.banners[min(lo, hi):hi] {
		o, err := shodan.DecodeBanner(b)
		if err != nil {
			return nil, err
		}
		o.Engine, o.QueryID = e.name, q.ID
		p.Observations = append(p.Observations, o)
	}
	if hi < len(e.banners) {
		p.Raw.Next = fmt.Sprintf("cursor-%s-%d", q.ID, page+1)
	}
	p.Last = p.Raw.Next == ""
	return p, nil
}

func (e *pagedEngine) calls() (fetches, counts int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fetches, e.counts
}

// withAccount adds an account check to an engine.
type withAccount struct {
	*pagedEngine
	acct source.Account
}

func (e withAccount) Account(context.Context) (source.Account, error) { return e.acct, nil }

// withTruncations adds truncation reports: the query's last page reports
// that the engine had total results, of which reach could be paged.
type withTruncations struct {
	*pagedEngine
	total, reach int

	tmu    sync.Mutex
	truncs []source.Truncation
}

func (e *withTruncations) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	p, err := e.pagedEngine.Fetch(ctx, q, page, token)
	if err == nil && p.Last {
		e.tmu.Lock()
		e.truncs = append(e.truncs, source.Truncation{QueryID: q.ID, Query: q.Text + " and part", Total: e.total, Reachable: e.reach})
		e.tmu.Unlock()
	}
	return p, err
}

func (e *withTruncations) Truncations(queryID string) []source.Truncation {
	e.tmu.Lock()
	defer e.tmu.Unlock()
	var out []source.Truncation
	for _, t := range e.truncs {
		if t.QueryID == queryID && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// barrier holds each engine's first fetch until every engine has
// arrived, so that a test knows the engines ran at the same time. If they
// do not all arrive within a minute (the engines ran one after the
// other), it lets them go and records the failure.
type barrier struct {
	want    int
	mu      sync.Mutex
	arrived map[model.Engine]bool
	all     chan struct{}
	failed  bool
}

func newBarrier(n int) *barrier {
	return &barrier{want: n, arrived: map[model.Engine]bool{}, all: make(chan struct{})}
}

func (b *barrier) arrive(e model.Engine) {
	b.mu.Lock()
	if b.arrived[e] {
		b.mu.Unlock()
		return
	}
	b.arrived[e] = true
	if len(b.arrived) == b.want {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
	case <-time.After(time.Minute):
		b.mu.Lock()
		b.failed = true
		b.mu.Unlock()
	}
}

// fixture is a store, the embedded catalog and an event recorder.
type fixture struct {
	cat    *catalog.Catalog
	st     *store.Store
	mu     sync.Mutex
	events []collect.Event
	sleeps []time.Duration
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fixture{cat: cat, st: st}
}

// config is a run of engines on kubernetes-api and etcd into "2026Q4",
// with a recording sleep (no real waits) and a fixed clock.
func (f *fixture) config(engines ...source.Engine) collect.Config {
	return collect.Config{Engines: engines, Catalog: f.cat, Store: f.st, Tagger: cloud.NewTagger(nil), Snapshot: "2026Q4",
		Select: collect.Selection{Products: []string{"kubernetes-api", "etcd"}},
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.sleeps = append(f.sleeps, d)
			f.mu.Unlock()
			return ctx.Err()
		},
		Now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
		Events: func(ev collect.Event) { f.mu.Lock(); f.events = append(f.events, ev); f.mu.Unlock() },
	}
}

// stopped returns the EngineStopped events.
func (f *fixture) stopped() []collect.EngineStopped {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []collect.EngineStopped
	for _, ev := range f.events {
		if e, ok := ev.(collect.EngineStopped); ok {
			out = append(out, e)
		}
	}
	return out
}

func (f *fixture) meta(t *testing.T) store.Meta {
	t.Helper()
	snap, err := f.st.Snapshot(context.Background(), "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	return snap.Meta
}

// queries returns the selected queries of an engine, as the catalog has
// them.
func queries(t *testing.T, cat *catalog.Catalog, e source.Engine) []source.Query {
	t.Helper()
	qs, err := collect.Queries(cat, collect.Selection{Products: []string{"kubernetes-api", "etcd"}}, e)
	if err != nil || len(qs) < 2 {
		t.Fatalf("queries = %v, %v; the test needs 2 or more", qs, err)
	}
	return qs
}

func noFlag(t *testing.T, what, msg string) {
	t.Helper()
	if strings.Contains(msg, "--") || strings.Contains(msg, "orchex ") {
		t.Errorf("%s names a flag or command: %s", what, msg)
	}
}

// TestRunEnginesConcurrently runs two engines through Run, checks with a
// barrier that they fetched at the same time, that their services merge
// in the snapshot, and that each query's outcome is in its metadata.
func TestRunEnginesConcurrently(t *testing.T) {
	f := newFixture(t)
	banners := shodantest.Kubernetes(250, 5)
	meet := newBarrier(2)
	sh := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: banners, meet: meet}
	cs := &pagedEngine{name: model.Censys, dialect: "cenql", banners: banners, meet: meet}
	sum, err := collect.Run(context.Background(), f.config(sh, cs))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if meet.failed {
		t.Error("the engines never fetched at the same time")
	}
	if len(sum.Engines) != 2 || sum.Engines[0].Name != model.Shodan || sum.Engines[1].Name != model.Censys {
		t.Fatalf("summary = %+v", sum)
	}
	for i, e := range []*pagedEngine{sh, cs} {
		qs := queries(t, f.cat, e)
		if got := len(sum.Engines[i].Results); got != len(qs) {
			t.Errorf("%s: %d results, want one per query (%d)", e.name, got, len(qs))
		}
		if fetches, _ := e.calls(); fetches != 3*len(qs) {
			t.Errorf("%s: %d fetches, want 3 per query", e.name, fetches)
		}
	}
	n, both := 0, 0
	if err := f.st.Services(context.Background(), "2026Q4", func(s *model.Service) error {
		n++
		if s.Engines.Has(model.Shodan) && s.Engines.Has(model.Censys) {
			both++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 250 || both != 250 {
		t.Errorf("%d services, %d seen by both engines; want 250 and 250", n, both)
	}
	m := f.meta(t)
	if len(m.Engines) != 2 || m.Engines[0] != (store.EngineMeta{Name: "censys", API: "test-api"}) || m.CatalogVersion != f.cat.Version() {
		t.Errorf("meta engines %+v, catalog %q", m.Engines, m.CatalogVersion)
	}
	for _, q := range m.Queries {
		if q.Truncated != "" || q.Fetched != 250 || q.Pages != 3 || q.Kept+q.Skipped != 250 || q.At.IsZero() {
			t.Errorf("query meta %+v; want 3 pages, 250 fetched and counted, not truncated", q)
		}
	}
}

// TestRunGivesUpStopsEngine fails every fetch with a transient error: the
// first query gives up after its retries (waits recorded, not slept), the
// engine stops there with the reason, and the other queries are skipped.
func TestRunGivesUpStopsEngine(t *testing.T) {
	f := newFixture(t)
	down := &source.HTTPError{Engine: model.Shodan, Op: "search", Status: 503, Err: source.ErrTransient}
	e := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: shodantest.Kubernetes(10, 1),
		fail: func(int) error { return down }}
	qs := queries(t, f.cat, e)
	sum, err := collect.Run(context.Background(), f.config(e))
	var re *source.RetryError
	if !errors.As(err, &re) || re.Attempts != 5 || !errors.Is(err, source.ErrTransient) {
		t.Fatalf("err = %v, want a RetryError after 5 attempts", err)
	}
	if fetches, _ := e.calls(); fetches != 5 {
		t.Errorf("%d fetches, want 5 (one query, then the engine stops)", fetches)
	}
	if len(f.sleeps) != 4 {
		t.Errorf("waits %v, want 4 back-offs between 5 attempts", f.sleeps)
	}
	st := f.stopped()
	if len(st) != 1 || st[0].Reason != collect.StoppedGaveUp || st[0].Attempts != 5 || st[0].Skipped != len(qs)-1 {
		t.Errorf("stop events = %+v, want gave-up after 5 attempts, %d skipped", st, len(qs)-1)
	}
	if r := sum.Engines[0]; len(r.Results) != 1 || r.Skipped != len(qs)-1 || len(r.Errs) != 1 {
		t.Errorf("engine run = %+v", r)
	}
	noFlag(t, "the error", err.Error())
}

// TestRunZeroCredits runs an engine whose account has no credits left:
// the budget is honestly zero, so the free first page of each query is
// fetched and the engine stops before the first page that costs one.
func TestRunZeroCredits(t *testing.T) {
	f := newFixture(t)
	pe := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: shodantest.Kubernetes(250, 2),
		cost: func(page int) int { return min(page-1, 1) }}
	e := withAccount{pe, source.Account{Plan: "dev", Credits: 0, Text: "plan dev, 0 query credits"}}
	qs := queries(t, f.cat, e)
	sum, err := collect.Run(context.Background(), f.config(e))
	var partial *collect.Partial
	if !errors.As(err, &partial) {
		t.Fatalf("err = %v, want *collect.Partial", err)
	}
	noFlag(t, "the partial error", partial.Error())
	if fetches, _ := pe.calls(); fetches != 1 {
		t.Errorf("%d fetches, want the first query's free page only", fetches)
	}
	r := sum.Engines[0]
	if len(r.Results) != 1 || r.Results[0].Pages != 1 || r.Results[0].Stopped != source.StopMaxCredits || r.Results[0].Credits != 0 {
		t.Errorf("results = %+v; want 1 free page, stopped at max-credits", r.Results)
	}
	got := map[string]bool{}
	for _, ev := range f.events {
		switch ev := ev.(type) {
		case collect.NoCredits:
			got["no credits"] = true
		case collect.AccountChecked:
			got["account"] = ev.Account.Text == "plan dev, 0 query credits"
		case collect.EngineStopped:
			got["budget"] = ev.Reason == collect.StoppedBudget && ev.Budget == 0 && ev.Spent == 0 && ev.Skipped == len(qs)-1
		}
	}
	if !got["no credits"] || !got["account"] || !got["budget"] {
		t.Errorf("events %v, want no-credits, the account and a budget stop", got)
	}
}

// TestRunAccountLimits checks an account's credits cap a larger limit,
// and that a plan that cannot search runs nothing.
func TestRunAccountLimits(t *testing.T) {
	t.Run("capped", func(t *testing.T) {
		f := newFixture(t)
		pe := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: shodantest.Kubernetes(250, 2)}
		cfg := f.config(withAccount{pe, source.Account{Credits: 2}})
		cfg.MaxCredits = 10
		_, err := collect.Run(context.Background(), cfg)
		var partial *collect.Partial
		if !errors.As(err, &partial) {
			t.Fatalf("err = %v, want *collect.Partial", err)
		}
		if fetches, _ := pe.calls(); fetches != 2 {
			t.Errorf("%d fetches, want 2 (the account's credits)", fetches)
		}
		if !slices.ContainsFunc(f.events, func(ev collect.Event) bool {
			return ev == collect.CreditsCapped{Engine: model.Shodan, Asked: 10, Left: 2}
		}) {
			t.Errorf("no CreditsCapped event in %v", f.events)
		}
	})
	t.Run("free plan", func(t *testing.T) {
		f := newFixture(t)
		pe := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: shodantest.Kubernetes(10, 2)}
		e := withAccount{pe, source.Account{Plan: "oss", Credits: 100, Text: "plan oss", NoSearch: "free keys cannot search"}}
		sum, err := collect.Run(context.Background(), f.config(e))
		var fp *collect.FreePlanError
		if !errors.As(err, &fp) || fp.Account.Plan != "oss" {
			t.Fatalf("err = %v, want *collect.FreePlanError", err)
		}
		noFlag(t, "the free plan error", err.Error())
		if fetches, _ := pe.calls(); fetches != 0 || sum.Engines[0].Skipped != len(queries(t, f.cat, e)) {
			t.Errorf("%d fetches, %d skipped; want nothing run", fetches, sum.Engines[0].Skipped)
		}
	})
}

// TestRunTruncationsInMeta checks that an engine's truncation reports
// reach the query's metadata as typed fields (not a note), that a rerun
// that resumes every page keeps them without counting them twice, that
// a refresh counts them afresh, and that every run ends partial.
func TestRunTruncationsInMeta(t *testing.T) {
	f := newFixture(t)
	e := &withTruncations{pagedEngine: &pagedEngine{name: model.Censys, dialect: "cenql", banners: shodantest.Kubernetes(150, 3)},
		total: 12000, reach: 10000}
	check := func(run string) {
		t.Helper()
		m := f.meta(t)
		if len(m.Notes) != 0 {
			t.Errorf("%s: notes %q, want none", run, m.Notes)
		}
		if len(m.Queries) == 0 {
			t.Fatalf("%s: no query metadata", run)
		}
		for _, q := range m.Queries {
			if q.Truncated != collect.TruncatedEngineLimit || q.EngineTotal != 12000 || q.Reachable != 10000 || q.Fetched != 150 {
				t.Errorf("%s: query meta %+v; want engine-limit, 12000 of which 10000 reachable", run, q)
			}
		}
	}
	// Every run, the resumed one too, ends with a Partial naming each
	// truncated query, and says that only the engine's limit cut them.
	partial := func(run string, err error) {
		t.Helper()
		var p *collect.Partial
		if !errors.As(err, &p) || !p.EngineLimit || len(p.Reasons) == 0 {
			t.Fatalf("%s: err = %v, want a *collect.Partial of engine limits", run, err)
		}
		for _, r := range p.Reasons {
			if !strings.Contains(r, "the engine let only 10000 of 12000 results be fetched (engine-limit)") {
				t.Errorf("%s: reason %q", run, r)
			}
		}
	}
	cfg := f.config(e)
	_, err := collect.Run(context.Background(), cfg)
	partial("first run", err)
	check("first run")
	fetched, _ := e.calls()
	_, err = collect.Run(context.Background(), cfg)
	partial("resumed run", err)
	if again, _ := e.calls(); again != fetched {
		t.Errorf("the rerun fetched %d pages, want none", again-fetched)
	}
	check("resumed run")
	cfg.Refresh = true
	_, err = collect.Run(context.Background(), cfg)
	partial("refresh", err)
	check("refresh")
}

// TestSelection checks product and family selection against the catalog,
// families computed from its products, and the typed errors.
func TestSelection(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e := &pagedEngine{name: model.Shodan, dialect: "shodan"}
	families := collect.Families(cat)
	if !slices.IsSorted(families) || len(families) == 0 {
		t.Fatalf("families = %v", families)
	}
	wantOf := func(keep func(catalog.Product) bool) []string {
		var out []string
		for _, q := range cat.Queries() {
			p, _ := cat.Product(q.Product)
			if q.Dialect == "shodan" && keep(p) {
				out = append(out, q.ID)
			}
		}
		return out
	}
	ids := func(qs []source.Query) []string {
		var out []string
		for _, q := range qs {
			out = append(out, q.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		sel  collect.Selection
		keep func(catalog.Product) bool
	}{
		{"all", collect.Selection{}, func(catalog.Product) bool { return true }},
		{"family", collect.Selection{Family: "kubernetes"}, func(p catalog.Product) bool { return p.Family == "kubernetes" }},
		{"products", collect.Selection{Products: []string{"etcd", "portainer"}}, func(p catalog.Product) bool { return p.ID == "etcd" || p.ID == "portainer" }},
		{"products in family", collect.Selection{Products: []string{"etcd", "portainer"}, Family: "kubernetes"},
			func(p catalog.Product) bool { return p.ID == "etcd" && p.Family == "kubernetes" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qs, err := collect.Queries(cat, tc.sel, e)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ids(qs), wantOf(tc.keep); !slices.Equal(got, want) || len(want) == 0 && tc.name != "products in family" {
				t.Errorf("queries %v, want %v", got, want)
			}
		})
	}
	_, err = collect.Queries(cat, collect.Selection{Products: []string{"nope"}}, e)
	var se *collect.SelectionError
	if !errors.As(err, &se) || !errors.Is(err, collect.ErrUnknownProduct) || se.Value != "nope" {
		t.Errorf("unknown product: %v", err)
	}
	_, err = collect.Queries(cat, collect.Selection{Family: "nope"}, e)
	if !errors.As(err, &se) || !errors.Is(err, collect.ErrUnknownFamily) || !slices.Equal(se.Known, families) {
		t.Errorf("unknown family: %v", err)
	}
	noFlag(t, "the selection error", err.Error())
	if _, err := collect.Run(context.Background(), collect.Config{Catalog: cat}); !errors.Is(err, collect.ErrNoEngine) {
		t.Errorf("Run without engines: %v", err)
	}
}

// TestDryRun checks the estimate of pages and credits with the engine's
// page-cost rule and the page limit, and that a failing count is kept.
func TestDryRun(t *testing.T) {
	f := newFixture(t)
	e := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: shodantest.Kubernetes(250, 2),
		cost: func(page int) int { return min(page-1, 1) }} // the first page is free
	qs := queries(t, f.cat, e)
	cfg := f.config(e)
	plan, err := collect.DryRun(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ep := plan.Engines[0]
	if len(ep.Queries) != len(qs) || ep.Total != 250*len(qs) || ep.Pages != 3*len(qs) || ep.Credits != 2*len(qs) || ep.Uncounted != 0 {
		t.Errorf("plan %+v; want 3 pages and 2 credits a query", ep)
	}
	if fetches, counts := e.calls(); fetches != 0 || counts != len(qs) {
		t.Errorf("%d fetches and %d counts, want only counts", fetches, counts)
	}
	cfg.MaxPages = 1
	plan, _ = collect.DryRun(context.Background(), cfg)
	if ep := plan.Engines[0]; ep.Pages != len(qs) || ep.Credits != 0 {
		t.Errorf("with one page a query: %+v, want %d pages for 0 credits", ep, len(qs))
	}
	e.fail = func(int) error {
		return &source.HTTPError{Engine: model.Shodan, Op: "count", Status: 401, Err: source.ErrUnauthorized}
	}
	plan, err = collect.DryRun(context.Background(), cfg)
	if !errors.Is(err, source.ErrUnauthorized) || len(plan.Engines[0].Queries) != 1 || plan.Engines[0].Queries[0].Err == nil {
		t.Errorf("refused count: plan %+v, %v; want one failed row, then the engine stops", plan, err)
	}
	if n := plan.Engines[0].Uncounted; n != len(qs) {
		t.Errorf("refused count: %d queries uncounted, want all %d (the failed one and those not tried)", n, len(qs))
	}
	e.fail = func(int) error { return errors.New("count: the engine timed out") } // fails one count, not the next
	plan, err = collect.DryRun(context.Background(), cfg)
	if ep := plan.Engines[0]; err == nil || len(ep.Queries) != len(qs) || ep.Uncounted != len(qs) || ep.Pages != 0 {
		t.Errorf("failed counts: plan %+v, %v; want every query tried and uncounted", ep, err)
	}
}

// faceter counts facets for Stats and records the names it was asked.
type faceter struct {
	*pagedEngine
	asked [][]string
}

func (e *faceter) DefaultFacets() []string { return []string{"country", "port"} }

func (e *faceter) FacetStats(_ context.Context, q source.Query, names []string, n int) (*source.FacetStats, error) {
	e.asked = append(e.asked, slices.Clone(names))
	out := &source.FacetStats{Total: 42}
	for _, name := range names {
		if name == "org" {
			out.Unsupported = append(out.Unsupported, name)
			continue
		}
		out.Facets = append(out.Facets, source.FacetCount{Name: name, Buckets: []source.Bucket{{Value: q.ID, Count: int64(n)}}})
	}
	return out, nil
}

// TestStats checks that engines are asked for the facets named, or their
// defaults, that an unknown facet is reported once, and that an engine
// without facets is an error.
func TestStats(t *testing.T) {
	f := newFixture(t)
	e := &faceter{pagedEngine: &pagedEngine{name: model.Censys, dialect: "cenql"}}
	qs := queries(t, f.cat, e)
	var skipped []collect.FacetSkipped
	cfg := collect.StatsConfig{Engines: []source.Engine{e}, Catalog: f.cat, Select: collect.Selection{Products: []string{"kubernetes-api", "etcd"}},
		Facets: []string{"port", "org"}, Limit: 3, Events: func(ev collect.Event) {
			if s, ok := ev.(collect.FacetSkipped); ok {
				skipped = append(skipped, s)
			}
		}}
	rows, err := collect.Stats(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(qs) || rows[0].Total != 42 || len(rows[0].Facets) != 1 || rows[0].Facets[0].Buckets[0] != (collect.StatsBucket{Value: qs[0].ID, Count: 3}) {
		t.Errorf("rows = %+v", rows)
	}
	for _, a := range e.asked {
		if !slices.Equal(a, []string{"port", "org"}) {
			t.Errorf("asked for %v, want port and org only", a)
		}
	}
	if len(skipped) != 1 || skipped[0].Facet != "org" {
		t.Errorf("skipped = %+v, want org once", skipped)
	}
	cfg.Facets = nil
	e.asked = nil
	if _, err := collect.Stats(context.Background(), cfg); err != nil || !slices.Equal(e.asked[0], e.DefaultFacets()) {
		t.Errorf("defaults: asked %v, %v", e.asked, err)
	}
	cfg.Engines = []source.Engine{&pagedEngine{name: model.Shodan, dialect: "shodan"}}
	if _, err := collect.Stats(context.Background(), cfg); !errors.Is(err, collect.ErrNoStats) {
		t.Errorf("engine without facets: %v", err)
	}
}
