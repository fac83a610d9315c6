package pdf

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/report"
)

// Caps on lists that grow with the data. The rows left out are counted in
// a note under the table.
const (
	maxChartRows   = 15
	maxRegionRows  = 40
	maxVersionRows = 40
	maxInputRows   = 60
	maxCoverInputs = 6
	maxNotes       = 30
)

// cover draws the title page.
func (d *doc) cover() {
	f := d.f
	v := d.v
	f.AddPage()
	f.SetFont(sans, "B", 11) // the outline stores UTF-16 titles only under a UTF-8 font
	f.Bookmark("Cover", 0, 0)
	d.fillColor(colCover)
	f.Rect(0, 0, d.pageW, 62, "F")
	f.SetFont(sans, "B", 11)
	d.textColor(colCoverFg)
	f.SetXY(margin, 20)
	f.CellFormat(d.width, 6, "ORCHEX EXPOSURE REPORT", "", 1, "L", false, 0, "")
	f.SetFont(sans, "", 10)
	f.SetX(margin)
	f.CellFormat(d.width, 6, "Exposed container-orchestration and API-management admin panels", "", 1, "L", false, 0, "")

	f.SetFont(sans, "B", 24)
	d.textColor(colHeading)
	f.SetY(76)
	for _, line := range wrap(f, d.title, d.width, 4) {
		f.SetX(margin)
		f.CellFormat(d.width, 11, line, "", 1, "L", false, 0, "")
	}
	d.drawColor(colAccent)
	f.SetLineWidth(0.8)
	f.Line(margin, f.GetY()+3, margin+30, f.GetY()+3)
	f.SetY(f.GetY() + 10)

	kv := [][2]string{
		{"Snapshot", orDash(v.Snapshot)},
		{"Date", d.date()},
		{"Engines", orDash(strings.Join(v.Method.Engines, ", "))},
		{"Catalog", orDash(v.Method.CatalogVersion)},
	}
	for _, p := range kv {
		d.coverLine(p[0], p[1])
	}
	var sources []string
	for i, in := range v.Method.Inputs {
		if i == maxCoverInputs {
			sources = append(sources, fmt.Sprintf("and %d more (see the method appendix)", len(v.Method.Inputs)-i))
			break
		}
		sources = append(sources, inputLabel(in))
	}
	if len(sources) == 0 {
		sources = []string{report.Dash}
	}
	for i, s := range sources {
		label := ""
		if i == 0 {
			label = "Data sources"
		}
		d.coverLine(label, s)
	}

	// An incomplete snapshot says so on its cover, before any figure;
	// the executive summary says why.
	if len(v.Warnings) > 0 {
		d.warning("Incomplete snapshot: a run that filled it did not finish, so its figures are lower bounds. The executive summary says why.")
	}

	// Headline tiles at the foot of the cover.
	h := v.Headline
	tiles := []tile{
		{num(h.Services), "exposed panels"},
		{num(h.Open), "without authentication (" + pct(h.OpenShare) + ")"},
		{pct(h.KubernetesShare), "Kubernetes"},
	}
	if v.Shown.AWS {
		tiles = append(tiles, tile{pct(h.AWSShare), "hosted on AWS"})
	} else if h.LikelyOpen > 0 {
		tiles = append(tiles, tile{num(h.LikelyOpen), "likely open (inferred, not counted as open)"})
	}
	d.tiles(tiles, d.pageH-78)

	f.SetFont(sans, "", 8)
	d.textColor(colMuted)
	f.SetY(d.pageH - 42)
	for _, line := range wrap(f, "Figures count services: one address, port and transport seen by Shodan or Censys, "+
		"merged across engines. A panel counts as open only when its banner proves that unauthenticated access worked. "+
		"The method appendix lists every input, its date and what was dropped.", d.width, 0) {
		f.SetX(margin)
		f.CellFormat(d.width, 4, line, "", 1, "L", false, 0, "")
	}
	d.textColor(colText)
}

// coverLine writes one "label  value" line on the cover.
func (d *doc) coverLine(label, value string) {
	f := d.f
	const labelW = 32
	y := f.GetY()
	f.SetFont(sans, "B", 10)
	d.textColor(colMuted)
	f.SetXY(margin, y)
	f.CellFormat(labelW, 6.5, label, "", 0, "L", false, 0, "")
	f.SetFont(sans, "", 10)
	d.textColor(colText)
	f.SetXY(margin+labelW, y)
	f.CellFormat(d.width-labelW, 6.5, fit(f, clean(value, d.cov), d.width-labelW-2), "", 1, "L", false, 0, "")
}

