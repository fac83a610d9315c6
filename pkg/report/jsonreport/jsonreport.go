package jsonreport

import (
	"fmt"
	"io"
	"time"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/report"
)

// SchemaVersion is the version of the JSON layout in docs/report-json.md.
// Version 2: headline.unknown no longer holds the likely-open services
// (headline.likely_open), honeypot services are left out of the figures
// by default (method.honeypots), share changes are fractions (compare
// *.change) and count changes say change_percent.
const SchemaVersion = 2

// Document is the top-level JSON object. Its field order is the key order.
type Document struct {
	SchemaVersion int                  `json:"schema_version"`
	Title         string               `json:"title"`
	Snapshot      string               `json:"snapshot"`
	Generated     time.Time            `json:"generated"`
	Completeness  report.Completeness  `json:"completeness"`
	Headline      report.Headline      `json:"headline"`
	ByProduct     []report.ProductRow  `json:"by_product"`
	ByProvider    []report.ProviderRow `json:"by_provider"`
	ByRegion      []report.RegionRow   `json:"by_region"`
	ByAWSRegion   []AWSRegion          `json:"by_aws_region"`
	AWSSubtotals  AWSSubtotals         `json:"aws_subtotals"`
	ByCountry     []report.CountryRow  `json:"by_country"`
	CountryOther  int                  `json:"country_other"`
	EngineOverlap report.Overlap       `json:"engine_overlap"`
	Versions      []report.VersionRow  `json:"versions"`
	// Support is the support status of the versions (docs/figures.md);
	// an empty object when the report was made without release data.
	Support        *report.Support `json:"support"`
	Method         report.Method   `json:"method"`
	AddressesShown bool            `json:"addresses_included"`
	// Services is present only when addresses were asked for.
	Services *[]report.ServiceRow `json:"services,omitempty"`
	// Compare is present only when the view carries a comparison with an
	// earlier snapshot (orchex report --compare).
	Compare *Compare `json:"compare,omitempty"`
}

// AWSRegion is one row of by_aws_region.
type AWSRegion struct {
	Region   string  `json:"region"`
	US       bool    `json:"us"`
	Services int     `json:"services"`
	Share    float64 `json:"share"` // of AWS services
}

// AWSSubtotals splits AWS services by US, non-US and unknown region.
type AWSSubtotals struct {
	US       int `json:"us"`
	NonUS    int `json:"non_us"`
	NoRegion int `json:"no_region"`
	Total    int `json:"total"`
}

// New returns the document for v. Nil slices become empty arrays so that
// every key always holds the same JSON type.
func New(v *report.View) Document {
	d := Document{
		SchemaVersion:  SchemaVersion,
		Title:          v.Title,
		Snapshot:       v.Snapshot,
		Generated:      v.Generated.UTC(),
		Completeness:   report.Completeness{Complete: v.Completeness.Complete, Reasons: orEmpty(v.Completeness.Reasons)},
		Headline:       v.Headline,
		ByProduct:      orEmpty(v.ByProduct),
		ByProvider:     orEmpty(v.ByProvider),
		ByRegion:       orEmpty(v.ByRegion),
		ByAWSRegion:    []AWSRegion{},
		AWSSubtotals:   AWSSubtotals{US: v.AWSUS, NonUS: v.AWSNonUS, NoRegion: v.AWSNoRegion, Total: v.Headline.AWSServices},
		ByCountry:      orEmpty(v.ByCountry),
		CountryOther:   v.CountryOther,
		EngineOverlap:  v.EngineOverlap,
		Versions:       orEmpty(v.Versions),
		Support:        supportOf(v),
		Method:         v.Method,
		AddressesShown: v.IncludeAddresses,
	}
	for _, r := range v.AWSRegions {
		d.ByAWSRegion = append(d.ByAWSRegion, AWSRegion{Region: r.Region, US: r.US, Services: r.Services, Share: r.Share})
	}
	m := &d.Method
	m.Products = orEmpty(m.Products)
	m.Engines = orEmpty(m.Engines)
	m.Inputs = append([]report.Input{}, m.Inputs...) // not shared with v
	m.CloudSources = orEmpty(m.CloudSources)
	m.CloudFeeds = orEmpty(m.CloudFeeds)
	m.Truncations = orEmpty(m.Truncations)
	m.Notes = orEmpty(m.Notes)
	m.FirstSeen, m.LastSeen = m.FirstSeen.UTC(), m.LastSeen.UTC()
	for i := range m.Inputs {
		m.Inputs[i].At = m.Inputs[i].At.UTC()
	}
	if v.IncludeAddresses {
		rows := make([]report.ServiceRow, len(v.Services))
		for i, s := range v.Services {
			s.Engines = orEmpty(s.Engines)
			s.Hostnames = orEmpty(s.Hostnames)
			s.FirstSeen, s.LastSeen = s.FirstSeen.UTC(), s.LastSeen.UTC()
			rows[i] = s
		}
		d.Services = &rows
	}
	if v.Compare != nil && v.Compare.Earlier != nil {
		d.Compare = newCompare(v)
	}
	return d
}

// Render writes v as indented JSON followed by a newline. Strings are
// escaped by encoding/json (invalid UTF-8 becomes U+FFFD and <, >, & are
// written as \u003c, \u003e, \u0026, so the output is safe to embed in
// HTML) and bidi controls as \u escapes (safe to print on a terminal).
func Render(w io.Writer, v *report.View) error {
	if err := safejson.Encode(w, New(v)); err != nil {
		return fmt.Errorf("jsonreport: snapshot %q: %w", v.Snapshot, err)
	}
	return nil
}

// supportOf returns v's support figures, or empty ones (every key, no
// null) when v was built without release data.
func supportOf(v *report.View) *report.Support {
	if v.Support != nil {
		return v.Support
	}
	return &report.Support{Products: []report.SupportRow{}, NoCalendar: []string{},
		Total: report.SupportRow{Calendars: []report.SupportCalendar{}, Cycles: []report.SupportCycle{}}}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Write writes v, a document whose JSON layout is documented elsewhere
// (the diff and the trend of docs/compare.md: compare.Diff, compare.Trend),
// as indented JSON followed by a newline, escaped as Render escapes.
// what names the document in an error.
func Write(w io.Writer, what string, v any) error {
	if err := safejson.Encode(w, v); err != nil {
		return fmt.Errorf("jsonreport: %s: %w", what, err)
	}
	return nil
}
