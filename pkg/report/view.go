package report

import (
	"math"
	"strconv"
	"time"
)

// View is the report's view model: every number that any output format
// shows comes from here, so Markdown, JSON, CSV and PDF cannot disagree.
// Slices are sorted when built: by count descending, then key ascending
// (ByRegion by provider first, Versions by product first). Build returns
// empty, never nil, slices.
// Strings that came from banners are raw here; each renderer escapes them
// for its own format.
type View struct {
	Title     string
	Snapshot  string
	Generated time.Time // the snapshot's creation time, never time.Now
	// Completeness says whether every run that filled the snapshot ran
	// to its end, and why not.
	Completeness Completeness
	// Warnings are what a reader must see before any figure (an
	// incomplete snapshot); every format prints them at its top.
	// Present fills them.
	Warnings []string
	Headline Headline
	// Summary is the headline figures in sentences, in the words of the
	// 2018 study; every format that prints a summary prints these.
	Summary []string
	// Shown says which sections have something to say, and the line a
	// format prints instead of a section that has not. Present fills it,
	// so that every format leaves out the same sections.
	Shown Shown

	ByProduct     []ProductRow
	ByProvider    []ProviderRow
	ByRegion      []RegionRow  // every tagged provider's regions; Region "unknown" when the tag had none
	AWSRegions    []RegionRow  // AWS only, with US flags
	AWSUS         int          // services in AWS US regions (cloud.InUS)
	AWSNonUS      int          // services in AWS regions known to be outside the US
	AWSNoRegion   int          // AWS services whose region is unknown or global
	ByCountry     []CountryRow // top 20 by services
	CountryOther  int          // services in countries outside ByCountry
	EngineOverlap Overlap
	Versions      []VersionRow
	// Support is the support status of the services' versions; nil when
	// the report was built without release data (Meta.Support).
	Support *Support
	Method  Method

	// IncludeAddresses says whether addresses were asked for
	// (--include-addresses). Services is filled only then; published
	// reports carry aggregates only.
	IncludeAddresses bool
	Services         []ServiceRow

	// Compare, when not nil, is an earlier snapshot to compare with
	// (orchex report --compare): renderers add the earlier value and the
	// change to every figure. Build leaves it nil.
	Compare *Comparison
}

// Completeness says whether a snapshot is a complete observation: every
// import and collection that filled it ran to its end. Reasons name each
// run that did not and why ("import of k8s.json.gz: k8s.json.gz:5121:
// the gzip stream is truncated ..."); empty when Complete.
type Completeness struct {
	Complete bool     `json:"complete"`
	Reasons  []string `json:"reasons"`
}

// Shown says which of a report's sections have something to say. A
// section that has not is left out, and the format prints its Line
// instead (one sentence), so that no report prints an empty table or "0%
// of 0" as if it were a finding.
type Shown struct {
	// Breakdowns is false when the snapshot (and the compared one) holds
	// no service: the provider and country tables would be empty, and
	// BreakdownsLine says so once in their place.
	Breakdowns     bool
	BreakdownsLine string
	AWS            bool   // some service is on AWS (now or in the compared snapshot)
	AWSLine        string // what to print instead of the AWS section
	Regions        bool   // some service has a cloud provider
	RegionsLine    string
	// Overlap is true when two engines looked (the snapshot's inputs name
	// both); one engine's data has no overlap to show.
	Overlap      bool
	OverlapLine  string
	Versions     bool // some banner named a version
	VersionsLine string
	// Support is true when the view has support figures and some
	// service named a version (now or in the compared snapshot).
	Support     bool
	SupportLine string
}

