package source_test

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
)

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestNarrowingNormalized(t *testing.T) {
	n := source.Narrowing{
		CIDRs: append(prefixes("2001:db8:1:2::/64", "203.0.113.0/24", "203.0.113.128/25", "198.51.100.0/24",
			"2001:db8:1::/48", "203.0.113.0/24", "10.0.0.0/8", "10.1.0.0/16", "::ffff:192.0.2.0/120"), netip.Prefix{}),
		ASNs:      []uint32{64501, 64500, 64501},
		Orgs:      []string{" ACME Corp ", "ACME Corp", ""},
		Domains:   []string{"Acme.Example.", "acme.example", " b.example"},
		Countries: []string{"de", "NL", "DE"},
	}
	got := n.Normalized()
	want := source.Narrowing{
		CIDRs:     prefixes("10.0.0.0/8", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8:1::/48"),
		ASNs:      []uint32{64500, 64501},
		Orgs:      []string{"ACME Corp"},
		Domains:   []string{"acme.example", "b.example"},
		Countries: []string{"DE", "NL"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Normalized =\n%+v\nwant\n%+v", got, want)
	}
	if got.Values() != 12 || got.Empty() || !(source.Narrowing{}).Empty() {
		t.Errorf("Values = %d, Empty = %v", got.Values(), got.Empty())
	}
}

func TestNarrowingCheck(t *testing.T) {
	for _, tt := range []struct {
		n    source.Narrowing
		want string // "" for no error
	}{
		{source.Narrowing{ASNs: []uint32{64500}}, ""},
		{source.Narrowing{}, "selects nothing"},
		{source.Narrowing{ASNs: []uint32{0}}, "ASN 0"},
		{source.Narrowing{CIDRs: prefixes("203.0.113.7/24")}, "not a valid network"},
		{source.Narrowing{Orgs: []string{"ACME\nCorp"}}, "control character"},
		{source.Narrowing{Domains: []string{"bücher.example"}}, "xn-- form"},
		{source.Narrowing{Domains: []string{"xn--bcher-kva.example"}}, ""},
		{source.Narrowing{Domains: []string{"a..example"}}, "not a lower-case ASCII hostname"},
		{source.Narrowing{Domains: []string{"-a.example"}}, "not a lower-case ASCII hostname"},
		{source.Narrowing{Countries: []string{"de"}}, "two-letter upper-case"},
		{source.Narrowing{Countries: []string{"DEU"}}, "two-letter upper-case"},
	} {
		err := tt.n.Check()
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%+v) = %v, want %q", tt.n, err, tt.want)
		}
	}
}

func TestPack(t *testing.T) {
	terms := func(ss ...string) []source.Term {
		var out []source.Term
		for _, s := range ss {
			out = append(out, source.Term{Text: s, Domain: s})
		}
		return out
	}
	texts := func(ns []source.Narrowed) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Text)
		}
		return out
	}
	// By count.
	got, err := source.Pack(terms("a", "b", "c", "d", "e"), source.Limits{MaxValues: 2, MaxChars: 100}, "q x:", ",", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"q x:a,b", "q x:c,d", "q x:e"}; !reflect.DeepEqual(texts(got), want) {
		t.Errorf("by count: %q, want %q", texts(got), want)
	}
	if !reflect.DeepEqual(got[1].Carries, source.Narrowing{Domains: []string{"c", "d"}}) {
		t.Errorf("carries = %+v", got[1].Carries)
	}
	// By length: "(q) and (" is 9 bytes, ")" 1; "aaa or bbb" fits 20, one more does not.
	got, err = source.Pack(terms("aaa", "bbb", "ccc"), source.Limits{MaxValues: 100, MaxChars: 20}, "(q) and (", " or ", ")")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"(q) and (aaa or bbb)", "(q) and (ccc)"}; !reflect.DeepEqual(texts(got), want) {
		t.Errorf("by length: %q, want %q", texts(got), want)
	}
	for _, q := range got {
		if len(q.Text) > 20 {
			t.Errorf("%q is longer than 20", q.Text)
		}
	}
	// One value too long for any query.
	if _, err := source.Pack(terms("a", strings.Repeat("x", 20)), source.Limits{MaxValues: 10, MaxChars: 20}, "q x:", ",", ""); err == nil ||
		!strings.Contains(err.Error(), "over the 20-byte limit") {
		t.Errorf("long value: err = %v", err)
	}
}

func TestNarrowError(t *testing.T) {
	err := error(&source.NarrowError{Engine: "shodan", Query: "a OR b", Reason: "it has an OR"})
	if !errors.Is(err, source.ErrCannotNarrow) || err.Error() != `shodan: query "a OR b" cannot be narrowed: it has an OR` {
		t.Errorf("err = %v", err)
	}
}