// inputLabel describes an input in one line: name, engine, format and date.
func inputLabel(in report.Input) string {
	parts := []string{in.Name}
	var meta []string
	if in.Engine != "" {
		meta = append(meta, in.Engine)
	}
	if in.Format != "" {
		meta = append(meta, in.Format)
	}
	if !in.At.IsZero() {
		meta = append(meta, day(in.At))
	}
	if len(meta) > 0 {
		parts = append(parts, "("+strings.Join(meta, ", ")+")")
	}
	return strings.Join(parts, " ")
}

// day writes a date, or report.Dash when it is unknown.
func day(t time.Time) string {
	if t.IsZero() {
		return report.Dash
	}
	return report.Date(t)
}

func orDash(s string) string { return report.OrDash(strings.TrimSpace(s)) }

// tile is a headline figure with a caption.
type tile struct{ value, caption string }

// tiles draws a row of headline figures at y.
func (d *doc) tiles(ts []tile, y float64) {
	f := d.f
	const gap, h = 4.0, 24.0
	w := (d.width - gap*float64(len(ts)-1)) / float64(len(ts))
	for i, t := range ts {
		x := margin + float64(i)*(w+gap)
		d.fillColor(colZebra)
		f.Rect(x, y, w, h, "F")
		d.fillColor(colAccent)
		f.Rect(x, y, 1.2, h, "F")
		f.SetFont(sans, "B", 17)
		d.textColor(colHeading)
		f.SetXY(x+3, y+3)
		f.CellFormat(w-4, 9, fit(f, t.value, w-6), "", 0, "L", false, 0, "")
		f.SetFont(sans, "", 7.5)
		d.textColor(colMuted)
		lines := wrap(f, t.caption, w-8, 2)
		for k, line := range lines {
			f.SetXY(x+3, y+13+float64(k)*3.8)
			f.CellFormat(w-4, 3.8, line, "", 0, "L", false, 0, "")
		}
	}
	d.textColor(colText)
	f.SetY(y + h + 5)
}

// summary writes the executive summary: the study-style sentences, the
// headline tiles and the auth-status donut.
func (d *doc) summary() {
	v := d.v
	h := v.Headline
	d.newPage()
	f := d.f
	f.SetFont(sans, "B", 16)
	f.Bookmark("Executive summary", 0, -1)
	d.textColor(colHeading)
	f.SetX(margin)
	f.CellFormat(d.width, 9, "Executive summary", "", 1, "L", false, 0, "")
	f.SetY(f.GetY() + 3)

	for _, w := range v.Warnings {
		d.warning(w)
	}
	for _, s := range v.Summary {
		d.para(s)
	}
	d.gap(2)
	tiles := []tile{
		{num(h.Services), "exposed panels on " + plural(h.Hosts, "host", "hosts")},
		{num(h.Open), "required no authentication (" + pct(h.OpenShare) + ")"},
		{num(h.KubernetesServices), "Kubernetes panels (" + pct(h.KubernetesShare) + ")"},
	}
	if h.LikelyOpen > 0 {
		tiles = append(tiles, tile{num(h.LikelyOpen), "likely open (" + pct(h.LikelyOpenShare) + "), inferred: not counted as open"})
	}
	if v.Shown.AWS {
		tiles = append(tiles, tile{num(h.AWSServices), "on AWS (" + pct(h.AWSShare) + "), " + pct(h.AWSUSShare) + " of them in US regions"})
	}
	d.tiles(tiles, f.GetY())

	// Auth-status donut with its legend and figures.
	d.need(62)
	f.SetFont(sans, "B", 10.5)
	d.textColor(colHeading)
	f.SetX(margin)
	f.CellFormat(d.width, 6, "Authentication status of all panels", "", 1, "L", false, 0, "")
	top := f.GetY() + 2
	parts := [4]int{h.Open, h.LikelyOpen, h.AuthRequired, h.Unknown}
	d.donut(margin+27, top+25, 24, 14, parts)
	total := h.Services
	x := margin + 64
	y := top + 8
	for _, it := range authLegend(h.LikelyOpen > 0) {
		k := legendIndex(it.color)
		d.fillColor(it.color)
		f.Rect(x, y+1.2, 4, 4, "F")
		f.SetFont(sans, "", 9.5)
		d.textColor(colText)
		f.SetXY(x+6, y)
		f.CellFormat(62, 6.5, it.label, "", 0, "L", false, 0, "")
		f.SetFont(sans, "B", 9.5)
		f.CellFormat(24, 6.5, num(parts[k]), "", 0, "R", false, 0, "")
		f.SetFont(sans, "", 9.5)
		f.CellFormat(20, 6.5, pct(ratio(parts[k], total)), "", 0, "R", false, 0, "")
		y += 9
	}
	f.SetY(top + 54)
	if sum := parts[0] + parts[1] + parts[2] + parts[3]; sum != total {
		d.note(fmt.Sprintf("Auth statuses add up to %s, not %s: the view is inconsistent; check the snapshot.", num(sum), num(total)))
	}
	if v.Method.LowConfidence > 0 || v.Method.AuthConflicts > 0 {
		d.note(fmt.Sprintf("%s rest on low-confidence signals; %s had engines or observations that disagreed on open versus "+
			"authentication required (the merge rule in the method appendix decides).",
			plural(v.Method.LowConfidence, "verdict", "verdicts"), plural(v.Method.AuthConflicts, "service", "services")))
	}
	if v.Compare != nil && v.Compare.Earlier != nil {
		d.compare(v.Compare)
	}
}