// Headline holds the study-style headline figures. Shares are fractions
// in 0..1; a share whose denominator is zero is 0. Open, LikelyOpen,
// AuthRequired and Unknown partition Services.
type Headline struct {
	Services     int `json:"services"`
	Hosts        int `json:"hosts"`
	Open         int `json:"open"` // proven: positive evidence of unauthenticated access
	AuthRequired int `json:"auth_required"`
	Unknown      int `json:"unknown"`
	// LikelyOpen counts "likely open, inferred from defaults": a product
	// answered as its unauthenticated default does, with no proof. It
	// is shown beside Open and never added to it.
	LikelyOpen           int     `json:"likely_open"`
	KubernetesOpen       int     `json:"kubernetes_open"`        // Kubernetes-family services open
	KubernetesLikelyOpen int     `json:"kubernetes_likely_open"` // Kubernetes-family services likely open
	KubernetesServices   int     `json:"kubernetes_services"`    // Kubernetes-family services
	AWSServices          int     `json:"aws_services"`
	AWSUSServices        int     `json:"aws_us_services"`
	AWSShare             float64 `json:"aws_share"`         // AWSServices / Services
	AWSUSShare           float64 `json:"aws_us_share"`      // AWSUSServices / AWSServices
	KubernetesShare      float64 `json:"kubernetes_share"`  // KubernetesServices / Services
	OpenShare            float64 `json:"open_share"`        // Open / Services
	LikelyOpenShare      float64 `json:"likely_open_share"` // LikelyOpen / Services
}

// ProductRow is one product's services by auth status.
type ProductRow struct {
	Product      string `json:"product"` // catalog id
	Name         string `json:"name"`    // display name
	Family       string `json:"family"`
	Category     string `json:"category"`
	Services     int    `json:"services"`
	Hosts        int    `json:"hosts"`
	Open         int    `json:"open"`
	LikelyOpen   int    `json:"likely_open"`
	AuthRequired int    `json:"auth_required"`
	Unknown      int    `json:"unknown"`
}

// ProviderRow is one hosting provider's services by auth status.
// Provider "" is shown as "none" (not in any known cloud).
type ProviderRow struct {
	Provider     string  `json:"provider"`
	Name         string  `json:"-"` // display name (cloud.ProviderName): "Google Cloud"
	Services     int     `json:"services"`
	Share        float64 `json:"share"`
	Open         int     `json:"open"`
	LikelyOpen   int     `json:"likely_open"`
	AuthRequired int     `json:"auth_required"`
	Unknown      int     `json:"unknown"`
}

// RegionRow is one provider region.
type RegionRow struct {
	Provider     string `json:"provider"`
	ProviderName string `json:"-"` // display name (cloud.ProviderName)
	Region       string `json:"region"`
	// US is true for a region in the United States; false for one outside
	// it and for one whose place is unknown (Place tells them apart).
	US       bool    `json:"us"`
	Place    Place   `json:"-"`
	Services int     `json:"services"`
	Share    float64 `json:"share"` // of the provider's services
}

// Place says whether a region is in the United States, by the one
// US-region rule (cloud.InUS).
type Place string

// The three places of a region.
const (
	PlaceUS      Place = "us"
	PlaceNonUS   Place = "non-us"
	PlaceUnknown Place = "unknown" // no region, an unknown region or a global one
)

// Text is the place as a report's US column writes it: "yes", "no", or
// [Dash] when it is unknown.
func (p Place) Text() string {
	switch p {
	case PlaceUS:
		return "yes"
	case PlaceNonUS:
		return "no"
	}
	return Dash
}

// CountryRow is one country.
type CountryRow struct {
	Country  string  `json:"country"`
	Services int     `json:"services"`
	Share    float64 `json:"share"`
	Open     int     `json:"open"`
}

// Overlap counts services by the engines that saw them.
type Overlap struct {
	ShodanOnly int `json:"shodan_only"`
	CensysOnly int `json:"censys_only"`
	Both       int `json:"both"`
	Neither    int `json:"neither"` // services with no engine recorded
}

// VersionRow counts services of one product version.
type VersionRow struct {
	Product  string `json:"product"`
	Name     string `json:"-"` // the product's display name
	Version  string `json:"version"`
	Services int    `json:"services"`
	Open     int    `json:"open"`
}

