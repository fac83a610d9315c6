package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/orchex/orchex/pkg/model"
)

// maxFileSize caps one catalog file; a catalog file is hand-written.
const maxFileSize = 1 << 20

// parser decodes catalog files from yaml.v3 nodes so that every problem
// carries its line, and collects all problems instead of stopping at the
// first.
type parser struct {
	file   string
	errs   []error
	fields map[string]fieldSpec
	ops    map[string]op
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// pair is one key and value of a YAML mapping.
type pair struct {
	key   string
	kn, v *yaml.Node
}

// mapping returns the pairs of a mapping node, reporting duplicate keys
// and keys not in known (nil: any key).
func (p *parser) mapping(n *yaml.Node, what string, known []string) ([]pair, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, got %s", what, kindName(n))
		return nil, false
	}
	var out []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s has a non-scalar key", what)
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		if known != nil && !slices.Contains(known, k.Value) {
			p.errorf(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
			continue
		}
		out = append(out, pair{k.Value, k, v})
	}
	return out, true
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
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "an empty document"
}

// str returns a non-empty string scalar.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		p.errorf(n, "%s must be a non-empty string, got %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) integer(n *yaml.Node, what string) (int64, bool) {
	if n.Kind == yaml.ScalarNode {
		if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
			return v, true
		}
	}
	p.errorf(n, "%s must be an integer, got %s", what, kindName(n))
	return 0, false
}

func (p *parser) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	p.errorf(n, "%s must be true or false, got %s", what, kindName(n))
	return false, false
}

func (p *parser) seq(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list, got %s", what, kindName(n))
		return nil, false
	}
	if len(n.Content) == 0 {
		p.errorf(n, "%s is empty", what)
		return nil, false
	}
	return n.Content, true
}

// where records the file and line of a definition.
type where struct {
	file string
	line int
}

func parse(fsys fs.FS) (*Catalog, []error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, []error{&Error{File: ".", Msg: fmt.Sprintf("listing *.yaml: %v", err)}}
	}
	if len(names) == 0 {
		return nil, []error{&Error{File: ".", Msg: "no *.yaml catalog files found"}}
	}
	c := &Catalog{families: map[string]*Family{}, products: map[string]*product{}}
	var familyRefs []familyRef // every product's family, broken products included
	var all []error
	var versionAt, genericAt *where
	unreadable := false // a file could not be parsed: its contents are unknown
	defined := map[string]where{}
	p := &parser{fields: fieldSpecs(), ops: opNames()}
	for _, name := range names {
		p.file, p.errs = name, nil
		data, err := readFile(fsys, name)
		if err != nil {
			unreadable = true
			all = append(all, &Error{File: name, Msg: err.Error()})
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			unreadable = true
			all = append(all, yamlError(name, err))
			continue
		}
		if len(doc.Content) == 0 {
			all = append(all, &Error{File: name, Msg: "empty file"})
			continue
		}
		pairs, _ := p.mapping(doc.Content[0], "catalog file", []string{"version", "generic_auth", "families", "products"})
		for _, kv := range pairs {
			switch kv.key {
			case "version":
				v, ok := p.str(kv.v, "version")
				if !ok {
					break
				}
				if versionAt != nil {
					p.errorf(kv.kn, "catalog version set again (first set at %s:%d); set it in one file", versionAt.file, versionAt.line)
					break
				}
				versionAt = &where{name, kv.kn.Line}
				c.version = v
			case "generic_auth":
				if genericAt != nil {
					p.errorf(kv.kn, "generic_auth set again (first set at %s:%d); set it in one file", genericAt.file, genericAt.line)
					break
				}
				genericAt = &where{name, kv.kn.Line}
				items, _ := p.seq(kv.v, "generic_auth")
				for _, it := range items {
					if r, ok := p.rule(it, true); ok {
						c.generic = append(c.generic, r)
					}
				}
			case "families":
				items, _ := p.seq(kv.v, "families")
				for _, it := range items {
					f, ok := p.family(it)
					if !ok {
						continue
					}
					if g, dup := c.families[f.ID]; dup {
						p.errorf(it, "duplicate family id %q (first declared at %s:%d)", f.ID, g.File, g.Line)
						continue
					}
					c.families[f.ID] = f
				}
			case "products":
				items, _ := p.seq(kv.v, "products")
				for _, it := range items {
					pr, ok := p.product(it)
					if pr != nil && pr.Family != "" {
						familyRefs = append(familyRefs, familyRef{pr.Family, pr.label(), name, pr.familyLine})
					}
					if !ok {
						continue
					}
					if w, dup := defined[pr.ID]; dup {
						p.errorf(it, "duplicate product id %q (first defined at %s:%d)", pr.ID, w.file, w.line)
						continue
					}
					defined[pr.ID] = where{name, pr.Line}
					c.products[pr.ID] = pr
				}
			}
		}
		all = append(all, p.errs...)
	}
	if versionAt == nil && !unreadable {
		all = append(all, &Error{File: names[0], Msg: "no catalog version: add `version: \"...\"` to one file (e.g. catalog.yaml)"})
	}
	all = append(all, c.resolve()...)
	if !unreadable {
		all = append(all, c.checkFamilies(familyRefs)...)
	}
	all = append(all, c.checkPriorities()...)
	if len(all) == 0 {
		c.order = make([]*product, 0, len(c.products))
		for _, pr := range c.products {
			c.order = append(c.order, pr)
		}
		slices.SortFunc(c.order, func(a, b *product) int {
			if a.Priority != b.Priority {
				return cmp.Compare(b.Priority, a.Priority)
			}
			return strings.Compare(a.ID, b.ID) // not reached: checkPriorities rejects ties
		})
		all = c.runExamples()
	}
	sortErrors(all)
	if len(all) > 0 {
		return nil, all
	}
	return c, nil
}