// compare adds the headline figures of an earlier snapshot and their
// change, as the view's comparison computes it.
func (d *doc) compare(c *report.Comparison) {
	p := c.Earlier
	a, b := p.Headline, d.v.Headline
	ch := c.Headline(b)
	t := &table{cols: []column{{"Figure", 3, "L"}, {clean(p.Snapshot, d.cov), 1.4, "R"}, {clean(d.v.Snapshot, d.cov), 1.4, "R"}, {"Change", 1.8, "R"}},
		title: "Change since snapshot " + capRunes(clean(p.Snapshot, d.cov), 60)}
	for _, r := range []struct {
		name string
		c    report.Change
		show bool
	}{
		{"Exposed panels", ch.Services, true},
		{"Hosts", ch.Hosts, true},
		{"Open (no authentication)", ch.Open, true},
		{"Likely open (inferred from defaults)", ch.LikelyOpen, a.LikelyOpen > 0 || b.LikelyOpen > 0},
		{"Authentication required", ch.AuthRequired, true},
		{"Unknown", ch.Unknown, true},
		{"Kubernetes panels", ch.KubernetesServices, true},
		{"Kubernetes open", ch.KubernetesOpen, true},
		{"On AWS", ch.AWSServices, d.v.Shown.AWS},
		{"In AWS US regions", ch.AWSUSServices, d.v.Shown.AWS},
	} {
		if r.show {
			t.add(rowPlain, r.name, r.c.BeforeText(), num(r.c.After), r.c.String())
		}
	}
	for _, r := range []struct {
		name string
		a, b float64
		c    report.ShareChange
		show bool
	}{
		{"Open share", a.OpenShare, b.OpenShare, ch.OpenShare, true},
		{"Kubernetes share", a.KubernetesShare, b.KubernetesShare, ch.KubernetesShare, true},
		{"AWS share", a.AWSShare, b.AWSShare, ch.AWSShare, d.v.Shown.AWS},
		{"AWS US share (of AWS)", a.AWSUSShare, b.AWSUSShare, ch.AWSUSShare, d.v.Shown.AWS},
	} {
		if r.show {
			t.add(rowPlain, r.name, pct(r.a), pct(r.b), r.c.String())
		}
	}
	d.table(t)
}

// products is section 1: services per product and the product × auth table.
func (d *doc) products() {
	v := d.v
	d.heading("Products", 50)
	d.para(fmt.Sprintf("Services per product, as the catalog (version %s) classified them. "+
		"The table splits each product by authentication status.", orDash(v.Method.CatalogVersion)))
	var bars []bar
	for i, p := range v.ByProduct {
		if i == maxChartRows {
			break
		}
		bars = append(bars, bar{p.Name, p.Services,
			fmt.Sprintf("%s (%s)", num(p.Services), pct(ratio(p.Services, v.Headline.Services))), colBar})
	}
	d.barChart(bars)
	d.capNote(len(v.ByProduct), maxChartRows, "products", "the table lists all")

	likely := v.Headline.LikelyOpen > 0
	cols := []column{{"Product", 2.2, "L"}, {"Family", 1.25, "L"}, {"Category", 1.8, "L"}, {"Services", 1.1, "R"}, {"Hosts", 1.0, "R"},
		{"Open", 0.8, "R"}}
	if likely {
		cols = append(cols, column{"Likely open", 1.2, "R"})
	}
	cols = append(cols, column{"Auth required", 1.6, "R"}, column{"Unknown", 1.15, "R"}, column{"Open %", 1.05, "R"})
	t := &table{cols: cols, size: 7.8}
	t.wraps = []int{0}
	row := func(kind rowKind, name, family, category string, services, hosts, open, lik, req, unk int) {
		cells := []string{name, family, category, num(services), num(hosts), num(open)}
		if likely {
			cells = append(cells, num(lik))
		}
		t.add(kind, append(cells, num(req), num(unk), pct(ratio(open, services)))...)
	}
	var sum report.ProductRow
	for _, p := range v.ByProduct {
		row(rowPlain, p.Name, orDash(p.Family), orDash(p.Category), p.Services, p.Hosts, p.Open, p.LikelyOpen, p.AuthRequired, p.Unknown)
		sum.Services += p.Services
		sum.Open += p.Open
		sum.LikelyOpen += p.LikelyOpen
		sum.AuthRequired += p.AuthRequired
		sum.Unknown += p.Unknown
	}
	if len(v.ByProduct) > 1 {
		row(rowTotal, "All products", "", "", sum.Services, v.Headline.Hosts, sum.Open, sum.LikelyOpen, sum.AuthRequired, sum.Unknown)
	}
	t.title = "Products by authentication status"
	d.table(t)
	if len(v.ByProduct) > 1 {
		d.note("The hosts total counts distinct addresses; a host that serves two products counts once.")
	}
	if likely {
		d.note("Likely open is inferred from the product's default configuration (no authentication unless configured), not proven; it is never counted as open.")
	}
}

