package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/report/csvreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/render"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

type reportOptions struct {
	Snapshot         string
	Format           string
	Out              string
	Template         string
	Title            string
	IncludeAddresses bool
	IncludeHoneypots bool
	Compare          string
	Scopes, Scope    string // --scopes FILE --scope NAME
	EOL              string // --eol DIR
}

func reportCommand(g *globals) *cli.Command {
	var o reportOptions
	return &cli.Command{
		Name:  "report",
		Usage: "write the research report of a snapshot (Markdown, JSON, CSV, PDF or HTML)",
		UsageText: "orchex report --snapshot 2026Q4 --format md --out reports/2026Q4/report.md\n" +
			"orchex report --snapshot 2026Q4 --format json\n" +
			"orchex report --snapshot 2026Q4 --format pdf --out reports/2026Q4/report.pdf\n" +
			"orchex report --snapshot 2026Q4 --format html --out reports/2026Q4/report.html\n" +
			"orchex report --snapshot 2026Q4 --format csv --include-addresses --out services.csv\n" +
			"orchex report --snapshot 2026Q4 --compare 2026Q3 --format pdf --out reports/2026Q4/report.pdf\n" +
			"orchex report --scopes scopes.yaml --scope acme --snapshot 2026Q4",
		Description: "Published research carries aggregates only: addresses and hostnames appear only with\n" +
			"--include-addresses. Services of hosts flagged as honeypots (engine markers, or five or more\n" +
			"unrelated product families on one address) are left out of every figure and counted in the method\n" +
			"section; --include-honeypots counts them and marks them in the services list. A snapshot that a run\n" +
			"stopped filling early says so at the top of every format. Files are written atomically.\n" +
			"--compare LABEL adds an earlier snapshot's value and the change to every headline figure and\n" +
			"table row (md, json, html; pdf: the headline figures), and warns when the two snapshots were made\n" +
			"with different methods (see docs/compare.md).\n" +
			"--scopes FILE --scope NAME counts only the services of that scope (docs/scopes.md); the title and the\n" +
			"method say which scope.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL` (default: the newest)", Destination: &o.Snapshot},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "md, json, csv, pdf or html (one file, loads nothing) (default: the extension of --out, else md)", Destination: &o.Format},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: stdout; required for pdf)", Destination: &o.Out},
			&cli.StringFlag{Name: "template", Usage: "Markdown template `FILE` instead of the embedded one", Destination: &o.Template},
			&cli.StringFlag{Name: "title", Usage: "report title", Destination: &o.Title},
			&cli.BoolFlag{Name: "include-addresses", Usage: "list every service with its address and hostnames", Destination: &o.IncludeAddresses},
			&cli.BoolFlag{Name: "include-honeypots", Usage: "count the services of hosts flagged as honeypots in every figure (otherwise left out)", Destination: &o.IncludeHoneypots},
			&cli.StringFlag{Name: "compare", Usage: "compare with the earlier snapshot `LABEL`", Destination: &o.Compare},
			eolFlag(),
		}, scopeFlags(&o.Scopes, &o.Scope)...),
		Action: noArgs("report", func(c *cli.Context) error {
			o.EOL = c.String("eol")
			return runReport(c, g, o)
		}),
	}
}

func runReport(c *cli.Context, g *globals, o reportOptions) error {
	ctx := c.Context
	f, err := reportFormat("report", o.Format, o.Out)
	if err != nil {
		return err
	}
	if o.Compare != "" && f == render.CSV {
		return usagef("report: --compare applies to md, json, pdf and html (csv lists services; use 'orchex diff')")
	}
	tmpl := ""
	if o.Template != "" {
		if f != render.Markdown {
			return usagef("report: --template applies to --format md only")
		}
		var err error
		if tmpl, err = markdown.Load(o.Template); err != nil {
			return err
		}
	}
	sc, err := g.chooseScope("report", o.Scopes, o.Scope)
	if err != nil {
		return err
	}
	st, label, cat, err := g.openSnapshot(ctx, o.Snapshot)
	if err != nil {
		return err
	}
	defer st.Close()
	support, err := g.loadEOL(o.EOL)
	if err != nil {
		return err
	}
	var cmp *report.Comparison
	if o.Compare != "" {
		if o.Compare == label {
			return usagef("report: --compare %s is the snapshot being reported", o.Compare)
		}
		if err := compareIsEarlier(ctx, st, "report: --compare", o.Compare, label, "report the later snapshot with --snapshot and give the earlier one to --compare"); err != nil {
			return err
		}
		var diffs []compare.Difference
		if cmp, diffs, err = assemble.Compare(ctx, st, cat, o.Compare, label, assemble.Options{IncludeHoneypots: o.IncludeHoneypots, Filter: sc.filter(), Support: support}); err != nil {
			return assemble.Suggest(ctx, st, err, o.Compare)
		}
		g.warnMethod(o.Compare, label, diffs)
	}
	write := func(w io.Writer) error {
		if f == render.CSV {
			snap, err := st.Snapshot(ctx, label)
			if err != nil {
				return err
			}
			return csvreport.WriteWith(w, sc.filter().Services(func(fn func(*model.Service) error) error { return st.Services(ctx, label, fn) }),
				csvreport.Options{IncludeAddresses: o.IncludeAddresses, IncludeHoneypots: o.IncludeHoneypots, Incomplete: !snap.Meta.Complete()})
		}
		v, err := assemble.View(ctx, st, cat, label, assemble.Options{Title: o.Title, IncludeAddresses: o.IncludeAddresses, IncludeHoneypots: o.IncludeHoneypots, Filter: sc.filter(), Support: support})
		if err != nil {
			return err
		}
		v.Compare = cmp
		if tmpl != "" {
			// A user's template is named after its file, so that an
			// execution error points at it, not at the embedded one.
			if err := markdown.RenderNamed(w, v, filepath.Base(o.Template), tmpl); err != nil {
				return fmt.Errorf("%w (in %s)", err, o.Template)
			}
			return nil
		}
		return render.View(w, f, v, tmpl, o.Title)
	}
	if err := g.writeOut(ctx, "--out", o.Out, write, o.Template); err != nil {
		return fmt.Errorf("report %s: %w", label, err)
	}
	return nil
}

// compareIsEarlier refuses an earlier snapshot (report --compare, brief
// --since, diff's A; what names it, hint says how to ask) that comes
// after the reported one, in the order trend uses (quarter labels, else
// creation time): a report shows its figures as "the earlier value", a
// briefing or diff its services as gone and the later one's as new, a
// remediation as a regression: every change would run backwards. An unknown label is left to the caller,
// whose error suggests the closest one.
func compareIsEarlier(ctx context.Context, st *store.Store, what, earlier, label, hint string) error {
	if earlier == "" {
		return nil
	}
	a, err := st.Snapshot(ctx, earlier)
	if err != nil {
		return nil
	}
	b, err := st.Snapshot(ctx, label)
	if err != nil {
		return nil
	}
	if ordered, _ := compare.Order([]store.Snapshot{a, b}); ordered[0].Label == earlier {
		return nil
	}
	return usagef("%s %s (taken %s) comes after snapshot %s (taken %s): the changes would run backwards; %s",
		what, earlier, a.Created.UTC().Format("2006-01-02"), label, b.Created.UTC().Format("2006-01-02"), hint)
}
