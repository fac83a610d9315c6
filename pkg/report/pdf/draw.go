package pdf

import (
	"fmt"
	"math"

	"github.com/go-pdf/fpdf"

	"github.com/orchex/orchex/pkg/report"
)

// rgb is a colour as 0xRRGGBB, so the palette can be constants.
type rgb uint32

func (c rgb) parts() (r, g, b int) { return int(c >> 16 & 0xFF), int(c >> 8 & 0xFF), int(c & 0xFF) }

// The palette. Auth statuses keep the same colour in every chart, legend and
// table of the document.
const (
	colOpen    rgb = 0xC8372D // open: no authentication
	colLikely  rgb = 0xE8A07A // likely open (inferred from defaults)
	colAuth    rgb = 0x2E8B57 // auth_required
	colUnknown rgb = 0xA5A5A5 // unknown
	colBar     rgb = 0x2C5E96 // single-series bars
	colUS      rgb = 0xE07A1E // AWS US regions
	colText    rgb = 0x212529
	colHeading rgb = 0x142D50
	colMuted   rgb = 0x6C757D
	colRule    rgb = 0xC8CDD2
	colAccent  rgb = 0x2C5E96
	colHeadBg  rgb = 0xE2E8F0
	colZebra   rgb = 0xF6F8FA
	colTotalBg rgb = 0xEBF0F6
	colMarkBg  rgb = 0xFDF0E1 // highlighted rows (AWS US regions, truncated inputs)
	colWhite   rgb = 0xFFFFFF
	colCover   rgb = 0x142D50
	colCoverFg rgb = 0xBECDE1
)

func (d *doc) textColor(c rgb) { d.f.SetTextColor(c.parts()) }
func (d *doc) fillColor(c rgb) { d.f.SetFillColor(c.parts()) }
func (d *doc) drawColor(c rgb) { d.f.SetDrawColor(c.parts()) }

// num and pct are the report's own formatters, so every format writes a
// figure alike.
func num(n int) string { return report.Num(n) }

func pct(share float64) string { return report.Pct(share) }

// ratio is part/whole, or 0 when whole is 0.
func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// plural returns "1 panel" or "2 panels".
func plural(n int, one, many string) string {
	if n == 1 {
		return num(n) + " " + one
	}
	return num(n) + " " + many
}

// legendItem is one colour key.
type legendItem struct {
	label string
	color rgb
}

// legend draws colour keys in a row at the current position.
func (d *doc) legend(items []legendItem) {
	f := d.f
	d.need(6)
	f.SetFont(sans, "", 8)
	x, y := margin, f.GetY()
	for _, it := range items {
		d.fillColor(it.color)
		f.Rect(x, y+0.8, 3.2, 3.2, "F")
		label := fit(f, clean(it.label, d.cov), d.width-6)
		w := f.GetStringWidth(label)
		if x > margin && x+4.5+w > margin+d.width { // wrap onto the next line
			x, y = margin, y+5.5
			d.need(6)
		}
		d.textColor(colText)
		f.SetXY(x+4.5, y)
		f.CellFormat(w+1, 4.8, label, "", 0, "L", false, 0, "")
		x += 4.5 + w + 7
	}
	f.SetXY(margin, y+7)
}

// bar is one row of a horizontal bar chart.
type bar struct {
	label string
	value int
	text  string // printed after the bar
	color rgb
}

// barChart draws horizontal bars scaled to the largest value, with the
// label left of each bar and the value printed after it.
func (d *doc) barChart(bars []bar) { d.barChartTo(bars, 0) }

