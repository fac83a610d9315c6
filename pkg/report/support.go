package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
)

// Support is the support status of a snapshot's services (issue 18):
// per product, how many named a version, how many of those run a release
// cycle past its end of life on the as-of day, and how many are both
// open and end of life. pkg/eol judges; this is what every format shows
// (docs/figures.md, "Support status").
type Support struct {
	// AsOf is the day every cycle was judged on (YYYY-MM-DD): the UTC
	// day of the snapshot's newest observation, so that an old quarter's
	// figures do not change when newer release data is loaded; "" when
	// the snapshot holds no service.
	AsOf string `json:"as_of"`
	// Source, Commit and Date name the release data: where it came from
	// (the endoflife.date pages at a commit, or its API), the commit (""
	// when none) and its date ("" when unrecorded).
	Source string `json:"source"`
	Commit string `json:"commit"`
	Date   string `json:"date"`
	// Embedded is true when the data is the snapshot compiled into
	// orchex, false when it was downloaded or given as a directory.
	Embedded bool `json:"embedded"`
	// DataLag is how many days Date is before AsOf (0 when it is not):
	// an end announced after the data was taken is not known to it.
	DataLag int `json:"data_lag_days"`
	// Products has one row per product with services, by services with
	// a version descending, then product id.
	Products []SupportRow `json:"products"`
	// NoCalendar lists, sorted, the products seen that have no support
	// calendar: said once, never counted as supported.
	NoCalendar []string `json:"no_calendar"`
	// Total sums the rows (its Product, Name and Calendar are empty).
	Total SupportRow `json:"total"`
}

// SupportRow is one product's support status. WithVersion = Supported +
// EndOfLife + UnknownCycle + NoCalendar; Services - WithVersion named no
// version.
type SupportRow struct {
	Product string `json:"product"`
	Name    string `json:"name"` // display name
	// Calendar names the calendars that judged the product's versions,
	// most services first ("kubernetes, amazon-eks"); when none did, the
	// product's own calendar (eol.Rules), "" for a product without one.
	Calendar    string `json:"calendar"`
	Services    int    `json:"services"`
	WithVersion int    `json:"with_version"`
	EndOfLife   int    `json:"end_of_life"`
	// Share is EndOfLife / WithVersion, a fraction in 0..1 (0 when no
	// service named a version, as every share of the JSON whose
	// denominator is 0). Text formats print a dash instead of a share
	// that says nothing (HasShare): no version named, or no calendar.
	Share         float64 `json:"share"`
	OpenEndOfLife int     `json:"open_end_of_life"`
	Supported     int     `json:"supported"`
	UnknownCycle  int     `json:"unknown_cycle"`
	NoCalendar    int     `json:"no_calendar"`
	// Calendars split the services with a version by the calendar that
	// judged them (upstream Kubernetes and the managed providers').
	Calendars []SupportCalendar `json:"calendars"`
	// Cycles are the release cycles the versions belong to, by calendar,
	// newest cycle first.
	Cycles []SupportCycle `json:"cycles"`
}

// SupportCalendar is the services of one product one calendar judged.
type SupportCalendar struct {
	Calendar    string `json:"calendar"`
	WithVersion int    `json:"with_version"` // supported + end of life + unknown cycle
	EndOfLife   int    `json:"end_of_life"`
}

// SupportCycle is the services of one release cycle of a product.
type SupportCycle struct {
	Calendar string `json:"calendar"`
	Cycle    string `json:"cycle"`
	// Phase is the end of support judged: "eol", or "eoes" (end of
	// extended support: Amazon EKS, Kong Enterprise).
	Phase string `json:"phase"`
	// Status is "supported" or "end_of_life" on the as-of day.
	Status string `json:"status"`
	// End is the day support ended (end of life) or ends (supported);
	// "" when the calendar gives no date (ended on an unrecorded day, or
	// not announced).
	End      string `json:"end"`
	Services int    `json:"services"`
	Open     int    `json:"open"`
}

// Judged returns the rows of the products that have a support calendar,
// in the view's order: the rows a report's support table lists (the
// others are named once, NoCalendar).
func (s *Support) Judged() []SupportRow {
	var out []SupportRow
	for _, r := range s.Products {
		if hasCalendar(r.Product) {
			out = append(out, r)
		}
	}
	return out
}

