package html_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html"
)

// TestRenderDocumentStream lays out a table's held and streamed rows, in
// order, escaped; a failing stream fails the page.
func TestRenderDocumentStream(t *testing.T) {
	doc := func(fail error) *report.Document {
		tb := &report.Table{Columns: []report.Column{{Title: "Service"}, {Title: "Evidence", Wrap: true}},
			Rows: [][]string{{"held", "first"}}}
		tb.Stream = func(yield func([]string) error) error {
			for i, ev := range []string{"second", "<script>alert(1)</script>"} {
				if i == 1 && fail != nil {
					return fail
				}
				if err := yield([]string{fmt.Sprintf("streamed-%d", i), ev}); err != nil {
					return err
				}
			}
			return nil
		}
		return &report.Document{Title: "Streamed", Sections: []report.Section{{Title: "Rows", Level: 1, Blocks: []report.Block{{Table: tb}}}}}
	}
	p := inspect(t, renderDoc(t, doc(nil)))
	tb := table(t, p, "Rows")
	want := [][]string{{"Service", "Evidence"}, {"held", "first"}, {"streamed-0", "second"}, {"streamed-1", "<script>alert(1)</script>"}}
	if !slices.EqualFunc(tb.Rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", tb.Rows, want)
	}
	disk := errors.New("spill file: read error")
	if err := html.RenderDocument(&bytes.Buffer{}, doc(disk)); !errors.Is(err, disk) {
		t.Errorf("a failing stream gives %v, want its error", err)
	}
}
