package shodan_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

func texts(ns []source.Narrowed) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text)
	}
	return out
}

func TestNarrow(t *testing.T) {
	n := source.Narrowing{
		CIDRs:     []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/48"), netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("203.0.113.64/26")},
		ASNs:      []uint32{64501, 64500},
		Orgs:      []string{"ACME Corp", "Example, Inc.", "Beta GmbH"},
		Domains:   []string{"Acme.Example."},
		Countries: []string{"nl", "DE"},
	}
	got, err := shodan.Narrow(` product:"kubernetes" `, n, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`product:"kubernetes" net:203.0.113.0/24,2001:db8:1::/48`,
		`product:"kubernetes" asn:AS64500,AS64501`,
		`product:"kubernetes" org:"ACME Corp,Beta GmbH"`,
		`product:"kubernetes" org:"Example, Inc."`,
		`product:"kubernetes" hostname:acme.example`,
		`product:"kubernetes" country:DE,NL`,
	}
	if !reflect.DeepEqual(texts(got), want) {
		t.Errorf("queries:\n%s\nwant\n%s", strings.Join(texts(got), "\n"), strings.Join(want, "\n"))
	}
	// What the queries carry adds up to the normalized narrowing.
	var all source.Narrowing
	for _, q := range got {
		all.CIDRs = append(all.CIDRs, q.Carries.CIDRs...)
		all.ASNs = append(all.ASNs, q.Carries.ASNs...)
		all.Orgs = append(all.Orgs, q.Carries.Orgs...)
		all.Domains = append(all.Domains, q.Carries.Domains...)
		all.Countries = append(all.Countries, q.Carries.Countries...)
	}
	if !reflect.DeepEqual(all.Normalized(), n.Normalized()) {
		t.Errorf("carried %+v, want %+v", all.Normalized(), n.Normalized())
	}
}