// Input is one imported file or collected query.
type Input struct {
	Name      string    `json:"name"` // file base name or "query <id>"
	Engine    string    `json:"engine"`
	Format    string    `json:"format"`
	SHA256    string    `json:"sha256,omitempty"`
	Read      int       `json:"read"`
	Kept      int       `json:"kept"`
	Bad       int       `json:"bad"`
	Skipped   int       `json:"skipped"` // observations (one per service a record held) no catalog product matched
	At        time.Time `json:"at"`
	Truncated string    `json:"truncated,omitempty"` // why collection stopped early, if it did
}

// Method is what the report says about how its numbers were made.
type Method struct {
	CatalogVersion   string        `json:"catalog_version"`
	Products         []string      `json:"products"` // catalog ids used
	Engines          []string      `json:"engines"`
	Inputs           []Input       `json:"inputs"`
	RecordsRead      int           `json:"records_read"`
	RecordsBad       int           `json:"records_bad"`
	RecordsSkipped   int           `json:"records_skipped"`
	Observations     int           `json:"observations"`
	DuplicatesMerged int           `json:"duplicates_merged"` // observations - services
	AuthConflicts    int           `json:"auth_conflicts"`
	LowConfidence    int           `json:"low_confidence"` // services whose auth verdict rests on [U] signals
	FirstSeen        time.Time     `json:"first_seen"`
	LastSeen         time.Time     `json:"last_seen"`
	CloudSources     []CloudSource `json:"cloud_sources"`
	// CloudFeeds are the official range feeds loaded when the snapshot
	// was tagged; empty when tagging fell back to engine fields and ASNs.
	CloudFeeds []CloudFeed `json:"cloud_feeds"`
	// CloudDisagreements counts services whose tag sources disagreed on
	// the provider (the feed won; see pkg/cloud).
	CloudDisagreements int `json:"cloud_disagreements"`
	// Clamped counts observations dated after they were imported or
	// collected (a banner dated 9999), whose time was set to that time,
	// so FirstSeen and LastSeen never run past the data's collection.
	Clamped int `json:"clamped_observations"`
	// Exports names the orchex export files the snapshot was imported
	// from, in whole or in part: the classifications and cloud tags of
	// their services were made by the orchex that wrote them (their
	// product ids were checked against the catalog), not derived here.
	Exports []string `json:"exports"`
	// Truncations says why collection stopped early, one line per query
	// or input that stopped.
	Truncations []string `json:"truncations"`
	// Honeypots counts the services on hosts flagged as honeypots or
	// decoys (engine markers, or orchex's many-families rule) and says
	// whether the figures include them (they do not unless asked).
	Honeypots Honeypots `json:"honeypots"`
	Notes     []string  `json:"notes"`
	// Scope names the scope whose services alone are counted (report
	// --scope); "" (absent from the JSON) for every service.
	Scope string `json:"scope,omitempty"`
	// Narrowed says, one line per collection, that the snapshot was
	// collected for a scope's networks only; empty (absent from the
	// JSON) for a census.
	Narrowed []string `json:"narrowed,omitempty"`
}

// Honeypots is what a report says about honeypot hosts: how many
// services on how many hosts were flagged, and whether the report's
// figures count them (report --include-honeypots) or leave them out.
type Honeypots struct {
	Included bool `json:"included"`
	Services int  `json:"services"`
	Hosts    int  `json:"hosts"`
}

// CloudFeed is one official IP-range feed used for tagging.
type CloudFeed struct {
	Provider     string `json:"provider"`
	ProviderName string `json:"-"`    // display name (cloud.ProviderName)
	Date         string `json:"date"` // the feed's own publication date; "" when it has none
	// Token is the feed's sync token or change number, what dates a feed
	// without a date (Azure service tags); "" when none.
	Token string `json:"token,omitempty"`
	// Prefixes is the number of distinct prefixes (IPv4 and IPv6) the
	// feed listed; 0 for a snapshot made before orchex recorded it.
	Prefixes int `json:"prefixes"`
	// Label is the feed's date as a report prints it (FeedLabel).
	Label string `json:"-"`
}

// CloudSource counts services tagged by one source kind
// ("ranges:aws@2026-08-22", "engine:shodan", "asn", "none").
type CloudSource struct {
	Source   string `json:"source"`
	Services int    `json:"services"`
}

