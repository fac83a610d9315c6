package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
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
				Action: noArgs("snapshots list", func(c *cli.Context) error {
					return runSnapshotsList(c.Context, g, c.String("format"))
				}),
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
					return runSnapshotsShow(c.Context, g, c.Args().First(), c.String("format"))
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
					return runSnapshotsRm(c.Context, g, c.Args().Slice(), c.Bool("yes"))
				},
			},
		},
	}
}

// runSnapshotsList lists the snapshots as a table or JSON (format).
func runSnapshotsList(ctx context.Context, g *globals, format string) error {
	if format != "table" && format != "json" {
		return usagef("snapshots list: unknown --format %q; use table or json", format)
	}
	s, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	sns, err := s.Snapshots(ctx)
	switch {
	case err != nil:
		return err
	case format == "json":
		return writeJSON(g.env.Stdout, assemble.SnapshotList(sns))
	case len(sns) == 0:
		g.logf("no snapshots in %s; run orchex import or collect", terminal.Sanitize(g.db))
		return nil
	}
	return terminal.Table(g.env.Stdout, assemble.SnapshotTable(sns), terminal.Options{})
}

// runSnapshotsShow shows snapshot label as text or JSON (format).
func runSnapshotsShow(ctx context.Context, g *globals, label, format string) error {
	if format != "text" && format != "json" {
		return usagef("snapshots show: unknown --format %q; use text or json", format)
	}
	s, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	d, err := assemble.Snapshot(ctx, s, label)
	if err != nil {
		return assemble.Suggest(ctx, s, err, label)
	}
	if format == "json" {
		return writeJSON(g.env.Stdout, d)
	}
	if err := terminal.Document(g.env.Stdout, d.Document(), terminal.Options{}); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
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
		return assemble.Suggest(ctx, s, err, from)
	}
	g.logf("renamed snapshot %s to %s", terminal.Cell(from, 64), terminal.Cell(to, 64))
	return nil
}

// runSnapshotsRm removes the snapshots named, after checking that every
// one exists (a mistyped label removes nothing) and asking once.
func runSnapshotsRm(ctx context.Context, g *globals, labels []string, yes bool) error {
	s, err := g.openExisting(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	var names []string
	services, observations := 0, 0
	for _, label := range labels {
		sn, err := s.Snapshot(ctx, label)
		if err != nil {
			return assemble.Suggest(ctx, s, err, label)
		}
		names = append(names, terminal.Cell(sn.Label, 64))
		services, observations = services+sn.Services, observations+sn.Observations
	}
	what := fmt.Sprintf("%s (%d services, %d observations)", strings.Join(names, ", "), services, observations)
	if !yes {
		fmt.Fprintf(g.env.Stderr, "Remove snapshot %s from %s? This cannot be undone. [y/N] ", what, terminal.Cell(g.db, 200))
		if !terminal.Confirmed(g.env.Stdin) {
			fmt.Fprintln(g.env.Stderr)
			return fmt.Errorf("snapshots rm: not confirmed; nothing was removed (pass --yes to skip the question)")
		}
	}
	for i, label := range labels {
		if err := s.Remove(ctx, label); err != nil {
			if i > 0 {
				g.logf("removed snapshot %s before the error", strings.Join(names[:i], ", "))
			}
			return err
		}
	}
	g.logf("removed snapshot %s", what)
	return nil
}

// openSnapshot opens the database read-only and returns it with the
// label of the snapshot to read (label, else the newest) and the catalog;
// the caller closes the store.
func (g *globals) openSnapshot(ctx context.Context, label string) (*store.Store, string, *catalog.Catalog, error) {
	st, err := g.openStore(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	label, err = resolveSnapshot(ctx, st, label)
	var cat *catalog.Catalog
	if err == nil {
		cat, err = g.loadCatalog()
	}
	if err != nil {
		st.Close()
		return nil, "", nil, err
	}
	return st, label, cat, nil
}

// resolveSnapshot returns label, or the newest snapshot's label when label
// is empty (assemble.Resolve).
func resolveSnapshot(ctx context.Context, st *store.Store, label string) (string, error) {
	label, err := assemble.Resolve(ctx, st, label)
	if errors.Is(err, assemble.ErrNoSnapshots) {
		return "", fmt.Errorf("the database %s has no snapshot yet: run 'orchex import' or 'orchex collect' first", st.Path())
	}
	return label, err
}
