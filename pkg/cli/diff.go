package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/render"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/report/assemble"
)

type diffOptions struct {
	A, B             string
	Format           string
	Out              string
	IncludeAddresses bool
	IncludeHoneypots bool
	Scopes, Scope    string // --scopes FILE --scope NAME
	EOL              string // --eol DIR
}

func diffCommand(g *globals) *cli.Command {
	var o diffOptions
	return &cli.Command{
		Name:      "diff",
		Usage:     "what changed between two snapshots: new, gone and persisting services, auth changes, deltas",
		ArgsUsage: "A B",
		UsageText: "orchex diff 2026Q3 2026Q4\n" +
			"orchex diff 2026Q3 2026Q4 --format json --out reports/2026Q4/diff.json\n" +
			"orchex diff 2026Q3 2026Q4 --format html --out reports/2026Q4/diff.html\n" +
			"orchex diff --include-addresses 2026Q3 2026Q4 --out diff-for-security-team.md\n" +
			"orchex diff 2026Q3 2026Q4 --format csv --out diff.csv\n" +
			"orchex diff --scopes scopes.yaml --scope acme 2026Q3 2026Q4",
		Description: "Compares snapshot A (earlier) with snapshot B (later), service by service (address, port,\n" +
			"transport): services new in B, gone since A and persisting; auth changes of persisting services\n" +
			"(auth_required → open is a regression, open → auth_required a remediation, changes to or from\n" +
			"unknown are counted apart); and the change per product, provider, AWS region and country.\n" +
			"The per-service lists appear only with --include-addresses. When the two snapshots were made\n" +
			"with different catalog versions, engines or range feeds, a warning is printed and the method\n" +
			"section lists the differences. An incomplete snapshot is flagged at the top. Services of hosts flagged\n" +
			"as honeypots are left out unless --include-honeypots. --format csv writes every table as section,\n" +
			"table, row, column and value, for spreadsheets. See docs/compare.md.\n" +
			"--scopes FILE --scope NAME compares only that scope's services (docs/scopes.md).",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "md, json, csv, pdf or html (default: the extension of --out, else md)", Destination: &o.Format},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: stdout; required for pdf)", Destination: &o.Out},
			&cli.BoolFlag{Name: "include-addresses", Usage: "list the new, gone, auth-changed and moved services with their addresses", Destination: &o.IncludeAddresses},
			&cli.BoolFlag{Name: "include-honeypots", Usage: "count the services of hosts flagged as honeypots (otherwise left out)", Destination: &o.IncludeHoneypots},
			eolFlag(),
		}, scopeFlags(&o.Scopes, &o.Scope)...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("diff: want two snapshots, got %d", c.NArg())
			}
			o.A, o.B, o.EOL = c.Args().Get(0), c.Args().Get(1), c.String("eol")
			return runDiff(c.Context, g, o)
		},
	}
}

func runDiff(ctx context.Context, g *globals, o diffOptions) error {
	f, err := reportFormat("diff", o.Format, o.Out)
	if err != nil {
		return err
	}
	if o.A == o.B {
		return usagef("diff: A and B are the same snapshot %q", o.A)
	}
	sc, err := g.chooseScope("diff", o.Scopes, o.Scope)
	if err != nil {
		return err
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	support, err := g.loadEOL(o.EOL)
	if err != nil {
		return err
	}
	if err := compareIsEarlier(ctx, st, "diff: A", o.A, o.B, fmt.Sprintf("give the earlier snapshot first: diff %s %s", o.B, o.A)); err != nil {
		return err
	}
	d, diffs, err := assemble.Diff(ctx, st, o.A, o.B, sc.filter(), compare.Options{IncludeAddresses: o.IncludeAddresses, IncludeHoneypots: o.IncludeHoneypots, Support: support})
	if err != nil {
		return err
	}
	g.warnMethod(o.A, o.B, diffs)
	err = g.writeOut(ctx, "--out", o.Out, func(w io.Writer) error {
		return render.Document(w, f, func() *report.Document { return assemble.DiffDocument(d) }, d, "diff "+o.A+" → "+o.B)
	})
	if err != nil {
		return fmt.Errorf("diff %s %s: %w", o.A, o.B, err)
	}
	return nil
}

// warnMethod prints the comparability warning when two snapshots were not
// made the same way (unless --quiet).
func (g *globals) warnMethod(a, b string, d []compare.Difference) {
	if w := compare.Warning(a, b, d); w != "" {
		g.logf("warning: %s", terminal.Sanitize(w))
	}
}