// familyRef is a product's family value and where it is written.
type familyRef struct {
	family, product string // product is quoted (product.label)
	file            string
	line            int
}

// checkFamilies reports products that name an undeclared family and
// families that no product names.
func (c *Catalog) checkFamilies(refs []familyRef) []error {
	var errs []error
	used := map[string]bool{}
	for _, r := range refs {
		used[r.family] = true
		if _, ok := c.families[r.family]; !ok {
			declared := "none declared"
			if len(c.families) > 0 {
				declared = "declared: " + strings.Join(c.FamilyIDs(), ", ")
			}
			errs = append(errs, &Error{r.file, r.line, fmt.Sprintf(
				"product %s: unknown family %q (%s); declare it under families: in a catalog file", r.product, r.family, declared)})
		}
	}
	for _, id := range sortedKeys(c.families) {
		if f := c.families[id]; !used[id] {
			errs = append(errs, &Error{f.File, f.Line, fmt.Sprintf("family %q has no product: remove it or name it in a product's family", id)})
		}
	}
	return errs
}

// checkPriorities reports products that share a priority. Products are
// tried highest priority first and the first that matches names the
// observation, so two products of one priority that can match the same
// observation would be ordered by nothing the catalog says. Whether two
// sets of rules can match one observation cannot be decided in general
// (regexes, substrings of hostile bodies), so the rule is the one that is
// sound: no two products share a priority, and the order between any two
// products is written down.
func (c *Catalog) checkPriorities() []error {
	byPriority := map[int][]*product{}
	for _, pr := range c.products {
		byPriority[pr.Priority] = append(byPriority[pr.Priority], pr)
	}
	var errs []error
	for _, prio := range sortedKeys(byPriority) {
		list := byPriority[prio]
		if len(list) < 2 {
			continue
		}
		slices.SortFunc(list, func(a, b *product) int {
			return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.ID, b.ID))
		})
		first := list[0]
		for _, pr := range list[1:] {
			errs = append(errs, &Error{pr.File, pr.Line, fmt.Sprintf(
				"product %q has priority %d, as has product %q (%s:%d): priorities must be distinct, so that which of two products "+
					"matching one observation names it is written down; give the more specific product the higher number",
				pr.ID, prio, first.ID, first.File, first.Line)})
		}
	}
	return errs
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("file is %d bytes, larger than the %d-byte limit for a catalog file", st.Size(), maxFileSize)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	return data, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error into an *Error with its line.
func yamlError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: "YAML syntax: " + m[2]}
	}
	return &Error{File: file, Msg: "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")}
}

