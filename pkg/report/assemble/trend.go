package assemble

import (
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/report"
)

// Limits of a trend's charts, so that they stay readable whatever the
// number of snapshots; its tables list every snapshot and product.
const (
	// ChartPoints is the number of snapshots (the latest) a chart shows.
	ChartPoints = 24
	// ChartProducts is the number of products (the largest in the last
	// snapshot) the product chart shows.
	ChartProducts = 6
)

// trendFigure is one row of the trend's headline table.
type trendFigure struct {
	name string
	text func(h report.Headline) string
}

func trendFigures() []trendFigure {
	n := func(name string, f func(report.Headline) int) trendFigure {
		return trendFigure{name, func(h report.Headline) string { return report.Num(f(h)) }}
	}
	p := func(name string, f func(report.Headline) float64) trendFigure {
		return trendFigure{name, func(h report.Headline) string { return report.Pct(f(h)) }}
	}
	return []trendFigure{
		n("Exposed services", func(h report.Headline) int { return h.Services }),
		n("Hosts (distinct addresses)", func(h report.Headline) int { return h.Hosts }),
		n("No authentication (open)", func(h report.Headline) int { return h.Open }),
		n("Likely open (inferred from defaults)", func(h report.Headline) int { return h.LikelyOpen }),
		n("Authentication required", func(h report.Headline) int { return h.AuthRequired }),
		n("Unknown", func(h report.Headline) int { return h.Unknown }),
		n("Kubernetes-family services", func(h report.Headline) int { return h.KubernetesServices }),
		n("Kubernetes-family services open", func(h report.Headline) int { return h.KubernetesOpen }),
		n("AWS-hosted services", func(h report.Headline) int { return h.AWSServices }),
		n("AWS US-region services", func(h report.Headline) int { return h.AWSUSServices }),
		p("Open share", func(h report.Headline) float64 { return h.OpenShare }),
		p("Share on AWS", func(h report.Headline) float64 { return h.AWSShare }),
		p("Share of the AWS-hosted in AWS US regions", func(h report.Headline) float64 { return h.AWSUSShare }),
		p("Kubernetes share", func(h report.Headline) float64 { return h.KubernetesShare }),
	}
}

// OrderText says in words how a trend's snapshots were ordered.
func OrderText(order string) string {
	if order == compare.ByQuarter {
		return "Snapshots are in quarter order (their labels, YYYYQn), oldest first."
	}
	return "Snapshots are in order of creation, oldest first (not every label looks like a quarter, YYYYQn)."
}

