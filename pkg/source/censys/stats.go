package censys

import (
	"context"
	"fmt"
)

// Facet names one aggregated field for [Stats]: Name is orchex's label
// ("country", "asn", "port", "product"), V3 and V2 the field in each API.
type Facet struct {
	Name string
	V3   string
	V2   string
}

// Facets are the fields orchex stats aggregates, in display order.
func Facets() []Facet {
	return []Facet{
		{"country", "host.location.country_code", "location.country_code"},
		{"asn", "host.autonomous_system.asn", "autonomous_system.asn"},
		{"port", "host.services.port", "services.port"},
		{"product", "host.services.software.product", "services.software.product"},
	}
}

// FacetCount is the buckets of one facet.
type FacetCount struct {
	Name    string // Facet.Name
	Field   string // the field aggregated
	Buckets []Bucket
	Other   int64 // count of the values beyond the buckets
}

// Stats is the aggregate view of one query: Total matching hosts and the
// buckets of each of [Facets]. Credits is what the calls cost.
type Stats struct {
	Query   string
	Total   int64
	Facets  []FacetCount
	Credits int
}

// aggregator is what both clients offer for stats.
type aggregator interface {
	Aggregate(ctx context.Context, query, field string, n int) (*Aggregate, error)
}

// Stats aggregates query by every facet with n buckets each (one
// aggregate call per facet, 1 credit each on Core).
func (c *Client) Stats(ctx context.Context, query string, n int) (*Stats, error) {
	return stats(ctx, c, query, n, false)
}

// Stats aggregates query by every facet with n buckets each.
func (c *V2Client) Stats(ctx context.Context, query string, n int) (*Stats, error) {
	return stats(ctx, c, query, n, true)
}

func stats(ctx context.Context, a aggregator, query string, n int, v2 bool) (*Stats, error) {
	if n <= 0 {
		n = 10
	}
	out := &Stats{Query: query}
	for _, f := range Facets() {
		field := f.V3
		if v2 {
			field = f.V2
		}
		agg, err := a.Aggregate(ctx, query, field, n)
		if err != nil {
			return out, fmt.Errorf("stats %s: %w", f.Name, err)
		}
		out.Credits += agg.Credits
		out.Total = max(out.Total, agg.Total)
		out.Facets = append(out.Facets, FacetCount{Name: f.Name, Field: field, Buckets: agg.Buckets, Other: agg.Other})
	}
	return out, nil
}

// Stater is implemented by both Censys clients; the CLI's stats verb uses
// it without knowing which API was chosen.
type Stater interface {
	Stats(ctx context.Context, query string, n int) (*Stats, error)
}

var (
	_ Stater = (*Client)(nil)
	_ Stater = (*V2Client)(nil)
)
