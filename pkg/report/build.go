package report

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
)

// ProductInfo describes one catalog product, so that this package need
// not import the catalog.
type ProductInfo struct {
	ID       string
	Name     string
	Family   string // "kubernetes" marks the Kubernetes family
	Category string // "orchestration" or "api-management"
}

// Meta is what a report needs besides the services: the snapshot's
// provenance and the reader's choices.
type Meta struct {
	Snapshot       string
	Title          string    // "" gives a title naming the snapshot
	Created        time.Time // the snapshot's creation time; shown as the report's date
	CatalogVersion string
	Products       []ProductInfo // the catalog products the snapshot was made with
	Engines        []string      // engines queried or imported; those seen in services are added
	Inputs         []Input       // imports and collected queries, in any order
	Observations   int           // observations stored in the snapshot
	CloudFeeds     []CloudFeed   // official range feeds used for tagging
	Disagreements  int           // services whose cloud tag sources disagreed
	Clamped        int           // observations dated after they were imported or collected, clamped
	Exports        []string      // orchex export files imported (their classifications are the export's)
	Truncations    []string      // why collection stopped early, if it did
	Notes          []string      // the snapshot's notes
	// Incomplete lists why the snapshot is not a complete observation
	// (store.Meta.IncompleteReasons): runs that stopped early. Empty when
	// every run ran to its end.
	Incomplete []string

	// IncludeHoneypots counts services on hosts flagged as honeypots in
	// every figure; by default they are left out and counted in the
	// method section only.
	IncludeHoneypots bool
	// Narrowed says, one line per collection, that the snapshot was
	// collected for a scope's networks only (collect --scope): its
	// figures describe those networks, not the internet.
	Narrowed []string
	// Scope names the scope whose services alone the report counts
	// (report --scopes FILE --scope NAME); "" for every service.
	Scope string

	// Support, when not nil, is the release data that judges the
	// services' versions: the view then has its support figures
	// (View.Support, docs/figures.md). AsOf is the day to judge on: the
	// snapshot's newest observation (a scope's report judges on the
	// whole snapshot's); zero takes the newest observation counted.
	Support *eol.Data
	AsOf    time.Time

	// IncludeAddresses fills View.Services with one row per service.
	IncludeAddresses bool
	// TopVersions is the number of versions listed per product; 0 means
	// DefaultTopVersions.
	TopVersions int
}

// Names and limits used by [Build].
const (
	// KubernetesFamily is the catalog family whose services make up the
	// Kubernetes figures (compared case-insensitively).
	KubernetesFamily = "kubernetes"
	// AWS is the provider id of Amazon Web Services.
	AWS = "aws"
	// NoProvider stands for services in no known cloud.
	NoProvider = "none"
	// UnknownKey stands for an empty region, country, product or tag source.
	UnknownKey = "unknown"
	// TopCountries is the number of countries listed.
	TopCountries = 20
	// DefaultTopVersions is the number of versions listed per product.
	DefaultTopVersions = 5

	// maxKeys caps the distinct keys counted per table, so that hostile
	// data cannot grow memory without bound; maxKeyLen caps a key.
	maxKeys   = 1 << 14
	maxKeyLen = 128
)

// authCounts counts services by auth status.
type authCounts struct {
	services, open, likely, required, unknown int
}

func (c *authCounts) add(a model.Auth, n int) {
	c.services += n
	switch a {
	case model.AuthOpen:
		c.open += n
	case model.AuthLikelyOpen:
		c.likely += n
	case model.AuthRequired:
		c.required += n
	default:
		c.unknown += n
	}
}

// tally counts by key with a cap on distinct keys; keys past the cap are
// counted in dropped. It remembers the last key: in the store's address
// order, neighbouring services often share a provider, region and country.
type tally[K comparable, V any] struct {
	m       map[K]*V
	dropped int
	lastKey K
	last    *V
}

func newTally[K comparable, V any]() tally[K, V] { return tally[K, V]{m: make(map[K]*V)} }

// at returns the counter of k, or nil when k is new and the table is full;
// n services are then counted as dropped.
func (t *tally[K, V]) at(k K, clone func(K) K, n int) *V {
	if t.last != nil && k == t.lastKey {
		return t.last
	}
	if v, ok := t.m[k]; ok {
		t.lastKey, t.last = k, v
		return v
	}
	if len(t.m) >= maxKeys {
		t.dropped += n
		return nil
	}
	v := new(V)
	k = clone(k)
	t.m[k] = v
	t.lastKey, t.last = k, v
	return v
}

type productAcc struct {
	authCounts
	hosts int
	kube  int8 // 0 not yet looked up, 1 Kubernetes family, -1 not
}

type regionKey struct{ provider, region string }

type versionKey struct{ product, version string }

type countryAcc struct{ services, open int }

