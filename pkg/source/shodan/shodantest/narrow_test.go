package shodantest

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
)

func TestSplitNarrowing(t *testing.T) {
	for _, tt := range []struct {
		query, base, name string
		values            int
	}{
		{`product:"etcd" net:203.0.113.0/24,2001:db8::/32`, `product:"etcd"`, "net", 2},
		{`port:443 org:"ACME Corp,Example, Inc."`, `port:443`, "org", 3},
		{`a b hostname:acme.example`, `a b`, "hostname", 1},
		{`http.title:"x net:203.0.113.0/24"`, `http.title:"x net:203.0.113.0/24"`, "", 0}, // inside a phrase
		{`port:443 net:not-a-cidr`, `port:443 net:not-a-cidr`, "", 0},
		{`port:443 product:x`, `port:443 product:x`, "", 0},
		{`country:DE`, `country:DE`, "", 0}, // no base: not a narrowing
	} {
		base, f, ok := splitNarrowing(tt.query)
		if base != tt.base || f.name != tt.name || len(f.values) != tt.values || ok != (tt.name != "") {
			t.Errorf("splitNarrowing(%q) = %q, %+v, %v", tt.query, base, f, ok)
		}
	}
}

func TestNarrowedPopulation(t *testing.T) {
	pop := []json.RawMessage{
		Banner{IP: "203.0.113.5", Port: 443, ASN: "AS64500", Org: "ACME Corp", Country: "DE", Hostnames: []string{"www.acme.example"}}.JSON(),
		Banner{IP: "2001:db8::5", Port: 443, ASN: "as64501", Org: "Other", Country: "NL"}.JSON(),
	}
	s := NewHandler(Config{Population: func(q string) []json.RawMessage {
		if q == "port:443" {
			return pop
		}
		return nil
	}})
	for q, want := range map[string]int{
		"port:443":                              2,
		"port:443 net:203.0.113.0/24":           1,
		"port:443 net:2001:db8::/32,10.0.0.0/8": 1,
		"port:443 asn:AS64500,AS64501":          2,
		`port:443 org:"acme"`:                   1,
		"port:443 hostname:acme.example":        1,
		"port:443 hostname:cme.example":         0,
		"port:443 country:NL":                   1,
		"port:80 country:NL":                    0,
	} {
		if got := s.population(q).Len(); got != want {
			t.Errorf("%s: %d banners, want %d", q, got, want)
		}
	}
}

// FuzzNarrowRoundTrip checks that the fake recovers the base query of
// every query shodan.Narrow writes, so that Config.Population sees the
// query it knows.
func FuzzNarrowRoundTrip(f *testing.F) {
	for _, q := range []string{`product:"kubernetes"`, `http.title:"a b" port:443`, `"Docker Containers:" port:2375`, `x`, `a "b c" d`} {
		f.Add(q, "ACME Corp")
	}
	f.Fuzz(func(t *testing.T, base, org string) {
		n := source.Narrowing{CIDRs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, ASNs: []uint32{64500},
			Orgs: []string{org}, Domains: []string{"acme.example"}, Countries: []string{"DE"}}
		qs, err := shodan.Narrow(base, n, source.Limits{})
		if err != nil {
			return
		}
		for _, q := range qs {
			got, _, ok := splitNarrowing(q.Text)
			if !ok || got != strings.TrimSpace(base) {
				t.Fatalf("splitNarrowing(%q) = %q, %v; want %q", q.Text, got, ok, strings.TrimSpace(base))
			}
		}
	})
}
