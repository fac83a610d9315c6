package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/queries"
)

// The product categories.
const (
	Orchestration = "orchestration"
	APIManagement = "api-management"
)

// Catalog is a loaded, validated product catalog. It is immutable and safe
// for concurrent use.
type Catalog struct {
	version  string
	families map[string]*Family
	products map[string]*product
	order    []*product // classification order: priority descending
	generic  []Rule     // auth rules that apply to every product
	examples int        // examples run (and passed) at load
}

// Family is a product family declared in a catalog file (families:):
// Kubernetes, Docker, ... Every product names one.
type Family struct {
	ID    string // lower-case letters, digits and dashes
	Name  string // display name
	Notes string // what the family covers, optional
	File  string // the YAML file that declares the family
	Line  int
}

// Product is one catalog entry: a product, the queries that find it and the
// rules that recognise it and its authentication status.
type Product struct {
	ID       string
	Name     string
	Family   string // a declared Family's ID: kubernetes, docker, mesos, ...
	Category string // Orchestration or APIManagement
	// Priority orders products when several match one observation: the
	// highest wins, so the most specific product is named. No two
	// products share a priority (Load rejects a tie).
	Priority int
	Notes    string // provenance and caveats of the queries
	// Remediation is what an owner of an exposed service should do, with
	// links to the vendor's own hardening documentation (briefings show
	// it once per product); nil when the entry has none.
	Remediation *Remediation

	Shodan   []string // Shodan search queries
	Censys   []string // Censys Platform (CenQL) queries
	CensysV2 []string // Censys legacy v2 search queries
	// FoundBy names the product whose queries find this one when it has
	// none of its own ("" otherwise).
	FoundBy string

	Match []Rule // product rules; any one matching names the product
	Auth  []Rule // auth rules of this product, in file order
	// AuthFrom names the product whose auth rules apply after this one's
	// ("" for none): OpenShift's API server behaves as kube-apiserver.
	AuthFrom string

	File string // the YAML file that defines the product
	Line int
}

// Remediation is a product's advice to the owner of an exposed service:
// plain text (written from the vendor's documentation) and the vendor's
// pages it rests on. It does not take part in classification.
type Remediation struct {
	Text  string
	Links []Link
}

// Link is one page of a vendor's documentation: a title and an https URL.
type Link struct {
	Title string
	URL   string
}

// Rule is one declarative rule: a condition over the fields of an
// observation, the evidence stored with a service it matches and how far
// the rule can be trusted.
type Rule struct {
	Evidence   string
	Confidence model.Confidence
	Verdict    model.Auth // auth rules only; "" for product rules
	File       string
	Line       int

	cond *cond
}

// Matches reports whether the rule's condition holds for o.
func (r *Rule) Matches(o *model.Observation) bool { return r.cond.eval(o) }

// product is a Product with its compiled parts.
type product struct {
	Product
	versions   []extractor
	auth       []*Rule // own rules, then AuthFrom's
	examples   []example
	familyLine int // line of the family value
}

// extractor reads a version from a field, whole or through a regex's
// first group; when is a condition the observation must meet (nil: none),
// and software, for field software.version, the product of the software
// entry whose version is read.
type extractor struct {
	leaf     leaf // field only; op unused
	re       *regexp.Regexp
	when     *cond
	software string // lower case
}

// Query is one search query of the catalog with a stable identifier.
type Query struct {
	ID      string       // "<product>/<engine>/<n>", n from 1 in file order
	Product string       // catalog product id
	Engine  model.Engine // shodan or censys
	Dialect string       // "shodan", "cenql" (Censys Platform) or "censys-v2"
	Text    string
}

