package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/orchex/orchex/internal/cachedir"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/report"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/cloud"
)

// rangesCommand is `orchex ranges`: the providers' official IP-range feeds.
func rangesCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "ranges",
		Usage: "download, inspect and query the cloud providers' official IP-range feeds",
		Description: "Cloud provider, region and service are tagged from the providers' own IP-range feeds\n" +
			"(AWS, Google Cloud, Azure, Oracle, DigitalOcean, Linode, Vultr, Cloudflare), then from the\n" +
			"engine's cloud field, then from the ASN (docs/cloud.md). 'update' keeps the feeds in\n" +
			"$XDG_CACHE_HOME/orchex/ranges (else ~/.cache/orchex/ranges); --ranges DIR uses any\n" +
			"directory of feed files instead.\n\n" +
			"Examples:\n" +
			"  orchex ranges update\n" +
			"  orchex ranges info\n" +
			"  orchex ranges lookup 3.5.140.2 2600:1f18::1\n" +
			"  orchex ranges info --ranges ../shared/data/cloud-ranges",
		Subcommands: []*cli.Command{
			{
				Name:      "update",
				Usage:     "download the official feeds into the cache, atomically",
				UsageText: "orchex ranges update [--dir DIR] [--url NAME=URL]...",
				Description: "Downloads every feed, checks that each parses, holds a plausible number of prefixes\n" +
					"and is not older (sync token or date) than the copy it replaces, and only then\n" +
					"replaces the files, each by an atomic rename. If any feed fails, nothing is replaced\n" +
					"and the previous set stays in use. Azure's weekly file is found through its download\n" +
					"page. Feed names for --url: " + strings.Join(cloud.SourceNames(), ", ") + ".\n\n" +
					"Exit codes: 0 all feeds updated, 1 nothing replaced (the error says which feed failed).",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "dir", Usage: "write the feeds to `DIR` instead of the cache"},
					&cli.StringSliceFlag{Name: "url", Usage: "fetch feed NAME from URL, e.g. a mirror (`NAME=URL`, repeatable)"},
				},
				Action: noArgs("ranges update", func(c *cli.Context) error {
					urls, err := cloud.Mirrors(c.StringSlice("url"))
					if err != nil {
						return usagef("ranges update: --url %v", err)
					}
					return runRangesUpdate(c.Context, g, rangesUpdateOptions{Dir: c.String("dir"), URLs: urls})
				}),
			},
			{
				Name:      "info",
				Usage:     "print the loaded feeds, their dates and prefix counts",
				UsageText: "orchex ranges info [--ranges DIR]",
				Flags:     []cli.Flag{rangesFlag()},
				Action: noArgs("ranges info", func(c *cli.Context) error {
					return runRangesInfo(g, c.String("ranges"))
				}),
			},
			{
				Name:      "lookup",
				Usage:     "print provider, region, service, prefix and feed of addresses",
				UsageText: "orchex ranges lookup [--ranges DIR] ADDR...",
				Description: "Looks each address up in the feeds (longest prefix wins). An address in no feed\n" +
					"prints \"-\". Exit codes: 0 ok, 2 no address given, 3 some arguments were not addresses.",
				Flags: []cli.Flag{rangesFlag()},
				Action: func(c *cli.Context) error {
					if c.NArg() == 0 {
						return usagef("ranges lookup: give at least one address")
					}
					return runRangesLookup(g, c.String("ranges"), c.Args().Slice())
				},
			},
		},
	}
}

func rangesFlag() cli.Flag {
	return &cli.StringFlag{Name: "ranges", Usage: "load feed files from `DIR` instead of the cache"}
}

// loadRanges loads the feeds of dir. dir "" means the cache directory: if
// it does not exist or holds no feed, loadRanges returns nil ranges and no
// error (tagging then falls back to the engines' cloud fields and ASNs). A
// malformed feed is an error naming the file.
func (g *globals) loadRanges(dir string) (*cloud.Ranges, error) {
	r, err := loadReference(g, "ranges", dir, "feed files", cloud.LoadDir, cloud.LoadCache, "run 'orchex ranges update' to replace the cache")
	for _, s := range r.Skipped() {
		g.debugf("ranges: skipped %s", s)
	}
	return r, err
}

// loadReference loads reference data (range feeds, release calendars) from
// the directory dir of --flag, which must be one, else from the cache
// directory of the name flag (cache says why it passed the cache over, a
// debug line); advice says how to replace a cache that does not load.
func loadReference[T any](g *globals, flag, dir, kind string, load func(string) (T, error), cache func(string) (T, string, error), advice string) (T, error) {
	var none T
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return none, usagef("--%s %s: not a directory of %s", flag, dir, kind)
		}
		d, err := load(dir)
		if err != nil {
			return none, fmt.Errorf("--%s %s: %w", flag, dir, err)
		}
		return d, nil
	}
	d, note, err := cache(cachedir.Dir(g.env.Getenv, flag))
	if note != "" {
		g.debugf("%s: %s", flag, note)
	}
	if err != nil {
		return none, fmt.Errorf("%w (%s)", err, advice)
	}
	return d, nil
}

