package html

import (
	"fmt"
	"math"
	"strconv"

	"github.com/orchex/orchex/pkg/report"
)

// Chart geometry, in SVG user units (the viewBox). The page scales a chart
// to its column; on a narrow screen it keeps at least 36rem and scrolls
// inside its own box.
const (
	chartW = 720 // viewBox width of every chart

	// Horizontal bar charts (a View's breakdowns).
	labelW     = 224 // label column, right-aligned at its edge
	labelRunes = 27  // labels are cut to this many runes (the table has them whole)
	valueW     = 150 // room for the value printed after the longest bar
	rowH       = 26
	barH       = 16
	padY       = 6

	// Vertical charts (a Document's line and grouped bar charts).
	axisW      = 66 // value labels left of the plot
	plotTop    = 12
	plotH      = 220
	plotRight  = 14
	slotRunes  = 16 // snapshot labels are cut to this many runes
	charW      = 7  // a label character's width, roughly, for the rotate test
	maxBarRows = 15 // bars per chart, as in the PDF; the table lists all rows
)

// svg is a chart laid out for the template: coordinates are written
// already, texts are cleaned (the template escapes them), classes pick
// colours from the page's stylesheet.
type svg struct {
	ID      string // element id, unique in the page
	Title   string // the chart's accessible name (<title>)
	Desc    string // what it shows (<desc>)
	Caption string // the text under it
	Note    string // what it leaves out, if anything
	Width   int
	Height  int
	Lines   []line
	Rects   []rect
	Texts   []text
	Dots    []dot
	Legend  []legendItem
	// Polylines are the lines of a line chart.
	Polylines []polyline
}

type line struct{ X1, Y1, X2, Y2, Class string }

type rect struct{ X, Y, W, H, Class, Tip string }

type text struct {
	X, Y, Anchor, Class, Text string
	Rotate                    bool // turned 40° so that long labels fit
}

type dot struct{ X, Y, Class, Tip string }

type polyline struct{ Points, Class string }

type legendItem struct{ Class, Name string }

