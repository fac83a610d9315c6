package compare

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/store"
)

// Method is what produced a snapshot, reduced to what decides whether two
// snapshots can be compared.
type Method struct {
	CatalogVersion string `json:"catalog_version"`
	// Engines are the engines that fed the snapshot, sorted: "shodan",
	// or "censys (v3)" when the API version is known.
	Engines []string `json:"engines"`
	// Feeds are the official range feeds used for cloud tagging, sorted
	// by provider.
	Feeds []Feed `json:"feeds"`
	// Narrowed describes the scopes the snapshot's collections were
	// narrowed to (collect --scope), sorted; empty (absent from the
	// JSON) for a census.
	Narrowed []string `json:"narrowed,omitempty"`
}

// Feed is one cloud range feed and its publication date ("" when the
// feed has none; Token, its sync token or change number, dates it then).
type Feed struct {
	Provider string `json:"provider"`
	Date     string `json:"date"`
	Token    string `json:"token,omitempty"`
}

// Label writes when the feed was published (report.FeedLabel): "aws
// 2026-11-15", "azure change 348", "oracle undated".
func (f Feed) Label() string { return f.Provider + " " + report.FeedLabel(f.Date, f.Token) }

// MethodOf returns the method of a snapshot from its metadata and its
// imports: engines recorded by collect (with their API version) and the
// engines of imported files.
func MethodOf(m store.Meta, imports []store.Import) Method {
	out := Method{CatalogVersion: m.CatalogVersion, Engines: []string{}, Feeds: []Feed{}}
	named := map[string]bool{}
	for _, e := range m.Engines {
		s := e.Name
		if e.API != "" {
			s += " (" + e.API + ")"
		}
		named[e.Name] = true
		out.Engines = append(out.Engines, s)
	}
	for _, im := range imports {
		if e := string(im.Engine); e != "" && !named[e] {
			named[e] = true
			out.Engines = append(out.Engines, e)
		}
	}
	slices.Sort(out.Engines)
	out.Engines = slices.Compact(out.Engines)
	for _, f := range m.Feeds {
		out.Feeds = append(out.Feeds, Feed{Provider: f.Provider, Date: f.Date, Token: f.Token})
	}
	slices.SortFunc(out.Feeds, func(x, y Feed) int {
		if c := cmp.Compare(x.Provider, y.Provider); c != 0 {
			return c
		}
		return cmp.Compare(x.Date, y.Date)
	})
	out.Feeds = slices.Compact(out.Feeds)
	for _, n := range m.Narrowings {
		out.Narrowed = append(out.Narrowed, n.String())
	}
	slices.Sort(out.Narrowed)
	return out
}

// Difference is one way two snapshots' methods differ.
type Difference struct {
	What   string `json:"what"`   // "catalog version", "engines", "range feed aws"
	Before string `json:"before"` // in the earlier snapshot; "none" when absent
	After  string `json:"after"`  // in the later snapshot; "none" when absent
}

// String writes the difference as one line: "catalog version: 1 → 2".
func (d Difference) String() string { return d.What + ": " + d.Before + " → " + d.After }

// Differences lists how the methods a (earlier) and b (later) differ: the
// catalog version, the set of engines (with API versions) and, per
// provider, the range feed dates. It returns nil when they are the same.
func Differences(a, b Method) []Difference {
	var out []Difference
	if a.CatalogVersion != b.CatalogVersion {
		out = append(out, Difference{"catalog version", orNone(a.CatalogVersion), orNone(b.CatalogVersion)})
	}
	if !slices.Equal(a.Engines, b.Engines) {
		out = append(out, Difference{"engines", orNone(strings.Join(a.Engines, ", ")), orNone(strings.Join(b.Engines, ", "))})
	}
	dates := func(fs []Feed) map[string]string {
		m := map[string]string{}
		for _, f := range fs {
			if m[f.Provider] != "" {
				m[f.Provider] += ", "
			}
			m[f.Provider] += report.FeedLabel(f.Date, f.Token)
		}
		return m
	}
	if !slices.Equal(a.Narrowed, b.Narrowed) {
		out = append(out, Difference{"narrowing", orNone(strings.Join(a.Narrowed, "; ")), orNone(strings.Join(b.Narrowed, "; "))})
	}
	da, db := dates(a.Feeds), dates(b.Feeds)
	var providers []string
	for p := range da {
		providers = append(providers, p)
	}
	for p := range db {
		if _, ok := da[p]; !ok {
			providers = append(providers, p)
		}
	}
	slices.Sort(providers)
	for _, p := range providers {
		if da[p] != db[p] {
			out = append(out, Difference{"range feed " + p, orNone(da[p]), orNone(db[p])})
		}
	}
	return out
}

// Warning is the one-line warning printed when two snapshots' methods
// differ, or "" when they do not.
func Warning(a, b string, d []Difference) string {
	if len(d) == 0 {
		return ""
	}
	parts := make([]string, len(d))
	for i, x := range d {
		parts[i] = x.String()
	}
	return fmt.Sprintf("snapshots %s and %s were made with different methods (%s): a change in method is not a change in the internet",
		a, b, strings.Join(parts, "; "))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