func sortErrors(errs []error) {
	slices.SortStableFunc(errs, func(a, b error) int {
		var x, y *Error
		if !errors.As(a, &x) || !errors.As(b, &y) {
			return 0
		}
		if x.File != y.File {
			return strings.Compare(x.File, y.File)
		}
		return cmp.Compare(x.Line, y.Line)
	})
}

// resolve checks the references between products and builds each
// product's auth rule list.
func (c *Catalog) resolve() []error {
	var errs []error
	for _, id := range sortedKeys(c.products) {
		pr := c.products[id]
		for i := range pr.Auth {
			pr.auth = append(pr.auth, &pr.Auth[i])
		}
		if pr.AuthFrom != "" {
			src, ok := c.products[pr.AuthFrom]
			switch {
			case !ok:
				errs = append(errs, &Error{pr.File, pr.Line, fmt.Sprintf("product %q: auth_from names unknown product %q", id, pr.AuthFrom)})
			case src.AuthFrom != "":
				errs = append(errs, &Error{pr.File, pr.Line, fmt.Sprintf("product %q: auth_from %q, which itself uses auth_from; point at the product that owns the rules", id, pr.AuthFrom)})
			case src.ID == id:
				errs = append(errs, &Error{pr.File, pr.Line, fmt.Sprintf("product %q: auth_from names itself", id)})
			default:
				for i := range src.Auth {
					pr.auth = append(pr.auth, &src.Auth[i])
				}
			}
		}
		if pr.FoundBy != "" {
			if _, ok := c.products[pr.FoundBy]; !ok || pr.FoundBy == id {
				errs = append(errs, &Error{pr.File, pr.Line, fmt.Sprintf("product %q: found_by names unknown product %q", id, pr.FoundBy)})
			}
		}
	}
	return errs
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (p *parser) product(n *yaml.Node) (*product, bool) {
	pairs, ok := p.mapping(n, "product", []string{"id", "name", "family", "category", "priority", "notes",
		"queries", "found_by", "match", "auth", "auth_from", "version_from", "examples", "remediation"})
	if !ok {
		return nil, false
	}
	pr := &product{Product: Product{File: p.file, Line: n.Line}}
	before := len(p.errs)
	has := map[string]bool{}
	for _, kv := range pairs {
		has[kv.key] = true
		switch kv.key {
		case "id":
			if v, ok := p.str(kv.v, "id"); ok {
				if !idPattern.MatchString(v) {
					p.errorf(kv.v, "id %q must be lower-case letters, digits and dashes", v)
				}
				pr.ID = v
			}
		case "name":
			pr.Name, _ = p.str(kv.v, "name")
		case "family":
			pr.Family, _ = p.str(kv.v, "family")
			pr.familyLine = kv.v.Line
		case "category":
			if v, ok := p.str(kv.v, "category"); ok {
				if v != Orchestration && v != APIManagement {
					p.errorf(kv.v, "unknown category %q (known: %s, %s)", v, Orchestration, APIManagement)
				}
				pr.Category = v
			}
		case "priority":
			v, _ := p.integer(kv.v, "priority")
			pr.Priority = int(v)
		case "notes":
			pr.Notes, _ = p.str(kv.v, "notes")
		case "queries":
			p.queries(kv.v, &pr.Product)
		case "found_by":
			pr.FoundBy, _ = p.str(kv.v, "found_by")
		case "auth_from":
			pr.AuthFrom, _ = p.str(kv.v, "auth_from")
		case "match":
			items, _ := p.seq(kv.v, "match")
			for _, it := range items {
				if r, ok := p.rule(it, false); ok {
					pr.Match = append(pr.Match, r)
				}
			}
		case "auth":
			items, _ := p.seq(kv.v, "auth")
			for _, it := range items {
				if r, ok := p.rule(it, true); ok {
					pr.Auth = append(pr.Auth, r)
				}
			}
		case "remediation":
			pr.Remediation = p.remediation(kv.v)
		case "version_from":
			items, _ := p.seq(kv.v, "version_from")
			for _, it := range items {
				if x, ok := p.extractor(it); ok {
					pr.versions = append(pr.versions, x)
				}
			}
		case "examples":
			items, _ := p.seq(kv.v, "examples")
			for _, it := range items {
				if x, ok := p.example(it); ok {
					x.n = len(pr.examples) + 1
					pr.examples = append(pr.examples, x)
				}
			}
		}
	}
	for _, k := range []string{"id", "name", "family", "category", "match"} {
		if !has[k] {
			p.errorf(n, "product %s is missing %q", pr.label(), k)
		}
	}
	positive := false
	for i := range pr.examples {
		x := &pr.examples[i]
		if x.want.product == "" && !x.want.skipped {
			x.want.product = pr.ID // an example is of its own product unless it says otherwise
		}
		positive = positive || x.want.product == pr.ID
	}
	if !positive && !has["examples"] {
		p.errorf(n, "product %s has no examples: add at least one observation it names, with the verdict expected (docs/catalog.md, Examples)", pr.label())
	} else if !positive && len(p.errs) == before {
		p.errorf(n, "product %s has no example of its own: at least one example must expect this product", pr.label())
	}
	if len(pr.Shodan)+len(pr.Censys)+len(pr.CensysV2) == 0 && pr.FoundBy == "" && !has["queries"] {
		p.errorf(n, "product %s has no queries: list some, or name the product whose queries find it with found_by", pr.label())
	}
	return pr, len(p.errs) == before
}

// family decodes one entry of a families list.
func (p *parser) family(n *yaml.Node) (*Family, bool) {
	pairs, ok := p.mapping(n, "family", []string{"id", "name", "notes"})
	if !ok {
		return nil, false
	}
	before := len(p.errs)
	f := &Family{File: p.file, Line: n.Line}
	has := map[string]bool{}
	for _, kv := range pairs {
		has[kv.key] = true
		switch kv.key {
		case "id":
			if v, ok := p.str(kv.v, "family id"); ok {
				if !idPattern.MatchString(v) {
					p.errorf(kv.v, "family id %q must be lower-case letters, digits and dashes", v)
				}
				f.ID = v
			}
		case "name":
			f.Name, _ = p.str(kv.v, "family name")
		case "notes":
			f.Notes, _ = p.str(kv.v, "family notes")
		}
	}
	for _, k := range []string{"id", "name"} {
		if !has[k] {
			p.errorf(n, "family is missing %q", k)
		}
	}
	return f, len(p.errs) == before
}

// maxRemediation caps a remediation text; it is advice, not a manual.
const maxRemediation = 4 << 10

// remediation parses a product's remediation: a non-empty text and a
// list of links, each a title and an https URL with a host.
func (p *parser) remediation(n *yaml.Node) *Remediation {
	pairs, ok := p.mapping(n, "remediation", []string{"text", "links"})
	if !ok {
		return nil
	}
	r := &Remediation{}
	has := map[string]bool{}
	for _, kv := range pairs {
		has[kv.key] = true
		switch kv.key {
		case "text":
			if v, ok := p.str(kv.v, "remediation.text"); ok {
				r.Text = strings.TrimSpace(v)
				if len(r.Text) > maxRemediation {
					p.errorf(kv.v, "remediation.text is %d bytes, longer than the %d-byte limit", len(r.Text), maxRemediation)
				}
			}
		case "links":
			items, _ := p.seq(kv.v, "remediation.links")
			for _, it := range items {
				if l, ok := p.link(it); ok {
					r.Links = append(r.Links, l)
				}
			}
		}
	}
	for _, k := range []string{"text", "links"} {
		if !has[k] {
			p.errorf(n, "remediation is missing %q", k)
		}
	}
	return r
}

// link parses one remediation link: {title, url}, the URL https with a
// host and nothing that could break out of a report (spaces, quotes,
// angle brackets, control characters).
func (p *parser) link(n *yaml.Node) (Link, bool) {
	pairs, ok := p.mapping(n, "remediation link", []string{"title", "url"})
	if !ok {
		return Link{}, false
	}
	var l Link
	good := true
	for _, kv := range pairs {
		switch kv.key {
		case "title":
			l.Title, ok = p.str(kv.v, "remediation link title")
			good = good && ok
		case "url":
			v, ok := p.str(kv.v, "remediation link url")
			if !ok {
				good = false
				break
			}
			if why := badLink(v); why != "" {
				p.errorf(kv.v, "remediation link url %q %s", v, why)
				good = false
			}
			l.URL = v
		}
	}
	if l.Title == "" || l.URL == "" {
		if good {
			p.errorf(n, "remediation link needs a title and a url")
		}
		return Link{}, false
	}
	return l, good
}

// badLink says why raw is not an acceptable documentation link, or "".
func badLink(raw string) string {
	if strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune("\"'<>`\\", r) }) >= 0 {
		return "has a space, quote, angle bracket, backslash or control character"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "does not parse: " + err.Error()
	case u.Scheme != "https":
		return "is not an https URL (link to the vendor's documentation over https)"
	case u.Host == "" || u.User != nil:
		return "has no host, or has credentials in it"
	}
	return ""
}

