package scope_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/scope"
)

// TestDemoPopulationCounts selects services of the demo population (known
// truth) by IPv4 and IPv6 networks, ASN, organisation (in another case)
// and country, and checks each scope's service and open-service counts
// against a direct count over the truth.
func TestDemoPopulationCounts(t *testing.T) {
	pop := demo.Generate(demo.Config{Seed: 7, Size: 5000})
	var b strings.Builder
	b.WriteString("scopes:\n")
	type truth func(s *demo.Service) bool
	var truths []truth
	var names []string
	add := func(name, selector string, in truth) {
		fmt.Fprintf(&b, "  - name: %s\n    %s\n", name, selector)
		truths = append(truths, in)
		names = append(names, name)
	}
	v4, v6 := 0, 0
	for _, blk := range pop.Blocks {
		if blk.Prefix.Addr().Is4() && v4 < 5 || blk.Prefix.Addr().Is6() && v6 < 5 {
			p := blk.Prefix
			add(fmt.Sprintf("block-%d-%d", v4, v6), fmt.Sprintf("cidrs: [%q]", p.String()), func(s *demo.Service) bool { return p.Contains(s.Addr) })
			if p.Addr().Is4() {
				v4++
			} else {
				v6++
			}
		}
	}
	if v4 == 0 || v6 == 0 {
		t.Fatalf("demo blocks: %d IPv4, %d IPv6; want both", v4, v6)
	}
	seenASN, seenOrg, seenCountry := map[uint32]bool{}, map[string]bool{}, map[string]bool{}
	for i := range pop.Services {
		s := &pop.Services[i]
		if a := s.ASN; a != 0 && !seenASN[a] && len(seenASN) < 5 {
			seenASN[a] = true
			add(fmt.Sprintf("asn-%d", a), fmt.Sprintf("asns: [%d]", a), func(s *demo.Service) bool { return s.ASN == a })
		}
		if o := s.Org; o != "" && !seenOrg[o] && len(seenOrg) < 5 {
			seenOrg[o] = true
			add(fmt.Sprintf("org-%d", len(seenOrg)), fmt.Sprintf("orgs: [%q]", strings.ToUpper(o)),
				func(s *demo.Service) bool { return strings.EqualFold(s.Org, o) })
		}
		if c := s.Country; c != "" && !seenCountry[c] && len(seenCountry) < 5 {
			seenCountry[c] = true
			add("country-"+c, fmt.Sprintf("countries: [%q]", strings.ToLower(c)), func(s *demo.Service) bool { return s.Country == c })
		}
	}
	set, err := scope.Parse("demo.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][2]int, len(names))  // services, open
	want := make([][2]int, len(names)) // from the truth
	var dst []int
	for i := range pop.Services {
		s := &pop.Services[i]
		svc := &model.Service{Key: model.Key{Addr: s.Addr, Port: s.Port, Transport: "tcp"}, ASN: s.ASN, Org: s.Org, Country: s.Country, Auth: s.Auth}
		f := scope.ServiceFacts(svc)
		dst = set.AppendMatches(dst[:0], &f)
		for _, id := range dst {
			got[id][0]++
			if svc.Auth == model.AuthOpen {
				got[id][1]++
			}
		}
		for id, in := range truths {
			if in(s) {
				want[id][0]++
				if s.Auth == model.AuthOpen {
					want[id][1]++
				}
			}
		}
	}
	for id, name := range names {
		if got[id] != want[id] || want[id][0] == 0 {
			t.Errorf("scope %s: %d services (%d open), truth %d (%d open)", name, got[id][0], got[id][1], want[id][0], want[id][1])
		}
	}
}
