package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/eol"
)

// TestDemoTruth runs the demo end to end (simulated APIs on loopback, the
// real collect, the reports) and checks that the report's numbers equal the
// population's truth after deduplication.
func TestDemoTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo skipped in -short mode")
	}
	out := t.TempDir()
	stdout, stderr, code := run(t, nil, "--quiet", "demo", "--seed", "11", "--size", "1200", "--out", out, "--rate", "2000")
	if code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"report.md", "report.json", "report.html", "report.pdf", "demo.db", "ranges/aws-ip-ranges.json"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("demo did not write %s: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "Exposed services") {
		t.Errorf("demo did not print the headline figures:\n%s", stdout)
	}
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got reportJSON
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	cat, err := (&globals{}).loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	shodanQs, censysQs := productQueries(cat)
	pop := demo.Generate(demo.Config{Seed: 11, Size: 1200})
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(p string) bool { return len(censysQs[p]) > 0 })
	truth := pop.Truth()
	checkTruth(t, got, truth)
	checkSupportTruth(t, data, pop)
	if o := got.EngineOverlap; o.ShodanOnly != truth.ShodanOnly || o.CensysOnly != truth.CensysOnly || o.Both != truth.Both {
		t.Errorf("engine overlap = %+v, want shodan-only %d censys-only %d both %d", o, truth.ShodanOnly, truth.CensysOnly, truth.Both)
	}
	// No demo key reaches a report.
	for _, f := range []string{"report.md", "report.json", "report.html"} {
		b, _ := os.ReadFile(filepath.Join(out, f))
		for _, secret := range []string{demo.ShodanKey, demo.CensysToken} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds a demo credential", f)
			}
		}
	}

	// The same demo gives the same reports, byte for byte (a fixed clock
	// dates the snapshot and both simulated APIs' answers).
	out2 := t.TempDir()
	if _, stderr, code := run(t, nil, "--quiet", "demo", "--seed", "11", "--size", "1200", "--out", out2, "--rate", "2000", "--no-pdf"); code != ExitOK {
		t.Fatalf("second demo: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"report.md", "report.json", "report.html"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(out2, f))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("two demos with one seed gave different %s", f)
		}
	}
}

func TestDemoWriteShodan(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "k8s.json.gz")
	if _, stderr, code := run(t, nil, "demo", "--write-shodan", f, "--size", "300"); code != ExitOK {
		t.Fatalf("write-shodan: exit %d\n%s", code, stderr)
	}
	db := filepath.Join(dir, "x.db")
	_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f)
	if code != ExitOK {
		t.Fatalf("import of the written file: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "300 records read") {
		t.Errorf("import did not read 300 banners:\n%s", stderr)
	}
}

// productQueries maps each catalog product to the queries that find it,
// for the tests that lay a population out as the simulated APIs do.
func productQueries(cat *catalog.Catalog) (shodan, censys map[string][]string) {
	return demo.QueriesByProduct(cat)
}

// checkSupportTruth checks the demo report's support figures against the
// population's: every product's services with a version, end of life and
// open and end of life, judged by the embedded calendars on the demo's
// date (the demo's versions mix releases past their end of life and
// supported ones).
func checkSupportTruth(t *testing.T, report []byte, pop *demo.Population) {
	t.Helper()
	var doc struct {
		Support supportJSON `json:"support"`
	}
	if err := json.Unmarshal(report, &doc); err != nil {
		t.Fatal(err)
	}
	data, err := eol.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	want, err := pop.Support(data, pop.Config.At)
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Support
	if s.AsOf != eol.Day(pop.Config.At) || !s.Embedded {
		t.Errorf("support as_of %s (embedded %v), want the demo's date %s", s.AsOf, s.Embedded, eol.Day(pop.Config.At))
	}
	var got []demo.SupportTruth
	eolTotal, supported := 0, 0
	for _, p := range s.Products {
		if p.WithVersion > 0 {
			got = append(got, demo.SupportTruth{Product: p.Product, WithVersion: p.WithVersion, EndOfLife: p.EndOfLife, OpenEndOfLife: p.OpenEndOfLife})
		}
		eolTotal += p.EndOfLife
		supported += p.Supported
	}
	slices.SortFunc(got, func(a, b demo.SupportTruth) int { return strings.Compare(a.Product, b.Product) })
	if !slices.Equal(got, want) {
		t.Errorf("support per product:\n got %+v\nwant %+v", got, want)
	}
	if eolTotal == 0 || supported == 0 {
		t.Errorf("the demo's versions are all current or all past their end of life (%d end of life, %d supported)", eolTotal, supported)
	}
}