func (pr *product) label() string {
	if pr.ID == "" {
		return "(no id)"
	}
	return strconv.Quote(pr.ID)
}

func (p *parser) queries(n *yaml.Node, pr *Product) {
	pairs, ok := p.mapping(n, "queries", []string{"shodan", "censys", "censys_v2"})
	if !ok {
		return
	}
	if len(pairs) == 0 {
		p.errorf(n, "queries is empty")
	}
	for _, kv := range pairs {
		items, ok := p.seq(kv.v, "queries."+kv.key)
		if !ok {
			continue
		}
		var list []string
		for _, it := range items {
			q, ok := p.str(it, "a query")
			if !ok {
				continue
			}
			if slices.Contains(list, q) {
				p.errorf(it, "duplicate query %q in queries.%s", q, kv.key)
				continue
			}
			list = append(list, q)
		}
		switch kv.key {
		case "shodan":
			pr.Shodan = list
		case "censys":
			pr.Censys = list
		case "censys_v2":
			pr.CensysV2 = list
		}
	}
}

// condKeys lists the keys of a condition mapping.
func condKeys() []string {
	return []string{"all", "any", "not", "field", "equals", "contains", "prefix", "regex",
		"exists", "in", "gt", "ge", "lt", "le", "case_sensitive"}
}

