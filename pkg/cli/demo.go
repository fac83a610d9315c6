package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/all"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

// demoSnapshot is the snapshot the demo collects into.
const demoSnapshot = "demo"

type demoOptions struct {
	Seed        int64
	Size        int
	Out         string
	Serve       bool
	WriteShodan string
	Rate        float64
	NoPDF       bool
}

func demoCommand(g *globals) *cli.Command {
	var o demoOptions
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
			&cli.Int64Flag{Name: "seed", Value: demo.DefaultSeed, Usage: "population seed", Destination: &o.Seed},
			&cli.IntFlag{Name: "size", Value: demo.DefaultSize, Usage: "exposed services in the population (or banners with --write-shodan)", Destination: &o.Size},
			&cli.StringFlag{Name: "out", Value: filepath.Join("reports", "demo"), Usage: "output `DIR`", Destination: &o.Out},
			&cli.BoolFlag{Name: "serve", Usage: "keep the simulated APIs running and print their URLs and demo keys", Destination: &o.Serve},
			&cli.StringFlag{Name: "write-shodan", Usage: "write a 'shodan download' `FILE` (.json.gz) of --size banners and exit", Destination: &o.WriteShodan},
			&cli.Float64Flag{Name: "rate", Value: 100, Usage: "requests per second the simulated APIs allow (the real ones allow about 1)", Destination: &o.Rate},
			&cli.BoolFlag{Name: "no-pdf", Usage: "skip the PDF report", Destination: &o.NoPDF},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("demo: unexpected argument %q", c.Args().First())
			}
			if o.Size <= 0 {
				return usagef("demo: --size must be positive")
			}
			if o.Rate <= 0 {
				return usagef("demo: --rate must be positive")
			}
			if o.WriteShodan != "" {
				return runWriteShodan(c.Context, g, o)
			}
			return runDemo(c.Context, g, o)
		},
	}
}

func runWriteShodan(ctx context.Context, g *globals, o demoOptions) error {
	if !strings.HasSuffix(o.WriteShodan, ".gz") && o.WriteShodan != "-" {
		g.logf("warning: --write-shodan %s: the file is gzip-compressed, as 'shodan download' writes it; name it .json.gz", terminal.Sanitize(o.WriteShodan))
	}
	start := time.Now()
	n := 0
	err := g.writeOut(ctx, "--write-shodan", o.WriteShodan, func(w io.Writer) error {
		var err error
		n, err = demo.WriteShodan(ctx, w, demo.Config{Seed: o.Seed}, o.Size)
		return err
	})
	if err != nil {
		return err
	}
	g.logf("%d banners in %s", n, time.Since(start).Round(time.Millisecond))
	return nil
}

func runDemo(ctx context.Context, g *globals, o demoOptions) error {
	start := time.Now()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	cat, err := g.loadCatalog()
	if err != nil {
		return err
	}
	w := demo.NewWorld(demo.Config{Seed: o.Seed, Size: o.Size}, cat, o.Rate)
	defer w.Close()
	ranges := filepath.Join(o.Out, "ranges")
	if err := w.Pop.WriteRanges(ranges); err != nil {
		return err
	}
	truth := w.Pop.Truth()
	g.logf("demo: %s services on %s hosts (%s open), served by simulated Shodan at %s and Censys at %s",
		markdown.Num(truth.Services), markdown.Num(truth.Hosts), markdown.Num(truth.Open), w.Shodan.URL(), w.Censys.URL())
	if o.Serve {
		return serveDemo(ctx, g, w, ranges)
	}
	db := filepath.Join(o.Out, "demo.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("demo: remove old %s: %w", db+suffix, err)
		}
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := collectDemo(ctx, g, o, w, ranges, st, cat); err != nil {
		return err
	}
	v, err := buildView(ctx, st, cat, demoSnapshot, viewOptions{Title: "orchex demo: simulated exposure of orchestration panels"})
	if err != nil {
		return err
	}
	if err := writeDemoReports(ctx, g, o, v); err != nil {
		return err
	}
	if _, err := writeDemoBriefs(ctx, g, o, w, ranges, st, cat); err != nil {
		return err
	}
	printHeadline(g, v)
	g.logf("demo finished in %s", time.Since(start).Round(100*time.Millisecond))
	return nil
}

// collectDemo runs the real collection against the simulated APIs, with
// the demo's credentials and a fixed date (the same demo gives the same
// report), never the user's key files.
func collectDemo(ctx context.Context, g *globals, o demoOptions, w *demo.World, ranges string, st *store.Store, cat *catalog.Catalog) error {
	tagger, feeds, err := g.tagger(ranges)
	if err != nil {
		return err
	}
	at := w.Pop.Config.At
	now := func() time.Time { return at }
	engines, err := w.Engines(all.Engines(), o.Rate, source.Deps{HTTPClient: &http.Client{Timeout: time.Minute}, Now: now, Sleep: g.env.Sleep,
		Warn: func(msg string) { g.logf("%s", msg) }})
	if err != nil {
		return err
	}
	cfg := collect.Config{Engines: engines, Catalog: cat, Snapshot: demoSnapshot, Sleep: g.env.Sleep, Now: now}
	if err := runCollect(ctx, g, cfg, st, tagger, feeds, false); err != nil {
		return fmt.Errorf("demo: collect against the simulated APIs: %w", err)
	}
	return nil
}

func writeDemoReports(ctx context.Context, g *globals, o demoOptions, v *report.View) error {
	out := map[string]func(io.Writer) error{
		"report.md":   func(w io.Writer) error { return markdown.Render(w, v, "") },
		"report.json": func(w io.Writer) error { return jsonreport.Render(w, v) },
		"report.html": func(w io.Writer) error { return html.Render(w, v) },
		"report.pdf":  func(w io.Writer) error { return pdf.Render(w, v, pdf.Options{}) },
	}
	for _, name := range []string{"report.md", "report.json", "report.html", "report.pdf"} {
		if name == "report.pdf" && o.NoPDF {
			continue
		}
		if err := g.writeOut(ctx, "--out", filepath.Join(o.Out, name), out[name]); err != nil {
			return err
		}
	}
	return nil
}

func printHeadline(g *globals, v *report.View) {
	h := v.Headline
	out := g.env.Stdout
	fmt.Fprintf(out, "%s\n", strings.Repeat("-", 60))
	fmt.Fprintf(out, "Exposed services      %8s on %s hosts\n", markdown.Num(h.Services), markdown.Num(h.Hosts))
	fmt.Fprintf(out, "No authentication     %8s (%s)\n", markdown.Num(h.Open), markdown.Pct(h.OpenShare))
	fmt.Fprintf(out, "Kubernetes open       %8s\n", markdown.Num(h.KubernetesOpen))
	fmt.Fprintf(out, "Kubernetes share      %8s\n", markdown.Pct(h.KubernetesShare))
	fmt.Fprintf(out, "On AWS                %8s\n", markdown.Pct(h.AWSShare))
	fmt.Fprintf(out, "AWS in US regions     %8s\n", markdown.Pct(h.AWSUSShare))
	fmt.Fprintf(out, "%s\n", strings.Repeat("-", 60))
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
