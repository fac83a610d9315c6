package fileimport

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/orchex/orchex/internal/inputs"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// Config is one import run.
type Config struct {
	// Files are the inputs in the order they are imported; "-" is Stdin.
	// The caller has checked them (internal/inputs.Check).
	Files []string
	Stdin io.Reader
	// Snapshot is the label imported into; created when missing.
	Snapshot string
	// Engine forces the engine of every file (importer.Options.Engine).
	Engine string
	// Workers is the number of decoding goroutines; 0 means GOMAXPROCS.
	Workers int
	Catalog *catalog.Catalog
	// Tagger tags cloud provider and region; its disagreements are
	// counted in the snapshot's method.
	Tagger *cloud.Tagger
	// Feeds are the range feeds Tagger was built from, for the method.
	Feeds []store.FeedMeta
	// Store is written; Validate does not use it.
	Store *store.Store
	// Now dates the snapshot, the imports and the marks, and bounds the
	// observations' times (later ones are clamped to it); nil means
	// time.Now.
	Now func() time.Time
	// Events receives what happens, one call at a time; nil discards it.
	Events func(Event)
}

// Result is what a run did.
type Result struct {
	// Bad counts the bad records skipped and the files that ended early.
	Bad int
}

// Event is something a run reports: one of the types below.
type Event interface{ event() }

// CatalogChanged says the snapshot was made with another catalog
// version: the method changed within the snapshot.
type CatalogChanged struct{ Snapshot, Was, Now string }

// FileStarted says a file is being read. File names it for messages
// ("standard input" for "-"); Size is its size in bytes, 0 when unknown.
// Records returns the observations read so far; it is safe to call from
// any goroutine (an interrupt's message).
type FileStarted struct {
	File    string
	Size    int64
	Records func() int
}

// Progress is a file's reading so far, every few thousand observations.
type Progress struct {
	File       string
	Done, Size int64 // bytes read, of Size (0: unknown)
	Records    int
}

// FileRead says a file was read to its end or to an error, before its
// import is recorded: Result holds its bad records (the first
// importer.MaxErrors of them in Errors) and whether it ended early.
type FileRead struct {
	File   string
	Result importer.Result
}

// FileDone says a file's import was recorded: what the importer read and
// what the pipeline stored.
type FileDone struct {
	File   string
	Result importer.Result
	Stats  ingest.Stats
}

// MarkFailed says the snapshot's incomplete mark could not be written;
// what was stored stays.
type MarkFailed struct {
	Snapshot string
	Err      error
}

// SnapshotRemoved says the run created the snapshot, stored nothing in
// it, and removed it again.
type SnapshotRemoved struct{ Snapshot string }

// RemoveFailed says the empty snapshot the run created could not be
// removed.
type RemoveFailed struct {
	Snapshot string
	Err      error
}

func (CatalogChanged) event()  {}
func (FileStarted) event()     {}
func (Progress) event()        {}
func (FileRead) event()        {}
func (FileDone) event()        {}
func (MarkFailed) event()      {}
func (SnapshotRemoved) event() {}
func (RemoveFailed) event()    {}

func (c *Config) emit(e Event) {
	if c.Events != nil {
		c.Events(e)
	}
}

func (c *Config) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

