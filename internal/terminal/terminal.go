package terminal

import (
	"bufio"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/report"
)

// Sanitize makes s safe to print on a terminal: invalid UTF-8, control
// characters (escape sequences included) and bidi overrides are
// replaced, so that a banner string cannot move the cursor, recolour the
// screen or reorder text. Line and paragraph separators (U+2028, U+2029)
// are replaced too; newlines and tabs are kept.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) || safejson.IsBidi(r) || r == '\u2028' || r == '\u2029':
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Cell makes s safe for one terminal table cell: sanitized, on one line
// (tabs and line breaks become spaces), and when limit > 0 at most limit
// runes, the last one an ellipsis when cut.
func Cell(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, Sanitize(s))
	if limit > 0 && utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit-1]) + "…"
	}
	return s
}

// Options say how Table lays a table out.
type Options struct {
	// Right aligns every column right and pads the last one too, for
	// tables of figures.
	Right bool
}

// Table writes t as columns two spaces apart: its column titles (none
// when every title is empty), then its rows, every cell through Cell
// with its column's Max. It returns the first write error.
func Table(w io.Writer, t *report.Table, o Options) error {
	flags, end := uint(0), "\n"
	if o.Right {
		flags, end = tabwriter.AlignRight, "\t\n"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', flags)
	line := func(cells []string) error {
		out := make([]string, len(cells))
		for i, c := range cells {
			limit := 0
			if i < len(t.Columns) {
				limit = t.Columns[i].Max
			}
			out[i] = Cell(c, limit)
		}
		_, err := io.WriteString(tw, strings.Join(out, "\t")+end)
		return err
	}
	var titles []string
	named := false
	for _, c := range t.Columns {
		titles = append(titles, c.Title)
		named = named || c.Title != ""
	}
	if named {
		if err := line(titles); err != nil {
			return err
		}
	}
	if err := t.Each(line); err != nil {
		return err
	}
	return tw.Flush()
}

// Document writes d for a terminal: its intro's blocks, then each
// section after a blank line, under its title when it has one. A table
// is written by Table, a paragraph or a list item as a line of its own,
// sanitized. It returns the first write error.
func Document(w io.Writer, d *report.Document, o Options) error {
	if err := blocks(w, d.Intro, o); err != nil {
		return err
	}
	for _, s := range d.Sections {
		head := "\n"
		if s.Title != "" {
			head += Cell(s.Title, 0) + "\n"
		}
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		if err := blocks(w, s.Blocks, o); err != nil {
			return err
		}
	}
	return nil
}

func blocks(w io.Writer, bs []report.Block, o Options) error {
	for _, b := range bs {
		lines := b.List
		switch {
		case b.Table != nil:
			if err := Table(w, b.Table, o); err != nil {
				return err
			}
			continue
		case b.Text != "" || b.Lead != "":
			lines = []string{strings.TrimSpace(b.Lead + " " + b.Text)}
		}
		for _, l := range lines {
			if _, err := io.WriteString(w, Sanitize(l)+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

// Confirmed reads one line from r, a user's answer to a yes/no question,
// and reports whether it is "y" or "yes" (case and spaces ignored). No
// answer (nil reader, end of input) is a no.
func Confirmed(r io.Reader) bool {
	if r == nil {
		return false
	}
	line, err := bufio.NewReader(io.LimitReader(r, 1024)).ReadString('\n')
	if err != nil && line == "" {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
