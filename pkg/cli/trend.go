package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/render"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/report/assemble"
)

type trendOptions struct {
	From, To         string
	Format           string
	Out              string
	IncludeHoneypots bool
	Scopes, Scope    string // --scopes FILE --scope NAME
	EOL              string // --eol DIR
}

func trendCommand(g *globals) *cli.Command {
	var o trendOptions
	return &cli.Command{
		Name:  "trend",
		Usage: "the headline figures and per-product counts across snapshots, oldest first",
		UsageText: "orchex trend\n" +
			"orchex trend --from 2026Q1 --to 2026Q4 --format json\n" +
			"orchex trend --format pdf --out reports/trend.pdf\n" +
			"orchex trend --format html --out reports/trend.html\n" +
			"orchex trend --format csv --out trend.csv\n" +
			"orchex trend --scopes scopes.yaml --scope acme",
		Description: "Snapshots are ordered by label when every label looks like a quarter (YYYYQn), else by\n" +
			"creation time. A change of catalog version, engines or range feeds between consecutive\n" +
			"snapshots is warned about and listed in the method section; an incomplete snapshot is flagged.\n" +
			"Services of hosts flagged as honeypots are left out unless --include-honeypots. See docs/compare.md.\n" +
			"--scopes FILE --scope NAME counts only that scope's services in each snapshot (docs/scopes.md).",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "first snapshot `LABEL` (default: the oldest)", Destination: &o.From},
			&cli.StringFlag{Name: "to", Usage: "last snapshot `LABEL` (default: the newest)", Destination: &o.To},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "md, json, csv, pdf or html (default: the extension of --out, else md)", Destination: &o.Format},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: stdout; required for pdf)", Destination: &o.Out},
			&cli.BoolFlag{Name: "include-honeypots", Usage: "count the services of hosts flagged as honeypots (otherwise left out)", Destination: &o.IncludeHoneypots},
			eolFlag(),
		}, scopeFlags(&o.Scopes, &o.Scope)...),
		Action: noArgs("trend", func(c *cli.Context) error {
			o.EOL = c.String("eol")
			return runTrend(c.Context, g, o)
		}),
	}
}

func runTrend(ctx context.Context, g *globals, o trendOptions) error {
	f, err := reportFormat("trend", o.Format, o.Out)
	if err != nil {
		return err
	}
	sc, err := g.chooseScope("trend", o.Scopes, o.Scope)
	if err != nil {
		return err
	}
	st, _, cat, err := g.openSnapshot(ctx, "") // a store with no snapshot fails here
	if err != nil {
		return err
	}
	defer st.Close()
	support, err := g.loadEOL(o.EOL)
	if err != nil {
		return err
	}
	t, err := assemble.Trend(ctx, st, cat, o.From, o.To, assemble.Options{IncludeHoneypots: o.IncludeHoneypots, Filter: sc.filter(), Support: support})
	var rerr *assemble.RangeError
	switch {
	case errors.As(err, &rerr):
		return usagef("trend: %w", rerr.Err)
	case err != nil:
		return err
	}
	for _, s := range t.MethodChanges {
		g.warnMethod(s.From, s.To, s.Differences)
	}
	err = g.writeOut(ctx, "--out", o.Out, func(w io.Writer) error {
		return render.Document(w, f, func() *report.Document { return assemble.TrendDocument(t) }, t, "trend")
	})
	if err != nil {
		return fmt.Errorf("trend: %w", err)
	}
	return nil
}
