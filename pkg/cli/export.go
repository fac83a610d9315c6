package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/export"
	"github.com/urfave/cli/v2"
)

type exportOptions struct {
	Snapshot     string
	Format       string
	Out          string
	Observations bool
	// IncludeHoneypots exports the services of honeypot hosts too.
	IncludeHoneypots bool
	Scopes, Scope    string // --scopes FILE --scope NAME
}

func exportCommand(g *globals) *cli.Command {
	var o exportOptions
	return &cli.Command{
		Name:  "export",
		Usage: "export a snapshot's services (or observations) as Parquet, NDJSON or CSV for other tools",
		UsageText: "orchex export --snapshot 2026Q4 --format parquet --out 2026Q4.parquet\n" +
			"orchex export --snapshot 2026Q4 --out 2026Q4.ndjson\n" +
			"orchex export --snapshot 2026Q4 --format csv --observations > observations.csv\n" +
			"orchex export --scopes scopes.yaml --scope acme --snapshot 2026Q4 --out acme.parquet",
		Description: "One row per service (address, port, transport), or with --observations one row per engine\n" +
			"observation. parquet: zstd-compressed Apache Parquet for DuckDB, BigQuery, Athena/Trino and\n" +
			"Spark; ndjson: orchex's own export format, which 'orchex import' reads back; csv: the Parquet\n" +
			"columns, with cells made safe for spreadsheets. The columns and the SQL of the report's\n" +
			"headline figures are in docs/export.md. The export holds addresses, hostnames and owners:\n" +
			"treat it as the raw data, not as a publication.\n" +
			"--format defaults to the extension of --out. Files are written atomically (a temporary file,\n" +
			"then a rename); ndjson and csv go to standard output without --out or with --out -.\n" +
			"--scopes FILE --scope NAME exports only that scope's services (with --observations, the\n" +
			"observations of those services); docs/scopes.md.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL` (default: the newest)", Destination: &o.Snapshot},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "parquet, ndjson or csv (default: from the extension of --out)", Destination: &o.Format},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: stdout; required for parquet)", Destination: &o.Out},
			&cli.BoolFlag{Name: "observations", Usage: "one row per engine observation instead of per service (parquet, csv)", Destination: &o.Observations},
			&cli.BoolFlag{Name: "include-honeypots", Usage: "export the services of hosts flagged as honeypots too, marked, and their observations (parquet, csv; ndjson always holds them)", Destination: &o.IncludeHoneypots},
		}, scopeFlags(&o.Scopes, &o.Scope)...),
		Action: noArgs("export", func(c *cli.Context) error {
			f, err := o.format()
			if err != nil {
				return err
			}
			return runExport(c, g, o, f)
		}),
	}
}

// format checks the flags and returns the format to write.
func (o exportOptions) format() (export.Format, error) {
	toStdout := o.Out == "" || o.Out == "-"
	var f export.Format
	switch {
	case o.Format != "":
		var err error
		if f, err = export.ParseFormat(o.Format); err != nil {
			return "", usagef("export: unknown --format %q (want parquet, ndjson or csv)", o.Format)
		}
	case toStdout:
		return "", usagef("export: --format parquet, ndjson or csv is needed when writing to standard output")
	default:
		var ok bool
		if f, ok = export.FormatOf(o.Out); !ok {
			return "", usagef("export: cannot tell the format from --out %s: pass --format parquet, ndjson or csv", o.Out)
		}
	}
	if f == export.Parquet && toStdout {
		return "", usagef("export: --format parquet needs --out FILE")
	}
	if f == export.NDJSON && o.Observations {
		return "", usagef("export: --observations writes parquet or csv; ndjson is orchex's service export, which 'orchex import' reads")
	}
	return f, nil
}

func runExport(c *cli.Context, g *globals, o exportOptions, f export.Format) error {
	ctx := c.Context
	sc, err := g.chooseScope("export", o.Scopes, o.Scope)
	if err != nil {
		return err
	}
	st, label, cat, err := g.openSnapshot(ctx, o.Snapshot)
	if err != nil {
		return err
	}
	defer st.Close()
	var src export.Source = st
	if sc != nil {
		src = export.Filtered(st, sc.keep)
	}
	snap, err := st.Snapshot(ctx, label)
	if err != nil {
		return err
	}
	m := export.Meta{Snapshot: label, CatalogVersion: snap.Meta.CatalogVersion}
	for _, p := range cat.Products() {
		m.Products = append(m.Products, export.Product{ID: p.ID, Family: p.Family, Category: p.Category})
	}
	var stats export.Stats
	err = g.writeOut(ctx, "--out", o.Out, func(w io.Writer) error {
		var err error
		stats, err = export.Write(ctx, w, src, export.Options{Format: f, Observations: o.Observations, Meta: m, IncludeHoneypots: o.IncludeHoneypots})
		return err
	})
	if errors.Is(err, export.ErrNotImportable) {
		return fmt.Errorf("export %s: %w (nothing written; --format parquet or csv carries every service)", label, err)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", label, err)
	}
	if o.Out != "" && o.Out != "-" {
		what := "services"
		if o.Observations {
			what = "observations"
		}
		groups := ""
		if f == export.Parquet {
			groups = fmt.Sprintf(" in %d row groups", stats.RowGroups)
		}
		of := ""
		if sc != nil {
			of = ", scope " + sc.scope.Name
		}
		g.logf("exported %d %s of snapshot %s%s%s", stats.Rows, what, label, of, groups)
	}
	if !snap.Meta.Complete() {
		// The rows carry no completeness: say it where the exporter
		// looks, so that figures computed from them are not taken for a
		// census.
		g.logf("warning: snapshot %s is incomplete (%s): the export holds what was stored, so counts made from it are lower bounds, not a census",
			label, terminal.Sanitize(strings.Join(snap.Meta.IncompleteReasons(), "; ")))
	}
	return nil
}