// TrendDocument is what a reader sees of t (orchex trend): charts of the
// services by auth status and of the largest products, the headline
// figures and the services per product with one column per snapshot, and
// the method of each snapshot with the changes of method between
// consecutive ones.
func TrendDocument(t *compare.Trend) *report.Document {
	ps := t.Snapshots
	if len(ps) == 0 {
		return &report.Document{Title: "Trend", Intro: []report.Block{report.Para("There is no snapshot to show.")}}
	}
	last := ps[len(ps)-1]
	doc := &report.Document{
		Title:     "Trend of exposed panels, snapshots " + ps[0].Snapshot + " to " + last.Snapshot,
		Generated: last.Created,
		Intro:     []report.Block{report.Para(OrderText(t.Order))},
	}
	if t.Scope != "" {
		doc.Title += ", scope " + t.Scope
		doc.Intro = append(doc.Intro, report.Para("Only the services of scope "+t.Scope+" are counted in each snapshot (docs/scopes.md)."))
	}
	for _, p := range ps {
		if !p.Completeness.Complete {
			doc.Intro = append(doc.Intro, incompleteBlock(p.Snapshot, p.Completeness))
		}
	}
	if len(t.MethodChanges) > 0 {
		doc.Intro = append(doc.Intro, report.Block{Lead: "The method changed between snapshots",
			Text: "(see Method): a change in method is not a change in the internet."})
	}
	shown := ps
	if len(shown) > ChartPoints {
		shown = shown[len(shown)-ChartPoints:]
	}
	labels := make([]string, len(shown))
	for i, p := range shown {
		labels[i] = pointLabel(p)
	}
	capNote := ""
	if len(ps) > len(shown) {
		capNote = fmt.Sprintf("The chart shows the latest %d of %d snapshots.", len(shown), len(ps))
	}

	auth := &report.Chart{Kind: report.LineChart, Title: "Services by authentication status", Labels: labels, Note: capNote}
	for _, s := range []struct {
		name string
		v    func(report.Headline) int
	}{
		{"All services", func(h report.Headline) int { return h.Services }},
		{"Open", func(h report.Headline) int { return h.Open }},
		{"Authentication required", func(h report.Headline) int { return h.AuthRequired }},
		{"Unknown", func(h report.Headline) int { return h.Unknown }},
	} {
		vals := make([]int, len(shown))
		for i, p := range shown {
			vals[i] = s.v(p.Headline)
		}
		auth.Series = append(auth.Series, report.Series{Name: s.name, Values: vals})
	}
	head := snapshotTable("Figure", ps)
	for _, f := range trendFigures() {
		row := []string{f.name}
		for _, p := range ps {
			row = append(row, f.text(p.Headline))
		}
		head.Add(row...)
	}
	doc.Sections = append(doc.Sections, report.Section{Title: "Headline figures", Level: 1,
		Blocks: []report.Block{{Chart: auth}, {Table: head}}})

	prod := report.Section{Title: "Services per product", Level: 1}
	if len(t.Products) == 0 {
		prod.Blocks = append(prod.Blocks, report.Para("No snapshot holds a service."))
	} else {
		n := min(len(t.Products), ChartProducts)
		bars := &report.Chart{Kind: report.BarChart, Title: "Services per product", Labels: labels, Note: capNote}
		if len(t.Products) > n {
			bars.Note = strings.TrimSpace(bars.Note + fmt.Sprintf(" The chart shows the %d products with most services in the last snapshot, of %d; the table lists every product.", n, len(t.Products)))
		}
		for k := range n {
			vals := make([]int, len(shown))
			for i, p := range shown {
				vals[i] = p.Products[k].Services
			}
			bars.Series = append(bars.Series, report.Series{Name: last.Products[k].Name, Values: vals})
		}
		tab := snapshotTable("Product", ps)
		for i := range t.Products {
			row := []string{last.Products[i].Name}
			for _, p := range ps {
				c := p.Products[i]
				row = append(row, report.Num(c.Services)+" ("+report.Num(c.Open)+")")
			}
			tab.Add(row...)
		}
		prod.Blocks = append(prod.Blocks, report.Block{Chart: bars}, report.Para("Services (open in parentheses)."), report.Block{Table: tab})
	}
	doc.Sections = append(doc.Sections, prod)

	if sec, ok := trendSupport(t, shown, labels, capNote); ok {
		doc.Sections = append(doc.Sections, sec)
	}

	mt := &report.Table{Columns: []report.Column{{Title: "Snapshot"}, {Title: "Taken"}, {Title: "Complete"}, {Title: "Catalog version"}, {Title: "Engines"}, {Title: "Range feeds"}}}
	for _, p := range ps {
		mt.Add(p.Snapshot, report.Date(p.Created), completeText(p.Completeness), report.OrDash(p.Method.CatalogVersion),
			report.OrDash(strings.Join(p.Method.Engines, ", ")), report.OrDash(feeds(p.Method.Feeds)))
	}
	m := report.Section{Title: "Method", Level: 1, Blocks: []report.Block{{Table: mt}}}
	if len(t.MethodChanges) == 0 {
		m.Blocks = append(m.Blocks, report.Para("Every snapshot was made with the same catalog version, engines and range feeds."))
	} else {
		var list []string
		for _, s := range t.MethodChanges {
			for _, d := range s.Differences {
				list = append(list, s.From+" → "+s.To+": "+d.String())
			}
		}
		m.Blocks = append(m.Blocks,
			report.Para("The method changed; a change in method is not a change in the internet, so read the figures across these steps with care:"),
			report.Block{List: list})
	}
	doc.Sections = append(doc.Sections, m)
	return doc
}