// barChartTo is barChart with the full width standing for full (a share
// in thousandths: 1000), or for the largest value when full is 0.
func (d *doc) barChartTo(bars []bar, full int) {
	if len(bars) == 0 {
		return
	}
	f := d.f
	const rowH, barH = 6.2, 4.4
	f.SetFont(sans, "", 8)
	labelW := 0.0
	for _, b := range bars {
		labelW = max(labelW, f.GetStringWidth(clean(b.label, d.cov)))
	}
	labelW = min(max(labelW+2, 22), d.width*0.3)
	textW := 0.0
	for _, b := range bars {
		textW = max(textW, f.GetStringWidth(b.text))
	}
	textW += 3
	area := d.width - labelW - textW - 2
	maxV := full
	for _, b := range bars {
		maxV = max(maxV, b.value)
	}
	d.need(rowH*float64(min(len(bars), 4)) + 2)
	top := f.GetY()
	x0 := margin + labelW + 2
	for _, b := range bars {
		if f.GetY()+rowH > d.bottom {
			d.axis(x0, top, f.GetY())
			d.newPage()
			f.SetFont(sans, "", 8)
			top = f.GetY()
		}
		y := f.GetY()
		d.textColor(colText)
		f.SetXY(margin, y)
		f.CellFormat(labelW, rowH, fit(f, clean(b.label, d.cov), labelW), "", 0, "R", false, 0, "")
		w := 0.0
		if maxV > 0 {
			w = area * float64(b.value) / float64(maxV)
		}
		if b.value > 0 {
			w = max(w, 0.4) // a non-zero value stays visible
		}
		d.fillColor(b.color)
		if w > 0 {
			f.Rect(x0, y+(rowH-barH)/2, w, barH, "F")
		}
		d.textColor(colText)
		f.SetXY(x0+w+1.2, y)
		f.CellFormat(textW, rowH, b.text, "", 0, "L", false, 0, "")
		f.SetY(y + rowH)
	}
	d.axis(x0, top, f.GetY())
	f.SetY(f.GetY() + 3)
}

// axis draws the bars' baseline.
func (d *doc) axis(x, y0, y1 float64) {
	d.drawColor(colMuted)
	d.f.SetLineWidth(0.25)
	d.f.Line(x, y0, x, y1)
}

// stack is one row of a stacked bar chart: open, auth_required, unknown.
type stack struct {
	label string
	parts [4]int // open, likely open, auth_required, unknown
}

// authColor is the colour of auth status k: 0 open, 1 likely open, 2
// auth_required, 3 unknown.
func authColor(k int) rgb {
	switch k {
	case 0:
		return colOpen
	case 1:
		return colLikely
	case 2:
		return colAuth
	}
	return colUnknown
}

// stackedChart draws one bar per row, split by auth status, scaled to the
// largest total. A segment's count is printed inside it when it fits, the
// row total and open share after the bar.
func (d *doc) stackedChart(rows []stack) {
	if len(rows) == 0 {
		return
	}
	f := d.f
	const rowH, barH = 7.0, 5.2
	f.SetFont(sans, "", 8)
	labelW := 0.0
	maxT := 0
	texts := make([]string, len(rows))
	textW := 0.0
	for i, r := range rows {
		labelW = max(labelW, f.GetStringWidth(clean(r.label, d.cov)))
		t := r.parts[0] + r.parts[1] + r.parts[2] + r.parts[3]
		maxT = max(maxT, t)
		texts[i] = fmt.Sprintf("%s (%s open)", num(t), pct(ratio(r.parts[0], t)))
		textW = max(textW, f.GetStringWidth(texts[i]))
	}
	labelW = min(max(labelW+2, 22), d.width*0.3)
	textW += 3
	area := d.width - labelW - textW - 2
	x0 := margin + labelW + 2
	d.need(rowH*float64(min(len(rows), 4)) + 2)
	top := f.GetY()
	for i, r := range rows {
		if f.GetY()+rowH > d.bottom {
			d.axis(x0, top, f.GetY())
			d.newPage()
			f.SetFont(sans, "", 8)
			top = f.GetY()
		}
		y := f.GetY()
		d.textColor(colText)
		f.SetXY(margin, y)
		f.CellFormat(labelW, rowH, fit(f, clean(r.label, d.cov), labelW), "", 0, "R", false, 0, "")
		x := x0
		for k, v := range r.parts {
			if v <= 0 || maxT == 0 {
				continue
			}
			w := max(area*float64(v)/float64(maxT), 0.4)
			d.fillColor(authColor(k))
			f.Rect(x, y+(rowH-barH)/2, w, barH, "F")
			if s := num(v); f.GetStringWidth(s)+2 <= w {
				if k == 1 || k == 3 {
					d.textColor(colText)
				} else {
					d.textColor(colWhite)
				}
				f.SetXY(x, y)
				f.CellFormat(w, rowH, s, "", 0, "C", false, 0, "")
			}
			x += w
		}
		d.textColor(colText)
		f.SetXY(x+1.2, y)
		f.CellFormat(textW, rowH, texts[i], "", 0, "L", false, 0, "")
		f.SetY(y + rowH)
	}
	d.axis(x0, top, f.GetY())
	f.SetY(f.GetY() + 2)
	likely := false
	for _, r := range rows {
		likely = likely || r.parts[1] > 0
	}
	d.legend(authLegend(likely))
}

