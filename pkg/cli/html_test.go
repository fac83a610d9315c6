package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html/htmltest"
)

// htmlPage inspects a page orchex wrote and fails on anything it must
// not hold (a script, an event handler, a style attribute, a load from
// outside, a missing Content-Security-Policy).
func htmlPage(t *testing.T, what, page string) *htmltest.Page {
	t.Helper()
	p, err := htmltest.Inspect(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, pr := range p.Problems {
		t.Errorf("%s: %s", what, pr)
	}
	return p
}

// htmlRow returns the cells of the first row, in a table whose caption
// starts with caption, whose first cell is label.
func htmlRow(p *htmltest.Page, caption, label string) []string {
	for _, tb := range p.Tables {
		if !strings.HasPrefix(tb.Caption, caption) {
			continue
		}
		for _, r := range tb.Rows {
			if len(r) > 0 && r[0] == label {
				return r
			}
		}
	}
	return nil
}

// TestHTMLFormats writes report (plain, with --compare and
// --include-addresses), diff and trend as HTML: to stdout, byte-identical
// when written again and equal to what --out writes; each page holds
// nothing that loads or runs and shows the figures of the JSON output.
func TestHTMLFormats(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	a, b := qs[0].label, qs[1].label
	pages := map[string]*htmltest.Page{}
	for name, args := range map[string][]string{
		"report":  {"report", "--snapshot", b, "--format", "html"},
		"compare": {"report", "--snapshot", b, "--compare", a, "--format", "html", "--include-addresses"},
		"diff":    {"diff", "--format", "html", "--include-addresses", a, b},
		"trend":   {"trend", "--format", "html"},
	} {
		first, stderr, code := run(t, nil, append([]string{"--db", db}, args...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		second, _, _ := run(t, nil, append([]string{"--db", db}, args...)...)
		if first != second {
			t.Errorf("%v: two runs differ", args)
		}
		file := filepath.Join(dir, name+".html")
		if _, stderr, code := run(t, nil, append([]string{"--db", db}, append(args, "--out", file)...)...); code != ExitOK {
			t.Fatalf("%v --out: exit %d\n%s", args, code, stderr)
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != first {
			t.Errorf("%v: --out wrote another page than stdout (%v)", args, err)
		}
		pages[name] = htmlPage(t, name, first)
	}

	js, _, _ := run(t, nil, "--db", db, "report", "--snapshot", b, "--format", "json")
	var r reportJSON
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	h := r.Headline
	for _, name := range []string{"report", "compare"} {
		if got := htmlRow(pages[name], "Headline figures", "Exposed services"); len(got) < 2 || got[1] != report.Num(h.Services) {
			t.Errorf("%s: headline services %q, want %s", name, got, report.Num(h.Services))
		}
		if got := htmlRow(pages[name], "Headline figures", "No authentication (open)"); len(got) < 2 || !strings.HasPrefix(got[1], report.Num(h.Open)+" (") {
			t.Errorf("%s: headline open %q, want %s", name, got, report.Num(h.Open))
		}
	}
	if got := htmlRow(pages["compare"], "Headline figures", "Exposed services"); len(got) != 4 {
		t.Errorf("report --compare: headline row %q lacks the earlier value and the change", got)
	}
	if !strings.Contains(pages["compare"].Text, "Every service of the snapshot") {
		t.Error("report --include-addresses: no services table")
	}

	d := diffJSON(t, db, a, b)
	want := []string{"Exposed services", report.Num(d.Totals.Services.Before), report.Num(d.Totals.Services.After)}
	if got := htmlRow(pages["diff"], "Summary", "Exposed services"); len(got) < 3 || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("diff: services row %q, want it to start %q", got, want)
	}
	if got := htmlRow(pages["trend"], "Headline figures", "Exposed services"); len(got) != 1+len(qs) {
		t.Errorf("trend: services row %q, want one cell per snapshot (%d)", got, len(qs))
	}
}
