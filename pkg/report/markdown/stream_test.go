package markdown_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/markdown"
)

// streamed is a document whose table has one held row and three streamed
// ones, the last with hostile text; fail makes the stream fail after two.
func streamed(fail error) *report.Document {
	t := &report.Table{Columns: []report.Column{{Title: "Service"}, {Title: "Evidence", Wrap: true}, {Title: "N", Figure: true}},
		Rows: [][]string{{"held", "first", "1"}}}
	t.Stream = func(yield func([]string) error) error {
		for i, ev := range []string{"second", "third", "a|b <script>\n# h"} {
			if i == 2 && fail != nil {
				return fail
			}
			if err := yield([]string{fmt.Sprintf("streamed-%d", i), ev, fmt.Sprint(i + 2)}); err != nil {
				return err
			}
		}
		return nil
	}
	return &report.Document{Title: "Streamed", Sections: []report.Section{{Title: "Rows", Level: 1, Blocks: []report.Block{{Table: t}}}}}
}

func TestRenderDocumentStream(t *testing.T) {
	var out bytes.Buffer
	if err := markdown.RenderDocument(&out, streamed(nil)); err != nil {
		t.Fatal(err)
	}
	want := "| Service | Evidence | N |\n|---|---|---:|\n| held | first | 1 |\n| streamed-0 | second | 2 |\n| streamed-1 | third | 3 |\n" +
		"| streamed-2 | a\\|b &lt;script&gt; \\# h | 4 |\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	disk := errors.New("spill file: read error")
	err := markdown.RenderDocument(&bytes.Buffer{}, streamed(disk))
	if !errors.Is(err, disk) {
		t.Errorf("a failing stream gives %v, want its error", err)
	}
}
