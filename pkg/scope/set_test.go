package scope_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/scope"
)

const matchYAML = `scopes:
  - name: isp
    cidrs: ["10.0.0.0/8", "2001:db8::/32"]
  - name: customer
    cidrs: ["10.1.0.0/16"]
  - name: branch
    cidrs: ["10.1.2.0/24", "10.1.2.0/24"]
  - name: host
    cidrs: ["10.1.2.3"]
  - name: v6
    cidrs: ["2001:db8:1::/48"]
  - name: asn
    asns: [64500]
  - name: org
    orgs: ["ACME Corp", "Straße AG", "Ελληνικά ΑΕ"]
  - name: domain
    domains: ["acme.example", "bücher.example"]
  - name: country
    countries: ["de"]
  - name: twin
    cidrs: ["10.1.0.0/16"]
    countries: ["DE"]
`

func TestMatch(t *testing.T) {
	s, err := scope.Parse("m.yaml", []byte(matchYAML))
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddr
	for _, tt := range []struct {
		name string
		f    scope.Facts
		want []string
	}{
		{"outside", scope.Facts{Addr: addr("192.0.2.1")}, nil},
		{"zero facts", scope.Facts{}, nil},
		{"outer network only", scope.Facts{Addr: addr("10.9.9.9")}, []string{"isp"}},
		{"nested networks of different scopes all match", scope.Facts{Addr: addr("10.1.2.3")}, []string{"isp", "customer", "branch", "host", "twin"}},
		{"next to the /32", scope.Facts{Addr: addr("10.1.2.4")}, []string{"isp", "customer", "branch", "twin"}},
		{"IPv4-mapped IPv6 is IPv4", scope.Facts{Addr: addr("::ffff:10.1.2.3")}, []string{"isp", "customer", "branch", "host", "twin"}},
		{"IPv6 nested", scope.Facts{Addr: addr("2001:db8:1::5")}, []string{"isp", "v6"}},
		{"IPv6 outer", scope.Facts{Addr: addr("2001:db8:2::5")}, []string{"isp"}},
		{"IPv6 with a zone", scope.Facts{Addr: addr("2001:db8:1::5%eth0")}, []string{"isp", "v6"}},
		{"ASN", scope.Facts{ASN: 64500}, []string{"asn"}},
		{"other ASN", scope.Facts{ASN: 64501}, nil},
		{"org ignoring case and spaces", scope.Facts{Org: "  acme CORP "}, []string{"org"}},
		{"org is exact, not contains", scope.Facts{Org: "ACME Corporation"}, nil},
		{"org full case folding", scope.Facts{Org: "STRASSE AG"}, []string{"org"}},
		{"org Greek final sigma", scope.Facts{Org: "ελληνικα αε"}, nil}, // accents differ: not equal
		{"org Greek upper", scope.Facts{Org: "ΕΛΛΗΝΙΚΆ ΑΕ"}, []string{"org"}},
		{"domain itself", scope.Facts{Names: []string{"acme.example"}}, []string{"domain"}},
		{"under the domain, any case, trailing dot", scope.Facts{Names: []string{"API.Eu.ACME.example."}}, []string{"domain"}},
		{"wildcard TLS name", scope.Facts{Names: []string{"*.acme.example"}}, []string{"domain"}},
		{"not a suffix at a dot", scope.Facts{Names: []string{"notacme.example", "acme.example.org"}}, nil},
		{"IDNA: Unicode name", scope.Facts{Names: []string{"www.BÜCHER.example"}}, []string{"domain"}},
		{"IDNA: ASCII name", scope.Facts{Names: []string{"xn--bcher-kva.example"}}, []string{"domain"}},
		{"hostile names", scope.Facts{Names: []string{"", ".", "..", "*.", "\xff\xfe", strings.Repeat("a.", 600)}}, nil},
		{"country any case", scope.Facts{Country: "de"}, []string{"country", "twin"}},
		{"country unknown", scope.Facts{Country: "D"}, nil},
		{"every selector at once, each scope once", scope.Facts{Addr: addr("10.1.2.3"), ASN: 64500, Org: "acme corp",
			Country: "DE", Names: []string{"acme.example", "x.acme.example"}},
			[]string{"isp", "customer", "branch", "host", "asn", "org", "domain", "country", "twin"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Match(&tt.f)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match = %q, want %q", got, tt.want)
			}
			for i := 0; i < s.Len(); i++ {
				if in := s.Contains(i, &tt.f); in != slices.Contains(tt.want, s.Scope(i).Name) {
					t.Errorf("Contains(%s) = %v", s.Scope(i).Name, in)
				}
			}
		})
	}
}