// rangesUpdateOptions are the parsed flags of `orchex ranges update`.
type rangesUpdateOptions struct {
	Dir    string
	URLs   map[string]string
	Client *http.Client // nil: a default client
}

func runRangesUpdate(ctx context.Context, g *globals, o rangesUpdateOptions) error {
	dir := o.Dir
	if dir == "" {
		if dir = cachedir.Dir(g.env.Getenv, "ranges"); dir == "" {
			return usagef("ranges update: neither XDG_CACHE_HOME nor HOME is set: pass --dir DIR")
		}
	}
	g.logf("ranges: downloading %d feeds into %s", len(cloud.Sources()), terminal.Sanitize(dir))
	infos, err := cloud.Update(ctx, dir, cloud.UpdateOptions{Client: o.Client, URLs: o.URLs, UserAgent: "orchex"})
	if err != nil || g.quiet {
		return err
	}
	if err := terminal.Table(g.env.Stdout, rangesFeeds(infos), terminal.Options{}); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "%d feeds written to %s\n", len(infos), terminal.Sanitize(dir))
	return nil
}

func runRangesInfo(g *globals, dir string) error {
	r, err := g.loadRanges(dir)
	if err != nil {
		return err
	}
	cache := cachedir.Dir(g.env.Getenv, "ranges")
	if r == nil {
		fmt.Fprintf(g.env.Stdout, "no feeds loaded (no cache at %s): cloud tags come from the engines' cloud fields and ASNs only.\n"+
			"Run 'orchex ranges update' or pass --ranges DIR.\n", terminal.Sanitize(dash(cache)))
		return nil
	}
	if dir == "" {
		dir = cache
	}
	notes := []string{fmt.Sprintf("%d distinct prefixes from %d feeds in %s", r.Len(), len(r.Info()), dir)}
	for _, s := range r.Skipped() {
		notes = append(notes, "skipped "+s)
	}
	shadowed := 0
	for _, f := range r.Info() {
		if f.Shadowed > 0 {
			shadowed++
			notes = append(notes, fmt.Sprintf("%s (%s): %d prefixes also listed by a feed loaded before it, whose records win", f.Provider, f.File, f.Shadowed))
		}
	}
	if shadowed == 0 && len(r.Info()) > 1 {
		notes = append(notes, "no prefix is listed by two feeds")
	}
	return terminal.Document(g.env.Stdout, &report.Document{Intro: []report.Block{{Table: rangesFeeds(r.Info())}, {List: notes}}}, terminal.Options{})
}

// rangesFeeds lists feeds: provider, file, date, sync token, prefixes.
func rangesFeeds(infos []cloud.FeedInfo) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "PROVIDER"}, {Title: "FILE"}, {Title: "DATE"}, {Title: "TOKEN"},
		{Title: "IPV4", Figure: true}, {Title: "IPV6", Figure: true}}}
	for _, f := range infos {
		t.Add(f.Provider, f.File, dash(f.Date), dash(f.Token), strconv.Itoa(f.Prefixes4), strconv.Itoa(f.Prefixes6))
	}
	return t
}

func runRangesLookup(g *globals, dir string, args []string) error {
	r, err := g.loadRanges(dir)
	if err != nil {
		return err
	}
	if r == nil {
		return errors.New("ranges lookup: no feeds loaded: run 'orchex ranges update' or pass --ranges DIR")
	}
	t := &report.Table{Columns: []report.Column{{Title: "ADDRESS"}, {Title: "PROVIDER"}, {Title: "REGION"}, {Title: "SERVICE"}, {Title: "PREFIX"}, {Title: "FEED"}}}
	bad := 0
	for _, s := range args {
		a, err := netip.ParseAddr(s)
		if err != nil {
			bad++
			fmt.Fprintf(g.env.Stderr, "orchex: ranges lookup: %q is not an IP address\n", terminal.Sanitize(s))
			continue
		}
		m, ok := r.Lookup(a)
		if !ok {
			t.Add(a.String(), "-", "-", "-", "-", "-")
			continue
		}
		t.Add(a.String(), m.Provider, dash(m.Place()), dash(m.Service), m.Prefix.String(), m.Source())
	}
	if err := terminal.Table(g.env.Stdout, t, terminal.Options{}); err != nil {
		return fmt.Errorf("ranges lookup: write output: %w", err)
	}
	if bad > 0 {
		return partialError{fmt.Sprintf("%d argument(s) were not addresses", bad)}
	}
	return nil
}
