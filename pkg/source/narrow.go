package source

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Narrowing restricts a catalog query to a set of networks with the
// engines' own filters, so that a collection for one scope fetches (and
// pays for) only that scope's part of the internet. A service is wanted
// when any selector matches it, as in a scope: the engine adapters turn a
// narrowing into one or more queries whose results, together, hold every
// service the selectors can match (../shared/docs/shodan-queries.md,
// "Narrowing a query to a network (scopes)"; ../shared/docs/censys-api.md
// §1.8).
//
// An engine filter is never stricter than orchex's own scope matching
// (pkg/scope) and may be looser (a Censys "org:" contains-match): the
// narrowing decides what is fetched, the scope decides what is counted.
type Narrowing struct {
	CIDRs     []netip.Prefix // IPv4 and IPv6 networks
	ASNs      []uint32       // autonomous systems
	Orgs      []string       // organisation names as the engines spell them
	Domains   []string       // hostnames, meaning the name and every name under it
	Countries []string       // ISO 3166-1 alpha-2 codes, upper case
}

// Empty reports whether n selects nothing; an empty narrowing is not a
// narrowing (it would fetch nothing) and the adapters refuse it.
func (n Narrowing) Empty() bool { return n.Values() == 0 }

// Values returns the number of selector values in n.
func (n Narrowing) Values() int {
	return len(n.CIDRs) + len(n.ASNs) + len(n.Orgs) + len(n.Domains) + len(n.Countries)
}

// Normalized returns n with every list sorted and without duplicates, and
// without the networks that another network of n contains (they add
// nothing to a query but length). Invalid prefixes are dropped; IPv4-mapped
// IPv6 networks become IPv4 ones. Orgs and domains are trimmed; domains
// lose a trailing dot and are lower-cased; countries are upper-cased.
func (n Narrowing) Normalized() Narrowing {
	var out Narrowing
	for _, p := range n.CIDRs {
		if !p.IsValid() {
			continue
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out.CIDRs = append(out.CIDRs, p.Masked())
	}
	out.CIDRs = outermost(out.CIDRs)
	out.ASNs = slices.Clone(n.ASNs)
	slices.Sort(out.ASNs)
	out.ASNs = slices.Compact(out.ASNs)
	out.Orgs = cleanStrings(n.Orgs, strings.TrimSpace)
	out.Domains = cleanStrings(n.Domains, func(s string) string {
		return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	})
	out.Countries = cleanStrings(n.Countries, func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) })
	return out
}

// Check returns an error naming the first value of n that no engine
// filter can carry: an invalid network, ASN 0, an organisation with a
// control character, a domain that is not an ASCII hostname (an
// internationalised name must come in its xn-- form), a country that is
// not two upper-case letters. An empty narrowing is an error too. Call
// it on a normalized narrowing.
func (n Narrowing) Check() error {
	if n.Empty() {
		return errors.New("the narrowing selects nothing")
	}
	for _, p := range n.CIDRs {
		if !p.IsValid() || p != p.Masked() {
			return fmt.Errorf("network %s is not a valid network address", p)
		}
	}
	for _, a := range n.ASNs {
		if a == 0 {
			return errors.New("ASN 0 is reserved and selects nothing")
		}
	}
	for _, o := range n.Orgs {
		for _, r := range o {
			if r < 0x20 || r == 0x7f {
				return fmt.Errorf("organisation %q has a control character", o)
			}
		}
	}
	for _, d := range n.Domains {
		if !asciiHostname(d) {
			return fmt.Errorf("domain %q is not a lower-case ASCII hostname (write an internationalised name in its xn-- form)", d)
		}
	}
	for _, c := range n.Countries {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return fmt.Errorf("country %q is not a two-letter upper-case code", c)
		}
	}
	return nil
}

