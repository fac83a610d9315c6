package collect

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/source"
)

// StatsConfig asks engines for per-query facet counts.
type StatsConfig struct {
	Engines []source.Engine
	Catalog *catalog.Catalog
	Select  Selection
	// Facets are the facets to count; empty means each engine's defaults.
	// An engine is asked only for these (Censys charges a credit for
	// each).
	Facets []string
	Limit  int // values per facet; 0 means 10
	Events func(Event)
}

// StatsRow is one query's statistics, in the JSON shape `orchex stats`
// prints. Values are engine text: hostile, to be escaped on output.
type StatsRow struct {
	Engine  string       `json:"engine"`
	QueryID string       `json:"query_id"`
	Query   string       `json:"query"`
	Total   int64        `json:"total"`
	Facets  []StatsFacet `json:"facets"`
	// Credits is what the engine charged for this query's counts (Censys
	// charges each aggregate call; Shodan's facets are free), also when a
	// later call failed.
	Credits int    `json:"credits"`
	Error   string `json:"error,omitempty"`
}

// StatsFacet is the buckets of one facet, largest first as the engine
// sent them.
type StatsFacet struct {
	Name    string        `json:"name"`
	Buckets []StatsBucket `json:"buckets"`
	// Other counts the results with values beyond the buckets, when the
	// engine says (0 when it does not).
	Other int64 `json:"other,omitempty"`
}

// StatsBucket is one facet value and its count.
type StatsBucket struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// ErrNoStats means an engine cannot count facets.
var ErrNoStats = errors.New("facet statistics are not available for this engine")

// Stats asks each engine, one after the other, for every selected query's
// total and facet counts. A failed query is kept as a row with its error
// and in the joined error returned; an error that would fail every query
// (credentials, plan, retries exhausted) ends the engine there.
func Stats(ctx context.Context, cfg StatsConfig) ([]StatsRow, error) {
	r, err := newRunner(Config{Engines: cfg.Engines, Catalog: cfg.Catalog, Select: cfg.Select, Events: cfg.Events})
	if err != nil {
		return nil, err
	}
	limit := cfg.Limit
	if limit <= 0 {
		limit = 10
	}
	var rows []StatsRow
	var errs []error
	for i, e := range cfg.Engines {
		f := source.CapsOf(e).Facets
		if f == nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.Name(), ErrNoStats))
			continue
		}
		names := cfg.Facets
		if len(names) == 0 {
			names = f.DefaultFacets()
		}
		var skipped []string
		for _, q := range r.queries[i] {
			row := StatsRow{Engine: string(e.Name()), QueryID: q.ID, Query: q.Text}
			st, err := f.FacetStats(ctx, q, names, limit)
			if st != nil {
				row.Credits = st.Credits
			}
			if err != nil {
				if ctx.Err() != nil {
					return rows, ctx.Err()
				}
				row.Error = err.Error()
				rows = append(rows, row)
				errs = append(errs, fmt.Errorf("%s: stats %s: %w", e.Name(), q.ID, err))
				if _, stops := stopsEngine(err); stops {
					break
				}
				continue
			}
			for _, name := range st.Unsupported {
				if !slices.Contains(skipped, name) {
					skipped = append(skipped, name)
					r.emit(FacetSkipped{Engine: e.Name(), Facet: name, Known: f.DefaultFacets()})
				}
			}
			row.Total = st.Total
			for _, fc := range st.Facets {
				sf := StatsFacet{Name: fc.Name, Other: fc.Other}
				for _, b := range fc.Buckets {
					sf.Buckets = append(sf.Buckets, StatsBucket{Value: b.Value, Count: b.Count})
				}
				row.Facets = append(row.Facets, sf)
			}
			rows = append(rows, row)
		}
	}
	return rows, errors.Join(errs...)
}