func (p *parser) rule(n *yaml.Node, auth bool) (Rule, bool) {
	known := append([]string{"evidence", "confidence", "verdict"}, condKeys()...)
	what := "match rule"
	if auth {
		what = "auth rule"
	} else {
		known = slices.DeleteFunc(known, func(k string) bool { return k == "verdict" })
	}
	pairs, ok := p.mapping(n, what, known)
	if !ok {
		return Rule{}, false
	}
	before := len(p.errs)
	r := Rule{Confidence: model.High, File: p.file, Line: n.Line}
	var condPairs []pair
	has := map[string]bool{}
	for _, kv := range pairs {
		has[kv.key] = true
		switch kv.key {
		case "evidence":
			r.Evidence, _ = p.str(kv.v, "evidence")
		case "confidence":
			if v, ok := p.confidence(kv.v, "confidence"); ok {
				r.Confidence = v
			}
		case "verdict":
			r.Verdict, _ = p.verdict(kv.v, "verdict")
		default:
			condPairs = append(condPairs, kv)
		}
	}
	if !has["evidence"] {
		p.errorf(n, "%s is missing evidence (the text stored with each service it matches)", what)
	}
	if auth && !has["verdict"] {
		p.errorf(n, "auth rule is missing verdict (open, likely_open, auth_required or unknown)")
	}
	r.cond = p.cond(n, condPairs, what)
	return r, len(p.errs) == before && r.cond != nil
}

// verdict decodes an auth verdict: open, likely_open, auth_required or
// unknown.
func (p *parser) verdict(n *yaml.Node, what string) (model.Auth, bool) {
	v, ok := p.str(n, what)
	if !ok {
		return "", false
	}
	switch model.Auth(v) {
	case model.AuthOpen, model.AuthLikelyOpen, model.AuthRequired, model.AuthUnknown:
		return model.Auth(v), true
	}
	p.errorf(n, "unknown verdict %q (known: open, likely_open, auth_required, unknown)", v)
	return "", false
}

