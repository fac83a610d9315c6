package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

// TestRenderDocumentStream lays out a table's held and streamed rows; a
// column marked Wrap keeps its long text on more lines instead of
// cutting it; a failing stream fails the document.
func TestRenderDocumentStream(t *testing.T) {
	long := "403 system:anonymous (anonymous requests are authenticated but denied by RBAC) and the end of the evidence"
	doc := func(fail error) *report.Document {
		tb := &report.Table{Columns: []report.Column{{Title: "Service"}, {Title: "Product"}, {Title: "Evidence", Wrap: true}},
			Rows: [][]string{{"held", "etcd", "first"}}}
		tb.Stream = func(yield func([]string) error) error {
			for i := range 2 {
				if i == 1 && fail != nil {
					return fail
				}
				if err := yield([]string{fmt.Sprintf("streamed-%d", i), "kubernetes-api", long}); err != nil {
					return err
				}
			}
			return nil
		}
		return &report.Document{Title: "Streamed", Sections: []report.Section{{Title: "Rows", Level: 1, Blocks: []report.Block{{Table: tb}}}}}
	}
	var out bytes.Buffer
	if err := RenderDocument(&out, doc(nil), Options{}); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, out.Bytes())), " ")
	for _, want := range []string{"held", "streamed-0", "streamed-1", "and the end of the evidence"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	disk := errors.New("spill file: read error")
	if err := RenderDocument(&bytes.Buffer{}, doc(disk), Options{}); !errors.Is(err, disk) {
		t.Errorf("a failing stream gives %v, want its error", err)
	}
}

// TestRenderDocumentColumnTitles: a document's column titles are cleaned
// as its cells are (they name snapshots and scopes): no bidi override or
// control character reaches the page.
func TestRenderDocumentColumnTitles(t *testing.T) {
	tb := &report.Table{Columns: []report.Column{{Title: "Figure"}, {Title: "2026Q3\u202eevil\x1b[31m", Figure: true}}}
	tb.Add("Services", "12")
	doc := &report.Document{Title: "Titles", Sections: []report.Section{{Title: "Rows", Level: 1, Blocks: []report.Block{{Table: tb}}}}}
	var out bytes.Buffer
	if err := RenderDocument(&out, doc, Options{}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, out.Bytes())
	if !strings.Contains(text, "2026Q3") || strings.ContainsAny(text, "\u202e\x1b") {
		t.Errorf("column title not cleaned:\n%q", text)
	}
}
