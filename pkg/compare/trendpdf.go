package compare

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/markdown"
)

// Limits of the trend PDF, so that its layout does not grow with the data.
const (
	// PDFMaxColumns is the number of snapshots (the latest) the PDF's
	// tables show; the charts show up to PDFMaxPoints.
	PDFMaxColumns = 8
	// PDFMaxPoints is the number of snapshots (the latest) the PDF's
	// charts show.
	PDFMaxPoints = 24
	// PDFMaxProducts is the number of products (the largest in the last
	// snapshot) in the product chart and table.
	PDFMaxProducts = 6
)

// trendPDF is one trend document being laid out.
type trendPDF struct {
	f     *fpdf.Fpdf
	t     *Trend
	w, h  float64 // page size
	left  float64 // margin
	width float64 // content width
}

const (
	pdfSans   = "gosans"
	pdfMargin = 15.0
	chartH    = 42.0 // plot height of a chart, mm; two charts fit the first page
)

// series colours, distinguishable in grey too.
var pdfColors = [][3]int{{31, 78, 121}, {192, 57, 43}, {39, 174, 96}, {127, 140, 141}, {142, 68, 173}, {230, 126, 34}}

// WriteTrendPDF writes t as an A4 landscape PDF: a line chart of the
// services by auth status and a grouped-bar chart of the largest products'
// services across snapshots, then tables of the headline figures and the
// method, with the changes of method stated. It embeds the Go fonts; text
// is cleaned with report.CleanText and runes the fonts lack become U+FFFD.
// The creation date is the last snapshot's creation time (the Unix epoch
// when there is none), never the clock, so the same trend gives a
// byte-identical file.
func WriteTrendPDF(w io.Writer, t *Trend) error {
	f := fpdf.New("L", "mm", "A4", "")
	d := &trendPDF{f: f, t: t, left: pdfMargin}
	d.w, d.h = f.GetPageSize()
	d.width = d.w - 2*pdfMargin
	f.AddUTF8FontFromBytes(pdfSans, "", goregular.TTF)
	f.AddUTF8FontFromBytes(pdfSans, "B", gobold.TTF)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(false, 0) // need breaks pages, so nothing overflows
	f.SetCatalogSort(true)
	f.SetCompression(true)
	// fpdf writes the clock for a zero date: an empty trend, or one whose
	// last snapshot has no creation time, is dated the Unix epoch.
	at := time.Unix(0, 0).UTC()
	if n := len(t.Snapshots); n > 0 && !t.Snapshots[n-1].Created.IsZero() {
		at = t.Snapshots[n-1].Created
	}
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetTitle("orchex trend of exposed panels", true)
	f.SetCreator("orchex", true)
	f.SetProducer("orchex with go-pdf/fpdf", true)
	f.SetLang("en")
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(d.h - 10)
		f.SetFont(pdfSans, "", 7.5)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(d.width, 4, fmt.Sprintf("orchex trend, page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})

	f.AddPage()
	d.title()
	if len(t.Snapshots) == 0 {
		d.para("There is no snapshot to show.")
	} else {
		d.authChart()
		d.productChart()
		f.AddPage()
		d.headlineTable()
		d.method()
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("compare: trend PDF: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("compare: writing trend PDF: %w", err)
	}
	return nil
}

// pdfText cleans s for the Go fonts: report.CleanText, then every rune
// but printable ASCII, the Latin-1 letters and signs and a few
// punctuation marks becomes U+FFFD. The set is kept to runes with a glyph
// of their own: fpdf's font subsetting picks, in map order, one of the
// runes that share a glyph (space and no-break space, Latin A and
// Cyrillic А), which would make the file differ from run to run.
func pdfText(s string, max int) string {
	s = report.CleanText(s, max)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7F, r >= 0xA1 && r <= 0xFF && r != 0xAD,
			strings.ContainsRune("–—‘’“”…•→", r):
			b.WriteRune(r)
		default:
			b.WriteRune(utf8.RuneError)
		}
	}
	return b.String()
}

// fitText cuts s with an ellipsis so that it fits width w in the current font.
func (d *trendPDF) fitText(s string, w float64) string {
	if d.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// need starts a new page unless h millimetres fit above the footer.
func (d *trendPDF) need(h float64) {
	if d.f.GetY()+h > d.h-pdfMargin-4 {
		d.f.AddPage()
	}
}

func (d *trendPDF) para(s string) {
	d.f.SetFont(pdfSans, "", 9.5)
	s = pdfText(s, 2000)
	d.need(5*float64(len(d.f.SplitText(s, d.width-2))) + 2)
	d.f.MultiCell(d.width, 5, s, "", "L", false)
	d.f.Ln(2)
}

func (d *trendPDF) heading(s string) {
	d.need(20)
	d.f.Ln(2)
	d.f.SetFont(pdfSans, "B", 12)
	d.f.CellFormat(d.width, 7, pdfText(s, 200), "", 1, "L", false, 0, "")
	d.f.Ln(1)
}

func (d *trendPDF) title() {
	t := d.t
	f := d.f
	f.SetFont(pdfSans, "B", 17)
	head := "Trend of exposed container-orchestration and API-management panels"
	f.CellFormat(d.width, 9, head, "", 1, "L", false, 0, "")
	if n := len(t.Snapshots); n > 0 {
		f.SetFont(pdfSans, "", 10)
		f.CellFormat(d.width, 6, pdfText(fmt.Sprintf("Snapshots %s to %s (%d snapshots)", t.Snapshots[0].Snapshot, t.Snapshots[n-1].Snapshot, n), 200), "", 1, "L", false, 0, "")
	}
	f.Ln(1)
	s := OrderText(t.Order)
	if len(t.MethodChanges) > 0 {
		s += " The method changed between snapshots (see the last page): a change in method is not a change in the internet."
	}
	d.para(s)
}

// points returns the snapshots the charts show (the latest PDFMaxPoints).
func (d *trendPDF) points() []Point {
	ps := d.t.Snapshots
	if len(ps) > PDFMaxPoints {
		ps = ps[len(ps)-PDFMaxPoints:]
	}
	return ps
}

// niceMax returns a round axis maximum at or above v, in four whole
// steps of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten.
func niceMax(v float64) (top, step float64) {
	for mag := 1.0; ; mag *= 10 {
		for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8} {
			if step = m * mag; step == math.Trunc(step) && step*4 >= v {
				return step * 4, step
			}
		}
	}
}

// frame draws the y axis with ticks and grid lines and returns the plot
// area and the value scale.
func (d *trendPDF) frame(x, y, w, h, maxV float64) (top float64) {
	f := d.f
	top, step := niceMax(maxV)
	f.SetFont(pdfSans, "", 7)
	f.SetDrawColor(220, 220, 220)
	f.SetLineWidth(0.15)
	for v := 0.0; v <= top+step/2; v += step {
		yy := y + h - h*v/top
		f.Line(x, yy, x+w, yy)
		f.SetXY(x-20, yy-2)
		f.CellFormat(19, 4, markdown.Num(int(v)), "", 0, "R", false, 0, "")
	}
	f.SetDrawColor(90, 90, 90)
	f.SetLineWidth(0.3)
	f.Line(x, y, x, y+h)
	f.Line(x, y+h, x+w, y+h)
	return top
}

func (d *trendPDF) legend(x, y float64, names []string) {
	f := d.f
	f.SetFont(pdfSans, "", 8)
	for i, n := range names {
		c := pdfColors[i%len(pdfColors)]
		f.SetFillColor(c[0], c[1], c[2])
		f.Rect(x, y+0.8, 3, 3, "F")
		label := d.fitText(pdfText(n, 60), min(45, (d.width-30)/float64(len(names))-11))
		f.SetXY(x+4, y)
		f.CellFormat(f.GetStringWidth(label)+1, 4.6, label, "", 0, "L", false, 0, "")
		x += 4 + f.GetStringWidth(label) + 7
	}
}

// authChart draws the services by auth status as lines across snapshots.
func (d *trendPDF) authChart() {
	f := d.f
	ps := d.points()
	d.need(chartH + 30)
	d.heading("Services by authentication status")
	series := []struct {
		name string
		v    func(report.Headline) int
	}{
		{"All services", func(h report.Headline) int { return h.Services }},
		{"Open", func(h report.Headline) int { return h.Open }},
		{"Authentication required", func(h report.Headline) int { return h.AuthRequired }},
		{"Unknown", func(h report.Headline) int { return h.Unknown }},
	}
	maxV := 0
	for _, p := range ps {
		maxV = max(maxV, p.Headline.Services)
	}
	x, y, w, h := d.left+22, f.GetY()+2, d.width-30, chartH
	top := d.frame(x, y, w, h, float64(maxV))
	xAt := func(i int) float64 {
		if len(ps) == 1 {
			return x + w/2
		}
		return x + 6 + (w-12)*float64(i)/float64(len(ps)-1)
	}
	d.xLabels(ps, xAt, y+h)
	for k, s := range series {
		c := pdfColors[k%len(pdfColors)]
		f.SetDrawColor(c[0], c[1], c[2])
		f.SetFillColor(c[0], c[1], c[2])
		f.SetLineWidth(0.6)
		for i, p := range ps {
			yy := y + h - h*float64(s.v(p.Headline))/top
			if i > 0 {
				f.Line(xAt(i-1), y+h-h*float64(s.v(ps[i-1].Headline))/top, xAt(i), yy)
			}
			f.Circle(xAt(i), yy, 0.9, "F")
		}
	}
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.name
	}
	d.legend(x, y+h+8, names)
	f.SetXY(d.left, y+h+15)
	if len(d.t.Snapshots) > len(ps) {
		d.para(fmt.Sprintf("The chart shows the latest %d of %d snapshots.", len(ps), len(d.t.Snapshots)))
	}
}

