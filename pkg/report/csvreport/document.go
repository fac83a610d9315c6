package csvreport

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/orchex/orchex/pkg/report"
)

// DocumentColumns is the header row WriteDocument writes.
var DocumentColumns = []string{"section", "table", "row", "column", "value"}

// number matches a figure as report's formatters write it: 22,672, -3,
// +1.5%, 0%.
var number = regexp.MustCompile(`^[+-]?[0-9][0-9,]*(\.[0-9]+)?%?$`)

// WriteDocument writes the tables of a document (a diff or a trend) as
// one rectangular CSV that spreadsheets pivot: a header row
// (DocumentColumns), then one row per table cell but the first of each
// row, which names the row. section is the section's title, table the
// title of the table's first column (what its rows are: "Product",
// "Figure"), column the cell's column title. A table's streamed rows
// (Table.Stream) follow its held ones. Paragraphs and charts are
// left out (the charts draw the tables' data). A figure is written
// without thousands separators (22672, 1.3%, -3) so that spreadsheets
// read it as a number; every other cell goes through [Cell].
func WriteDocument(w io.Writer, d *report.Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(DocumentColumns); err != nil {
		return fmt.Errorf("csvreport: writing header: %w", err)
	}
	blocks := func(title string, bs []report.Block) error {
		for _, b := range bs {
			t := b.Table
			if t == nil || len(t.Columns) < 2 {
				continue
			}
			err := t.Each(func(r []string) error {
				for i := 1; i < len(r) && i < len(t.Columns); i++ {
					rec := []string{Cell(title), Cell(t.Columns[0].Title), Cell(r[0]), Cell(t.Columns[i].Title), figure(r[i])}
					if err := cw.Write(rec); err != nil {
						return fmt.Errorf("csvreport: %w", err)
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("csvreport: table %q of %q: %w", Cell(t.Columns[0].Title), Cell(title), err)
			}
		}
		return nil
	}
	if err := blocks("", d.Intro); err != nil {
		return err
	}
	for _, s := range d.Sections {
		if err := blocks(s.Title, s.Blocks); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csvreport: writing: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("csvreport: writing: %w", err)
	}
	return nil
}

// WriteTable writes one table as a CSV: the column titles, then its rows
// (those it holds, then those its Stream yields),
// cells as WriteDocument writes them (figures without thousands
// separators, every other cell through [Cell]).
func WriteTable(w io.Writer, t *report.Table) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = Cell(c.Title)
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("csvreport: writing header: %w", err)
	}
	err := t.Each(func(r []string) error {
		for i := range rec {
			rec[i] = ""
			if i < len(r) {
				rec[i] = figure(r[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("csvreport: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("csvreport: table %q: %w", Cell(t.Columns[0].Title), err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csvreport: writing: %w", err)
	}
	return bw.Flush()
}

// figure writes a formatted number as spreadsheets read numbers, and any
// other text as a safe cell.
func figure(s string) string {
	if number.MatchString(s) {
		return strings.ReplaceAll(s, ",", "")
	}
	return Cell(s)
}
