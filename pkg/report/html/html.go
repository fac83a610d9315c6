package html

import (
	"bufio"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/templates"
)

// Rune caps of the text the page shows. Longer strings end in
// report.Ellipsis.
const (
	cellMax     = 200  // a table cell, a name, a title
	paraMax     = 2000 // a paragraph
	listItemMax = 100  // one item of a comma-separated list
	listMax     = 32   // items of such a list before "and N more"
)

// Policy is the Content-Security-Policy every page carries in a <meta>
// element: nothing may be loaded (no script, font, frame, connection or
// image but data: URLs), styles only from the page itself, no <base> and
// no form target.
const Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// Render writes v as one self-contained HTML page: every section of the
// Markdown report, in its order (with the earlier snapshot's values and
// the changes when v.Compare is set, and the services when
// v.IncludeAddresses is), with inline SVG charts of the products by
// authentication status, the providers, the AWS regions (US, outside the
// US, unknown) and the countries. The page depends only on v: the same
// view gives the same bytes. On error, w may hold part of a page, so
// write to a temporary file and rename it.
func Render(w io.Writer, v *report.View) error {
	if v == nil {
		return errors.New("html: render: nil view")
	}
	p := viewPage{V: v, Charts: viewCharts{
		Products:   productChart(v),
		Providers:  providerChart(v),
		AWSRegions: awsChart(v),
		Countries:  countryChart(v),
		Support:    supportChart(v),
	}}
	if err := execute(w, templates.HTML, p); err != nil {
		return fmt.Errorf("html: snapshot %q: %w", clean(v.Snapshot, 80), err)
	}
	return nil
}

// RenderDocument writes d (a diff or a trend, see report.Document) as one
// self-contained HTML page: the title, the introduction, a table of
// contents, then each section with its paragraphs, lists, tables and
// charts (inline SVG, each followed or preceded by the table that states
// its figures). The page depends only on d.
func RenderDocument(w io.Writer, d *report.Document) error {
	if d == nil {
		return errors.New("html: render: nil document")
	}
	intro, err := blocks("intro", clean(d.Title, cellMax), d.Intro)
	if err != nil {
		return fmt.Errorf("html: %q: %w", clean(d.Title, 80), err)
	}
	p := docPage{D: d, Intro: intro}
	for i, s := range d.Sections {
		id := "s" + strconv.Itoa(i+1)
		bs, err := blocks(id, clean(s.Title, cellMax), s.Blocks)
		if err != nil {
			return fmt.Errorf("html: %q: section %q: %w", clean(d.Title, 80), clean(s.Title, 80), err)
		}
		p.Sections = append(p.Sections, section{ID: id, Title: s.Title, Level: s.Level, Blocks: bs})
	}
	if err := execute(w, "document", p); err != nil {
		return fmt.Errorf("html: %q: %w", clean(d.Title, 80), err)
	}
	return nil
}

// execute runs the named template of the embedded file over data.
func execute(w io.Writer, name string, data any) error {
	src, err := templates.FS.ReadFile(templates.HTML)
	if err != nil {
		return fmt.Errorf("reading embedded template: %w", err)
	}
	t, err := template.New(templates.HTML).Funcs(funcs()).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return fmt.Errorf("parsing template: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := t.ExecuteTemplate(bw, name, data); err != nil {
		return fmt.Errorf("executing template: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing page: %w", err)
	}
	return nil
}

