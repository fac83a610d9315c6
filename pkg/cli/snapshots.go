package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/store"
)

// openStore opens the database at --db read-only, for verbs that only
// read (report, diff, trend, snapshots list and show): they work on a
// file the user may only read and on a read-only mount. When the file
// does not exist it fails with a clear message and creates nothing.
func (g *globals) openStore(ctx context.Context) (*store.Store, error) {
	return g.openExisting(ctx, store.Options{ReadOnly: true})
}

// openExisting opens the existing database at --db with o.
func (g *globals) openExisting(ctx context.Context, o store.Options) (*store.Store, error) {
	o.NoCreate = true
	s, err := store.OpenWith(ctx, g.db, o)
	if errors.Is(err, store.ErrNoDatabase) {
		return nil, fmt.Errorf("no database at %s; run orchex import or collect first, or pass --db FILE", g.db)
	}
	return s, err
}

// openStoreCreate opens the database at --db, creating it when absent
// (import, collect, demo).
func (g *globals) openStoreCreate(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, g.db)
}

func snapshotsCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "snapshots",
		Usage: "list, show, rename and remove snapshots",
		Description: "A snapshot is one labelled measurement (by default the quarter, e.g. 2026Q4) in the --db\n" +
			"file: its services, the engine observations behind them, the raw engine pages, the imported\n" +
			"files and what produced it (catalog version, engines, range feeds, queries and truncations).\n\n" +
			"Examples:\n" +
			"  orchex snapshots list\n" +
			"  orchex snapshots show 2026Q4 --format json\n" +
			"  orchex snapshots rename 2026q4 2026Q4\n" +
			"  orchex snapshots rm 2025Q1 2025Q2 --yes",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list snapshots, oldest first",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table or json"},
				},
				Action: func(c *cli.Context) error {
					if c.NArg() != 0 {
						return usagef("snapshots list: unexpected argument %q", c.Args().First())
					}
					return runSnapshotsList(c.Context, g, snapshotsListOptions{Format: c.String("format")})
				},
			},
			{
				Name:      "show",
				Usage:     "show a snapshot: what produced it, imports, queries, counts by engine",
				ArgsUsage: "LABEL",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
				},
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return usagef("snapshots show: want one snapshot label, got %d arguments", c.NArg())
					}
					return runSnapshotsShow(c.Context, g, snapshotsShowOptions{Label: c.Args().First(), Format: c.String("format")})
				},
			},
			{
				Name:      "rename",
				Usage:     "change a snapshot's label",
				ArgsUsage: "OLD NEW",
				Action: func(c *cli.Context) error {
					if c.NArg() != 2 {
						return usagef("snapshots rename: want OLD and NEW labels, got %d arguments", c.NArg())
					}
					return runSnapshotsRename(c.Context, g, c.Args().Get(0), c.Args().Get(1))
				},
			},
			{
				Name:      "rm",
				Aliases:   []string{"remove"},
				Usage:     "remove snapshots and everything in them (asks first unless --yes)",
				ArgsUsage: "LABEL...",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation"},
				},
				Action: func(c *cli.Context) error {
					if c.NArg() == 0 {
						return usagef("snapshots rm: want at least one snapshot label")
					}
					return runSnapshotsRm(c.Context, g, snapshotsRmOptions{Labels: c.Args().Slice(), Yes: c.Bool("yes")})
				},
			},
		},
	}
}

type snapshotsListOptions struct {
	Format string // table or json
}

// snapshotJSON is one snapshot in `snapshots list --format json`.
type snapshotJSON struct {
	Label          string             `json:"label"`
	Created        string             `json:"created"`
	Services       int                `json:"services"`
	Hosts          int                `json:"hosts"`
	Observations   int                `json:"observations"`
	CatalogVersion string             `json:"catalog_version"`
	Engines        []store.EngineMeta `json:"engines"`
}

func runSnapshotsList(ctx context.Context, g *globals, opts snapshotsListOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usagef("snapshots list: unknown --format %q; use table or json", opts.Format)
	}
	s, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	sns, err := s.Snapshots(ctx)
	if err != nil {
		return err
	}
	out := g.env.Stdout
	if opts.Format == "json" {
		list := make([]snapshotJSON, 0, len(sns))
		for _, sn := range sns {
			list = append(list, snapshotJSON{
				Label: sn.Label, Created: sn.Created.UTC().Format(time.RFC3339Nano),
				Services: sn.Services, Hosts: sn.Hosts, Observations: sn.Observations,
				CatalogVersion: sn.Meta.CatalogVersion, Engines: snapNonNil(sn.Meta.Engines),
			})
		}
		return snapWriteJSON(out, list)
	}
	if len(sns) == 0 {
		g.logf("no snapshots in %s; run orchex import or collect", terminal.Sanitize(g.db))
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LABEL\tCREATED\tSERVICES\tHOSTS\tOBSERVATIONS\tCATALOG\tENGINES")
	for _, sn := range sns {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", terminal.Cell(sn.Label, 64), sn.Created.UTC().Format(time.RFC3339),
			sn.Services, sn.Hosts, sn.Observations, terminal.Cell(dash(sn.Meta.CatalogVersion), 32), terminal.Cell(snapEngines(sn.Meta.Engines), 64))
	}
	return tw.Flush()
}