// builder holds the counters of one pass.
type builder struct {
	meta Meta

	h         Headline
	products  tally[string, productAcc]
	providers tally[string, authCounts]
	regions   tally[regionKey, int]
	countries tally[string, countryAcc]
	versions  tally[versionKey, authCounts]
	sources   tally[string, int]
	overlap   Overlap
	awsUS     int
	awsNonUS  int
	awsNone   int
	low       int
	conflicts int
	first     time.Time
	last      time.Time
	engines   model.Engines
	kube      map[string]bool // product id → Kubernetes family

	n        int
	prev     netip.Addr
	hostProd []string // products seen on the current address
	services []ServiceRow

	// Services on honeypot hosts: flagged (counted whether or not they
	// are left out), and the flagged addresses (Build counts them from
	// the stream; BuildGrouped takes them from Grouped).
	honeyServices int
	honeyHosts    int
	honeyPrev     netip.Addr

	// sup counts the services for the support figures (nil without
	// release data); support is what it gave.
	sup     *supportAcc
	support *Support
}

// Build computes the view of a snapshot in one pass over its services.
//
// services must call fn once per service, in the store's order (sorted by
// address, then port and transport), and stop with fn's error when fn
// returns one; Build returns an error naming the position if addresses
// arrive out of order, since hosts are counted as address changes. The
// *model.Service passed to fn may be reused by the caller after fn returns.
// Build keeps counters, not services, unless Meta.IncludeAddresses is set.
func Build(ctx context.Context, m Meta, services func(fn func(*model.Service) error) error) (*View, error) {
	b := newBuilder(m)
	if m.IncludeAddresses {
		b.services = []ServiceRow{}
	}
	err := services(func(s *model.Service) error {
		if b.n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return b.add(s)
	})
	if err != nil {
		return nil, fmt.Errorf("report: snapshot %q: reading services: %w", m.Snapshot, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("report: snapshot %q: %w", m.Snapshot, err)
	}
	return b.view(), nil
}

// Grouped is a snapshot summarized for [BuildGrouped]: its services
// counted by group, and its distinct addresses.
type Grouped struct {
	// Groups calls fn once per service group (store.Groups), in any
	// order, and stops with fn's error.
	Groups func(fn func(*model.ServiceGroup) error) error
	// Hosts is the number of distinct addresses; ProductHosts the number
	// per product id (store.Snapshot, store.ProductHosts).
	Hosts        int
	ProductHosts map[string]int
	// Services, read only when Meta.IncludeAddresses is set, lists the
	// services for View.Services, as for [Build].
	Services func(fn func(*model.Service) error) error
	// HoneypotHosts is the number of distinct addresses flagged as
	// honeypots, HoneypotProductHosts the number per product id
	// (store.HoneypotCounts, store.HoneypotProductHosts): the hosts a
	// report that leaves honeypots out takes from Hosts and ProductHosts.
	HoneypotHosts        int
	HoneypotProductHosts map[string]int
	// Named, read only when Meta.Support is set and a group holds a
	// Kubernetes version that host names can move to the AKS calendar
	// (eol.NamesMatter), lists at least every service with a name in
	// eol.AKSZone (store.ServicesNamed), in any order: groups keep no
	// host names. Nil judges those versions by the upstream calendar.
	Named func(fn func(*model.Service) error) error
}

// BuildGrouped computes the same view as [Build] from a snapshot's
// service groups instead of its services: a few thousand rows instead of
// a million, so a report of any size takes well under a second. The two
// agree whenever no table reaches its cap of distinct values (the cap
// keeps the first values met, and groups arrive in another order than
// services); TestBuildGroupedEqualsBuild checks this.
func BuildGrouped(ctx context.Context, m Meta, g Grouped) (*View, error) {
	b := newBuilder(m)
	err := g.Groups(func(x *model.ServiceGroup) error {
		if b.n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b.n++
		if x.Honeypot != 0 {
			b.honeyServices += x.Services
			if !m.IncludeHoneypots {
				return nil
			}
		}
		b.count(x)
		b.countSupport(x.Product, x.Version, x.Auth, false, x.Services)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report: snapshot %q: reading service groups: %w", m.Snapshot, err)
	}
	if b.sup != nil && g.Named != nil && b.sup.namesMatter() {
		err := g.Named(func(s *model.Service) error {
			if (s.Honeypot == 0 || m.IncludeHoneypots) && eol.IsAKS(s.Hostnames) && eol.NamesMatter(s.Product, s.Version) {
				b.sup.markAKS(keyOr(s.Product, UnknownKey), s.Version, s.Auth.Verdict())
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("report: snapshot %q: reading services with host names: %w", m.Snapshot, err)
		}
	}
	b.honeyHosts = g.HoneypotHosts
	b.h.Hosts = g.Hosts
	if !m.IncludeHoneypots {
		b.h.Hosts -= g.HoneypotHosts
	}
	for id, n := range g.ProductHosts {
		if !m.IncludeHoneypots {
			n -= g.HoneypotProductHosts[id]
		}
		if p := b.products.m[keyOr(id, UnknownKey)]; p != nil {
			p.hosts += n
		}
	}
	if m.IncludeAddresses {
		b.services = []ServiceRow{}
		err := g.Services(func(s *model.Service) error {
			if len(b.services)&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if s.Honeypot == 0 || m.IncludeHoneypots {
				b.services = append(b.services, serviceRow(s, s.Auth.Verdict()))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("report: snapshot %q: reading services: %w", m.Snapshot, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("report: snapshot %q: %w", m.Snapshot, err)
	}
	return b.view(), nil
}

func newBuilder(m Meta) *builder {
	b := &builder{
		meta:      m,
		products:  newTally[string, productAcc](),
		providers: newTally[string, authCounts](),
		regions:   newTally[regionKey, int](),
		countries: newTally[string, countryAcc](),
		versions:  newTally[versionKey, authCounts](),
		sources:   newTally[string, int](),
		kube:      make(map[string]bool, len(m.Products)),
	}
	for _, p := range m.Products {
		b.kube[p.ID] = strings.EqualFold(p.Family, KubernetesFamily)
	}
	if m.Support != nil {
		b.sup = &supportAcc{m: map[supportKey]int{}}
	}
	return b
}

// countSupport counts n services of product with version (auth a) for
// the support figures; aks marks AKS API servers (eol.IsAKS).
func (b *builder) countSupport(product, version string, a model.Auth, aks bool, n int) {
	if b.sup != nil {
		b.sup.add(keyOr(product, UnknownKey), version, a.Verdict(), aks, n)
	}
}

func (b *builder) add(s *model.Service) error {
	if b.n > 0 && s.Addr.Compare(b.prev) < 0 {
		return fmt.Errorf("service #%d (%s) arrived after %s: services must be sorted by address", b.n+1, s.Addr, b.prev)
	}
	first := b.n == 0 || s.Addr != b.prev // the first service of its address
	b.prev = s.Addr
	b.n++
	if s.Honeypot != 0 {
		b.honeyServices++
		if b.honeyServices == 1 || s.Addr != b.honeyPrev {
			b.honeyHosts++
		}
		b.honeyPrev = s.Addr
		if !b.meta.IncludeHoneypots {
			return nil // a honeypot's services are all flagged: its host is left out whole
		}
	}
	if first {
		b.hostProd = b.hostProd[:0]
		b.h.Hosts++
	}

	g := s.Group()
	product, p := b.count(&g)
	if b.sup != nil {
		b.countSupport(s.Product, s.Version, s.Auth, eol.IsAKS(s.Hostnames) && eol.NamesMatter(s.Product, s.Version), 1)
	}
	if p != nil && !slices.Contains(b.hostProd, product) {
		b.hostProd = append(b.hostProd, product)
		p.hosts++
	}
	if b.services != nil {
		b.services = append(b.services, serviceRow(s, s.Auth.Verdict()))
	}
	return nil
}

// count adds g.Services services of group g to every table but the host
// counts, and returns the product's key and counter (nil when the product
// table is full).
func (b *builder) count(g *model.ServiceGroup) (string, *productAcc) {
	n := g.Services
	auth := g.Auth.Verdict()
	b.h.Services += n
	switch auth {
	case model.AuthOpen:
		b.h.Open += n
	case model.AuthLikelyOpen:
		b.h.LikelyOpen += n
	case model.AuthRequired:
		b.h.AuthRequired += n
	default:
		b.h.Unknown += n
	}
	if g.Confidence == model.Low {
		b.low += n
	}
	if g.AuthConflict {
		b.conflicts += n
	}

	product := keyOr(g.Product, UnknownKey)
	p := b.products.at(product, strings.Clone, n)
	if p != nil {
		p.add(auth, n)
	}
	if b.kubernetes(g.Product, p) {
		b.h.KubernetesServices += n
		switch auth {
		case model.AuthOpen:
			b.h.KubernetesOpen += n
		case model.AuthLikelyOpen:
			b.h.KubernetesLikelyOpen += n
		}
	}
	if g.Version != "" {
		if v := b.versions.at(versionKey{product, clip(g.Version)}, cloneVersion, n); v != nil {
			v.add(auth, n)
		}
	}

	provider := keyOr(g.Cloud.Provider, NoProvider)
	if p := b.providers.at(provider, strings.Clone, n); p != nil {
		p.add(auth, n)
	}
	if g.Cloud.Provider != "" {
		region := keyOr(g.Cloud.Region, UnknownKey)
		if r := b.regions.at(regionKey{provider, region}, cloneRegion, n); r != nil {
			*r += n
		}
		if provider == AWS {
			b.h.AWSServices += n
			switch placeOf(AWS, g.Cloud.Region) {
			case PlaceUS:
				b.awsUS += n
			case PlaceNonUS:
				b.awsNonUS += n
			default:
				b.awsNone += n
			}
		}
	}
	if c := b.sources.at(sourceKind(g.Cloud), strings.Clone, n); c != nil {
		*c += n
	}
	if c := b.countries.at(keyOr(g.Country, UnknownKey), strings.Clone, n); c != nil {
		c.services += n
		if auth == model.AuthOpen {
			c.open += n
		}
	}

	switch g.Engines & (model.SeenShodan | model.SeenCensys) {
	case model.SeenShodan:
		b.overlap.ShodanOnly += n
	case model.SeenCensys:
		b.overlap.CensysOnly += n
	case model.SeenShodan | model.SeenCensys:
		b.overlap.Both += n
	default:
		b.overlap.Neither += n
	}
	b.engines |= g.Engines
	b.first = minTime(b.first, g.FirstSeen)
	b.last = maxTime(b.last, g.LastSeen)
	return product, p
}

// kubernetes reports whether product is of the Kubernetes family,
// remembering the answer in its counter p (nil when the table is full).
func (b *builder) kubernetes(product string, p *productAcc) bool {
	if p == nil {
		return b.kube[product]
	}
	if p.kube == 0 {
		p.kube = -1
		if b.kube[product] {
			p.kube = 1
		}
	}
	return p.kube == 1
}

func serviceRow(s *model.Service, auth model.Auth) ServiceRow {
	engines := []string{}
	for _, e := range s.Engines.List() {
		engines = append(engines, string(e))
	}
	return ServiceRow{
		Address:      s.Addr.String(),
		Port:         int(s.Port),
		Transport:    s.Transport,
		Product:      s.Product,
		Version:      s.Version,
		Auth:         string(auth),
		AuthEvidence: s.AuthEvidence,
		Provider:     keyOr(s.Cloud.Provider, NoProvider),
		Region:       s.Cloud.Region,
		Country:      s.Country,
		Engines:      engines,
		Hostnames:    append([]string{}, s.Hostnames...),
		Title:        s.Title,
		FirstSeen:    s.FirstSeen,
		LastSeen:     s.LastSeen,
		Honeypot:     s.Honeypot != 0,
	}
}

// sourceKind reduces a cloud tag source to its kind: "asn:16509" counts
// as "asn"; feed and engine sources are kept whole; untagged is "none".
func sourceKind(t model.CloudTag) string {
	switch {
	case t.Provider == "" || t.Source == "":
		return NoProvider
	case strings.HasPrefix(t.Source, "asn:"):
		return "asn"
	}
	return clip(t.Source)
}

func (b *builder) view() *View {
	m := b.meta
	h := b.h
	h.AWSUSServices = b.awsUS
	h.AWSShare = share(h.AWSServices, h.Services)
	h.AWSUSShare = share(h.AWSUSServices, h.AWSServices)
	h.KubernetesShare = share(h.KubernetesServices, h.Services)
	h.OpenShare = share(h.Open, h.Services)
	h.LikelyOpenShare = share(h.LikelyOpen, h.Services)

	v := &View{
		Title:            m.Title,
		Snapshot:         m.Snapshot,
		Generated:        m.Created,
		Completeness:     Completeness{Complete: len(m.Incomplete) == 0, Reasons: append([]string{}, m.Incomplete...)},
		Headline:         h,
		AWSUS:            b.awsUS,
		AWSNonUS:         b.awsNonUS,
		AWSNoRegion:      b.awsNone,
		EngineOverlap:    b.overlap,
		IncludeAddresses: m.IncludeAddresses,
		Services:         b.services,
	}
	if v.Title == "" {
		v.Title = "Exposed container-orchestration and API-management panels"
		if m.Snapshot != "" {
			v.Title += ", snapshot " + m.Snapshot
		}
		if m.Scope != "" {
			v.Title += ", scope " + m.Scope
		}
	}
	v.ByProduct = b.byProduct()
	v.ByProvider = b.byProvider()
	v.ByRegion, v.AWSRegions = b.byRegion()
	v.ByCountry, v.CountryOther = b.byCountry()
	v.Versions = b.byVersion()
	if b.sup != nil {
		asOf := m.AsOf
		if asOf.IsZero() {
			asOf = b.last
		}
		b.support = b.sup.support(m.Support, asOf)
		v.Support = b.support
	}
	v.Method = b.method()
	Present(v)
	return v
}

// Present fills what a reader sees of v's figures and computes no
// figure: the summary sentences, the display names of providers (and of
// products in the version rows, from ByProduct) and each region's place
// (US, non-US, unknown: cloud.InUS). Build and BuildGrouped call it; call
// it on a View assembled by other means before rendering it.
func Present(v *View) {
	v.Summary = summary(v)
	// A scope's report, or a report of a snapshot collected for a scope,
	// says so before any figure: it is not a census of the internet.
	if v.Method.Scope != "" {
		v.Summary = append([]string{"These figures count the services of scope " + v.Method.Scope + " only."}, v.Summary...)
	}
	if len(v.Method.Narrowed) > 0 {
		v.Summary = append([]string{"This snapshot was collected for " + Plural(len(v.Method.Narrowed), "one scope's", "some scopes'") + " networks only (" + strings.Join(v.Method.Narrowed, "; ") +
			"): its figures describe those networks, not the internet."}, v.Summary...)
	}
	// A snapshot is incomplete when a run left a reason; a view built by
	// hand with none is complete, whatever its zero value says.
	v.Completeness.Complete = len(v.Completeness.Reasons) == 0
	if v.Completeness.Reasons == nil {
		v.Completeness.Reasons = []string{}
	}
	v.Warnings = warnings(v)
	v.Shown = shown(v)
	for i := range v.ByProvider {
		v.ByProvider[i].Name = providerName(v.ByProvider[i].Provider)
	}
	for _, rows := range [][]RegionRow{v.ByRegion, v.AWSRegions} {
		for i := range rows {
			r := &rows[i]
			r.ProviderName = providerName(r.Provider)
			r.Place = PlaceUnknown
			if r.Region != UnknownKey {
				r.Place = placeOf(r.Provider, r.Region)
			}
			r.US = r.Place == PlaceUS
		}
	}
	names := make(map[string]string, len(v.ByProduct))
	for _, r := range v.ByProduct {
		names[r.Product] = r.Name
	}
	for i := range v.Versions {
		v.Versions[i].Name = cmp.Or(names[v.Versions[i].Product], v.Versions[i].Product)
	}
	if v.Support != nil {
		for i := range v.Support.Products {
			r := &v.Support.Products[i]
			r.Name = cmp.Or(names[r.Product], r.Product)
		}
		v.Support.Total.Name = "All products"
	}
	for i := range v.Method.CloudFeeds {
		f := &v.Method.CloudFeeds[i]
		f.ProviderName = providerName(f.Provider)
		f.Label = FeedLabel(f.Date, f.Token)
	}
}

// providerName is cloud.ProviderName, with "" (no cloud) as NoProvider.
func providerName(id string) string { return cloud.ProviderName(keyOr(id, NoProvider)) }

// placeOf says where a provider region is, by cloud.InUS, the one
// US-region rule.
func placeOf(provider, region string) Place {
	switch us, known := cloud.InUS(provider, region); {
	case !known:
		return PlaceUnknown
	case us:
		return PlaceUS
	}
	return PlaceNonUS
}

// summary writes the headline figures as sentences, in the words of the
// 2018 study. Every format that prints a summary prints these. A figure
// with nothing behind it (no Kubernetes-family or AWS service, nothing
// likely open) gets no sentence: "0% of 0" is not a finding.
func summary(v *View) []string {
	h := v.Headline
	if h.Services == 0 {
		return []string{"The snapshot holds no exposed services."}
	}
	likely := ""
	if h.LikelyOpen > 0 {
		likely = fmt.Sprintf(", %s (%s) were likely open (inferred from the product's default configuration, not proven)",
			Num(h.LikelyOpen), Pct(h.LikelyOpenShare))
	}
	out := []string{
		fmt.Sprintf("Of %s exposed %s on %s %s, %s (%s) required no authentication%s, %s (%s) demanded credentials and the banners of %s (%s) did not tell.",
			Num(h.Services), Plural(h.Services, "service", "services"), Num(h.Hosts), Plural(h.Hosts, "host", "hosts"),
			Num(h.Open), Pct(h.OpenShare), likely, Num(h.AuthRequired), PctOf(h.AuthRequired, h.Services),
			Num(h.Unknown), PctOf(h.Unknown, h.Services)),
	}
	if h.KubernetesServices > 0 {
		out = append(out, fmt.Sprintf("%s of %s Kubernetes-family %s answered without authentication.",
			Num(h.KubernetesOpen), Num(h.KubernetesServices), Plural(h.KubernetesServices, "service", "services")))
	}
	if h.AWSServices > 0 {
		out = append(out, fmt.Sprintf("%s of the services were hosted on AWS, and %s of those in AWS US regions.", Pct(h.AWSShare), Pct(h.AWSUSShare)))
	}
	if h.KubernetesServices > 0 {
		out = append(out, fmt.Sprintf("Kubernetes-family services make up %s of the total.", Pct(h.KubernetesShare)))
	}
	if s := v.Support; s != nil && s.Total.WithVersion > 0 {
		out = append(out, supportSentence(s))
	}
	return out
}

// supportSentence says how many services that named a version run a
// release past its end of life: "Of 1,204 services whose banner named a
// version, 730 (60.6%) ran a release past its end of life on 2026-11-14,
// 41 of them open."
func supportSentence(s *Support) string {
	t := s.Total
	open := "none of them open"
	if t.OpenEndOfLife > 0 {
		open = Num(t.OpenEndOfLife) + " of them open"
	}
	if t.EndOfLife == 0 {
		return fmt.Sprintf("Of %s %s whose banner named a version, none ran a release past its end of life on %s.",
			Num(t.WithVersion), Plural(t.WithVersion, "service", "services"), s.AsOf)
	}
	return fmt.Sprintf("Of %s %s whose banner named a version, %s (%s) ran a release past its end of life on %s, %s.",
		Num(t.WithVersion), Plural(t.WithVersion, "service", "services"), Num(t.EndOfLife), t.ShareText(), s.AsOf, open)
}

// warnings writes what a reader must see before any figure: that the
// snapshot is incomplete, and why (Present has made it incomplete
// exactly when it has a reason).
func warnings(v *View) []string {
	c := v.Completeness
	if c.Complete {
		return nil
	}
	return []string{"This snapshot is incomplete: " + Plural(len(c.Reasons), "a run", "runs") + " that filled it did not finish (" +
		strings.Join(c.Reasons, "; ") + "). Its figures count what was observed until then and are lower bounds, not a census."}
}

// shown decides which sections have something to say, and the line that
// stands for the others.
func shown(v *View) Shown {
	var s Shown
	earlier := v.Compare != nil && v.Compare.Earlier != nil
	s.Breakdowns = v.Headline.Services > 0 || (earlier && v.Compare.Earlier.Headline.Services > 0)
	if !s.Breakdowns {
		s.BreakdownsLine = "The snapshot holds no service to break down."
	}
	s.AWS = v.Headline.AWSServices > 0 || len(v.AWSRegions) > 0 || (earlier && v.Compare.Earlier.Headline.AWSServices > 0)
	if !s.AWS {
		s.AWSLine = "No service was tagged as hosted on AWS."
	}
	s.Regions = len(v.ByRegion) > 0 || (earlier && len(v.Compare.Earlier.ByRegion) > 0)
	if !s.Regions {
		s.RegionsLine = "No service was tagged with a cloud provider."
	}
	s.Overlap = s.Breakdowns && (multiEngine(v) || (earlier && multiEngine(v.Compare.Earlier)))
	if !s.Overlap {
		switch e := v.Method.Engines; {
		case !s.Breakdowns:
			s.OverlapLine = "No service was seen, so there is no overlap to show."
		case len(e) == 0:
			s.OverlapLine = "No engine is recorded for this snapshot."
		default:
			s.OverlapLine = "Every service was seen by " + engineName(e[0]) + ": the snapshot holds one engine's data, so there is no overlap to show."
		}
	}
	s.Versions = len(v.Versions) > 0 || (earlier && len(v.Compare.Earlier.Versions) > 0)
	if !s.Versions {
		s.VersionsLine = "No banner named a version."
	}
	s.Support = v.Support != nil && (v.Support.Total.WithVersion > 0 ||
		(earlier && v.Compare.Earlier.Support != nil && v.Compare.Earlier.Support.Total.WithVersion > 0))
	switch {
	case v.Support == nil:
		s.SupportLine = "The support status of the versions was not judged (no release data was given)."
	case !s.Support:
		s.SupportLine = "No banner named a version, so no service's support status is known."
	}
	return s
}

// multiEngine reports whether two engines looked: the snapshot's method
// names more than one, or its services were seen by more than one.
func multiEngine(v *View) bool {
	o := v.EngineOverlap
	return len(v.Method.Engines) > 1 || o.Both > 0 || (o.ShodanOnly > 0 && o.CensysOnly > 0)
}

// engineName is an engine's display name.
func engineName(e string) string {
	switch e {
	case string(model.Shodan):
		return "Shodan"
	case string(model.Censys):
		return "Censys"
	}
	return e
}

func (b *builder) byProduct() []ProductRow {
	info := make(map[string]ProductInfo, len(b.meta.Products))
	for _, p := range b.meta.Products {
		info[p.ID] = p
	}
	rows := []ProductRow{}
	for id, c := range b.products.m {
		rows = append(rows, productRow(id, info[id], c))
	}
	// Catalog products with no services are listed too: a zero is a
	// finding when the product was searched for.
	for _, p := range b.meta.Products {
		if _, ok := b.products.m[p.ID]; !ok {
			rows = append(rows, productRow(p.ID, p, &productAcc{}))
		}
	}
	slices.SortFunc(rows, func(x, y ProductRow) int {
		return byCount(x.Services, y.Services, x.Product, y.Product)
	})
	return rows
}

func productRow(id string, p ProductInfo, c *productAcc) ProductRow {
	name := p.Name
	if name == "" {
		name = id
	}
	return ProductRow{
		Product: id, Name: name, Family: p.Family, Category: p.Category,
		Services: c.services, Hosts: c.hosts, Open: c.open, LikelyOpen: c.likely, AuthRequired: c.required, Unknown: c.unknown,
	}
}

func (b *builder) byProvider() []ProviderRow {
	rows := []ProviderRow{}
	for p, c := range b.providers.m {
		rows = append(rows, ProviderRow{
			Provider: p, Services: c.services, Share: share(c.services, b.h.Services),
			Open: c.open, LikelyOpen: c.likely, AuthRequired: c.required, Unknown: c.unknown,
		})
	}
	slices.SortFunc(rows, func(x, y ProviderRow) int {
		return byCount(x.Services, y.Services, x.Provider, y.Provider)
	})
	return rows
}

func (b *builder) byRegion() (all, aws []RegionRow) {
	all, aws = []RegionRow{}, []RegionRow{}
	for k, n := range b.regions.m {
		total := 0
		if p := b.providers.m[k.provider]; p != nil {
			total = p.services
		}
		r := RegionRow{Provider: k.provider, Region: k.region, Services: *n, Share: share(*n, total)}
		all = append(all, r)
		if k.provider == AWS {
			aws = append(aws, r)
		}
	}
	slices.SortFunc(all, func(x, y RegionRow) int {
		if c := cmp.Compare(x.Provider, y.Provider); c != 0 {
			return c
		}
		return byCount(x.Services, y.Services, x.Region, y.Region)
	})
	slices.SortFunc(aws, func(x, y RegionRow) int {
		return byCount(x.Services, y.Services, x.Region, y.Region)
	})
	return all, aws
}

func (b *builder) byCountry() ([]CountryRow, int) {
	rows := []CountryRow{}
	for c, n := range b.countries.m {
		rows = append(rows, CountryRow{Country: c, Services: n.services, Share: share(n.services, b.h.Services), Open: n.open})
	}
	slices.SortFunc(rows, func(x, y CountryRow) int {
		return byCount(x.Services, y.Services, x.Country, y.Country)
	})
	other := b.countries.dropped
	if len(rows) > TopCountries {
		for _, r := range rows[TopCountries:] {
			other += r.Services
		}
		rows = rows[:TopCountries]
	}
	return rows, other
}

func (b *builder) byVersion() []VersionRow {
	top := b.meta.TopVersions
	if top <= 0 {
		top = DefaultTopVersions
	}
	rows := []VersionRow{}
	for k, c := range b.versions.m {
		rows = append(rows, VersionRow{Product: k.product, Version: k.version, Services: c.services, Open: c.open})
	}
	slices.SortFunc(rows, func(x, y VersionRow) int {
		if c := cmp.Compare(x.Product, y.Product); c != 0 {
			return c
		}
		return byCount(x.Services, y.Services, x.Version, y.Version)
	})
	out := []VersionRow{}
	for i, r := range rows {
		if i >= top && rows[i-top].Product == r.Product {
			continue
		}
		out = append(out, r)
	}
	return out
}

func (b *builder) method() Method {
	m := b.meta
	md := Method{
		CatalogVersion:     m.CatalogVersion,
		Products:           []string{},
		Engines:            []string{},
		Inputs:             slices.Clone(m.Inputs),
		Observations:       m.Observations,
		AuthConflicts:      b.conflicts,
		LowConfidence:      b.low,
		FirstSeen:          b.first,
		LastSeen:           b.last,
		CloudSources:       []CloudSource{},
		CloudFeeds:         slices.Clone(m.CloudFeeds),
		CloudDisagreements: m.Disagreements,
		Clamped:            m.Clamped,
		Exports:            slices.Clone(m.Exports),
		Truncations:        slices.Clone(m.Truncations),
		Honeypots:          Honeypots{Included: m.IncludeHoneypots, Services: b.honeyServices, Hosts: b.honeyHosts},
		Scope:              m.Scope,
		Narrowed:           slices.Clone(m.Narrowed),
	}
	if md.Inputs == nil {
		md.Inputs = []Input{}
	}
	if md.CloudFeeds == nil {
		md.CloudFeeds = []CloudFeed{}
	}
	if md.Truncations == nil {
		md.Truncations = []string{}
	}
	if md.Notes == nil {
		md.Notes = []string{}
	}
	if md.Exports == nil {
		md.Exports = []string{}
	}
	for _, p := range m.Products {
		md.Products = append(md.Products, p.ID)
	}
	slices.Sort(md.Products)
	md.Products = slices.Compact(md.Products)

	md.Engines = append(md.Engines, m.Engines...)
	for _, e := range b.engines.List() {
		md.Engines = append(md.Engines, string(e))
	}
	slices.Sort(md.Engines)
	md.Engines = slices.Compact(md.Engines)

	slices.SortStableFunc(md.Inputs, func(x, y Input) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return cmp.Compare(x.Name, y.Name)
	})
	for _, in := range md.Inputs {
		md.RecordsRead += in.Read
		md.RecordsBad += in.Bad
		md.RecordsSkipped += in.Skipped
		if in.Truncated != "" {
			md.Truncations = append(md.Truncations, in.Name+": "+in.Truncated)
		}
	}
	if md.Observations > b.h.Services {
		md.DuplicatesMerged = md.Observations - b.h.Services
	}
	slices.SortFunc(md.CloudFeeds, func(x, y CloudFeed) int {
		if c := cmp.Compare(x.Provider, y.Provider); c != 0 {
			return c
		}
		return cmp.Compare(x.Date, y.Date)
	})
	for s, n := range b.sources.m {
		md.CloudSources = append(md.CloudSources, CloudSource{Source: s, Services: *n})
	}
	slices.SortFunc(md.CloudSources, func(x, y CloudSource) int {
		return byCount(x.Services, y.Services, x.Source, y.Source)
	})

	nc := NoteCounts{Services: b.h.Services, AWSNoRegion: b.awsNone, NoEngine: b.overlap.Neither,
		Honeypots: md.Honeypots, LikelyOpen: b.h.LikelyOpen, Support: b.support, InputsTable: true}
	if b.sup != nil {
		nc.SupportDropped = b.sup.dropped
	}
	md.Notes = MethodNotes(m, nc)
	for _, t := range []struct {
		name    string
		dropped int
	}{
		{"products", b.products.dropped}, {"providers", b.providers.dropped},
		{"regions", b.regions.dropped}, {"countries", b.countries.dropped},
		{"versions", b.versions.dropped}, {"cloud tag sources", b.sources.dropped},
	} {
		if t.dropped > 0 {
			md.Notes = append(md.Notes, fmt.Sprintf("The %s table holds at most %d distinct values; %d services with other values are left out of it (totals still count them).", t.name, maxKeys, t.dropped))
		}
	}
	return md
}

// FigureNotes returns the method notes on what the figures leave out or
// keep apart: the services on honeypot hosts (left out, or counted when
// asked) and the likely-open services (never added to open). Reports and
// briefings take these notes from here.
func FigureNotes(hp Honeypots, likelyOpen int) []string {
	var notes []string
	switch {
	case hp.Services > 0 && !hp.Included:
		notes = append(notes, fmt.Sprintf("%s on %s flagged as %s (Shodan's honeypot tag, Censys tarpit or truncated labels, or five or more unrelated product families on one address) %s excluded from every figure; asked to include them, orchex counts and marks them.",
			countOf(hp.Services, "service", "services"), countOf(hp.Hosts, "honeypot host", "honeypot hosts"),
			Plural(hp.Hosts, "a honeypot or decoy", "honeypots or decoys"), Plural(hp.Services, "is", "are")))
	case hp.Services > 0:
		notes = append(notes, fmt.Sprintf("%s on %s flagged as %s are included in every figure, as asked; the services list marks them.",
			countOf(hp.Services, "service", "services"), countOf(hp.Hosts, "honeypot host", "honeypot hosts"),
			Plural(hp.Hosts, "a honeypot or decoy", "honeypots or decoys")))
	}
	if likelyOpen > 0 {
		notes = append(notes, fmt.Sprintf("%s %s likely open: inferred from the product's default configuration (no authentication unless configured), not proven; %s counted apart from open and never added to it.",
			countOf(likelyOpen, "service", "services"), Plural(likelyOpen, "is", "are"), Plural(likelyOpen, "it is", "they are")))
	}
	return notes
}

// NoteCounts are the counts of a report's services that call for a
// method note.
type NoteCounts struct {
	Services    int // services the report counts
	AWSNoRegion int // AWS services whose region is unknown or global
	NoEngine    int // services with no engine recorded
	// InputsTable says the document lists its inputs with their Read and
	// Kept counts (a report's method does; a briefing does not).
	InputsTable bool
	// Honeypots and LikelyOpen are what FigureNotes says of the
	// figures: the honeypot hosts left out (or counted) and the services
	// likely open but not proven so.
	Honeypots  Honeypots
	LikelyOpen int
	// Support is the support figures (nil without release data): a note
	// says when the release data is older than the snapshot.
	// SupportDropped counts the services whose versions were past the
	// support table's cap.
	Support        *Support
	SupportDropped int
}

// MethodNotes returns the notes a report states about how the snapshot's
// figures were made: the snapshot's own notes, then that it was collected
// for a scope's networks only, that the report counts one scope's
// services, and what its counts call for (no range feed, AWS services
// without a region, services without an engine, release data older than
// the snapshot). The research report's
// method section (Build, BuildGrouped) and a scope's briefing (pkg/brief)
// both take their notes from here, so that a note about the snapshot
// reaches every reader.
func MethodNotes(m Meta, c NoteCounts) []string {
	notes := append([]string{}, m.Notes...) // never nil: renderers would print null
	for _, n := range m.Narrowed {
		notes = append(notes, "This snapshot was collected for one scope's networks only ("+n+"): its figures describe those networks, not the internet.")
	}
	if m.Scope != "" {
		notes = append(notes, "Only the services of scope "+m.Scope+" are counted (a service is in the scope when any of its selectors matches; docs/scopes.md).")
	}
	notes = append(notes, FigureNotes(c.Honeypots, c.LikelyOpen)...)
	if len(m.CloudFeeds) == 0 && c.Services > 0 {
		notes = append(notes, "No official IP-range feed was loaded: providers come from the engines' own cloud fields and the ASN table, and regions may be missing.")
	}
	if c.AWSNoRegion > 0 {
		notes = append(notes, countOf(c.AWSNoRegion, "AWS service has", "AWS services have")+" no known region; "+Plural(c.AWSNoRegion, "it counts", "they count")+" as AWS but not as AWS US, so the AWS US share is a lower bound.")
	}
	if c.NoEngine > 0 {
		notes = append(notes, countOf(c.NoEngine, "service carries", "services carry")+" no engine (re-imported without provenance); "+Plural(c.NoEngine, "it is", "they are")+" outside the engine overlap.")
	}
	if c.InputsTable && slices.ContainsFunc(m.Inputs, func(in Input) bool { return in.Kept+in.Skipped > in.Read }) {
		notes = append(notes, "In the inputs table, Read counts the records an input delivered, Kept and Skipped the observations they held, one per service (recognised by a catalog product or not): a Censys record is a host with all its services, so a Censys input can keep more than it read.")
	}
	return append(notes, supportNotes(c.Support, c.SupportDropped)...)
}

// countOf writes n with its noun: "1 service", "12 services".
func countOf(n int, one, many string) string { return Num(n) + " " + Plural(n, one, many) }

// byCount orders by count descending, then key ascending.
func byCount(n1, n2 int, k1, k2 string) int {
	if n1 != n2 {
		return cmp.Compare(n2, n1)
	}
	return cmp.Compare(k1, k2)
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func keyOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return clip(s)
}

// clip caps a counting key at maxKeyLen bytes on a rune boundary, so that
// hostile values cannot grow the tables' memory.
func clip(s string) string {
	if len(s) <= maxKeyLen {
		return s
	}
	i := maxKeyLen
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i]
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

func cloneVersion(k versionKey) versionKey {
	return versionKey{strings.Clone(k.product), strings.Clone(k.version)}
}

func cloneRegion(k regionKey) regionKey {
	return regionKey{strings.Clone(k.provider), strings.Clone(k.region)}
}

func minTime(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || !b.Before(a):
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
