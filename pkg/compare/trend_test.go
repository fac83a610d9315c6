package compare

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/store"
)

func snap(label string, day int) store.Snapshot {
	return store.Snapshot{Label: label, Created: time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC)}
}

func labels(ss []store.Snapshot) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Label)
	}
	return strings.Join(out, " ")
}

func TestOrder(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    []store.Snapshot
		want  string
		order string
	}{
		// Quarter labels win over creation times (a quarter re-imported later).
		{"quarters", []store.Snapshot{snap("2026Q4", 1), snap("2027Q1", 2), snap("2026Q3", 3)}, "2026Q3 2026Q4 2027Q1", ByQuarter},
		{"one free-form label", []store.Snapshot{snap("2026Q4", 1), snap("pilot", 3), snap("2026Q3", 2)}, "2026Q4 2026Q3 pilot", ByCreated},
		{"same creation time", []store.Snapshot{snap("b", 1), snap("a", 1)}, "a b", ByCreated},
		{"empty", nil, "", ByCreated},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, order := Order(c.in)
			if labels(got) != c.want || order != c.order {
				t.Errorf("Order = %q (%s), want %q (%s)", labels(got), order, c.want, c.order)
			}
		})
	}
}

func TestRange(t *testing.T) {
	all, _ := Order([]store.Snapshot{snap("2026Q2", 1), snap("2026Q3", 2), snap("2026Q4", 3)})
	for _, c := range []struct{ from, to, want, err string }{
		{"", "", "2026Q2 2026Q3 2026Q4", ""},
		{"2026Q3", "", "2026Q3 2026Q4", ""},
		{"", "2026Q3", "2026Q2 2026Q3", ""},
		{"2026Q3", "2026Q3", "2026Q3", ""},
		{"2026Q4", "2026Q2", "", "comes after"},
		{"2025Q1", "", "", `no snapshot "2025Q1" (have: 2026Q2, 2026Q3, 2026Q4)`},
	} {
		got, err := Range(all, c.from, c.to)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("Range(%q, %q) error %v, want %q", c.from, c.to, err, c.err)
		case c.err == "" && (err != nil || labels(got) != c.want):
			t.Errorf("Range(%q, %q) = %q, %v; want %q", c.from, c.to, labels(got), err, c.want)
		}
	}
	// An unknown label names itself and wraps store.ErrNoSnapshot, so
	// that a caller with the store can suggest the closest label.
	_, err := Range(all, "", "2026q4")
	var lerr *LabelError
	if !errors.As(err, &lerr) || lerr.Label != "2026q4" || !errors.Is(err, store.ErrNoSnapshot) {
		t.Errorf("Range to an unknown label: %v, want a *LabelError wrapping store.ErrNoSnapshot", err)
	}
	if _, err := Range(all, "2026Q4", "2026Q2"); !errors.Is(err, ErrReversed) || errors.Is(err, store.ErrNoSnapshot) {
		t.Errorf("reversed Range: %v, want ErrReversed only", err)
	}
}

func TestDifferences(t *testing.T) {
	meta := store.Meta{CatalogVersion: "1", Engines: []store.EngineMeta{{Name: "censys", API: "v3"}},
		Feeds: []store.FeedMeta{{Provider: "gcp", Date: "2026-01-02"}, {Provider: "aws", Date: "2026-01-01"}}}
	a := MethodOf(meta, []store.Import{{Engine: model.Shodan}, {Engine: model.Censys}})
	if got := fmt.Sprint(a.Engines, a.Feeds); got != "[censys (v3) shodan] [{aws 2026-01-01 } {gcp 2026-01-02 }]" {
		t.Errorf("MethodOf = %s", got)
	}
	if d := Differences(a, a); d != nil {
		t.Errorf("same method: %v", d)
	}
	b := a
	b.CatalogVersion = "2"
	b.Engines = []string{"shodan"}
	b.Feeds = []Feed{{Provider: "aws", Date: "2026-04-01"}, {Provider: "azure", Date: "2026-04-02"}}
	var got []string
	for _, d := range Differences(a, b) {
		got = append(got, d.String())
	}
	want := []string{"catalog version: 1 → 2", "engines: censys (v3), shodan → shodan",
		"range feed aws: 2026-01-01 → 2026-04-01", "range feed azure: none → 2026-04-02", "range feed gcp: 2026-01-02 → none"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w := Warning("A", "B", Differences(a, b)); !strings.Contains(w, "snapshots A and B were made with different methods (catalog version: 1 → 2;") {
		t.Errorf("Warning = %q", w)
	}
	// A snapshot collected for one scope is not comparable with a census.
	meta.Narrowings = []store.NarrowingMeta{{Scope: "acme", ScopesFile: "scopes.yaml", CIDRs: 1, Digest: "abcdef0123"}}
	n := MethodOf(meta, []store.Import{{Engine: model.Shodan}, {Engine: model.Censys}})
	d := Differences(a, n)
	if len(d) != 1 || d[0].String() != "narrowing: none → scope acme of scopes.yaml (1 network; digest abcdef01)" {
		t.Errorf("narrowed vs census: %v", d)
	}
}

// trendFixture builds a trend of n snapshots from the diff fixture's
// services, with a hostile product name made of every rune the PDF keeps
// and some it must replace.
func trendFixture(t *testing.T, n int) *Trend {
	t.Helper()
	a, b := fixture()
	hostile := "Ünïcødé ¡¿ “q” ‘s’ – — … • → ~ \u202e Кубер 漢字 \xff 😀 A\u00a0B"
	products := []report.ProductInfo{{ID: "kubernetes-api", Name: "Kubernetes API server", Family: "kubernetes"}, {ID: "etcd", Name: hostile}}
	var in []TrendInput
	for i := range n {
		ss := a
		if i%2 == 1 {
			ss = b
		}
		label := fmt.Sprintf("%dQ%d", 2020+i/4, i%4+1)
		v, err := report.Build(context.Background(), report.Meta{Snapshot: label, Products: products}, stream(ss))
		if err != nil {
			t.Fatal(err)
		}
		m := method
		if i == n-1 {
			m.CatalogVersion = "2027.1.0"
		}
		in = append(in, TrendInput{View: v, Created: created.AddDate(0, 3*i, 0), Method: m})
	}
	return NewTrend(in, ByQuarter)
}

func TestNewTrend(t *testing.T) {
	tr := trendFixture(t, 3)
	if len(tr.Snapshots) != 3 || tr.Snapshots[0].Snapshot != "2020Q1" || tr.Snapshots[2].Snapshot != "2020Q3" {
		t.Fatalf("snapshots %+v", tr.Snapshots)
	}
	if got := fmt.Sprint(tr.Snapshots[0].Headline.Services, tr.Snapshots[1].Headline.Services, tr.Snapshots[2].Headline.Services); got != "7 8 7" {
		t.Errorf("services %s, want 7 8 7", got)
	}
	// Products by services in the last snapshot, then id; each point
	// follows that order, with 0 where the product had no service.
	if got := strings.Join(tr.Products, " "); !strings.HasPrefix(got, "kubernetes-api ") || len(tr.Products) != 7 {
		t.Errorf("products %q", got)
	}
	for _, p := range tr.Snapshots {
		for i, c := range p.Products {
			if c.Product != tr.Products[i] {
				t.Fatalf("%s: product %d is %s, want %s", p.Snapshot, i, c.Product, tr.Products[i])
			}
		}
	}
	if len(tr.MethodChanges) != 1 || tr.MethodChanges[0].From != "2020Q2" || tr.MethodChanges[0].To != "2020Q3" {
		t.Errorf("method changes %+v", tr.MethodChanges)
	}
}
