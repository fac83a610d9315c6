package html_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/html/htmltest"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tenView builds the Ten fixture's view as the CLI would, with addresses
// when asked, and compared with an earlier snapshot (Ten less two
// services, one of them open, and an older catalog) when compare is set.
func tenView(t testing.TB, addresses, compare bool) *report.View {
	t.Helper()
	m := reporttest.Meta()
	m.IncludeAddresses = addresses
	v, err := report.Build(context.Background(), m, reporttest.Stream(reporttest.Ten()))
	if err != nil {
		t.Fatal(err)
	}
	if compare {
		v.Compare = report.NewComparison(earlierView(t), []string{"catalog version 2 then, 3 now"})
	}
	return v
}

// earlierView is the 2026Q3 view: Ten without its first two services
// (an open Kubernetes API server and a kubelet in us-east-1).
func earlierView(t testing.TB) *report.View {
	t.Helper()
	m := reporttest.Meta()
	m.Snapshot = "2026Q3"
	m.CatalogVersion = "2"
	m.Created = m.Created.AddDate(0, -3, 0)
	v, err := report.Build(context.Background(), m, reporttest.Stream(reporttest.Ten()[2:]))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func render(t testing.TB, v *report.View) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := html.Render(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func renderDoc(t testing.TB, d *report.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := html.RenderDocument(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func inspect(t testing.TB, page []byte) *htmltest.Page {
	t.Helper()
	p, err := htmltest.Inspect(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range p.Problems {
		t.Errorf("page problem: %s", pr)
	}
	for id, n := range p.IDs {
		if n > 1 {
			t.Errorf("id %q is used %d times", id, n)
		}
	}
	return p
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./pkg/report/html -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got %q\nwant %q\n(go test ./pkg/report/html -update rewrites it after review)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: %d lines, want %d", path, len(gl), len(wl))
	}
}

// table returns the table whose caption starts with caption.
func table(t *testing.T, p *htmltest.Page, caption string) htmltest.Table {
	t.Helper()
	for _, tb := range p.Tables {
		if strings.HasPrefix(tb.Caption, caption) {
			return tb
		}
	}
	t.Fatalf("no table %q in %q", caption, p.Shape())
	return htmltest.Table{}
}

// TestRenderView checks the Ten fixture's page against its golden file,
// and then what the golden file must hold: every section in the Markdown
// report's order, the headline figures and the summary in the view's
// words, products with display names, the AWS subtotals, and nothing that
// loads or runs.
func TestRenderView(t *testing.T) {
	v := tenView(t, false, false)
	page := render(t, v)
	golden(t, "report.html", page)
	p := inspect(t, page)
	s := string(page)
	var last int
	for _, id := range []string{`id="headline"`, `id="products"`, `id="providers"`, `id="aws-regions"`, `id="regions"`,
		`id="countries"`, `id="engines"`, `id="versions"`, `id="method"`} {
		i := strings.Index(s, id)
		if i < last {
			t.Errorf("section %s is missing or out of order", id)
		}
		last = i
	}
	if strings.Contains(s, `id="services"`) {
		t.Error("the page lists services without IncludeAddresses")
	}
	for _, sentence := range v.Summary {
		if !strings.Contains(p.Text, sentence) {
			t.Errorf("the page lacks the summary sentence %q", sentence)
		}
	}
	head := table(t, p, "Headline figures")
	want := [][]string{
		{"Figure", "Value"},
		{"Exposed services", "10"},
		{"Hosts (distinct addresses)", "8"},
		{"No authentication (open)", "3 (30.0%)"},
		{"Authentication required", "4 (40.0%)"},
		{"Unknown", "3 (30.0%)"},
		{"Kubernetes-family services open", "1 of 6"},
		{"Share on AWS", "70.0% (7)"},
		{"Share of the AWS-hosted in AWS US regions", "57.1% (4)"},
		{"Kubernetes share", "60.0% (6)"},
	}
	if !slices.EqualFunc(head.Rows, want, slices.Equal) {
		t.Errorf("headline table:\n got %q\nwant %q", head.Rows, want)
	}
	products := table(t, p, "Services per product")
	if got := products.Rows[1]; !slices.Equal(got, []string{"Kubernetes API server", "kubernetes", "orchestration", "5", "5", "1", "2", "2", "20.0%"}) {
		t.Errorf("first product row %q", got)
	}
	aws := table(t, p, "AWS subtotals")
	if got := aws.Rows[1:]; !slices.EqualFunc(got, [][]string{
		{"US regions", "4", "57.1%"}, {"Non-US regions", "1", "14.3%"}, {"Region unknown", "2", "28.6%"}, {"All AWS", "7", "100%"},
	}, slices.Equal) {
		t.Errorf("AWS subtotals %q", got)
	}
	providers := table(t, p, "Services per cloud provider")
	if got := providers.Rows[3][0]; got != "Google Cloud" {
		t.Errorf("second provider %q, want the display name Google Cloud", got)
	}
	for _, chart := range []string{"chart-products", "chart-providers", "chart-aws-regions", "chart-countries"} {
		if p.IDs[chart] != 1 || p.IDs[chart+"-t"] != 1 || p.IDs[chart+"-d"] != 1 {
			t.Errorf("chart %s is missing, or lacks its <title> or <desc>", chart)
		}
	}
	if !bytes.Equal(page, render(t, tenView(t, false, false))) {
		t.Error("two renders of one view differ")
	}
}

// TestRenderCompare renders report --compare's view: every table gains
// the earlier value and the change, as the Markdown report writes them,
// and the method section lists the difference of method.
func TestRenderCompare(t *testing.T) {
	v := tenView(t, false, true)
	page := render(t, v)
	golden(t, "report-compare.html", page)
	p := inspect(t, page)
	head := table(t, p, "Headline figures, compared with snapshot 2026Q3")
	if got, want := head.Rows[0], []string{"Figure", "Value", "In 2026Q3", "Change"}; !slices.Equal(got, want) {
		t.Errorf("headline header %q, want %q", got, want)
	}
	if got, want := head.Rows[1], []string{"Exposed services", "10", "8", "+2 (+25.0%)"}; !slices.Equal(got, want) {
		t.Errorf("services row %q, want %q", got, want)
	}
	products := table(t, p, "Services per product")
	if n := len(products.Rows[0]); n != 13 {
		t.Errorf("product table has %d columns with a comparison, want 13", n)
	}
	for _, r := range products.Rows {
		if len(r) != len(products.Rows[0]) {
			t.Errorf("product row %q has %d cells, the header %d", r, len(r), len(products.Rows[0]))
		}
	}
	if !strings.Contains(p.Text, "catalog version 2 then, 3 now") || !strings.Contains(p.Text, "The two snapshots were not made the same way") {
		t.Error("the page does not state the difference of method")
	}
}

// TestRenderAddresses lists every service, with its address, when the
// view includes addresses.
func TestRenderAddresses(t *testing.T) {
	v := tenView(t, true, false)
	p := inspect(t, render(t, v))
	svc := table(t, p, "Every service")
	if len(svc.Rows) != 1+len(v.Services) {
		t.Fatalf("%d service rows, want %d", len(svc.Rows)-1, len(v.Services))
	}
	if got := svc.Rows[1][0]; got != v.Services[0].Address {
		t.Errorf("first address %q, want %q", got, v.Services[0].Address)
	}
}

// TestRenderEmptyView renders a snapshot without services: no chart, the
// sentences that say so, no empty table where the Markdown report has a
// sentence.
func TestRenderEmptyView(t *testing.T) {
	m := reporttest.Meta()
	m.Products = nil
	v, err := report.Build(context.Background(), m, reporttest.Stream(nil))
	if err != nil {
		t.Fatal(err)
	}
	p := inspect(t, render(t, v))
	for _, want := range []string{"The snapshot holds no exposed services.", "No service was tagged as hosted on AWS.",
		"No service was tagged with a cloud provider.", "No banner named a version."} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("the empty page lacks %q", want)
		}
	}
	for id := range p.IDs {
		if strings.HasPrefix(id, "chart-") {
			t.Errorf("the empty page draws %s", id)
		}
	}
}

// TestRenderNil fails cleanly on a nil view or document.
func TestRenderNil(t *testing.T) {
	if err := html.Render(&bytes.Buffer{}, nil); err == nil {
		t.Error("Render(nil) succeeded")
	}
	if err := html.RenderDocument(&bytes.Buffer{}, nil); err == nil {
		t.Error("RenderDocument(nil) succeeded")
	}
}

// hostileView is reporttest.Poisoned(s) with s in the countries and the
// cloud regions too.
func hostileView(t testing.TB, s string) *report.View {
	t.Helper()
	m, ss := reporttest.Poisoned(s)
	for i := range ss {
		ss[i].Country = s
		if ss[i].Cloud.Provider != "" {
			ss[i].Cloud.Region = s
		}
	}
	v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRenderHostile renders the hostile-banner corpus in every banner
// field and checks, with an HTML tokenizer, that the page holds no
// element or attribute the renderer does not write (no script, no event
// handler, no style attribute, no image, no link out of the page), that
// every hostile string is there as text, cleaned, and in no attribute,
// and that the tables keep the shape they have with a plain word.
func TestRenderHostile(t *testing.T) {
	plain := inspect(t, render(t, hostileView(t, "plain")))
	for _, s := range reporttest.Hostile() {
		page := render(t, hostileView(t, s))
		p := inspect(t, page)
		want := plain.Shape()
		if s == "" { // an empty version has no row: the empty string is compared with itself
			want = inspect(t, render(t, hostileView(t, ""))).Shape()
		}
		if got := p.Shape(); !slices.Equal(got, want) {
			t.Errorf("%q changed the tables:\n got %q\nwant %q", s, got, want)
		}
		c := report.CleanText(s, 40)
		if c == "" {
			continue
		}
		c = strings.TrimSuffix(c, report.Ellipsis)
		if !strings.Contains(p.Text, c) {
			t.Errorf("%q is not in the page's text as %q", s, c)
		}
		for _, a := range p.Attrs {
			if len(c) >= 4 && strings.Contains(a, c) {
				t.Errorf("%q reached an attribute: %s", s, a)
			}
		}
	}
}

// corpusView is the report of reporttest's hostile services (one per
// hostile string, the string in every field a banner or a tag fills:
// product, provider, region, country, version, title, hostnames) under
// its hostile meta (title, snapshot label, catalog version, notes,
// truncations, inputs, feeds), with addresses.
func corpusView(t testing.TB) *report.View {
	t.Helper()
	m := reporttest.HostileMeta()
	m.IncludeAddresses = true
	v, err := report.Build(context.Background(), m, reporttest.Stream(reporttest.HostileServices()))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRenderHostileCorpus renders corpusView: nothing the renderer does
// not write, every hostile string (cleaned) in the page's text and none
// in an attribute.
func TestRenderHostileCorpus(t *testing.T) {
	page := render(t, corpusView(t))
	p := inspect(t, page)
	for _, s := range reporttest.Hostile() {
		c := strings.TrimSuffix(report.CleanText(s, 40), report.Ellipsis)
		if c == "" {
			continue
		}
		if !strings.Contains(p.Text, c) {
			t.Errorf("%q is not in the page's text as %q", s, c)
		}
		for _, a := range p.Attrs {
			if len(c) >= 4 && strings.Contains(a, c) {
				t.Errorf("%q reached an attribute: %s", s, a)
			}
		}
	}
	if !bytes.Equal(page, render(t, corpusView(t))) {
		t.Error("two renders of the corpus differ")
	}
}

// TestHostileReachesPage checks that the hostile view's fields reach the
// page's tables, so that TestRenderHostile tests what it says.
func TestHostileReachesPage(t *testing.T) {
	v := hostileView(t, "canary-3f9c")
	p := inspect(t, render(t, v))
	for _, where := range []string{"Every service", "Inputs", "Services per country"} {
		tb := table(t, p, where)
		found := false
		for _, r := range tb.Rows {
			found = found || slices.ContainsFunc(r, func(c string) bool { return strings.Contains(c, "canary-3f9c") })
		}
		if !found {
			t.Errorf("the canary does not reach the table %q", where)
		}
	}
}

// TestRenderDocument renders a hand-made document with every kind of
// block: the title and introduction (a warning in bold), a contents list
// of the level-1 sections only, tables with an untitled column and a
// total row, a line chart with a note and a bar chart without one, a
// list, and a subsection.
func TestRenderDocument(t *testing.T) {
	tb := &report.Table{Columns: []report.Column{{Title: ""}, {Title: "2026Q3", Figure: true}, {Title: "2026Q4", Figure: true}}}
	tb.Add("Exposed services", "8", "10")
	tb.AddTotal("All", "8", "10")
	chart := func(kind report.ChartKind, note string) *report.Chart {
		return &report.Chart{Kind: kind, Title: "Services", Labels: []string{"2026Q3", "2026Q4"}, Note: note,
			Series: []report.Series{{Name: "All services", Values: []int{8, 10}}, {Name: "Open", Values: []int{2, 3}}}}
	}
	d := &report.Document{
		Title: "Trend <b>x</b>",
		Intro: []report.Block{report.Para("Oldest first."), {Lead: "The method changed", Text: "(see Method)."}},
		Sections: []report.Section{
			{Title: "Headline figures", Level: 1, Blocks: []report.Block{{Chart: chart(report.LineChart, "The chart shows the latest 2 of 3 snapshots.")}, {Table: tb}}},
			{Title: "Per product", Level: 1, Blocks: []report.Block{{Chart: chart(report.BarChart, "")}, {List: []string{"one", "two"}}}},
			{Title: "Details", Level: 2, Blocks: []report.Block{report.Para("Nothing more.")}},
		},
	}
	page := renderDoc(t, d)
	p := inspect(t, page)
	s := string(page)
	for _, want := range []string{
		"<title>Trend &lt;b&gt;x&lt;/b&gt;</title>",
		`<p class="warn"><strong>The method changed</strong> (see Method).</p>`,
		`<li><a href="#s1">Headline figures</a></li>`, `<li><a href="#s2">Per product</a></li>`,
		`<h3 id="s3-h">Details</h3>`,
		`<tr class="total"><th scope="row">All</th><td class="num">8</td><td class="num">10</td></tr>`,
		`<figcaption>The table in this section gives every figure of the chart. The chart shows the latest 2 of 3 snapshots.</figcaption>`,
		`<figcaption>The table in this section gives every figure of the chart.</figcaption>`,
		`<li>one</li>`, `<polyline class="line s0"`, `<rect class="s1"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(s, `href="#s3"`) {
		t.Error("the contents list a subsection")
	}
	if got := p.Tables[0].Rows[0]; !slices.Equal(got, []string{"", "2026Q3", "2026Q4"}) {
		t.Errorf("header %q: an untitled column must stay empty", got)
	}
	if p.IDs["s1-1-t"] != 1 || p.IDs["s2-1-d"] != 1 {
		t.Errorf("charts lack their <title> or <desc> ids: %v", p.IDs)
	}
	if !bytes.Equal(page, renderDoc(t, d)) {
		t.Error("two renders of one document differ")
	}
}
