package catalog

import (
	"fmt"

	"github.com/orchex/orchex/pkg/model"
)

// Listing is the catalog as 'orchex queries list --format json' prints it
// (docs/catalog.md): its families and products with their queries and
// rule counts. Its keys are stable.
type Listing struct {
	Version  string          `json:"version"`
	Families []ListedFamily  `json:"families"`
	Products []ListedProduct `json:"products"`
}

// ListedFamily is a family of a Listing.
type ListedFamily struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Notes string `json:"notes,omitempty"`
	File  string `json:"file"`
}

// ListedProduct is a product of a Listing.
type ListedProduct struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Family             string   `json:"family"`
	Category           string   `json:"category"`
	Priority           int      `json:"priority"`
	Shodan             []string `json:"shodan"`
	Censys             []string `json:"censys"`
	CensysV2           []string `json:"censys_v2"`
	FoundBy            string   `json:"found_by,omitempty"`
	AuthFrom           string   `json:"auth_from,omitempty"`
	MatchRules         int      `json:"match_rules"`
	AuthRules          int      `json:"auth_rules"`
	LowConfidenceMatch int      `json:"low_confidence_match_rules"`
	LowConfidenceAuth  int      `json:"low_confidence_auth_rules"`
	Notes              string   `json:"notes,omitempty"`
	File               string   `json:"file"`
}

// Listing returns the catalog's listing, families and products in the
// catalog's order; query lists are empty, never null.
func (c *Catalog) Listing() Listing {
	l := Listing{Version: c.Version(), Families: []ListedFamily{}, Products: []ListedProduct{}}
	for _, f := range c.Families() {
		l.Families = append(l.Families, ListedFamily{ID: f.ID, Name: f.Name, Notes: f.Notes, File: f.File})
	}
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	for _, p := range c.Products() {
		l.Products = append(l.Products, ListedProduct{
			ID: p.ID, Name: p.Name, Family: p.Family, Category: p.Category, Priority: p.Priority,
			Shodan: nonNil(p.Shodan), Censys: nonNil(p.Censys), CensysV2: nonNil(p.CensysV2),
			FoundBy: p.FoundBy, AuthFrom: p.AuthFrom,
			MatchRules: len(p.Match), AuthRules: len(p.Auth),
			LowConfidenceMatch: lowCount(p.Match), LowConfidenceAuth: lowCount(p.Auth),
			Notes: p.Notes, File: p.File,
		})
	}
	return l
}

// Confidence says how much of the product's recognition rests on
// unverified signals: "low: 1/3 match, 0/2 auth; auth also from
// kubernetes-api; found by kubernetes-api".
func (p ListedProduct) Confidence() string {
	s := fmt.Sprintf("low: %d/%d match, %d/%d auth", p.LowConfidenceMatch, p.MatchRules, p.LowConfidenceAuth, p.AuthRules)
	if p.AuthFrom != "" {
		s += "; auth also from " + p.AuthFrom
	}
	if p.FoundBy != "" {
		s += "; found by " + p.FoundBy
	}
	return s
}

// lowCount returns how many rules are low-confidence.
func lowCount(rules []Rule) int {
	n := 0
	for _, r := range rules {
		if r.Confidence == model.Low {
			n++
		}
	}
	return n
}
