package assemble

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/store"
)

// Options are the reader's choices for a report.
type Options struct {
	Title            string // "" gives a title naming the snapshot
	IncludeAddresses bool   // list every service (never in published reports)
	// IncludeHoneypots counts the services of hosts flagged as honeypots
	// in every figure (and lists them, marked, with IncludeAddresses);
	// by default they are left out and counted in the method section.
	IncludeHoneypots bool
	// Filter, when set, counts only the services it keeps: one scope of
	// a scopes file (report --scopes FILE --scope NAME).
	Filter *Filter
	// Support is the release data that judges the services' versions
	// (docs/support.md); nil leaves the support figures out.
	Support *eol.Data
}

// Filter selects the services a report, diff or trend counts: the
// services of one scope (pkg/scope). Name says which, in titles and the
// method.
type Filter struct {
	Name string
	Keep func(*model.Service) bool
}

// Services returns the services of stream that f keeps, in stream's
// order; a nil f keeps every one.
func (f *Filter) Services(stream func(fn func(*model.Service) error) error) func(fn func(*model.Service) error) error {
	if f == nil {
		return stream
	}
	return func(fn func(*model.Service) error) error {
		return stream(func(s *model.Service) error {
			if !f.Keep(s) {
				return nil
			}
			return fn(s)
		})
	}
}

// Meta assembles what report.Build needs besides the services: the
// snapshot's provenance (catalog version, engines, imports, collected
// queries, range feeds, the typed counts of cloud tag disagreements and of
// clamped observation times, the export files imported, notes)
// and the catalog's product names. cat may be nil.
func Meta(ctx context.Context, st *store.Store, cat *catalog.Catalog, snap store.Snapshot, o Options) (report.Meta, error) {
	m := report.Meta{
		Snapshot:         snap.Label,
		Title:            o.Title,
		Created:          snap.Created,
		CatalogVersion:   snap.Meta.CatalogVersion,
		Observations:     snap.Observations,
		Disagreements:    snap.Meta.CloudDisagreements,
		Clamped:          snap.Meta.ClampedObservations,
		Exports:          snap.Meta.Exports,
		Notes:            snap.Meta.Notes,
		Incomplete:       snap.Meta.IncompleteReasons(),
		IncludeAddresses: o.IncludeAddresses,
		IncludeHoneypots: o.IncludeHoneypots,
		Support:          o.Support,
	}
	if o.Filter != nil {
		m.Scope = o.Filter.Name
	}
	if cat != nil {
		for _, p := range cat.Products() {
			m.Products = append(m.Products, report.ProductInfo{ID: p.ID, Name: p.Name, Family: p.Family, Category: p.Category})
		}
	}
	for _, e := range snap.Meta.Engines {
		m.Engines = append(m.Engines, e.Name)
	}
	for _, f := range snap.Meta.Feeds {
		m.CloudFeeds = append(m.CloudFeeds, report.CloudFeed{Provider: f.Provider, Date: f.Date, Token: f.Token, Prefixes: f.Prefixes})
	}
	for _, n := range snap.Meta.Narrowings {
		m.Narrowed = append(m.Narrowed, n.String())
	}
	imports, err := st.Imports(ctx, snap.Label)
	if err != nil {
		return m, err
	}
	for _, im := range imports {
		m.Inputs = append(m.Inputs, report.Input{Name: filepath.Base(im.File), Engine: string(im.Engine), Format: im.Format,
			SHA256: im.SHA256, Read: im.Read, Kept: im.Kept, Bad: im.Bad, Skipped: im.Skipped, At: im.At})
	}
	for _, q := range snap.Meta.Queries {
		m.Inputs = append(m.Inputs, report.Input{Name: "query " + q.ID, Engine: q.Engine, Format: "api",
			Read: q.Fetched, Kept: q.Kept, Bad: q.Bad, Skipped: q.Skipped, At: q.At, Truncated: q.Truncated})
	}
	return m, nil
}

// View builds the report view of snapshot label from its service groups,
// kept by the store as it writes services: a million-service snapshot
// reports in well under a second. Only Options.IncludeAddresses reads
// every service. With Options.Filter, the view is built by streaming the
// snapshot's services through the filter (report.Build): the groups
// count every service, not one scope's.
func View(ctx context.Context, st *store.Store, cat *catalog.Catalog, label string, o Options) (*report.View, error) {
	snap, err := st.Snapshot(ctx, label)
	if err != nil {
		return nil, err
	}
	m, err := Meta(ctx, st, cat, snap, o)
	if err != nil {
		return nil, err
	}
	if o.Filter != nil {
		// A scope's services are judged on the whole snapshot's day, as
		// the census report judges them.
		if o.Support != nil {
			if m.AsOf, err = AsOf(ctx, st, label, o.IncludeHoneypots); err != nil {
				return nil, err
			}
		}
		return report.Build(ctx, m, o.Filter.Services(func(fn func(*model.Service) error) error {
			return st.Services(ctx, label, fn)
		}))
	}
	hosts, err := st.ProductHosts(ctx, label)
	if err != nil {
		return nil, err
	}
	honeyHosts, _, err := st.HoneypotCounts(ctx, label)
	if err != nil {
		return nil, err
	}
	honeyProducts, err := st.HoneypotProductHosts(ctx, label)
	if err != nil {
		return nil, err
	}
	return report.BuildGrouped(ctx, m, report.Grouped{
		HoneypotHosts:        honeyHosts,
		HoneypotProductHosts: honeyProducts,
		Groups: func(fn func(*model.ServiceGroup) error) error {
			return st.Groups(ctx, label, fn)
		},
		Hosts:        snap.Hosts,
		ProductHosts: hosts,
		Services: func(fn func(*model.Service) error) error {
			return st.Services(ctx, label, fn)
		},
		Named: func(fn func(*model.Service) error) error {
			return st.ServicesNamed(ctx, label, eol.AKSZone, fn)
		},
	})
}

