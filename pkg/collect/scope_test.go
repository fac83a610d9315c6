package collect_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

// narrowFixture is a Shodan fake whose kubernetes-api population has 30
// hosts, 10 of them in 203.0.113.0/24, and a client of it.
func narrowFixture(t *testing.T) (*shodantest.Server, source.Engine, []string) {
	t.Helper()
	var pop []json.RawMessage
	var inScope []string
	for i := range 30 {
		ip := fmt.Sprintf("198.51.100.%d", i+1)
		if i%3 == 0 {
			ip = fmt.Sprintf("203.0.113.%d", i+1)
			inScope = append(inScope, ip)
		}
		pop = append(pop, shodantest.Banner{IP: ip, Port: 6443, Product: "Kubernetes", ASN: "AS64999", Org: "Other", Country: "US",
			Timestamp: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}.JSON())
	}
	srv := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 1000, Burst: 5, Credits: -1,
		Population: func(q string) []json.RawMessage {
			if q == `product:"kubernetes"` {
				return pop
			}
			return nil
		}})
	t.Cleanup(srv.Close)
	e := shodan.New(shodan.Options{BaseURL: srv.URL(), Key: source.NewSecret("k"), Rate: 1000,
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, Retry: &source.Retrier{Attempts: 2, Sleep: noWait}})
	slices.Sort(inScope)
	return srv, e, inScope
}

func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

var acme = &collect.Scope{Name: "acme", File: "scopes.yaml",
	Narrowing: source.Narrowing{CIDRs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}}

// TestRunNarrowedToScope collects the kubernetes-api queries narrowed to
// one network against the Shodan fake (which evaluates net:): only the
// network's services are fetched and stored, the narrowed queries have
// their own ids, and the snapshot records the narrowing.
func TestRunNarrowedToScope(t *testing.T) {
	srv, e, inScope := narrowFixture(t)
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := collect.Config{Engines: []source.Engine{e}, Catalog: cat, Store: st, Snapshot: "acme-2026-12-03",
		Select: collect.Selection{Products: []string{"kubernetes-api"}}, Scope: acme, Sleep: noWait}
	if _, err := collect.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = st.Services(context.Background(), cfg.Snapshot, func(s *model.Service) error {
		got = append(got, s.Addr.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, inScope) {
		t.Errorf("stored %v, want the network's %v", got, inScope)
	}
	snap, err := st.Snapshot(context.Background(), cfg.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Meta.Narrowings) != 1 || snap.Meta.Narrowings[0].Scope != "acme" || snap.Meta.Narrowings[0].CIDRs != 1 ||
		snap.Meta.Narrowings[0].Digest != acme.Digest() {
		t.Errorf("narrowings %+v", snap.Meta.Narrowings)
	}
	var ids []string
	for _, q := range snap.Meta.Queries {
		ids = append(ids, q.ID)
		if !strings.Contains(q.Text, "net:203.0.113.0/24") {
			t.Errorf("query %s %q is not narrowed", q.ID, q.Text)
		}
	}
	if !slices.Equal(ids, []string{"kubernetes-api/shodan/1@acme/1", "kubernetes-api/shodan/2@acme/1"}) {
		t.Errorf("query ids %q", ids)
	}
	if srv.Stats().Counts != 0 {
		t.Errorf("a collection made %d count calls", srv.Stats().Counts)
	}
}

// TestDryRunNarrowed counts the narrowed and the full queries: the plan
// holds both, and the narrowed totals are the network's services.
func TestDryRunNarrowed(t *testing.T) {
	srv, e, inScope := narrowFixture(t)
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := collect.DryRun(context.Background(), collect.Config{Engines: []source.Engine{e}, Catalog: cat,
		Select: collect.Selection{Products: []string{"kubernetes-api"}}, Scope: acme, Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	ep := plan.Engines[0]
	if ep.Full == nil || len(ep.Queries) != 2 || len(ep.Full.Queries) != 2 {
		t.Fatalf("plan %+v", ep)
	}
	if ep.Total != len(inScope) || ep.Full.Total != 30 || ep.Queries[0].Query.ID != "kubernetes-api/shodan/1@acme/1" {
		t.Errorf("narrowed total %d (want %d), full %d (want 30), id %s", ep.Total, len(inScope), ep.Full.Total, ep.Queries[0].Query.ID)
	}
	if st := srv.Stats(); st.Searches != 0 || st.Credits != 0 {
		t.Errorf("a dry run searched %d times and spent %d credits", st.Searches, st.Credits)
	}
}

// TestNarrowRefused checks that an engine without narrowing, or a query
// an engine cannot narrow, fails the run before anything is fetched.
func TestNarrowRefused(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e := &pagedEngine{name: model.Shodan, dialect: "shodan", banners: shodantest.Kubernetes(10, 1)}
	_, err = collect.DryRun(context.Background(), collect.Config{Engines: []source.Engine{e}, Catalog: cat, Scope: acme})
	if !errors.Is(err, source.ErrCannotNarrow) {
		t.Errorf("engine without Narrower: %v", err)
	}
	if f, c := e.calls(); f+c != 0 {
		t.Errorf("%d fetches and %d counts before refusing", f, c)
	}
}
