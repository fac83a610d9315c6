package censys_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
)

var acme = source.Narrowing{
	CIDRs:     []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/48"), netip.MustParsePrefix("203.0.113.0/24")},
	ASNs:      []uint32{64500},
	Orgs:      []string{`ACME "Best" Corp`},
	Domains:   []string{"acme.example"},
	Countries: []string{"de"},
}

func TestNarrow(t *testing.T) {
	got, err := censys.Narrow(`host.services.port: 443 or host.services.port: 80`, acme, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := `(host.services.port: 443 or host.services.port: 80) and (` +
		`host.ip: "203.0.113.0/24" or host.ip: "2001:db8:1::/48" or host.autonomous_system.asn: 64500 or ` +
		`host.autonomous_system.name: "ACME \"Best\" Corp" or host.whois.organization.name: "ACME \"Best\" Corp" or ` +
		`host.dns.names: "acme.example" or host.dns.reverse_dns.names: "acme.example" or ` +
		`host.location.country_code: "DE")`
	if len(got) != 1 || got[0].Text != want {
		t.Fatalf("Narrow =\n%q\nwant\n%q", texts(got), want)
	}
	if !reflect.DeepEqual(got[0].Carries, acme.Normalized()) {
		t.Errorf("carries %+v", got[0].Carries)
	}
	got, err = censys.NarrowV2(`services.port: 443`, acme, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want = `(services.port: 443) and (` +
		`ip: "203.0.113.0/24" or ip: "2001:db8:1::/48" or autonomous_system.asn: 64500 or ` +
		`autonomous_system.name: "ACME \"Best\" Corp" or whois.organization.name: "ACME \"Best\" Corp" or ` +
		`dns.names: "acme.example" or dns.reverse_dns.names: "acme.example" or ` +
		`location.country_code: "DE")`
	if len(got) != 1 || got[0].Text != want {
		t.Fatalf("NarrowV2 =\n%q\nwant\n%q", texts(got), want)
	}
}

func texts(ns []source.Narrowed) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text)
	}
	return out
}

func TestNarrowSplitsLongLists(t *testing.T) {
	var n source.Narrowing
	for i := range 230 {
		n.CIDRs = append(n.CIDRs, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16))
	}
	n.ASNs = []uint32{64500, 64501}
	got, err := censys.Narrow(`host.services.port: 443`, n, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	var all source.Narrowing
	for _, q := range got {
		if len(q.Text) > censys.NarrowMaxChars {
			t.Errorf("query of %d bytes", len(q.Text))
		}
		if !strings.HasPrefix(q.Text, "(host.services.port: 443) and (host.") || !strings.HasSuffix(q.Text, ")") {
			t.Errorf("query %q is not the wrapped base and filter", q.Text)
		}
		counts = append(counts, q.Carries.Values())
		all.CIDRs = append(all.CIDRs, q.Carries.CIDRs...)
		all.ASNs = append(all.ASNs, q.Carries.ASNs...)
	}
	// Each network is a clause of 25 to 27 bytes with " or ": 100 values
	// per query fit 4,000 bytes.
	if want := []int{100, 100, 32}; !reflect.DeepEqual(counts, want) {
		t.Errorf("values per query = %v, want %v", counts, want)
	}
	if !reflect.DeepEqual(all, n.Normalized()) {
		t.Error("the queries do not carry the whole narrowing")
	}
}

func TestNarrowRefuses(t *testing.T) {
	asn := source.Narrowing{ASNs: []uint32{64500}}
	for _, tt := range []struct {
		base string
		n    source.Narrowing
		says string
	}{
		{`host.services.port: 443) or (host.services.port: 80`, asn, "closing parenthesis has no opening one"},
		{`host.services: (port: 443`, asn, "parenthesis is not closed"},
		{`host.services.endpoints.http.html_title: "Portainer`, asn, "unterminated quote"},
		{`  `, asn, "empty"},
		{`host.services.port: 443`, source.Narrowing{}, "selects nothing"},
		{`host.services.port: 443`, source.Narrowing{Domains: []string{"bücher.example"}}, "xn--"},
		{strings.Repeat("x", 4000), asn, "over the 4000-byte limit"},
	} {
		_, err := censys.Narrow(tt.base, tt.n, source.Limits{})
		var ne *source.NarrowError
		if !errors.Is(err, source.ErrCannotNarrow) || !errors.As(err, &ne) || !strings.Contains(err.Error(), tt.says) || ne.Engine != "censys" {
			t.Errorf("Narrow(%q, %+v) = %v, want a NarrowError saying %q", tt.base, tt.n, err, tt.says)
		}
	}
	// Parentheses and quotes inside strings do not count.
	if _, err := censys.Narrow(`host.services.endpoints.http.html_title: "a) or (b \"c"`, asn, source.Limits{}); err != nil {
		t.Errorf("quoted parenthesis: %v", err)
	}
}

// scopedHost is a v3 host with the fields a narrowing filters on.
func scopedHost(ip, country string, asn int, org string, names []string, ports ...int) []byte {
	var doc map[string]any
	if err := json.Unmarshal(hostDoc(ip, country, asn, ports...), &doc); err != nil {
		panic(err)
	}
	doc["autonomous_system"].(map[string]any)["name"] = org
	if names != nil {
		doc["dns"] = map[string]any{"names": names}
	}
	b, _ := json.Marshal(doc)
	return b
}

