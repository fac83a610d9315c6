package assemble_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func stream(ss []model.Service) compare.Services {
	return func(fn func(*model.Service) error) error {
		for i := range ss {
			s := ss[i]
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

func svc(addr string, port uint16, product string, auth model.Auth, provider, region, country string) model.Service {
	return model.Service{
		Key:     model.Key{Addr: netip.MustParseAddr(addr), Port: port, Transport: "tcp"},
		Product: product, Auth: auth, Country: country,
		Cloud: model.CloudTag{Provider: provider, Region: region},
	}
}

var (
	created = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	method  = compare.Method{CatalogVersion: "2026.11.1", Engines: []string{"shodan"}, Feeds: []compare.Feed{{Provider: "aws", Date: "2026-11-15"}}}
)

// fixture is two small snapshots with every kind of change, and hostile
// strings where banners put them (the fixture of pkg/compare's tests).
func fixture() (a, b []model.Service) {
	a = []model.Service{
		svc("198.18.0.1", 443, "kubernetes-api", model.AuthRequired, "aws", "us-east-1", "US"),
		svc("198.18.0.1", 10250, "kubelet", model.AuthOpen, "aws", "us-east-1", "US"),
		svc("198.18.0.2", 443, "kubernetes-api", model.AuthRequired, "aws", "us-east-1", "US"),
		svc("198.18.0.3", 6443, "kubernetes-api", model.AuthUnknown, "aws", "us-west-2", "US"),
		svc("198.18.0.4", 2379, "etcd", model.AuthOpen, "aws", "eu-west-1", "IE"),
		svc("198.18.1.9", 8080, "marathon", model.AuthRequired, "", "", "CN"),
		svc("203.0.113.7", 9000, "<script>x</script>|p", model.AuthOpen, "gcp", "", "\u202eSU"),
	}
	b = []model.Service{
		svc("198.18.0.1", 443, "kubernetes-api", model.AuthOpen, "aws", "us-east-1", "US"),
		svc("198.18.0.1", 10250, "kubelet", model.AuthRequired, "aws", "us-east-1", "US"),
		svc("198.18.0.3", 6443, "kubernetes-api", model.AuthOpen, "aws", "us-west-2", "US"),
		svc("198.18.0.4", 2379, "etcd", model.AuthOpen, "aws", "eu-central-1", "IE"),
		svc("198.18.0.5", 443, "portainer", model.AuthOpen, "aws", "", "US"),
		svc("198.18.1.9", 8080, "marathon", model.AuthUnknown, "", "", "CN"),
		svc("203.0.113.7", 9000, "<script>x</script>|p", model.AuthOpen, "gcp", "", "\u202eSU"),
		svc("2001:db8::1", 443, "**bold** [l](http://e.test)\n# h", model.AuthRequired, "azure", "westeurope", "NL\xff|"),
	}
	return a, b
}

func diffOf(t *testing.T, mb compare.Method, addresses bool) *compare.Diff {
	t.Helper()
	a, b := fixture()
	d, err := compare.NewDiff(context.Background(),
		compare.Input{Label: "2026Q2", Created: created, Method: method, Services: stream(a)},
		compare.Input{Label: "2026Q3", Created: created.AddDate(0, 3, 0), Method: mb, Services: stream(b)},
		compare.Options{IncludeAddresses: addresses})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./pkg/report/assemble -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; review and run with -update:\n%s", path, got)
	}
}

func renderMD(t *testing.T, d *report.Document) string {
	t.Helper()
	var out bytes.Buffer
	if err := markdown.RenderDocument(&out, d); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestDiffMarkdownGolden(t *testing.T) {
	for _, c := range []struct {
		name      string
		mb        compare.Method
		addresses bool
	}{
		{"diff.md", method, false},
		{"diff-addresses.md", compare.Method{CatalogVersion: "2026.12.0", Engines: []string{"censys (v3)", "shodan"},
			Feeds: []compare.Feed{{Provider: "aws", Date: "2027-02-01"}}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := renderMD(t, assemble.DiffDocument(diffOf(t, c.mb, c.addresses)))
			golden(t, c.name, []byte(got))
			if again := renderMD(t, assemble.DiffDocument(diffOf(t, c.mb, c.addresses))); again != got {
				t.Error("two renders of the same diff differ")
			}
		})
	}
}

// cells counts the cells of a Markdown table row: unescaped pipes - 1.
func cells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

// checkMarkdown checks that engine strings cannot break a document: no
// HTML, no bidi override, no heading or link they started, no extra cell.
func checkMarkdown(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Error("output is not valid UTF-8")
	}
	for _, bad := range []string{"<script", "\u202e", "**bold**", "[l](", "\n# h"} {
		if strings.Contains(s, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	header := 0
	for i, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		if header == 0 {
			header = cells(line)
			continue
		}
		if n := cells(line); n != header {
			t.Errorf("line %d has %d cells, its table %d: %q", i+1, n, header, line)
		}
	}
}

func TestDiffMarkdownHostile(t *testing.T) {
	s := renderMD(t, assemble.DiffDocument(diffOf(t, method, true)))
	checkMarkdown(t, s)
	if !strings.Contains(s, `&lt;script&gt;x&lt;/script&gt;\|p`) {
		t.Error("hostile product not escaped as expected")
	}
}

func TestDiffJSON(t *testing.T) {
	var out bytes.Buffer
	if err := jsonreport.Write(&out, "diff", diffOf(t, method, false)); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, key := range []string{`"schema_version": 2`, `"comparable": true`, `"method_differences": []`, `"regressions": 1`,
		`"addresses_included": false`, `"change_percent": null`, `"change_percent": -33.33`, `"by_aws_region": [`} {
		if !strings.Contains(s, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	if strings.Contains(s, `"addresses":`) || strings.Contains(s, "<script") {
		t.Errorf("JSON lists addresses or unescaped HTML:\n%s", s)
	}
}

// trend builds a trend of n snapshots alternating the fixture's two, with
// hostile product names in scripts the PDF fonts lack; the last snapshot
// changes the catalog version.
func trend(t *testing.T, n int) *compare.Trend {
	t.Helper()
	a, b := fixture()
	hostile := "Ünïcødé ¡¿ “q” ‘s’ – — … • → ~ \u202e Кубер 漢字 \xff 😀 A\u00a0B"
	products := []report.ProductInfo{{ID: "kubernetes-api", Name: "Kubernetes API server", Family: "kubernetes"}, {ID: "etcd", Name: hostile}}
	var in []compare.TrendInput
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
		in = append(in, compare.TrendInput{View: v, Created: created.AddDate(0, 3*i, 0), Method: m})
	}
	return compare.NewTrend(in, compare.ByQuarter)
}

func TestTrendMarkdown(t *testing.T) {
	s := renderMD(t, assemble.TrendDocument(trend(t, 3)))
	for _, want := range []string{"| Exposed services | 7 | 8 | 7 |", "| Figure | 2020Q1 | 2020Q2 | 2020Q3 |",
		"- 2020Q2 → 2020Q3: catalog version: 2026.11.1 → 2027.1.0", "quarter order",
		"**The method changed between snapshots** (see Method)", "| Kubernetes API server | 3 (0) | 2 (2) | 3 (0) |"} {
		if !strings.Contains(s, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, s)
		}
	}
	checkMarkdown(t, s)
	if e := renderMD(t, assemble.TrendDocument(trend(t, 0))); e != "# Trend\n\nThere is no snapshot to show.\n" {
		t.Errorf("empty trend: %q", e)
	}
}

// TestTrendAndDiffPDF renders trends of 0, 1, 3 and 30 snapshots (more
// than the charts show) with hostile names, and a diff, through the one
// PDF engine: each is a PDF, byte-identical when rendered again.
func TestTrendAndDiffPDF(t *testing.T) {
	docs := map[string]func() *report.Document{
		"diff": func() *report.Document { return assemble.DiffDocument(diffOf(t, method, true)) },
	}
	for _, n := range []int{0, 1, 3, 30} {
		docs[fmt.Sprint("trend-", n)] = func() *report.Document { return assemble.TrendDocument(trend(t, n)) }
	}
	for name, mk := range docs {
		t.Run(name, func(t *testing.T) {
			var first []byte
			for i := range 4 {
				var out bytes.Buffer
				if err := pdf.RenderDocument(&out, mk(), pdf.Options{}); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = out.Bytes()
					if !bytes.HasPrefix(first, []byte("%PDF-1.")) || !bytes.Contains(first, []byte("%%EOF")) {
						t.Fatal("not a PDF")
					}
				} else if !bytes.Equal(first, out.Bytes()) {
					t.Fatalf("render %d differs from the first", i+1)
				}
			}
		})
	}
}
