package eol

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// ErrNoAsOf is returned by [NewTally] for a zero as-of time.
var ErrNoAsOf = errors.New("eol: no as-of date (the snapshot's newest observation)")

// Support is the support status of a snapshot's services per product: the
// figures a report's "Support status" section formats.
type Support struct {
	// AsOf is the day the services were judged on (YYYY-MM-DD): the
	// snapshot's newest observation.
	AsOf string
	// Data names the release data used.
	Source, Commit, Date, Origin string
	// DataLag is how many days the data's Date is before AsOf (0 when it
	// is not, or is unrecorded). A report says so when it is positive: a
	// cycle whose end was announced after the data was taken counts as
	// supported until the data is updated (orchex eol update).
	DataLag int
	// Products holds one row per catalog product seen, sorted by id,
	// products without a support calendar included.
	Products []Figures
	// NoCalendar lists, sorted, the products seen that have no support
	// calendar: a report says so once, and never counts them supported.
	NoCalendar []string
	// Total sums the rows (Calendar, Calendars and Cycles empty).
	Total Figures
}

// Figures are one product's counts. WithVersion = Supported + EndOfLife +
// UnknownCycle + NoCalendar, and Services - WithVersion named no version.
type Figures struct {
	Product string
	// Calendar names the calendars that judged this product's versions,
	// most services first: "kubernetes, amazon-eks"; "" when none.
	Calendar  string
	Calendars []CalendarFigures
	// Services is every service of the product, with or without version.
	Services int
	// WithVersion is the services that named a version.
	WithVersion int
	Supported   int
	EndOfLife   int
	// OpenEndOfLife is the services both open and end of life.
	OpenEndOfLife int
	UnknownCycle  int
	NoCalendar    int
	// Cycles counts services per release cycle, newest cycle first within
	// each calendar.
	Cycles []CycleFigures
}

// Share returns EndOfLife / WithVersion; false when no service named a
// version or the product has no support calendar (a report then shows no
// share, never 0 %).
func (f Figures) Share() (float64, bool) {
	if f.WithVersion == 0 || f.NoCalendar == f.WithVersion {
		return 0, false
	}
	return float64(f.EndOfLife) / float64(f.WithVersion), true
}

// CalendarFigures are the services one calendar judged.
type CalendarFigures struct {
	Calendar    string
	WithVersion int // supported + end of life + unknown cycle
	EndOfLife   int
}

// CycleFigures are the services of one release cycle.
type CycleFigures struct {
	Calendar string
	Cycle    string
	Phase    string // PhaseEOL or PhaseEOES
	Status   Status // Supported or EndOfLife (the same for every service of the cycle)
	Since    string // EndOfLife: the date support ended
	Until    string // Supported: the date support ends, "" when not announced
	Services int
	Open     int
}

// Tally sums verdicts per product, for one snapshot. Add services (or
// groups of identical services) one at a time; it keeps counts only.
type Tally struct {
	data     *Data
	asOf     time.Time
	products map[string]*tallyProduct
	verdicts map[verdictKey]Verdict // versions repeat: judge each once
}

// verdictKey is what a verdict depends on, besides the data and as-of day.
type verdictKey struct {
	product, version string
	aks              bool
}

// maxVerdicts caps the verdicts a Tally remembers, so that hostile
// versions cannot grow its memory; past it, verdicts are recomputed.
const maxVerdicts = 1 << 16

type tallyProduct struct {
	f         Figures
	calendars map[string]*CalendarFigures
	cycles    map[[3]string]*CycleFigures
}

// NewTally returns an empty tally judging with d on asOf, the snapshot's
// newest observation.
func NewTally(d *Data, asOf time.Time) (*Tally, error) {
	if asOf.IsZero() {
		return nil, ErrNoAsOf
	}
	return &Tally{data: d, asOf: asOf, products: map[string]*tallyProduct{}}, nil
}

// Add counts n services with the facts f (n is 1 for one service, a group's
// size for a group of identical services) and returns their verdict; n 0
// only judges. A group carries no host names: set Facts.AKS for the AKS
// API servers among them (NamesMatter says which versions need the
// names), or they are judged by the upstream Kubernetes calendar.
func (t *Tally) Add(f Facts, n int) Verdict {
	v := t.Judge(f)
	t.AddJudged(f, v, n)
	return v
}