// xLabels writes the snapshot labels under the x axis.
func (d *trendPDF) xLabels(ps []Point, xAt func(int) float64, y float64) {
	f := d.f
	f.SetFont(pdfSans, "", 7)
	slot := d.width / float64(max(len(ps), 1))
	for i, p := range ps {
		label := d.fitText(pdfText(p.Snapshot, 64), slot)
		lw := f.GetStringWidth(label)
		f.SetXY(xAt(i)-lw/2-0.5, y+1)
		f.CellFormat(lw+1, 4, label, "", 0, "C", false, 0, "")
	}
}

// productChart draws the largest products' services as grouped bars, one
// group per snapshot.
func (d *trendPDF) productChart() {
	f := d.f
	ps := d.points()
	t := d.t
	d.need(chartH + 30)
	d.heading("Services per product")
	n := min(len(t.Products), PDFMaxProducts)
	if n == 0 {
		d.para("No snapshot holds a service.")
		return
	}
	maxV := 0
	for _, p := range ps {
		for _, c := range p.Products[:n] {
			maxV = max(maxV, c.Services)
		}
	}
	x, y, w, h := d.left+22, f.GetY()+2, d.width-30, chartH
	top := d.frame(x, y, w, h, float64(maxV))
	group := w / float64(len(ps))
	barW := group * 0.8 / float64(n)
	xAt := func(i int) float64 { return x + group*(float64(i)+0.5) }
	for i, p := range ps {
		x0 := x + group*float64(i) + group*0.1
		for k, c := range p.Products[:n] {
			col := pdfColors[k%len(pdfColors)]
			f.SetFillColor(col[0], col[1], col[2])
			bh := h * float64(c.Services) / top
			if c.Services > 0 {
				bh = max(bh, 0.3)
			}
			f.Rect(x0+barW*float64(k), y+h-bh, barW*0.92, bh, "F")
		}
	}
	d.xLabels(ps, xAt, y+h)
	names := make([]string, n)
	for k := range n {
		names[k] = ps[len(ps)-1].Products[k].Name
	}
	d.legend(x, y+h+8, names)
	f.SetXY(d.left, y+h+15)
	if len(t.Products) > n {
		d.para(fmt.Sprintf("The chart shows the %d products with most services in the last snapshot, of %d; the Markdown and JSON trends list every product.", n, len(t.Products)))
	}
}