// confidence decodes a confidence: high or low.
func (p *parser) confidence(n *yaml.Node, what string) (model.Confidence, bool) {
	v, ok := p.str(n, what)
	if !ok {
		return "", false
	}
	switch model.Confidence(v) {
	case model.High, model.Low:
		return model.Confidence(v), true
	}
	p.errorf(n, "unknown confidence %q (known: high, low)", v)
	return "", false
}

func (p *parser) condMap(n *yaml.Node) *cond {
	pairs, ok := p.mapping(n, "condition", condKeys())
	if !ok {
		return nil
	}
	return p.cond(n, pairs, "condition")
}

// cond compiles the condition keys of a mapping.
func (p *parser) cond(n *yaml.Node, pairs []pair, what string) *cond {
	var shape []string
	for _, kv := range pairs {
		switch kv.key {
		case "all", "any", "not", "field":
			shape = append(shape, kv.key)
		}
	}
	switch len(shape) {
	case 0:
		p.errorf(n, "%s has no condition: give field (with an op), all, any or not", what)
		return nil
	case 1:
	default:
		p.errorf(n, "%s mixes %s: give exactly one of field, all, any, not (nest them)", what, strings.Join(shape, " and "))
		return nil
	}
	if shape[0] == "field" {
		return p.leafCond(n, pairs, what)
	}
	if len(pairs) > 1 {
		for _, kv := range pairs {
			if kv.key != shape[0] {
				p.errorf(kv.kn, "%q applies to a field, not to %s", kv.key, shape[0])
			}
		}
		return nil
	}
	kv := pairs[0]
	if kv.key == "not" {
		x := p.condMap(kv.v)
		if x == nil {
			return nil
		}
		return &cond{not: x}
	}
	items, ok := p.seq(kv.v, kv.key)
	if !ok {
		return nil
	}
	list := make([]*cond, 0, len(items))
	bad := false
	for _, it := range items {
		x := p.condMap(it)
		if x == nil {
			bad = true
			continue
		}
		list = append(list, x)
	}
	if bad {
		return nil
	}
	// Evaluate cheap conditions first: all and any short-circuit, and the
	// result does not depend on the order.
	slices.SortStableFunc(list, func(a, b *cond) int { return cmp.Compare(a.cost(), b.cost()) })
	if kv.key == "all" {
		return &cond{all: list}
	}
	return &cond{any: list}
}

func (p *parser) field(n *yaml.Node) (leaf, bool) {
	name, ok := p.str(n, "field")
	if !ok {
		return leaf{}, false
	}
	if h, isHeader := strings.CutPrefix(strings.ToLower(name), headerPrefix); isHeader {
		if h == "" || strings.ContainsAny(h, " \t:") {
			p.errorf(n, "field %q: want %s<Header-Name>", name, headerPrefix)
			return leaf{}, false
		}
		return leaf{field: fHTTPHeader, kind: kString, header: h}, true
	}
	spec, ok := p.fields[name]
	if !ok {
		names := make([]string, 0, len(p.fields)+1)
		for k := range p.fields {
			names = append(names, k)
		}
		names = append(names, headerPrefix+"<Name>")
		slices.Sort(names)
		p.errorf(n, "unknown field %q (known: %s)", name, strings.Join(names, ", "))
		return leaf{}, false
	}
	return leaf{field: spec.id, kind: spec.kind}, true
}

