package assemble

import (
	"strconv"
	"strings"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/report"
)

// DiffDocument is what a reader sees of d (orchex diff): the totals, the
// service movement, the auth changes, the change per product, provider,
// AWS region and country, the method with its differences and, when d
// carries them, the per-service lists. Every change is written from its
// counts by report.Change, as report --compare writes it.
func DiffDocument(d *compare.Diff) *report.Document {
	a, b := d.A.Snapshot, d.B.Snapshot
	doc := &report.Document{
		Title:     "Changes from snapshot " + a + " to snapshot " + b,
		Generated: d.B.Created,
	}
	if d.Scope != "" {
		doc.Title += ", scope " + d.Scope
		doc.Intro = append(doc.Intro, report.Para("Only the services of scope "+d.Scope+" are compared: those its selectors match in each snapshot (docs/scopes.md)."))
	}
	doc.Intro = append(doc.Intro, report.Para("Snapshot "+a+" (taken "+report.Date(d.A.Created)+") compared with snapshot "+b+
		" (taken "+report.Date(d.B.Created)+"). A service is one (address, port, transport); \"new\" services are in "+b+
		" and not in "+a+", \"gone\" services the reverse. Percentages are of the "+a+" count."))
	for _, side := range []compare.Side{d.A, d.B} {
		if !side.Completeness.Complete {
			doc.Intro = append(doc.Intro, incompleteBlock(side.Snapshot, side.Completeness))
		}
	}
	if !d.Comparable {
		doc.Intro = append(doc.Intro, report.Block{Lead: "The two snapshots were not made the same way",
			Text: "(see Method): a change in method is not a change in the internet."})
	}

	totals := deltaTable("Figure", a, b)
	t := d.Totals
	for _, r := range []struct {
		name string
		d    compare.Delta
	}{
		{"Exposed services", t.Services}, {"Hosts (distinct addresses)", t.Hosts}, {"No authentication (open)", t.Open},
		{"Likely open (inferred from defaults)", t.LikelyOpen},
		{"Authentication required", t.AuthRequired}, {"Unknown", t.Unknown},
	} {
		if r.name == "Likely open (inferred from defaults)" && r.d.Before == 0 && r.d.After == 0 {
			continue // nothing inferred on either side
		}
		addDelta(totals, r.name, r.d)
	}
	s := d.Services
	moves := &report.Table{Columns: []report.Column{{Title: "Services"}, {Title: "Count", Figure: true}}}
	moves.Add("New in "+b, report.Num(s.New))
	moves.Add("Gone since "+a, report.Num(s.Gone))
	moves.Add("Persisting", report.Num(s.Persisting))
	moves.Add("Persisting, moved to another provider or region", report.Num(s.Moved))
	moves.Add("Persisting, product changed", report.Num(s.Reclassified))
	doc.Sections = append(doc.Sections, report.Section{Title: "Summary", Level: 1,
		Blocks: []report.Block{{Table: totals}, {Table: moves}}})

	x := d.Auth
	auth := &report.Table{Columns: []report.Column{{Title: "Change"}, {Title: "Services", Figure: true}}}
	auth.Add("Regressions (auth_required → open)", report.Num(x.Regressions))
	auth.Add("Remediations (open → auth_required)", report.Num(x.Remediations))
	auth.Add("open → unknown", report.Num(x.OpenToUnknown))
	auth.Add("auth_required → unknown", report.Num(x.AuthRequiredToUnknown))
	auth.Add("unknown → open", report.Num(x.UnknownToOpen))
	auth.Add("unknown → auth_required", report.Num(x.UnknownToAuthRequired))
	auth.Add("Unchanged", report.Num(x.Unchanged))
	doc.Sections = append(doc.Sections, report.Section{Title: "Authentication changes", Level: 1, Blocks: []report.Block{
		report.Para("Among the " + report.Num(s.Persisting) + " persisting services. A regression is auth_required in " + a +
			" and open in " + b + "; a remediation the reverse. Changes to or from unknown mean that a banner stopped or " +
			"started telling, and are counted apart; a likely-open verdict (inferred from defaults) counts as unknown here."),
		{Table: auth},
	}})

	none := "Neither snapshot holds a service."
	doc.Sections = append(doc.Sections,
		deltaSection("Products", "Product", a, b, d.ByProduct, none),
		deltaSection("Cloud providers", "Provider", a, b, d.ByProvider, none),
		deltaSection("AWS regions", "Region", a, b, d.ByAWSRegion, "No service of either snapshot was tagged as hosted on AWS."),
		deltaSection("Countries", "Country", a, b, d.ByCountry, none),
	)
	if sm := d.Support; sm != nil {
		doc.Sections = append(doc.Sections, diffSupport(sm, a, b))
	}

	method := methodTable(d.A, d.B)
	m := report.Section{Title: "Method", Level: 1, Blocks: []report.Block{{Table: method}}}
	if len(d.Differences) == 0 {
		m.Blocks = append(m.Blocks, report.Para("Both snapshots were made with the same catalog version, engines and range feeds."))
	} else {
		list := make([]string, len(d.Differences))
		for i, x := range d.Differences {
			list[i] = x.String()
		}
		m.Blocks = append(m.Blocks,
			report.Para("The methods differ; a change in method is not a change in the internet, so read the changes above with these in mind:"),
			report.Block{List: list})
	}
	if len(d.Notes) > 0 {
		m.Blocks = append(m.Blocks, report.Block{List: d.Notes})
	}
	m.Blocks = append(m.Blocks, report.Para("Provider \"none\" means the address is in no known cloud; \"unknown\" a region, product or country the data did not give."))
	doc.Sections = append(doc.Sections, m)
	if d.Addresses != nil {
		doc.Sections = append(doc.Sections, addressSections(d.Addresses, a, b)...)
	}
	return doc
}

