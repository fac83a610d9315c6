package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
)

type diffOptions struct {
	A, B             string
	Format           string
	Out              string
	IncludeAddresses bool
	Scopes, Scope    string // --scopes FILE --scope NAME
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
			"orchex diff --scopes scopes.yaml --scope acme 2026Q3 2026Q4",
		Description: "Compares snapshot A (earlier) with snapshot B (later), service by service (address, port,\n" +
			"transport): services new in B, gone since A and persisting; auth changes of persisting services\n" +
			"(auth_required → open is a regression, open → auth_required a remediation, changes to or from\n" +
			"unknown are counted apart); and the change per product, provider, AWS region and country.\n" +
			"The per-service lists appear only with --include-addresses. When the two snapshots were made\n" +
			"with different catalog versions, engines or range feeds, a warning is printed and the method\n" +
			"section lists the differences. Flags may come before, between or after A and B. See docs/compare.md.\n" +
			"--scopes FILE --scope NAME compares only that scope's services (docs/scopes.md).",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "md", Usage: "md, json, pdf or html", Destination: &o.Format},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: stdout)", Destination: &o.Out},
			&cli.BoolFlag{Name: "include-addresses", Usage: "list the new, gone, auth-changed and moved services with their addresses", Destination: &o.IncludeAddresses},
		}, scopeFlags(&o.Scopes, &o.Scope)...),
		Action: func(c *cli.Context) error {
			pos, err := parseInterleaved("diff", c.Args().Slice(), &o)
			if err != nil {
				return err
			}
			if len(pos) != 2 {
				return usagef("diff: want two snapshots, got %d (orchex diff [flags] A B)", len(pos))
			}
			o.A, o.B = pos[0], pos[1]
			return runDiff(c.Context, g, o)
		},
	}
}

// parseInterleaved parses the diff flags found among the arguments
// (urfave/cli stops parsing flags at the first argument), so that
// "orchex diff 2026Q3 2026Q4 --format md" works as the issue writes it,
// and returns the positional arguments.
func parseInterleaved(verb string, args []string, o *diffOptions) ([]string, error) {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, name := range []string{"format", "f"} {
		fs.StringVar(&o.Format, name, o.Format, "")
	}
	for _, name := range []string{"out", "o"} {
		fs.StringVar(&o.Out, name, o.Out, "")
	}
	fs.BoolVar(&o.IncludeAddresses, "include-addresses", o.IncludeAddresses, "")
	fs.StringVar(&o.Scopes, "scopes", o.Scopes, "")
	fs.StringVar(&o.Scope, "scope", o.Scope, "")
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%s: %v", verb, err)
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	return pos, nil
}

func runDiff(ctx context.Context, g *globals, o diffOptions) error {
	o.Format = strings.ToLower(o.Format)
	switch o.Format {
	case "md", "markdown":
		o.Format = "md"
	case "json", "html":
	case "pdf":
		if o.Out == "" || o.Out == "-" {
			return usagef("diff: --format pdf needs --out FILE")
		}
	default:
		return usagef("diff: unknown --format %q (want md, json, pdf or html)", o.Format)
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
	a, err := assemble.DiffInputFiltered(ctx, st, o.A, sc.filter())
	if err != nil {
		return err
	}
	b, err := assemble.DiffInputFiltered(ctx, st, o.B, sc.filter())
	if err != nil {
		return err
	}
	g.warnMethod(o.A, o.B, compare.Differences(a.Method, b.Method))
	d, err := compare.NewDiff(ctx, a, b, compare.Options{IncludeAddresses: o.IncludeAddresses})
	if err != nil {
		return err
	}
	if sc != nil {
		d.Scope = sc.scope.Name
	}
	err = writeAtomic(o.Out, g.env.Stdout, func(w io.Writer) error {
		switch o.Format {
		case "json":
			return jsonreport.Write(w, "diff "+o.A+" → "+o.B, d)
		case "pdf":
			return pdf.RenderDocument(w, assemble.DiffDocument(d), pdf.Options{})
		case "html":
			return html.RenderDocument(w, assemble.DiffDocument(d))
		}
		return markdown.RenderDocument(w, assemble.DiffDocument(d))
	})
	if err != nil {
		return fmt.Errorf("diff %s %s: %w", o.A, o.B, err)
	}
	if o.Out != "" && o.Out != "-" {
		g.logf("wrote %s", filepath.Clean(o.Out))
	}
	return nil
}

// warnMethod prints the comparability warning when two snapshots were not
// made the same way (unless --quiet).
func (g *globals) warnMethod(a, b string, d []compare.Difference) {
	if w := compare.Warning(a, b, d); w != "" {
		g.logf("warning: %s", sanitizeTerminal(w))
	}
}