// NoCalendarText names the products without a support calendar in one
// sentence, with their services, or "" when there are none.
func (s *Support) NoCalendarText() string {
	var parts []string
	for _, r := range s.Products {
		if hasCalendar(r.Product) {
			continue
		}
		p := OrDash(r.Name) + " (" + countOf(r.Services, "service", "services")
		if r.WithVersion > 0 {
			p += ", " + Num(r.WithVersion) + " with a version"
		}
		parts = append(parts, p+")")
	}
	if len(parts) == 0 {
		return ""
	}
	return "No support calendar, so never counted as supported: " + strings.Join(parts, ", ") + "."
}

// AsOfText says what the as-of day is and how a cycle is judged on it.
func (s *Support) AsOfText() string {
	if s.AsOf == "" {
		return "The snapshot holds no service, so nothing was judged."
	}
	return "Judged on " + s.AsOf + ", the day of the snapshot's newest observation: a release cycle is end of life when its end of support " +
		"(for Amazon EKS and Kong Enterprise, of extended support) is on or before that day. A version that matches no cycle of its " +
		"calendar is an unknown cycle, never counted as supported. Share is end of life of the services that named a version."
}

// HasShare reports whether the row's share says something: some service
// named a version of a product with a support calendar.
func (r SupportRow) HasShare() bool { return r.WithVersion > 0 && r.NoCalendar < r.WithVersion }

// ShareText writes the share as a percentage, or [Dash] when it says
// nothing (HasShare).
func (r SupportRow) ShareText() string {
	if !r.HasShare() {
		return Dash
	}
	return Pct(r.Share)
}

// EndText writes when a cycle's support ended or ends: its date, or
// "date not recorded" (ended) or "not announced" (supported).
func (c SupportCycle) EndText() string {
	switch {
	case c.End != "":
		return c.End
	case c.Status == string(eol.EndOfLife):
		return "date not recorded"
	}
	return "not announced"
}

// EndOfLife reports whether the cycle had ended on the as-of day.
func (c SupportCycle) EndOfLife() bool { return c.Status == string(eol.EndOfLife) }

// EndOfLifeCycles returns the end-of-life cycles of every product, each
// with its product: the most services first, then product, calendar and
// cycle.
func (s *Support) EndOfLifeCycles() []ProductCycle {
	var out []ProductCycle
	for _, r := range s.Products {
		for _, c := range r.Cycles {
			if c.EndOfLife() {
				out = append(out, ProductCycle{Product: r.Product, Name: r.Name, SupportCycle: c})
			}
		}
	}
	slices.SortFunc(out, func(a, b ProductCycle) int {
		return cmp.Or(cmp.Compare(b.Services, a.Services), strings.Compare(a.Product, b.Product),
			strings.Compare(a.Calendar, b.Calendar), eol.CompareCycles(b.Cycle, a.Cycle))
	})
	return out
}

// ProductCycle is a release cycle with the product it is a cycle of.
type ProductCycle struct {
	Product string
	Name    string
	SupportCycle
}

// DataText names the release data in one line, for a method section:
// "endoflife.date product pages (github.com/endoflife-date/endoflife.date,
// commit a70eca3, 2026-08-22; embedded in orchex)".
func (s *Support) DataText() string {
	var parts []string
	if s.Commit != "" {
		parts = append(parts, "commit "+shortCommit(s.Commit))
	}
	if s.Date != "" {
		parts = append(parts, s.Date)
	} else {
		parts = append(parts, "undated")
	}
	where := "downloaded or given as a directory"
	if s.Embedded {
		where = "embedded in orchex"
	}
	return OrDash(s.Source) + " (" + strings.Join(parts, ", ") + "; " + where + ")"
}

// shortCommit cuts a commit hash to 12 characters, as git prints it.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// hasCalendar reports whether a catalog product has a support calendar.
func hasCalendar(product string) bool {
	r, ok := eol.RuleFor(product)
	return ok && r.Calendar != ""
}

