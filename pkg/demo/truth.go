package demo

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/eol"
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
	honeypots := p.honeypotHosts()
	hosts := make(map[string]bool)
	byProduct := make(map[string]*ProductTruth)
	for _, s := range p.Services {
		if honeypots[s.Addr] {
			t.HoneypotServices++
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
	t.HoneypotHosts = len(honeypots)
	for _, pt := range byProduct {
		t.Products = append(t.Products, *pt)
	}
	slices.SortFunc(t.Products, func(a, b ProductTruth) int { return strings.Compare(a.Product, b.Product) })
	return t
}

// honeypotHosts returns the addresses whose services orchex's
// many-families rule (normalize.ManyFamilies) flags, as the store does.
func (p *Population) honeypotHosts() map[netip.Addr]bool {
	families := make(map[netip.Addr][]string)
	for _, s := range p.Services {
		families[s.Addr] = append(families[s.Addr], Family(s.Product))
	}
	out := make(map[netip.Addr]bool)
	for a, fs := range families {
		if normalize.ManyFamilies(fs) {
			out[a] = true
		}
	}
	return out
}

// SupportTruth is one product's true support counts: its services whose
// banners show a version, those of them running a release past its end
// of life, and those both open and end of life.
type SupportTruth struct {
	Product       string
	WithVersion   int
	EndOfLife     int
	OpenEndOfLife int
}

// Support returns the true support counts of the population's services,
// the services of honeypot hosts left out as in Truth, judged by d on
// asOf (the demo's date), sorted by product: the version of a service is
// the one its banners show (ReportedVersion).
func (p *Population) Support(d *eol.Data, asOf time.Time) ([]SupportTruth, error) {
	t, err := eol.NewTally(d, asOf)
	if err != nil {
		return nil, err
	}
	honeypots := p.honeypotHosts()
	for i := range p.Services {
		s := &p.Services[i]
		if honeypots[s.Addr] {
			continue
		}
		t.Add(eol.Facts{Product: s.Product, Version: ReportedVersion(s), Auth: s.Auth}, 1)
	}
	var out []SupportTruth
	for _, f := range t.Support().Products {
		if f.WithVersion > 0 {
			out = append(out, SupportTruth{Product: f.Product, WithVersion: f.WithVersion, EndOfLife: f.EndOfLife, OpenEndOfLife: f.OpenEndOfLife})
		}
	}
	return out, nil
}

// ReportedVersion is the version a correct pipeline reads from s's
// banners (lookFor, the Shodan and Censys renderers): the Kubernetes
// version of an API server that Shodan saw or that answered Censys over
// HTTP, a kubelet's that Shodan saw (its version field), the version the
// etcd, Docker, Rancher and OpenShift console answers state, Kong's
// Admin API body or Server header (the enterprise build answers 401),
// the Mesos and Swarmpit version endpoints read without credentials; ""
// when no banner states one.
func ReportedVersion(s *Service) string {
	switch s.Product {
	case "kubernetes-api":
		if s.Shodan || s.Auth == model.AuthOpen || s.Auth == model.AuthRequired {
			return s.Version
		}
	case "kubelet":
		if s.Shodan {
			return s.Version
		}
	case "openshift-api", "etcd", "docker-engine", "rancher", "openshift-console":
		return s.Version
	case "kong-admin":
		if s.Auth == model.AuthRequired {
			return "3.4.2.0-enterprise-edition"
		}
		return "3.4.2"
	case "mesos-master":
		if s.Auth == model.AuthOpen {
			return "1.11.0"
		}
	case "swarmpit":
		if s.Auth == model.AuthOpen {
			return "1.9"
		}
	}
	return ""
}