func (p *parser) leafCond(n *yaml.Node, pairs []pair, what string) *cond {
	var (
		l       leaf
		fieldN  *yaml.Node
		opKV    []pair
		csNode  *yaml.Node
		okField bool
	)
	for _, kv := range pairs {
		switch kv.key {
		case "field":
			fieldN = kv.v
			l, okField = p.field(kv.v)
		case "case_sensitive":
			csNode = kv.v
		default:
			opKV = append(opKV, kv)
		}
	}
	if !okField {
		return nil
	}
	if len(opKV) != 1 {
		if len(opKV) == 0 {
			p.errorf(fieldN, "%s on field %q has no op (equals, contains, prefix, regex, exists, in, gt, ge, lt, le)", what, fieldN.Value)
		} else {
			p.errorf(opKV[1].kn, "%s on field %q has more than one op (%s and %s); combine them with all", what, fieldN.Value, opKV[0].key, opKV[1].key)
		}
		return nil
	}
	kv := opKV[0]
	l.op = p.ops[kv.key]
	fname := fieldN.Value
	bad := func(allowed string) *cond {
		p.errorf(kv.kn, "op %q does not apply to field %q (%s field: %s)", kv.key, fname, kindWord(l.kind), allowed)
		return nil
	}
	if csNode != nil {
		cs, ok := p.boolean(csNode, "case_sensitive")
		if !ok {
			return nil
		}
		if l.kind != kString || l.op == opRegex || l.op == opExists {
			p.errorf(csNode, "case_sensitive applies to equals, contains, prefix and in on string fields (write (?i) in a regex)")
			return nil
		}
		l.cs = cs
	}
	if l.op == opExists {
		v, ok := p.boolean(kv.v, "exists")
		if !ok {
			return nil
		}
		if !v {
			p.errorf(kv.v, "exists: false is not supported; write not: {field: %s, exists: true}", fname)
			return nil
		}
		return &cond{leaf: &l}
	}
	switch l.kind {
	case kObject:
		return bad("exists")
	case kBool:
		if l.op != opEquals {
			return bad("equals, exists")
		}
		b, ok := p.boolean(kv.v, kv.key)
		if !ok {
			return nil
		}
		l.b = b
	case kInt:
		switch l.op {
		case opEquals, opGT, opGE, opLT, opLE:
			v, ok := p.integer(kv.v, kv.key)
			if !ok {
				return nil
			}
			l.num = v
		case opIn:
			items, ok := p.seq(kv.v, "in")
			if !ok {
				return nil
			}
			for _, it := range items {
				v, ok := p.integer(it, "an in value")
				if !ok {
					return nil
				}
				l.nums = append(l.nums, v)
			}
		default:
			return bad("equals, in, gt, ge, lt, le, exists")
		}
	case kString:
		switch l.op {
		case opEquals, opContains, opPrefix:
			s, ok := p.str(kv.v, kv.key)
			if !ok {
				return nil
			}
			if !l.cs {
				s = lowerASCII(s)
			}
			l.str, l.anchor = s, anchorOf(s)
		case opRegex:
			s, ok := p.str(kv.v, "regex")
			if !ok {
				return nil
			}
			re, err := regexp.Compile(s)
			if err != nil {
				p.errorf(kv.v, "bad regex %q: %s", s, regexProblem(err))
				return nil
			}
			l.re, l.anchored = re, anchoredAtStart(s)
			l.need = requiredLiteral(s)
			l.needAnchor = anchorOf(l.need)
		case opIn:
			items, ok := p.seq(kv.v, "in")
			if !ok {
				return nil
			}
			for _, it := range items {
				s, ok := p.str(it, "an in value")
				if !ok {
					return nil
				}
				if !l.cs {
					s = lowerASCII(s)
				}
				l.strs = append(l.strs, s)
			}
		default:
			return bad("equals, contains, prefix, regex, in, exists")
		}
	}
	return &cond{leaf: &l}
}

// regexProblem returns what is wrong with a regex, without the
// "error parsing regexp: " prefix.
func regexProblem(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: `%s`", se.Code, se.Expr)
	}
	return err.Error()
}

func kindWord(k kind) string {
	switch k {
	case kInt:
		return "a numeric"
	case kBool:
		return "a boolean"
	case kObject:
		return "an object"
	}
	return "a string"
}