// auth is section 2: products stacked by auth status.
func (d *doc) auth() {
	v := d.v
	d.heading("Authentication status", 40)
	d.para("Each bar is one product's panels, coloured by what the banner proved: open means unauthenticated " +
		"access worked, authentication required means credentials were demanded, unknown means neither was shown" +
		likelyClause(v.Headline.LikelyOpen) + ".")
	var rows []stack
	for i, p := range v.ByProduct {
		if i == maxChartRows {
			break
		}
		rows = append(rows, stack{p.Name, [4]int{p.Open, p.LikelyOpen, p.AuthRequired, p.Unknown}})
	}
	d.stackedChart(rows)
	d.capNote(len(v.ByProduct), maxChartRows, "products", "section 1 lists all")
}

// providers is section 3.
func (d *doc) providers() {
	v := d.v
	d.heading("Hosting providers", 40)
	if !v.Shown.Breakdowns {
		d.para(v.Shown.BreakdownsLine)
		return
	}
	d.para("Cloud provider of each service's address, from the providers' published IP ranges where available " +
		"(the method appendix lists the tag sources). \"none\" is an address in no known cloud.")
	var bars []bar
	for i, p := range v.ByProvider {
		if i == maxChartRows {
			break
		}
		bars = append(bars, bar{p.Name, p.Services, fmt.Sprintf("%s (%s)", num(p.Services), pct(p.Share)), colBar})
	}
	d.barChart(bars)
	d.capNote(len(v.ByProvider), maxChartRows, "providers", "the table lists all")
	likely := v.Headline.LikelyOpen > 0
	pcols := []column{{"Provider", 3, "L"}, {"Services", 1.3, "R"}, {"Share", 1.1, "R"}, {"Open", 1.1, "R"}}
	if likely {
		pcols = append(pcols, column{"Likely open", 1.3, "R"})
	}
	t := &table{cols: append(pcols, column{"Auth required", 1.5, "R"}, column{"Unknown", 1.2, "R"})}
	for _, p := range v.ByProvider {
		cells := []string{p.Name, num(p.Services), pct(p.Share), num(p.Open)}
		if likely {
			cells = append(cells, num(p.LikelyOpen))
		}
		t.add(rowPlain, append(cells, num(p.AuthRequired), num(p.Unknown))...)
	}
	d.table(t)

	// Other providers' regions; AWS has its own section.
	var other []report.RegionRow
	for _, r := range v.ByRegion {
		if r.Provider != "aws" {
			other = append(other, r)
		}
	}
	if len(other) == 0 {
		return
	}
	rt := &table{cols: []column{{"Provider", 2, "L"}, {"Region", 3, "L"}, {"Services", 1.3, "R"}, {"Share of provider", 1.6, "R"}}, frac: 0.85,
		title: "Regions of other providers"}
	for i, r := range other {
		if i == maxRegionRows {
			break
		}
		rt.add(rowPlain, r.ProviderName, orDash(r.Region), num(r.Services), pct(r.Share))
	}
	d.table(rt)
	d.capNote(len(other), maxRegionRows, "regions", "the JSON report lists all")
}

