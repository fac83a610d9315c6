package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/orchex/orchex/internal/inputs"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

type importOptions struct {
	Snapshot string
	Engine   string
	Strict   bool
	Ranges   string
	Files    []string
	// Workers is the number of decoding goroutines; 0 means GOMAXPROCS.
	Workers int
}

// workers returns the number of decoding goroutines to use.
func (o importOptions) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// classified is a worker's result for one observation.
type classified struct {
	item ingest.Item
	ok   bool // a catalog product matched
}

func importCommand(g *globals) *cli.Command {
	var o importOptions
	return &cli.Command{
		Name:      "import",
		Usage:     "import Shodan and Censys data downloaded with the official tools into a snapshot",
		ArgsUsage: "FILE...",
		UsageText: "orchex import --snapshot 2026Q4 k8s.json.gz censys-hits.json\n" +
			"orchex import -s 2026Q4 docker.json.gz --ranges ../shared/data/cloud-ranges\n" +
			"zcat k8s.json.gz | orchex import -s 2026Q4 -",
		Description: "Formats are detected from the content: 'shodan download' files (NDJSON, plain or gzip),\n" +
			"Shodan search and host responses, Censys Platform v3 search responses and host views, Censys\n" +
			"legacy v2 search and view responses, NDJSON of Censys hits, and orchex's own NDJSON export.\n" +
			"A malformed record is reported with file:line and skipped; the exit code is then 3.\n" +
			"--strict makes the first bad record a failure that writes nothing. Importing the same file\n" +
			"twice into a snapshot changes nothing. '-' reads standard input. An interrupted import keeps\n" +
			"what it stored; import the same files again to complete the snapshot.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL`", DefaultText: "the current quarter, e.g. 2026Q4", Destination: &o.Snapshot},
			&cli.StringFlag{Name: "engine", Usage: "force the engine: shodan, censys or orchex (default: detect)", Destination: &o.Engine},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first bad record and write nothing", Destination: &o.Strict},
			&cli.StringFlag{Name: "ranges", Usage: "cloud range feeds `DIR` (default: the cache written by 'orchex ranges update')", Destination: &o.Ranges},
			&cli.IntFlag{Name: "workers", Usage: "`N` goroutines decoding, classifying and tagging 'shodan download' banners (at most 256); the snapshot is the same for any N", DefaultText: "the number of CPUs", Destination: &o.Workers},
		},
		Action: func(c *cli.Context) error {
			o.Files = c.Args().Slice()
			if len(o.Files) == 0 {
				return usagef("import: no input file (orchex import [--snapshot LABEL] FILE...)")
			}
			switch o.Engine {
			case "", "shodan", "censys", "orchex":
			default:
				return usagef("import: unknown --engine %q (want shodan, censys or orchex)", o.Engine)
			}
			if o.Workers < 0 {
				return usagef("import: --workers %d: want 1 or more (0 for the number of CPUs)", o.Workers)
			}
			if o.Snapshot == "" {
				o.Snapshot = quarterLabel(g.env.Now())
			}
			if err := store.CheckLabel(o.Snapshot); err != nil {
				return usagef("import: %v", err)
			}
			return runImport(c.Context, g, o)
		},
	}
}

// tagger builds the cloud tagger from a feeds directory ("" means the
// cache of 'orchex ranges update', if any) and records the feeds used.
func (g *globals) tagger(dir string) (*cloud.Tagger, []store.FeedMeta, error) {
	r, err := g.loadRanges(dir)
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		g.logf("no cloud range feeds: cloud tags come from the engines' cloud fields and ASNs only (run 'orchex ranges update' or pass --ranges DIR)")
		return cloud.NewTagger(nil), nil, nil
	}
	var feeds []store.FeedMeta
	for _, f := range r.Info() {
		feeds = append(feeds, store.FeedMeta{Provider: f.Provider, Date: f.Date, Token: f.Token, Prefixes: f.Prefixes4 + f.Prefixes6})
	}
	return cloud.NewTagger(r), feeds, nil
}

