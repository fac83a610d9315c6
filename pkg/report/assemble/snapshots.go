package assemble

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/store"
)

// SnapshotEntry is one snapshot of a list ('orchex snapshots list
// --format json'); its keys are stable.
type SnapshotEntry struct {
	Label          string             `json:"label"`
	Created        string             `json:"created"`
	Services       int                `json:"services"`
	Hosts          int                `json:"hosts"`
	Observations   int                `json:"observations"`
	CatalogVersion string             `json:"catalog_version"`
	Engines        []store.EngineMeta `json:"engines"`
	// Complete is false when a run that filled the snapshot stopped
	// before its end, or is still running (store.Meta.Incomplete): its
	// figures are lower bounds, not a census.
	Complete bool `json:"complete"`
}

// SnapshotList returns the snapshots as list entries, in the order given.
func SnapshotList(snaps []store.Snapshot) []SnapshotEntry {
	list := make([]SnapshotEntry, 0, len(snaps))
	for _, sn := range snaps {
		list = append(list, SnapshotEntry{
			Label: sn.Label, Created: sn.Created.UTC().Format(time.RFC3339Nano),
			Services: sn.Services, Hosts: sn.Hosts, Observations: sn.Observations,
			CatalogVersion: sn.Meta.CatalogVersion, Engines: orEmpty(sn.Meta.Engines), Complete: sn.Meta.Complete(),
		})
	}
	return list
}

// SnapshotTable is the list of snapshots as a table: one row each, with
// their counts, catalog version, engines and whether they are complete.
func SnapshotTable(snaps []store.Snapshot) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "LABEL", Max: 64}, {Title: "CREATED"}, {Title: "SERVICES", Figure: true},
		{Title: "HOSTS", Figure: true}, {Title: "OBSERVATIONS", Figure: true}, {Title: "CATALOG", Max: 32}, {Title: "ENGINES", Max: 64}, {Title: "COMPLETE"}}}
	for _, sn := range snaps {
		t.Add(sn.Label, sn.Created.UTC().Format(time.RFC3339), strconv.Itoa(sn.Services), strconv.Itoa(sn.Hosts), strconv.Itoa(sn.Observations),
			orHyphen(sn.Meta.CatalogVersion), engines(sn.Meta.Engines), completeWord(sn.Meta))
	}
	return t
}

// completeWord says whether a snapshot is complete: "yes", or "no" (its
// marks say why: 'snapshots show').
func completeWord(m store.Meta) string {
	if m.Complete() {
		return "yes"
	}
	return "no"
}

// SnapshotDetail is what 'orchex snapshots show' shows of a snapshot:
// what produced it, its counts by engine and its imports. Its JSON keys
// are stable.
type SnapshotDetail struct {
	Label        string        `json:"label"`
	Created      string        `json:"created"`
	Services     int           `json:"services"`
	Hosts        int           `json:"hosts"`
	Observations int           `json:"observations"`
	Meta         store.Meta    `json:"meta"`
	ByEngine     []EngineCount `json:"by_engine"`
	Imports      []ImportEntry `json:"imports"`

	snap    store.Snapshot
	counts  []store.EngineCount
	imports []store.Import
}

// EngineCount is one engine's share of a snapshot.
type EngineCount struct {
	Engine       string `json:"engine"`
	Observations int    `json:"observations"`
	Services     int    `json:"services"`
	Only         int    `json:"only"`
	Pages        int    `json:"pages"`
	Credits      int    `json:"credits"`
}

// ImportEntry is one imported file of a snapshot.
type ImportEntry struct {
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
	Engine  string `json:"engine"`
	Format  string `json:"format"`
	Read    int    `json:"read"`
	Kept    int    `json:"kept"`
	Bad     int    `json:"bad"`
	Skipped int    `json:"skipped"`
	At      string `json:"at"`
}

// Snapshot reads what 'snapshots show' shows of snapshot label.
func Snapshot(ctx context.Context, st *store.Store, label string) (*SnapshotDetail, error) {
	sn, err := st.Snapshot(ctx, label)
	if err != nil {
		return nil, err
	}
	counts, err := st.EngineCounts(ctx, label)
	if err != nil {
		return nil, err
	}
	imports, err := st.Imports(ctx, label)
	if err != nil {
		return nil, err
	}
	d := &SnapshotDetail{
		Label: sn.Label, Created: sn.Created.UTC().Format(time.RFC3339Nano),
		Services: sn.Services, Hosts: sn.Hosts, Observations: sn.Observations, Meta: sn.Meta,
		ByEngine: []EngineCount{}, Imports: []ImportEntry{}, snap: sn, counts: counts, imports: imports,
	}
	d.Meta.Engines, d.Meta.Feeds, d.Meta.Queries = orEmpty(d.Meta.Engines), orEmpty(d.Meta.Feeds), orEmpty(d.Meta.Queries)
	d.Meta.Inputs, d.Meta.Notes = orEmpty(d.Meta.Inputs), orEmpty(d.Meta.Notes)
	for _, c := range counts {
		d.ByEngine = append(d.ByEngine, EngineCount{string(c.Engine), c.Observations, c.Services, c.Only, c.Pages, c.Credits})
	}
	for _, im := range imports {
		d.Imports = append(d.Imports, ImportEntry{im.File, im.SHA256, string(im.Engine), im.Format,
			im.Read, im.Kept, im.Bad, im.Skipped, stamp(im.At)})
	}
	return d, nil
}