// awsRegions is section 4: AWS regions with US highlighted and subtotals.
func (d *doc) awsRegions() {
	v := d.v
	h := v.Headline
	d.heading("AWS regions", 40)
	if !v.Shown.AWS {
		d.para(v.Shown.AWSLine)
		return
	}
	d.para(fmt.Sprintf("%s of the %s panels on AWS (%s) were in US regions, %s outside the US; "+
		"the region of %s is unknown.", num(v.AWSUS), num(h.AWSServices), pct(h.AWSUSShare),
		num(v.AWSNonUS), plural(v.AWSNoRegion, "panel", "panels")))
	var bars []bar
	for i, r := range v.AWSRegions {
		if i == maxChartRows {
			break
		}
		c := colBar
		if r.US {
			c = colUS
		}
		bars = append(bars, bar{r.Region, r.Services, fmt.Sprintf("%s (%s)", num(r.Services), pct(r.Share)), c})
	}
	d.barChart(bars)
	d.legend([]legendItem{{"US region", colUS}, {"Region outside the US", colBar}})
	d.capNote(len(v.AWSRegions), maxChartRows, "regions", "the table lists more")

	t := &table{cols: []column{{"Region", 3, "L"}, {"US", 0.8, "C"}, {"Services", 1.3, "R"}, {"Share of AWS", 1.4, "R"}}, frac: 0.75}
	for i, r := range v.AWSRegions {
		if i == maxRegionRows {
			break
		}
		kind, us := rowPlain, "no"
		if r.US {
			kind, us = rowMark, "yes"
		}
		t.add(kind, r.Region, us, num(r.Services), pct(r.Share))
	}
	t.add(rowTotal, "US regions", "", num(v.AWSUS), pct(ratio(v.AWSUS, h.AWSServices)))
	t.add(rowTotal, "Regions outside the US", "", num(v.AWSNonUS), pct(ratio(v.AWSNonUS, h.AWSServices)))
	if v.AWSNoRegion > 0 {
		t.add(rowTotal, "Region unknown", "", num(v.AWSNoRegion), pct(ratio(v.AWSNoRegion, h.AWSServices)))
	}
	t.add(rowTotal, "All AWS", "", num(h.AWSServices), pct(ratio(h.AWSServices, h.AWSServices)))
	d.table(t)
	d.capNote(len(v.AWSRegions), maxRegionRows, "regions", "the subtotals include them")
}

// countries is section 5.
func (d *doc) countries() {
	v := d.v
	d.heading("Countries", 40)
	if !v.Shown.Breakdowns {
		d.para(v.Shown.BreakdownsLine)
		return
	}
	if len(v.ByCountry) == 0 {
		d.para("No service had a country.")
		return
	}
	d.para(fmt.Sprintf("The %s with the most panels, by the engines' geolocation of each address.",
		plural(len(v.ByCountry), "country", "countries")))
	var bars []bar
	for i, c := range v.ByCountry {
		if i == maxChartRows {
			break
		}
		bars = append(bars, bar{orDash(c.Country), c.Services, fmt.Sprintf("%s (%s)", num(c.Services), pct(c.Share)), colBar})
	}
	d.barChart(bars)
	d.capNote(len(v.ByCountry), maxChartRows, "countries", "the table lists all")
	t := &table{cols: []column{{"Country", 3, "L"}, {"Services", 1.3, "R"}, {"Share", 1.1, "R"}, {"Open", 1.1, "R"}}, frac: 0.75}
	for _, c := range v.ByCountry {
		t.add(rowPlain, orDash(c.Country), num(c.Services), pct(c.Share), num(c.Open))
	}
	if v.CountryOther > 0 {
		t.add(rowTotal, "Other countries", num(v.CountryOther), pct(ratio(v.CountryOther, v.Headline.Services)), "")
	}
	d.table(t)
}

// overlap is section 6.
func (d *doc) overlap() {
	o := d.v.EngineOverlap
	d.heading("Engine overlap", 30)
	if !d.v.Shown.Overlap {
		d.para(d.v.Shown.OverlapLine)
		return
	}
	seen := o.ShodanOnly + o.CensysOnly + o.Both + o.Neither
	d.para("How many services each engine saw. A service seen by both engines counts once in every other figure.")
	rows := []struct {
		name string
		n    int
	}{{"Shodan only", o.ShodanOnly}, {"Censys only", o.CensysOnly}, {"Both engines", o.Both}}
	if o.Neither > 0 {
		rows = append(rows, struct {
			name string
			n    int
		}{"No engine recorded", o.Neither})
	}
	var bars []bar
	t := &table{cols: []column{{"Seen by", 3, "L"}, {"Services", 1.3, "R"}, {"Share", 1.1, "R"}}, frac: 0.6}
	for _, r := range rows {
		bars = append(bars, bar{r.name, r.n, fmt.Sprintf("%s (%s)", num(r.n), pct(ratio(r.n, seen))), colBar})
		t.add(rowPlain, r.name, num(r.n), pct(ratio(r.n, seen)))
	}
	t.add(rowTotal, "All services", num(seen), pct(ratio(seen, seen)))
	d.barChart(bars)
	d.table(t)
	if o.Neither > 0 {
		d.note(fmt.Sprintf("%s carry no engine (imported without provenance).", plural(o.Neither, "service", "services")))
	}
}