// authLegend is the key of the auth-status colours, in status order.
// The likely-open item is listed only when likely is true (some service
// is likely open), so that an empty status does not crowd the key.
func authLegend(likely bool) []legendItem {
	out := []legendItem{{"Open (no authentication)", colOpen}}
	if likely {
		out = append(out, legendItem{"Likely open (inferred from defaults)", colLikely})
	}
	return append(out, legendItem{"Authentication required", colAuth}, legendItem{"Unknown", colUnknown})
}

// donut draws the auth-status shares as a ring centred at (cx, cy) with the
// total in the middle. Segments run clockwise from the top in the order
// open, likely open, auth_required, unknown.
func (d *doc) donut(cx, cy, outer, inner float64, parts [4]int) {
	f := d.f
	total := 0 // negative counts (an inconsistent view) draw nothing
	for _, v := range parts {
		total += max(v, 0)
	}
	if total == 0 {
		d.drawColor(colRule)
		f.SetLineWidth(0.4)
		f.Circle(cx, cy, outer, "D")
		f.Circle(cx, cy, inner, "D")
	}
	start := -90.0
	for k, v := range parts {
		if v <= 0 || total == 0 {
			continue
		}
		sweep := 360 * float64(v) / float64(total)
		sweep = max(sweep, 0.8) // a sliver stays visible
		end := min(start+sweep, 270)
		d.fillColor(authColor(k))
		f.Polygon(ring(cx, cy, outer, inner, start, end), "F")
		start = end
	}
	f.SetFont(sans, "B", 13)
	d.textColor(colText)
	f.SetXY(cx-inner, cy-5)
	f.CellFormat(2*inner, 6, num(total), "", 0, "C", false, 0, "")
	f.SetFont(sans, "", 7.5)
	d.textColor(colMuted)
	f.SetXY(cx-inner, cy+1)
	f.CellFormat(2*inner, 4, "services", "", 0, "C", false, 0, "")
	d.textColor(colText)
}

// ring returns the outline of a ring segment between angles a0 and a1
// (degrees, clockwise from the positive x axis on the page).
func ring(cx, cy, outer, inner, a0, a1 float64) []fpdf.PointType {
	steps := max(int(math.Ceil((a1-a0)/2)), 1)
	pts := make([]fpdf.PointType, 0, 2*(steps+1))
	for i := 0; i <= steps; i++ {
		a := (a0 + (a1-a0)*float64(i)/float64(steps)) * math.Pi / 180
		pts = append(pts, fpdf.PointType{X: cx + outer*math.Cos(a), Y: cy + outer*math.Sin(a)})
	}
	for i := steps; i >= 0; i-- {
		a := (a0 + (a1-a0)*float64(i)/float64(steps)) * math.Pi / 180
		pts = append(pts, fpdf.PointType{X: cx + inner*math.Cos(a), Y: cy + inner*math.Sin(a)})
	}
	return pts
}
