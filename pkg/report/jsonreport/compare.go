package jsonreport

import (
	"time"

	"github.com/orchex/orchex/pkg/report"
)

// Compare is the "compare" object, present only when the view carries a
// comparison (orchex report --compare): the earlier snapshot, how the two
// methods differ, and for every headline figure and table row the earlier
// value and the change (see report.Change for the object's keys). Rows
// are the current view's rows, in its order, then rows only the earlier
// snapshot had (products, providers and regions; countries and versions
// are top lists, so a row that left them is not known to have gone).
type Compare struct {
	Snapshot          string                `json:"snapshot"`
	Generated         time.Time             `json:"generated"`
	MethodDifferences []string              `json:"method_differences"`
	Headline          report.HeadlineChange `json:"headline"`
	ByProduct         []ProductChange       `json:"by_product"`
	ByProvider        []ProviderChange      `json:"by_provider"`
	ByRegion          []RegionChange        `json:"by_region"`
	ByAWSRegion       []RegionChange        `json:"by_aws_region"`
	AWSSubtotals      AWSSubtotalsChange    `json:"aws_subtotals"`
	ByCountry         []CountryChange       `json:"by_country"`
	CountryOther      report.Change         `json:"country_other"`
	EngineOverlap     OverlapChange         `json:"engine_overlap"`
	Versions          []VersionChange       `json:"versions"`
	Support           SupportChanges        `json:"support"`
}

// SupportChanges are the support figures then and now, each snapshot
// judged on its own as-of day: the end-of-life counts and share per
// product (the current view's products, then those only the earlier had)
// and of all products.
type SupportChanges struct {
	AsOf     string          `json:"as_of"` // the earlier snapshot's as-of day
	Products []SupportChange `json:"products"`
	Total    SupportChange   `json:"total"`
}

// SupportChange is one product's support figures then and now.
type SupportChange struct {
	Product string `json:"product,omitempty"`
	report.SupportChange
}

// ProductChange is one product's services and open services then and now.
type ProductChange struct {
	Product  string        `json:"product"`
	Services report.Change `json:"services"`
	Open     report.Change `json:"open"`
}

// ProviderChange is one provider's services and open services then and now.
type ProviderChange struct {
	Provider string        `json:"provider"`
	Services report.Change `json:"services"`
	Open     report.Change `json:"open"`
}

// RegionChange is one provider region's services then and now.
type RegionChange struct {
	Provider string        `json:"provider"`
	Region   string        `json:"region"`
	Services report.Change `json:"services"`
}

// CountryChange is one country's services and open services then and now.
type CountryChange struct {
	Country  string        `json:"country"`
	Services report.Change `json:"services"`
	Open     report.Change `json:"open"`
}

// VersionChange is one product version's services then and now.
type VersionChange struct {
	Product  string        `json:"product"`
	Version  string        `json:"version"`
	Services report.Change `json:"services"`
}

// AWSSubtotalsChange is aws_subtotals then and now.
type AWSSubtotalsChange struct {
	US       report.Change `json:"us"`
	NonUS    report.Change `json:"non_us"`
	NoRegion report.Change `json:"no_region"`
	Total    report.Change `json:"total"`
}

// OverlapChange is engine_overlap then and now.
type OverlapChange struct {
	ShodanOnly report.Change `json:"shodan_only"`
	CensysOnly report.Change `json:"censys_only"`
	Both       report.Change `json:"both"`
	Neither    report.Change `json:"neither"`
}