// versions is section 7.
func (d *doc) versions() {
	v := d.v
	d.heading("Versions", 30)
	if len(v.Versions) == 0 {
		d.para(v.Shown.VersionsLine)
		return
	}
	d.para("Product versions the banners reported, most common first.")
	t := &table{cols: []column{{"Product", 2.4, "L"}, {"Version", 3, "L"}, {"Services", 1.3, "R"}, {"Open", 1.1, "R"}}, frac: 0.85}
	for i, r := range v.Versions {
		if i == maxVersionRows {
			break
		}
		t.add(rowPlain, r.Product, orDash(r.Version), num(r.Services), num(r.Open))
	}
	d.table(t)
	d.capNote(len(v.Versions), maxVersionRows, "versions", "the JSON and CSV reports list all")
}

// support is section 8: the support status of the versions, with the
// end-of-life share per product (bars to a full 100 %).
func (d *doc) support() {
	v := d.v
	d.heading("Support status", 40)
	s := v.Support
	if !v.Shown.Support || s == nil {
		d.para(v.Shown.SupportLine)
		return
	}
	d.para("How many of the services whose banner named a version run a release that no longer gets security fixes, " +
		"by the endoflife.date release calendars. " + s.AsOfText())
	var bars []bar
	for _, r := range s.Judged() {
		if r.WithVersion == 0 {
			continue
		}
		if len(bars) == maxChartRows {
			break
		}
		bars = append(bars, bar{r.Name, int(math.Round(1000 * r.Share)),
			fmt.Sprintf("%s (%s of %s)", r.ShareText(), num(r.EndOfLife), num(r.WithVersion)), colOpen})
	}
	d.barChartTo(bars, 1000)
	d.note("Each bar is the end-of-life share of the product's services that named a version; the full width is 100%.")

	compared := v.Compare != nil && v.Compare.Earlier != nil
	cols := []column{{"Product", 2.3, "L"}, {"Calendar", 2.5, "L"}, {"Versions", 1.15, "R"}, {"EOL", 0.8, "R"}, {"Share", 1, "R"}}
	if compared {
		cols = append(cols, column{"In " + capRunes(clean(v.Compare.Snapshot(), d.cov), 12), 1.2, "R"}, column{"Change", 1.2, "R"})
	}
	cols = append(cols, column{"Open EOL", 1.15, "R"}, column{"Supported", 1.3, "R"}, column{"Unknown", 1.15, "R"})
	t := &table{cols: cols, size: 7.6, title: "Support status per product"}
	t.wraps = []int{0, 1}
	row := func(kind rowKind, name, calendar string, r report.SupportRow) {
		cells := []string{name, calendar, num(r.WithVersion), num(r.EndOfLife), r.ShareText()}
		if compared {
			ch := v.Compare.Support(r)
			cells = append(cells, ch.ShareBeforeText(), ch.ShareChangeText())
		}
		t.add(kind, append(cells, num(r.OpenEndOfLife), num(r.Supported), num(r.UnknownCycle))...)
	}
	for _, r := range s.Judged() {
		row(rowPlain, r.Name, orDash(r.Calendar), r)
	}
	row(rowTotal, "All products", "", s.Total)
	d.table(t)
	d.note("Versions: services that named a version; EOL: of those, the services whose release cycle is past its end of life " +
		"(share of Versions); Open EOL: end of life and open; Unknown: a version that matches no cycle of its calendar.")
	if n := s.NoCalendarText(); n != "" {
		d.note(n)
	}
	cycles := s.EndOfLifeCycles()
	if len(cycles) == 0 {
		return
	}
	ct := &table{cols: []column{{"Product", 2.4, "L"}, {"Calendar", 2.4, "L"}, {"Cycle", 0.9, "L"}, {"Support ended", 1.9, "L"},
		{"Services", 1, "R"}, {"Open", 0.9, "R"}}, title: "Release cycles past their end of life", size: 7.6}
	ct.wraps = []int{0}
	for i, c := range cycles {
		if i == maxVersionRows {
			break
		}
		end := c.EndText()
		if c.Phase == "eoes" {
			end += " (extended)"
		}
		ct.add(rowPlain, c.Name, c.Calendar, c.Cycle, end, num(c.Services), num(c.Open))
	}
	d.table(ct)
	d.capNote(len(cycles), maxVersionRows, "release cycles", "the JSON report lists all")
}

// capNote says how many rows a capped list left out.
func (d *doc) capNote(n, limit int, what, where string) {
	if n > limit {
		d.note(fmt.Sprintf("%d of %d %s shown; %s.", limit, n, what, where))
	}
}

