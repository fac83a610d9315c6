package brief

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/report"
)

// DocOptions are the choices of a briefing document.
type DocOptions struct {
	// MaxListed caps the services the document lists, for formats that
	// lay out a whole page at once (PDF, HTML); 0 lists every service
	// (Markdown, whose tables are written row by row as they are read).
	MaxListed int
	// FullList names where every service is listed, for the note that
	// says the list was cut: "brief.md, brief.json and services.csv".
	FullList string
}

// DefaultMaxListed is the cap of services listed in a PDF or HTML
// briefing.
const DefaultMaxListed = 5000

// hostnamesShown caps the hostnames shown per service in a table.
const hostnamesShown = 5

// Document returns the briefing as a report.Document, which every
// renderer writes (markdown, pdf, html .RenderDocument): the summary,
// the changes since the earlier snapshot, the owners and their
// netblocks, the open services by owner and netblock, what to do per
// product, the other services, and the method notes. Service tables are
// read from the spill file when rendered (report.Table.Stream), so the
// Brief must stay open until the document is written.
func (b *Brief) Document(o DocOptions) *report.Document {
	sc := b.Scope
	d := &report.Document{
		Title:     "Briefing for " + sc.Name + ": exposed orchestration and API-management services, snapshot " + b.Snapshot,
		Generated: b.SnapshotCreated,
	}
	intro := "Scope " + sc.Name + " (" + b.ScopesFile + " line " + strconv.Itoa(sc.Line) + "): " + selectors(sc.CIDRs, sc.ASNs, sc.Orgs, sc.Domains, sc.Countries) + "."
	if len(sc.Contacts) > 0 {
		intro += " Contacts: " + strings.Join(sc.Contacts, ", ") + "."
	}
	d.Intro = append(d.Intro, report.Para(intro))
	if sc.Notes != "" {
		d.Intro = append(d.Intro, report.Para("Notes: "+sc.Notes))
	}
	when := "Snapshot " + b.Snapshot + ", taken " + report.Date(b.SnapshotCreated)
	if b.Since != "" {
		when += ", compared with snapshot " + b.Since + " (taken " + report.Date(b.SinceCreated) + ")"
	}
	d.Intro = append(d.Intro, report.Para(when+". A service is one (address, port, transport). This briefing lists addresses: it is for the owners of these networks, not for publication."))
	for _, w := range b.Warnings {
		d.Intro = append(d.Intro, report.Block{Lead: "Incomplete:", Text: w})
	}
	if c := b.Counts; c.Open > 0 {
		d.Intro = append(d.Intro, report.Block{Lead: report.Num(c.Open) + " " + report.Plural(c.Open, "service answers", "services answer") + " without authentication.",
			Text: report.Plural(c.Open, "It is listed first, with the evidence of open access, and \"What to do\" says how to close it.",
				"They are listed first, each with the evidence of open access, and \"What to do\" says how to close them.")})
	}
	if c := b.Counts; c.LikelyOpen > 0 {
		d.Intro = append(d.Intro, report.Block{Lead: report.Num(c.LikelyOpen) + " " + report.Plural(c.LikelyOpen, "service is", "services are") + " likely open.",
			Text: "Each answered as its product's default, unauthenticated configuration does, without proof of open access: they are listed right after the open services, never counted as open."})
	}
	if c := b.Counts; c.EndOfLife > 0 {
		d.Intro = append(d.Intro, report.Block{Lead: report.Num(c.EndOfLife) + " " + report.Plural(c.EndOfLife, "service runs", "services run") +
			" a release past its end of life" + openClause(c.OpenEndOfLife) + ".",
			Text: "Their releases no longer get security fixes; \"What to do\" lists them with their release cycles and the day support ended."})
	}

	d.Sections = append(d.Sections, b.summarySection())
	if b.Since != "" {
		d.Sections = append(d.Sections, b.changeSections(o)...)
	}
	d.Sections = append(d.Sections, b.ownerSection())
	budget := &listBudget{max: o.MaxListed}
	d.Sections = append(d.Sections, b.listSections("Open services", "Services that answered without authentication, with the evidence.", SectionOpen, budget)...)
	if b.Counts.LikelyOpen > 0 {
		d.Sections = append(d.Sections, b.listSections("Likely open services",
			"Services that answered as their product's default, unauthenticated configuration does (the evidence says how), without proof that access without credentials works: inferred, not proven, and not counted as open.",
			SectionLikelyOpen, budget)...)
	}
	d.Sections = append(d.Sections, b.remedySections(o)...)
	d.Sections = append(d.Sections, b.listSections("Services demanding credentials", "Services that demanded credentials: exposed, but not open.", SectionAuthRequired, budget)...)
	d.Sections = append(d.Sections, b.listSections("Services whose authentication is not known", "The banners of these services did not tell whether they demand credentials.", SectionUnknown, budget)...)
	if budget.left > 0 {
		full := o.FullList
		if full == "" {
			full = "the Markdown and JSON briefings"
		}
		d.Sections = append(d.Sections, report.Section{Title: "Services not listed here", Level: 1, Blocks: []report.Block{
			report.Para(report.Num(budget.left) + " more " + report.Plural(budget.left, "service is", "services are") +
				" not listed in this document, which lists at most " + report.Num(budget.max) + "; " + full + " list every service."),
		}})
	}
	d.Sections = append(d.Sections, b.methodSection())
	return d
}

