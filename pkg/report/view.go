package report

import "time"

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
	Headline  Headline

	ByProduct     []ProductRow
	ByProvider    []ProviderRow
	ByRegion      []RegionRow  // every tagged provider's regions; Region "unknown" when the tag had none
	AWSRegions    []RegionRow  // AWS only, with US flags
	AWSUS         int          // services in AWS US regions
	AWSNonUS      int          // services in AWS regions outside the US
	AWSNoRegion   int          // AWS services whose region is unknown
	ByCountry     []CountryRow // top 20 by services
	CountryOther  int          // services in countries outside ByCountry
	EngineOverlap Overlap
	Versions      []VersionRow
	Method        Method

	// IncludeAddresses says whether addresses were asked for
	// (--include-addresses). Services is filled only then; published
	// reports carry aggregates only.
	IncludeAddresses bool
	Services         []ServiceRow
}

// Headline holds the study-style headline figures. Shares are fractions
// in 0..1; a share whose denominator is zero is 0.
type Headline struct {
	Services           int     `json:"services"`
	Hosts              int     `json:"hosts"`
	Open               int     `json:"open"`
	AuthRequired       int     `json:"auth_required"`
	Unknown            int     `json:"unknown"`
	KubernetesOpen     int     `json:"kubernetes_open"`     // Kubernetes-family services open
	KubernetesServices int     `json:"kubernetes_services"` // Kubernetes-family services
	AWSServices        int     `json:"aws_services"`
	AWSUSServices      int     `json:"aws_us_services"`
	AWSShare           float64 `json:"aws_share"`        // AWSServices / Services
	AWSUSShare         float64 `json:"aws_us_share"`     // AWSUSServices / AWSServices
	KubernetesShare    float64 `json:"kubernetes_share"` // KubernetesServices / Services
	OpenShare          float64 `json:"open_share"`       // Open / Services
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
	AuthRequired int    `json:"auth_required"`
	Unknown      int    `json:"unknown"`
}

// ProviderRow is one hosting provider's services by auth status.
// Provider "" is shown as "none" (not in any known cloud).
type ProviderRow struct {
	Provider     string  `json:"provider"`
	Services     int     `json:"services"`
	Share        float64 `json:"share"`
	Open         int     `json:"open"`
	AuthRequired int     `json:"auth_required"`
	Unknown      int     `json:"unknown"`
}

// RegionRow is one provider region.
type RegionRow struct {
	Provider string  `json:"provider"`
	Region   string  `json:"region"`
	US       bool    `json:"us"`
	Services int     `json:"services"`
	Share    float64 `json:"share"` // of the provider's services
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
	Skipped   int       `json:"skipped"` // well-formed records no catalog product matched
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
	// Truncations says why collection stopped early, one line per query
	// or input that stopped.
	Truncations []string `json:"truncations"`
	Notes       []string `json:"notes"`
}

// CloudFeed is one official IP-range feed used for tagging.
type CloudFeed struct {
	Provider string `json:"provider"`
	Date     string `json:"date"` // the feed's own publication date or sync token
	Prefixes int    `json:"prefixes"`
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
}