// asciiHostname reports whether s is dot-separated labels of lower-case
// letters, digits and dashes.
func asciiHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func cleanStrings(in []string, clean func(string) string) []string {
	var out []string
	for _, s := range in {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// outermost sorts prefixes (IPv4 first, then by address, shorter first)
// and drops duplicates and every prefix inside another one.
func outermost(ps []netip.Prefix) []netip.Prefix {
	slices.SortFunc(ps, ComparePrefix)
	var out []netip.Prefix
	for _, p := range ps {
		if n := len(out); n > 0 {
			last := out[n-1]
			// Sorted order puts a prefix after every prefix containing it,
			// and the kept prefixes are disjoint, so checking the last one
			// is enough.
			if last.Bits() <= p.Bits() && last.Contains(p.Addr()) {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// ComparePrefix orders prefixes IPv4 first, then by address, then shorter
// first, so that a network comes before the networks inside it.
func ComparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// Limits bounds one narrowed query. Each adapter documents its defaults.
type Limits struct {
	// MaxValues is the most selector values one query carries.
	MaxValues int
	// MaxChars is the longest query text, in bytes, base query included.
	MaxChars int
}

// Or returns l with each zero field taken from d.
func (l Limits) Or(d Limits) Limits {
	if l.MaxValues <= 0 {
		l.MaxValues = d.MaxValues
	}
	if l.MaxChars <= 0 {
		l.MaxChars = d.MaxChars
	}
	return l
}

// Narrowed is one query of a narrowed catalog query: its text and the
// part of the narrowing it carries. The Carries of all the queries of a
// narrowing add up to the normalized narrowing.
type Narrowed struct {
	Text    string
	Carries Narrowing
}

// ErrCannotNarrow means a query cannot be narrowed safely: the engine
// filters could not be made to apply to all of it, or a value cannot be
// written in the engine's syntax. Collecting without the narrowing, or
// fixing the query, are the ways on.
var ErrCannotNarrow = errors.New("query cannot be narrowed")

// NarrowError says which query could not be narrowed, on which engine,
// and why. It unwraps to [ErrCannotNarrow].
type NarrowError struct {
	Engine string // "shodan", "censys", "censys-v2"
	Query  string
	Reason string
}

func (e *NarrowError) Error() string {
	return fmt.Sprintf("%s: query %q cannot be narrowed: %s", e.Engine, e.Query, e.Reason)
}

// Unwrap returns [ErrCannotNarrow].
func (e *NarrowError) Unwrap() error { return ErrCannotNarrow }

// Term is one selector value written in an engine's syntax, with the
// value it stands for, for [Pack].
type Term struct {
	Text string
	// Exactly one of these is set: the value the term carries.
	CIDR    netip.Prefix
	ASN     uint32
	Org     string
	Domain  string
	Country string
}

// add records t's value in n.
func (t Term) add(n *Narrowing) {
	switch {
	case t.CIDR.IsValid():
		n.CIDRs = append(n.CIDRs, t.CIDR)
	case t.ASN != 0:
		n.ASNs = append(n.ASNs, t.ASN)
	case t.Org != "":
		n.Orgs = append(n.Orgs, t.Org)
	case t.Domain != "":
		n.Domains = append(n.Domains, t.Domain)
	case t.Country != "":
		n.Countries = append(n.Countries, t.Country)
	}
}

// Pack groups terms, in order, into as few queries as lim allows. A
// query's text is prefix, the group's terms joined by sep, then suffix; a
// group is closed when one more term would pass MaxValues or make the text
// longer than MaxChars. A term too long for any query is an error naming
// it.
func Pack(terms []Term, lim Limits, prefix, sep, suffix string) ([]Narrowed, error) {
	fixed := len(prefix) + len(suffix)
	var out []Narrowed
	var group []Term
	size := 0 // length of the joined terms of group
	flush := func() {
		if len(group) == 0 {
			return
		}
		var b strings.Builder
		b.Grow(fixed + size)
		b.WriteString(prefix)
		var c Narrowing
		for i, t := range group {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(t.Text)
			t.add(&c)
		}
		b.WriteString(suffix)
		out = append(out, Narrowed{Text: b.String(), Carries: c})
		group, size = nil, 0
	}
	for _, t := range terms {
		if fixed+len(t.Text) > lim.MaxChars {
			return nil, fmt.Errorf("%s: a query with this value alone is %d bytes, over the %d-byte limit",
				t.Text, fixed+len(t.Text), lim.MaxChars)
		}
		if len(group) > 0 && (len(group)+1 > lim.MaxValues || fixed+size+len(sep)+len(t.Text) > lim.MaxChars) {
			flush()
		}
		if len(group) > 0 {
			size += len(sep)
		}
		size += len(t.Text)
		group = append(group, t)
	}
	flush()
	return out, nil
}

// FormatASN returns asn in decimal.
func FormatASN(asn uint32) string { return strconv.FormatUint(uint64(asn), 10) }