// Document is the snapshot's detail as text: its provenance as names and
// values, then its counts by engine, its queries and its imports, each a
// table under a title when there are any.
func (d *SnapshotDetail) Document() *report.Document {
	sn, m := d.snap, d.snap.Meta
	kv := &report.Table{Columns: []report.Column{{}, {Max: 200}}}
	kv.Add("Snapshot", sn.Label)
	kv.Add("Created", sn.Created.UTC().Format(time.RFC3339))
	kv.Add("Catalog version", orHyphen(m.CatalogVersion))
	kv.Add("Services", strconv.Itoa(sn.Services))
	kv.Add("Hosts", strconv.Itoa(sn.Hosts))
	kv.Add("Observations", strconv.Itoa(sn.Observations))
	kv.Add("Complete", completeWord(m))
	for i, r := range m.IncompleteReasons() {
		kv.Add(first(i, "Incomplete"), r)
	}
	kv.Add("Engines", engines(m.Engines))
	var feeds []string
	for _, f := range m.Feeds {
		feeds = append(feeds, f.Provider+" "+f.Date)
	}
	kv.Add("Range feeds", orHyphen(strings.Join(feeds, ", ")))
	for i, in := range m.Inputs {
		kv.Add(first(i, "Inputs"), in)
	}
	for i, n := range m.Notes {
		kv.Add(first(i, "Notes"), n)
	}
	doc := &report.Document{Intro: []report.Block{{Table: kv}}}
	if len(d.counts) > 0 {
		t := &report.Table{Columns: []report.Column{{Title: "ENGINE", Max: 32}, {Title: "OBSERVATIONS", Figure: true}, {Title: "SERVICES", Figure: true},
			{Title: "ONLY THIS ENGINE", Figure: true}, {Title: "PAGES", Figure: true}, {Title: "CREDITS", Figure: true}}}
		for _, c := range d.counts {
			t.Add(string(c.Engine), strconv.Itoa(c.Observations), strconv.Itoa(c.Services), strconv.Itoa(c.Only), strconv.Itoa(c.Pages), strconv.Itoa(c.Credits))
		}
		doc.Sections = append(doc.Sections, report.Section{Title: "By engine", Blocks: []report.Block{{Table: t}}})
	}
	if len(m.Queries) > 0 {
		t := &report.Table{Columns: []report.Column{{Title: "ENGINE", Max: 32}, {Title: "QUERY ID", Max: 64}, {Title: "TOTAL", Figure: true},
			{Title: "PAGES", Figure: true}, {Title: "FETCHED", Figure: true}, {Title: "TRUNCATED", Max: 32}, {Title: "QUERY", Max: 80}}}
		for _, q := range m.Queries {
			t.Add(q.Engine, q.ID, strconv.Itoa(q.Total), strconv.Itoa(q.Pages), strconv.Itoa(q.Fetched), orHyphen(q.Truncated), q.Text)
		}
		doc.Sections = append(doc.Sections, report.Section{Title: "Queries", Blocks: []report.Block{{Table: t}}})
	}
	if len(d.imports) > 0 {
		t := &report.Table{Columns: []report.Column{{Title: "FILE", Max: 80}, {Title: "ENGINE", Max: 32}, {Title: "FORMAT", Max: 32},
			{Title: "READ", Figure: true}, {Title: "KEPT", Figure: true}, {Title: "BAD", Figure: true}, {Title: "SKIPPED", Figure: true},
			{Title: "IMPORTED"}, {Title: "SHA256", Max: 12}}}
		for _, im := range d.imports {
			t.Add(im.File, string(im.Engine), im.Format, strconv.Itoa(im.Read), strconv.Itoa(im.Kept), strconv.Itoa(im.Bad), strconv.Itoa(im.Skipped),
				orHyphen(stamp(im.At)), im.SHA256[:min(12, len(im.SHA256))])
		}
		doc.Sections = append(doc.Sections, report.Section{Title: "Imports", Blocks: []report.Block{{Table: t}}})
	}
	return doc
}

// engines names a snapshot's engines with their APIs: "censys (v3),
// shodan (rest)", or "-".
func engines(es []store.EngineMeta) string {
	var parts []string
	for _, e := range es {
		if e.API != "" {
			parts = append(parts, e.Name+" ("+e.API+")")
		} else {
			parts = append(parts, e.Name)
		}
	}
	return orHyphen(strings.Join(parts, ", "))
}

// orHyphen is s, or "-" for an empty value in a terminal's table.
func orHyphen(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// first returns name for the first line of a list, "" for the others.
func first(i int, name string) string {
	if i == 0 {
		return name
	}
	return ""
}

// stamp is t in RFC 3339, or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