func (p *parser) extractor(n *yaml.Node) (extractor, bool) {
	pairs, ok := p.mapping(n, "version_from entry", []string{"field", "regex", "when", "software"})
	if !ok {
		return extractor{}, false
	}
	var x extractor
	hasField := false
	for _, kv := range pairs {
		switch kv.key {
		case "field":
			l, ok := p.field(kv.v)
			if !ok {
				return extractor{}, false
			}
			if l.kind != kString {
				p.errorf(kv.v, "version_from field %q must be a string field", kv.v.Value)
				return extractor{}, false
			}
			x.leaf, hasField = l, true
		case "regex":
			s, ok := p.str(kv.v, "regex")
			if !ok {
				return extractor{}, false
			}
			re, err := regexp.Compile(s)
			if err != nil {
				p.errorf(kv.v, "bad regex %q: %s", s, regexProblem(err))
				return extractor{}, false
			}
			if re.NumSubexp() < 1 {
				p.errorf(kv.v, "version_from regex %q needs a capture group holding the version", s)
				return extractor{}, false
			}
			x.re = re
		case "when":
			if x.when = p.condMap(kv.v); x.when == nil {
				return extractor{}, false
			}
		case "software":
			s, ok := p.str(kv.v, "software")
			if !ok {
				return extractor{}, false
			}
			x.software = lowerASCII(s)
		}
	}
	if !hasField {
		p.errorf(n, "version_from entry is missing field")
		return extractor{}, false
	}
	if x.software != "" && x.leaf.field != fSoftwareVersion {
		p.errorf(n, "version_from software %q goes with field software.version only", x.software)
		return extractor{}, false
	}
	return x, true
}

// anchoredAtStart reports whether the regex s can only match at the start
// of the text (it begins with ^ or \A, outside multi-line mode): such a
// regex costs a few steps, not a scan of the body.
func anchoredAtStart(s string) bool {
	re, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	for re.Op == syntax.OpConcat || re.Op == syntax.OpCapture {
		if len(re.Sub) == 0 {
			return false
		}
		re = re.Sub[0]
	}
	return re.Op == syntax.OpBeginText
}

// requiredLiteral returns the longest text, lower-cased, that every match
// of the regex s contains (ignoring ASCII case), or "" when it finds
// none: the regex runs only on text that contains it (containsFold costs
// a fraction of the regexp engine's scan of a 2 KiB body). It looks
// through concatenations, groups and repetitions of at least one; an
// alternation contributes nothing. Case-insensitive runs stop at the
// letters k and s and at non-ASCII runes, which Unicode folding matches
// with runes outside ASCII (K, ſ) that containsFold would not.
func requiredLiteral(s string) string {
	re, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return ""
	}
	return strings.ToLower(longestLiteral(re.Simplify()))
}

func longestLiteral(re *syntax.Regexp) string {
	best := ""
	keep := func(s string) {
		if len(s) > len(best) {
			best = s
		}
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range literalRuns(re) {
			keep(r)
		}
	case syntax.OpCapture, syntax.OpPlus:
		keep(longestLiteral(re.Sub[0]))
	case syntax.OpRepeat:
		if re.Min >= 1 {
			keep(longestLiteral(re.Sub[0]))
		}
	case syntax.OpConcat:
		// Adjacent literals join into one run; a literal split into
		// pieces (see literalRuns) ends the run with its first piece and
		// starts the next with its last.
		run := ""
		for _, sub := range re.Sub {
			if sub.Op != syntax.OpLiteral {
				keep(run)
				run = ""
				keep(longestLiteral(sub))
				continue
			}
			rs := literalRuns(sub)
			if len(rs) == 1 {
				run += rs[0]
				continue
			}
			keep(run + rs[0])
			for _, r := range rs[1 : len(rs)-1] {
				keep(r)
			}
			run = rs[len(rs)-1]
		}
		keep(run)
	}
	return best
}

// literalRuns splits a literal node into the runs a case-insensitive
// ASCII search can look for: all of it when it is ASCII and matched
// exactly, the pieces between k, s and non-ASCII runes when it is
// case-insensitive, the pieces between non-ASCII runes otherwise.
func literalRuns(re *syntax.Regexp) []string {
	fold := re.Flags&syntax.FoldCase != 0
	var runs []string
	var cur []byte
	for _, r := range re.Rune {
		if lr := r | 0x20; r >= 0x80 || (fold && (lr == 'k' || lr == 's')) {
			runs = append(runs, string(cur))
			cur = cur[:0]
			continue
		}
		cur = append(cur, byte(r))
	}
	return append(runs, string(cur))
}