// funcs are the template's functions. html/template escapes whatever they
// return for the context it lands in; t, tn and tlist first clean text
// from banners and files with report.CleanText:
//
//	t s           s cleaned and capped at cellMax runes; report.Dash when nothing is left
//	tn n s        the same, capped at n runes
//	tlist ss      items cleaned and joined with ", " (at most listMax, then "and N more"); a dash when none
//	tcell s       t, but "" stays "" (a Document's table cells)
//	num, pct, pctOf, date, plural, dash   report's formatters
//	supportLine s what the method says of the support figures (report.SupportMethodLine)
func funcs() template.FuncMap {
	return template.FuncMap{
		"t":           func(s string) string { return clean(s, cellMax) },
		"tn":          func(n int, s string) string { return clean(s, n) },
		"tlist":       list,
		"tcell":       cellText,
		"num":         report.Num,
		"pct":         report.Pct,
		"pctOf":       report.PctOf,
		"date":        report.Date,
		"plural":      report.Plural,
		"dash":        report.OrDash,
		"supportLine": report.SupportMethodLine,
	}
}

// clean is report.CleanText capped at limit runes, or report.Dash when
// nothing is left (an empty value, or one of characters cleaning removes).
func clean(s string, limit int) string {
	return report.OrDash(report.CleanText(s, limit))
}

// cellText is clean for a Document's table cells, which may be empty on
// purpose (a column without a title): empty stays empty.
func cellText(s string) string {
	if s == "" {
		return ""
	}
	return clean(s, cellMax)
}

func list(items []string) string {
	if len(items) == 0 {
		return report.Dash
	}
	return report.Join(items, listMax, func(s string) string { return clean(s, listItemMax) })
}

// viewPage is what the report template gets: the view and its charts.
type viewPage struct {
	V      *report.View
	Charts viewCharts
}

// viewCharts are a view's charts; nil when there is nothing to draw.
type viewCharts struct {
	Products, Providers, AWSRegions, Countries, Support *svg
}

// supportChart draws, per product with a support calendar and a version
// named, one bar of its services with a version split into end of life,
// supported and unknown cycle: every bar is 100 %, so the red part is
// the end-of-life share.
func supportChart(v *report.View) *svg {
	if v.Support == nil || !v.Shown.Support {
		return nil
	}
	var rows []hbar
	unknown := false
	for _, r := range v.Support.Judged() {
		if r.WithVersion == 0 {
			continue
		}
		part := func(n int) int { return int(math.Round(1000 * float64(n) / float64(r.WithVersion))) }
		rows = append(rows, hbar{Label: r.Name, Scale: 1000,
			Parts: []segment{{part(r.EndOfLife), "open", "end of life"}, {part(r.Supported), "auth", "supported"},
				{part(r.UnknownCycle), "unknown", "unknown cycle"}},
			Counts: []int{r.EndOfLife, r.Supported, r.UnknownCycle},
			Text:   r.ShareText() + " end of life (" + report.Num(r.EndOfLife) + " of " + report.Num(r.WithVersion) + ")"})
		unknown = unknown || r.UnknownCycle > 0
	}
	legend := []legendItem{{"open", "End of life"}, {"auth", "Supported"}}
	if unknown {
		legend = append(legend, legendItem{"unknown", "Unknown cycle (never counted as supported)"})
	}
	return barChart("chart-support", "End-of-life share of the services that named a version, per product", "products", rows, legend)
}

func productChart(v *report.View) *svg {
	rows := make([]hbar, 0, len(v.ByProduct))
	for _, p := range v.ByProduct {
		rows = append(rows, hbar{Label: p.Name, Scale: p.Services,
			Parts: []segment{{p.Open, "open", "open"}, {p.LikelyOpen, "likely", "likely open (inferred)"},
				{p.AuthRequired, "auth", "authentication required"}, {p.Unknown, "unknown", "unknown"}},
			Text: report.Num(p.Services) + " (" + report.PctOf(p.Open, p.Services) + " open)"})
	}
	legend := []legendItem{{"open", "Open (no authentication)"}}
	if v.Headline.LikelyOpen > 0 {
		legend = append(legend, legendItem{"likely", "Likely open (inferred from defaults)"})
	}
	legend = append(legend, legendItem{"auth", "Authentication required"}, legendItem{"unknown", "Unknown"})
	return barChart("chart-products", "Services per product by authentication status", "products", rows, legend)
}

