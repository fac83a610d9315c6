package markdown

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/template"

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
// rename it. A template's string functions return at most MaxString
// bytes, and a given template writes at most MaxOutput.
func Render(w io.Writer, v *report.View, tmpl string) error {
	return RenderNamed(w, v, "template", tmpl)
}

// RenderNamed is Render with a user's template named name (its file's
// base name, as Load names it) in the errors of its execution, which
// then point at the right file and line.
func RenderNamed(w io.Writer, v *report.View, name, tmpl string) error {
	if tmpl == "" {
		name = templates.Report
	}
	if tmpl != "" {
		w = &limitWriter{w: w, n: MaxOutput} // a user's template: bounded output
	} else {
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
	t, err := template.New(name).Funcs(capped()).Funcs(Funcs()).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("markdown: parsing template: %w", err)
	}
	return t, nil
}

// Funcs returns the functions report templates may call:
//
//	md s          s escaped for a paragraph or table cell, capped at CellMax runes;
//	              report.Dash when s held only characters that escaping removes
//	mdn n s       the same, capped at n runes
//	mdlist ss     items escaped and joined with ", " (at most ListMax, then "and N more")
//	num n         an integer with thousands separators: 22,672 (report.Num)
//	pct f         a fraction 0..1 as a percentage with one decimal: 1.3% (report.Pct)
//	pctOf n total n/total as pct; 0% when total is 0
//	date t        t in UTC as 2006-01-02, "unknown" for the zero time
//	yesno b       "yes" or "no"
//	plural n one many
//	dash s        s, or report.Dash when s is empty
//	supportLine s what the method says of the support figures (report.SupportMethodLine)
func Funcs() template.FuncMap {
	return template.FuncMap{
		"md":     func(s string) string { return cell(s, CellMax) },
		"mdn":    func(n int, s string) string { return cell(s, n) },
		"mdlist": list,
		"num":    report.Num,
		"pct":    report.Pct,
		"pctOf":  report.PctOf,
		"date":   report.Date,
		"yesno": func(b bool) string {
			if b {
				return "yes"
			}
			return "no"
		},
		"plural":      report.Plural,
		"dash":        report.OrDash,
		"supportLine": report.SupportMethodLine,
	}
}

// cell is Escape for the template: a value that held only characters
// CleanText removes (control sequences, bidi or zero-width characters)
// is shown as "–", like a missing one, not as an empty cell.
func cell(s string, limit int) string {
	e := Escape(s, limit)
	if e == "" && s != "" {
		return report.Dash
	}
	return e
}

func list(items []string) string {
	return report.Join(items, ListMax, func(s string) string { return Escape(s, ListItemMax) })
}

// Num is report.Num, for callers that print figures beside a Markdown
// report.
func Num(n int) string { return report.Num(n) }

// Pct is report.Pct, for callers that print figures beside a Markdown
// report.
func Pct(f float64) string { return report.Pct(f) }
