package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/urfave/cli/v2"
)

// shodanFacets are the facets stats asks Shodan for by default.
var shodanFacets = []string{"country", "org", "port", "product", "version", "cloud.provider", "cloud.region"}

// statsRow is one query's statistics.
type statsRow struct {
	Engine  string       `json:"engine"`
	QueryID string       `json:"query_id"`
	Query   string       `json:"query"`
	Total   int64        `json:"total"`
	Facets  []statsFacet `json:"facets"`
	Error   string       `json:"error,omitempty"`
}

// statsFacet is the buckets of one facet, largest first as the engine
// sent them.
type statsFacet struct {
	Name    string        `json:"name"`
	Buckets []statsBucket `json:"buckets"`
}

// statsBucket is one facet value and its count. Value is engine text:
// hostile, escaped on output.
type statsBucket struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// statser is implemented by engines that can give per-query statistics.
type statser interface {
	stats(ctx context.Context, q source.Query, facets []string, n int) (statsRow, error)
}

func statsCommand(g *globals) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "engine", Usage: "statistics from `ENGINE` only (shodan or censys); default every engine with credentials"},
		&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table or json"},
		&cli.StringFlag{Name: "facets", Usage: "comma-separated facet `NAMES` (Shodan default: " + strings.Join(shodanFacets, ",") + "; Censys: country,asn,port,product)"},
		&cli.IntFlag{Name: "limit", Value: 10, Usage: "at most `N` values per facet"},
		&cli.StringFlag{Name: "products", Usage: "comma-separated product `IDS` (default all)"},
		&cli.StringFlag{Name: "family", Usage: "only the products of `FAMILY`"},
	}
	flags = append(flags, httpFlags()...)
	for _, s := range engineSpecs() {
		flags = append(flags, s.Flags...)
	}
	return &cli.Command{
		Name:      "stats",
		Usage:     "facet counts per catalog query, without collecting hosts",
		UsageText: "orchex stats [--engine shodan|censys] [--format table|json] [--facets NAME,...] [--limit N]",
		Description: "For each catalog query, asks the engine for its total and the top values of each facet.\n" +
			"Shodan's /shodan/host/count costs no credits; Censys aggregate calls cost credits on some plans.\n" +
			"Facet values come from the internet and are printed escaped.",
		Flags: flags,
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
			}
			if c.Int("limit") < 1 {
				return usagef("--limit must be at least 1")
			}
			opts := collectOptions{Engine: c.String("engine"), Family: c.String("family")}
			if opts.Engine != "" && !slices.ContainsFunc(engineSpecs(), func(s engineSpec) bool { return s.Name == opts.Engine }) {
				return usagef("--engine %q: want shodan or censys", opts.Engine)
			}
			for _, p := range strings.Split(c.String("products"), ",") {
				if p = strings.TrimSpace(p); p != "" {
					opts.Products = append(opts.Products, p)
				}
			}
			var facets []string
			for _, f := range strings.Split(c.String("facets"), ",") {
				if f = strings.TrimSpace(f); f != "" {
					facets = append(facets, f)
				}
			}
			engines, err := chooseEngines(c, g, opts.Engine)
			if err != nil {
				return err
			}
			cat, err := g.loadCatalog()
			if err != nil {
				return err
			}
			var rows []statsRow
			var errs []error
			for _, ce := range engines {
				qs, err := engineQueries(cat, opts, ce.Engine)
				if err != nil {
					return err
				}
				r, err := runStats(c.Context, g, ce, qs, facets, c.Int("limit"))
				rows = append(rows, r...)
				if err != nil {
					errs = append(errs, err)
				}
			}
			if format == "json" {
				err = writeStatsJSON(g.env.Stdout, rows)
			} else {
				err = writeStatsTable(g.env.Stdout, rows)
			}
			return errors.Join(append(errs, err)...)
		},
	}
}

// runStats asks one engine for every query's statistics. A failed query
// is kept as a row with its error; an error that would fail every query
// (key, plan) stops the engine.
func runStats(ctx context.Context, g *globals, ce collectEngine, qs []source.Query, facets []string, n int) ([]statsRow, error) {
	st, ok := ce.Engine.(statser)
	if !ok {
		st, ok = censysStatser(ce.Engine)
	}
	if !ok {
		return nil, fmt.Errorf("%s: stats are not available for this engine", ce.Name)
	}
	if len(facets) == 0 && ce.Name == "shodan" {
		facets = shodanFacets
	}
	var rows []statsRow
	var errs []error
	for _, q := range qs {
		row, err := st.stats(ctx, q, facets, n)
		row.Engine, row.QueryID, row.Query = ce.Name, q.ID, q.Text
		if err != nil {
			if ctx.Err() != nil {
				return rows, ctx.Err()
			}
			row.Error = err.Error()
			errs = append(errs, fmt.Errorf("%s: stats %s: %w", ce.Name, q.ID, err))
			rows = append(rows, row)
			if stopsEngine(err) {
				break
			}
			continue
		}
		g.debugf("%s %s: %d", ce.Name, q.ID, row.Total)
		rows = append(rows, row)
	}
	return rows, errors.Join(errs...)
}

// censysStats adapts the Censys clients' Stats to statser.
type censysStats struct {
	fn func(ctx context.Context, query string, n int) (*censys.Stats, error)
}

func censysStatser(e source.Engine) (statser, bool) {
	switch c := e.(type) {
	case *censys.Client:
		return censysStats{c.Stats}, true
	case *censys.V2Client:
		return censysStats{c.Stats}, true
	}
	return nil, false
}

func (c censysStats) stats(ctx context.Context, q source.Query, facets []string, n int) (statsRow, error) {
	s, err := c.fn(ctx, q.Text, n)
	if err != nil {
		return statsRow{}, err
	}
	row := statsRow{Total: s.Total}
	for _, f := range s.Facets {
		if len(facets) > 0 && !slices.Contains(facets, f.Name) {
			continue
		}
		sf := statsFacet{Name: f.Name}
		for _, b := range f.Buckets {
			sf.Buckets = append(sf.Buckets, statsBucket{Value: b.Key, Count: b.Count})
		}
		row.Facets = append(row.Facets, sf)
	}
	return row, nil
}

// writeStatsTable prints one row per facet value: engine, query, facet,
// value, count, with the query's total first.
func writeStatsTable(w io.Writer, rows []statsRow) error {
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

func writeStatsJSON(w io.Writer, rows []statsRow) error {
	if rows == nil {
		rows = []statsRow{}
	}
	return writeJSON(w, struct {
		Queries []statsRow `json:"queries"`
	}{rows})
}
