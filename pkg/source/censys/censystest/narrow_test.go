package censystest

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
)

func TestMatchIP(t *testing.T) {
	v4 := decodeDocs([][]byte{[]byte(`{"ip":"203.0.113.10","autonomous_system":{"asn":64500}}`)}, nil)[0].m
	v6 := decodeDocs([][]byte{[]byte(`{"ip":"2001:db8:1::7"}`)}, nil)[0].m
	for _, tt := range []struct {
		query string
		doc   map[string]any
		want  bool
	}{
		{`host.ip: "203.0.113.0/24"`, v4, true},
		{`host.ip: '203.0.113.0/28'`, v4, true},
		{`host.ip: "203.0.113.16/28"`, v4, false},
		{`host.ip: "203.0.113.1"`, v4, false}, // an address is itself, not a prefix of the text
		{`host.ip: "203.0.113.10"`, v4, true},
		{`ip: "203.0.113.0/24"`, v4, true}, // v2
		{`host.ip: {"198.51.100.0/24", "203.0.113.0/24"}`, v4, true},
		{`host.ip: "2001:db8:1::/48"`, v6, true},
		{`host.ip: "2001:db8:2::/48"`, v6, false},
		{`host.ip: "203.0.113.0/24" or host.autonomous_system.asn: 1`, v6, false},
	} {
		if got := Match(tt.query, tt.doc); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestSplitScope(t *testing.T) {
	for _, tt := range []struct {
		query, base string
		filters     int
	}{
		{`(a: 1) and (host.ip: "203.0.113.0/24" or host.autonomous_system.asn: 64500)`, `a: 1`, 1},
		{`((a: 1) and (host.ip: "203.0.113.0/24")) and host.location.country_code: "DE"`, `a: 1`, 2},
		{`(a: 1) and (host.services.port: 443)`, `(a: 1) and (host.services.port: 443)`, 0}, // not a scope field
		{`(a: 1) and (host.ip: "203.0.113.0/24"`, `(a: 1) and (host.ip: "203.0.113.0/24"`, 0},
		{`(a: 1) or (host.ip: "203.0.113.0/24")`, `(a: 1) or (host.ip: "203.0.113.0/24")`, 0},
	} {
		base, fs := splitFilters(tt.query, false)
		if base != tt.base || len(fs) != tt.filters {
			t.Errorf("splitFilters(%q) = %q, %d filters; want %q, %d", tt.query, base, len(fs), tt.base, tt.filters)
		}
	}
}

// FuzzNarrowRoundTrip checks that the fake separates the base query and
// the scope filter of every query censys.Narrow writes.
func FuzzNarrowRoundTrip(f *testing.F) {
	for _, q := range []string{`host.services.port: 443 or host.services.port: 80`, `host.services: (port: 443 and protocol="HTTP")`,
		`a: "x) or (y"`, "a: `b\\`", `a: 'it\'s'`} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, base string) {
		n := source.Narrowing{CIDRs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, ASNs: []uint32{64500}}
		qs, err := censys.Narrow(base, n, source.Limits{})
		if err != nil {
			return
		}
		got, fs := splitFilters(qs[0].Text, false)
		if got != strings.TrimSpace(base) || len(fs) != 1 {
			t.Fatalf("splitFilters(%q) = %q, %d filters; want %q and the scope filter", qs[0].Text, got, len(fs), strings.TrimSpace(base))
		}
	})
}