// trendSupport is the trend's support section: the services with a
// version, end of life and both open and end of life, each snapshot
// judged on its own as-of day, and the end-of-life share per product;
// false when no snapshot was judged.
func trendSupport(t *compare.Trend, shown []compare.Point, labels []string, capNote string) (report.Section, bool) {
	ps := t.Snapshots
	judged := false
	for _, p := range ps {
		judged = judged || p.Support != nil
	}
	if !judged {
		return report.Section{}, false
	}
	sec := report.Section{Title: "Support status", Level: 1, Blocks: []report.Block{report.Para(
		"Of the services whose banner named a version, those running a release cycle past its end of life (endoflife.date calendars), " +
			"each snapshot judged on the day of its own newest observation, so that an earlier snapshot's figures do not change when newer release data is loaded.")}}
	chart := &report.Chart{Kind: report.LineChart, Title: "Services with a version, and end of life", Labels: labels, Note: capNote}
	for _, s := range []struct {
		name string
		v    func(*compare.PointSupport) int
	}{
		{"Services with a version", func(s *compare.PointSupport) int { return s.WithVersion }},
		{"End of life", func(s *compare.PointSupport) int { return s.EndOfLife }},
		{"Open and end of life", func(s *compare.PointSupport) int { return s.OpenEndOfLife }},
	} {
		vals := make([]int, len(shown))
		for i, p := range shown {
			if p.Support != nil {
				vals[i] = s.v(p.Support)
			}
		}
		chart.Series = append(chart.Series, report.Series{Name: s.name, Values: vals})
	}
	tab := snapshotTable("Figure", ps)
	cell := func(p compare.Point, f func(*compare.PointSupport) string) string {
		if p.Support == nil {
			return report.Dash
		}
		return f(p.Support)
	}
	for _, r := range []struct {
		name string
		f    func(*compare.PointSupport) string
	}{
		{"Judged on", func(s *compare.PointSupport) string { return report.OrDash(s.AsOf) }},
		{"Services with a version", func(s *compare.PointSupport) string { return report.Num(s.WithVersion) }},
		{"End of life", func(s *compare.PointSupport) string { return report.Num(s.EndOfLife) }},
		{"End-of-life share", func(s *compare.PointSupport) string {
			if s.WithVersion == 0 {
				return report.Dash
			}
			return report.Pct(s.Share)
		}},
		{"Open and end of life", func(s *compare.PointSupport) string { return report.Num(s.OpenEndOfLife) }},
	} {
		row := []string{r.name}
		for _, p := range ps {
			row = append(row, cell(p, r.f))
		}
		tab.Add(row...)
	}
	sec.Blocks = append(sec.Blocks, report.Block{Chart: chart}, report.Block{Table: tab})

	// The end-of-life share per product with a calendar and a version
	// named in some snapshot.
	last := ps[len(ps)-1]
	names := map[string]string{}
	for _, c := range last.Products {
		names[c.Product] = c.Name
	}
	byProduct := snapshotTable("Product", ps)
	for _, id := range supportProducts(ps) {
		row := []string{report.OrDash(names[id])}
		for _, p := range ps {
			row = append(row, productShare(p, id))
		}
		byProduct.Add(row...)
	}
	if len(byProduct.Rows) > 0 {
		sec.Blocks = append(sec.Blocks, report.Para("End-of-life share per product (end of life of the services with a version, in parentheses)."),
			report.Block{Table: byProduct})
	}
	return sec, true
}

// supportProducts are the products with a support calendar that named a
// version in some snapshot of ps, in the trend's product order.
func supportProducts(ps []compare.Point) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range ps {
		if p.Support == nil {
			continue
		}
		for _, c := range p.Support.Products {
			if c.WithVersion > 0 && !seen[c.Product] {
				seen[c.Product] = true
			}
		}
	}
	for _, c := range ps[len(ps)-1].Products {
		if seen[c.Product] {
			out = append(out, c.Product)
		}
	}
	return out
}

// productShare writes a product's end-of-life share in a snapshot:
// "50.0% (2 of 4)", or a dash.
func productShare(p compare.Point, product string) string {
	if p.Support == nil {
		return report.Dash
	}
	for _, c := range p.Support.Products {
		if c.Product == product {
			if !c.Judged {
				return report.Dash
			}
			return report.Pct(c.Share) + " (" + report.Num(c.EndOfLife) + " of " + report.Num(c.WithVersion) + ")"
		}
	}
	return report.Dash
}

// snapshotTable is a table with one figure column per snapshot.
func snapshotTable(first string, ps []compare.Point) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: first}}}
	for _, p := range ps {
		t.Columns = append(t.Columns, report.Column{Title: pointLabel(p), Figure: true})
	}
	return t
}

// pointLabel names a trend's snapshot in a column or on a chart's axis,
// flagged when it is incomplete.
func pointLabel(p compare.Point) string {
	if p.Completeness.Complete {
		return p.Snapshot
	}
	return p.Snapshot + " (incomplete)"
}