// errEnough stops a listing at its cap.
var errEnough = errors.New("listed enough")

// enough returns err, or nil when it is errEnough.
func enough(err error) error {
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}

// listBudget counts the services a document lists against its cap.
type listBudget struct {
	max, used, left int
}

// take returns how many of n services may be listed.
func (l *listBudget) take(n int) int {
	if l.max <= 0 {
		return n
	}
	k := min(n, l.max-l.used)
	l.used += k
	l.left += n - k
	return k
}

func selectors(cidrs []netip.Prefix, asns []uint32, orgs, domains, countries []string) string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, report.Num(n)+" "+report.Plural(n, one, many))
		}
	}
	add(len(cidrs), "network", "networks")
	add(len(asns), "ASN", "ASNs")
	add(len(orgs), "organisation", "organisations")
	add(len(domains), "domain", "domains")
	add(len(countries), "country", "countries")
	return strings.Join(parts, ", ")
}

func (b *Brief) summarySection() report.Section {
	c := b.Counts
	t := &report.Table{Columns: []report.Column{{Title: "Figure"}, {Title: "Services", Figure: true}, {Title: "Share", Figure: true}}}
	t.Add("Exposed services", report.Num(c.Services), report.PctOf(c.Services, c.Services))
	t.Add("No authentication (open)", report.Num(c.Open), report.PctOf(c.Open, c.Services))
	if c.LikelyOpen > 0 {
		t.Add("Likely open (inferred from defaults, not proven)", report.Num(c.LikelyOpen), report.PctOf(c.LikelyOpen, c.Services))
	}
	t.Add("Authentication required", report.Num(c.AuthRequired), report.PctOf(c.AuthRequired, c.Services))
	t.Add("Unknown", report.Num(c.Unknown), report.PctOf(c.Unknown, c.Services))
	t.Add("Hosts (distinct addresses)", report.Num(c.Hosts), report.Dash)
	if b.Support != nil {
		t.Add("Named a version", report.Num(c.WithVersion), report.PctOf(c.WithVersion, c.Services))
		t.Add("Release past its end of life (share of those with a version)", report.Num(c.EndOfLife), report.PctOf(c.EndOfLife, c.WithVersion))
		t.Add("Open and past its end of life (share of those with a version)", report.Num(c.OpenEndOfLife), report.PctOf(c.OpenEndOfLife, c.WithVersion))
	}
	s := report.Section{Title: "Summary", Level: 1}
	if c.Services == 0 {
		s.Blocks = append(s.Blocks, report.Para("The snapshot holds no exposed service of this scope."))
	} else {
		likely := ""
		if c.LikelyOpen > 0 {
			likely = ", " + report.Num(c.LikelyOpen) + " " + report.Plural(c.LikelyOpen, "was", "were") + " likely open (inferred from the product's default configuration, not proven)"
		}
		s.Blocks = append(s.Blocks, report.Para(fmt.Sprintf("Of %s exposed %s on %s %s of this scope, %s answered without authentication%s, %s demanded credentials and the banners of %s did not tell.",
			report.Num(c.Services), report.Plural(c.Services, "service", "services"), report.Num(c.Hosts), report.Plural(c.Hosts, "host", "hosts"),
			report.Num(c.Open), likely, report.Num(c.AuthRequired), report.Num(c.Unknown))))
	}
	if sup := b.Support; sup != nil && c.Services > 0 {
		s.Blocks = append(s.Blocks, report.Para(supportSummary(sup, c)))
	}
	s.Blocks = append(s.Blocks, report.Block{Table: t})
	return s
}