// newCompare builds the compare object of v, which must carry a
// comparison.
func newCompare(v *report.View) *Compare {
	c := v.Compare
	e := c.Earlier
	d := &Compare{
		Snapshot:          e.Snapshot,
		Generated:         e.Generated.UTC(),
		MethodDifferences: orEmpty(append([]string(nil), c.Differences...)),
		Headline:          c.Headline(v.Headline),
		ByProduct:         []ProductChange{},
		ByProvider:        []ProviderChange{},
		ByRegion:          []RegionChange{},
		ByAWSRegion:       []RegionChange{},
		ByCountry:         []CountryChange{},
		Versions:          []VersionChange{},
		AWSSubtotals: AWSSubtotalsChange{
			US:       report.NewChange(e.AWSUS, v.AWSUS),
			NonUS:    report.NewChange(e.AWSNonUS, v.AWSNonUS),
			NoRegion: report.NewChange(e.AWSNoRegion, v.AWSNoRegion),
			Total:    report.NewChange(e.Headline.AWSServices, v.Headline.AWSServices),
		},
		CountryOther: report.NewChange(e.CountryOther, v.CountryOther),
		EngineOverlap: OverlapChange{
			ShodanOnly: report.NewChange(e.EngineOverlap.ShodanOnly, v.EngineOverlap.ShodanOnly),
			CensysOnly: report.NewChange(e.EngineOverlap.CensysOnly, v.EngineOverlap.CensysOnly),
			Both:       report.NewChange(e.EngineOverlap.Both, v.EngineOverlap.Both),
			Neither:    report.NewChange(e.EngineOverlap.Neither, v.EngineOverlap.Neither),
		},
	}
	seen := map[string]bool{}
	for _, r := range v.ByProduct {
		seen[r.Product] = true
		d.ByProduct = append(d.ByProduct, ProductChange{r.Product, c.Product(r.Product, r.Services, false), c.Product(r.Product, r.Open, true)})
	}
	for _, r := range e.ByProduct {
		if !seen[r.Product] {
			d.ByProduct = append(d.ByProduct, ProductChange{r.Product, report.NewChange(r.Services, 0), report.NewChange(r.Open, 0)})
		}
	}
	clear(seen)
	for _, r := range v.ByProvider {
		seen[r.Provider] = true
		d.ByProvider = append(d.ByProvider, ProviderChange{r.Provider, c.Provider(r.Provider, r.Services, false), c.Provider(r.Provider, r.Open, true)})
	}
	for _, r := range e.ByProvider {
		if !seen[r.Provider] {
			d.ByProvider = append(d.ByProvider, ProviderChange{r.Provider, report.NewChange(r.Services, 0), report.NewChange(r.Open, 0)})
		}
	}
	d.ByRegion = regionChanges(c, v.ByRegion, e.ByRegion)
	d.ByAWSRegion = regionChanges(c, v.AWSRegions, e.AWSRegions)
	for _, r := range v.ByCountry {
		d.ByCountry = append(d.ByCountry, CountryChange{r.Country, c.Country(r.Country, r.Services, false), c.Country(r.Country, r.Open, true)})
	}
	for _, r := range v.Versions {
		d.Versions = append(d.Versions, VersionChange{r.Product, r.Version, c.Version(r.Product, r.Version, r.Services)})
	}
	d.Support = supportChanges(c, supportOf(v), e.Support)
	return d
}

// supportChanges is the support part of the compare object.
func supportChanges(c *report.Comparison, now, then *report.Support) SupportChanges {
	out := SupportChanges{Products: []SupportChange{}, Total: SupportChange{SupportChange: c.Support(now.Total)}}
	if then != nil {
		out.AsOf = then.AsOf
	}
	seen := map[string]bool{}
	for _, r := range now.Products {
		seen[r.Product] = true
		out.Products = append(out.Products, SupportChange{r.Product, c.Support(r)})
	}
	if then != nil {
		for _, r := range then.Products {
			if !seen[r.Product] {
				out.Products = append(out.Products, SupportChange{r.Product, c.Support(report.SupportRow{Product: r.Product})})
			}
		}
	}
	return out
}

func regionChanges(c *report.Comparison, now, then []report.RegionRow) []RegionChange {
	out := []RegionChange{}
	type key struct{ p, r string }
	seen := map[key]bool{}
	for _, r := range now {
		seen[key{r.Provider, r.Region}] = true
		out = append(out, RegionChange{r.Provider, r.Region, c.Region(r.Provider, r.Region, r.Services)})
	}
	for _, r := range then {
		if !seen[key{r.Provider, r.Region}] {
			out = append(out, RegionChange{r.Provider, r.Region, report.NewChange(r.Services, 0)})
		}
	}
	return out
}
