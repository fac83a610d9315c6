package tour

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/scope"
	"github.com/orchex/orchex/pkg/store"
)

// Earlier is the snapshot of the quarter before the demo's, which the
// demo's briefings count their changes from.
const Earlier = "demo-earlier"

// writeBriefs writes a scopes file of two example scopes of the demo's
// population to OUT/briefs/scopes.yaml (one by network and ASN, one by
// organisation and country), collects the quarter before (demo.Earlier:
// nine services in ten, some authentication changed) into snapshot
// demo-earlier narrowed to each scope (collect --scope: the simulated
// APIs serve the earlier quarter's services of the two scopes only, which
// is all a narrowed collection can fetch), and writes the scopes'
// briefings, with their changes since demo-earlier, to OUT/briefs.
func (t *Tour) writeBriefs(ctx context.Context, st *store.Store, r *cloud.Ranges, feeds []store.FeedMeta) error {
	dir := filepath.Join(t.cfg.Out, "briefs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	path := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(path, []byte(Scopes(t.World.Pop)), 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	set, err := scope.Load(path)
	if err != nil {
		return fmt.Errorf("demo: the example scopes: %w", err)
	}

	pop := demo.Earlier(t.World.Pop.Config)
	pop.Services = slices.DeleteFunc(pop.Services, func(s demo.Service) bool {
		f := scope.Facts{Addr: s.Addr, ASN: s.ASN, Org: s.Org, Country: s.Country}
		return len(set.Match(&f)) == 0
	})
	earlier := demo.Serve(pop, t.cfg.Catalog, t.cfg.Rate)
	defer earlier.Close()
	t.emit(EarlierServing{Services: len(pop.Services), Shodan: earlier.Shodan.URL(), Censys: earlier.Censys.URL()})
	tagger := cloud.NewTagger(r)
	for i := range set.Len() {
		sc := set.Scope(i)
		cfg := collect.Config{Store: st, Snapshot: Earlier, Tagger: tagger, Feeds: feeds,
			Scope: &collect.Scope{Name: sc.Name, File: filepath.Base(path), Narrowing: sc.Narrowing()}}
		if err := t.collect(ctx, earlier, cfg); err != nil {
			return fmt.Errorf("demo: collect the earlier quarter of scope %s: %w", sc.Name, err)
		}
	}

	start := time.Now()
	bc, diffs, err := assemble.Brief(ctx, st, t.cfg.Catalog, Snapshot, Earlier, false)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		t.emit(MethodDiffers{Since: Earlier, Label: Snapshot, Differences: diffs})
	}
	bc.Scopes, bc.Dir = set, dir
	if bc.Support, err = eol.Embedded(); err != nil { // the samples must not depend on a cache
		return err
	}
	w, err := brief.Write(ctx, bc, brief.Output{CSV: true, HTML: true, PDF: !t.cfg.NoPDF,
		Create: func(name string, write func(io.Writer) error) error {
			return t.cfg.Create(filepath.Join(dir, name), write)
		}})
	if err != nil {
		return err
	}
	t.emit(Briefed{Label: Snapshot, Dir: dir, Written: w, Took: time.Since(start)})
	return nil
}

// Scopes is the demo's scopes file: "cloud-team" selects the smallest
// IPv4 block with open services, the smallest IPv6 block with services,
// and Hetzner's AS; "apac-ops" selects Korea Telecom's services by
// organisation name, and every service located in China. Small scopes
// keep the sample briefings (reports/samples/demo/briefs) readable.
func Scopes(p *demo.Population) string {
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