// supportSummary says how many of the scope's services run a release
// past its end of life, and on which day that was judged.
func supportSummary(sup *report.Support, c Counts) string {
	if c.WithVersion == 0 {
		return "No banner of this scope named a version, so no service's support status is known."
	}
	return fmt.Sprintf("Of the %s %s whose banner named a version, %s %s a release past its end of life on %s%s (endoflife.date calendars, the day of the snapshot's newest observation).",
		report.Num(c.WithVersion), report.Plural(c.WithVersion, "service", "services"), report.Num(c.EndOfLife),
		report.Plural(c.EndOfLife, "runs", "run"), sup.AsOf, openClause(c.OpenEndOfLife))
}

// openClause is ", N of them open" for a positive n, else "".
func openClause(n int) string {
	if n == 0 {
		return ""
	}
	return ", " + report.Num(n) + " of them open"
}

func (b *Brief) changeSections(o DocOptions) []report.Section {
	c := b.Counts
	t := &report.Table{Columns: []report.Column{{Title: "Change since " + b.Since}, {Title: "Services", Figure: true}}}
	t.Add("New (in the scope now, not then)", report.Num(c.New))
	t.Add("New and open", report.Num(c.NewOpen))
	t.Add("Became open", report.Num(c.NowOpen))
	t.Add("Fixed (open then, credentials demanded now)", report.Num(c.NowClosed))
	t.Add("Open then, not known now", report.Num(c.OpenToUnknown))
	t.Add("Open in both snapshots", report.Num(c.OpenBoth))
	t.Add("Gone (in the scope then, not now)", report.Num(c.Gone))
	t.Add("Gone, open then", report.Num(c.GoneOpen))
	out := []report.Section{{Title: "What changed since " + b.Since, Level: 1, Blocks: []report.Block{
		report.Para("The changes of the scope's services from snapshot " + b.Since + " to " + b.Snapshot + ". A gone service was not seen in " +
			b.Snapshot + ": it may be closed, or the engines did not reach it."),
		{Table: t},
	}}}
	list := func(title string, n int, f Filter) {
		s := report.Section{Title: title, Level: 2}
		if n == 0 {
			s.Blocks = append(s.Blocks, report.Para("None."))
			out = append(out, s)
			return
		}
		tb := &report.Table{Columns: []report.Column{{Title: "Service"}, {Title: "Product"}, {Title: "Auth now"}, {Title: "Auth then"}, {Title: "Owner"}}}
		names := b.names()
		limit := n
		if o.MaxListed > 0 {
			limit = min(n, o.MaxListed)
		}
		tb.Stream = func(yield func([]string) error) error {
			k := 0
			return enough(b.Each(f, func(s *Service) error {
				if k++; k > limit {
					return errEnough
				}
				return yield([]string{endpoint(s), productText(s, names), authName(s.Auth), report.OrDash(string(s.Before)), s.Owner})
			}))
		}
		s.Blocks = append(s.Blocks, report.Block{Table: tb})
		if limit < n {
			s.Blocks = append(s.Blocks, report.Para(report.Num(n-limit)+" more are listed in the sections below."))
		}
		out = append(out, s)
	}
	list("New services", c.New, WithChange(New))
	list("Services that became open", c.NowOpen, NowOpen)
	list("Fixed services", c.NowClosed, NowClosed)
	list("Open then, not known now", c.OpenToUnknown, OpenToUnknown)
	gone := report.Section{Title: "Gone services", Level: 2}
	if c.Gone == 0 {
		gone.Blocks = append(gone.Blocks, report.Para("None."))
	} else {
		tb := &report.Table{Columns: []report.Column{{Title: "Service"}, {Title: "Product"}, {Title: "Auth then"}, {Title: "Owner"}, {Title: "Last seen"}}}
		names := b.names()
		limit := c.Gone
		if o.MaxListed > 0 {
			limit = min(c.Gone, o.MaxListed)
		}
		tb.Stream = func(yield func([]string) error) error {
			k := 0
			return enough(b.EachGone(func(s *Service) error {
				if k++; k > limit {
					return errEnough
				}
				return yield([]string{endpoint(s), productText(s, names), authName(s.Auth), s.Owner, report.Date(s.LastSeen)})
			}))
		}
		gone.Blocks = append(gone.Blocks, report.Block{Table: tb})
		if limit < c.Gone {
			gone.Blocks = append(gone.Blocks, report.Para(report.Num(c.Gone-limit)+" more gone services are listed in brief.json."))
		}
	}
	return append(out, gone)
}

