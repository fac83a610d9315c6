package markdown

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/orchex/orchex/pkg/report"
)

// Rune caps of RenderDocument.
const (
	// ParaMax caps a paragraph.
	ParaMax = 2000
	// ItemMax caps a list item.
	ItemMax = 500
)

// RenderDocument writes d (a diff or a trend) as Markdown: "# " the title,
// then the introduction, then each section ("## ", "### " for a
// subsection), blocks separated by blank lines. Every string is escaped
// with Escape (table cells capped at CellMax runes); charts are left out,
// since the document states their figures in its tables.
func RenderDocument(w io.Writer, d *report.Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m := &mdWriter{w: bw}
	m.printf("# %s\n", Escape(d.Title, CellMax))
	m.blocks(d.Intro)
	for _, s := range d.Sections {
		m.printf("\n%s %s\n", strings.Repeat("#", s.Level+1), Escape(s.Title, CellMax))
		m.blocks(s.Blocks)
	}
	if m.err == nil {
		m.err = bw.Flush()
	}
	if m.err != nil {
		return fmt.Errorf("markdown: writing %q: %w", report.CleanText(d.Title, 80), m.err)
	}
	return nil
}

// mdWriter writes Markdown, keeping the first write error.
type mdWriter struct {
	w   *bufio.Writer
	err error
}

func (m *mdWriter) printf(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format, args...)
	}
}

// write writes the strings as they are: the table cells, without
// fmt's cost (a briefing writes millions of them).
func (m *mdWriter) write(ss ...string) {
	for _, s := range ss {
		if m.err != nil {
			return
		}
		_, m.err = m.w.WriteString(s)
	}
}

func (m *mdWriter) blocks(bs []report.Block) {
	for _, b := range bs {
		switch {
		case b.Table != nil:
			m.printf("\n")
			m.table(b.Table)
		case b.List != nil:
			m.printf("\n")
			for _, it := range b.List {
				m.printf("- %s\n", Escape(it, ItemMax))
			}
		case b.Links != nil:
			m.printf("\n")
			for _, l := range b.Links {
				m.printf("- %s\n", Link(l))
			}
		case b.Chart != nil:
		case b.Lead != "":
			m.printf("\n**%s** %s\n", Escape(b.Lead, CellMax), Escape(b.Text, ParaMax))
		default:
			m.printf("\n%s\n", Escape(b.Text, ParaMax))
		}
	}
}

func (m *mdWriter) table(t *report.Table) {
	m.printf("|")
	for _, c := range t.Columns {
		m.cell(Escape(c.Title, CellMax))
	}
	m.printf("\n|")
	for _, c := range t.Columns {
		if c.Figure {
			m.printf("---:|")
		} else {
			m.printf("---|")
		}
	}
	m.printf("\n")
	err := t.Each(func(row []string) error {
		m.write("|")
		for i, c := range t.Columns {
			s := ""
			if i < len(row) {
				s = row[i]
			}
			if c.Figure {
				m.cell(escape(s, CellMax, false))
			} else {
				m.cell(Escape(s, CellMax))
			}
		}
		m.write("\n")
		return m.err
	})
	if m.err == nil {
		m.err = err
	}
}

// cell writes one escaped table cell and its closing pipe; an empty cell
// is "| |".
func (m *mdWriter) cell(s string) {
	if s == "" {
		m.write(" |")
		return
	}
	m.write(" ", s, " |")
}