func TestNarrowSplitsLongLists(t *testing.T) {
	var n source.Narrowing
	for i := range 250 {
		n.CIDRs = append(n.CIDRs, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16))
	}
	got, err := shodan.Narrow("port:2375", n, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// After "port:2375 net:" (14 bytes), 10.0.0.0/16 to 10.9.0.0/16 take 11
	// bytes, 10.10.0.0/16 to 10.99.0.0/16 12 and the rest 13, plus a comma
	// between two: each query is filled until the next network would pass
	// 1,000 bytes.
	counts := []int{}
	for i, q := range got {
		if i+1 < len(got) {
			if next := got[i+1].Carries.CIDRs[0].String(); len(q.Text)+1+len(next) <= shodan.NarrowMaxChars {
				t.Errorf("query %d (%d bytes) had room for %s", i, len(q.Text), next)
			}
		}
		if len(q.Text) > shodan.NarrowMaxChars {
			t.Errorf("query of %d bytes", len(q.Text))
		}
		if !strings.HasPrefix(q.Text, "port:2375 net:10.") || strings.Count(q.Text, ",")+1 != len(q.Carries.CIDRs) {
			t.Errorf("query %q does not carry its %d networks", q.Text, len(q.Carries.CIDRs))
		}
		counts = append(counts, len(q.Carries.CIDRs))
	}
	if want := []int{76, 72, 70, 32}; !reflect.DeepEqual(counts, want) {
		t.Errorf("networks per query = %v, want %v", counts, want)
	}
	// The value cap applies before the length cap.
	got, err = shodan.Narrow("port:2375", n, source.Limits{MaxValues: 100, MaxChars: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	counts = counts[:0]
	for _, q := range got {
		counts = append(counts, len(q.Carries.CIDRs))
	}
	if want := []int{100, 100, 50}; !reflect.DeepEqual(counts, want) {
		t.Errorf("networks per query = %v, want %v", counts, want)
	}
}

func TestNarrowRefuses(t *testing.T) {
	asn := source.Narrowing{ASNs: []uint32{64500}}
	for _, tt := range []struct {
		base string
		n    source.Narrowing
		says string
	}{
		{`product:"etcd" OR port:2379`, asn, "OR"},
		{`product:"etcd" or port:2379`, asn, "OR"},
		{`http.title:"Kubernetes`, asn, "unterminated quote"},
		{`port:443 net:198.51.100.0/24`, asn, "already has a net: filter"},
		{`port:443 -country:CN`, asn, "already has a country: filter"},
		{``, asn, "empty"},
		{`port:443`, source.Narrowing{}, "selects nothing"},
		{`port:443`, source.Narrowing{Orgs: []string{`ACME "Best" Corp`}}, "quote"},
		{`port:443`, source.Narrowing{Domains: []string{"bücher.example"}}, "xn--"},
		{strings.Repeat("x", 995), asn, "over the 1000-byte limit"},
	} {
		_, err := shodan.Narrow(tt.base, tt.n, source.Limits{})
		var ne *source.NarrowError
		if !errors.Is(err, source.ErrCannotNarrow) || !errors.As(err, &ne) || !strings.Contains(err.Error(), tt.says) || ne.Engine != "shodan" {
			t.Errorf("Narrow(%q, %+v) = %v, want a NarrowError saying %q", tt.base, tt.n, err, tt.says)
		}
	}
	// A phrase with OR inside quotes is a phrase, not an operator.
	if _, err := shodan.Narrow(`http.title:"Sign in OR register"`, asn, source.Limits{}); err != nil {
		t.Errorf("quoted OR: %v", err)
	}
}

// TestNarrowAgainstFake collects narrowed queries from the fake, which
// evaluates the filters itself, and checks that together they fetch
// exactly the banners of the narrowing's networks.
func TestNarrowAgainstFake(t *testing.T) {
	const base = `product:"kubernetes"`
	type host struct {
		ip, asn, org, country string
		names                 []string
	}
	hosts := []host{
		{"203.0.113.5", "AS64999", "Other", "US", nil},                            // in the CIDR
		{"203.0.114.5", "AS64500", "Other", "US", nil},                            // in the ASN
		{"198.51.100.9", "AS64999", "ACME Corp", "US", nil},                       // the org
		{"198.51.100.10", "AS64999", "Other", "US", []string{"k8s.acme.example"}}, // under the domain
		{"2001:db8:1::7", "AS64999", "Other", "US", nil},                          // in the IPv6 CIDR
		{"2001:db8:2::7", "AS64999", "Other", "US", nil},                          // outside
		{"192.0.2.1", "AS64999", "Other", "DE", nil},                              // the country
		{"192.0.2.2", "AS64999", "Other", "FR", []string{"notacme.example"}},      // nothing
	}
	var pop []json.RawMessage
	for _, h := range hosts {
		pop = append(pop, shodantest.Banner{IP: h.ip, Port: 6443, Product: "Kubernetes", ASN: h.asn, Org: h.org, Country: h.country, Hostnames: h.names}.JSON())
	}
	srv := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 500, Burst: 2,
		Population: func(q string) []json.RawMessage {
			if q != base { // the fake must hand the population the base query
				return nil
			}
			return pop
		}})
	defer srv.Close()
	c := newClient(srv.URL(), "k", nil)
	qs, err := shodan.Narrow(base, source.Narrowing{
		CIDRs:     []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8:1::/48")},
		ASNs:      []uint32{64500},
		Orgs:      []string{"ACME Corp"},
		Domains:   []string{"acme.example"},
		Countries: []string{"DE"},
	}, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, q := range qs {
		p, err := c.Fetch(context.Background(), source.Query{ID: fmt.Sprint("q", i), Text: q.Text}, 1, "")
		if err != nil {
			t.Fatalf("%s: %v", q.Text, err)
		}
		kind, _, _ := strings.Cut(strings.TrimPrefix(q.Text, base+" "), ":")
		if want := map[string]int{"net": 2, "asn": 1, "org": 1, "hostname": 1, "country": 1}[kind]; len(p.Observations) != want {
			t.Errorf("%s: %d banners, want %d", q.Text, len(p.Observations), want)
		}
		for _, o := range p.Observations {
			got = append(got, o.Addr.String())
		}
	}
	slices.Sort(got)
	want := []string{"192.0.2.1", "198.51.100.10", "198.51.100.9", "2001:db8:1::7", "203.0.113.5", "203.0.114.5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fetched %v, want %v", got, want)
	}
	if st := srv.Stats(); st.Credits != len(qs) {
		t.Errorf("credits = %d, want %d: every narrowed query has a filter", st.Credits, len(qs))
	}
}
