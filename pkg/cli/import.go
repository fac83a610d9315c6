package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orchex/orchex/internal/inputs"
	"github.com/orchex/orchex/internal/progress"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/fileimport"
	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

func importCommand(g *globals) *cli.Command {
	var cfg fileimport.Config
	var ranges string
	var strict bool
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
			&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL`", DefaultText: "the current quarter, e.g. 2026Q4", Destination: &cfg.Snapshot},
			&cli.StringFlag{Name: "engine", Usage: "force the engine: shodan, censys or orchex (default: detect)", Destination: &cfg.Engine},
			&cli.BoolFlag{Name: "strict", Usage: "fail on the first bad record and write nothing", Destination: &strict},
			&cli.StringFlag{Name: "ranges", Usage: "cloud range feeds `DIR` (default: the cache written by 'orchex ranges update')", Destination: &ranges},
			&cli.IntFlag{Name: "workers", Usage: "`N` goroutines decoding, classifying and tagging 'shodan download' banners (at most 256); the snapshot is the same for any N", DefaultText: "the number of CPUs", Destination: &cfg.Workers},
		},
		Action: func(c *cli.Context) error {
			cfg.Files = c.Args().Slice()
			if len(cfg.Files) == 0 {
				return usagef("import: no input file (orchex import [--snapshot LABEL] FILE...)")
			}
			switch cfg.Engine {
			case "", "shodan", "censys", "orchex":
			default:
				return usagef("import: unknown --engine %q (want shodan, censys or orchex)", cfg.Engine)
			}
			if cfg.Workers < 0 {
				return usagef("import: --workers %d: want 1 or more (0 for the number of CPUs)", cfg.Workers)
			}
			if cfg.Snapshot == "" {
				cfg.Snapshot = quarterLabel(g.env.Now())
			}
			if err := store.CheckLabel(cfg.Snapshot); err != nil {
				return usagef("import: %v", err)
			}
			return runImport(c.Context, g, cfg, ranges, strict)
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

// runImport checks the inputs, loads the catalog and the feeds, makes
// the strict pass when asked, and runs the import (pkg/fileimport),
// printing its events.
func runImport(ctx context.Context, g *globals, cfg fileimport.Config, ranges string, strict bool) error {
	defer importer.TuneGC(g.env.Getenv)()
	files, empty, err := g.checkInputs(cfg.Files, strict)
	if err != nil {
		return err
	}
	if cfg.Catalog, err = g.loadCatalog(); err != nil {
		return err
	}
	if cfg.Tagger, cfg.Feeds, err = g.tagger(ranges); err != nil {
		return err
	}
	cfg.Files, cfg.Stdin, cfg.Now = files, g.env.Stdin, g.env.Now
	if strict {
		// Validate every file before writing anything.
		if err := fileimport.Validate(ctx, cfg); err != nil {
			return fmt.Errorf("import (strict, nothing written): %w", err)
		}
	}
	if cfg.Store, err = g.openStoreCreate(ctx); err != nil {
		return err
	}
	defer cfg.Store.Close()
	var m *progress.Meter
	defer func() { m.Stop() }()
	cfg.Events = func(e fileimport.Event) { m = g.importEvent(m, cfg.Snapshot, e) }
	res, err := fileimport.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if bad := empty + res.Bad; bad > 0 {
		return partialError{fmt.Sprintf("%d bad records skipped", bad)}
	}
	return nil
}

// importEvent prints an import's event; m is the meter of the file being
// read, returned as the next event's.
func (g *globals) importEvent(m *progress.Meter, snapshot string, ev fileimport.Event) *progress.Meter {
	switch e := ev.(type) {
	case fileimport.FileStarted:
		name := terminal.Sanitize(e.File)
		m = g.meter("import "+name, "bytes", e.Size)
		g.guard.OnInterrupt(func() string {
			return fmt.Sprintf("snapshot %s keeps what was stored before the interrupt (%s observations of %s were read); import the same files again to complete it: records already stored are not stored twice",
				snapshot, markdown.Num(e.Records()), name)
		})
		return m
	case fileimport.Progress:
		m.Update(e.Done, e.Size, markdown.Num(e.Records)+" observations")
		return m
	}
	m.Stop()
	switch e := ev.(type) {
	case interface{ Lines() []string }:
		for _, l := range e.Lines() {
			g.logf("%s", terminal.Sanitize(l))
		}
	case fmt.Stringer:
		g.logf("%s", terminal.Sanitize(e.String()))
	}
	return nil
}

// checkInputs checks the import's inputs before anything is read or
// written (internal/inputs): a missing file or a directory is an error,
// one line each; an empty file is skipped with a warning (it counts as
// bad input); "-" (standard input) may come once, and not with --strict,
// which reads every input twice.
func (g *globals) checkInputs(files []string, strict bool) (read []string, empty int, err error) {
	if n := slices.Index(files, inputs.Stdin); n >= 0 {
		if slices.Contains(files[n+1:], inputs.Stdin) {
			return nil, 0, usagef("import: '-' (standard input) can be given once")
		}
		if strict {
			return nil, 0, usagef("import: --strict reads every input twice and cannot read standard input; save it to a file first")
		}
	}
	read, skipped, problems := inputs.Check(files)
	for _, f := range skipped {
		g.logf("%s: the file is empty: nothing to import from it", terminal.Sanitize(f))
	}
	if len(problems) > 0 {
		var lines []string
		for _, p := range problems {
			line := terminal.Sanitize(p.Error())
			if errors.Is(p, inputs.ErrDirectory) {
				line += "; give the files in it (orchex import DIR/*.json.gz)"
			}
			lines = append(lines, line)
		}
		return nil, 0, fmt.Errorf("import: nothing was imported:\n%s", strings.Join(lines, "\n"))
	}
	return read, len(skipped), nil
}
