package shodan

import (
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/source"
)

// Narrowing limits. Shodan does not document how long a query may be
// (../shared/docs/shodan-queries.md, "Narrowing a query to a network
// (scopes)"), so a long list is split at the sizes that section suggests.
const (
	NarrowMaxValues = 100  // selector values per query
	NarrowMaxChars  = 1000 // bytes per query, base query included
)

// Narrow returns the queries that restrict base to the networks of n: the
// base query followed by one filter, whose comma-separated values Shodan
// ORs (../shared/docs/shodan-api.md §6, ../shared/docs/shodan-queries.md
// "Narrowing a query to a network (scopes)"):
//
//	base net:203.0.113.0/24,2001:db8:1::/48
//	base asn:AS64500,AS64501
//	base org:"ACME Corp,Example Inc"
//	base hostname:acme.example
//	base country:DE,NL
//
// Filters of different kinds are ANDed by Shodan, so each selector kind
// gets queries of its own; together they fetch every service any selector
// matches. A list longer than lim (zero fields: [NarrowMaxValues],
// [NarrowMaxChars]) is split into several queries. An organisation whose
// name holds a comma gets a query of its own (Shodan would split the name
// at the comma, which can only widen the match).
//
// Shodan terms are ANDed and it documents no parentheses, so a base query
// with an OR, an unterminated quote, or a filter of a kind the narrowing
// adds cannot be narrowed safely: Narrow returns a [*source.NarrowError]
// instead of a query that would cover less, or more, than it says. Any
// filter makes page 1 cost a credit, so a narrowed query is never free.
func Narrow(base string, n source.Narrowing, lim source.Limits) ([]source.Narrowed, error) {
	lim = lim.Or(source.Limits{MaxValues: NarrowMaxValues, MaxChars: NarrowMaxChars})
	fail := func(format string, args ...any) error {
		return &source.NarrowError{Engine: "shodan", Query: base, Reason: fmt.Sprintf(format, args...)}
	}
	base = strings.TrimSpace(base)
	if err := checkBase(base); err != "" {
		return nil, fail("%s", err)
	}
	n = n.Normalized()
	if err := n.Check(); err != nil {
		return nil, fail("%v", err)
	}

	var out []source.Narrowed
	pack := func(terms []source.Term, prefix, suffix string, lim source.Limits) error {
		qs, err := source.Pack(terms, lim, base+" "+prefix, ",", suffix)
		if err != nil {
			return fail("%v", err)
		}
		out = append(out, qs...)
		return nil
	}

	var nets, asns, orgs, commaOrgs, names, countries []source.Term
	for _, p := range n.CIDRs {
		nets = append(nets, source.Term{Text: p.String(), CIDR: p})
	}
	for _, a := range n.ASNs {
		asns = append(asns, source.Term{Text: "AS" + source.FormatASN(a), ASN: a})
	}
	for _, o := range n.Orgs {
		if strings.ContainsAny(o, "\"\\") {
			return nil, fail("organisation %q has a quote or backslash, which a Shodan filter cannot hold", o)
		}
		t := source.Term{Text: o, Org: o}
		if strings.Contains(o, ",") {
			commaOrgs = append(commaOrgs, t)
		} else {
			orgs = append(orgs, t)
		}
	}
	for _, d := range n.Domains {
		names = append(names, source.Term{Text: d, Domain: d})
	}
	for _, c := range n.Countries {
		countries = append(countries, source.Term{Text: c, Country: c})
	}
	one := lim
	one.MaxValues = 1
	for _, step := range []struct {
		terms          []source.Term
		prefix, suffix string
		lim            source.Limits
	}{
		{nets, "net:", "", lim},
		{asns, "asn:", "", lim},
		{orgs, `org:"`, `"`, lim},
		{commaOrgs, `org:"`, `"`, one},
		{names, "hostname:", "", lim},
		{countries, "country:", "", lim},
	} {
		if err := pack(step.terms, step.prefix, step.suffix, step.lim); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkBase returns why base cannot take a narrowing filter, or "".
func checkBase(base string) string {
	if base == "" {
		return "the query is empty"
	}
	terms, ok := terms(base)
	if !ok {
		return "it has an unterminated quote, so a filter appended to it would land inside the quoted phrase"
	}
	for _, t := range terms {
		if strings.EqualFold(t, "OR") {
			return "it has an OR, and Shodan documents no parentheses to make a filter apply to both sides"
		}
		name, _, ok := strings.Cut(strings.TrimLeft(t, "-+"), ":")
		if !ok {
			continue
		}
		for _, f := range []string{"net", "asn", "org", "hostname", "country"} {
			if strings.EqualFold(name, f) {
				return fmt.Sprintf("it already has a %s: filter, and a second one would not combine as a narrowing must", f)
			}
		}
	}
	return ""
}

// terms splits a query at spaces outside double quotes; ok is false when
// a quote is not closed.
func terms(q string) (out []string, ok bool) {
	var b strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case !quoted && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out, !quoted
}