func (b *Brief) ownerSection() report.Section {
	s := report.Section{Title: "Owners", Level: 1}
	if len(b.Owners) == 0 {
		s.Blocks = append(s.Blocks, report.Para("No owner: the scope has no exposed service in this snapshot."))
		return s
	}
	s.Blocks = append(s.Blocks, report.Para("The services by network owner (ASN and organisation as the engines name them), then by netblock: "+
		"the longest of the scope's own networks holding the address, or else its /24 (IPv4) or /48 (IPv6). A part can be forwarded to each owner."))
	t := &report.Table{Columns: []report.Column{{Title: "Owner"}, {Title: "Netblock"}, {Title: "Services", Figure: true}, {Title: "Open", Figure: true}}}
	for _, o := range b.Owners {
		for _, nb := range o.Netblocks {
			t.Add(o.Name(), blockText(nb.Prefix, nb.Declared), report.Num(nb.Services), report.Num(nb.Open))
		}
		if len(o.Netblocks) > 1 {
			t.AddTotal(o.Name()+", all netblocks", "", report.Num(o.Services), report.Num(o.Open))
		}
	}
	s.Blocks = append(s.Blocks, report.Block{Table: t})
	return s
}

func blockText(p netip.Prefix, declared bool) string {
	if declared {
		return p.String() + " (scope network)"
	}
	return p.String()
}

// serviceColumns are the columns of a listed service.
func (b *Brief) serviceColumns() []report.Column {
	cols := []report.Column{{Title: "Service", Width: 3.3}, {Title: "Product", Wrap: true, Width: 2.2}, {Title: "Auth", Wrap: true, Width: 2},
		{Title: "Evidence", Wrap: true, Width: 3.6}, {Title: "Seen", Wrap: true, Width: 2.3}, {Title: "Engines", Wrap: true, Width: 1.5},
		{Title: "Hostnames", Wrap: true, Width: 2.5}, {Title: "Cloud", Wrap: true, Width: 1.5}}
	if b.Support != nil {
		cols = append(cols, report.Column{Title: "Support", Wrap: true, Width: 2.6})
	}
	return cols
}

// SupportText writes a service's support status for a listing:
// "end of life since 2025-02-28 (kubernetes 1.29)", "supported until
// 2026-10-27 (kubernetes 1.34)", "unknown cycle (etcd)", "no support
// calendar"; report.Dash when the banner named no version or the
// briefing has no release data.
func SupportText(v eol.Verdict) string {
	if v.Status == "" || v.Status == eol.NoVersion {
		return report.Dash
	}
	return v.String()
}