// SupportMethodLine is what a method section says of the support
// figures: the day they were judged on and the release data.
func SupportMethodLine(s *Support) string {
	if s == nil {
		return ""
	}
	day := s.AsOf + " (the snapshot's newest observation)"
	if s.AsOf == "" {
		day = "no day (the snapshot holds no service)"
	}
	return "Support status judged on " + day + " against the release calendars of endoflife.date: " + s.DataText() + "."
}

// supportNotes are the method notes the support figures call for: the
// release data older than the snapshot, versions past the table's cap.
func supportNotes(s *Support, dropped int) []string {
	var notes []string
	if s == nil {
		return nil
	}
	if s.DataLag > 0 && s.Total.WithVersion > 0 {
		notes = append(notes, fmt.Sprintf("The release data (%s) is %s older than the snapshot's newest observation (%s): a cycle whose end was announced since then counts as supported until the data is updated.",
			OrDash(s.Date), countOf(s.DataLag, "day", "days"), s.AsOf))
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("The support table judges at most %d distinct versions; %s with other versions %s counted as unknown cycle (never as supported).",
			maxKeys, countOf(dropped, "service", "services"), Plural(dropped, "is", "are")))
	}
	return notes
}

// supportKey is what a service's support verdict depends on, and whether
// it counts as open.
type supportKey struct {
	product, version string
	aks, open        bool
}

// overflowVersion stands for the versions past the support table's cap:
// it is not a version, so its services are judged unknown cycle.
const overflowVersion = "\x00"

// supportAcc counts services by supportKey until the as-of day is known
// (the newest observation, at the end of the pass).
type supportAcc struct {
	m       map[supportKey]int
	dropped int
}

// add counts n services with a version of product (auth a; aks when a
// host name marks an AKS API server).
func (a *supportAcc) add(product, version string, auth model.Auth, aks bool, n int) {
	k := supportKey{product: product, version: clip(version), aks: aks, open: auth == model.AuthOpen}
	if _, ok := a.m[k]; !ok && len(a.m) >= maxKeys {
		a.dropped += n
		k.version, k.aks = overflowVersion, false
	}
	if _, ok := a.m[k]; !ok {
		k.product, k.version = strings.Clone(k.product), strings.Clone(k.version)
	}
	a.m[k] += n
}

// markAKS moves one service counted without its names to the AKS API
// servers (BuildGrouped, from Grouped.Named); false when no such service
// was counted.
func (a *supportAcc) markAKS(product, version string, auth model.Auth) bool {
	k := supportKey{product: product, version: clip(version), open: auth == model.AuthOpen}
	if a.m[k] <= 0 {
		return false
	}
	if a.m[k]--; a.m[k] == 0 {
		delete(a.m, k)
	}
	k.aks = true
	a.m[k]++
	return true
}

// namesMatter reports whether any counted service needs its host names
// to be judged (eol.NamesMatter).
func (a *supportAcc) namesMatter() bool {
	for k := range a.m {
		if !k.aks && eol.NamesMatter(k.product, k.version) {
			return true
		}
	}
	return false
}

// support judges the counted services on asOf with d and returns the
// view's figures; names gives product display names.
func (a *supportAcc) support(d *eol.Data, asOf time.Time) *Support {
	s := &Support{Source: d.Source, Commit: d.Commit, Date: d.Date, Embedded: d.Origin == "embedded",
		Products: []SupportRow{}, NoCalendar: []string{}}
	s.Total.Calendars, s.Total.Cycles = []SupportCalendar{}, []SupportCycle{}
	if asOf.IsZero() {
		return s
	}
	t, err := eol.NewTally(d, asOf)
	if err != nil {
		return s
	}
	keys := make([]supportKey, 0, len(a.m))
	for k := range a.m {
		keys = append(keys, k)
	}
	// The tally's sums do not depend on the order; its calendar order
	// (most services first, then id) does not either.
	for _, k := range keys {
		f := eol.Facts{Product: k.product, Version: k.version, AKS: k.aks}
		if k.open {
			f.Auth = model.AuthOpen
		}
		t.Add(f, a.m[k])
	}
	return NewSupport(t.Support())
}