// diffSupport is a diff's support section: each side's services past
// their end of life, judged on its own as-of day, and the persisting
// services that crossed the line.
func diffSupport(sm *compare.SupportMoves, a, b string) report.Section {
	t := deltaTable("Figure", a, b)
	t.Add("Judged on", sm.AsOfA, sm.AsOfB, "", "")
	addDelta(t, "Services with a version", sm.WithVersion)
	addDelta(t, "Release past its end of life", sm.EndOfLife)
	addDelta(t, "Open and past its end of life", sm.OpenEndOfLife)
	moves := &report.Table{Columns: []report.Column{{Title: "Persisting services"}, {Title: "Services", Figure: true}}}
	moves.Add("Became end of life (the cycle's end passed, or a downgrade)", report.Num(sm.BecameEndOfLife))
	moves.Add("Left end of life (upgraded to a supported release)", report.Num(sm.LeftEndOfLife))
	return report.Section{Title: "Support status", Level: 1, Blocks: []report.Block{
		report.Para("Services whose banner named a version and whose release cycle is past its end of life (endoflife.date calendars), each snapshot " +
			"judged on the day of its own newest observation: a service can become end of life without changing, when its cycle's end passes."),
		{Table: t}, {Table: moves},
	}}
}

func deltaTable(key, a, b string) *report.Table {
	return &report.Table{Columns: []report.Column{{Title: key}, {Title: a, Figure: true}, {Title: b, Figure: true},
		{Title: "Change", Figure: true}, {Title: "Change %", Figure: true}}}
}

func addDelta(t *report.Table, name string, d compare.Delta) {
	c := d.Counts()
	t.Add(name, report.Num(c.Before), report.Num(c.After), c.DeltaText(), c.PercentText())
}

func deltaSection(title, key, a, b string, rows []compare.Delta, empty string) report.Section {
	s := report.Section{Title: title, Level: 1}
	if len(rows) == 0 {
		s.Blocks = append(s.Blocks, report.Para(empty))
		return s
	}
	t := deltaTable(key, a, b)
	for _, r := range rows {
		addDelta(t, r.Key, r)
	}
	s.Blocks = append(s.Blocks, report.Block{Table: t})
	return s
}

// methodTable sets the methods of two snapshots side by side.
func methodTable(a, b compare.Side) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: ""}, {Title: a.Snapshot}, {Title: b.Snapshot}}}
	t.Add("Catalog version", report.OrDash(a.Method.CatalogVersion), report.OrDash(b.Method.CatalogVersion))
	t.Add("Engines", report.OrDash(strings.Join(a.Method.Engines, ", ")), report.OrDash(strings.Join(b.Method.Engines, ", ")))
	t.Add("Range feeds", report.OrDash(feeds(a.Method.Feeds)), report.OrDash(feeds(b.Method.Feeds)))
	t.Add("Complete", completeText(a.Completeness), completeText(b.Completeness))
	t.Add("Services on honeypot hosts", report.Num(a.Honeypots), report.Num(b.Honeypots))
	return t
}