// coord writes a coordinate with at most one decimal.
func coord(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// segment is one coloured part of a bar.
type segment struct {
	Value int
	Class string
	What  string // what the segment counts, for its tooltip: "open"
}

// hbar is one row of a horizontal bar chart: a label, one or more
// segments laid end to end, and the text printed after the bar.
type hbar struct {
	Label string
	Scale int // the bar's length in units of the largest Scale
	Parts []segment
	// Counts, when set, are the numbers the segments' texts and
	// tooltips show, Parts' Values being lengths on another scale (a
	// share in thousandths).
	Counts []int
	Text   string
}

// shown is the number segment k of r shows.
func (r *hbar) shown(k int) int {
	if k < len(r.Counts) {
		return r.Counts[k]
	}
	return r.Parts[k].Value
}

// barChart lays out horizontal bars, one per row, scaled to the largest
// Scale: the label left of each bar, the text after it. A segment wide
// enough to hold its count shows it inside. At most maxBarRows rows are
// drawn; what says what the rows are ("products") in the note that counts
// the rest.
func barChart(id, title, what string, rows []hbar, legend []legendItem) *svg {
	if len(rows) == 0 {
		return nil
	}
	c := &svg{ID: id, Title: title, Width: chartW, Legend: legend,
		Desc:    "Horizontal bar chart, one bar per row of the table that follows it, with the figure after each bar.",
		Caption: "The table below gives every figure of the chart."}
	if len(rows) > maxBarRows {
		c.Note = fmt.Sprintf("The chart shows the first %d of %d %s; the table lists all.", maxBarRows, len(rows), what)
		rows = rows[:maxBarRows]
	}
	top := 0
	for _, r := range rows {
		top = max(top, r.Scale)
	}
	x0 := float64(labelW + 8)
	area := float64(chartW-valueW) - x0
	for i, r := range rows {
		y := float64(padY + i*rowH)
		mid := y + rowH/2
		name := clean(r.Label, labelRunes)
		c.Texts = append(c.Texts, text{X: coord(labelW), Y: coord(mid + 4.5), Anchor: "end", Text: name})
		x := x0
		for k, p := range r.Parts {
			if p.Value <= 0 || top <= 0 {
				continue
			}
			w := max(area*float64(p.Value)/float64(top), 1) // a non-zero value stays visible
			tip := clean(r.Label, cellMax) + ": " + report.Num(r.shown(k))
			if p.What != "" {
				tip += " " + p.What
			}
			c.Rects = append(c.Rects, rect{X: coord(x), Y: coord(mid - barH/2), W: coord(w), H: coord(barH), Class: p.Class, Tip: tip})
			if n := report.Num(r.shown(k)); len(r.Parts) > 1 && float64(len(n)*charW+6) <= w {
				c.Texts = append(c.Texts, text{X: coord(x + w/2), Y: coord(mid + 4.5), Anchor: "middle", Class: "in " + p.Class, Text: n})
			}
			x += w
		}
		c.Texts = append(c.Texts, text{X: coord(x + 6), Y: coord(mid + 4.5), Text: r.Text})
	}
	c.Height = 2*padY + len(rows)*rowH
	c.Lines = append(c.Lines, line{X1: coord(x0), Y1: coord(padY), X2: coord(x0), Y2: coord(float64(c.Height - padY)), Class: "axis"})
	return c
}

// seriesClass is the colour class of series k.
func seriesClass(k int) string { return "s" + strconv.Itoa(k%6) }

// docChart lays out a Document's chart: value axis from [report.Chart.Axis]
// with grid lines, one line (LineChart) or one bar per series in each
// label's slot (BarChart), labels under the plot (turned when they would
// overlap), a legend of the series.
func docChart(id string, ch *report.Chart) *svg {
	if len(ch.Labels) == 0 || len(ch.Series) == 0 {
		return nil
	}
	kind := "Line chart"
	if ch.Kind == report.BarChart {
		kind = "Bar chart"
	}
	c := &svg{ID: id, Title: clean(ch.Title, cellMax), Width: chartW,
		Desc: fmt.Sprintf("%s of %d %s across %d %s; the table in this section gives the figures.", kind,
			len(ch.Series), report.Plural(len(ch.Series), "series", "series"), len(ch.Labels), report.Plural(len(ch.Labels), "snapshot", "snapshots")),
		Caption: "The table in this section gives every figure of the chart."}
	if c.Title == report.Dash {
		c.Title = kind
	}
	if ch.Note != "" {
		c.Note = clean(ch.Note, paraMax)
	}
	top, step := ch.Axis()
	x0, x1 := float64(axisW), float64(chartW-plotRight)
	y0, h := float64(plotTop), float64(plotH)
	yAt := func(v float64) float64 { return y0 + h - h*v/top }
	for v := 0.0; v <= top+step/2; v += step {
		y := yAt(v)
		c.Lines = append(c.Lines, line{X1: coord(x0), Y1: coord(y), X2: coord(x1), Y2: coord(y), Class: "grid"})
		c.Texts = append(c.Texts, text{X: coord(x0 - 6), Y: coord(y + 4), Anchor: "end", Class: "axis", Text: report.Num(int(v))})
	}
	c.Lines = append(c.Lines, line{X1: coord(x0), Y1: coord(y0), X2: coord(x0), Y2: coord(y0 + h), Class: "axis"},
		line{X1: coord(x0), Y1: coord(y0 + h), X2: coord(x1), Y2: coord(y0 + h), Class: "axis"})

	n := len(ch.Labels)
	slot := (x1 - x0) / float64(n)
	xAt := func(i int) float64 { return x0 + slot*(float64(i)+0.5) }
	labels := make([]string, n)
	widest := 0
	for i, l := range ch.Labels {
		labels[i] = clean(l, slotRunes)
		widest = max(widest, len([]rune(labels[i])))
	}
	for k, s := range ch.Series {
		class := seriesClass(k)
		name := clean(s.Name, 60)
		c.Legend = append(c.Legend, legendItem{Class: class, Name: name})
		var pts []byte
		for i := 0; i < n && i < len(s.Values); i++ {
			v := s.Values[i]
			tip := name + ", " + labels[i] + ": " + report.Num(v)
			switch ch.Kind {
			case report.BarChart:
				bw := slot * 0.8 / float64(len(ch.Series))
				bh := h * float64(max(v, 0)) / top
				if v > 0 {
					bh = max(bh, 1)
				}
				c.Rects = append(c.Rects, rect{X: coord(x0 + slot*float64(i) + slot*0.1 + bw*float64(k)), Y: coord(y0 + h - bh),
					W: coord(bw * 0.92), H: coord(bh), Class: class, Tip: tip})
			default:
				if len(pts) > 0 {
					pts = append(pts, ' ')
				}
				pts = append(pts, coord(xAt(i))+","+coord(yAt(float64(v)))...)
				c.Dots = append(c.Dots, dot{X: coord(xAt(i)), Y: coord(yAt(float64(v))), Class: class, Tip: tip})
			}
		}
		if len(pts) > 0 {
			c.Polylines = append(c.Polylines, polyline{Points: string(pts), Class: class})
		}
	}
	rotate := slot < float64(widest*charW+8)
	below := 24.0
	if rotate {
		below = float64(widest*charW)*0.65 + 24 // sin 40° of the longest label
	}
	for i, l := range labels {
		t := text{X: coord(xAt(i)), Y: coord(y0 + h + 18), Anchor: "middle", Class: "axis", Text: l}
		if rotate {
			t.Anchor, t.Rotate = "end", true
		}
		c.Texts = append(c.Texts, t)
	}
	c.Height = int(math.Ceil(y0 + h + below))
	return c
}
