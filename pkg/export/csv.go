package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/orchex/orchex/pkg/report/csvreport"
)

// csvWriter writes rows as CSV after a header row. Every cell goes through
// csvreport.Cell, the report's own cleaning: no control or bidi
// characters, valid UTF-8, at most csvreport.CellMax runes, and a leading
// single quote on a cell a spreadsheet would run as a formula.
type csvWriter[T any] struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	header []string
	cells  func(T, []string) []string
	raw    []string
	row    []string
	rows   int
}

func newCSVWriter[T any](w io.Writer, header []string, cells func(T, []string) []string) *csvWriter[T] {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &csvWriter[T]{bw: bw, cw: csv.NewWriter(bw), header: header, cells: cells}
}

func (c *csvWriter[T]) write(r *T) error {
	if c.header != nil {
		if err := c.cw.Write(c.header); err != nil {
			return fmt.Errorf("csv header: %w", err)
		}
		c.header = nil
	}
	c.raw = c.cells(*r, c.raw[:0])
	c.row = c.row[:0]
	for _, s := range c.raw {
		c.row = append(c.row, csvreport.Cell(s))
	}
	c.rows++
	return c.cw.Write(c.row)
}

func (c *csvWriter[T]) close() (Stats, error) {
	st := Stats{Rows: c.rows}
	if c.header != nil { // no rows: the header alone
		if err := c.cw.Write(c.header); err != nil {
			return st, fmt.Errorf("csv header: %w", err)
		}
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return st, fmt.Errorf("writing csv: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return st, fmt.Errorf("writing csv: %w", err)
	}
	return st, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// itoaOpt is itoa, with 0 (no value) as an empty cell.
func itoaOpt(n int64) string {
	if n == 0 {
		return ""
	}
	return itoa(n)
}

func btoa(b bool) string { return strconv.FormatBool(b) }

// stamp formats t as RFC 3339 UTC with its fractional seconds (none when
// whole), or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
