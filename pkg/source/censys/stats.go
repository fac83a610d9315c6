package censys

import (
	"context"
	"fmt"
	"slices"

	"github.com/orchex/orchex/pkg/source"
)

// Facet names one aggregated field for facet statistics: Name is orchex's
// label ("country", "asn", "port", "product"), V3 and V2 the field in each
// API.
type Facet struct {
	Name string
	V3   string
	V2   string
}

// Facets are the fields the Censys clients count, in display order.
func Facets() []Facet {
	return []Facet{
		{"country", "host.location.country_code", "location.country_code"},
		{"asn", "host.autonomous_system.asn", "autonomous_system.asn"},
		{"port", "host.services.port", "services.port"},
		{"product", "host.services.software.product", "services.software.product"},
	}
}

// aggregator is what both clients offer for facet statistics.
type aggregator interface {
	Aggregate(ctx context.Context, query, field string, n int) (*Aggregate, error)
}

// DefaultFacets returns the names of [Facets].
func (c *Client) DefaultFacets() []string { return facetNames() }

// DefaultFacets returns the names of [Facets].
func (c *V2Client) DefaultFacets() []string { return facetNames() }

// FacetStats implements [source.Faceter]: one aggregate call per facet
// named (1 credit each on Core), no call for a name that is not one of
// [Facets], and one call for the total when no name is.
func (c *Client) FacetStats(ctx context.Context, q source.Query, names []string, n int) (*source.FacetStats, error) {
	return facetStats(ctx, c, q.Text, names, n, false)
}

// FacetStats implements [source.Faceter] with the v2 aggregate endpoint.
func (c *V2Client) FacetStats(ctx context.Context, q source.Query, names []string, n int) (*source.FacetStats, error) {
	return facetStats(ctx, c, q.Text, names, n, true)
}

func facetNames() []string {
	var out []string
	for _, f := range Facets() {
		out = append(out, f.Name)
	}
	return out
}

func facetStats(ctx context.Context, a aggregator, query string, names []string, n int, v2 bool) (*source.FacetStats, error) {
	if n <= 0 {
		n = 10
	}
	out := &source.FacetStats{}
	for _, name := range names {
		i := slices.IndexFunc(Facets(), func(f Facet) bool { return f.Name == name })
		if i < 0 {
			out.Unsupported = append(out.Unsupported, name)
			continue
		}
		f := Facets()[i]
		field := f.V3
		if v2 {
			field = f.V2
		}
		agg, err := a.Aggregate(ctx, query, field, n)
		if err != nil {
			return out, fmt.Errorf("facet %s: %w", f.Name, err)
		}
		out.Credits += agg.Credits
		out.Total = max(out.Total, agg.Total)
		fc := source.FacetCount{Name: f.Name, Other: agg.Other}
		for _, b := range agg.Buckets {
			fc.Buckets = append(fc.Buckets, source.Bucket{Value: b.Key, Count: b.Count})
		}
		out.Facets = append(out.Facets, fc)
	}
	if len(out.Facets) == 0 {
		// No facet to count: one call still gives the total.
		field := Facets()[2].V3
		if v2 {
			field = Facets()[2].V2
		}
		agg, err := a.Aggregate(ctx, query, field, 1)
		if err != nil {
			return out, fmt.Errorf("total: %w", err)
		}
		out.Credits, out.Total = agg.Credits, agg.Total
	}
	return out, nil
}
