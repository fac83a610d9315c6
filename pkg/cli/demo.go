package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/demo/tour"
	"github.com/urfave/cli/v2"
)

func demoCommand(g *globals) *cli.Command {
	var cfg tour.Config
	var serve bool
	var writeShodan string
	return &cli.Command{
		Name:  "demo",
		Usage: "run the whole pipeline on simulated Shodan and Censys APIs, with no keys",
		UsageText: "orchex demo                                   # report in reports/demo/\n" +
			"orchex demo --seed 7 --size 5000 --out /tmp/demo\n" +
			"orchex demo --serve                           # keep the simulated APIs running\n" +
			"orchex demo --write-shodan k8s.json.gz --size 1000000",
		Description: "Generates a synthetic population like the 2018 study (22,672 exposed services by default),\n" +
			"serves it from simulated Shodan and Censys Platform APIs on 127.0.0.1, runs the real\n" +
			"'orchex collect' against them, and writes report.md, report.json, report.html and report.pdf; then collects\n" +
			"the quarter before (nine services in ten, some authentication changed) into snapshot demo-earlier and\n" +
			"writes briefings of two example scopes, with their changes, to <out>/briefs (scopes.yaml beside them). Addresses\n" +
			"come only from 198.18.0.0/15 and 2001:db8::/32, mapped to providers and regions by range\n" +
			"feeds the demo writes itself. The database is <out>/demo.db, never your orchex.db.",
		Flags: []cli.Flag{
			&cli.Int64Flag{Name: "seed", Value: demo.DefaultSeed, Usage: "population seed", Destination: &cfg.Seed},
			&cli.IntFlag{Name: "size", Value: demo.DefaultSize, Usage: "exposed services in the population (or banners with --write-shodan)", Destination: &cfg.Size},
			&cli.StringFlag{Name: "out", Value: filepath.Join("reports", "demo"), Usage: "output `DIR`", Destination: &cfg.Out},
			&cli.BoolFlag{Name: "serve", Usage: "keep the simulated APIs running and print their URLs and demo keys", Destination: &serve},
			&cli.StringFlag{Name: "write-shodan", Usage: "write a 'shodan download' `FILE` (.json.gz) of --size banners and exit", Destination: &writeShodan},
			&cli.Float64Flag{Name: "rate", Value: 100, Usage: "requests per second the simulated APIs allow (the real ones allow about 1)", Destination: &cfg.Rate},
			&cli.BoolFlag{Name: "no-pdf", Usage: "skip the PDF report", Destination: &cfg.NoPDF},
		},
		Action: noArgs("demo", func(c *cli.Context) error {
			if cfg.Size <= 0 {
				return usagef("demo: --size must be positive")
			}
			if cfg.Rate <= 0 {
				return usagef("demo: --rate must be positive")
			}
			if writeShodan != "" {
				return runWriteShodan(c.Context, g, writeShodan, cfg)
			}
			return runDemo(c.Context, g, cfg, serve)
		}),
	}
}

// runWriteShodan writes cfg.Size banners of the population of cfg.Seed
// as a 'shodan download' file at path.
func runWriteShodan(ctx context.Context, g *globals, path string, cfg tour.Config) error {
	if !strings.HasSuffix(path, ".gz") && path != "-" {
		g.logf("warning: --write-shodan %s: the file is gzip-compressed, as 'shodan download' writes it; name it .json.gz", terminal.Sanitize(path))
	}
	start := time.Now()
	n := 0
	err := g.writeOut(ctx, "--write-shodan", path, func(w io.Writer) error {
		var err error
		n, err = demo.WriteShodan(ctx, w, demo.Config{Seed: cfg.Seed}, cfg.Size)
		return err
	})
	if err != nil {
		return err
	}
	g.logf("%d banners in %s", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// runDemo runs the tour (pkg/demo/tour), printing its events, then the
// headline figures.
func runDemo(ctx context.Context, g *globals, cfg tour.Config, serve bool) error {
	start := time.Now()
	var err error
	if cfg.Catalog, err = g.loadCatalog(); err != nil {
		return err
	}
	cfg.Sleep = g.env.Sleep
	cfg.Collect = func(ctx context.Context, c collect.Config) error { return runCollect(ctx, g, c, false) }
	cfg.Create = func(path string, fn func(io.Writer) error) error { return g.writeQuiet(ctx, "--out", path, fn) }
	cfg.Events = g.tourEvent
	t, err := tour.Open(cfg)
	if err != nil {
		return err
	}
	defer t.Close()
	if serve {
		return serveDemo(ctx, g, t.World, t.Ranges)
	}
	v, err := t.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(g.env.Stdout, tour.Headline(v))
	g.logf("demo finished in %s", time.Since(start).Round(100*time.Millisecond))
	return nil
}

// tourEvent prints an event of the demo.
func (g *globals) tourEvent(ev tour.Event) {
	switch e := ev.(type) {
	case tour.Briefed:
		_ = g.logBriefs(e.Written, e.Label, e.Dir, e.Took) // the demo posts no webhook message
	case fmt.Stringer:
		g.logf("%s", terminal.Sanitize(e.String()))
	}
}

func serveDemo(ctx context.Context, g *globals, w *demo.World, ranges string) error {
	out := g.env.Stdout
	fmt.Fprintf(out, "Simulated APIs are running (Ctrl-C to stop):\n\n")
	fmt.Fprintf(out, "  export SHODAN_API_KEY=%s\n", demo.ShodanKey)
	fmt.Fprintf(out, "  export CENSYS_PLATFORM_TOKEN=%s CENSYS_ORG_ID=%s\n", demo.CensysToken, demo.CensysOrg)
	fmt.Fprintf(out, "  export CENSYS_API_ID=%s CENSYS_API_SECRET=%s  # the legacy v2 API\n\n", demo.CensysAPIID, demo.CensysSecret)
	fmt.Fprintf(out, "  orchex collect --snapshot demo --ranges %s \\\n", ranges)
	fmt.Fprintf(out, "      --shodan-url %s --shodan-rate 100 \\\n", w.Shodan.URL())
	fmt.Fprintf(out, "      --censys-url %s --censys-rate 100\n", w.Censys.URL())
	fmt.Fprintf(out, "  orchex collect --snapshot demo-v2 --engine censys --censys-api v2 --censys-url %s --censys-rate 100\n", w.Censys.URL())
	fmt.Fprintf(out, "  orchex stats --engine shodan --shodan-url %s --shodan-rate 100\n\n", w.Shodan.URL())
	<-ctx.Done()
	return nil
}