// method is the appendix: how the numbers were made.
func (d *doc) method() {
	v := d.v
	m := v.Method
	d.newPage()
	f := d.f
	f.SetFont(sans, "B", 16)
	f.Bookmark("Appendix: Method", 0, -1)
	d.textColor(colHeading)
	f.SetX(margin)
	f.CellFormat(d.width, 9, "Appendix: Method", "", 1, "L", false, 0, "")
	f.SetY(f.GetY() + 3)
	d.para("Every figure in this report comes from one view of the snapshot; the Markdown, JSON and CSV reports " +
		"of the same snapshot show the same numbers.")

	kv := &table{cols: []column{{"Item", 2.2, "L"}, {"Value", 4, "L"}}, title: "Collection and processing"}
	kv.wraps = []int{1}
	kv.add(rowPlain, "Snapshot", orDash(v.Snapshot))
	kv.add(rowPlain, "Snapshot created", d.date())
	kv.add(rowPlain, "Catalog version", orDash(m.CatalogVersion))
	kv.add(rowPlain, "Catalog products used", fmt.Sprintf("%d (listed below the table)", len(m.Products)))
	kv.add(rowPlain, "Engines", orDash(strings.Join(m.Engines, ", ")))
	kv.add(rowPlain, "Observed between", day(m.FirstSeen)+" and "+day(m.LastSeen))
	kv.add(rowPlain, "Records read", num(m.RecordsRead))
	kv.add(rowPlain, "Bad records (rejected)", num(m.RecordsBad))
	kv.add(rowPlain, "Observations no product matched", num(m.RecordsSkipped))
	kv.add(rowPlain, "Observations", num(m.Observations))
	kv.add(rowPlain, "Duplicates merged", num(m.DuplicatesMerged))
	kv.add(rowPlain, "Services", num(v.Headline.Services))
	kv.add(rowPlain, "Auth conflicts between observations", num(m.AuthConflicts))
	kv.add(rowPlain, "Low-confidence auth verdicts", num(m.LowConfidence))
	truncs := m.Truncations
	if len(truncs) == 0 {
		for _, in := range m.Inputs {
			if in.Truncated != "" {
				truncs = append(truncs, in.Name+": "+in.Truncated)
			}
		}
	}
	kv.add(rowPlain, "Collections stopped early (truncated)", num(len(truncs)))
	kv.add(rowPlain, "Cloud tag sources that disagreed", num(m.CloudDisagreements))
	honey := "none"
	if hp := m.Honeypots; hp.Services > 0 {
		honey = num(hp.Services) + " on " + plural(hp.Hosts, "host", "hosts") + ", excluded from every figure"
		if hp.Included {
			honey = num(hp.Services) + " on " + plural(hp.Hosts, "host", "hosts") + ", included in every figure, as asked"
		}
	}
	kv.add(rowPlain, "Services on honeypot hosts", honey)
	complete := "yes"
	if !v.Completeness.Complete {
		complete = "no: " + plural(len(v.Completeness.Reasons), "run", "runs") + " stopped early (see the top of the report)"
	}
	kv.add(rowPlain, "Snapshot complete", complete)
	kv.add(rowPlain, "Observations dated after import or collection (time clamped)", num(m.Clamped))
	if v.Support != nil {
		kv.add(rowPlain, "Support status judged on", orDash(v.Support.AsOf)+" (the snapshot's newest observation)")
		kv.add(rowPlain, "Release data (endoflife.date)", v.Support.DataText())
	}
	if len(m.Exports) > 0 {
		kv.add(rowPlain, "Imported from orchex exports (classifications made by the exporting orchex)", strings.Join(m.Exports, ", "))
	}
	d.table(kv)
	if len(m.Products) > 0 {
		// A table cell would cut a long list; it is written in full here.
		d.note("Catalog products: " + strings.Join(m.Products, ", ") + ".")
	}

	if len(m.Inputs) == 0 {
		d.subheading("Inputs", 10)
		d.para("The view lists no inputs.")
	} else {
		t := &table{title: "Inputs", cols: []column{{"Input", 3.4, "L"}, {"Engine", 0.9, "L"}, {"Format", 2.0, "L"}, {"Date", 1.2, "L"},
			{"Read", 0.9, "R"}, {"Kept", 0.9, "R"}, {"Bad", 0.55, "R"}, {"Skipped", 0.95, "R"}}, size: 7.4}
		t.wraps = []int{0}
		for i, in := range m.Inputs {
			if i == maxInputRows {
				break
			}
			kind := rowPlain
			if in.Truncated != "" {
				kind = rowMark
			}
			t.add(kind, in.Name, in.Engine, in.Format, day(in.At), num(in.Read), num(in.Kept), num(in.Bad), num(in.Skipped))
		}
		d.table(t)
		d.capNote(len(m.Inputs), maxInputRows, "inputs", "the JSON report lists all")
		for i, in := range m.Inputs {
			if i == maxInputRows {
				break
			}
			if in.SHA256 != "" {
				d.note(fmt.Sprintf("%s SHA-256 %s", capRunes(clean(in.Name, d.cov), 80), capRunes(clean(in.SHA256, d.cov), 64)))
			}
		}
	}

	if len(truncs) > 0 {
		d.subheading("Truncations", 10)
		d.note("Collection stopped early for these queries or inputs; their figures are lower bounds.")
		for i, tr := range truncs {
			if i == maxNotes {
				d.note(fmt.Sprintf("%d more in the JSON report.", len(truncs)-i))
				break
			}
			d.para("\u2022 " + capRunes(clean(tr, d.cov), 300))
		}
	}

	if len(m.CloudFeeds) == 0 {
		d.subheading("Cloud range feeds", 10)
		d.para("No official range feed was loaded: cloud tags come from the engines' own fields and ASNs only.")
	} else {
		t := &table{title: "Cloud range feeds", cols: []column{{"Provider", 2, "L"}, {"Feed date or sync token", 3, "L"}, {"Prefixes", 1.3, "R"}}, frac: 0.75}
		for _, c := range m.CloudFeeds {
			prefixes := report.Dash
			if c.Prefixes > 0 {
				prefixes = num(c.Prefixes)
			}
			t.add(rowPlain, c.ProviderName, orDash(c.Label), prefixes)
		}
		d.table(t)
	}

	if len(m.CloudSources) == 0 {
		d.subheading("Cloud tag sources", 10)
		d.para("The view lists no cloud tag sources.")
	} else {
		t := &table{title: "Cloud tag sources", cols: []column{{"Source (ranges:provider@feed, engine, asn, none)", 4, "L"}, {"Services", 1.3, "R"}}, frac: 0.75}
		t.wraps = []int{0}
		for _, c := range m.CloudSources {
			t.add(rowPlain, c.Source, num(c.Services))
		}
		d.table(t)
	}

	d.subheading("Definitions", 20)
	d.para("A service is one address, port and transport within the snapshot; a host is one address. Observations of " +
		"the same service by several queries or engines are merged into one service. Open means the banner proved that " +
		"unauthenticated access worked; authentication required means it proved credentials were demanded; likely open " +
		"means the product answered as its default, unauthenticated configuration does, without proof (never counted as " +
		"open); everything else is unknown. Services on hosts flagged as honeypots are left out of every figure unless the " +
		"report says otherwise. Shares are of all services unless a table says otherwise; the AWS US share is of AWS services.")

	notes := m.Notes
	if v.Compare != nil {
		notes = append(append([]string{}, notes...), v.Compare.Notes...)
	}
	if len(notes) > 0 {
		d.subheading("Notes", 10)
		for i, n := range notes {
			if i == maxNotes {
				d.note(fmt.Sprintf("%d more notes in the JSON report.", len(notes)-i))
				break
			}
			if n = clean(n, d.cov); n != "" {
				d.para("\u2022 " + capRunes(n, 400))
			}
		}
	}
}

