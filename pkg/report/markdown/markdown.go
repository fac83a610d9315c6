package markdown

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/templates"
)

// Limits on escaped text and template files.
const (
	// CellMax is the rune cap md applies to a string.
	CellMax = 200
	// ListItemMax is the rune cap mdlist applies to each item.
	ListItemMax = 100
	// ListMax is the number of items mdlist shows before "and N more".
	ListMax = 32
	// MaxTemplate is the largest template file Load reads.
	MaxTemplate = 1 << 20
)

// Render writes v as Markdown. tmpl is the text of a template; "" uses the
// embedded templates/report.md.tmpl. Output goes to w as it is produced:
// on error, w may hold part of a report, so write to a temporary file and
// rename it.
func Render(w io.Writer, v *report.View, tmpl string) error {
	name := templates.Report
	if tmpl == "" {
		b, err := templates.FS.ReadFile(templates.Report)
		if err != nil {
			return fmt.Errorf("markdown: reading embedded template: %w", err)
		}
		tmpl = string(b)
	}
	t, err := parse(name, tmpl)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := t.Execute(bw, v); err != nil {
		return fmt.Errorf("markdown: executing template: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("markdown: writing report: %w", err)
	}
	return nil
}

// Load reads a template file for Render and checks that it parses with
// the report functions. Errors name the file and, for syntax errors, the
// line.
func Load(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("markdown: template: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxTemplate+1))
	if err != nil {
		return "", fmt.Errorf("markdown: reading template %s: %w", path, err)
	}
	if len(b) > MaxTemplate {
		return "", fmt.Errorf("markdown: template %s is larger than %d bytes; is it the right file?", path, MaxTemplate)
	}
	if _, err := parse(filepath.Base(path), string(b)); err != nil {
		return "", fmt.Errorf("%w (in %s)", err, path)
	}
	return string(b), nil
}

func parse(name, text string) (*template.Template, error) {
	t, err := template.New(name).Funcs(Funcs()).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("markdown: parsing template: %w", err)
	}
	return t, nil
}

// Funcs returns the functions report templates may call:
//
//	md s          s escaped for a paragraph or table cell, capped at CellMax runes;
//	              "–" when s held only characters that escaping removes
//	mdn n s       the same, capped at n runes
//	mdlist ss     items escaped and joined with ", " (at most ListMax, then "and N more")
//	num n         an integer with thousands separators: 22,672
//	pct f         a fraction 0..1 as a percentage with one decimal: 1.3%
//	pctOf n total n/total as pct; 0% when total is 0
//	date t        t in UTC as 2006-01-02, "unknown" for the zero time
//	yesno b       "yes" or "no"
//	plural n one many
//	dash s        s, or "–" when s is empty
func Funcs() template.FuncMap {
	return template.FuncMap{
		"md":     func(s string) string { return cell(s, CellMax) },
		"mdn":    func(n int, s string) string { return cell(s, n) },
		"mdlist": list,
		"num":    Num,
		"pct":    Pct,
		"pctOf": func(n, total int) string {
			if total == 0 {
				return Pct(0)
			}
			return Pct(float64(n) / float64(total))
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "unknown"
			}
			return t.UTC().Format(time.DateOnly)
		},
		"yesno": func(b bool) string {
			if b {
				return "yes"
			}
			return "no"
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
		"dash": func(s string) string {
			if s == "" {
				return "–"
			}
			return s
		},
	}
}

// cell is Escape for the template: a value that held only characters
// CleanText removes (control sequences, bidi or zero-width characters)
// is shown as "–", like a missing one, not as an empty cell.
func cell(s string, max int) string {
	e := Escape(s, max)
	if e == "" && s != "" {
		return "–"
	}
	return e
}

func list(items []string) string {
	var b strings.Builder
	for i, s := range items {
		if i == ListMax {
			fmt.Fprintf(&b, " and %d more", len(items)-ListMax)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Escape(s, ListItemMax))
	}
	return b.String()
}

// Num formats n with comma thousands separators: 22672 → "22,672".
func Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Pct formats a fraction in 0..1 as a percentage with one decimal. It
// never rounds a non-zero share to 0% or a partial one to 100%: those
// print as "<0.1%" and ">99.9%".
func Pct(f float64) string {
	p := f * 100
	switch {
	case f <= 0 || p != p:
		return "0%"
	case f >= 1:
		return "100%"
	case p < 0.05:
		return "<0.1%"
	case p >= 99.95:
		return ">99.9%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}
