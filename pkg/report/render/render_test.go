package render

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Format{"md": Markdown, "Markdown": Markdown, "JSON": JSON, "csv": CSV, "pdf": PDF, "html": HTML} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "xml", "txt"} {
		if _, ok := Parse(in); ok {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

// TestDocument: each format is its renderer's (Markdown, CSV, HTML, PDF
// by their first bytes), JSON writes the data, not the document.
func TestDocument(t *testing.T) {
	tb := &report.Table{Columns: []report.Column{{Title: "product"}, {Title: "services", Figure: true}}, Rows: [][]string{{"kubernetes-api", "12"}}}
	doc := func() *report.Document {
		return &report.Document{Title: "Diff", Sections: []report.Section{{Title: "Products", Level: 1, Blocks: []report.Block{{Table: tb}}}}}
	}
	data := map[string]int{"services": 12}
	for f, want := range map[Format]string{Markdown: "# Diff", CSV: "section,", HTML: "<!DOCTYPE html>", PDF: "%PDF-", JSON: "{"} {
		var b bytes.Buffer
		if err := Document(&b, f, doc, data, "diff"); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.HasPrefix(b.String(), want) {
			t.Errorf("%s starts %.40q, want %q", f, b.String(), want)
		}
		if f == JSON {
			var got map[string]int
			if err := json.Unmarshal(b.Bytes(), &got); err != nil || got["services"] != 12 {
				t.Errorf("JSON: %v %v", got, err)
			}
		}
	}
	if err := View(&bytes.Buffer{}, CSV, &report.View{}, "", ""); err == nil {
		t.Error("a view rendered as CSV")
	}
	var b bytes.Buffer
	if err := Document(&b, "xml", doc, data, "diff"); err == nil || b.Len() > 0 {
		t.Errorf("a document in an unknown format: %v, wrote %.40q", err, b.String())
	}
}

// TestEmptySnapshotSaysItOnce: a snapshot searched by two engines that
// holds no service prints no empty provider or country table and no
// overlap of zeros, in Markdown and HTML, but one line in their place
// (issue "the report fits the data"; the PDF takes the same Shown).
func TestEmptySnapshotSaysItOnce(t *testing.T) {
	v, err := report.Build(context.Background(), reporttest.Meta(), reporttest.Stream(nil))
	if err != nil {
		t.Fatal(err)
	}
	if v.Shown.Breakdowns || v.Shown.Overlap || v.Shown.OverlapLine != "No service was seen, so there is no overlap to show." {
		t.Fatalf("shown %+v", v.Shown)
	}
	for f, empty := range map[Format][]string{
		Markdown: {"| Provider | Services |", "| Country |", "| Shodan only |"},
		HTML:     {`id="providers-cap"`, `id="countries-cap"`, "<th scope=\"row\">Shodan only"},
	} {
		var b bytes.Buffer
		if err := View(&b, f, v, "", ""); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if n := strings.Count(out, v.Shown.BreakdownsLine); n != 2 {
			t.Errorf("%s: %q %d times, want twice (providers, countries)", f, v.Shown.BreakdownsLine, n)
		}
		for _, s := range empty {
			if strings.Contains(out, s) {
				t.Errorf("%s: an empty table (%q) is printed", f, s)
			}
		}
	}
}
