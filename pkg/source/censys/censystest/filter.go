package censystest

import (
	"encoding/json"
	"regexp"
	"strings"
)

// filter is one clause the censys client appends when it splits a query:
// "and [not] <field>: {v1, v2}" or "and <field>: v", or the scope filter
// of a narrowed query (pred).
type filter struct {
	not    bool
	field  string // without the "host." prefix
	values map[string]bool
	pred   pred // when set, the filter is this predicate
}

type filters []filter

func (fs filters) match(m map[string]any) bool {
	for _, f := range fs {
		if m == nil {
			return false
		}
		if f.pred != nil {
			if !f.pred(m) {
				return false
			}
			continue
		}
		hit := false
		for _, v := range values(m, f.field) {
			if f.values[v] {
				hit = true
				break
			}
		}
		if hit == f.not {
			return false
		}
	}
	return true
}

// admitWeb reports whether web properties (which have no host fields)
// pass the filters: when none requires a host field's value.
func (fs filters) admitWeb() bool {
	for _, f := range fs {
		if f.pred != nil || !f.not {
			return false
		}
	}
	return true
}

var clauseRE = regexp.MustCompile(`^ and (not )?([a-z_.]+): (\{[^}]*\}|"[^"]*"|[0-9]+)`)

// splitFilters separates "(base) and <clauses>" into base and clauses,
// and a narrowed base "(base) and (<scope filter>)" (censys.Narrow) into
// base and the scope filter, so that both apply whatever Config.Match
// is. A query of any other shape is all base.
func splitFilters(query string, v2 bool) (string, filters) {
	base, fs := splitClauses(query, v2)
	if b, f, ok := splitScope(base); ok {
		base, fs = b, append(fs, f)
	}
	return base, fs
}

// scopeField reports whether f is a host field a narrowing filters on (censys.Narrow,
// censys.NarrowV2), without the "host." prefix.
func scopeField(f string) bool {
	switch strings.TrimPrefix(f, "host.") {
	case "ip", "autonomous_system.asn", "autonomous_system.name", "whois.organization.name",
		"dns.names", "dns.reverse_dns.names", "location.country_code":
		return true
	}
	return false
}

// splitScope splits "(base) and (<expr>)" when expr tests scope fields
// only, and parses.
func splitScope(query string) (string, filter, bool) {
	if !strings.HasPrefix(query, "(") {
		return query, filter{}, false
	}
	end := closing(query)
	if end < 0 {
		return query, filter{}, false
	}
	rest, ok := strings.CutPrefix(query[end+1:], " and ")
	if !ok || !strings.HasPrefix(rest, "(") || closing(rest) != len(rest)-1 {
		return query, filter{}, false
	}
	toks := lex(rest)
	for i := 0; i+1 < len(toks); i++ {
		if (toks[i+1] == ":" || toks[i+1] == "=" || toks[i+1] == "=~") && !scopeField(toks[i]) {
			return query, filter{}, false
		}
	}
	p := &parser{toks: toks}
	e, err := p.expr()
	if err != nil || p.i != len(toks) {
		return query, filter{}, false
	}
	return query[1:end], filter{pred: e}, true
}

// splitClauses separates "(base) and <clauses>" into base and the
// clauses the censys client appends when it splits a query.
func splitClauses(query string, v2 bool) (string, filters) {
	if !strings.HasPrefix(query, "(") {
		return query, nil
	}
	end := closing(query)
	if end < 0 {
		return query, nil
	}
	rest := query[end+1:]
	var fs filters
	for rest != "" {
		m := clauseRE.FindStringSubmatch(rest)
		if m == nil {
			return query, nil
		}
		field := m[2]
		if !v2 {
			if !strings.HasPrefix(field, "host.") {
				return query, nil
			}
			field = strings.TrimPrefix(field, "host.")
		}
		f := filter{not: m[1] != "", field: field, values: map[string]bool{}}
		for _, v := range strings.Split(strings.Trim(m[3], "{}"), ",") {
			f.values[strings.Trim(strings.TrimSpace(v), `"`)] = true
		}
		fs = append(fs, f)
		rest = rest[len(m[0]):]
	}
	return query[1:end], fs
}

// closing returns the index of the parenthesis that closes query[0],
// skipping quoted strings, or -1.
func closing(query string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == '\\' && quote != '`' { // a backslash escapes, except in a raw `string` (as lex reads it)
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// values returns the values at a dotted path of a decoded document,
// descending into arrays, as strings (numbers as written).
func values(m map[string]any, path string) []string {
	var out []string
	var walk func(v any, parts []string)
	walk = func(v any, parts []string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parts)
			}
			return
		case map[string]any:
			if len(parts) == 0 {
				return
			}
			walk(x[parts[0]], parts[1:])
			return
		}
		if len(parts) != 0 || v == nil {
			return
		}
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			if x {
				out = append(out, "true")
			} else {
				out = append(out, "false")
			}
		}
	}
	walk(m, strings.Split(path, "."))
	return out
}
