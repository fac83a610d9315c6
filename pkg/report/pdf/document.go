package pdf

import (
	"errors"
	"fmt"
	"io"

	"github.com/orchex/orchex/pkg/report"
)

// maxDocColumns caps the columns of a document table on the page: a trend
// of many snapshots shows its first column and the latest ones.
const maxDocColumns = 9

// RenderDocument writes d (a diff or a trend, see report.Document) as a
// PDF with the engine, fonts and text cleaning of Render: the title, the
// introduction, then one numbered section per section of d with its
// paragraphs, lists, tables and charts, page numbers and an outline. The
// output depends only on d and opts: the dates are d.Generated.
func RenderDocument(w io.Writer, d *report.Document, opts Options) error {
	if d == nil {
		return errors.New("pdf: render: nil document")
	}
	title := opts.Title
	if title == "" {
		title = d.Title
	}
	p, err := newBase(title, "", d.Generated, opts)
	if err != nil {
		return err
	}
	p.dateLabel = "Latest snapshot taken"
	p.newPage()
	f := p.f
	f.SetFont(sans, "B", 16)
	f.Bookmark(capRunes(p.title, 120), 0, -1)
	p.textColor(colHeading)
	for _, line := range wrap(f, p.title, p.width, 3) {
		f.SetX(margin)
		f.CellFormat(p.width, 8, line, "", 1, "L", false, 0, "")
	}
	f.SetY(f.GetY() + 3)
	p.textColor(colText)
	p.blocks(d.Intro)
	for _, s := range d.Sections {
		if s.Level > 1 {
			p.subheading(capRunes(clean(s.Title, p.cov), 120), 12)
		} else {
			p.heading(capRunes(clean(s.Title, p.cov), 120), 30)
		}
		p.blocks(s.Blocks)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: render %q: %w", capRunes(p.title, 80), err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf: write %q: %w", capRunes(p.title, 80), err)
	}
	return nil
}

func (d *doc) blocks(bs []report.Block) {
	for _, b := range bs {
		switch {
		case b.Table != nil:
			d.docTable(b.Table)
		case b.Chart != nil:
			d.chart(b.Chart)
		case b.List != nil || b.Links != nil:
			items := b.Items()
			for i, it := range items {
				if i == maxNotes {
					d.note(fmt.Sprintf("%d more in the Markdown and JSON outputs.", len(items)-i))
					break
				}
				d.para("\u2022 " + capRunes(clean(it, d.cov), 400))
			}
		case b.Lead != "":
			d.paraStyled(b.Lead+" "+b.Text, "B", 9.5, colText)
		default:
			d.para(b.Text)
		}
	}
}

// docTable lays out a document table; one with more than maxDocColumns
// columns shows its first and its last ones, and says so.
func (d *doc) docTable(t *report.Table) {
	keep := make([]int, 0, len(t.Columns))
	for i := range t.Columns {
		if len(t.Columns) <= maxDocColumns || i == 0 || i >= len(t.Columns)-(maxDocColumns-1) {
			keep = append(keep, i)
		}
	}
	left := len(t.Columns) - len(keep)
	pt := &table{}
	for _, i := range keep {
		c := t.Columns[i]
		w, align := 2.0, "L"
		if i == 0 {
			w = 3
		}
		if c.Figure {
			w, align = 1.3, "R"
		}
		if c.Wrap {
			w = 3
		}
		if c.Width > 0 {
			w = c.Width
		}
		pt.cols = append(pt.cols, column{clean(c.Title, d.cov), w, align})
	}
	if len(keep) > 6 {
		pt.size = 7.2
	}
	pt.wraps = []int{0}
	for k, i := range keep {
		if k > 0 && t.Columns[i].Wrap {
			pt.wraps = append(pt.wraps, k)
		}
	}
	r := -1
	err := t.Each(func(row []string) error {
		r++
		cells := make([]string, len(keep))
		for k, i := range keep {
			if i < len(row) {
				cells[k] = row[i]
			}
		}
		kind := rowPlain
		if t.IsTotal(r) {
			kind = rowTotal
		}
		pt.add(kind, cells...)
		return nil
	})
	if err != nil {
		d.f.SetError(fmt.Errorf("reading the rows of a table: %w", err))
		return
	}
	d.table(pt)
	if left > 0 {
		d.note(fmt.Sprintf("The table shows its first column and the last %d of %d; the Markdown and JSON outputs show all.", len(keep)-1, len(t.Columns)-1))
	}
}

// series colours, distinguishable in grey too.
var seriesColors = []rgb{0x1F4E79, 0xC0392B, 0x27AE60, 0x7F8C8D, 0x8E44AD, 0xE67E22}

// chart draws a line chart or grouped bars of counts across labels.
func (d *doc) chart(c *report.Chart) {
	if len(c.Labels) == 0 || len(c.Series) == 0 {
		return
	}
	const plotH = 48.0
	f := d.f
	if c.Title != "" {
		d.subheading(capRunes(clean(c.Title, d.cov), 120), plotH+20)
	} else {
		d.need(plotH + 20)
	}
	x, y, w, h := margin+22, f.GetY()+2, d.width-26, plotH
	top, step := c.Axis()
	f.SetFont(sans, "", 7)
	d.drawColor(colRule)
	f.SetLineWidth(0.15)
	for v := 0.0; v <= top+step/2; v += step {
		yy := y + h - h*v/top
		f.Line(x, yy, x+w, yy)
		f.SetXY(x-21, yy-2)
		f.CellFormat(20, 4, num(int(v)), "", 0, "R", false, 0, "")
	}
	d.drawColor(colMuted)
	f.SetLineWidth(0.3)
	f.Line(x, y, x, y+h)
	f.Line(x, y+h, x+w, y+h)
	n := len(c.Labels)
	slot := w / float64(n)
	xAt := func(i int) float64 { return x + slot*(float64(i)+0.5) }
	for k, s := range c.Series {
		col := seriesColors[k%len(seriesColors)]
		d.drawColor(col)
		d.fillColor(col)
		switch c.Kind {
		case report.LineChart:
			f.SetLineWidth(0.6)
			for i := 0; i < n && i < len(s.Values); i++ {
				yy := y + h - h*float64(s.Values[i])/top
				if i > 0 {
					f.Line(xAt(i-1), y+h-h*float64(s.Values[i-1])/top, xAt(i), yy)
				}
				f.Circle(xAt(i), yy, 0.9, "F")
			}
		default:
			barW := slot * 0.8 / float64(len(c.Series))
			for i := 0; i < n && i < len(s.Values); i++ {
				bh := h * float64(s.Values[i]) / top
				if s.Values[i] > 0 {
					bh = max(bh, 0.3)
				}
				f.Rect(x+slot*float64(i)+slot*0.1+barW*float64(k), y+h-bh, barW*0.92, bh, "F")
			}
		}
	}
	f.SetFont(sans, "", 7)
	d.textColor(colText)
	for i, l := range c.Labels {
		label := fit(f, clean(l, d.cov), slot)
		lw := f.GetStringWidth(label)
		f.SetXY(xAt(i)-lw/2-0.5, y+h+1)
		f.CellFormat(lw+1, 4, label, "", 0, "C", false, 0, "")
	}
	f.SetXY(margin, y+h+7)
	items := make([]legendItem, len(c.Series))
	for k, s := range c.Series {
		items[k] = legendItem{capRunes(clean(s.Name, d.cov), 40), seriesColors[k%len(seriesColors)]}
	}
	d.legend(items)
	if c.Note != "" {
		d.note(c.Note)
	}
	d.gap(2)
}
