package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/scope"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/all"
	"github.com/orchex/orchex/pkg/store"
)

// demoEarlier is the snapshot of the quarter before the demo's, which
// the demo's briefings count their changes from.
const demoEarlier = "demo-earlier"

// writeDemoBriefs writes a scopes file of two example scopes of the
// demo's population to <out>/briefs/scopes.yaml (one by network and ASN,
// one by organisation and country), collects the quarter before
// (demo.Earlier: nine services in ten, some authentication changed)
// into snapshot demo-earlier narrowed to each scope (collect --scope:
// the simulated APIs serve the earlier quarter's services of the two
// scopes only, which is all a narrowed collection can fetch), and writes
// the scopes' briefings, with their changes since demo-earlier, to
// <out>/briefs.
func writeDemoBriefs(ctx context.Context, g *globals, o demoOptions, w *demo.World, ranges string, st *store.Store, cat *catalog.Catalog) ([]string, error) {
	dir := filepath.Join(o.Out, "briefs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	path := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(path, []byte(demoScopes(w.Pop)), 0o644); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	set, err := scope.Load(path)
	if err != nil {
		return nil, fmt.Errorf("demo: the example scopes: %w", err)
	}

	pop := demo.Earlier(w.Pop.Config)
	pop.Services = slices.DeleteFunc(pop.Services, func(s demo.Service) bool {
		f := scope.Facts{Addr: s.Addr, ASN: s.ASN, Org: s.Org, Country: s.Country}
		return len(set.Match(&f)) == 0
	})
	earlier := demo.Serve(pop, cat, o.Rate)
	defer earlier.Close()
	g.logf("demo: the quarter before: %d services of the example scopes, served at %s and %s", len(pop.Services), earlier.Shodan.URL(), earlier.Censys.URL())
	tagger, feeds, err := g.tagger(ranges)
	if err != nil {
		return nil, err
	}
	at := pop.Config.At
	now := func() time.Time { return at }
	engines, err := earlier.Engines(all.Engines(), o.Rate, source.Deps{HTTPClient: &http.Client{Timeout: time.Minute}, Now: now, Sleep: g.env.Sleep,
		Warn: func(msg string) { g.logf("%s", msg) }})
	if err != nil {
		return nil, err
	}
	for i := range set.Len() {
		sc := set.Scope(i)
		cfg := collect.Config{Engines: engines, Catalog: cat, Snapshot: demoEarlier, Sleep: g.env.Sleep, Now: now,
			Scope: &collect.Scope{Name: sc.Name, File: filepath.Base(path), Narrowing: sc.Narrowing()}}
		if err := runCollect(ctx, g, cfg, st, tagger, feeds, false); err != nil {
			return nil, fmt.Errorf("demo: collect the earlier quarter of scope %s: %w", sc.Name, err)
		}
	}

	formats := map[string]bool{"md": true, "json": true, "csv": true, "html": true, "pdf": !o.NoPDF}
	support, err := eol.Embedded() // the samples must not depend on a cache
	if err != nil {
		return nil, err
	}
	bo := briefOptions{Scopes: path, Snapshot: demoSnapshot, Since: demoEarlier, Out: dir, Formats: formats, Support: support}
	if err := writeBriefs(ctx, g, st, set, nil, bo); err != nil {
		return nil, err
	}
	paths := []string{path, filepath.Join(dir, "index.md"), filepath.Join(dir, "index.json")}
	for i := range set.Len() {
		paths = append(paths, filepath.Join(dir, set.Scope(i).Name)+string(filepath.Separator))
	}
	return paths, nil
}

// demoScopes writes the demo's scopes file: "cloud-team" selects the
// smallest IPv4 block with open services, the smallest IPv6 block with
// services, and Hetzner's AS; "apac-ops" selects Korea Telecom's services
// by organisation name, and every service located in China. Small scopes
// keep the sample briefings (reports/samples/demo/briefs) readable.
func demoScopes(p *demo.Population) string {
	type block struct {
		prefix   netip.Prefix
		services int
		open     int
	}
	var blocks []block
	for _, b := range p.Blocks {
		x := block{prefix: b.Prefix}
		for i := range p.Services {
			s := &p.Services[i]
			if b.Prefix.Contains(s.Addr) {
				x.services++
				if s.Auth == model.AuthOpen {
					x.open++
				}
			}
		}
		blocks = append(blocks, x)
	}
	best := func(v6 bool, by func(block) int) netip.Prefix {
		var out block
		for _, b := range blocks {
			if b.prefix.Addr().Is6() == v6 && (!out.prefix.IsValid() || by(b) > by(out) ||
				by(b) == by(out) && b.prefix.Addr().Less(out.prefix.Addr())) {
				out = b
			}
		}
		return out.prefix
	}
	small := func(open int) func(block) int {
		return func(b block) int {
			if b.services == 0 || b.open < open {
				return -1 << 30
			}
			return -b.services
		}
	}
	v4 := best(false, small(1))
	v6 := best(true, small(0))
	cidrs := slices.DeleteFunc([]string{v4.String(), v6.String()}, func(s string) bool { return s == "invalid Prefix" })
	return fmt.Sprintf(`# The example scopes of orchex demo (docs/scopes.md): a company's cloud team, by network
# and AS, and an operations team, by organisation and country. orchex brief writes one
# briefing per scope; this file is written by the demo from its simulated population.
scopes:
  - name: cloud-team
    cidrs: [%s]
    asns: [24940]   # Hetzner
    contacts: ["security@cloud-team.example"]
    notes: Production networks of the cloud team. Call the SOC first.
  - name: apac-ops
    orgs: ["Korea Telecom"]
    countries: [CN]
    contacts: ["soc@apac-ops.example", "noc@apac-ops.example"]
`, quoteList(cidrs))
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ", ")
}