func (b *Brief) serviceRow(s *Service, names map[string]string) []string {
	engines := make([]string, 0, 2)
	for _, e := range s.Engines.List() {
		engines = append(engines, string(e))
	}
	cloud := report.NoProvider
	if s.Cloud.Provider != "" {
		cloud = strings.TrimSpace(s.Cloud.Provider + " " + s.Cloud.Region)
	}
	auth := authName(s.Auth)
	if b.Since != "" {
		auth += " (" + changeText(s) + ")"
	}
	row := []string{endpoint(s), productText(s, names), auth, report.OrDash(s.AuthEvidence), seen(s),
		report.OrDash(strings.Join(engines, ", ")), report.OrDash(report.Join(s.Hostnames, hostnamesShown, func(h string) string { return h })), cloud}
	if b.Support != nil {
		row = append(row, SupportText(s.Support))
	}
	return row
}

// listSections lists the services of section sec, one subsection per
// owner and netblock.
func (b *Brief) listSections(title, lead string, sec Section, budget *listBudget) []report.Section {
	groups := b.groups(sec)
	head := report.Section{Title: title, Level: 1}
	if len(groups) == 0 {
		head.Blocks = append(head.Blocks, report.Para("None."))
		return []report.Section{head}
	}
	n := 0
	for _, g := range groups {
		n += g.n
	}
	head.Blocks = append(head.Blocks, report.Para(lead+" "+report.Num(n)+" "+report.Plural(n, "service", "services")+
		", by owner and netblock; within each, by address and port."))
	out := []report.Section{head}
	names := b.names()
	for _, g := range groups {
		k := budget.take(g.n)
		if k == 0 {
			continue
		}
		o := b.Owners[g.owner]
		block := b.blocks[g.block]
		s := report.Section{Title: o.Name() + ", " + block.String(), Level: 2}
		t := &report.Table{Columns: b.serviceColumns()}
		t.Stream = func(yield func([]string) error) error {
			return b.eachGroup(g, k, func(s *Service) error { return yield(b.serviceRow(s, names)) })
		}
		s.Blocks = append(s.Blocks, report.Block{Table: t})
		out = append(out, s)
	}
	return out
}

func (b *Brief) remedySections(o DocOptions) []report.Section {
	head := report.Section{Title: "What to do", Level: 1}
	if len(b.Products) == 0 {
		head.Blocks = append(head.Blocks, report.Para("Nothing: the scope has no exposed service in this snapshot."))
		return []report.Section{head}
	}
	lead := "Advice per product, from the vendors' own documentation; products with open services first."
	if b.Counts.EndOfLife > 0 {
		lead += " A release past its end of life gets no security fixes: upgrade those services to a supported release of their product, open ones first."
	}
	head.Blocks = append(head.Blocks, report.Para(lead))
	out := []report.Section{head}
	for _, p := range b.Products {
		s := report.Section{Title: p.Name, Level: 2}
		counts := report.Num(p.Services) + " " + report.Plural(p.Services, "service", "services") + " in this scope, " + report.Num(p.Open) + " open."
		if p.Remediation == nil {
			s.Blocks = append(s.Blocks, report.Para(counts+" The catalog has no advice for this product: restrict it to the networks of its users."))
		} else {
			s.Blocks = append(s.Blocks, report.Para(counts+" "+p.Remediation.Text))
			var links []report.Link
			for _, l := range p.Remediation.Links {
				links = append(links, report.Link{Title: l.Title, URL: l.URL})
			}
			s.Blocks = append(s.Blocks, report.Block{Links: links})
		}
		if cycles := b.endOfLifeCycles(p.ID); len(cycles) > 0 {
			s.Blocks = append(s.Blocks, report.Para("Releases past their end of life (upgrade to a supported release):"), report.Block{List: cycles})
		}
		out = append(out, s)
	}
	if n := b.Counts.EndOfLife; n > 0 {
		s := report.Section{Title: "Services past their end of life", Level: 2, Blocks: []report.Block{report.Para(
			"The services whose release no longer gets security fixes on " + b.Support.AsOf + ", open ones first, by owner and netblock.")}}
		k := n
		if o.MaxListed > 0 {
			k = min(n, o.MaxListed)
		}
		names := b.names()
		t := &report.Table{Columns: []report.Column{{Title: "Service", Width: 3.3}, {Title: "Product", Wrap: true, Width: 2.4},
			{Title: "Support", Wrap: true, Width: 3.4}, {Title: "Auth", Wrap: true, Width: 1.6}, {Title: "Owner", Wrap: true, Width: 3}}}
		t.Stream = func(yield func([]string) error) error {
			i := 0
			return enough(b.Each(EndOfLife, func(s *Service) error {
				if i++; i > k {
					return errEnough
				}
				return yield([]string{endpoint(s), productText(s, names), SupportText(s.Support), authName(s.Auth), s.Owner})
			}))
		}
		s.Blocks = append(s.Blocks, report.Block{Table: t})
		if k < n {
			s.Blocks = append(s.Blocks, report.Para(report.Num(n-k)+" more are not listed in this document; they are in brief.json and services.csv (column support)."))
		}
		out = append(out, s)
	}
	return out
}