// completeText says in a table cell whether a snapshot is complete.
func completeText(c report.Completeness) string {
	if c.Complete {
		return "yes"
	}
	return "no (" + report.Num(len(c.Reasons)) + " " + report.Plural(len(c.Reasons), "run", "runs") + " stopped early)"
}

// incompleteBlock is the warning a diff or a trend opens with for an
// incomplete snapshot, with its reasons.
func incompleteBlock(snapshot string, c report.Completeness) report.Block {
	return report.Block{Lead: "Snapshot " + snapshot + " is incomplete:",
		Text: "runs that filled it did not finish (" + strings.Join(c.Reasons, "; ") +
			"), so its figures are lower bounds and a change to or from it may be the gap, not the internet."}
}

func feeds(fs []compare.Feed) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Label()
	}
	return strings.Join(parts, ", ")
}

// addressSections are the per-service lists of a diff with
// --include-addresses.
func addressSections(l *compare.Addresses, a, b string) []report.Section {
	out := []report.Section{{Title: "Services", Level: 1, Blocks: []report.Block{
		report.Para("Per-service lists, asked for with the diff, sorted by address, port and transport. Do not publish them."),
	}}}
	list := func(title string, rows []compare.ServiceChange, after bool) {
		s := report.Section{Title: title, Level: 2}
		if len(rows) == 0 {
			s.Blocks = append(s.Blocks, report.Para("None."))
			out = append(out, s)
			return
		}
		t := &report.Table{Columns: []report.Column{{Title: "Address"}, {Title: "Port", Figure: true}, {Title: "Transport"},
			{Title: "Product"}, {Title: "Auth"}, {Title: "Provider"}, {Title: "Region"}, {Title: "Country"}}}
		for _, r := range rows {
			auth, prov, reg := r.AuthBefore, r.ProviderBefore, r.RegionBefore
			if after {
				auth, prov, reg = r.AuthAfter, r.ProviderAfter, r.RegionAfter
			}
			t.Add(r.Address, strconv.Itoa(r.Port), r.Transport, report.OrDash(r.Product), auth, prov, report.OrDash(reg), report.OrDash(r.Country))
		}
		s.Blocks = append(s.Blocks, report.Block{Table: t})
		out = append(out, s)
	}
	list("New in "+b, l.New, true)
	list("Gone since "+a, l.Gone, false)

	changed := report.Section{Title: "Authentication changed", Level: 2}
	if len(l.AuthChanged) == 0 {
		changed.Blocks = append(changed.Blocks, report.Para("None."))
	} else {
		t := &report.Table{Columns: []report.Column{{Title: "Address"}, {Title: "Port", Figure: true}, {Title: "Transport"},
			{Title: "Product"}, {Title: "Auth in " + a}, {Title: "Auth in " + b}, {Title: "Change"}}}
		for _, r := range l.AuthChanged {
			t.Add(r.Address, strconv.Itoa(r.Port), r.Transport, report.OrDash(r.Product), r.AuthBefore, r.AuthAfter, r.Change)
		}
		changed.Blocks = append(changed.Blocks, report.Block{Table: t})
	}
	moved := report.Section{Title: "Moved", Level: 2}
	if len(l.Moved) == 0 {
		moved.Blocks = append(moved.Blocks, report.Para("None."))
	} else {
		t := &report.Table{Columns: []report.Column{{Title: "Address"}, {Title: "Port", Figure: true}, {Title: "Transport"},
			{Title: "Product"}, {Title: "Provider/region in " + a}, {Title: "Provider/region in " + b}}}
		for _, r := range l.Moved {
			t.Add(r.Address, strconv.Itoa(r.Port), r.Transport, report.OrDash(r.Product),
				r.ProviderBefore+" / "+report.OrDash(r.RegionBefore), r.ProviderAfter+" / "+report.OrDash(r.RegionAfter))
		}
		moved.Blocks = append(moved.Blocks, report.Block{Table: t})
	}
	return append(out, changed, moved)
}