type snapshotsShowOptions struct {
	Label  string
	Format string // text or json
}

// showJSON is `snapshots show --format json`.
type showJSON struct {
	Label        string            `json:"label"`
	Created      string            `json:"created"`
	Services     int               `json:"services"`
	Hosts        int               `json:"hosts"`
	Observations int               `json:"observations"`
	Meta         store.Meta        `json:"meta"`
	ByEngine     []engineCountJSON `json:"by_engine"`
	Imports      []importJSON      `json:"imports"`
}

type engineCountJSON struct {
	Engine       string `json:"engine"`
	Observations int    `json:"observations"`
	Services     int    `json:"services"`
	Only         int    `json:"only"`
	Pages        int    `json:"pages"`
	Credits      int    `json:"credits"`
}

type importJSON struct {
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

func runSnapshotsShow(ctx context.Context, g *globals, opts snapshotsShowOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usagef("snapshots show: unknown --format %q; use text or json", opts.Format)
	}
	s, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	sn, err := snapshotOf(ctx, s, opts.Label)
	if err != nil {
		return err
	}
	counts, err := s.EngineCounts(ctx, opts.Label)
	if err != nil {
		return err
	}
	imports, err := s.Imports(ctx, opts.Label)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		v := showJSON{
			Label: sn.Label, Created: sn.Created.UTC().Format(time.RFC3339Nano),
			Services: sn.Services, Hosts: sn.Hosts, Observations: sn.Observations, Meta: sn.Meta,
			ByEngine: []engineCountJSON{}, Imports: []importJSON{},
		}
		v.Meta.Engines, v.Meta.Feeds, v.Meta.Queries = snapNonNil(v.Meta.Engines), snapNonNil(v.Meta.Feeds), snapNonNil(v.Meta.Queries)
		v.Meta.Inputs, v.Meta.Notes = snapNonNil(v.Meta.Inputs), snapNonNil(v.Meta.Notes)
		for _, c := range counts {
			v.ByEngine = append(v.ByEngine, engineCountJSON{string(c.Engine), c.Observations, c.Services, c.Only, c.Pages, c.Credits})
		}
		for _, im := range imports {
			v.Imports = append(v.Imports, importJSON{im.File, im.SHA256, string(im.Engine), im.Format,
				im.Read, im.Kept, im.Bad, im.Skipped, snapTime(im.At)})
		}
		return snapWriteJSON(g.env.Stdout, v)
	}

	w := &snapErrWriter{w: g.env.Stdout}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	m := sn.Meta
	fmt.Fprintf(tw, "Snapshot\t%s\n", terminal.Cell(sn.Label, 64))
	fmt.Fprintf(tw, "Created\t%s\n", sn.Created.UTC().Format(time.RFC3339))
	fmt.Fprintf(tw, "Catalog version\t%s\n", terminal.Cell(dash(m.CatalogVersion), 64))
	fmt.Fprintf(tw, "Services\t%d\n", sn.Services)
	fmt.Fprintf(tw, "Hosts\t%d\n", sn.Hosts)
	fmt.Fprintf(tw, "Observations\t%d\n", sn.Observations)
	fmt.Fprintf(tw, "Engines\t%s\n", terminal.Cell(snapEngines(m.Engines), 200))
	var feeds []string
	for _, f := range m.Feeds {
		feeds = append(feeds, f.Provider+" "+f.Date)
	}
	fmt.Fprintf(tw, "Range feeds\t%s\n", terminal.Cell(dash(strings.Join(feeds, ", ")), 400))
	for i, in := range m.Inputs {
		fmt.Fprintf(tw, "%s\t%s\n", snapLabel(i, "Inputs"), terminal.Cell(in, 200))
	}
	for i, n := range m.Notes {
		fmt.Fprintf(tw, "%s\t%s\n", snapLabel(i, "Notes"), terminal.Cell(n, 200))
	}
	tw.Flush()

	if len(counts) > 0 {
		fmt.Fprintln(w, "\nBy engine")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ENGINE\tOBSERVATIONS\tSERVICES\tONLY THIS ENGINE\tPAGES\tCREDITS")
		for _, c := range counts {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", terminal.Cell(string(c.Engine), 32), c.Observations, c.Services, c.Only, c.Pages, c.Credits)
		}
		tw.Flush()
	}
	if len(m.Queries) > 0 {
		fmt.Fprintln(w, "\nQueries")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ENGINE\tQUERY ID\tTOTAL\tPAGES\tFETCHED\tTRUNCATED\tQUERY")
		for _, q := range m.Queries {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", terminal.Cell(q.Engine, 32), terminal.Cell(q.ID, 64), q.Total, q.Pages, q.Fetched,
				terminal.Cell(dash(q.Truncated), 32), terminal.Cell(q.Text, 80))
		}
		tw.Flush()
	}
	if len(imports) > 0 {
		fmt.Fprintln(w, "\nImports")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "FILE\tENGINE\tFORMAT\tREAD\tKEPT\tBAD\tSKIPPED\tIMPORTED\tSHA256")
		for _, im := range imports {
			sum := im.SHA256
			if len(sum) > 12 {
				sum = sum[:12]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", terminal.Cell(im.File, 80), terminal.Cell(string(im.Engine), 32), terminal.Cell(im.Format, 32),
				im.Read, im.Kept, im.Bad, im.Skipped, dash(snapTime(im.At)), terminal.Cell(sum, 12))
		}
		tw.Flush()
	}
	return w.err
}

