package report

import (
	"math"
	"time"
)

// Document is the presentation model of a report that is not one
// snapshot's View: the diff of two snapshots, the trend across several. It
// holds everything a reader sees, as plain text in reading order (titles,
// sentences, tables whose cells are already formatted, charts with their
// values), so that a renderer only escapes, lays out and draws it:
// markdown.RenderDocument and pdf.RenderDocument compute nothing. Strings
// may come from engines (product ids, countries, regions): renderers
// escape every one for their format.
type Document struct {
	Title string
	// Generated dates the document (a PDF's creation date): the creation
	// time of the latest snapshot it shows, never the clock.
	Generated time.Time
	// Intro comes before the first section.
	Intro    []Block
	Sections []Section
}

// Section is a titled part of a document. Level 1 is a section, 2 a
// subsection of the section before it.
type Section struct {
	Title  string
	Level  int
	Blocks []Block
}

// Block is one paragraph, list, table or chart: exactly one of Text, List,
// Table and Chart is set.
type Block struct {
	// Lead, when set, starts the paragraph Text in bold: a warning.
	Lead  string
	Text  string
	List  []string
	Links []Link // a list of links to documentation (a briefing's advice)
	Table *Table
	Chart *Chart
}

// Link is a titled link to a page outside the report, shown as its title
// and address; a format that has links (Markdown) makes it one when the
// address is a plain https or http URL.
type Link struct {
	Title, URL string
}

// Items is the block's list as text: List, or each link as "title: URL".
func (b Block) Items() []string {
	if b.Links == nil {
		return b.List
	}
	out := make([]string, len(b.Links))
	for i, l := range b.Links {
		out[i] = l.Title + ": " + l.URL
	}
	return out
}

// Table is a table of formatted cells. Columns marked Figure hold numbers
// as report's formatters write them (Num, Pct, Change texts) and are
// aligned right.
type Table struct {
	Columns []Column
	Rows    [][]string
	// Totals marks rows that sum up the rows above them (bold), by index.
	Totals []int
	// Stream, when set, yields more rows after Rows, one at a time, for a
	// table too long to hold in memory (a briefing's list of services):
	// it calls yield once per row, stops with yield's error, and returns
	// it or its own reading error. Renderers read it through Each; the
	// Markdown renderer writes each row as it comes. Totals index Rows.
	Stream func(yield func(row []string) error) error
}

// Column is one column of a Table.
type Column struct {
	Title  string
	Figure bool // holds figures: aligned right
	// Wrap says that the column holds long text (evidence, names) that
	// a PDF wraps onto more lines instead of cutting.
	Wrap bool
	// Width is the column's share of a PDF table's width, relative to
	// the other columns' (0: the renderer's default).
	Width float64
	// Max is the most runes of a cell a terminal table shows, the last
	// one an ellipsis when cut (0: no cap).
	Max int
}

// Each calls fn with every row of t, Rows then those Stream yields, and
// returns the first error of fn or Stream.
func (t *Table) Each(fn func(row []string) error) error {
	for _, r := range t.Rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	if t.Stream == nil {
		return nil
	}
	return t.Stream(fn)
}

// ChartKind says how a Chart is drawn.
type ChartKind int

// The kinds of chart.
const (
	// LineChart draws each series as a line across the labels.
	LineChart ChartKind = iota
	// BarChart draws, for each label, one bar per series.
	BarChart
)

// Chart is a chart of counts across labels (snapshots): Series[i].Values
// has one value per label. Renderers that cannot draw charts (Markdown)
// leave them out; a Document states the same figures in a table.
type Chart struct {
	Kind   ChartKind
	Title  string
	Labels []string
	Series []Series
	// Note says what the chart leaves out ("The chart shows the latest 24
	// of 30 snapshots."); it is printed with the chart only.
	Note string
}

// Axis returns the value axis of c: a round top at or above its largest
// value, in four whole steps of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
// power of ten (top 4, step 1, when no value is above 0). The PDF and HTML
// renderers draw their axes with it, so the two agree.
func (c *Chart) Axis() (top, step float64) {
	high := 0
	for _, s := range c.Series {
		for _, v := range s.Values {
			high = max(high, v)
		}
	}
	for mag := 1.0; ; mag *= 10 {
		for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8} {
			if step = m * mag; step == math.Trunc(step) && step*4 >= float64(high) {
				return step * 4, step
			}
		}
	}
}

// Series is one named line or bar colour of a chart.
type Series struct {
	Name   string
	Values []int
}

// Para returns a paragraph block.
func Para(text string) Block { return Block{Text: text} }

// Add appends a table row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// AddTotal appends a row that sums up the rows above it.
func (t *Table) AddTotal(cells ...string) {
	t.Totals = append(t.Totals, len(t.Rows))
	t.Rows = append(t.Rows, cells)
}

// IsTotal reports whether row i is a total row.
func (t *Table) IsTotal(i int) bool {
	for _, k := range t.Totals {
		if k == i {
			return true
		}
	}
	return false
}
