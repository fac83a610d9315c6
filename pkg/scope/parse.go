package scope

import (
	"cmp"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
	"gopkg.in/yaml.v3"

	"github.com/orchex/orchex/pkg/source"
)

// scopeKeys returns the keys of a scope, in the order the documentation
// lists them.
func scopeKeys() []string {
	return []string{"name", "cidrs", "asns", "orgs", "domains", "countries", "contacts", "notes", "webhook"}
}

// parser decodes a scopes file from yaml.v3 nodes so that every problem
// carries its line, and collects all problems instead of stopping at the
// first (as pkg/catalog does for the catalog).
type parser struct {
	file   string
	idn    *idna.Profile
	errs   []*Problem
	warns  []*Problem
	values int // list items read, aliases expanded
}

// maxValues caps the list items of a file, aliases expanded, so that a
// file of aliases to aliases cannot make parsing take hours. A national
// CERT's file has tens of thousands.
const maxValues = 5_000_000

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Problem{File: p.file, Line: line(n), Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) warnf(n *yaml.Node, format string, args ...any) {
	p.warns = append(p.warns, &Problem{File: p.file, Line: line(n), Msg: fmt.Sprintf(format, args...)})
}

func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// resolve follows an alias (a YAML *anchor) to the node it names, and
// returns a copy of that node placed at the alias's line, so that a
// problem in an aliased value is reported where it is used.
func resolve(n *yaml.Node) *yaml.Node {
	if n == nil || n.Kind != yaml.AliasNode {
		return n
	}
	at := n
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	c := *n
	c.Line, c.Column = at.Line, at.Column
	return &c
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) parse(data []byte) []Scope {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			p.errs = append(p.errs, &Problem{File: p.file, Line: n, Msg: "YAML syntax: " + m[2]})
		} else {
			p.errs = append(p.errs, &Problem{File: p.file, Msg: "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")})
		}
		return nil
	}
	if len(doc.Content) == 0 {
		p.errs = append(p.errs, &Problem{File: p.file, Msg: "empty file: expected a mapping with a scopes: list"})
		return nil
	}
	var scopes []Scope
	found := false
	for _, kv := range p.mapping(doc.Content[0], "the scopes file", []string{"scopes"}) {
		found = true
		items, ok := p.list(kv.v, "scopes")
		if ok && len(items) == 0 {
			p.errorf(kv.v, "scopes is empty: list at least one scope")
		}
		for _, it := range items {
			scopes = append(scopes, p.scope(it))
		}
	}
	if !found && len(p.errs) == 0 {
		p.errorf(doc.Content[0], "no scopes: key")
	}
	p.duplicateNames(scopes)
	return scopes
}

// pair is one key and value of a YAML mapping.
type pair struct {
	key   string
	kn, v *yaml.Node
}

// mapping returns the pairs of a mapping node, reporting duplicate and
// unknown keys.
func (p *parser) mapping(n *yaml.Node, what string, known []string) []pair {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, got %s", what, kindName(n))
		return nil
	}
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s has a key that is not a string", what)
			continue
		}
		if at, dup := seen[k.Value]; dup {
			p.errorf(k, "%s has the key %q twice (first at line %d)", what, k.Value, at)
			continue
		}
		seen[k.Value] = k.Line
		if !slices.Contains(known, k.Value) {
			p.errorf(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
			continue
		}
		out = append(out, pair{k.Value, k, v})
	}
	return out
}

func (p *parser) list(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list, got %s", what, kindName(n))
		return nil, false
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out, true
}

// scalar returns a non-empty, trimmed string scalar.
func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		p.errorf(n, "%s must be a non-empty string, got %s", what, kindName(n))
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(clip(n.Value))
	case yaml.AliasNode:
		return "an alias"
	}
	return "an empty document"
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	i := 77
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "..."
}

// seen remembers the values of one selector of a scope, by key, with the
// line of their first appearance.
type seen map[string]int

func (s seen) first(key string, n *yaml.Node) (int, bool) {
	at, ok := s[key]
	if !ok {
		s[key] = n.Line
	}
	return at, ok
}

// scope parses one scope; its problems are in p.errs.
func (p *parser) scope(n *yaml.Node) Scope {
	s := Scope{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "a scope must be a mapping with a name and selectors, got %s", kindName(n))
		return s
	}
	before := len(p.errs)
	pairs := p.mapping(n, "a scope", scopeKeys())
	label := "scope"
	for _, kv := range pairs {
		if kv.key == "name" {
			if v, ok := p.scalar(kv.v, "name"); ok {
				s.Name = v
				label = fmt.Sprintf("scope %q", v)
				if why := badName(v); why != "" {
					p.errorf(kv.v, "scope name %q %s; the name is used as a directory name (briefs go to OUT/NAME/)", clip(v), why)
				}
			}
		}
	}
	has := map[string]bool{}
	var cidrLines seen // line of each network, by its text
	for _, kv := range pairs {
		has[kv.key] = true
		if kv.key == "name" {
			continue
		}
		what := label + " " + kv.key
		if kv.key == "webhook" {
			if kv.v.Kind != yaml.ScalarNode || kv.v.Tag == "!!null" || strings.TrimSpace(kv.v.Value) == "" {
				p.errorf(kv.v, "%s must be a URL, got %s", what, kindName(kv.v))
				continue
			}
			raw := strings.TrimSpace(kv.v.Value)
			if why := badWebhook(raw); why != "" {
				// The URL's path and query usually hold a token: never
				// print them, only the scheme and host.
				p.errorf(kv.v, "%s %s %s", what, WebhookHost(raw), why)
				continue
			}
			s.Webhook = source.NewSecret(raw)
			continue
		}
		if kv.key == "notes" {
			if kv.v.Kind != yaml.ScalarNode || kv.v.Tag == "!!null" {
				p.errorf(kv.v, "%s must be a string, got %s", what, kindName(kv.v))
				continue
			}
			s.Notes = strings.TrimSpace(kv.v.Value)
			continue
		}
		items, ok := p.list(kv.v, what)
		if !ok {
			continue
		}
		if len(items) == 0 {
			p.errorf(kv.v, "%s is empty: list a value or remove the key", what)
			continue
		}
		vals := seen{}
		for _, it := range items {
			p.value(&s, kv.key, what, it, vals)
		}
		if kv.key == "cidrs" {
			cidrLines = vals
		}
	}
	if !has["name"] {
		p.errorf(n, "scope has no name")
	}
	if !has["cidrs"] && !has["asns"] && !has["orgs"] && !has["domains"] && !has["countries"] {
		p.errorf(n, "%s selects nothing: give it at least one of cidrs, asns, orgs, domains, countries", label)
	}
	if len(p.errs) == before {
		p.nested(&s, cidrLines)
	}
	return s
}

