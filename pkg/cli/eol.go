package cli

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/internal/cachedir"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/report"
)

// eolCommand is `orchex eol`: the release calendars that say which
// services run a release past its end of life.
func eolCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "eol",
		Usage: "show and update the release calendars that judge support status (end of life)",
		Description: "A service's version is judged against its product's release calendar from endoflife.date\n" +
			"(docs/support.md). orchex embeds a snapshot of the calendars; 'update' downloads the current\n" +
			"ones into $XDG_CACHE_HOME/orchex/eol (else ~/.cache/orchex/eol), which reports then use;\n" +
			"--eol DIR uses any directory written by 'update', or of endoflife.date product pages.\n\n" +
			"Examples:\n" +
			"  orchex eol info\n" +
			"  orchex eol update\n" +
			"  orchex eol info --eol ../shared/data/eol",
		Subcommands: []*cli.Command{
			{
				Name:      "update",
				Usage:     "download the current calendars from the endoflife.date API, atomically",
				UsageText: "orchex eol update [--dir DIR] [--api URL]",
				Description: "Downloads every calendar orchex uses (" + strings.Join(eol.CalendarIDs(), ", ") + ")\n" +
					"and checks that each parses, names the product asked for and holds a plausible number of\n" +
					"release cycles, and that the set is not older than the copy it replaces; only then is\n" +
					"the calendars file replaced, by one atomic rename. If anything fails, nothing is replaced.\n\n" +
					"Exit codes: 0 updated, 1 nothing replaced (the error says which calendar failed).",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "dir", Usage: "write the calendars to `DIR` instead of the cache"},
					&cli.StringFlag{Name: "api", Value: eol.DefaultAPI, Usage: "endoflife.date API v1 base `URL` (a mirror)"},
				},
				Action: noArgs("eol update", func(c *cli.Context) error {
					return runEOLUpdate(c.Context, g, eolUpdateOptions{Dir: c.String("dir"), API: c.String("api")})
				}),
			},
			{
				Name:      "info",
				Usage:     "print the loaded calendars, their date and age, and which calendar judges each product",
				UsageText: "orchex eol info [--eol DIR]",
				Flags: []cli.Flag{&cli.StringFlag{Name: "eol", Aliases: []string{"dir"},
					Usage: "show the calendars in `DIR` (written by 'orchex eol update', or endoflife.date pages) instead of those reports would use"}},
				Action: noArgs("eol info", func(c *cli.Context) error {
					return runEOLInfo(g, c.String("eol"))
				}),
			},
		},
	}
}

// eolFlag is --eol DIR, for every command that judges support status
// (read it with globals.loadEOL).
func eolFlag() cli.Flag {
	return &cli.StringFlag{Name: "eol",
		Usage: "judge support status with the calendars in `DIR` (written by 'orchex eol update', or endoflife.date pages) instead of the cache or the embedded ones"}
}

// loadEOL returns the calendars to judge with: those of dir when given,
// else the cache written by `orchex eol update` unless it is older than
// the embedded snapshot, else the embedded snapshot (eol.LoadCache). A
// malformed cache or directory is an error naming it.
func (g *globals) loadEOL(dir string) (*eol.Data, error) {
	return loadReference(g, "eol", dir, "release calendars", eol.LoadDir, eol.LoadCache,
		"run 'orchex eol update' to replace the cache, or pass --eol DIR")
}

// eolUpdateOptions are the parsed flags of `orchex eol update`.
type eolUpdateOptions struct {
	Dir    string
	API    string
	Client *http.Client // nil: a default client
}

func runEOLUpdate(ctx context.Context, g *globals, o eolUpdateOptions) error {
	dir := o.Dir
	if dir == "" {
		if dir = cachedir.Dir(g.env.Getenv, "eol"); dir == "" {
			return usagef("eol update: neither XDG_CACHE_HOME nor HOME is set: pass --dir DIR")
		}
	}
	g.logf("eol: downloading %d calendars from %s into %s", len(eol.CalendarIDs()), terminal.Sanitize(o.API), terminal.Sanitize(dir))
	d, err := eol.Update(ctx, dir, eol.UpdateOptions{Client: o.Client, BaseURL: o.API, UserAgent: "orchex", Now: g.env.Now})
	if err != nil || g.quiet {
		return err
	}
	if err := terminal.Table(g.env.Stdout, eolCalendars(d), terminal.Options{}); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "%d calendars of %s written to %s\n", len(d.Products), d.Date, terminal.Sanitize(d.Origin))
	return nil
}

// runEOLInfo prints where the calendars come from, their date, age and
// licence, each calendar, and which calendar judges each product.
func runEOLInfo(g *globals, dir string) error {
	d, err := g.loadEOL(dir)
	if err != nil {
		return err
	}
	source := d.Origin + ": " + dash(d.Source)
	if d.Commit != "" {
		source += ", commit " + d.Commit
	}
	date := "not recorded"
	if d.Date != "" {
		date = d.Date + " (" + eol.Age(d.Date, g.env.Now()) + ")"
	}
	lic := dash(d.Licence.Name)
	if d.Licence.Copyright != "" {
		lic += ", " + d.Licence.Copyright
	}
	head := &report.Table{Columns: []report.Column{{}, {}}, Rows: [][]string{{"source", source}, {"date", date}, {"licence", lic}}}
	rules := &report.Table{Columns: []report.Column{{Title: "PRODUCT"}, {Title: "CALENDAR"}, {Title: "WHY"}}}
	var none []string
	for _, r := range eol.Rules() {
		if r.Calendar == "" {
			none = append(none, r.Product)
			continue
		}
		cal := r.Calendar
		if n := r.Reading.Note(); n != "" {
			cal += " (" + n + ")"
		}
		if _, ok := d.Product(r.Calendar); !ok {
			cal += " [not loaded: unknown cycle]"
		}
		rules.Add(r.Product, cal, r.Why)
	}
	return terminal.Document(g.env.Stdout, &report.Document{Intro: []report.Block{{Table: head}}, Sections: []report.Section{
		{Blocks: []report.Block{{Table: eolCalendars(d)}}},
		{Blocks: []report.Block{{Table: rules}, report.Para("no support calendar (never counted as supported): " + strings.Join(none, ", "))}},
	}}, terminal.Options{})
}

// eolCalendars lists the calendars of d: title, cycles, newest and oldest.
func eolCalendars(d *eol.Data) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "CALENDAR"}, {Title: "TITLE"}, {Title: "CYCLES", Figure: true}, {Title: "NEWEST"}, {Title: "OLDEST"}}}
	for _, p := range d.Products {
		t.Add(p.ID, dash(p.Title), strconv.Itoa(len(p.Cycles)), p.Cycles[0].Name, p.Cycles[len(p.Cycles)-1].Name)
	}
	return t
}