func providerChart(v *report.View) *svg {
	rows := make([]hbar, 0, len(v.ByProvider))
	for _, p := range v.ByProvider {
		rows = append(rows, hbar{Label: p.Name, Scale: p.Services, Parts: []segment{{p.Services, "bar", "services"}},
			Text: report.Num(p.Services) + " (" + report.Pct(p.Share) + ")"})
	}
	return barChart("chart-providers", "Services per cloud provider", "providers", rows, nil)
}

func awsChart(v *report.View) *svg {
	rows := make([]hbar, 0, len(v.AWSRegions))
	unknown := false
	for _, r := range v.AWSRegions {
		class := "bar"
		switch r.Place {
		case report.PlaceUS:
			class = "us"
		case report.PlaceUnknown:
			class, unknown = "unknown", true
		}
		rows = append(rows, hbar{Label: r.Region, Scale: r.Services, Parts: []segment{{r.Services, class, "services"}},
			Text: report.Num(r.Services) + " (" + report.Pct(r.Share) + ")"})
	}
	legend := []legendItem{{"us", "US region"}, {"bar", "Region outside the US"}}
	if unknown {
		legend = append(legend, legendItem{"unknown", "Region unknown"})
	}
	return barChart("chart-aws-regions", "Services per AWS region, US regions highlighted", "regions", rows, legend)
}

func countryChart(v *report.View) *svg {
	rows := make([]hbar, 0, len(v.ByCountry))
	for _, c := range v.ByCountry {
		rows = append(rows, hbar{Label: c.Country, Scale: c.Services, Parts: []segment{{c.Services, "bar", "services"}},
			Text: report.Num(c.Services) + " (" + report.Pct(c.Share) + ")"})
	}
	return barChart("chart-countries", "Services per country", "countries", rows, nil)
}

// docPage is what the document template gets: the document, and its
// blocks with charts laid out and tables given ids.
type docPage struct {
	D        *report.Document
	Intro    []block
	Sections []section
}

type section struct {
	ID, Title string
	Level     int
	Blocks    []block
}

// block is a report.Block ready for the template: exactly one of Text,
// List, Table and Chart is set.
type block struct {
	Lead, Text string
	List       []string
	Table      *table
	Chart      *svg
}

// table is a report.Table with an id and a caption (its section's
// title), and each cell marked as a figure or not.
type table struct {
	ID, Caption string
	T           *report.Table
	Rows        []row
}

type row struct{ Cells []cell }

type cell struct {
	Text   string
	Figure bool
}

// blocks prepares bs, numbering their tables and charts under id. It
// fails only when a table's row stream does.
func blocks(id, caption string, bs []report.Block) ([]block, error) {
	out := make([]block, 0, len(bs))
	for i, b := range bs {
		bid := id + "-" + strconv.Itoa(i+1)
		switch {
		case b.Table != nil:
			t, err := docTable(bid, caption, b.Table)
			if err != nil {
				return nil, err
			}
			out = append(out, block{Table: t})
		case b.Chart != nil:
			if c := docChart(bid, b.Chart); c != nil {
				out = append(out, block{Chart: c})
			}
		case b.List != nil || b.Links != nil:
			out = append(out, block{List: b.Items()})
		default:
			out = append(out, block{Lead: b.Lead, Text: b.Text})
		}
	}
	return out, nil
}

// docTable gives every row, Rows and those t.Stream yields, as many
// cells as t has columns.
func docTable(id, caption string, t *report.Table) (*table, error) {
	out := &table{ID: id, Caption: caption, T: t, Rows: make([]row, 0, len(t.Rows))}
	err := t.Each(func(cells []string) error {
		r := row{Cells: make([]cell, len(t.Columns))}
		for i, c := range t.Columns {
			r.Cells[i].Figure = c.Figure
			if i < len(cells) {
				r.Cells[i].Text = cells[i]
			}
		}
		out.Rows = append(out.Rows, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the rows of a table: %w", err)
	}
	return out, nil
}
