package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
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
