package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
				Events: g.collectEvents(m, &collect.Pages{})}
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
			switch format {
			case "json":
				if rows == nil {
					rows = []collect.StatsRow{}
				}
				werr = writeJSON(g.env.Stdout, struct {
					Queries []collect.StatsRow `json:"queries"`
				}{rows})
			case "csv":
				werr = csvreport.WriteTable(g.env.Stdout, statsTable(rows, func(s string) string { return s }))
			default:
				werr = writeStatsTable(g.env.Stdout, rows)
			}
			return errors.Join(err, werr)
		},
	}
}

// statsTable is one row per facet value: engine, query, facet, value,
// count, with each query's total first; text cells go through clean.
func statsTable(rows []collect.StatsRow, clean func(string) string) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "engine"}, {Title: "query"}, {Title: "facet"}, {Title: "value"}, {Title: "count", Figure: true}}}
	for _, r := range rows {
		id := clean(r.QueryID)
		if r.Error != "" {
			t.Add(string(r.Engine), id, "error", clean(r.Error), "")
			continue
		}
		t.Add(string(r.Engine), id, "total", "", fmt.Sprint(r.Total))
		for _, f := range r.Facets {
			if len(f.Buckets) == 0 {
				t.Add(string(r.Engine), id, clean(f.Name), "(none)", "0")
			}
			for _, b := range f.Buckets {
				t.Add(string(r.Engine), id, clean(f.Name), clean(b.Value), fmt.Sprint(b.Count))
			}
		}
	}
	return t
}

// writeStatsTable prints statsTable for a terminal.
func writeStatsTable(w io.Writer, rows []collect.StatsRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	t := statsTable(rows, func(s string) string { return terminal.Cell(s, 80) })
	fmt.Fprintln(tw, "ENGINE\tQUERY\tFACET\tVALUE\tCOUNT")
	for _, r := range t.Rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}
