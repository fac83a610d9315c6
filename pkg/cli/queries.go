package cli

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/report"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/catalog"
)

// queriesCommand is `orchex queries`: list and check the product catalog.
func queriesCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "queries",
		Usage: "list or check the product catalog (queries/*.yaml)",
		Description: "The catalog names each product orchex measures, the Shodan and Censys queries that find it,\n" +
			"and the rules that recognise it and its authentication status (docs/catalog.md).\n\n" +
			"Examples:\n" +
			"  orchex queries list\n" +
			"  orchex queries list --format json\n" +
			"  orchex queries check\n" +
			"  orchex queries check ./my-queries\n" +
			"  orchex --catalog ./my-queries queries list",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "print the catalog's products with their query counts",
				UsageText: "orchex [--catalog DIR] queries list [--format table|json]",
				Description: "Prints one row per product: id, name, family, category, the number of Shodan, Censys\n" +
					"Platform (CenQL) and Censys legacy v2 queries, and how many of its rules rest on\n" +
					"unverified signals (low confidence). --format json adds the queries themselves.\n\n" +
					"Examples:\n  orchex queries list\n  orchex queries list --format json",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table or json"},
				},
				Action: noArgs("queries list", func(c *cli.Context) error {
					format := c.String("format")
					if format != "table" && format != "json" {
						return usagef("queries list: unknown --format %q (want table or json)", format)
					}
					cat, err := g.loadCatalog()
					if err != nil {
						return err
					}
					if format == "json" {
						return writeJSON(g.env.Stdout, cat.Listing())
					}
					return writeCatalogTable(g, cat)
				}),
			},
			{
				Name:      "check",
				Usage:     "validate catalog files and print every problem as file:line: message",
				UsageText: "orchex queries check [DIR]",
				Description: "Validates every *.yaml file in DIR (default: the --catalog directory, else the embedded\n" +
					"catalog): unknown keys, fields and ops, bad regexes, duplicate ids, empty queries, missing\n" +
					"evidence, dangling references, undeclared families, shared priorities; then runs every\n" +
					"product's examples and reports each one that is not classified as it says. Exits 1 when\n" +
					"there is a problem.\n\n" +
					"Examples:\n  orchex queries check\n  orchex queries check ./queries",
				Action: func(c *cli.Context) error {
					if c.NArg() > 1 {
						return usagef("queries check: want at most one directory, got %d arguments", c.NArg())
					}
					dir := c.Args().First()
					if dir == "" {
						dir = g.catalog
					}
					return runQueriesCheck(g, dir)
				},
			},
		},
	}
}

// loadCatalog loads the catalog named by --catalog, or the embedded one.
// Verbs that classify or list products use it.
func (g *globals) loadCatalog() (*catalog.Catalog, error) {
	if g.catalog == "" {
		return catalog.Embedded()
	}
	c, err := catalog.LoadDir(g.catalog)
	var p *catalog.Problems
	switch {
	case errors.As(err, &p):
		return nil, fmt.Errorf("--catalog %s: %d problem(s); fix them (orchex queries check %s):\n%w",
			g.catalog, len(p.Errs), g.catalog, errors.Join(p.Errs...))
	case err != nil:
		return nil, fmt.Errorf("--catalog: %w", err)
	}
	return c, nil
}

func runQueriesCheck(g *globals, dir string) error {
	problems, c, err := catalog.CheckDir(dir)
	if err != nil {
		return fmt.Errorf("queries check: %w", err)
	}
	name, out := dir, g.env.Stdout
	if dir == "" {
		name = "queries" // the embedded catalog
	}
	for _, p := range problems {
		fmt.Fprintln(out, terminal.Sanitize(p.Error()))
	}
	if len(problems) > 0 {
		return fmt.Errorf("queries check: %d problem(s) in %s", len(problems), name)
	}
	if !g.quiet {
		fmt.Fprintf(out, "ok: %s: catalog version %s: %d families, %d products, %d queries, %d examples passed\n",
			terminal.Sanitize(name), terminal.Sanitize(c.Version()), len(c.Families()), len(c.Products()), len(c.Queries()), c.Examples())
	}
	return nil
}

func writeCatalogTable(g *globals, c *catalog.Catalog) error {
	t := &report.Table{Columns: []report.Column{{Title: "ID"}, {Title: "NAME"}, {Title: "FAMILY"}, {Title: "CATEGORY"},
		{Title: "SHODAN", Figure: true}, {Title: "CENSYS", Figure: true}, {Title: "V2", Figure: true}, {Title: "CONFIDENCE NOTES"}}}
	for _, p := range c.Listing().Products {
		t.Add(p.ID, p.Name, p.Family, p.Category, strconv.Itoa(len(p.Shodan)), strconv.Itoa(len(p.Censys)), strconv.Itoa(len(p.CensysV2)), p.Confidence())
	}
	if err := terminal.Table(g.env.Stdout, t, terminal.Options{}); err != nil {
		return fmt.Errorf("queries list: writing: %w", err)
	}
	if !g.quiet {
		fmt.Fprintf(g.env.Stdout, "\ncatalog version %s: %d products, %d queries\n",
			terminal.Sanitize(c.Version()), len(c.Products()), len(c.Queries()))
	}
	return nil
}
