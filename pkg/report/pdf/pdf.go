package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/orchex/orchex/pkg/report"
)

// Options changes how Render lays out a report. The zero value gives an A4
// report titled from the view.
type Options struct {
	// Title replaces View.Title on the cover and in the metadata when not
	// empty.
	Title string
	// PageSize is "A4" (the default) or "Letter".
	PageSize string
}

// sans is the font family registered with fpdf: Go Regular and Go Bold.
const sans = "gosans"

// Page geometry in millimetres.
const (
	margin    = 18.0
	topMargin = 20.0
	footerGap = 16.0 // from the page bottom to the content bottom
)

// doc is one report being laid out.
type doc struct {
	f     *fpdf.Fpdf
	v     *report.View
	opts  Options
	cov   *coverage
	title string // cleaned title
	label string // what the running header names: "snapshot 2026Q4"
	gen   time.Time
	// dateLabel says what the footer's date is: "Snapshot taken" (a
	// report), "Latest snapshot taken" (a diff or a trend). The date is
	// never when the file was written.
	dateLabel string
	pageW     float64
	pageH     float64
	width     float64 // content width
	bottom    float64 // content bottom (y)
	section   int     // last section number used
}

// Render writes v as a PDF report to w: a cover page, an executive summary,
// one section per breakdown with a vector chart and a table, and a method
// appendix, with page numbers, an outline and document metadata.
//
// The output depends only on v and opts: the creation and modification
// dates are v.Generated (in UTC), never the clock, so two calls with the same
// view give byte-identical files. Every string from v is cleaned before it is
// drawn (see the package documentation); lists that can grow with the data
// (regions, countries, versions, inputs) are capped, with the number of rows
// left out stated, so the document stays a few pages whatever the snapshot's
// size. v.Services is not listed: a published PDF carries aggregates only.
func Render(w io.Writer, v *report.View, opts Options) error {
	if v == nil {
		return errors.New("pdf: render: nil view")
	}
	d, err := newDoc(v, opts)
	if err != nil {
		return err
	}
	d.cover()
	d.summary()
	d.products()
	d.auth()
	d.providers()
	d.awsRegions()
	d.countries()
	d.overlap()
	d.versions()
	d.support()
	d.method()
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: render snapshot %q: %w", clean(v.Snapshot, d.cov), err)
	}
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("pdf: write snapshot %q: %w", clean(v.Snapshot, d.cov), err)
	}
	return nil
}

func newDoc(v *report.View, opts Options) (*doc, error) {
	title := opts.Title
	if strings.TrimSpace(title) == "" {
		title = v.Title
	}
	label := ""
	if v.Snapshot != "" {
		label = "snapshot " + v.Snapshot
	}
	d, err := newBase(title, label, v.Generated, opts)
	if err != nil {
		return nil, err
	}
	d.v = v
	d.dateLabel = "Snapshot taken"
	return d, nil
}

// newBase starts a document: page size, fonts, metadata, header and
// footer. label is what the running header and the subject name; the
// creation and modification dates are gen, never the clock.
func newBase(title, label string, gen time.Time, opts Options) (*doc, error) {
	size := "A4"
	switch strings.ToLower(opts.PageSize) {
	case "", "a4":
	case "letter":
		size = "Letter"
	default:
		return nil, fmt.Errorf("pdf: page size %q: want A4 or Letter", opts.PageSize)
	}
	cov, err := fontCoverage()
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", size, "")
	d := &doc{f: f, opts: opts, cov: cov, gen: gen, dateLabel: "Snapshot taken"}
	d.label = clean(label, cov)
	d.pageW, d.pageH = f.GetPageSize()
	d.width = d.pageW - 2*margin
	d.bottom = d.pageH - footerGap - 4

	f.AddUTF8FontFromBytes(sans, "", goregular.TTF)
	f.AddUTF8FontFromBytes(sans, "B", gobold.TTF)
	// No unused font is embedded: fpdf builds the subset of a font that
	// draws nothing from map order, so two renders of one view would differ.
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: load Go fonts: %w", err)
	}
	f.SetMargins(margin, topMargin, margin)
	f.SetCellMargin(cellPad)
	f.SetAutoPageBreak(false, 0) // doc.need breaks pages, so nothing overflows
	f.SetCatalogSort(true)
	f.SetCompression(true)
	// fpdf writes the clock for a zero date: a document with no date is
	// dated the Unix epoch.
	at := gen.UTC()
	if gen.IsZero() {
		at = time.Unix(0, 0).UTC()
	}
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.AliasNbPages("{nb}")

	d.title = clean(title, cov)
	if d.title == "" {
		d.title = "Exposed orchestration admin panels"
	}
	f.SetTitle(capRunes(d.title, 200), true)
	f.SetSubject(d.subject(), true)
	f.SetCreator("orchex", true)
	f.SetProducer("orchex with go-pdf/fpdf", true)
	f.SetKeywords("exposure, orchestration, Kubernetes, Shodan, Censys", true)
	f.SetLang("en")
	f.SetFooterFunc(d.footer)
	return d, nil
}

