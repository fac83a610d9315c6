package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/csvreport"
	"github.com/urfave/cli/v2"
)

func statsCommand(g *globals) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "engine", Usage: "statistics from `ENGINE` only (shodan or censys); default every engine with credentials"},
		&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table, json or csv"},
		&cli.StringFlag{Name: "facets", Usage: "comma-separated facet `NAMES` (default: each engine's own, see docs/collect.md); Censys is asked only for these, a credit each"},
		&cli.IntFlag{Name: "limit", Value: 10, Usage: "at most `N` values per facet"},
		&cli.StringFlag{Name: "products", Usage: "comma-separated product `IDS` (default all)"},
		&cli.StringFlag{Name: "family", Usage: "only the products of `FAMILY`"},
	}
	return &cli.Command{
		Name:      "stats",
		Usage:     "facet counts per catalog query, without collecting hosts",
		UsageText: "orchex stats [--engine shodan|censys] [--format table|json|csv] [--facets NAME,...] [--limit N]",
		Description: "For each catalog query, asks the engine for its total and the top values of each facet.\n" +
			"Shodan's /shodan/host/count costs no credits; Censys aggregate calls cost credits on some plans.\n" +
			"Facet values come from the internet and are printed escaped.",
		Flags: append(flags, engineFlags()...),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "table" && format != "json" && format != "csv" {
				return usagef("--format %q: want table, json or csv", format)
			}
			if c.Int("limit") < 1 {
				return usagef("--limit must be at least 1")
			}
			engines, err := g.engines(c, c.String("engine"))
			if err != nil {
				return err
			}
			cat, err := g.loadCatalog()
			if err != nil {
				return err
			}
			m := g.meter("stats", "queries", 0)
			defer m.Stop()
			cfg := collect.StatsConfig{Engines: engines, Catalog: cat, Select: selection(c), Limit: c.Int("limit"),
				Events: g.collectEvents(m, &collect.Pages{}, 0)}
			cfg.Facets = commaList(c.String("facets"))
			rows, err := collect.Stats(c.Context, cfg)
			var se *collect.SelectionError
			if errors.As(err, &se) {
				return selectionError(se)
			}
			var werr error
			switch t := collect.StatsTable(rows); format {
			case "json":
				werr = writeJSON(g.env.Stdout, struct {
					Queries []collect.StatsRow `json:"queries"`
				}{append([]collect.StatsRow{}, rows...)})
			case "csv":
				werr = csvreport.WriteTable(g.env.Stdout, t)
			default:
				for i := range t.Columns {
					t.Columns[i].Title, t.Columns[i].Max = strings.ToUpper(t.Columns[i].Title), 80
				}
				werr = terminal.Table(g.env.Stdout, t, terminal.Options{})
			}
			if !g.quiet {
				spent := map[string]int{}
				var names []string
				for _, r := range rows {
					if _, ok := spent[r.Engine]; !ok {
						names = append(names, r.Engine)
					}
					spent[r.Engine] += r.Credits
				}
				for _, name := range names {
					if n := spent[name]; n > 0 {
						fmt.Fprintf(g.env.Stderr, "stats: %s charged %d %s for these counts\n", name, n, report.Plural(n, "credit", "credits"))
					}
				}
			}
			return errors.Join(err, werr)
		},
	}
}