// ServiceRow is one service, for --include-addresses listings.
type ServiceRow struct {
	Address      string    `json:"address"`
	Port         int       `json:"port"`
	Transport    string    `json:"transport"`
	Product      string    `json:"product"`
	Version      string    `json:"version"`
	Auth         string    `json:"auth"`
	AuthEvidence string    `json:"auth_evidence"`
	Provider     string    `json:"provider"`
	Region       string    `json:"region"`
	Country      string    `json:"country"`
	Engines      []string  `json:"engines"`
	Hostnames    []string  `json:"hostnames"`
	Title        string    `json:"title"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	// Honeypot is true for a service on a host flagged as a honeypot
	// (listed only with report --include-honeypots).
	Honeypot bool `json:"honeypot"`
}

// Comparison carries an earlier snapshot's figures into a View, so that
// every headline figure and table row can show the earlier value and the
// change (orchex report --compare). Build a Comparison with NewComparison;
// its lookup methods are what the Markdown template and the JSON renderer
// call. A View without a comparison has Compare nil and renders exactly as
// before.
type Comparison struct {
	Earlier *View // the earlier snapshot's view
	// Differences lists, in plain text, how the two snapshots' methods
	// differ (catalog version, engines, range feed dates); empty when
	// they were made the same way.
	Differences []string
	// Notes state each difference as a sentence for a method section:
	// "Compared with snapshot 2026Q3, the method changed (...): a change
	// in method is not a change in the internet."
	Notes []string

	products  map[string]ProductRow
	providers map[string]ProviderRow
	regions   map[regionKey]RegionRow
	countries map[string]CountryRow
	versions  map[versionKey]VersionRow
	nversions map[string]int // versions listed per product
}

// Change is a count in an earlier snapshot (Before) and now (After).
// Delta is After - Before. Percent is Delta as a percentage of Before and
// HasPercent is false when Before is 0. Unknown is true when the earlier
// view cannot tell the earlier count (a country outside its top 20, a
// version outside its top versions); Before, Delta and Percent are then 0.
type Change struct {
	Before     int
	After      int
	Delta      int
	Percent    float64
	HasPercent bool
	Unknown    bool
}

// NewChange returns the change from before to after.
func NewChange(before, after int) Change {
	c := Change{Before: before, After: after, Delta: after - before}
	if before != 0 {
		c.Percent = float64(c.Delta) * 100 / float64(before)
		c.HasPercent = true
	}
	return c
}

func unknownChange(after int) Change { return Change{After: after, Unknown: true} }

// String writes the change for a report cell: "+3 (+12.5%)", "-2 (-100%)",
// "0 (0%)", "+4 (new)" when Before is 0, "n/a" when Unknown. Counts have
// thousands separators.
func (c Change) String() string {
	if c.Unknown {
		return "n/a"
	}
	s := signedNum(c.Delta)
	switch {
	case c.HasPercent:
		s += " (" + signedPercent(c.Percent) + ")"
	case c.After > 0:
		s += " (new)"
	}
	return s
}

// DeltaText writes Delta with its sign and thousands separators: "+1,024",
// "-3", "0"; "n/a" when Unknown.
func (c Change) DeltaText() string {
	if c.Unknown {
		return "n/a"
	}
	return signedNum(c.Delta)
}

// PercentText writes the change in percent of Before, rounded once from
// the counts: "+12.5%", "-100.0%", "0%", "+<0.1%"; "new" when Before is 0
// and After is not, [Dash] when both are 0, "n/a" when Unknown.
func (c Change) PercentText() string {
	switch {
	case c.Unknown:
		return "n/a"
	case c.HasPercent:
		return signedPercent(c.Percent)
	case c.After > 0:
		return "new"
	}
	return Dash
}

// BeforeText writes Before with thousands separators, or "n/a" when
// Unknown.
func (c Change) BeforeText() string {
	if c.Unknown {
		return "n/a"
	}
	return Num(c.Before)
}

// MarshalJSON writes {"before", "after", "change", "change_percent"};
// before and change are null when Unknown, change_percent (the change in
// percent of before, a percentage, not a fraction) is null when there is
// none. It is rounded to two decimals.
func (c Change) MarshalJSON() ([]byte, error) {
	b := []byte(`{"before":`)
	if c.Unknown {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(c.Before), 10)
	}
	b = append(b, `,"after":`...)
	b = strconv.AppendInt(b, int64(c.After), 10)
	b = append(b, `,"change":`...)
	if c.Unknown {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(c.Delta), 10)
	}
	b = append(b, `,"change_percent":`...)
	if c.HasPercent && !c.Unknown {
		b = strconv.AppendFloat(b, math.Round(c.Percent*100)/100, 'f', -1, 64)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}'), nil
}

// ShareChange is a share (a fraction in 0..1) then and now. Change is
// After - Before, a fraction too (JSON keeps every share in 0..1);
// Points is the same change in percentage points, for text ("+1.2 pp").
type ShareChange struct {
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Change float64 `json:"change"`
	Points float64 `json:"-"`
}

// NewShareChange returns the change from before to after, with Points
// rounded to two decimals.
func NewShareChange(before, after float64) ShareChange {
	return ShareChange{Before: before, After: after, Change: after - before, Points: math.Round((after-before)*10000) / 100}
}

// String writes the change in points with one decimal: "+1.2 pp".
func (c ShareChange) String() string {
	p := strconv.FormatFloat(math.Abs(c.Points), 'f', 1, 64)
	switch {
	case p == "0.0":
		return "0.0 pp"
	case c.Points < 0:
		return "-" + p + " pp"
	}
	return "+" + p + " pp"
}

// HeadlineChange holds the change of every headline figure.
type HeadlineChange struct {
	Services           Change      `json:"services"`
	Hosts              Change      `json:"hosts"`
	Open               Change      `json:"open"`
	LikelyOpen         Change      `json:"likely_open"`
	AuthRequired       Change      `json:"auth_required"`
	Unknown            Change      `json:"unknown"`
	KubernetesOpen     Change      `json:"kubernetes_open"`
	KubernetesServices Change      `json:"kubernetes_services"`
	AWSServices        Change      `json:"aws_services"`
	AWSUSServices      Change      `json:"aws_us_services"`
	AWSShare           ShareChange `json:"aws_share"`
	AWSUSShare         ShareChange `json:"aws_us_share"`
	KubernetesShare    ShareChange `json:"kubernetes_share"`
	OpenShare          ShareChange `json:"open_share"`
	LikelyOpenShare    ShareChange `json:"likely_open_share"`
}

// NewComparison indexes earlier for the lookups below. differences are the
// method differences to state (nil when none).
func NewComparison(earlier *View, differences []string) *Comparison {
	c := &Comparison{
		Earlier:     earlier,
		Differences: append([]string{}, differences...),
		products:    make(map[string]ProductRow, len(earlier.ByProduct)),
		providers:   make(map[string]ProviderRow, len(earlier.ByProvider)),
		regions:     make(map[regionKey]RegionRow, len(earlier.ByRegion)),
		countries:   make(map[string]CountryRow, len(earlier.ByCountry)),
		versions:    make(map[versionKey]VersionRow, len(earlier.Versions)),
		nversions:   make(map[string]int),
	}
	for _, d := range differences {
		c.Notes = append(c.Notes, "Compared with snapshot "+earlier.Snapshot+", the method changed ("+d+"): a change in method is not a change in the internet.")
	}
	for _, r := range earlier.ByProduct {
		c.products[r.Product] = r
	}
	for _, r := range earlier.ByProvider {
		c.providers[r.Provider] = r
	}
	for _, r := range earlier.ByRegion {
		c.regions[regionKey{r.Provider, r.Region}] = r
	}
	for _, r := range earlier.ByCountry {
		c.countries[r.Country] = r
	}
	for _, r := range earlier.Versions {
		c.versions[versionKey{r.Product, r.Version}] = r
		c.nversions[r.Product]++
	}
	return c
}

// Snapshot returns the earlier snapshot's label.
func (c *Comparison) Snapshot() string { return c.Earlier.Snapshot }

// Headline returns the change of every headline figure from the earlier
// snapshot to now.
func (c *Comparison) Headline(now Headline) HeadlineChange {
	a := c.Earlier.Headline
	return HeadlineChange{
		Services:           NewChange(a.Services, now.Services),
		Hosts:              NewChange(a.Hosts, now.Hosts),
		Open:               NewChange(a.Open, now.Open),
		LikelyOpen:         NewChange(a.LikelyOpen, now.LikelyOpen),
		AuthRequired:       NewChange(a.AuthRequired, now.AuthRequired),
		Unknown:            NewChange(a.Unknown, now.Unknown),
		KubernetesOpen:     NewChange(a.KubernetesOpen, now.KubernetesOpen),
		KubernetesServices: NewChange(a.KubernetesServices, now.KubernetesServices),
		AWSServices:        NewChange(a.AWSServices, now.AWSServices),
		AWSUSServices:      NewChange(a.AWSUSServices, now.AWSUSServices),
		AWSShare:           NewShareChange(a.AWSShare, now.AWSShare),
		AWSUSShare:         NewShareChange(a.AWSUSShare, now.AWSUSShare),
		KubernetesShare:    NewShareChange(a.KubernetesShare, now.KubernetesShare),
		OpenShare:          NewShareChange(a.OpenShare, now.OpenShare),
		LikelyOpenShare:    NewShareChange(a.LikelyOpenShare, now.LikelyOpenShare),
	}
}

// Product returns the change of a product's services (open when open is
// true) from the earlier snapshot to now; a product absent then had 0.
func (c *Comparison) Product(product string, after int, open bool) Change {
	r := c.products[product]
	if open {
		return NewChange(r.Open, after)
	}
	return NewChange(r.Services, after)
}

// Provider returns the change of a provider's services (open when open is
// true); a provider absent then had 0.
func (c *Comparison) Provider(provider string, after int, open bool) Change {
	r := c.providers[provider]
	if open {
		return NewChange(r.Open, after)
	}
	return NewChange(r.Services, after)
}

// Region returns the change of a provider region's services; a region
// absent then had 0.
func (c *Comparison) Region(provider, region string, after int) Change {
	return NewChange(c.regions[regionKey{provider, region}].Services, after)
}

// Country returns the change of a country's services (open when open is
// true). The earlier view lists its top countries only: a country absent
// from it is Unknown when the earlier view counted other countries, 0
// otherwise.
func (c *Comparison) Country(country string, after int, open bool) Change {
	r, ok := c.countries[country]
	if !ok && c.Earlier.CountryOther > 0 {
		return unknownChange(after)
	}
	if open {
		return NewChange(r.Open, after)
	}
	return NewChange(r.Services, after)
}

// Version returns the change of a product version's services. The
// earlier view lists the top DefaultTopVersions versions per product: a
// version absent from it is Unknown when the product's list was full, 0
// otherwise.
func (c *Comparison) Version(product, version string, after int) Change {
	r, ok := c.versions[versionKey{product, version}]
	if !ok && c.nversions[product] >= DefaultTopVersions {
		return unknownChange(after)
	}
	return NewChange(r.Services, after)
}

// Count returns the change from before to after, for figures the
// template computes itself (AWS subtotals, engine overlap).
func (c *Comparison) Count(before, after int) Change { return NewChange(before, after) }

func signedNum(n int) string {
	if n > 0 {
		return "+" + Num(n)
	}
	return Num(n)
}

func signedPercent(p float64) string {
	s := strconv.FormatFloat(math.Abs(p), 'f', 1, 64)
	switch {
	case s == "0.0" && p == 0:
		return "0%"
	case s == "0.0" && p > 0:
		return "+<0.1%"
	case s == "0.0":
		return "-<0.1%"
	case p < 0:
		return "-" + s + "%"
	}
	return "+" + s + "%"
}