func runImport(ctx context.Context, g *globals, o importOptions) error {
	defer importer.TuneGC(g.env.Getenv)()
	files, empty, err := g.checkInputs(o)
	if err != nil {
		return err
	}
	cat, err := g.loadCatalog()
	if err != nil {
		return err
	}
	tagger, feeds, err := g.tagger(o.Ranges)
	if err != nil {
		return err
	}
	opts := importOpts(o, cat, nil)
	opts.Strict = o.Strict
	if o.Strict {
		// Validate every file before writing anything.
		for _, f := range files {
			if _, err := importer.Import(ctx, f, opts, func(*model.Observation) error { return nil }); err != nil {
				return fmt.Errorf("import (strict, nothing written): %w", err)
			}
		}
	}
	st, err := g.openStoreCreate(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	existed, err := snapshotExists(ctx, st, o.Snapshot)
	if err != nil {
		return err
	}
	snap, err := st.EnsureSnapshot(ctx, o.Snapshot, g.env.Now().UTC(), store.Meta{CatalogVersion: cat.Version()})
	if err != nil {
		return err
	}
	defer removeIfCreatedEmpty(ctx, g, st, o.Snapshot, existed)
	if snap.Meta.CatalogVersion != "" && snap.Meta.CatalogVersion != cat.Version() {
		g.logf("warning: snapshot %s was made with catalog %s, this import uses catalog %s: the method changed within the snapshot",
			o.Snapshot, snap.Meta.CatalogVersion, cat.Version())
	}
	bad, clamped := empty, 0
	var engines []store.EngineMeta
	var exports []string
	for i, f := range files {
		fr, err := importFile(ctx, g, o, st, cat, tagger, f)
		bad += fr.bad
		clamped += fr.clamped
		read := fr.read
		switch {
		case err != nil && ctx.Err() != nil:
			// Interrupted: the snapshot keeps what was stored, and is not
			// the census of these files until the same import runs again.
			markIncomplete(ctx, g, st, o.Snapshot, importRun(f),
				fmt.Sprintf("interrupted (%v) after %d records; what was read before is stored", context.Cause(ctx), read))
			for _, rest := range files[i+1:] {
				markIncomplete(ctx, g, st, o.Snapshot, importRun(rest), "not imported: the import was interrupted at "+filepath.Base(inputName(f)))
			}
			return err
		case err != nil && read > 0:
			markIncomplete(ctx, g, st, o.Snapshot, importRun(f), fmt.Sprintf("stopped after %d records: %v", read, err))
			return err
		case err != nil:
			return err // nothing of the file was read or stored
		}
		engines = append(engines, fr.engines...)
		if fr.export {
			exports = append(exports, filepath.Base(inputName(f)))
		}
	}
	err = st.UpdateMeta(ctx, o.Snapshot, func(m *store.Meta) {
		if m.CatalogVersion == "" {
			m.CatalogVersion = cat.Version()
		}
		for _, f := range feeds {
			m.AddFeed(f)
		}
		for _, f := range files {
			m.AddInput(filepath.Base(inputName(f)))
		}
		for _, e := range engines {
			m.AddEngine(e)
		}
		for _, f := range exports {
			m.AddExport(f)
		}
		m.AddClamped(clamped)
		recordDisagreements(m, tagger)
	})
	if err != nil {
		return err
	}
	if bad > 0 {
		return partialError{fmt.Sprintf("%d bad records skipped", bad)}
	}
	return nil
}

// checkInputs checks the import's inputs before anything is read or
// written (internal/inputs): a missing file or a directory is an error,
// one line each; an empty file is skipped with a warning (it counts as
// bad input); "-" (standard input) may come once, and not with --strict,
// which reads every input twice.
func (g *globals) checkInputs(o importOptions) (files []string, empty int, err error) {
	if n := slices.Index(o.Files, inputs.Stdin); n >= 0 {
		if slices.Contains(o.Files[n+1:], inputs.Stdin) {
			return nil, 0, usagef("import: '-' (standard input) can be given once")
		}
		if o.Strict {
			return nil, 0, usagef("import: --strict reads every input twice and cannot read standard input; save it to a file first")
		}
	}
	files, skipped, problems := inputs.Check(o.Files)
	for _, f := range skipped {
		g.logf("%s: the file is empty: nothing to import from it", sanitizeTerminal(f))
	}
	if len(problems) > 0 {
		var lines []string
		for _, p := range problems {
			line := sanitizeTerminal(p.Error())
			if errors.Is(p, inputs.ErrDirectory) {
				line += "; give the files in it (orchex import DIR/*.json.gz)"
			}
			lines = append(lines, line)
		}
		return nil, 0, fmt.Errorf("import: nothing was imported:\n%s", strings.Join(lines, "\n"))
	}
	return files, len(skipped), nil
}

// inputName names an input for messages and the snapshot's method.
func inputName(f string) string {
	if f == "-" {
		return "standard input"
	}
	return f
}

// recordDisagreements adds the count of services whose cloud tag sources
// disagreed during this run to the snapshot's typed metadata.
func recordDisagreements(m *store.Meta, t *cloud.Tagger) {
	n := 0
	for _, d := range t.Disagreements() {
		n += int(d.Count)
	}
	m.AddDisagreements(n)
}

// fileResult is what one file's import adds to the snapshot's method.
type fileResult struct {
	bad     int                // bad records (and a break)
	read    int                // records read, also when the import stopped
	engines []store.EngineMeta // the engine it came from (an orchex export carries its services' engines in the services themselves)
	clamped int                // observations stored with their time clamped to the import's
	export  bool               // the file was an orchex export
}

// importFile imports one file and returns what it adds to the snapshot's
// method.
func importFile(ctx context.Context, g *globals, o importOptions, st *store.Store, cat *catalog.Catalog, tagger *cloud.Tagger, file string) (fr fileResult, err error) {
	in, err := inputs.Open(file, g.env.Stdin)
	if err != nil {
		return fr, fmt.Errorf("import: %w", err)
	}
	defer in.Close()
	// An interrupt closes the input, which ends a read blocked on a named
	// pipe or an endless device (/dev/zero) at once.
	defer context.AfterFunc(ctx, func() { in.Close() })()
	name := sanitizeTerminal(inputName(file))
	m := g.meter("import "+name, "bytes", in.Size)
	defer m.Stop()
	var records atomic.Int64
	// Observations dated after now (a banner timestamped in 9999) are
	// clamped to now and counted for the method section.
	p := &ingest.Pipeline{Classifier: cat, Tagger: tagger, Sink: st.Writer(), Snapshot: o.Snapshot, BatchSize: 5000, Background: true,
		Until: g.env.Now().UTC()}
	g.onInterrupt(func() string {
		return fmt.Sprintf("snapshot %s keeps what was stored before the interrupt (%s observations of %s were read); import the same files again to complete it: records already stored are not stored twice",
			o.Snapshot, markdown.Num(int(records.Load())), name)
	})
	// A strict import validated every file before this pass. Workers
	// decode, classify and tag; the pipeline receives their items in file
	// order, so the snapshot does not depend on the scheduling.
	res, err := importer.ImportParallel(ctx, inputName(file), importOpts(o, cat, in), o.workers(),
		func(ob *model.Observation) classified {
			it, ok := p.Item(ob)
			return classified{it, ok}
		},
		func(c classified) error {
			if n := records.Add(1); n%4096 == 0 {
				m.Update(in.Done(), in.Size, markdown.Num(int(n))+" observations")
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
	m.Stop()
	for _, re := range res.Errors {
		g.logf("%s", sanitizeTerminal(re.Error()))
	}
	if res.Bad > len(res.Errors) {
		g.logf("%s: %d more bad records not shown", name, res.Bad-len(res.Errors))
	}
	if res.Truncated {
		g.logf("%s: %s", name, sanitizeTerminal(res.TruncatedReason))
	}
	if err != nil {
		return fileResult{bad: res.Bad, read: res.Read}, err // the importer's errors name the file and line
	}
	stats := p.Stats()
	if _, err := st.RecordImport(ctx, o.Snapshot, store.Import{File: inputName(file), SHA256: res.SHA256, Engine: model.Engine(res.Engine),
		Format: string(res.Format), Read: res.Read, Kept: stats.Matched, Bad: res.Bad, Skipped: stats.Skipped, At: g.env.Now().UTC()}); err != nil {
		return fileResult{bad: res.Bad, read: res.Read}, err
	}
	// A file that ended early (a truncated .gz, a document cut short)
	// leaves the snapshot incomplete, with where it broke; one read to
	// its end completes what an earlier import of it left.
	if res.Truncated {
		markIncomplete(ctx, g, st, o.Snapshot, importRun(file), res.TruncatedReason)
	} else if err := clearIncomplete(ctx, st, o.Snapshot, importRun(file)); err != nil {
		return fileResult{bad: res.Bad, read: res.Read}, err
	}
	if stats.Clamped > 0 {
		g.logf("%s: %d observations were dated after now; their time was set to the import's", name, stats.Clamped)
	}
	g.logf("%s: %s (%s): %d records read, %d observations (%d not hosts), %d matched a product, %d skipped, %d bad; %d new services, %d merged",
		name, res.Format, res.Engine, res.Read, stats.Observations, res.Ignored, stats.Matched, stats.Skipped, res.Bad,
		stats.NewServices, stats.MergedServices)
	fr = fileResult{bad: res.Bad, read: res.Read, clamped: stats.Clamped, export: res.Format == importer.OrchexExport}
	if res.Truncated {
		fr.bad++
	}
	if res.Engine == string(model.Shodan) || res.Engine == string(model.Censys) {
		fr.engines = append(fr.engines, store.EngineMeta{Name: res.Engine, API: "file:" + string(res.Format)})
	}
	return fr, nil
}

// importOpts are the importer's options: the forced engine, the input
// when the command opened it, and the catalog that the products of an
// orchex export must belong to.
func importOpts(o importOptions, cat *catalog.Catalog, in io.Reader) importer.Options {
	return importer.Options{Engine: o.Engine, Input: in, Products: func(id string) bool { _, ok := cat.Product(id); return ok }}
}