// AsOf returns the day a snapshot's support status is judged on: its
// newest observation (the last sighting of the services a report counts:
// honeypot hosts' only when includeHoneypots), from its service groups.
// It is the zero time for a snapshot with no such service.
func AsOf(ctx context.Context, st *store.Store, label string, includeHoneypots bool) (time.Time, error) {
	var last time.Time
	err := st.Groups(ctx, label, func(g *model.ServiceGroup) error {
		if (g.Honeypot == 0 || includeHoneypots) && g.LastSeen.After(last) {
			last = g.LastSeen
		}
		return nil
	})
	return last, err
}

// Method returns a snapshot and its method (catalog version, engines of
// collections and imports, range feeds), what decides whether two
// snapshots can be compared.
func Method(ctx context.Context, st *store.Store, label string) (store.Snapshot, compare.Method, error) {
	snap, err := st.Snapshot(ctx, label)
	if err != nil {
		return snap, compare.Method{}, err
	}
	imports, err := st.Imports(ctx, label)
	if err != nil {
		return snap, compare.Method{}, err
	}
	return snap, compare.MethodOf(snap.Meta, imports), nil
}

// DiffInput is one side of a diff, its services streamed from the store.
func DiffInput(ctx context.Context, st *store.Store, label string) (compare.Input, error) {
	return DiffInputFiltered(ctx, st, label, nil)
}

// DiffInputFiltered is DiffInput for the services f keeps (f may be
// nil): one scope's side of a diff.
func DiffInputFiltered(ctx context.Context, st *store.Store, label string, f *Filter) (compare.Input, error) {
	snap, m, err := Method(ctx, st, label)
	if err != nil {
		return compare.Input{}, err
	}
	return compare.Input{
		Label: snap.Label, Created: snap.Created, Method: m, Incomplete: snap.Meta.IncompleteReasons(),
		Services: f.Services(func(fn func(*model.Service) error) error { return st.Services(ctx, snap.Label, fn) }),
	}, nil
}

// Compare returns the comparison of a report of snapshot now with the
// earlier snapshot label (report --compare), and how the two methods
// differ (nil when they were made the same way). The earlier view counts
// honeypots as o says, and only the services o.Filter keeps (a scope's
// report compared with the same scope's earlier figures), as the report's
// own does.
func Compare(ctx context.Context, st *store.Store, cat *catalog.Catalog, label, now string, o Options) (*report.Comparison, []compare.Difference, error) {
	if label == now {
		return nil, nil, fmt.Errorf("assemble: compare %s with itself", now)
	}
	_, ma, err := Method(ctx, st, label)
	if err != nil {
		return nil, nil, err
	}
	_, mb, err := Method(ctx, st, now)
	if err != nil {
		return nil, nil, err
	}
	diffs := compare.Differences(ma, mb)
	v, err := View(ctx, st, cat, label, Options{IncludeHoneypots: o.IncludeHoneypots, Filter: o.Filter, Support: o.Support})
	if err != nil {
		return nil, nil, err
	}
	texts := make([]string, len(diffs))
	for i, d := range diffs {
		texts[i] = d.String()
	}
	return report.NewComparison(v, texts), diffs, nil
}

// Trend builds the trend of the snapshots from..to ("" for the first or
// the last), ordered by compare.Order; each snapshot's view counts
// honeypots as o says and only the services o.Filter keeps (each
// snapshot's services streamed through it). It returns
// [ErrNoSnapshots] wrapped when the store holds none, and a *RangeError
// for a range its snapshots cannot give.
func Trend(ctx context.Context, st *store.Store, cat *catalog.Catalog, from, to string, o Options) (*compare.Trend, error) {
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return nil, fmt.Errorf("assemble: %s: %w", st.Path(), ErrNoSnapshots)
	}
	ordered, order := compare.Order(snaps)
	sel, err := compare.Range(ordered, from, to)
	if err != nil {
		if lerr := (*compare.LabelError)(nil); errors.As(err, &lerr) {
			err = Suggest(ctx, st, err, lerr.Label)
		}
		return nil, &RangeError{Err: err}
	}
	var in []compare.TrendInput
	for _, s := range sel {
		_, m, err := Method(ctx, st, s.Label)
		if err != nil {
			return nil, err
		}
		v, err := View(ctx, st, cat, s.Label, Options{IncludeHoneypots: o.IncludeHoneypots, Filter: o.Filter, Support: o.Support})
		if err != nil {
			return nil, err
		}
		in = append(in, compare.TrendInput{View: v, Created: s.Created, Method: m})
	}
	t := compare.NewTrend(in, order)
	if o.Filter != nil {
		t.Scope = o.Filter.Name
	}
	return t, nil
}
