package censystest

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
)

// Match evaluates the subset of the Censys query languages that orchex's
// catalog uses against a decoded host document, so that a fake serves
// each query only its hosts. Use it as Config.Match.
//
// Supported, for v3 CenQL and the legacy v2 language alike: field: value
// (case-insensitive "contains" for text, equality for numbers and
// booleans), field = value (exact), field =~ "regex", value sets
// {a, b}, field: * (the field exists, v2), ip: "CIDR" or ip: address
// (the address is in the network), and, or, not, parentheses,
// and scoping, where every clause must hold for one element:
// host.services: (port: 443 and protocol="HTTP") (v3) or
// same_service(services.port: 443 and services.service_name: HTTP) (v2).
// The "host." prefix is optional. A query it cannot parse matches
// nothing.
func Match(query string, doc map[string]any) bool {
	if doc == nil {
		return false
	}
	p := &parser{toks: lex(query)}
	e, err := p.expr()
	if err != nil || p.i != len(p.toks) {
		return false
	}
	return e(doc)
}

type pred func(m map[string]any) bool

type parser struct {
	toks []string
	i    int
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *parser) next() string { t := p.peek(); p.i++; return t }

func (p *parser) expr() (pred, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "or") {
		p.next()
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(m map[string]any) bool { return l(m) || right(m) }
	}
	return left, nil
}

func (p *parser) and() (pred, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "and") {
		p.next()
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(m map[string]any) bool { return l(m) && right(m) }
	}
	return left, nil
}

func (p *parser) unary() (pred, error) {
	switch t := p.peek(); {
	case strings.EqualFold(t, "not"):
		p.next()
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(m map[string]any) bool { return !e(m) }, nil
	case t == "(":
		p.next()
		e, err := p.expr()
		if err != nil || p.next() != ")" {
			return nil, fmt.Errorf("unbalanced parentheses")
		}
		return e, nil
	case t == "same_service":
		p.next()
		if p.next() != "(" {
			return nil, fmt.Errorf("same_service without (")
		}
		e, err := p.expr()
		if err != nil || p.next() != ")" {
			return nil, fmt.Errorf("unbalanced parentheses")
		}
		return scope("services", strip(e, "services.")), nil
	}
	return p.clause()
}

// clause parses field op value, or field: (expr) scoping.
func (p *parser) clause() (pred, error) {
	field := strings.TrimPrefix(p.next(), "host.")
	if field == "" || !isField(field) {
		return nil, fmt.Errorf("field expected, got %q", field)
	}
	op := p.next()
	if op != ":" && op != "=" && op != "=~" {
		return nil, fmt.Errorf("operator expected after %s", field)
	}
	if op == ":" && p.peek() == "(" {
		p.next()
		e, err := p.expr()
		if err != nil || p.next() != ")" {
			return nil, fmt.Errorf("unbalanced parentheses")
		}
		return scope(field, e), nil
	}
	var vals []string
	if p.peek() == "{" {
		p.next()
		for p.peek() != "}" && p.peek() != "" {
			if v := p.next(); v != "," {
				vals = append(vals, unquote(v))
			}
		}
		if p.next() != "}" {
			return nil, fmt.Errorf("unclosed value set")
		}
	} else {
		v := p.next()
		if v == "" {
			return nil, fmt.Errorf("value expected after %s%s", field, op)
		}
		vals = []string{unquote(v)}
	}
	if nets := ipValues(field, op, vals); nets != nil {
		return func(m map[string]any) bool {
			for _, g := range values(m, field) {
				a, err := netip.ParseAddr(g)
				if err != nil {
					continue
				}
				for _, n := range nets {
					if n.Contains(a.Unmap()) {
						return true
					}
				}
			}
			return false
		}, nil
	}
	var re *regexp.Regexp
	if op == "=~" {
		var err error
		if re, err = regexp.Compile(vals[0]); err != nil {
			return nil, err
		}
	}
	return func(m map[string]any) bool {
		got := values(m, field)
		for _, g := range got {
			for _, v := range vals {
				switch {
				case re != nil:
					if re.MatchString(g) {
						return true
					}
				case op == "=":
					if g == v {
						return true
					}
				case v == "*":
					return true
				case isNumber(v) || v == "true" || v == "false":
					if g == v {
						return true
					}
				case strings.Contains(strings.ToLower(g), strings.ToLower(v)):
					return true
				}
			}
		}
		return false
	}, nil
}

// ipValues returns the networks of an ip: clause whose values are all
// addresses or CIDRs (host.ip: "198.51.100.0/24", ../shared/docs/censys-api.md
// §1.8), nil for any other clause. An address is its own /32 or /128.
func ipValues(field, op string, vals []string) []netip.Prefix {
	if field != "ip" || op != ":" {
		return nil
	}
	var nets []netip.Prefix
	for _, v := range vals {
		if p, err := netip.ParsePrefix(v); err == nil {
			nets = append(nets, p.Masked())
		} else if a, err := netip.ParseAddr(v); err == nil {
			nets = append(nets, netip.PrefixFrom(a, a.BitLen()))
		} else {
			return nil
		}
	}
	return nets
}

// scope holds when e holds for one element at field.
func scope(field string, e pred) pred {
	return func(m map[string]any) bool {
		var elems []any
		var walk func(v any, parts []string)
		walk = func(v any, parts []string) {
			switch x := v.(type) {
			case []any:
				for _, y := range x {
					walk(y, parts)
				}
			case map[string]any:
				if len(parts) == 0 {
					elems = append(elems, x)
					return
				}
				walk(x[parts[0]], parts[1:])
			}
		}
		walk(m, strings.Split(field, "."))
		for _, el := range elems {
			if e(el.(map[string]any)) {
				return true
			}
		}
		return false
	}
}

// strip makes v2 same_service clauses (services.port) relative to the
// service: the predicate sees the service as if it were nested again.
func strip(e pred, prefix string) pred {
	name := strings.TrimSuffix(prefix, ".")
	return func(m map[string]any) bool { return e(map[string]any{name: m}) }
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isField(s string) bool {
	for _, r := range s {
		if !(r == '.' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '`' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
		if v != "" && v[0] != '`' {
			v = strings.ReplaceAll(v, `\"`, `"`)
			v = strings.ReplaceAll(v, `\\`, `\`)
		}
	}
	return v
}

// lex splits a query into fields, operators, quoted strings and
// punctuation.
func lex(q string) []string {
	var toks []string
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')' || c == '{' || c == '}' || c == ',' || c == ':':
			toks = append(toks, string(c))
			i++
		case c == '=':
			if i+1 < len(q) && q[i+1] == '~' {
				toks = append(toks, "=~")
				i += 2
			} else {
				toks = append(toks, "=")
				i++
			}
		case c == '"' || c == '`' || c == '\'':
			j := i + 1
			for j < len(q) && q[j] != c {
				if q[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			if j >= len(q) {
				return append(toks, "\x00") // unterminated: fails to parse
			}
			toks = append(toks, q[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\n(){},:=\"`'", rune(q[j])) {
				j++
			}
			toks = append(toks, q[i:j])
			i = j
		}
	}
	return toks
}
