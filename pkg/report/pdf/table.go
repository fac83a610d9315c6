package pdf

// column is one table column. Widths are relative weights, scaled to the
// content width.
type column struct {
	title string
	w     float64
	align string // "L", "R" or "C"
}

// rowKind styles a table row.
type rowKind int

const (
	rowPlain rowKind = iota
	rowTotal         // bold, shaded: totals and subtotals
	rowMark          // a highlighted data row (e.g. an AWS US region)
)

// table is a grid of cells. Cells are raw strings; the renderer cleans them
// and truncates any that would overflow its column with an ellipsis.
type table struct {
	cols  []column
	rows  [][]string
	kinds []rowKind // per row; missing means rowPlain
	frac  float64   // share of the content width; 0 means all of it
	size  float64   // font size in points; 0 means bodySize
	title string    // a subheading kept on the page of the table's first rows
}

func (t *table) add(kind rowKind, cells ...string) {
	t.rows = append(t.rows, cells)
	t.kinds = append(t.kinds, kind)
}

// Table metrics in millimetres and points.
const (
	rowH     = 5.4
	cellPad  = 1.6
	bodySize = 8.2
)

// draw lays out t from the current position, repeating the header on every
// page it spans.
func (d *doc) table(t *table) {
	f := d.f
	total := 0.0
	for _, c := range t.cols {
		total += c.w
	}
	tw := d.width
	if t.frac > 0 && t.frac < 1 {
		tw = d.width * t.frac
	}
	widths := make([]float64, len(t.cols))
	for i, c := range t.cols {
		widths[i] = tw * c.w / total
	}
	size := bodySize
	if t.size > 0 {
		size = t.size
	}
	header := func() {
		f.SetFont(sans, "B", size)
		d.fillColor(colHeadBg)
		d.textColor(colHeading)
		x := margin
		y := f.GetY()
		for i, c := range t.cols {
			f.SetXY(x, y)
			f.CellFormat(widths[i], rowH+0.6, fit(f, c.title, widths[i]-2*cellPad), "", 0, align(c.align), true, 0, "")
			x += widths[i]
		}
		f.SetY(y + rowH + 0.6)
		d.drawColor(colHeading)
		f.SetLineWidth(0.3)
		f.Line(margin, f.GetY(), margin+tw, f.GetY())
	}
	// Keep a short table together on one page; a long one starts where it
	// is when at least minSplitRows rows fit, and repeats its header.
	const shortRows, minSplitRows = 12, 8
	height := rowH + 0.6 + rowH*float64(len(t.rows))
	if t.title != "" {
		height += subheadingH
	}
	if len(t.rows) <= shortRows && height <= d.bottom-topMargin {
		d.need(height + 1)
	} else {
		d.need(min(height, height-rowH*float64(len(t.rows)-minSplitRows)) + 1)
	}
	if t.title != "" {
		d.subheading(t.title, 0)
	}
	header()
	kindOf := func(r int) rowKind {
		if r < len(t.kinds) {
			return t.kinds[r]
		}
		return rowPlain
	}
	for r, cells := range t.rows {
		kind := kindOf(r)
		// A run of total rows stays on one page.
		run := 1
		if kind == rowTotal && (r == 0 || kindOf(r-1) != rowTotal) {
			for run = 1; r+run < len(t.rows) && kindOf(r+run) == rowTotal; run++ {
			}
		}
		if f.GetY()+rowH*float64(run) > d.bottom {
			d.newPage()
			header()
		}
		style, fill := "", false
		switch kind {
		case rowTotal:
			style, fill = "B", true
			d.fillColor(colTotalBg)
		case rowMark:
			fill = true
			d.fillColor(rgb{253, 240, 225})
		default:
			if r%2 == 1 {
				fill = true
				d.fillColor(colZebra)
			}
		}
		f.SetFont(sans, style, size)
		d.textColor(colText)
		x, y := margin, f.GetY()
		for i := range t.cols {
			s := ""
			if i < len(cells) {
				s = clean(cells[i], d.cov)
			}
			f.SetXY(x, y)
			f.CellFormat(widths[i], rowH, fit(f, s, widths[i]-2*cellPad), "", 0, align(t.cols[i].align), fill, 0, "")
			x += widths[i]
		}
		f.SetY(y + rowH)
	}
	d.drawColor(colRule)
	f.SetLineWidth(0.3)
	f.Line(margin, f.GetY(), margin+tw, f.GetY())
	f.SetY(f.GetY() + 4)
}

// align maps a column alignment to fpdf's, vertically centred.
func align(a string) string {
	switch a {
	case "R":
		return "RM"
	case "C":
		return "CM"
	}
	return "LM"
}
