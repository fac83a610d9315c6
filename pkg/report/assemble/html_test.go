package assemble_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/html/htmltest"
)

// TestTrendAndDiffHTML renders a diff with addresses and trends of 0, 1,
// 3 and 30 snapshots (with hostile product names) as HTML: each page is
// byte-identical when rendered again, holds nothing that loads or runs,
// has one table per table of the document with the document's cells
// (cleaned) in the same places, and one chart per chart.
func TestTrendAndDiffHTML(t *testing.T) {
	docs := map[string]func() *report.Document{
		"diff": func() *report.Document { return assemble.DiffDocument(diffOf(t, method, true)) },
	}
	for _, n := range []int{0, 1, 3, 30} {
		docs[fmt.Sprint("trend-", n)] = func() *report.Document { return assemble.TrendDocument(trend(t, n)) }
	}
	for name, mk := range docs {
		t.Run(name, func(t *testing.T) {
			d := mk()
			var out, again bytes.Buffer
			if err := html.RenderDocument(&out, d); err != nil {
				t.Fatal(err)
			}
			if err := html.RenderDocument(&again, mk()); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), again.Bytes()) {
				t.Fatal("two renders of one document differ")
			}
			p, err := htmltest.Inspect(&out)
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range p.Problems {
				t.Errorf("page problem: %s", pr)
			}
			var tables []*report.Table
			charts := 0
			for _, bs := range append([][]report.Block{d.Intro}, sectionBlocks(d)...) {
				for _, b := range bs {
					if b.Table != nil {
						tables = append(tables, b.Table)
					}
					if b.Chart != nil && len(b.Chart.Labels) > 0 && len(b.Chart.Series) > 0 {
						charts++
					}
				}
			}
			if len(p.Tables) != len(tables) {
				t.Fatalf("%d tables, want %d", len(p.Tables), len(tables))
			}
			for i, tb := range tables {
				want := [][]string{{}}
				for _, c := range tb.Columns {
					want[0] = append(want[0], cell(c.Title))
				}
				for _, r := range tb.Rows {
					row := make([]string, len(tb.Columns))
					for k := range row {
						if k < len(r) {
							row[k] = cell(r[k])
						}
					}
					want = append(want, row)
				}
				if got := p.Tables[i].Rows; !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("table %d:\n got %q\nwant %q", i, got, want)
				}
			}
			got := 0
			for id := range p.IDs {
				if strings.HasSuffix(id, "-t") && p.IDs[strings.TrimSuffix(id, "-t")+"-d"] == 1 {
					got++
				}
			}
			if got != charts {
				t.Errorf("%d charts with a title and a description, want %d", got, charts)
			}
		})
	}
}

func sectionBlocks(d *report.Document) [][]report.Block {
	var out [][]report.Block
	for _, s := range d.Sections {
		out = append(out, s.Blocks)
	}
	return out
}

// cell is a document cell as the page shows it: cleaned, a dash when
// cleaning left nothing of a non-empty string.
func cell(s string) string {
	if s == "" {
		return ""
	}
	return report.OrDash(report.CleanText(s, 200))
}