// headlineTable writes the headline figures and the largest products, one
// column per snapshot (the latest PDFMaxColumns).
func (d *trendPDF) headlineTable() {
	f := d.f
	ps := d.t.Snapshots
	if len(ps) > PDFMaxColumns {
		ps = ps[len(ps)-PDFMaxColumns:]
	}
	d.heading("Headline figures")
	first := 80.0
	col := (d.width - first) / float64(len(ps))
	row := func(bold bool, cells ...string) {
		style := ""
		if bold {
			style = "B"
		}
		f.SetFont(pdfSans, style, 8.5)
		for i, c := range cells {
			w, align := col, "R"
			if i == 0 {
				w, align = first, "L"
			}
			f.CellFormat(w, 5.5, d.fitText(c, w-1), "B", 0, align, false, 0, "")
		}
		f.Ln(-1)
		d.need(5.5)
	}
	head := []string{"Figure"}
	for _, p := range ps {
		head = append(head, pdfText(p.Snapshot, 64))
	}
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.2)
	row(true, head...)
	for _, fig := range trendFigures() {
		cells := []string{fig.name}
		for _, p := range ps {
			cells = append(cells, fig.text(p.Headline))
		}
		row(false, cells...)
	}
	if n := min(len(d.t.Products), PDFMaxProducts); n > 0 {
		f.Ln(3)
		row(true, append([]string{"Services per product (open)"}, head[1:]...)...)
		for k := range n {
			cells := []string{pdfText(ps[len(ps)-1].Products[k].Name, 80)}
			for _, p := range ps {
				c := p.Products[k]
				cells = append(cells, markdown.Num(c.Services)+" ("+markdown.Num(c.Open)+")")
			}
			row(false, cells...)
		}
	}
	if len(d.t.Snapshots) > len(ps) {
		f.Ln(2)
		d.para(fmt.Sprintf("The tables show the latest %d of %d snapshots; the Markdown and JSON trends show all.", len(ps), len(d.t.Snapshots)))
	}
}

