package brief

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/report"
)

// Index is the list of a run's briefings, one line per scope (OUT/index.md
// and OUT/index.json).
type Index struct {
	SchemaVersion   int          `json:"schema_version"`
	ScopesFile      string       `json:"scopes_file"`
	Snapshot        string       `json:"snapshot"`
	SnapshotCreated time.Time    `json:"snapshot_created"`
	Since           *string      `json:"since"`
	Scopes          []IndexEntry `json:"scopes"`
}

// IndexEntry is one scope of an index.
type IndexEntry struct {
	Scope    string        `json:"scope"`
	Contacts []string      `json:"contacts"`
	Summary  Summary       `json:"summary"`
	Changes  *ChangeCounts `json:"changes"`
	// Dir is the scope's directory under the output directory; Files
	// the files written there.
	Dir   string   `json:"dir"`
	Files []string `json:"files"`
}

// NewIndex returns the run's index, without scopes: add each scope's
// briefing with Add once it is written.
func (r *Run) NewIndex() *Index {
	ix := &Index{SchemaVersion: SchemaVersion, ScopesFile: baseName(r.cfg.Scopes.File()), Snapshot: r.cfg.Now.Label,
		SnapshotCreated: r.cfg.Now.Created.UTC(), Scopes: []IndexEntry{}}
	if r.cfg.Since != nil {
		since := r.cfg.Since.Label
		ix.Since = &since
	}
	return ix
}

// Add records a scope's briefing and the files written for it (names
// relative to its directory, which is the scope's name).
func (ix *Index) Add(b *Brief, files []string) {
	h := b.head()
	ix.Scopes = append(ix.Scopes, IndexEntry{Scope: h.Scope, Contacts: h.Contacts, Summary: h.Summary, Changes: h.Changes,
		Dir: h.Scope, Files: append([]string{}, files...)})
}

// WriteJSON writes index.json.
func (ix *Index) WriteJSON(w io.Writer) error {
	if err := safejson.Encode(w, ix); err != nil {
		return fmt.Errorf("brief: index: %w", err)
	}
	return nil
}

// Document returns the index as a report.Document: one row per scope
// with its figures and files.
func (ix *Index) Document() *report.Document {
	d := &report.Document{Title: "Briefings, snapshot " + ix.Snapshot, Generated: ix.SnapshotCreated}
	intro := fmt.Sprintf("%s %s of %s, snapshot %s (taken %s)", report.Num(len(ix.Scopes)), report.Plural(len(ix.Scopes), "briefing", "briefings"),
		ix.ScopesFile, ix.Snapshot, report.Date(ix.SnapshotCreated))
	if ix.Since != nil {
		intro += ", changes since snapshot " + *ix.Since
	}
	d.Intro = append(d.Intro, report.Para(intro+". Each scope's briefing is in the directory named after it. The briefings list addresses: they are for the owners of these networks, not for publication."))
	cols := []report.Column{{Title: "Scope"}, {Title: "Services", Figure: true}, {Title: "Hosts", Figure: true}, {Title: "Open", Figure: true},
		{Title: "Auth required", Figure: true}, {Title: "Unknown", Figure: true}}
	versions := false // some scope has a service whose version was judged
	likely := false   // some scope has a likely-open service
	for _, e := range ix.Scopes {
		versions = versions || e.Summary.WithVersion > 0
		likely = likely || e.Summary.LikelyOpen > 0
	}
	if likely {
		cols = slices.Insert(cols, 4, report.Column{Title: "Likely open", Figure: true})
	}
	if versions {
		cols = append(cols, report.Column{Title: "End of life", Figure: true})
	}
	if ix.Since != nil {
		cols = append(cols, report.Column{Title: "New", Figure: true}, report.Column{Title: "Became open", Figure: true}, report.Column{Title: "Gone", Figure: true})
	}
	cols = append(cols, report.Column{Title: "Contacts", Wrap: true}, report.Column{Title: "Files", Wrap: true})
	t := &report.Table{Columns: cols}
	for _, e := range ix.Scopes {
		s := e.Summary
		row := []string{e.Scope, report.Num(s.Services), report.Num(s.Hosts), report.Num(s.Open), report.Num(s.AuthRequired), report.Num(s.Unknown)}
		if likely {
			row = slices.Insert(row, 4, report.Num(s.LikelyOpen))
		}
		if versions {
			row = append(row, report.Num(s.EndOfLife))
		}
		if e.Changes != nil {
			row = append(row, report.Num(e.Changes.New), report.Num(e.Changes.NowOpen), report.Num(e.Changes.Gone))
		}
		files := make([]string, len(e.Files))
		for i, f := range e.Files {
			files[i] = e.Dir + "/" + f
		}
		row = append(row, report.OrDash(strings.Join(e.Contacts, ", ")), strings.Join(files, " "))
		t.Add(row...)
	}
	d.Sections = append(d.Sections, report.Section{Title: "Scopes", Level: 1, Blocks: []report.Block{{Table: t}}})
	return d
}
