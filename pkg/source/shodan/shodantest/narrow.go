package shodantest

import (
	"encoding/json"
	"net/netip"
	"strings"
)

// scopeFilter is the filter shodan.Narrow appends to a catalog query
// ("base net:203.0.113.0/24,2001:db8::/32", "base org:\"ACME Corp\""):
// the fake evaluates it against each banner itself, the way Shodan would
// (../shared/docs/shodan-api.md §6; ../shared/docs/shodan-queries.md,
// "Narrowing a query to a network (scopes)"), so that Config.Population
// sees the base query it knows and a narrowed collection gets only the
// banners in the networks it asked for.
type scopeFilter struct {
	name   string   // net, asn, org, hostname or country
	values []string // the comma-separated values, unquoted
	nets   []netip.Prefix
}

// splitNarrowing separates a trailing narrowing filter from query. ok is
// false when the last term is not one (the whole query is the base).
func splitNarrowing(query string) (base string, f scopeFilter, ok bool) {
	cut := -1 // the last space outside double quotes
	quoted := false
	for i := 0; i < len(query); i++ {
		switch query[i] {
		case '"':
			quoted = !quoted
		case ' ':
			if !quoted {
				cut = i
			}
		}
	}
	if cut < 0 || quoted {
		return query, f, false
	}
	name, val, found := strings.Cut(query[cut+1:], ":")
	if !found || val == "" {
		return query, f, false
	}
	switch name {
	case "net", "asn", "org", "hostname", "country":
	default:
		return query, f, false
	}
	if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
		val = val[1 : len(val)-1]
	}
	f = scopeFilter{name: name, values: strings.Split(val, ",")}
	if name == "net" {
		for _, v := range f.values {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				return query, scopeFilter{}, false // Shodan would reject it; so does the fake, by matching nothing
			}
			f.nets = append(f.nets, p.Masked())
		}
	}
	return query[:cut], f, true
}

// scopeFacts are the banner fields the narrowing filters test.
type scopeFacts struct {
	IPStr     string   `json:"ip_str"`
	IPv6      string   `json:"ipv6"`
	ASN       string   `json:"asn"`
	Org       string   `json:"org"`
	Hostnames []string `json:"hostnames"`
	Location  struct {
		CountryCode string `json:"country_code"`
	} `json:"location"`
}

// keep returns the banners of pop that the filter selects, in order.
func (f scopeFilter) keep(pop Banners) List {
	var out List
	for i := range pop.Len() {
		b := pop.At(i)
		var x scopeFacts
		if json.Unmarshal(b, &x) == nil && f.match(&x) {
			out = append(out, b)
		}
	}
	return out
}

func (f scopeFilter) match(x *scopeFacts) bool {
	for _, v := range f.values {
		switch f.name {
		case "asn":
			a := strings.TrimPrefix(strings.ToUpper(x.ASN), "AS")
			if a != "" && a == strings.TrimPrefix(strings.ToUpper(v), "AS") {
				return true
			}
		case "org": // a text filter: the value anywhere in the organisation, ignoring case
			if v != "" && strings.Contains(strings.ToLower(x.Org), strings.ToLower(v)) {
				return true
			}
		case "hostname": // the name and every name under it
			for _, h := range x.Hostnames {
				h = strings.ToLower(strings.TrimSuffix(h, "."))
				v := strings.ToLower(v)
				if h == v || strings.HasSuffix(h, "."+v) {
					return true
				}
			}
		case "country":
			if strings.EqualFold(x.Location.CountryCode, v) {
				return true
			}
		}
	}
	if f.name == "net" {
		for _, s := range []string{x.IPStr, x.IPv6} {
			a, err := netip.ParseAddr(s)
			if err != nil {
				continue
			}
			for _, n := range f.nets {
				if n.Contains(a.Unmap()) {
					return true
				}
			}
		}
	}
	return false
}
