package tour

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/scope"
)

// TestRun runs a small tour: the reports and briefings are written
// through Create, the events come in order, the view's headline is the
// population's truth, and the example scopes file is valid and selects
// services.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo skipped in -short mode")
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var created, events []string
	cfg := Config{Seed: 11, Size: 600, Rate: 2000, Out: out, NoPDF: true, Catalog: cat,
		Create: func(path string, write func(io.Writer) error) error {
			rel, _ := filepath.Rel(out, path)
			created = append(created, filepath.ToSlash(rel))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return write(f)
		},
		Events: func(e Event) { events = append(events, reflect.TypeOf(e).Name()) }}
	tr, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	v, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Serving", "Wrote", "Wrote", "Wrote", "EarlierServing", "Briefed"}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events %q, want %q", events, want)
	}
	for _, f := range []string{"report.md", "report.json", "report.html", "briefs/index.md", "briefs/index.json",
		"briefs/cloud-team/brief.md", "briefs/cloud-team/services.csv", "briefs/apac-ops/brief.html"} {
		if !slices.Contains(created, f) {
			t.Errorf("%s was not written (written: %q)", f, created)
		}
	}
	if slices.ContainsFunc(created, func(f string) bool { return strings.HasSuffix(f, ".pdf") }) {
		t.Errorf("a PDF with NoPDF: %q", created)
	}
	shodanQs, censysQs := demo.QueriesByProduct(cat)
	pop := demo.Generate(demo.Config{Seed: 11, Size: 600})
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(p string) bool { return len(censysQs[p]) > 0 })
	if truth := pop.Truth(); v.Headline.Services != truth.Services || v.Headline.Open != truth.Open || v.Snapshot != Snapshot {
		t.Errorf("headline %+v, want the truth %d services, %d open", v.Headline, truth.Services, truth.Open)
	}
	if h := Headline(v); strings.Count(h, "\n") != 8 || !strings.Contains(h, "Exposed services") || !strings.Contains(h, report.Num(v.Headline.Services)+" on ") {
		t.Errorf("headline:\n%s", h)
	}
	set, err := scope.Load(filepath.Join(out, "briefs", "scopes.yaml"))
	if err != nil || set.Len() != 2 {
		t.Fatalf("scopes.yaml: %v", err)
	}
}
