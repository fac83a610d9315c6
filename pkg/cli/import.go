package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
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
			"orchex import --ranges ../shared/data/cloud-ranges --snapshot 2026Q4 docker.json.gz",
		Description: "Formats are detected from the content: 'shodan download' files (NDJSON, plain or gzip),\n" +
			"Shodan search and host responses, Censys Platform v3 search responses and host views, Censys\n" +
			"legacy v2 search and view responses, NDJSON of Censys hits, and orchex's own NDJSON export.\n" +
			"A malformed record is reported with file:line and skipped; the exit code is then 3.\n" +
			"--strict makes the first bad record a failure that writes nothing. Importing the same file\n" +
			"twice into a snapshot changes nothing.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL` (default: the current quarter, e.g. 2026Q4)", Destination: &o.Snapshot},
			&cli.StringFlag{Name: "engine", Usage: "force the engine: shodan, censys or orchex (default: detect)", Destination: &o.Engine},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first bad record and write nothing", Destination: &o.Strict},
			&cli.StringFlag{Name: "ranges", Usage: "cloud range feeds `DIR` (default: the cache written by 'orchex ranges update')", Destination: &o.Ranges},
			&cli.IntFlag{Name: "workers", Usage: "`N` goroutines decoding, classifying and tagging `shodan download` banners (default: the number of CPUs, at most 256); the snapshot is the same for any N", Destination: &o.Workers},
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
			if o.Workers > importer.MaxWorkers {
				g.logf("import: --workers %d is more than %d, the most that helps: using %d", o.Workers, importer.MaxWorkers, importer.MaxWorkers)
				o.Workers = importer.MaxWorkers
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
		feeds = append(feeds, store.FeedMeta{Provider: f.Provider, Date: f.Date})
	}
	return cloud.NewTagger(r), feeds, nil
}

func runImport(ctx context.Context, g *globals, o importOptions) error {
	cat, err := g.loadCatalog()
	if err != nil {
		return err
	}
	tagger, feeds, err := g.tagger(o.Ranges)
	if err != nil {
		return err
	}
	opts := importOpts(o, cat)
	opts.Strict = o.Strict
	if o.Strict {
		// Validate every file before writing anything.
		for _, f := range o.Files {
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
	snap, err := st.EnsureSnapshot(ctx, o.Snapshot, g.env.Now().UTC(), store.Meta{CatalogVersion: cat.Version()})
	if err != nil {
		return err
	}
	if snap.Meta.CatalogVersion != "" && snap.Meta.CatalogVersion != cat.Version() {
		g.logf("warning: snapshot %s was made with catalog %s, this import uses catalog %s: the method changed within the snapshot",
			o.Snapshot, snap.Meta.CatalogVersion, cat.Version())
	}
	bad, clamped := 0, 0
	var engines []store.EngineMeta
	var exports []string
	for _, f := range o.Files {
		fr, err := importFile(ctx, g, o, st, cat, tagger, f)
		bad += fr.bad
		clamped += fr.clamped
		if err != nil {
			return err
		}
		engines = append(engines, fr.engines...)
		if fr.export {
			exports = append(exports, filepath.Base(f))
		}
	}
	err = st.UpdateMeta(ctx, o.Snapshot, func(m *store.Meta) {
		if m.CatalogVersion == "" {
			m.CatalogVersion = cat.Version()
		}
		for _, f := range feeds {
			m.AddFeed(f)
		}
		for _, f := range o.Files {
			m.AddInput(filepath.Base(f))
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
	engines []store.EngineMeta // the engine it came from (an orchex export carries its services' engines in the services themselves)
	clamped int                // observations stored with their time clamped to the import's
	export  bool               // the file was an orchex export
}

// importFile imports one file and returns what it adds to the snapshot's
// method.
func importFile(ctx context.Context, g *globals, o importOptions, st *store.Store, cat *catalog.Catalog, tagger *cloud.Tagger, file string) (fr fileResult, err error) {
	// Observations dated after now (a banner timestamped in 9999) are
	// clamped to now and counted for the method section.
	p := &ingest.Pipeline{Classifier: cat, Tagger: tagger, Sink: st, Snapshot: o.Snapshot, BatchSize: 5000, Background: true,
		Until: g.env.Now().UTC()}
	// A strict import validated every file before this pass. Workers
	// decode, classify and tag; the pipeline receives their items in file
	// order, so the snapshot does not depend on the scheduling.
	res, err := importer.ImportParallel(ctx, file, importOpts(o, cat), o.workers(),
		func(ob *model.Observation) classified {
			it, ok := p.Item(ob)
			return classified{it, ok}
		},
		func(c classified) error {
			if !c.ok {
				p.Skip()
				return nil
			}
			return p.AddItem(ctx, c.item)
		})
	if ferr := p.Flush(ctx); err == nil {
		err = ferr
	}
	for _, re := range res.Errors {
		g.logf("%s", sanitizeTerminal(re.Error()))
	}
	if res.Bad > len(res.Errors) {
		g.logf("%s: %d more bad records not shown", file, res.Bad-len(res.Errors))
	}
	if res.Truncated {
		g.logf("%s: %s", file, sanitizeTerminal(res.TruncatedReason))
	}
	if err != nil {
		return fileResult{bad: res.Bad}, err // the importer's errors name the file and line
	}
	stats := p.Stats()
	if _, err := st.RecordImport(ctx, o.Snapshot, store.Import{File: file, SHA256: res.SHA256, Engine: model.Engine(res.Engine),
		Format: string(res.Format), Read: res.Read, Kept: stats.Matched, Bad: res.Bad, Skipped: stats.Skipped, At: g.env.Now().UTC()}); err != nil {
		return fileResult{bad: res.Bad}, err
	}
	if stats.Clamped > 0 {
		g.logf("%s: %d observations were dated after now; their time was set to the import's", sanitizeTerminal(file), stats.Clamped)
	}
	g.logf("%s: %s (%s): %d records read, %d observations (%d not hosts), %d matched a product, %d skipped, %d bad; %d new services, %d merged",
		sanitizeTerminal(file), res.Format, res.Engine, res.Read, stats.Observations, res.Ignored, stats.Matched, stats.Skipped, res.Bad,
		stats.NewServices, stats.MergedServices)
	fr = fileResult{bad: res.Bad, clamped: stats.Clamped, export: res.Format == importer.OrchexExport}
	if res.Truncated {
		fr.bad++
	}
	if res.Engine == string(model.Shodan) || res.Engine == string(model.Censys) {
		fr.engines = append(fr.engines, store.EngineMeta{Name: res.Engine, API: "file:" + string(res.Format)})
	}
	return fr, nil
}

// importOpts are the importer's options: the forced engine, and the
// catalog that the products of an orchex export must belong to.
func importOpts(o importOptions, cat *catalog.Catalog) importer.Options {
	return importer.Options{Engine: o.Engine, Products: func(id string) bool { _, ok := cat.Product(id); return ok }}
}