// NewSupport converts a tally's figures to the view's (product display
// names left empty: Present fills them in a report, a briefing from its
// catalog).
func NewSupport(es eol.Support) *Support {
	s := &Support{AsOf: es.AsOf, Source: es.Source, Commit: es.Commit, Date: es.Date, Embedded: es.Origin == "embedded",
		DataLag: es.DataLag, Products: []SupportRow{}, NoCalendar: append([]string{}, es.NoCalendar...)}
	for _, f := range es.Products {
		s.Products = append(s.Products, supportRow(f))
	}
	slices.SortFunc(s.Products, func(x, y SupportRow) int {
		return byCount(x.WithVersion, y.WithVersion, x.Product, y.Product)
	})
	s.Total = supportRow(es.Total)
	return s
}

func supportRow(f eol.Figures) SupportRow {
	r := SupportRow{Product: f.Product, Calendar: f.Calendar, Services: f.Services, WithVersion: f.WithVersion,
		EndOfLife: f.EndOfLife, OpenEndOfLife: f.OpenEndOfLife, Supported: f.Supported, UnknownCycle: f.UnknownCycle,
		NoCalendar: f.NoCalendar, Calendars: []SupportCalendar{}, Cycles: []SupportCycle{}}
	r.Share = share(f.EndOfLife, f.WithVersion)
	if rule, ok := eol.RuleFor(f.Product); ok && r.Calendar == "" {
		r.Calendar = rule.Calendar
	}
	for _, c := range f.Calendars {
		r.Calendars = append(r.Calendars, SupportCalendar{Calendar: c.Calendar, WithVersion: c.WithVersion, EndOfLife: c.EndOfLife})
	}
	for _, c := range f.Cycles {
		end := c.Until
		if c.Status == eol.EndOfLife {
			end = c.Since
		}
		r.Cycles = append(r.Cycles, SupportCycle{Calendar: c.Calendar, Cycle: c.Cycle, Phase: c.Phase, Status: string(c.Status),
			End: end, Services: c.Services, Open: c.Open})
	}
	return r
}

// SupportChange is one product's support figures in an earlier snapshot
// and now (report --compare); each snapshot is judged on its own as-of
// day. The counts are Unknown when the earlier view has no support
// figures.
type SupportChange struct {
	WithVersion   Change      `json:"with_version"`
	EndOfLife     Change      `json:"end_of_life"`
	OpenEndOfLife Change      `json:"open_end_of_life"`
	Share         ShareChange `json:"share"`
	// then and now say whether each side's share says something
	// (SupportRow.HasShare).
	then, now bool
}

// ShareBeforeText writes the earlier share, or [Dash] when it says
// nothing.
func (c SupportChange) ShareBeforeText() string {
	if !c.then {
		return Dash
	}
	return Pct(c.Share.Before)
}

// ShareChangeText writes the change of the share in percentage points
// ("+1.2 pp"), or "n/a" when a side's share says nothing.
func (c SupportChange) ShareChangeText() string {
	if !c.then || !c.now {
		return "n/a"
	}
	return c.Share.String()
}

// Support returns the change of a product's support figures (now is its
// row in the current view; the total row for the products together); a
// product absent then had none.
func (c *Comparison) Support(now SupportRow) SupportChange {
	es := c.Earlier.Support
	if es == nil {
		return SupportChange{WithVersion: unknownChange(now.WithVersion), EndOfLife: unknownChange(now.EndOfLife),
			OpenEndOfLife: unknownChange(now.OpenEndOfLife), Share: NewShareChange(0, now.Share), now: now.HasShare()}
	}
	then := es.Total
	if now.Product != "" {
		then = SupportRow{}
		for _, r := range es.Products {
			if r.Product == now.Product {
				then = r
				break
			}
		}
	}
	return SupportChange{WithVersion: NewChange(then.WithVersion, now.WithVersion), EndOfLife: NewChange(then.EndOfLife, now.EndOfLife),
		OpenEndOfLife: NewChange(then.OpenEndOfLife, now.OpenEndOfLife), Share: NewShareChange(then.Share, now.Share),
		then: then.HasShare(), now: now.HasShare()}
}