func runSnapshotsRename(ctx context.Context, g *globals, from, to string) error {
	s, err := g.openExisting(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Rename(ctx, from, to); err != nil {
		if errors.Is(err, store.ErrBadLabel) {
			return usageError{err}
		}
		return suggestLabel(ctx, s, err, from)
	}
	g.logf("renamed snapshot %s to %s", terminal.Cell(from, 64), terminal.Cell(to, 64))
	return nil
}

type snapshotsRmOptions struct {
	Labels []string
	Yes    bool // do not ask
}

// runSnapshotsRm removes the snapshots named, after checking that every
// one exists (a mistyped label removes nothing) and asking once.
func runSnapshotsRm(ctx context.Context, g *globals, opts snapshotsRmOptions) error {
	s, err := g.openExisting(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	var sns []store.Snapshot
	services, observations := 0, 0
	for _, label := range opts.Labels {
		sn, err := snapshotOf(ctx, s, label)
		if err != nil {
			return err
		}
		sns = append(sns, sn)
		services, observations = services+sn.Services, observations+sn.Observations
	}
	var names []string
	for _, sn := range sns {
		names = append(names, terminal.Cell(sn.Label, 64))
	}
	what := fmt.Sprintf("%s (%d services, %d observations)", strings.Join(names, ", "), services, observations)
	if !opts.Yes {
		fmt.Fprintf(g.env.Stderr, "Remove snapshot %s from %s? This cannot be undone. [y/N] ", what, terminal.Cell(g.db, 200))
		if !snapConfirmed(g.env.Stdin) {
			fmt.Fprintln(g.env.Stderr)
			return fmt.Errorf("snapshots rm: not confirmed; nothing was removed (pass --yes to skip the question)")
		}
	}
	for i, sn := range sns {
		if err := s.Remove(ctx, sn.Label); err != nil {
			if i > 0 {
				g.logf("removed snapshot %s before the error", strings.Join(names[:i], ", "))
			}
			return err
		}
	}
	g.logf("removed snapshot %s", what)
	return nil
}

// confirmed reads one line from r and reports whether it is "y" or "yes".
// No input (nil reader, EOF) is a no.
func snapConfirmed(r io.Reader) bool {
	if r == nil {
		return false
	}
	line, err := bufio.NewReader(io.LimitReader(r, 1024)).ReadString('\n')
	if err != nil && line == "" {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func snapEngines(es []store.EngineMeta) string {
	var parts []string
	for _, e := range es {
		if e.API != "" {
			parts = append(parts, e.Name+" ("+e.API+")")
		} else {
			parts = append(parts, e.Name)
		}
	}
	return dash(strings.Join(parts, ", "))
}

// label returns name for the first line of a list, "" for the others.
func snapLabel(i int, name string) string {
	if i == 0 {
		return name
	}
	return ""
}

func snapTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func snapNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func snapWriteJSON(w io.Writer, v any) error {
	if err := writeJSON(w, v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// errWriter remembers the first write error, so that a series of
// Fprintf calls can be checked once.
type snapErrWriter struct {
	w   io.Writer
	err error
}

func (e *snapErrWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("write output: %w", err)
	}
	return n, err
}