// fontCoverage returns the runes all three embedded fonts can draw.
func fontCoverage() (*coverage, error) {
	var all *coverage
	for _, font := range []struct {
		name string
		ttf  []byte
	}{{"Go Regular", goregular.TTF}, {"Go Bold", gobold.TTF}} {
		c, err := parseCoverage(font.ttf)
		if err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", font.name, err)
		}
		if all == nil {
			all = c
		} else {
			all.intersect(c)
		}
	}
	if !all.has(replacement) {
		return nil, fmt.Errorf("pdf: embedded fonts lack U+FFFD")
	}
	return all, nil
}

// subject is the metadata subject: what the document is about and which
// snapshot it reports.
func (d *doc) subject() string {
	s := "Exposed container-orchestration and API-management admin panels"
	if d.label != "" {
		s += ", " + capRunes(d.label, 90)
	}
	return s
}

// capRunes truncates s to n runes, ending in an ellipsis when cut.
func capRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + ellipsis
}

// newPage starts a page with the running header.
func (d *doc) newPage() {
	f := d.f
	f.AddPage()
	f.SetFont(sans, "", 7.5)
	d.textColor(colMuted)
	head := "orchex exposure report"
	if d.label != "" {
		head += " \u00b7 " + d.label
	}
	f.SetXY(margin, 9)
	f.CellFormat(d.width*0.45, 4, fit(f, head, d.width*0.45), "", 0, "L", false, 0, "")
	f.SetXY(margin+d.width*0.45, 9)
	f.CellFormat(d.width*0.55, 4, fit(f, d.title, d.width*0.55), "", 0, "R", false, 0, "")
	d.drawColor(colRule)
	f.SetLineWidth(0.2)
	f.Line(margin, 14, d.pageW-margin, 14)
	f.SetXY(margin, topMargin)
	d.textColor(colText)
}

// footer draws the page number on every page but the cover.
func (d *doc) footer() {
	f := d.f
	if f.PageNo() == 1 {
		return
	}
	y := d.pageH - footerGap + 4
	d.drawColor(colRule)
	f.SetLineWidth(0.2)
	f.Line(margin, y-2, d.pageW-margin, y-2)
	f.SetFont(sans, "", 7.5)
	d.textColor(colMuted)
	f.SetXY(margin, y)
	f.CellFormat(d.width/2, 4, d.dateLabel+" "+d.date(), "", 0, "L", false, 0, "")
	f.SetXY(margin+d.width/2, y)
	f.CellFormat(d.width/2, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	d.textColor(colText)
}

// date is the snapshot's creation date as the report prints it.
func (d *doc) date() string {
	if d.gen.IsZero() {
		return "(date unknown)"
	}
	return d.gen.UTC().Format("2 January 2006, 15:04 UTC")
}

// need starts a new page unless h millimetres fit above the bottom margin.
func (d *doc) need(h float64) {
	if d.f.GetY()+h > d.bottom {
		d.newPage()
	}
}

// heading starts a numbered section with an outline entry. Sections start
// on a new page unless at least minRest millimetres remain for the heading
// and the start of their content.
func (d *doc) heading(title string, minRest float64) {
	d.section++
	d.need(14 + minRest)
	f := d.f
	text := fmt.Sprintf("%d  %s", d.section, title)
	f.SetFont(sans, "B", 14)
	f.Bookmark(fmt.Sprintf("%d %s", d.section, title), 0, -1)
	d.textColor(colHeading)
	f.SetX(margin)
	f.CellFormat(d.width, 8, text, "", 1, "L", false, 0, "")
	d.drawColor(colAccent)
	f.SetLineWidth(0.6)
	f.Line(margin, f.GetY()+0.5, margin+20, f.GetY()+0.5)
	f.SetY(f.GetY() + 4)
	d.textColor(colText)
}

// subheadingH is the height a subheading takes, spacing included.
const subheadingH = 7

// subheading is a level-1 outline entry inside a section.
func (d *doc) subheading(title string, minRest float64) {
	d.need(subheadingH + minRest)
	f := d.f
	f.SetFont(sans, "B", 10.5)
	f.Bookmark(title, 1, -1)
	d.textColor(colHeading)
	f.SetX(margin)
	f.CellFormat(d.width, 6, fit(f, title, d.width), "", 1, "L", false, 0, "")
	f.SetY(f.GetY() + 1)
	d.textColor(colText)
}

// para writes a cleaned, wrapped paragraph in the body font.
func (d *doc) para(s string) {
	d.paraStyled(s, "", 9.5, colText)
}

// note writes a small muted paragraph (captions, caveats).
func (d *doc) note(s string) {
	d.paraStyled(s, "", 8, colMuted)
}

func (d *doc) paraStyled(s, style string, size float64, c rgb) {
	f := d.f
	f.SetFont(sans, style, size)
	d.textColor(c)
	lh := size * 0.5
	for _, line := range wrap(f, clean(s, d.cov), d.width, 0) {
		d.need(lh)
		f.SetX(margin)
		f.CellFormat(d.width, lh, line, "", 1, "L", false, 0, "")
	}
	f.SetY(f.GetY() + lh*0.6)
	d.textColor(colText)
}

// gap adds vertical space.
func (d *doc) gap(h float64) { d.f.SetY(d.f.GetY() + h) }
