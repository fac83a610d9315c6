package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

// Demo credentials: the simulated APIs accept these and nothing else.
const (
	demoShodanKey   = "demo-shodan-key-not-a-secret"
	demoCensysToken = "demo-censys-token-not-a-secret"
	demoCensysOrg   = "00000000-0000-4000-8000-00000000demo"
	demoSnapshot    = "demo"
)

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
			"'orchex collect' against them, and writes report.md, report.json, report.html and report.pdf. Addresses\n" +
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
	start := time.Now()
	n, err := demo.WriteShodanFile(ctx, o.WriteShodan, demo.Config{Seed: o.Seed}, o.Size)
	if err != nil {
		return err
	}
	fi, err := os.Stat(o.WriteShodan)
	if err != nil {
		return err
	}
	g.logf("wrote %d banners to %s (%d bytes) in %s", n, o.WriteShodan, fi.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// demoWorld is a population served by the simulated APIs.
type demoWorld struct {
	pop    *demo.Population
	shodan *shodantest.Server
	censys *censystest.Server
	ranges string
}

func (w *demoWorld) Close() {
	w.shodan.Close()
	w.censys.Close()
}

// productQueries maps each catalog product to the Shodan and Censys
// queries that find it: its own, or those of the product it is found by.
func productQueries(cat *catalog.Catalog) (shodan, censys map[string][]string) {
	shodan, censys = map[string][]string{}, map[string][]string{}
	for _, p := range cat.Products() {
		src := p
		if p.FoundBy != "" {
			if q, ok := cat.Product(p.FoundBy); ok {
				src = q
			}
		}
		shodan[p.ID], censys[p.ID] = src.Shodan, src.Censys
	}
	return shodan, censys
}

// startDemo generates the population, writes its range feeds and starts
// the simulated APIs.
func startDemo(g *globals, o demoOptions) (*demoWorld, error) {
	cat, err := g.loadCatalog()
	if err != nil {
		return nil, err
	}
	shodanQs, censysQs := productQueries(cat)
	pop := demo.Generate(demo.Config{Seed: o.Seed, Size: o.Size})
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(p string) bool { return len(censysQs[p]) > 0 })
	w := &demoWorld{pop: pop, ranges: filepath.Join(o.Out, "ranges")}
	if err := pop.WriteRanges(w.ranges); err != nil {
		return nil, err
	}
	shodanHits := pop.ShodanResults(shodanQs)
	w.shodan = shodantest.NewServer(shodantest.Config{
		Key: demoShodanKey, Plan: "dev", Credits: -1, Rate: o.Rate, Burst: 4,
		Population: func(q string) []json.RawMessage { return shodanHits[q] },
	})
	hits, byQuery := pop.CensysResults(censysQs)
	w.censys = censystest.NewServer(censystest.Config{
		Token: demoCensysToken, OrgID: demoCensysOrg, Rate: o.Rate, Burst: 4,
		Clock:         func() time.Time { return pop.Config.At },
		Hits:          hits,
		WebProperties: demo.WebProperties(3),
		Match: func(q string, doc map[string]any) bool {
			ip, _ := doc["ip"].(string)
			return byQuery[q][ip]
		},
	})
	return w, nil
}

func runDemo(ctx context.Context, g *globals, o demoOptions) error {
	start := time.Now()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	w, err := startDemo(g, o)
	if err != nil {
		return err
	}
	defer w.Close()
	truth := w.pop.Truth()
	g.logf("demo: %s services on %s hosts (%s open), served by simulated Shodan at %s and Censys at %s",
		markdown.Num(truth.Services), markdown.Num(truth.Hosts), markdown.Num(truth.Open), w.shodan.URL(), w.censys.URL())
	if o.Serve {
		return serveDemo(ctx, g, w)
	}
	db := filepath.Join(o.Out, "demo.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("demo: remove old %s: %w", db+suffix, err)
		}
	}
	args := []string{"--db", db}
	if g.quiet {
		args = append(args, "--quiet")
	}
	args = append(args, "collect", "--snapshot", demoSnapshot, "--ranges", w.ranges,
		"--shodan-url", w.shodan.URL(), "--shodan-rate", fmt.Sprint(o.Rate),
		"--censys-url", w.censys.URL(), "--censys-rate", fmt.Sprint(o.Rate))
	env := g.env
	at := w.pop.Config.At
	env.Now = func() time.Time { return at } // a fixed date: the same demo gives the same report
	env.Getenv = func(k string) string {
		switch k {
		case "SHODAN_API_KEY":
			return demoShodanKey
		case "CENSYS_PLATFORM_TOKEN":
			return demoCensysToken
		case "CENSYS_ORG_ID":
			return demoCensysOrg
		case "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME":
			return "" // never read the user's key files in the demo
		}
		return ""
	}
	if code := Main(ctx, args, env); code != ExitOK {
		return fmt.Errorf("demo: collect against the simulated APIs ended with exit code %d", code)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := g.loadCatalog()
	if err != nil {
		return err
	}
	v, err := buildView(ctx, st, cat, demoSnapshot, viewOptions{Title: "orchex demo: simulated exposure of orchestration panels"})
	if err != nil {
		return err
	}
	paths, err := writeDemoReports(g, o, v)
	if err != nil {
		return err
	}
	printHeadline(g, v)
	for _, p := range paths {
		g.logf("wrote %s", p)
	}
	g.logf("demo finished in %s", time.Since(start).Round(100*time.Millisecond))
	return nil
}

func writeDemoReports(g *globals, o demoOptions, v *report.View) ([]string, error) {
	var paths []string
	md := filepath.Join(o.Out, "report.md")
	if err := writeAtomic(md, nil, func(w io.Writer) error { return markdown.Render(w, v, "") }); err != nil {
		return nil, err
	}
	js := filepath.Join(o.Out, "report.json")
	if err := writeAtomic(js, nil, func(w io.Writer) error { return jsonreport.Render(w, v) }); err != nil {
		return nil, err
	}
	page := filepath.Join(o.Out, "report.html")
	if err := writeAtomic(page, nil, func(w io.Writer) error { return html.Render(w, v) }); err != nil {
		return nil, err
	}
	paths = append(paths, md, js, page)
	if !o.NoPDF {
		p := filepath.Join(o.Out, "report.pdf")
		if err := writeAtomic(p, nil, func(w io.Writer) error { return pdf.Render(w, v, pdf.Options{}) }); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
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

func serveDemo(ctx context.Context, g *globals, w *demoWorld) error {
	out := g.env.Stdout
	fmt.Fprintf(out, "Simulated APIs are running (Ctrl-C to stop):\n\n")
	fmt.Fprintf(out, "  export SHODAN_API_KEY=%s\n", demoShodanKey)
	fmt.Fprintf(out, "  export CENSYS_PLATFORM_TOKEN=%s CENSYS_ORG_ID=%s\n\n", demoCensysToken, demoCensysOrg)
	fmt.Fprintf(out, "  orchex collect --snapshot demo --ranges %s \\\n", w.ranges)
	fmt.Fprintf(out, "      --shodan-url %s --shodan-rate 100 \\\n", w.shodan.URL())
	fmt.Fprintf(out, "      --censys-url %s --censys-rate 100\n", w.censys.URL())
	fmt.Fprintf(out, "  orchex stats --engine shodan --shodan-url %s --shodan-rate 100\n\n", w.shodan.URL())
	<-ctx.Done()
	return nil
}