// Error is one problem in a catalog file.
type Error struct {
	File string
	Line int // 1-based; 0 when the problem has no line
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Load reads and validates every *.yaml file at the root of fsys. It
// returns every problem found, joined, each an [*Error] naming file and
// line; the catalog is usable only when the error is nil.
func Load(fsys fs.FS) (*Catalog, error) {
	c, errs := parse(fsys)
	if len(errs) > 0 {
		return nil, fmt.Errorf("catalog: %d problem(s):\n%w",
			len(errs), errors.Join(errs...))
	}
	return c, nil
}

// Embedded loads the catalog compiled into the binary (queries/*.yaml).
func Embedded() (*Catalog, error) {
	c, err := Load(queries.FS)
	if err != nil {
		return nil, fmt.Errorf("embedded %w", err)
	}
	return c, nil
}

// Check validates every *.yaml file at the root of fsys and returns every
// problem, each formatted "file:line: message", in file and line order.
// It returns nil for a valid catalog.
func Check(fsys fs.FS) []error {
	_, errs := parse(fsys)
	return errs
}

// Version returns the catalog version that snapshots record.
func (c *Catalog) Version() string { return c.version }

// Families returns the declared product families sorted by ID.
func (c *Catalog) Families() []Family {
	out := make([]Family, 0, len(c.families))
	for _, f := range c.families {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Family) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Family returns the family with the given ID.
func (c *Catalog) Family(id string) (Family, bool) {
	f, ok := c.families[id]
	if !ok {
		return Family{}, false
	}
	return *f, true
}

// FamilyIDs returns the IDs of the declared families, sorted.
func (c *Catalog) FamilyIDs() []string {
	out := make([]string, 0, len(c.families))
	for id := range c.families {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Examples returns how many examples the catalog's products carry; Load
// ran every one and each gave the classification it states.
func (c *Catalog) Examples() int { return c.examples }

// Products returns the products sorted by ID.
func (c *Catalog) Products() []Product {
	out := make([]Product, 0, len(c.products))
	for _, p := range c.products {
		out = append(out, p.export())
	}
	slices.SortFunc(out, func(a, b Product) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// FamilyOf returns the family of the product with the given ID, or ""
// when the catalog has no such product. The ingest pipeline names the
// family of a classification made earlier (orchex's export) with it.
func (c *Catalog) FamilyOf(product string) string {
	if p, ok := c.products[product]; ok {
		return p.Family
	}
	return ""
}

// Product returns the product with the given ID.
func (c *Catalog) Product(id string) (Product, bool) {
	p, ok := c.products[id]
	if !ok {
		return Product{}, false
	}
	return p.export(), true
}

// Queries returns every query of the catalog, sorted by product ID, then
// engine dialect (shodan, cenql, censys-v2), then file order.
func (c *Catalog) Queries() []Query {
	var out []Query
	for _, p := range c.Products() {
		add := func(engine model.Engine, dialect string, list []string) {
			for i, q := range list {
				out = append(out, Query{
					ID:      fmt.Sprintf("%s/%s/%d", p.ID, dialect, i+1),
					Product: p.ID, Engine: engine, Dialect: dialect, Text: q,
				})
			}
		}
		add(model.Shodan, "shodan", p.Shodan)
		add(model.Censys, "cenql", p.Censys)
		add(model.Censys, "censys-v2", p.CensysV2)
	}
	return out
}

func (p *product) export() Product {
	x := p.Product
	x.Shodan = slices.Clone(x.Shodan)
	x.Censys = slices.Clone(x.Censys)
	x.CensysV2 = slices.Clone(x.CensysV2)
	x.Match = slices.Clone(x.Match)
	x.Auth = slices.Clone(x.Auth)
	return x
}

// Classify names the product, version and authentication status of o.
// ok is false when no catalog product matches; o is not modified.
//
// Products are tried by priority (highest first; no two share one) and the first
// product with a matching product rule wins. Its auth rules, those of its
// AuthFrom product and the catalog's generic auth rules are then all
// evaluated and the strongest matching verdict is kept: auth_required over
// open over likely_open over unknown, then high over low confidence, then the first rule in
// that order. With no auth rule matching, the verdict is unknown. A
// low-confidence product rule makes the verdict low-confidence too.
//
// Classify does not allocate when no product matches.
func (c *Catalog) Classify(o *model.Observation) (model.Classification, bool) {
	if o == nil {
		return model.Classification{}, false
	}
	p, m, a := c.classify(o)
	if p == nil {
		return model.Classification{}, false
	}
	cl := model.Classification{
		Product:         p.ID,
		Family:          p.Family,
		ProductEvidence: m.Evidence,
		Version:         p.version(o),
		Auth:            model.AuthUnknown,
		AuthEvidence:    noAuthEvidence,
		Confidence:      model.Low,
	}
	if a != nil {
		cl.Auth, cl.AuthEvidence, cl.Confidence = a.Verdict, a.Evidence, a.Confidence
	}
	if m.Confidence == model.Low {
		cl.Confidence = model.Low
	}
	return cl, true
}

// noAuthEvidence is the auth evidence when no auth rule matches.
const noAuthEvidence = "no auth rule matched"

// classify returns the product that names o, its first matching product
// rule and its strongest matching auth rule (nil when none matches); p is
// nil when no product matches.
func (c *Catalog) classify(o *model.Observation) (p *product, match, auth *Rule) {
	for _, p := range c.order {
		if m := firstMatch(p.Match, o); m != nil {
			return p, m, c.bestAuth(p, o)
		}
	}
	return nil, nil, nil
}

func firstMatch(rules []Rule, o *model.Observation) *Rule {
	for i := range rules {
		if rules[i].cond.eval(o) {
			return &rules[i]
		}
	}
	return nil
}

// bestAuth returns the strongest matching auth rule of p (own, AuthFrom's,
// generic), or nil.
func (c *Catalog) bestAuth(p *product, o *model.Observation) *Rule {
	var best *Rule
	consider := func(r *Rule) {
		if (best == nil || stronger(r, best)) && r.cond.eval(o) {
			best = r
		}
	}
	for _, r := range p.auth {
		consider(r)
	}
	for i := range c.generic {
		consider(&c.generic[i])
	}
	return best
}

// stronger reports whether a verdict from r beats one from s.
func stronger(r, s *Rule) bool {
	if rank(r.Verdict) != rank(s.Verdict) {
		return rank(r.Verdict) > rank(s.Verdict)
	}
	return r.Confidence == model.High && s.Confidence == model.Low
}

// rank orders verdicts of one banner: auth_required over open (the
// conservative verdict wins when a banner carries evidence both ways)
// over likely_open (an inference from defaults yields to evidence) over
// unknown.
func rank(a model.Auth) int {
	switch a {
	case model.AuthRequired:
		return 4
	case model.AuthOpen:
		return 3
	case model.AuthLikelyOpen:
		return 2
	}
	return 1
}

// version extracts the product version from o with the first extractor
// that yields a clean value.
func (p *product) version(o *model.Observation) string {
	for i := range p.versions {
		if v := p.versions[i].extract(o); v != "" {
			return v
		}
	}
	return ""
}

func (x *extractor) extract(o *model.Observation) string {
	if x.when != nil && !x.when.eval(o) {
		return ""
	}
	n := stringCount(o, x.leaf.field)
	for i := 0; i < n; i++ {
		if x.software != "" && !equalFoldASCII(o.Software[i].Product, x.software) {
			continue
		}
		s, ok := stringAt(o, &x.leaf, i)
		if !ok || s == "" {
			continue
		}
		if x.re != nil {
			m := x.re.FindStringSubmatchIndex(s)
			if m == nil || m[2] < 0 {
				continue
			}
			s = s[m[2]:m[3]]
		}
		if v := cleanVersion(s); v != "" {
			return v
		}
	}
	return ""
}