// method writes what produced each snapshot and the changes of method.
func (d *trendPDF) method() {
	t := d.t
	d.heading("Method")
	// One line per run of consecutive snapshots made the same way, so the
	// page does not grow with the number of snapshots.
	for i := 0; i < len(t.Snapshots); {
		j := i
		for j+1 < len(t.Snapshots) && len(Differences(t.Snapshots[j].Method, t.Snapshots[j+1].Method)) == 0 {
			j++
		}
		first, last := t.Snapshots[i], t.Snapshots[j]
		span := fmt.Sprintf("%s (taken %s)", first.Snapshot, day(first.Created))
		if j > i {
			span = fmt.Sprintf("%s to %s (%d snapshots, taken %s to %s)", first.Snapshot, last.Snapshot, j-i+1, day(first.Created), day(last.Created))
		}
		m := first.Method
		d.para(fmt.Sprintf("%s: catalog version %s; engines %s; range feeds %s.", span,
			orNone(m.CatalogVersion), orNone(strings.Join(m.Engines, ", ")), orNone(feeds(m.Feeds))))
		i = j + 1
	}
	if len(t.MethodChanges) == 0 {
		d.para("Every snapshot was made with the same catalog version, engines and range feeds.")
		return
	}
	d.para("The method changed; a change in method is not a change in the internet:")
	for _, s := range t.MethodChanges {
		for _, x := range s.Differences {
			d.para(fmt.Sprintf("• %s → %s: %s", s.From, s.To, x))
		}
	}
}
