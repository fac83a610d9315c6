package compare

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/store"
)

// Snapshot orders returned by Order.
const (
	// ByQuarter orders snapshots by their labels, which all look like
	// quarters (YYYYQn).
	ByQuarter = "quarter"
	// ByCreated orders snapshots by creation time, then label.
	ByCreated = "created"
)

// ErrReversed: a trend's first snapshot comes after its last.
var ErrReversed = errors.New("trend range reversed")

var quarterLabel = regexp.MustCompile(`^([0-9]{4})[Qq]([1-4])$`)

// Order sorts snapshots oldest first and says how: by label when every
// label looks like a quarter (2026Q3 before 2026Q4 before 2027Q1), else by
// creation time (then label, for snapshots created at the same instant).
// A renamed or re-imported quarter keeps its place; a set with one
// free-form label ("pilot") falls back to creation time for all.
func Order(snaps []store.Snapshot) ([]store.Snapshot, string) {
	out := slices.Clone(snaps)
	quarters := len(out) > 0
	for _, s := range out {
		if !quarterLabel.MatchString(s.Label) {
			quarters = false
			break
		}
	}
	if quarters {
		slices.SortFunc(out, func(x, y store.Snapshot) int {
			return cmp.Compare(strings.ToUpper(x.Label), strings.ToUpper(y.Label))
		})
		return out, ByQuarter
	}
	slices.SortFunc(out, func(x, y store.Snapshot) int {
		if c := x.Created.Compare(y.Created); c != 0 {
			return c
		}
		return cmp.Compare(x.Label, y.Label)
	})
	return out, ByCreated
}

// LabelError is a label Range was given that names none of its
// snapshots. It wraps store.ErrNoSnapshot, so that a caller holding the
// store can add the stored label closest to it.
type LabelError struct {
	Label string
	Have  []string // the labels there are, in order
}

func (e *LabelError) Error() string {
	return fmt.Sprintf("no snapshot %q (have: %s)", e.Label, strings.Join(e.Have, ", "))
}

// Unwrap returns store.ErrNoSnapshot.
func (e *LabelError) Unwrap() error { return store.ErrNoSnapshot }

// Range returns the snapshots of ordered (as Order returns them) from the
// one labelled from to the one labelled to, both included; "" means the
// first or the last. It fails with a *LabelError when a label is unknown,
// and with ErrReversed when from comes after to.
func Range(ordered []store.Snapshot, from, to string) ([]store.Snapshot, error) {
	i, j := 0, len(ordered)-1
	find := func(label string) (int, error) {
		for k, s := range ordered {
			if s.Label == label {
				return k, nil
			}
		}
		labels := make([]string, len(ordered))
		for k, s := range ordered {
			labels[k] = s.Label
		}
		return 0, &LabelError{Label: label, Have: labels}
	}
	var err error
	if from != "" {
		if i, err = find(from); err != nil {
			return nil, err
		}
	}
	if to != "" {
		if j, err = find(to); err != nil {
			return nil, err
		}
	}
	if i > j {
		return nil, fmt.Errorf("%w: snapshot %s comes after %s in snapshot order", ErrReversed, from, to)
	}
	return ordered[i : j+1], nil
}

// TrendInput is one snapshot of a trend: its report view (built without
// addresses) and its method.
type TrendInput struct {
	View    *report.View
	Created time.Time
	Method  Method
}

// Trend is the headline figures and per-product counts of several
// snapshots, oldest first. Its JSON encoding is the document of orchex
// trend --format json (docs/compare.md); slices are never nil.
type Trend struct {
	SchemaVersion int    `json:"schema_version"`
	Order         string `json:"order"` // ByQuarter or ByCreated
	// Products are the product ids with services in any snapshot, by
	// services in the last snapshot descending, then id; every point's
	// Products follow this order.
	Products      []string `json:"products"`
	Snapshots     []Point  `json:"snapshots"`
	MethodChanges []Step   `json:"method_changes"`
	// Scope names the scope whose services alone are counted (trend
	// --scope); "" (absent from the JSON) for every service.
	Scope string `json:"scope,omitempty"`
}

// Point is one snapshot of a trend. Completeness says whether every run
// that filled the snapshot ran to its end: an incomplete snapshot's
// figures are lower bounds, and a trend flags it.
type Point struct {
	Snapshot     string              `json:"snapshot"`
	Created      time.Time           `json:"created"`
	Completeness report.Completeness `json:"completeness"`
	Headline     report.Headline     `json:"headline"`
	Products     []ProductCount      `json:"products"`
	// Support is the snapshot's support status, judged on its own as-of
	// day; absent when the trend was made without release data.
	Support *PointSupport `json:"support,omitempty"`
	Method  Method        `json:"method"`
}