// likelyClause adds likely open to a sentence listing the auth statuses,
// when any service is likely open.
func likelyClause(n int) string {
	if n == 0 {
		return ""
	}
	return "; likely open (light) means the product answered as its default, unauthenticated configuration does, which proves nothing"
}

// legendIndex is the auth status (the index of stack parts and of the
// donut) a legend colour stands for.
func legendIndex(c rgb) int {
	for k := range 4 {
		if authColor(k) == c {
			return k
		}
	}
	return 3
}

// warning writes a paragraph the reader must not miss (an incomplete
// snapshot), on a highlighted band.
func (d *doc) warning(text string) {
	f := d.f
	f.SetFont(sans, "B", 9.5)
	lines := wrap(f, clean(text, d.cov), d.width-8, 12)
	h := float64(len(lines))*4.6 + 4
	d.need(h + 2)
	y := f.GetY()
	d.fillColor(colMarkBg)
	f.Rect(margin, y, d.width, h, "F")
	d.fillColor(colUS)
	f.Rect(margin, y, 1.2, h, "F")
	d.textColor(colHeading)
	for i, line := range lines {
		f.SetXY(margin+4, y+2+float64(i)*4.6)
		f.CellFormat(d.width-8, 4.6, line, "", 0, "L", false, 0, "")
	}
	d.textColor(colText)
	f.SetY(y + h + 3)
}
