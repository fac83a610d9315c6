package censys

import (
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/source"
)

// Narrowing limits. Censys documents no limit on the length of a query
// (../shared/docs/censys-api.md §1.2 and §1.8 give none), so these are our
// own cautious sizes: a long list is split into several queries rather
// than risk a 422.
const (
	NarrowMaxValues = 100  // selector values per query
	NarrowMaxChars  = 4000 // bytes per query, base query included
)

// fields names the host fields a narrowing filters on in one dialect.
type fields struct {
	engine  string
	ip      string
	asn     string
	orgs    [2]string // autonomous system name, WHOIS organisation: the decoder's Org comes from either
	names   [2]string // DNS names, reverse DNS names: the decoder's Hostnames come from both
	country string
}

func v3Fields() fields {
	return fields{
		engine: "censys", ip: "host.ip", asn: "host.autonomous_system.asn",
		orgs:    [2]string{"host.autonomous_system.name", "host.whois.organization.name"},
		names:   [2]string{"host.dns.names", "host.dns.reverse_dns.names"},
		country: "host.location.country_code",
	}
}

func v2Fields() fields {
	return fields{
		engine: "censys-v2", ip: "ip", asn: "autonomous_system.asn",
		orgs:    [2]string{"autonomous_system.name", "whois.organization.name"},
		names:   [2]string{"dns.names", "dns.reverse_dns.names"},
		country: "location.country_code",
	}
}

// Narrow returns the Platform API (CenQL) queries that restrict base to
// the networks of n. CenQL has or and parentheses
// (../shared/docs/censys-api.md §1.8), so every selector kind fits in one
// query, the base query wrapped so that the filter applies to all of it:
//
//	(base) and (host.ip: "203.0.113.0/24" or host.ip: "2001:db8:1::/48"
//	  or host.autonomous_system.asn: 64500
//	  or host.autonomous_system.name: "ACME Corp" or host.whois.organization.name: "ACME Corp"
//	  or host.dns.names: "acme.example" or host.dns.reverse_dns.names: "acme.example"
//	  or host.location.country_code: "DE")
//
// (one line in the real query). The CIDR and ASN forms are the cookbook's
// (../shared/docs/censys-queries.md table A, "generic: ASN / CIDR");
// organisation and hostname filters use ":", a case-insensitive contains
// match, so they fetch at least every host whose name or organisation
// the scope matches. A narrowing with more values than lim allows (zero
// fields: [NarrowMaxValues], [NarrowMaxChars]) is split into several
// queries. The client's own split past the depth cap (see [Client.Plan])
// appends its clauses to a narrowed query like to any other.
//
// A base query with an unbalanced parenthesis or an unterminated quote
// cannot be wrapped safely: Narrow returns a [*source.NarrowError].
func Narrow(base string, n source.Narrowing, lim source.Limits) ([]source.Narrowed, error) {
	return narrow(v3Fields(), base, n, lim)
}

// NarrowV2 is [Narrow] for the legacy Search API v2 language, whose host
// fields lack the "host." prefix (../shared/docs/censys-api.md §1.8, the
// converter's mapping ip → host.ip, autonomous_system.asn →
// host.autonomous_system.asn; §2.3 for the v2 host fields):
//
//	(base) and (ip: "203.0.113.0/24" or autonomous_system.asn: 64500 or ...)
func NarrowV2(base string, n source.Narrowing, lim source.Limits) ([]source.Narrowed, error) {
	return narrow(v2Fields(), base, n, lim)
}

func narrow(f fields, base string, n source.Narrowing, lim source.Limits) ([]source.Narrowed, error) {
	lim = lim.Or(source.Limits{MaxValues: NarrowMaxValues, MaxChars: NarrowMaxChars})
	fail := func(format string, args ...any) error {
		return &source.NarrowError{Engine: f.engine, Query: base, Reason: fmt.Sprintf(format, args...)}
	}
	base = strings.TrimSpace(base)
	if why := checkWrappable(base); why != "" {
		return nil, fail("%s", why)
	}
	n = n.Normalized()
	if err := n.Check(); err != nil {
		return nil, fail("%v", err)
	}
	var terms []source.Term
	for _, p := range n.CIDRs {
		terms = append(terms, source.Term{Text: f.ip + ": " + cenqlString(p.String()), CIDR: p})
	}
	for _, a := range n.ASNs {
		terms = append(terms, source.Term{Text: f.asn + ": " + source.FormatASN(a), ASN: a})
	}
	for _, o := range n.Orgs {
		terms = append(terms, source.Term{Text: f.orgs[0] + ": " + cenqlString(o) + " or " + f.orgs[1] + ": " + cenqlString(o), Org: o})
	}
	for _, d := range n.Domains {
		terms = append(terms, source.Term{Text: f.names[0] + ": " + cenqlString(d) + " or " + f.names[1] + ": " + cenqlString(d), Domain: d})
	}
	for _, c := range n.Countries {
		terms = append(terms, source.Term{Text: f.country + ": " + cenqlString(c), Country: c})
	}
	out, err := source.Pack(terms, lim, "("+base+") and (", " or ", ")")
	if err != nil {
		return nil, fail("%v", err)
	}
	return out, nil
}

// cenqlString writes s as a double-quoted CenQL string, escaping backslashes and
// quotes.
func cenqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// checkWrappable returns why "(" + q + ")" would not hold q as one
// expression, or "".
func checkWrappable(q string) string {
	if q == "" {
		return "the query is empty"
	}
	depth := 0
	var quoted byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quoted != 0:
			if c == '\\' && quoted != '`' {
				i++
			} else if c == quoted {
				quoted = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quoted = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return "a closing parenthesis has no opening one, so wrapping the query would not make the filter apply to all of it"
			}
		}
	}
	switch {
	case quoted != 0:
		return "it has an unterminated quote, so the filter would land inside the quoted string"
	case depth != 0:
		return "a parenthesis is not closed, so wrapping the query would not make the filter apply to all of it"
	}
	return ""
}