// endOfLifeCycles lists a product's release cycles past their end of
// life in the scope: "Kubernetes 1.29 (kubernetes calendar), support
// ended 2025-02-28: 3 services, 1 open".
func (b *Brief) endOfLifeCycles(product string) []string {
	if b.Support == nil {
		return nil
	}
	var out []string
	for _, r := range b.Support.Products {
		if r.Product != product {
			continue
		}
		for _, c := range r.Cycles {
			if !c.EndOfLife() {
				continue
			}
			what := "support ended " + c.EndText()
			if c.Phase == eol.PhaseEOES {
				what = "extended support ended " + c.EndText()
			}
			out = append(out, fmt.Sprintf("%s %s (%s calendar), %s: %s, %s open", r.Name, c.Cycle, c.Calendar, what,
				report.Num(c.Services)+" "+report.Plural(c.Services, "service", "services"), report.Num(c.Open)))
		}
	}
	return out
}

func (b *Brief) methodSection() report.Section {
	t := &report.Table{Columns: []report.Column{{Title: ""}, {Title: b.Snapshot}}}
	t.Add("Catalog version", report.OrDash(b.CatalogVersion))
	t.Add("Engines", report.OrDash(strings.Join(b.Engines, ", ")))
	if b.Support != nil {
		t.Add("Support status judged on", report.OrDash(b.Support.AsOf)+" (the snapshot's newest observation)")
		t.Add("Release data", "endoflife.date: "+b.Support.DataText())
	}
	s := report.Section{Title: "Method and notes", Level: 1, Blocks: []report.Block{
		{Table: t},
		report.Para("A service is in the scope when any selector of the scope matches it (docs/scopes.md). Its authentication verdict is open only when " +
			"the banner proved that access without credentials worked; the evidence column says what proved it."),
	}}
	if len(b.Notes) > 0 {
		s.Blocks = append(s.Blocks, report.Block{List: b.Notes})
	}
	return s
}

// endpoint writes a service as address:port/transport, an IPv6 address
// in brackets, marked "(honeypot)" when its host is flagged as a
// honeypot or decoy (listed only in a briefing made to include them).
func endpoint(s *Service) string {
	a := s.Addr.String()
	if s.Addr.Is6() && !s.Addr.Is4In6() {
		a = "[" + a + "]"
	}
	a += ":" + strconv.Itoa(int(s.Port)) + "/" + s.Transport
	if s.Honeypot != 0 {
		a += " (honeypot)"
	}
	return a
}

func productText(s *Service, names map[string]string) string {
	n := names[s.Product]
	if n == "" {
		n = report.OrDash(s.Product)
	}
	if s.Version != "" {
		n += " " + s.Version
	}
	return n
}

func seen(s *Service) string {
	f, l := report.Date(s.FirstSeen), report.Date(s.LastSeen)
	if f == l {
		return l
	}
	return f + " – " + l
}

// changeText writes a listed service's change: "new", "persisting", or
// the auth change of a persisting service ("now open, was auth_required").
func changeText(s *Service) string {
	switch ac := s.AuthChange(); ac {
	case "":
		return s.Change.String()
	case "now_open":
		return "now open, was " + string(s.Before)
	case "now_closed":
		return "fixed, was open"
	default:
		return "was " + string(s.Before)
	}
}