// TestNarrowAgainstFake pages narrowed queries from the fake, with and
// without its query evaluator, and checks that they fetch exactly the
// hosts of the narrowing's networks that the base query finds.
func TestNarrowAgainstFake(t *testing.T) {
	hosts := [][]byte{
		scopedHost("203.0.113.5", "US", 64999, "Other", nil, 443),                            // in the CIDR
		scopedHost("203.0.114.5", "US", 64500, "Other", nil, 443),                            // in the ASN
		scopedHost("198.51.100.9", "US", 64999, `ACME "Best" Corp`, nil, 443),                // the org
		scopedHost("198.51.100.10", "US", 64999, "Other", []string{"k8s.acme.example"}, 443), // under the domain
		scopedHost("2001:db8:1::7", "US", 64999, "Other", nil, 443),                          // in the IPv6 CIDR
		scopedHost("2001:db8:2::7", "US", 64999, "Other", nil, 443),                          // outside
		scopedHost("192.0.2.1", "DE", 64999, "Other", nil, 443),                              // the country
		scopedHost("192.0.2.2", "FR", 64999, "Other", nil, 443),                              // nothing
		scopedHost("203.0.113.6", "US", 64999, "Other", nil, 8080),                           // in the CIDR, not found by the base query
	}
	base := `host.services.port: 443 or host.services.port: 80`
	qs, err := censys.Narrow(base, acme, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		match func(string, map[string]any) bool
		want  []string
	}{
		{"base evaluated", censystest.Match, []string{"192.0.2.1:443", "198.51.100.10:443", "198.51.100.9:443", "2001:db8:1::7:443", "203.0.113.5:443", "203.0.114.5:443"}},
		// Without an evaluator the fake serves every host for the base
		// query, but still applies the narrowing.
		{"base ignored", nil, []string{"192.0.2.1:443", "198.51.100.10:443", "198.51.100.9:443", "2001:db8:1::7:443", "203.0.113.5:443", "203.0.113.6:8080", "203.0.114.5:443"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: hosts, Match: tt.match})
			defer srv.Close()
			st := newMemStore()
			for i, q := range qs {
				if _, err := run(t, newV3(t, srv, nil), st, source.Query{ID: fmt.Sprint("q", i), Text: q.Text}, nil); err != nil {
					t.Fatal(err)
				}
			}
			if got := keys(st.obs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fetched %v, want %v", got, tt.want)
			}
		})
	}
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestNarrowThenSplit checks that a narrowed query past the depth cap is
// split by the client like any other and still fetches exactly its
// networks.
func TestNarrowThenSplit(t *testing.T) {
	// population() numbers hosts from 10.0.0.0: 128 of the 180 are in
	// 10.0.0.0/25, more than the reach of 10 × 5 = 50.
	pop := population(180, func(i int) (string, int) { return []string{"US", "DE", "FR"}[i%3], 1 + i%4 })
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, PageCap: 5, Match: censystest.Match})
	defer srv.Close()
	c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages = 10, 5 })
	qs, err := censys.Narrow("host.services.port: 443", source.Narrowing{CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/25")}}, source.Limits{})
	if err != nil || len(qs) != 1 {
		t.Fatalf("Narrow = %v, %v", qs, err)
	}
	st := newMemStore()
	res, err := run(t, c, st, source.Query{ID: "q", Text: qs[0].Text}, nil)
	if err != nil || res.Stopped != source.StopDone {
		t.Fatalf("stopped %s: %v", res.Stopped, err)
	}
	if len(st.obs) != 128 {
		t.Errorf("fetched %d services, want the 128 of 10.0.0.0/25", len(st.obs))
	}
	split := false
	for _, p := range st.pages["q"] {
		if strings.HasPrefix(p.Query, "("+qs[0].Text+") and host.location.country_code") {
			split = true
		}
	}
	if !split {
		t.Error("the narrowed query was not split past the depth cap")
	}
}

func TestNarrowV2AgainstFake(t *testing.T) {
	v2 := func(ip, country string, asn int) []byte {
		return []byte(fmt.Sprintf(`{"ip":%q,"services":[{"port":443,"service_name":"HTTP","transport_protocol":"TCP"}],"location":{"country_code":%q},"autonomous_system":{"asn":%d,"name":"X"}}`, ip, country, asn))
	}
	srv := censystest.NewServer(censystest.Config{APIID: canaryID, Secret: canarySecret, Match: censystest.Match,
		V2Hosts: [][]byte{v2("203.0.113.5", "US", 1), v2("198.51.100.5", "US", 64500), v2("192.0.2.5", "US", 2)}})
	defer srv.Close()
	c, err := censys.NewV2(censys.V2Config{BaseURL: srv.URL() + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(canarySecret), Rate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	qs, err := censys.NarrowV2("services.port: 443", source.Narrowing{CIDRs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, ASNs: []uint32{64500}}, source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	if _, err := run(t, c, st, source.Query{ID: "q", Text: qs[0].Text}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(st.obs), []string{"198.51.100.5:443", "203.0.113.5:443"}; !reflect.DeepEqual(got, want) {
		t.Errorf("fetched %v, want %v", got, want)
	}
}
