package pdf

import "slices"

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
	wraps []int     // columns whose long text wraps onto more lines instead of being cut
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

// maxCellLines caps the lines of a wrapping cell; the last line of a longer
// text ends in an ellipsis.
const maxCellLines = 3

// table lays out t from the current position, repeating the header on every
// page it spans. Cells in wrapping columns take up to maxCellLines lines;
// other cells are cut with an ellipsis to their column's width.
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
	lineH := size * 0.42 // millimetres per wrapped line
	kindOf := func(r int) rowKind {
		if r < len(t.kinds) {
			return t.kinds[r]
		}
		return rowPlain
	}
	styleOf := func(r int) string {
		if kindOf(r) == rowTotal {
			return "B"
		}
		return ""
	}

	// Lay out every cell first: the row heights decide the page breaks.
	lines := make([][][]string, len(t.rows))
	heights := make([]float64, len(t.rows))
	body := 0.0
	for r, cells := range t.rows {
		f.SetFont(sans, styleOf(r), size)
		lines[r] = make([][]string, len(t.cols))
		n := 1
		for i := range t.cols {
			s := ""
			if i < len(cells) {
				s = clean(cells[i], d.cov)
			}
			w := widths[i] - 2*cellPad
			if slices.Contains(t.wraps, i) {
				lines[r][i] = wrap(f, s, w, maxCellLines)
			} else {
				lines[r][i] = []string{fit(f, s, w)}
			}
			n = max(n, len(lines[r][i]))
		}
		heights[r] = rowH
		if n > 1 {
			heights[r] = rowH + float64(n-1)*lineH
		}
		body += heights[r]
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
	head := rowH + 0.6
	if t.title != "" {
		head += subheadingH
	}
	if len(t.rows) <= shortRows && head+body <= d.bottom-topMargin {
		d.need(head + body + 1)
	} else {
		first := 0.0
		for r := 0; r < len(heights) && r < minSplitRows; r++ {
			first += heights[r]
		}
		d.need(head + first + 1)
	}
	if t.title != "" {
		d.subheading(t.title, 0)
	}
	header()
	for r := range t.rows {
		kind := kindOf(r)
		// A run of total rows stays on one page.
		need := heights[r]
		if kind == rowTotal && (r == 0 || kindOf(r-1) != rowTotal) {
			for k := r + 1; k < len(t.rows) && kindOf(k) == rowTotal; k++ {
				need += heights[k]
			}
		}
		if f.GetY()+need > d.bottom {
			d.newPage()
			header()
		}
		x, y, h := margin, f.GetY(), heights[r]
		switch {
		case kind == rowTotal:
			d.fillColor(colTotalBg)
			f.Rect(margin, y, tw, h, "F")
		case kind == rowMark:
			d.fillColor(colMarkBg)
			f.Rect(margin, y, tw, h, "F")
		case r%2 == 1:
			d.fillColor(colZebra)
			f.Rect(margin, y, tw, h, "F")
		}
		f.SetFont(sans, styleOf(r), size)
		d.textColor(colText)
		for i := range t.cols {
			cell := lines[r][i]
			if len(cell) == 1 {
				f.SetXY(x, y)
				f.CellFormat(widths[i], h, cell[0], "", 0, align(t.cols[i].align), false, 0, "")
			} else {
				top := y + (h-float64(len(cell))*lineH)/2
				for k, line := range cell {
					f.SetXY(x, top+float64(k)*lineH)
					f.CellFormat(widths[i], lineH, line, "", 0, align(t.cols[i].align), false, 0, "")
				}
			}
			x += widths[i]
		}
		f.SetY(y + h)
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
