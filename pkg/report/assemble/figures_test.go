package assemble_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/report/csvreport"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
	"github.com/orchex/orchex/pkg/store"
)

// figureItem is an observation of product on addr:port, classified.
func figureItem(addr string, port uint16, product, family string, auth model.Auth, marks model.Honeypot) ingest.Item {
	o := model.Observation{Engine: model.Shodan, QueryID: product + "/shodan/1", Addr: netip.MustParseAddr(addr), Port: port,
		Transport: "tcp", Country: "DE", SeenAt: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Honeypot: marks}
	c := model.Classification{Product: product, Family: family, ProductEvidence: "test", Auth: auth, AuthEvidence: string(auth), Confidence: model.High}
	return ingest.Item{Obs: o, Class: c, Service: normalize.Service(&o, c, model.CloudTag{})}
}

// figureStore is a snapshot with every case of the figures: plain
// services, a likely-open Marathon, a host Shodan tagged as a honeypot,
// a host that answers as five unrelated families, and a mark that the
// import of a file stopped at a truncated gzip stream.
func figureStore(t *testing.T) (*store.Store, *catalog.Catalog) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "orchex.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.EnsureSnapshot(ctx, "2026Q4", time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), store.Meta{CatalogVersion: "x"}); err != nil {
		t.Fatal(err)
	}
	items := []ingest.Item{
		figureItem("198.18.0.1", 6443, "kubernetes-api", "kubernetes", model.AuthRequired, 0),
		figureItem("198.18.0.1", 10250, "kubelet", "kubernetes", model.AuthOpen, 0),
		figureItem("198.18.0.2", 8080, "marathon", "mesos", model.AuthLikelyOpen, 0),
		figureItem("198.18.0.3", 2375, "docker-engine", "docker", model.AuthOpen, model.HoneypotShodanTag),
		figureItem("198.18.0.3", 9000, "portainer", "portainer", model.AuthOpen, 0),
		figureItem("198.18.0.4", 6443, "kubernetes-api", "kubernetes", model.AuthOpen, 0),
		figureItem("198.18.0.4", 2375, "docker-engine", "docker", model.AuthOpen, 0),
		figureItem("198.18.0.4", 5050, "mesos-master", "mesos", model.AuthOpen, 0),
		figureItem("198.18.0.4", 9000, "portainer", "portainer", model.AuthOpen, 0),
		figureItem("198.18.0.4", 4646, "nomad", "nomad", model.AuthOpen, 0),
	}
	if _, err := st.Put(ctx, "2026Q4", items, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkIncomplete(ctx, "2026Q4", store.Incomplete{Run: "import of k8s.json.gz",
		Reasons: []string{"k8s.json.gz:5121: the gzip stream is truncated; 5120 records were read before the break and kept"}}); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return st, cat
}

// TestFiguresFromStore: the view of a snapshot built from the store
// leaves the honeypot hosts out (7 services on 2 hosts), counts the
// likely-open service apart from open, and says the snapshot is
// incomplete, with the reason; with IncludeHoneypots everything counts.
func TestFiguresFromStore(t *testing.T) {
	ctx := context.Background()
	st, cat := figureStore(t)
	v, err := assemble.View(ctx, st, cat, "2026Q4", assemble.Options{IncludeAddresses: true})
	if err != nil {
		t.Fatal(err)
	}
	h := v.Headline
	if h.Services != 3 || h.Hosts != 2 || h.Open != 1 || h.LikelyOpen != 1 || h.AuthRequired != 1 || h.Unknown != 0 {
		t.Errorf("headline %+v: want 3 services on 2 hosts, 1 open, 1 likely open, 1 auth required", h)
	}
	if hp := v.Method.Honeypots; hp != (report.Honeypots{Services: 7, Hosts: 2}) {
		t.Errorf("honeypots %+v, want 7 services on 2 hosts left out", hp)
	}
	if len(v.Services) != 3 {
		t.Errorf("%d services listed, want 3", len(v.Services))
	}
	for _, r := range v.ByProduct {
		if r.Product == "portainer" && (r.Services != 0 || r.Hosts != 0) {
			t.Errorf("portainer, only on honeypot hosts: %+v", r)
		}
	}
	if v.Completeness.Complete || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "k8s.json.gz:5121") {
		t.Errorf("completeness %+v warnings %q", v.Completeness, v.Warnings)
	}
	all, err := assemble.View(ctx, st, cat, "2026Q4", assemble.Options{IncludeHoneypots: true})
	if err != nil {
		t.Fatal(err)
	}
	if all.Headline.Services != 10 || all.Headline.Hosts != 4 || all.Headline.Open != 8 {
		t.Errorf("with honeypots: %+v", all.Headline)
	}
}

