package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/orchex/orchex/pkg/collect"
	"github.com/urfave/cli/v2"
)

func statsCommand(g *globals) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "engine", Usage: "statistics from `ENGINE` only (shodan or censys); default every engine with credentials"},
		&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table or json"},
		&cli.StringFlag{Name: "facets", Usage: "comma-separated facet `NAMES` (default: each engine's own, see docs/collect.md); Censys is asked only for these, a credit each"},
		&cli.IntFlag{Name: "limit", Value: 10, Usage: "at most `N` values per facet"},
		&cli.StringFlag{Name: "products", Usage: "comma-separated product `IDS` (default all)"},
		&cli.StringFlag{Name: "family", Usage: "only the products of `FAMILY`"},
	}
	return &cli.Command{
		Name:      "stats",
		Usage:     "facet counts per catalog query, without collecting hosts",
		UsageText: "orchex stats [--engine shodan|censys] [--format table|json] [--facets NAME,...] [--limit N]",
		Description: "For each catalog query, asks the engine for its total and the top values of each facet.\n" +
			"Shodan's /shodan/host/count costs no credits; Censys aggregate calls cost credits on some plans.\n" +
			"Facet values come from the internet and are printed escaped.",
		Flags: append(flags, engineFlags()...),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
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
			m := g.meter("stats", "queries")
			defer m.Stop()
			cfg := collect.StatsConfig{Engines: engines, Catalog: cat, Select: selection(c), Limit: c.Int("limit"),
				Events: g.collectEvents(newPageCounter(m))}
			for _, f := range strings.Split(c.String("facets"), ",") {
				if f = strings.TrimSpace(f); f != "" {
					cfg.Facets = append(cfg.Facets, f)
				}
			}
			rows, err := collect.Stats(c.Context, cfg)
			var se *collect.SelectionError
			if errors.As(err, &se) {
				return selectionError(se)
			}
			var werr error
			if format == "json" {
				if rows == nil {
					rows = []collect.StatsRow{}
				}
				werr = writeJSON(g.env.Stdout, struct {
					Queries []collect.StatsRow `json:"queries"`
				}{rows})
			} else {
				werr = writeStatsTable(g.env.Stdout, rows)
			}
			return errors.Join(err, werr)
		},
	}
}

// writeStatsTable prints one row per facet value: engine, query, facet,
// value, count, with the query's total first.
func writeStatsTable(w io.Writer, rows []collect.StatsRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENGINE\tQUERY\tFACET\tVALUE\tCOUNT")
	for _, r := range rows {
		id := cell(r.QueryID)
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Engine, id, "error", cell(r.Error), "")
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.Engine, id, "total", "", r.Total)
		for _, f := range r.Facets {
			if len(f.Buckets) == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Engine, id, cell(f.Name), "(none)", "0")
			}
			for _, b := range f.Buckets {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.Engine, id, cell(f.Name), cell(b.Value), b.Count)
			}
		}
	}
	return tw.Flush()
}

// cell makes engine text safe for one terminal table cell: no control
// characters, no tabs or newlines, at most 80 characters.
func cell(s string) string {
	s = sanitizeTerminal(s)
	s = strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}
