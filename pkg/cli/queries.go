package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"text/tabwriter"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/queries"
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
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usagef("queries list: unexpected argument %q", c.Args().First())
					}
					format := c.String("format")
					if format != "table" && format != "json" {
						return usagef("queries list: unknown --format %q (want table or json)", format)
					}
					cat, err := g.loadCatalog()
					if err != nil {
						return err
					}
					if format == "json" {
						return writeCatalogJSON(g, cat)
					}
					return writeCatalogTable(g, cat)
				},
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
	if err := checkDir(g.catalog); err != nil {
		return nil, fmt.Errorf("--catalog: %w", err)
	}
	fsys := os.DirFS(g.catalog)
	c, err := catalog.Load(fsys)
	if err != nil {
		problems := catalog.Check(fsys)
		if len(problems) == 0 {
			return nil, fmt.Errorf("--catalog %s: %w", g.catalog, err)
		}
		return nil, fmt.Errorf("--catalog %s: %d problem(s); fix them (orchex queries check %s):\n%w",
			g.catalog, len(problems), g.catalog, errors.Join(relocate(problems, g.catalog, filepath.Join)...))
	}
	return c, nil
}

func checkDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("catalog directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("catalog directory %s is not a directory", dir)
	}
	return nil
}

// relocate rewrites the file names of catalog errors so that they name
// the file as the user knows it (dir/file.yaml).
func relocate(problems []error, dir string, join func(...string) string) []error {
	out := make([]error, len(problems))
	for i, p := range problems {
		var e *catalog.Error
		if errors.As(p, &e) {
			y := *e
			y.File = join(dir, e.File)
			p = &y
		}
		out[i] = p
	}
	return out
}

func runQueriesCheck(g *globals, dir string) error {
	fsys, prefix, join := fs.FS(queries.FS), "queries", path.Join // the embedded catalog
	if dir != "" {
		if err := checkDir(dir); err != nil {
			return fmt.Errorf("queries check: %w", err)
		}
		fsys, prefix, join = os.DirFS(dir), dir, filepath.Join
	}
	problems := catalog.Check(fsys)
	out := g.env.Stdout
	for _, p := range relocate(problems, prefix, join) {
		fmt.Fprintln(out, terminal.Sanitize(p.Error()))
	}
	if len(problems) > 0 {
		return fmt.Errorf("queries check: %d problem(s) in %s", len(problems), prefix)
	}
	c, err := catalog.Load(fsys)
	if err != nil { // cannot happen after a clean Check; report it rather than hide it
		return fmt.Errorf("queries check: %w", err)
	}
	if !g.quiet {
		fmt.Fprintf(out, "ok: %s: catalog version %s: %d families, %d products, %d queries, %d examples passed\n",
			terminal.Sanitize(prefix), terminal.Sanitize(c.Version()), len(c.Families()), len(c.Products()), len(c.Queries()), c.Examples())
	}
	return nil
}

// lowCount returns how many rules are low-confidence.
func lowCount(rules []catalog.Rule) int {
	n := 0
	for _, r := range rules {
		if r.Confidence == model.Low {
			n++
		}
	}
	return n
}

func confidenceNote(p catalog.Product) string {
	s := fmt.Sprintf("low: %d/%d match, %d/%d auth", lowCount(p.Match), len(p.Match), lowCount(p.Auth), len(p.Auth))
	if p.AuthFrom != "" {
		s += "; auth also from " + p.AuthFrom
	}
	if p.FoundBy != "" {
		s += "; found by " + p.FoundBy
	}
	return s
}

func writeCatalogTable(g *globals, c *catalog.Catalog) error {
	w := tabwriter.NewWriter(g.env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tFAMILY\tCATEGORY\tSHODAN\tCENSYS\tV2\tCONFIDENCE NOTES")
	for _, p := range c.Products() {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n",
			terminal.Sanitize(p.ID), terminal.Sanitize(p.Name), p.Family, p.Category,
			len(p.Shodan), len(p.Censys), len(p.CensysV2), terminal.Sanitize(confidenceNote(p)))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("queries list: writing: %w", err)
	}
	if !g.quiet {
		fmt.Fprintf(g.env.Stdout, "\ncatalog version %s: %d products, %d queries\n",
			terminal.Sanitize(c.Version()), len(c.Products()), len(c.Queries()))
	}
	return nil
}

// catalogJSON is the --format json document; its keys are stable.
type catalogJSON struct {
	Version  string        `json:"version"`
	Families []familyJSON  `json:"families"`
	Products []productJSON `json:"products"`
}

type familyJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Notes string `json:"notes,omitempty"`
	File  string `json:"file"`
}

type productJSON struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Family             string   `json:"family"`
	Category           string   `json:"category"`
	Priority           int      `json:"priority"`
	Shodan             []string `json:"shodan"`
	Censys             []string `json:"censys"`
	CensysV2           []string `json:"censys_v2"`
	FoundBy            string   `json:"found_by,omitempty"`
	AuthFrom           string   `json:"auth_from,omitempty"`
	MatchRules         int      `json:"match_rules"`
	AuthRules          int      `json:"auth_rules"`
	LowConfidenceMatch int      `json:"low_confidence_match_rules"`
	LowConfidenceAuth  int      `json:"low_confidence_auth_rules"`
	Notes              string   `json:"notes,omitempty"`
	File               string   `json:"file"`
}

func writeCatalogJSON(g *globals, c *catalog.Catalog) error {
	doc := catalogJSON{Version: c.Version(), Families: []familyJSON{}, Products: []productJSON{}}
	for _, f := range c.Families() {
		doc.Families = append(doc.Families, familyJSON{ID: f.ID, Name: f.Name, Notes: f.Notes, File: f.File})
	}
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	for _, p := range c.Products() {
		doc.Products = append(doc.Products, productJSON{
			ID: p.ID, Name: p.Name, Family: p.Family, Category: p.Category, Priority: p.Priority,
			Shodan: nonNil(p.Shodan), Censys: nonNil(p.Censys), CensysV2: nonNil(p.CensysV2),
			FoundBy: p.FoundBy, AuthFrom: p.AuthFrom,
			MatchRules: len(p.Match), AuthRules: len(p.Auth),
			LowConfidenceMatch: lowCount(p.Match), LowConfidenceAuth: lowCount(p.Auth),
			Notes: p.Notes, File: p.File,
		})
	}
	if err := writeJSON(g.env.Stdout, doc); err != nil {
		return fmt.Errorf("queries list: writing JSON: %w", err)
	}
	return nil
}
