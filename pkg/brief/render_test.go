package brief_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/html/htmltest"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

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
		t.Fatalf("%v (go test ./pkg/brief -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; review and run with -update", path)
	}
}

func endpoint(s model.Service) string {
	a := s.Addr.String()
	if s.Addr.Is6() {
		a = "[" + a + "]"
	}
	return a + ":" + itoa(int(s.Port)) + "/" + s.Transport
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestMarkdown renders every scope's briefing as Markdown: every service
// of the scope is listed once, every open service with its evidence on
// its row, the hostile banner text escaped, the tables well formed; the
// v4 scope's briefing is pinned by a golden file.
func TestMarkdown(t *testing.T) {
	a, b := snapshots(8, 120)
	r := run(t, a, b, true, nil)
	for k := range r.Len() {
		bf := open(t, r, k)
		var out bytes.Buffer
		if err := markdown.RenderDocument(&out, bf.Document(brief.DocOptions{})); err != nil {
			t.Fatal(err)
		}
		md := out.String()
		name := bf.Scope.Name
		if name == "v4" {
			golden(t, "v4.md", out.Bytes())
		}
		checkMarkdown(t, name, md)
		lines := strings.Split(md, "\n")
		for _, s := range b {
			if !truth[name](&s) {
				continue
			}
			n := 0
			prefix := "| " + markdown.Escape(endpoint(s), markdown.CellMax) + " |"
			for _, l := range lines {
				c := split(l)
				if !strings.HasPrefix(l, prefix) || len(c) != 8 {
					continue // not a row of the service listings
				}
				n++
				if s.Auth == model.AuthOpen && (!strings.HasPrefix(c[2], "open (") || c[3] != markdown.Escape(s.AuthEvidence, markdown.CellMax)) {
					t.Errorf("%s: open service row without its evidence: %s", name, l)
				}
			}
			if n != 1 {
				t.Errorf("%s: %s is listed %d times in the service listings", name, endpoint(s), n)
			}
		}
	}
}

// split returns the cells of a Markdown table row, trimmed.
func split(line string) []string {
	if !strings.HasPrefix(line, "|") {
		return nil
	}
	var out []string
	start := 1
	for i := 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			out = append(out, strings.TrimSpace(line[start:i]))
			start = i + 1
		}
	}
	return out
}

// checkMarkdown checks that engine strings cannot break a document: no
// HTML, no bidi override, no heading or link they started, no extra cell.
func checkMarkdown(t *testing.T, name, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: not valid UTF-8", name)
	}
	for _, bad := range []string{"<script", "\u202e", "**b**", "[l](", "\n# h"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s: output contains %q", name, bad)
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
			t.Errorf("%s: line %d has %d cells, its table %d: %q", name, i+1, n, header, line)
		}
	}
}

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

// TestHTMLAndPDF renders a briefing as HTML (well formed, nothing that
// loads or runs, every service of the scope in a table, the hostile text
// as text) and as PDF (every open service's address and evidence in its
// text), and a capped one that says where the rest is.
func TestHTMLAndPDF(t *testing.T) {
	a, b := snapshots(9, 300)
	r := run(t, a, b, true, nil)
	k := 2 // v4
	bf := open(t, r, k)
	var page bytes.Buffer
	if err := html.RenderDocument(&page, bf.Document(brief.DocOptions{MaxListed: brief.DefaultMaxListed})); err != nil {
		t.Fatal(err)
	}
	p, err := htmltest.Inspect(bytes.NewReader(page.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range p.Problems {
		t.Errorf("page problem: %s", pr)
	}
	listed := map[string]bool{}
	for _, tb := range p.Tables {
		for _, row := range tb.Rows {
			if len(row) == 8 && strings.HasPrefix(row[2], "open") && row[3] == "" {
				t.Errorf("open service without evidence: %q", row)
			}
			listed[row[0]] = true
		}
	}
	for _, s := range b {
		if truth["v4"](&s) && !listed[endpoint(s)] {
			t.Errorf("HTML lacks %s", endpoint(s))
		}
	}
	if !strings.Contains(page.String(), "&lt;script&gt;") || strings.Contains(page.String(), "<script>alert") {
		t.Error("hostile text not escaped in HTML")
	}

	var capped bytes.Buffer
	if err := markdown.RenderDocument(&capped, bf.Document(brief.DocOptions{MaxListed: 3, FullList: "brief.md, brief.json and services.csv"})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(capped.String(), "lists at most 3; brief.md, brief.json and services.csv list every service.") {
		t.Errorf("capped document does not say where the rest is:\n%s", capped.String())
	}

	var doc bytes.Buffer
	if err := pdf.RenderDocument(&doc, bf.Document(brief.DocOptions{MaxListed: brief.DefaultMaxListed}), pdf.Options{}); err != nil {
		t.Fatal(err)
	}
	text, ok := pdfText(t, doc.Bytes())
	if !ok {
		return
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, s := range b {
		if truth["v4"](&s) && s.Auth == model.AuthOpen && !strings.Contains(flat, s.Addr.String()+":") {
			t.Errorf("PDF lacks open service %s", endpoint(s))
		}
	}
	if !strings.Contains(flat, "200 API paths list") {
		t.Error("PDF lacks the open services' evidence")
	}
}
