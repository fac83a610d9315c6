package demo

import (
	"slices"
	"strings"

	"github.com/orchex/orchex/pkg/model"
)

// Truth is what a correct pipeline must report for a population, after
// deduplication.
type Truth struct {
	Services           int
	Hosts              int
	Open               int
	AuthRequired       int
	Unknown            int
	KubernetesServices int
	KubernetesOpen     int
	AWS                int
	AWSUS              int
	ShodanOnly         int
	CensysOnly         int
	Both               int
	Products           []ProductTruth // sorted by product id
}

// ProductTruth is one product's true counts.
type ProductTruth struct {
	Product      string
	Services     int
	Open         int
	AuthRequired int
	Unknown      int
}

// Family returns the catalog family of a demo product id.
func Family(product string) string {
	for _, m := range productMix() {
		if m.id == product {
			return m.family
		}
	}
	return ""
}

// Truth computes the population's truth.
func (p *Population) Truth() Truth {
	var t Truth
	hosts := make(map[string]bool)
	byProduct := make(map[string]*ProductTruth)
	for _, s := range p.Services {
		t.Services++
		hosts[s.Addr.String()] = true
		pt := byProduct[s.Product]
		if pt == nil {
			pt = &ProductTruth{Product: s.Product}
			byProduct[s.Product] = pt
		}
		pt.Services++
		switch s.Auth {
		case model.AuthOpen:
			t.Open++
			pt.Open++
		case model.AuthRequired:
			t.AuthRequired++
			pt.AuthRequired++
		default:
			t.Unknown++
			pt.Unknown++
		}
		if Family(s.Product) == "kubernetes" {
			t.KubernetesServices++
			if s.Auth == model.AuthOpen {
				t.KubernetesOpen++
			}
		}
		if s.Provider == "aws" {
			t.AWS++
			if strings.HasPrefix(s.Region, "us-") {
				t.AWSUS++
			}
		}
		switch {
		case s.Shodan && s.Censys:
			t.Both++
		case s.Shodan:
			t.ShodanOnly++
		default:
			t.CensysOnly++
		}
	}
	t.Hosts = len(hosts)
	for _, pt := range byProduct {
		t.Products = append(t.Products, *pt)
	}
	slices.SortFunc(t.Products, func(a, b ProductTruth) int { return strings.Compare(a.Product, b.Product) })
	return t
}