// PointSupport is a snapshot's support figures in a trend: of the
// services that named a version, how many run a release past its end of
// life on the snapshot's as-of day (report.Support).
type PointSupport struct {
	AsOf          string  `json:"as_of"`
	WithVersion   int     `json:"with_version"`
	EndOfLife     int     `json:"end_of_life"`
	Share         float64 `json:"share"` // end_of_life / with_version; 0 when no version
	OpenEndOfLife int     `json:"open_end_of_life"`
	// Products has one entry per product of the trend's Products with a
	// support calendar, in that order.
	Products []ProductSupport `json:"products"`
}

// ProductSupport is one product's support figures in a snapshot.
type ProductSupport struct {
	Product       string  `json:"product"`
	WithVersion   int     `json:"with_version"`
	EndOfLife     int     `json:"end_of_life"`
	Share         float64 `json:"share"`
	OpenEndOfLife int     `json:"open_end_of_life"`
	// Judged is false when the share says nothing (no version named, or
	// no support calendar): text prints a dash.
	Judged bool `json:"-"`
}

// ProductCount is one product's services, open and likely-open services
// in a snapshot.
type ProductCount struct {
	Product    string `json:"product"`
	Name       string `json:"name"`
	Services   int    `json:"services"`
	Open       int    `json:"open"`
	LikelyOpen int    `json:"likely_open"`
}

// Step is a change of method between two consecutive snapshots.
type Step struct {
	From        string       `json:"from"`
	To          string       `json:"to"`
	Differences []Difference `json:"differences"`
}

// NewTrend builds the trend of in, which must already be in order (see
// Order); order is the Order used, recorded in the output.
func NewTrend(in []TrendInput, order string) *Trend {
	t := &Trend{SchemaVersion: SchemaVersion, Order: order, Products: []string{}, Snapshots: []Point{}, MethodChanges: []Step{}}
	last := map[string]int{}
	names := map[string]string{}
	for _, x := range in {
		for _, r := range x.View.ByProduct {
			if r.Services == 0 {
				continue
			}
			if _, ok := last[r.Product]; !ok {
				t.Products = append(t.Products, r.Product)
			}
			names[r.Product] = r.Name
			last[r.Product] = 0
		}
	}
	if len(in) > 0 {
		for _, r := range in[len(in)-1].View.ByProduct {
			if _, ok := last[r.Product]; ok {
				last[r.Product] = r.Services
			}
		}
	}
	slices.SortFunc(t.Products, func(x, y string) int {
		if c := cmp.Compare(last[y], last[x]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	for k, x := range in {
		p := Point{Snapshot: x.View.Snapshot, Created: x.Created.UTC(), Headline: x.View.Headline, Products: []ProductCount{}, Method: x.Method,
			Completeness: report.Completeness{Complete: x.View.Completeness.Complete, Reasons: append([]string{}, x.View.Completeness.Reasons...)}}
		rows := map[string]report.ProductRow{}
		for _, r := range x.View.ByProduct {
			rows[r.Product] = r
		}
		for _, id := range t.Products {
			r := rows[id]
			p.Products = append(p.Products, ProductCount{Product: id, Name: cmp.Or(names[id], id), Services: r.Services, Open: r.Open, LikelyOpen: r.LikelyOpen})
		}
		if s := x.View.Support; s != nil {
			p.Support = pointSupport(s, t.Products)
		}
		t.Snapshots = append(t.Snapshots, p)
		if k > 0 {
			if d := Differences(in[k-1].Method, x.Method); len(d) > 0 {
				t.MethodChanges = append(t.MethodChanges, Step{From: in[k-1].View.Snapshot, To: x.View.Snapshot, Differences: d})
			}
		}
	}
	return t
}

// pointSupport is a view's support figures for the products of a trend
// that have a support calendar, in the trend's order.
func pointSupport(s *report.Support, products []string) *PointSupport {
	t := s.Total
	ps := &PointSupport{AsOf: s.AsOf, WithVersion: t.WithVersion, EndOfLife: t.EndOfLife, Share: t.Share, OpenEndOfLife: t.OpenEndOfLife,
		Products: []ProductSupport{}}
	rows := map[string]report.SupportRow{}
	for _, r := range s.Products {
		rows[r.Product] = r
	}
	for _, id := range products {
		if rule, ok := eol.RuleFor(id); !ok || rule.Calendar == "" {
			continue
		}
		r := rows[id]
		ps.Products = append(ps.Products, ProductSupport{Product: id, WithVersion: r.WithVersion, EndOfLife: r.EndOfLife, Share: r.Share,
			OpenEndOfLife: r.OpenEndOfLife, Judged: r.HasShare()})
	}
	return ps
}
