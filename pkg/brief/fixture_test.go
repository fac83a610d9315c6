package brief_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/scope"
)

// The fixture: two snapshots of services whose scope memberships are
// known from how they were made, and a scopes file that selects them by
// ASN, organisation, IPv4 and IPv6 network, country and domain.
const scopesYAML = `scopes:
  - name: by-asn
    asns: [64500]
    contacts: ["soc@asn.example"]
  - name: by-org
    orgs: ["beta gmbh"]
  - name: v4
    cidrs: ["198.51.100.0/25"]
    contacts: ["=cmd@v4.example", "noc@v4.example"]
    notes: Lab network.
  - name: v6
    cidrs: ["2001:db8:1::/48"]
  - name: country
    countries: ["nl"]
  - name: domain
    domains: ["acme.example"]
  - name: nested
    cidrs: ["198.51.100.0/24", "198.51.100.64/26"]
  - name: empty
    asns: [4200000000]
`

var (
	earlier = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	later   = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// truth says whether a service is in each scope of scopesYAML, by the
// same facts the generator used: an independent reading of the rules.
var truth = map[string]func(s *model.Service) bool{
	"by-asn":  func(s *model.Service) bool { return s.ASN == 64500 },
	"by-org":  func(s *model.Service) bool { return strings.EqualFold(s.Org, "Beta GmbH") },
	"v4":      func(s *model.Service) bool { return netip.MustParsePrefix("198.51.100.0/25").Contains(s.Addr) },
	"v6":      func(s *model.Service) bool { return netip.MustParsePrefix("2001:db8:1::/48").Contains(s.Addr) },
	"country": func(s *model.Service) bool { return s.Country == "NL" },
	"domain": func(s *model.Service) bool {
		return slices.ContainsFunc(s.Hostnames, func(h string) bool { return h == "acme.example" || strings.HasSuffix(h, ".acme.example") })
	},
	"nested": func(s *model.Service) bool { return netip.MustParsePrefix("198.51.100.0/24").Contains(s.Addr) },
	"empty":  func(*model.Service) bool { return false },
}

// hostile is banner text that must not break any output.
const hostile = "<script>alert(1)</script>|**b** [l](http://x.test)\n# h \u202eevil =1+1"

// snapshots returns the earlier and later snapshot, sorted. The later
// one keeps about 80% of the earlier services (some with their auth
// changed), and adds new ones.
func snapshots(seed uint64, n int) (a, b []model.Service) {
	r := rand.New(rand.NewPCG(seed, 17))
	products := []string{"kubernetes-api", "kubelet", "etcd", "docker-engine", "portainer", "not-in-catalog"}
	orgs := []string{"ACME Corp", "Beta GmbH", "Gamma LLC", hostile}
	countries := []string{"DE", "NL", "US"}
	addr := func() netip.Addr {
		switch r.IntN(4) {
		case 0:
			return netip.AddrFrom4([4]byte{198, 51, 100, byte(r.IntN(256))})
		case 1:
			return netip.AddrFrom4([4]byte{203, 0, 113, byte(r.IntN(256))})
		case 2:
			return netip.MustParseAddr(fmt.Sprintf("2001:db8:1::%x", r.IntN(4096)))
		}
		return netip.MustParseAddr(fmt.Sprintf("2001:db8:2:%x::1", r.IntN(4096)))
	}
	auth := func() (model.Auth, string) {
		switch r.IntN(3) {
		case 0:
			return model.AuthOpen, "200 API paths list on / (anonymous discovery allowed)"
		case 1:
			return model.AuthRequired, "401 Unauthorized (anonymous authentication disabled)"
		}
		return model.AuthUnknown, ""
	}
	gen := func(at time.Time) model.Service {
		s := model.Service{Key: model.Key{Addr: addr(), Port: []uint16{443, 6443, 2379, 10250, 2375, 9000}[r.IntN(6)], Transport: "tcp"},
			Product: products[r.IntN(len(products))], Version: "1." + fmt.Sprint(r.IntN(30)),
			ASN: uint32(64500 + r.IntN(3)), Org: orgs[r.IntN(len(orgs))], Country: countries[r.IntN(3)], City: "Berlin",
			Engines: model.Engines(1 + r.IntN(3)), Confidence: model.High,
			FirstSeen: at.Add(-time.Duration(r.IntN(1000)) * time.Hour), LastSeen: at.Add(-time.Duration(r.IntN(100)) * time.Hour),
			Cloud: model.CloudTag{Provider: []string{"", "aws", "gcp"}[r.IntN(3)], Region: []string{"", "us-east-1"}[r.IntN(2)]},
			Title: hostile}
		s.Auth, s.AuthEvidence = auth()
		switch r.IntN(5) {
		case 0:
			s.Hostnames = []string{"api.acme.example"}
		case 1:
			s.Hostnames = []string{"notacme.example", "=HYPERLINK(\"x\")"}
		case 2:
			s.Hostnames = []string{hostile}
		}
		if r.IntN(10) == 0 {
			s.ASN, s.Org = 0, ""
		}
		return s
	}
	seen := map[model.Key]bool{}
	for len(a) < n {
		s := gen(earlier)
		if !seen[s.Key] {
			seen[s.Key] = true
			a = append(a, s)
		}
	}
	for _, s := range a {
		if r.IntN(5) == 0 {
			continue // gone
		}
		if r.IntN(4) == 0 {
			s.Auth, s.AuthEvidence = auth()
		}
		if r.IntN(20) == 0 {
			s.ASN = 64500 // moved into the ASN scope: new there, gone elsewhere
		}
		s.LastSeen = later.Add(-time.Hour)
		b = append(b, s)
	}
	for range n / 4 {
		s := gen(later)
		if !seen[s.Key] {
			seen[s.Key] = true
			b = append(b, s)
		}
	}
	sortKeys(a)
	sortKeys(b)
	return a, b
}

func sortKeys(ss []model.Service) {
	slices.SortFunc(ss, func(x, y model.Service) int { return x.Key.Compare(y.Key) })
}

func stream(ss []model.Service) func(fn func(*model.Service) error) error {
	return func(fn func(*model.Service) error) error {
		for i := range ss {
			s := ss[i]
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

func loadScopes(t testing.TB) *scope.Set {
	t.Helper()
	set, err := scope.Parse("scopes.yaml", []byte(scopesYAML))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func embedded(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run selects every scope of the fixture, with or without the earlier
// snapshot; cfg adjusts the config.
func run(t testing.TB, a, b []model.Service, since bool, cfg func(*brief.Config)) *brief.Run {
	t.Helper()
	c := brief.Config{Scopes: loadScopes(t), Dir: t.TempDir(), Catalog: embedded(t),
		Now:  brief.Side{Label: "2026Q4", Created: later, Services: stream(b)},
		Meta: report.Meta{Snapshot: "2026Q4", CatalogVersion: "2026.11.1", Engines: []string{"shodan"}, Notes: []string{"A snapshot note."}}}
	if since {
		c.Since = &brief.Side{Label: "2026Q3", Created: earlier, Services: stream(a)}
	}
	if cfg != nil {
		cfg(&c)
	}
	r, err := brief.Select(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// want counts the fixture's truth for one scope.
func want(name string, a, b []model.Service) brief.Counts {
	in := truth[name]
	var c brief.Counts
	then := map[model.Key]*model.Service{}
	for i := range a {
		if in(&a[i]) {
			then[a[i].Key] = &a[i]
		}
	}
	hosts := map[netip.Addr]bool{}
	for i := range b {
		s := &b[i]
		if !in(s) {
			continue
		}
		c.Services++
		hosts[s.Addr] = true
		switch s.Auth {
		case model.AuthOpen:
			c.Open++
		case model.AuthRequired:
			c.AuthRequired++
		default:
			c.Unknown++
		}
		old, ok := then[s.Key]
		if !ok {
			c.New++
			if s.Auth == model.AuthOpen {
				c.NewOpen++
			}
			continue
		}
		delete(then, s.Key)
		c.Persisting++
		switch {
		case old.Auth == model.AuthOpen && s.Auth == model.AuthOpen:
			c.OpenBoth++
		case s.Auth == model.AuthOpen:
			c.NowOpen++
		case old.Auth == model.AuthOpen && s.Auth == model.AuthRequired:
			c.NowClosed++
		case old.Auth == model.AuthOpen:
			c.OpenToUnknown++
		}
	}
	for _, s := range then {
		c.Gone++
		if s.Auth == model.AuthOpen {
			c.GoneOpen++
		}
	}
	c.Hosts = len(hosts)
	return c
}
