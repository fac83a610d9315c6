package demo

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

// Truth is what a correct pipeline must report for a population, after
// deduplication, with the services of hosts that orchex's honeypot rule
// flags left out (and counted in HoneypotServices and HoneypotHosts).
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
	// HoneypotServices and HoneypotHosts count the services, and their
	// hosts, that the many-families rule (normalize.ManyFamilies) flags:
	// a host that random sharing gave five unrelated families. The demo
	// makes no engine-tagged honeypot.
	HoneypotServices int
	HoneypotHosts    int
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
	families := make(map[netip.Addr][]string)
	for _, s := range p.Services {
		families[s.Addr] = append(families[s.Addr], Family(s.Product))
	}
	hosts := make(map[string]bool)
	honeyHosts := make(map[netip.Addr]bool)
	byProduct := make(map[string]*ProductTruth)
	for _, s := range p.Services {
		if normalize.ManyFamilies(families[s.Addr]) {
			t.HoneypotServices++
			honeyHosts[s.Addr] = true
			continue
		}
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
	t.HoneypotHosts = len(honeyHosts)
	for _, pt := range byProduct {
		t.Products = append(t.Products, *pt)
	}
	slices.SortFunc(t.Products, func(a, b ProductTruth) int { return strings.Compare(a.Product, b.Product) })
	return t
}