// workers returns the number of decoding goroutines to use.
func (c *Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Validate reads every file strictly, writing nothing: the first bad
// record, or a file that ends early, is its error. Standard input cannot
// be read twice, so a strict run reads files only.
func Validate(ctx context.Context, cfg Config) error {
	opts := cfg.options(nil)
	opts.Strict = true
	for _, f := range cfg.Files {
		if _, err := importer.Import(ctx, f, opts, func(*model.Observation) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// Run imports cfg.Files into the snapshot. An error stops the run at the
// file it names; the files before it stay imported, and a file stopped
// after some records (an interrupt, a store error) leaves the snapshot
// marked incomplete, as do the files an interrupt kept from being read.
// The snapshot's method records the files read, whole or in part, also
// when the run stopped.
func Run(ctx context.Context, cfg Config) (res Result, err error) {
	st, cat := cfg.Store, cfg.Catalog
	existed, err := snapshotExists(ctx, st, cfg.Snapshot)
	if err != nil {
		return res, err
	}
	snap, err := st.EnsureSnapshot(ctx, cfg.Snapshot, cfg.now(), store.Meta{CatalogVersion: cat.Version()})
	if err != nil {
		return res, err
	}
	defer removeIfCreatedEmpty(ctx, &cfg, existed)
	var m method
	defer func() {
		if merr := m.record(ctx, &cfg); err == nil {
			err = merr
		}
	}()
	if v := snap.Meta.CatalogVersion; v != "" && v != cat.Version() {
		cfg.emit(CatalogChanged{Snapshot: cfg.Snapshot, Was: v, Now: cat.Version()})
	}
	marked := map[string]bool{} // runs this run marked incomplete
	pending, err := markPending(ctx, &cfg, snap.Meta)
	if err != nil {
		return res, err
	}
	for i, f := range cfg.Files {
		fr, err := importFile(ctx, &cfg, f, marked, pending)
		res.Bad += fr.bad
		read := fr.read
		if err == nil || read > 0 {
			m.add(f, fr)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			// Interrupted: the snapshot keeps what was stored, and is not
			// the census of these files until the same import runs again.
			// Not every record read was stored: the batches still queued
			// for the writer stop with ctx (ingest.Pipeline.Background).
			markIncomplete(ctx, &cfg, importRun(f),
				fmt.Sprintf("interrupted (%v) after %d records were read; the records stored by then are kept", context.Cause(ctx), read))
			for _, rest := range cfg.Files[i+1:] {
				markIncomplete(ctx, &cfg, importRun(rest), "not imported: the import was interrupted at "+filepath.Base(Name(f)))
			}
			return res, err
		case err != nil:
			if read > 0 {
				markIncomplete(ctx, &cfg, importRun(f), fmt.Sprintf("stopped after %d records: %v", read, err))
			} else {
				// Nothing of the file was read or stored: its error says
				// why, and it is no data of the census; its mark is what it
				// was before this run.
				pending.restore(ctx, &cfg, importRun(f))
			}
			// The files after it were part of the census asked for and were
			// never read: the snapshot is not their census until they are.
			for _, rest := range cfg.Files[i+1:] {
				markIncomplete(ctx, &cfg, importRun(rest), "not imported: the import stopped at "+filepath.Base(Name(f)))
			}
			return res, err
		}
	}
	return res, nil
}

// method is what a run adds to the snapshot's method: the files it read,
// whole or in part, their engines, the orchex exports among them, and
// the observations stored with their time clamped.
type method struct {
	inputs, exports []string
	engines         []store.EngineMeta
	clamped         int
}

// add records file, read with result fr.
func (m *method) add(file string, fr fileResult) {
	base := filepath.Base(Name(file))
	m.inputs = append(m.inputs, base)
	m.engines = append(m.engines, fr.engines...)
	if fr.export {
		m.exports = append(m.exports, base)
	}
	m.clamped += fr.clamped
}

// record adds the method to the snapshot's, with the range feeds and the
// tagger's disagreements, when the run read a file; after an interrupt
// too (what was stored needs its method).
func (m *method) record(ctx context.Context, cfg *Config) error {
	if len(m.inputs) == 0 {
		return nil
	}
	return cfg.Store.UpdateMeta(context.WithoutCancel(ctx), cfg.Snapshot, func(meta *store.Meta) {
		if meta.CatalogVersion == "" {
			meta.CatalogVersion = cfg.Catalog.Version()
		}
		for _, f := range cfg.Feeds {
			meta.AddFeed(f)
		}
		for _, f := range m.inputs {
			meta.AddInput(f)
		}
		for _, e := range m.engines {
			meta.AddEngine(e)
		}
		for _, f := range m.exports {
			meta.AddExport(f)
		}
		meta.AddClamped(m.clamped)
		meta.AddDisagreements(cfg.Tagger.DisagreementCount())
	})
}

// Name names an input for messages and the snapshot's method: the path,
// or "standard input" for "-".
func Name(f string) string {
	if f == inputs.Stdin {
		return "standard input"
	}
	return f
}

// fileResult is what one file's import adds to the snapshot's method.
type fileResult struct {
	bad     int                // bad records (and a break)
	read    int                // records read, also when the import stopped
	engines []store.EngineMeta // the engine it came from (an orchex export carries its services' engines in the services themselves)
	clamped int                // observations stored with their time clamped to the import's
	export  bool               // the file was an orchex export
}

// classified is a worker's result for one observation.
type classified struct {
	item ingest.Item
	ok   bool // a catalog product matched
}

// importFile imports one file and returns what it adds to the snapshot's
// method. marked holds the runs (importRun) this run has marked
// incomplete: a file of the same base name read to its end clears an
// earlier run's mark, not one of this run (another directory's file,
// cut short).
func importFile(ctx context.Context, cfg *Config, file string, marked map[string]bool, pending *pendingMarks) (fr fileResult, err error) {
	st := cfg.Store
	in, err := inputs.Open(file, cfg.Stdin)
	if err != nil {
		return fr, fmt.Errorf("import: %w", err)
	}
	defer in.Close()
	// An interrupt closes the input, which ends a read blocked on a named
	// pipe or an endless device (/dev/zero) at once.
	defer context.AfterFunc(ctx, func() { in.Close() })()
	name := Name(file)
	var records atomic.Int64
	cfg.emit(FileStarted{File: name, Size: in.Size, Records: func() int { return int(records.Load()) }})
	// Observations dated after now (a banner timestamped in 9999) are
	// clamped to now and counted for the method section.
	p := &ingest.Pipeline{Classifier: cfg.Catalog, Tagger: cfg.Tagger, Sink: st.Writer(), Snapshot: cfg.Snapshot, BatchSize: 5000, Background: true,
		Until: cfg.now()}
	// A strict import validated every file before this pass. Workers
	// decode, classify and tag; the pipeline receives their items in file
	// order, so the snapshot does not depend on the scheduling.
	res, err := importer.ImportParallel(ctx, name, cfg.options(in), cfg.workers(),
		func(ob *model.Observation) classified {
			it, ok := p.Item(ob)
			return classified{it, ok}
		},
		func(c classified) error {
			if n := records.Add(1); n%4096 == 0 {
				cfg.emit(Progress{File: name, Done: in.Done(), Size: in.Size, Records: int(n)})
			}
			if !c.ok {
				p.Skip()
				return nil
			}
			return p.AddItem(ctx, c.item)
		})
	// Store what was read even after an interrupt: it is whole records.
	if ferr := p.Flush(context.WithoutCancel(ctx)); err == nil {
		err = ferr
	}
	cfg.emit(FileRead{File: name, Result: res})
	// What the file adds to the method, also when it stopped: what was
	// stored came from its engine.
	stats := p.Stats()
	fr = fileResult{bad: res.Bad, read: res.Read, clamped: stats.Clamped, export: res.Format == importer.OrchexExport}
	if res.Engine == string(model.Shodan) || res.Engine == string(model.Censys) {
		fr.engines = append(fr.engines, store.EngineMeta{Name: res.Engine, API: "file:" + string(res.Format)})
	}
	if err != nil {
		return fr, err // the importer's errors name the file and line
	}
	if _, err := st.RecordImport(ctx, cfg.Snapshot, store.Import{File: name, SHA256: res.SHA256, Engine: model.Engine(res.Engine),
		Format: string(res.Format), Read: res.Read, Kept: stats.Matched, Bad: res.Bad, Skipped: stats.Skipped, At: cfg.now()}); err != nil {
		return fr, err
	}
	// A file that ended early (a truncated .gz, a document cut short)
	// leaves the snapshot incomplete, with where it broke; one read to
	// its end completes what an earlier import of it left.
	run := importRun(file)
	last := pending.done(run)
	switch {
	case res.Truncated:
		markIncomplete(ctx, cfg, run, res.TruncatedReason)
		marked[run] = true
	case !last:
		// A later file of this run has the same base name: its pending
		// mark stays until it is read.
	case !marked[run]:
		if err := st.ClearIncomplete(ctx, cfg.Snapshot, run); err != nil {
			return fr, err
		}
	}
	cfg.emit(FileDone{File: name, Result: res, Stats: stats})
	if res.Truncated {
		fr.bad++
	}
	return fr, nil
}

// options are the importer's options: the forced engine, the input when
// the run opened it, and the catalog that the products of an orchex
// export must belong to.
func (c *Config) options(in io.Reader) importer.Options {
	return importer.Options{Engine: c.Engine, Input: in, Products: func(id string) bool { _, ok := c.Catalog.Product(id); return ok }}
}

// The String and Lines methods of the events that are notices say what
// happened, one line each, not what to do about it. They hold file names
// and engine text: escape them.

func (e CatalogChanged) String() string {
	return fmt.Sprintf("warning: snapshot %s was made with catalog %s, this import uses catalog %s: the method changed within the snapshot",
		e.Snapshot, e.Was, e.Now)
}

// Lines are the file's bad records (the first importer.MaxErrors), how
// many more there were, and where it ended early.
func (e FileRead) Lines() []string {
	var out []string
	for _, re := range e.Result.Errors {
		out = append(out, re.Error())
	}
	if n := e.Result.Bad - len(e.Result.Errors); n > 0 {
		out = append(out, fmt.Sprintf("%s: %d more bad records not shown", e.File, n))
	}
	if e.Result.Truncated {
		out = append(out, e.File+": "+e.Result.TruncatedReason)
	}
	return out
}

// Lines say how many observations were clamped to the import's time, and
// what the file held and added.
func (e FileDone) Lines() []string {
	var out []string
	res, st := e.Result, e.Stats
	if st.Clamped > 0 {
		out = append(out, fmt.Sprintf("%s: %d observations were dated after now; their time was set to the import's", e.File, st.Clamped))
	}
	return append(out, fmt.Sprintf("%s: %s (%s): %d records read, %d observations (%d not hosts), %d matched a product, %d skipped, %d bad; %d new services, %d merged",
		e.File, res.Format, res.Engine, res.Read, st.Observations, res.Ignored, st.Matched, st.Skipped, res.Bad, st.NewServices, st.MergedServices))
}

func (e MarkFailed) String() string {
	return fmt.Sprintf("warning: could not mark snapshot %s incomplete: %s", e.Snapshot, e.Err)
}

func (e RemoveFailed) String() string {
	return fmt.Sprintf("warning: could not remove the empty snapshot %s: %s", e.Snapshot, e.Err)
}

func (e SnapshotRemoved) String() string {
	return fmt.Sprintf("nothing was stored: snapshot %s, created by this run, was removed again", e.Snapshot)
}