// Judge returns the verdict on f, remembered for the next services of
// the same product and version (up to a bound).
func (t *Tally) Judge(f Facts) Verdict {
	k := verdictKey{f.Product, f.Version, f.aks()}
	v, ok := t.verdicts[k]
	if !ok {
		v = t.data.Judge(f, t.asOf)
		if t.verdicts == nil {
			t.verdicts = map[verdictKey]Verdict{}
		}
		if len(t.verdicts) < maxVerdicts {
			t.verdicts[k] = v
		}
	}
	return v
}

// AddJudged counts n services with the facts f whose verdict v was
// judged already (by another tally of the same data and day, which
// remembers the verdicts: the per-scope tallies of a briefing run share
// one).
func (t *Tally) AddJudged(f Facts, v Verdict, n int) {
	if n <= 0 {
		return
	}
	p := t.products[f.Product]
	if p == nil {
		p = &tallyProduct{f: Figures{Product: f.Product}, calendars: map[string]*CalendarFigures{}, cycles: map[[3]string]*CycleFigures{}}
		t.products[f.Product] = p
	}
	p.f.Services += n
	if v.Status == NoVersion {
		return
	}
	p.f.WithVersion += n
	open := f.Auth == model.AuthOpen
	switch v.Status {
	case Supported:
		p.f.Supported += n
	case EndOfLife:
		p.f.EndOfLife += n
		if open {
			p.f.OpenEndOfLife += n
		}
	case UnknownCycle:
		p.f.UnknownCycle += n
	case NoCalendar:
		p.f.NoCalendar += n
	}
	if v.Calendar != "" {
		c := p.calendars[v.Calendar]
		if c == nil {
			c = &CalendarFigures{Calendar: v.Calendar}
			p.calendars[v.Calendar] = c
		}
		c.WithVersion += n
		if v.Status == EndOfLife {
			c.EndOfLife += n
		}
	}
	if v.Cycle != "" {
		k := [3]string{v.Calendar, v.Cycle, v.Phase}
		c := p.cycles[k]
		if c == nil {
			c = &CycleFigures{Calendar: v.Calendar, Cycle: v.Cycle, Phase: v.Phase, Status: v.Status, Since: v.Since, Until: v.Until}
			p.cycles[k] = c
		}
		c.Services += n
		if open {
			c.Open += n
		}
	}
}

// Support returns the figures counted so far, sorted.
func (t *Tally) Support() Support {
	s := Support{AsOf: Day(t.asOf), Source: t.data.Source, Commit: t.data.Commit, Date: t.data.Date, Origin: t.data.Origin}
	if d, err := time.Parse(time.DateOnly, t.data.Date); err == nil {
		if a, _ := time.Parse(time.DateOnly, s.AsOf); a.After(d) {
			s.DataLag = int(a.Sub(d).Hours() / 24)
		}
	}
	for _, p := range t.products {
		f := p.f
		for _, c := range p.calendars {
			f.Calendars = append(f.Calendars, *c)
		}
		slices.SortFunc(f.Calendars, func(a, b CalendarFigures) int {
			return cmp.Or(cmp.Compare(b.WithVersion, a.WithVersion), strings.Compare(a.Calendar, b.Calendar))
		})
		var names []string
		for _, c := range f.Calendars {
			names = append(names, c.Calendar)
		}
		f.Calendar = strings.Join(names, ", ")
		for _, c := range p.cycles {
			f.Cycles = append(f.Cycles, *c)
		}
		slices.SortFunc(f.Cycles, func(a, b CycleFigures) int {
			return cmp.Or(strings.Compare(a.Calendar, b.Calendar), CompareCycles(b.Cycle, a.Cycle), strings.Compare(a.Phase, b.Phase))
		})
		if f.NoCalendar > 0 || noCalendar(f.Product) {
			s.NoCalendar = append(s.NoCalendar, f.Product)
		}
		s.Products = append(s.Products, f)
		s.Total.Services += f.Services
		s.Total.WithVersion += f.WithVersion
		s.Total.Supported += f.Supported
		s.Total.EndOfLife += f.EndOfLife
		s.Total.OpenEndOfLife += f.OpenEndOfLife
		s.Total.UnknownCycle += f.UnknownCycle
		s.Total.NoCalendar += f.NoCalendar
	}
	slices.SortFunc(s.Products, func(a, b Figures) int { return strings.Compare(a.Product, b.Product) })
	slices.Sort(s.NoCalendar)
	return s
}

// noCalendar reports whether a catalog product has no support calendar.
func noCalendar(product string) bool {
	r, ok := RuleFor(product)
	return !ok || r.Calendar == ""
}