// value parses one list item of a selector (or contacts) into s.
func (p *parser) value(s *Scope, key, what string, n *yaml.Node, vals seen) {
	if p.values++; p.values > maxValues {
		if p.values == maxValues+1 {
			p.errorf(n, "more than %d values (aliases expanded): split the file", maxValues)
		}
		return
	}
	if key == "asns" && n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		// ASNs may be written as numbers.
	} else if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		p.errorf(n, "%s: each value must be a non-empty string, got %s", what, kindName(n))
		return
	}
	raw := strings.TrimSpace(n.Value)
	dup := func(key string) bool {
		if at, ok := vals.first(key, n); ok {
			p.warnf(n, "%s lists %q twice (first at line %d)", what, clip(raw), at)
			return true
		}
		return false
	}
	switch key {
	case "cidrs":
		pfx, why := parseCIDR(raw)
		if why != "" {
			p.errorf(n, "%s: %q %s", what, clip(raw), why)
		} else if !dup(pfx.String()) {
			s.CIDRs = append(s.CIDRs, pfx)
			if warn := broad(pfx); warn != "" {
				p.warnf(n, "%s: %s", what, warn)
			}
		}
	case "asns":
		asn, why := parseASN(raw)
		if why != "" {
			p.errorf(n, "%s: %q %s", what, clip(raw), why)
		} else if !dup(strconv.FormatUint(uint64(asn), 10)) {
			s.ASNs = append(s.ASNs, asn)
		}
	case "orgs":
		if why := badOrg(raw); why != "" {
			p.errorf(n, "%s: %q %s", what, clip(raw), why)
		} else if !dup(orgKey(raw)) {
			s.Orgs = append(s.Orgs, raw)
		}
	case "domains":
		d, why, warn := parseDomain(p.idn, raw)
		if why != "" {
			p.errorf(n, "%s: %q %s", what, clip(raw), why)
		} else if !dup(d) {
			s.Domains = append(s.Domains, d)
			if warn != "" {
				p.warnf(n, "%s: %s", what, warn)
			}
		}
	case "countries":
		c, why := parseCountry(raw)
		if why != "" {
			p.errorf(n, "%s: %q %s", what, clip(raw), why)
		} else if !dup(c) {
			s.Countries = append(s.Countries, c)
		}
	case "contacts":
		if why := badEmail(p.idn, raw); why != "" {
			p.errorf(n, "%s: %q %s", what, clip(raw), why)
		} else if !dup(strings.ToLower(raw)) {
			s.Contacts = append(s.Contacts, raw)
		}
	}
}

// nested warns about a network of s inside another network of s: it
// changes nothing, and is often a typo for a different network.
func (p *parser) nested(s *Scope, lines seen) {
	ps := slices.Clone(s.CIDRs)
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.Bits(), b.Bits())
	})
	var outer netip.Prefix
	for _, q := range ps {
		if outer.IsValid() && outer.Bits() <= q.Bits() && outer.Contains(q.Addr()) {
			p.warns = append(p.warns, &Problem{File: p.file, Line: lines[q.String()],
				Msg: fmt.Sprintf("scope %q cidrs: %s is inside %s (line %d), which the scope also lists", s.Name, q, outer, lines[outer.String()])})
			continue
		}
		outer = q
	}
}

// duplicateNames reports scope names used twice, ignoring case: briefs
// are written to OUT/NAME/, and two names that differ in case only are
// one directory on macOS and Windows.
func (p *parser) duplicateNames(scopes []Scope) {
	first := map[string]*Scope{}
	for i := range scopes {
		s := &scopes[i]
		if s.Name == "" {
			continue
		}
		k := strings.ToLower(s.Name)
		if f, ok := first[k]; ok {
			p.errs = append(p.errs, &Problem{File: p.file, Line: s.Line,
				Msg: fmt.Sprintf("duplicate scope name %q (first defined as %q at line %d; names are compared ignoring case)", s.Name, f.Name, f.Line)})
			continue
		}
		first[k] = s
	}
}

func sortProblems(ps []*Problem) {
	slices.SortStableFunc(ps, func(a, b *Problem) int { return cmp.Compare(a.Line, b.Line) })
}