func TestMatchServiceAndObservation(t *testing.T) {
	s, err := scope.Parse("m.yaml", []byte(matchYAML))
	if err != nil {
		t.Fatal(err)
	}
	svc := &model.Service{Key: model.Key{Addr: netip.MustParseAddr("203.0.113.9"), Port: 443, Transport: "tcp"},
		ASN: 64999, Org: "Other", Country: "FR", Hostnames: []string{"k8s.acme.example"}}
	if got := s.MatchService(svc); !reflect.DeepEqual(got, []string{"domain"}) {
		t.Errorf("MatchService = %q", got)
	}
	obs := &model.Observation{Addr: netip.MustParseAddr("203.0.113.9"), Org: "Other",
		TLS: &model.TLS{SubjectCN: "kube-apiserver", SANs: []string{"kubernetes.default", "api.acme.example"}}}
	f := scope.ObservationFacts(obs)
	if got := s.Match(&f); !reflect.DeepEqual(got, []string{"domain"}) {
		t.Errorf("Match(observation with a TLS name) = %q", got)
	}
}

func TestAppendMatchesDoesNotAllocate(t *testing.T) {
	s, err := scope.Parse("m.yaml", []byte(matchYAML))
	if err != nil {
		t.Fatal(err)
	}
	f := scope.Facts{Addr: netip.MustParseAddr("10.1.2.3"), ASN: 64500, Org: "ACME Corp", Country: "de",
		Names: []string{"Www.Acme.Example.", "other.example"}}
	dst := make([]int, 0, 16)
	if n := testing.AllocsPerRun(100, func() { dst = s.AppendMatches(dst[:0], &f) }); n != 0 {
		t.Errorf("AppendMatches allocates %.0f times", n)
	}
	if len(dst) != 9 {
		t.Errorf("matched %d scopes, want 9", len(dst))
	}
}

// TestMatchEqualsBruteForce compares the index with a loop over every
// network of every scope, on random nested and overlapping scopes.
func TestMatchEqualsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 71))
	yaml, scopes := randomScopes(r, 60, 12)
	s, err := scope.Parse("r.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	var dst []int
	for range 20000 {
		a := randomAddr(r)
		var want []int
		for i, ps := range scopes {
			for _, p := range ps {
				if p.Contains(a) {
					want = append(want, i)
					break
				}
			}
		}
		dst = s.AppendMatches(dst[:0], &scope.Facts{Addr: a})
		if !slices.Equal(dst, want) {
			t.Fatalf("%s: matched %v, brute force %v", a, dst, want)
		}
	}
}

// randomScopes returns a scopes file of n scopes with up to k networks
// each, drawn from a small space so that they nest and overlap, and the
// networks of each scope.
func randomScopes(r *rand.Rand, n, k int) (string, [][]netip.Prefix) {
	var b strings.Builder
	b.WriteString("scopes:\n")
	out := make([][]netip.Prefix, n)
	for i := range n {
		fmt.Fprintf(&b, "  - name: s%d\n    cidrs:\n", i)
		seen := map[netip.Prefix]bool{}
		for range 1 + r.IntN(k) {
			a := randomAddr(r)
			bits := 8 + r.IntN(25)
			if a.Is6() {
				bits = 16 + r.IntN(113)
			}
			p := netip.PrefixFrom(a, bits).Masked()
			if seen[p] {
				continue
			}
			seen[p] = true
			out[i] = append(out[i], p)
			fmt.Fprintf(&b, "      - %s\n", p)
		}
	}
	return b.String(), out
}

// randomAddr draws from 10.0.0.0/14 and 2001:db8::/46 so that random
// networks share address space.
func randomAddr(r *rand.Rand) netip.Addr {
	if r.IntN(4) == 0 {
		var a [16]byte
		copy(a[:], []byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(r.IntN(4))})
		for i := 6; i < 16; i++ {
			a[i] = byte(r.IntN(3))
		}
		return netip.AddrFrom16(a)
	}
	return netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(8)), byte(r.IntN(256))})
}
