package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

// pagedEngine is a second engine for the concurrency test: it serves the
// same banners as the Shodan fake under its own name, 100 a page with a
// cursor, so that both engines see the same services.
type pagedEngine struct {
	name    model.Engine
	banners []json.RawMessage
	active  *atomic.Int32 // engines fetching at this moment
	overlap *atomic.Bool  // set when two engines fetched at once
}

func (e *pagedEngine) Name() model.Engine { return e.name }
func (e *pagedEngine) Count(context.Context, source.Query) (int, error) {
	return len(e.banners), nil
}
func (e *pagedEngine) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	if e.active.Add(1) > 1 {
		e.overlap.Store(true)
	}
	defer e.active.Add(-1)
	time.Sleep(2 * time.Millisecond)
	lo := (page - 1) * 100
	hi := min(lo+100, len(e.banners))
	p := &source.Page{Raw: model.RawPage{Total: len(e.banners), Hits: max(0, hi-lo), Credits: 1, Body: []byte("{}")}}
	for _, b := range e.banners[min(lo, hi):hi] {
		o, err := shodan.DecodeBanner(b)
		if err != nil {
			return nil, err
		}
		o.Engine, o.QueryID = e.name, q.ID
		p.Observations = append(p.Observations, o)
	}
	if hi < len(e.banners) {
		p.Raw.Next = "cursor-" + q.ID + "-" + string(rune('a'+page))
	}
	p.Last = p.Raw.Next == ""
	return p, nil
}

// TestCollectAllEnginesConcurrently runs two engines at once through
// runCollect (as collect without --engine does) and checks that both
// ran at the same time, that each is summarised, and that their services
// merge in the snapshot.
func TestCollectAllEnginesConcurrently(t *testing.T) {
	banners := shodantest.Kubernetes(250, 5)
	var active atomic.Int32
	var overlap atomic.Bool
	engines := []collectEngine{
		{Name: "shodan", Engine: &pagedEngine{name: model.Shodan, banners: banners, active: &active, overlap: &overlap}},
		{Name: "censys", Engine: &pagedEngine{name: model.Censys, banners: banners, active: &active, overlap: &overlap}},
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "o.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out, errb strings.Builder
	g := &globals{env: Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) }}}
	opts := collectOptions{Snapshot: "2026Q4", Products: []string{"kubernetes-api"}}
	if err := runCollect(ctx, g, opts, cat, cloud.NewTagger(nil), st, engines); err != nil {
		t.Fatalf("runCollect: %v\n%s", err, errb.String())
	}
	if !overlap.Load() {
		t.Error("the engines never fetched at the same time")
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(l); len(f) > 2 {
			lines[f[0]+" "+f[1]] = true
		}
	}
	for _, want := range []string{"shodan kubernetes-api/shodan/1", "censys kubernetes-api/cenql/1", "shodan total", "censys total"} {
		if !lines[want] {
			t.Errorf("summary lacks a line for %q:\n%s", want, out.String())
		}
	}
	n := 0
	var both int
	if err := st.Services(ctx, "2026Q4", func(s *model.Service) error {
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
	snap, err := st.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Meta.Engines) != 2 || len(snap.Meta.Queries) == 0 {
		t.Errorf("meta = %+v", snap.Meta)
	}
	for _, q := range snap.Meta.Queries {
		if q.Truncated != "" || q.Fetched != 250 || q.Pages != 3 {
			t.Errorf("query meta %+v; want 3 pages, 250 fetched, not truncated", q)
		}
	}
}