// TestIncompleteAtTopOfEveryFormat: Markdown, JSON, HTML, PDF and CSV of
// an incomplete snapshot say so before any figure, and listings leave
// honeypot services out (or mark them when asked).
func TestIncompleteAtTopOfEveryFormat(t *testing.T) {
	ctx := context.Background()
	st, cat := figureStore(t)
	v, err := assemble.View(ctx, st, cat, "2026Q4", assemble.Options{IncludeAddresses: true})
	if err != nil {
		t.Fatal(err)
	}
	before := func(name, doc, first, figure string) {
		t.Helper()
		i, j := strings.Index(doc, first), strings.Index(doc, figure)
		if i < 0 || j < 0 || i > j {
			t.Errorf("%s: %q (at %d) does not come before %q (at %d)", name, first, i, figure, j)
		}
	}
	var md bytes.Buffer
	if err := markdown.Render(&md, v, ""); err != nil {
		t.Fatal(err)
	}
	before("markdown", md.String(), "> **Incomplete snapshot.** This snapshot is incomplete", "## Headline")
	if strings.Contains(md.String(), "198.18.0.3") || strings.Contains(md.String(), "198.18.0.4") {
		t.Error("markdown lists a honeypot host's services")
	}
	var js bytes.Buffer
	if err := jsonreport.Render(&js, v); err != nil {
		t.Fatal(err)
	}
	before("json", js.String(), `"completeness"`, `"headline"`)
	var doc struct {
		Completeness report.Completeness `json:"completeness"`
		Services     []report.ServiceRow `json:"services"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Completeness.Complete || len(doc.Completeness.Reasons) != 1 || len(doc.Services) != 3 {
		t.Errorf("json completeness %+v, %d services", doc.Completeness, len(doc.Services))
	}
	var page bytes.Buffer
	if err := html.Render(&page, v); err != nil {
		t.Fatal(err)
	}
	before("html", page.String(), "<strong>Incomplete snapshot.</strong>", `id="headline"`)

	var c bytes.Buffer
	if err := csvreport.WriteWith(&c, func(fn func(*model.Service) error) error { return st.Services(ctx, "2026Q4", fn) },
		csvreport.Options{IncludeAddresses: true, IncludeHoneypots: true, Incomplete: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	honey := 0
	for _, r := range rows[1:] {
		if r[col["snapshot_complete"]] != "false" {
			t.Errorf("csv row says complete: %v", r)
		}
		if r[col["honeypot"]] == "true" {
			honey++
		}
	}
	if len(rows) != 11 || honey != 7 {
		t.Errorf("csv: %d rows, %d marked honeypot; want 10 and 7", len(rows)-1, honey)
	}

	var p bytes.Buffer
	if err := pdf.Render(&p, v, pdf.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Logf("pdftotext not installed: the PDF's text is not checked")
		return
	}
	f := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(f, p.Bytes(), 0o600)
	out, err := exec.Command("pdftotext", "-f", "1", "-l", "2", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(text, "Incomplete snapshot") || !strings.Contains(text, "This snapshot is incomplete") {
		t.Errorf("the PDF's cover and summary do not say the snapshot is incomplete:\n%s", text)
	}
}

// TestHoneypotsIncludedMethodLine: with honeypots counted, the method
// section of every format says so in words ("as asked"), naming no
// command-line flag: the renderers are a library.
func TestHoneypotsIncludedMethodLine(t *testing.T) {
	ctx := context.Background()
	st, cat := figureStore(t)
	v, err := assemble.View(ctx, st, cat, "2026Q4", assemble.Options{IncludeHoneypots: true})
	if err != nil {
		t.Fatal(err)
	}
	var md, page, p bytes.Buffer
	if err := markdown.Render(&md, v, ""); err != nil {
		t.Fatal(err)
	}
	if err := html.Render(&page, v); err != nil {
		t.Fatal(err)
	}
	if err := pdf.Render(&p, v, pdf.Options{}); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"markdown": md.String(), "html": page.String()}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		f := filepath.Join(t.TempDir(), "r.pdf")
		os.WriteFile(f, p.Bytes(), 0o600)
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		texts["pdf"] = strings.Join(strings.Fields(string(out)), " ")
	}
	for name, text := range texts {
		if !strings.Contains(text, "7 on 2 hosts, included in every figure, as asked") || strings.Contains(text, "--include") {
			t.Errorf("%s: the method's honeypot line is not \"7 on 2 hosts, included in every figure, as asked\" or names a flag", name)
		}
	}
}

// TestDiffAndTrendFlagIncomplete: a diff and a trend of an incomplete
// snapshot open with it, and the trend's columns flag it.
func TestDiffAndTrendFlagIncomplete(t *testing.T) {
	ctx := context.Background()
	st, cat := figureStore(t)
	if _, err := st.EnsureSnapshot(ctx, "2026Q3", time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC), store.Meta{CatalogVersion: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "2026Q3", []ingest.Item{figureItem("198.18.0.1", 6443, "kubernetes-api", "kubernetes", model.AuthRequired, 0)}, nil); err != nil {
		t.Fatal(err)
	}
	a, err := assemble.DiffInput(ctx, st, "2026Q3")
	if err != nil {
		t.Fatal(err)
	}
	b, err := assemble.DiffInput(ctx, st, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	d, err := compare.NewDiff(ctx, a, b, compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.B.Completeness.Complete || !d.A.Completeness.Complete || d.B.Honeypots != 7 || d.Totals.Services.After != 3 || d.Totals.LikelyOpen.After != 1 {
		t.Errorf("diff sides %+v %+v, totals %+v", d.A, d.B, d.Totals)
	}
	var md bytes.Buffer
	if err := markdown.RenderDocument(&md, assemble.DiffDocument(d)); err != nil {
		t.Fatal(err)
	}
	if i, j := strings.Index(md.String(), "Snapshot 2026Q4 is incomplete:"), strings.Index(md.String(), "## Summary"); i < 0 || i > j {
		t.Errorf("the diff does not open with the incomplete snapshot:\n%s", md.String())
	}
	tr, err := assemble.Trend(ctx, st, cat, "", "", assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Snapshots) != 2 || tr.Snapshots[1].Completeness.Complete || !tr.Snapshots[0].Completeness.Complete {
		t.Fatalf("trend points %+v", tr.Snapshots)
	}
	md.Reset()
	if err := markdown.RenderDocument(&md, assemble.TrendDocument(tr)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "2026Q4 (incomplete)") || !strings.Contains(md.String(), "Snapshot 2026Q4 is incomplete:") {
		t.Errorf("the trend does not flag the incomplete snapshot:\n%s", md.String())
	}
}
