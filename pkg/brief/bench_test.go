package brief_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/scope"
)

// The benchmark's national CERT: 500 scopes and 20,000 networks in all,
// over a snapshot of 1,048,576 services (pkg/scope's BenchmarkMatch
// draws the same kind of file).
const (
	benchScopeCount = 500
	benchNetworks   = 20000
	benchN          = 1 << 20
)

// benchFile generates the scopes file: IPv4 and IPv6 networks, a third of
// them inside a network drawn before (a provider and its customers), one
// in twenty repeating another scope's network; an ASN per scope, an
// organisation for half, a country for one in fifty. It returns the file
// and the networks.
func benchFile(r *rand.Rand) (string, []netip.Prefix) {
	var b strings.Builder
	b.WriteString("scopes:\n")
	var all []netip.Prefix
	per := benchNetworks / benchScopeCount
	countries := []string{"LU", "AT", "BE", "DK", "SE", "PL", "CZ", "PT", "IE", "FI"}
	for i := range benchScopeCount {
		fmt.Fprintf(&b, "  - name: scope-%03d\n    cidrs:\n", i)
		seen := map[netip.Prefix]bool{}
		for len(seen) < per {
			var p netip.Prefix
			switch x := r.IntN(20); {
			case x == 0 && len(all) > 0:
				p = all[r.IntN(len(all))]
			case x < 7 && len(all) > 0:
				outer := all[r.IntN(len(all))]
				bits := min(outer.Bits()+2+r.IntN(7), outer.Addr().BitLen())
				p = netip.PrefixFrom(randomIn(r, outer), bits).Masked()
			case x < 15:
				a := netip.AddrFrom4([4]byte{byte(1 + r.IntN(223)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
				p = netip.PrefixFrom(a, 12+r.IntN(17)).Masked()
			default:
				var a [16]byte
				a[0], a[1] = 0x20, byte(r.IntN(16))
				for j := 2; j < 8; j++ {
					a[j] = byte(r.IntN(256))
				}
				p = netip.PrefixFrom(netip.AddrFrom16(a), 28+r.IntN(37)).Masked()
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			all = append(all, p)
			fmt.Fprintf(&b, "      - %s\n", p)
		}
		fmt.Fprintf(&b, "    asns: [%d]\n    contacts: [\"cert@c%d.example\"]\n", 64512+i, i)
		if i%2 == 0 {
			fmt.Fprintf(&b, "    orgs: [\"Constituent %d GmbH\"]\n", i)
		}
		if i%50 == 0 {
			fmt.Fprintf(&b, "    countries: [%s]\n", countries[i/50])
		}
	}
	return b.String(), all
}

func randomIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	a := p.Addr().AsSlice()
	for bit := p.Bits(); bit < len(a)*8; bit++ {
		if r.IntN(2) == 1 {
			a[bit/8] |= 0x80 >> (bit % 8)
		}
	}
	out, _ := netip.AddrFromSlice(a)
	return out
}

// benchSvc is a service of the benchmark, compactly: the model.Service is
// made as it is streamed, so that the fixtures do not weigh on the heap
// the benchmark measures.
type benchSvc struct {
	addr                     netip.Addr
	port                     uint16
	asn                      uint32
	org, country, auth, host uint8
}

// benchSnapshot returns n services sorted by key, 40% of them inside some
// scope's network, the rest anywhere; ASNs over 2,000 ASes, organisations
// and countries mixed in; a tenth open.
func benchSnapshot(r *rand.Rand, nets []netip.Prefix, n int) []benchSvc {
	out := make([]benchSvc, 0, n)
	seen := make(map[model.Key]bool, n)
	for len(out) < n {
		var addr netip.Addr
		switch x := r.IntN(10); {
		case x < 4:
			addr = randomIn(r, nets[r.IntN(len(nets))])
		case x < 8:
			addr = netip.AddrFrom4([4]byte{byte(1 + r.IntN(223)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
		default:
			var a [16]byte
			a[0], a[1] = 0x20, byte(r.IntN(16))
			for j := 2; j < 16; j++ {
				a[j] = byte(r.IntN(256))
			}
			addr = netip.AddrFrom16(a)
		}
		s := benchSvc{addr: addr, port: []uint16{443, 6443, 10250, 2375}[r.IntN(4)], asn: uint32(64000 + r.IntN(2000)),
			org: uint8(r.IntN(8)), country: uint8(r.IntN(8)), auth: uint8(r.IntN(10)), host: uint8(r.IntN(5))}
		k := model.Key{Addr: addr, Port: s.port, Transport: "tcp"}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y benchSvc) int {
		if c := x.addr.Compare(y.addr); c != 0 {
			return c
		}
		return int(x.port) - int(y.port)
	})
	return out
}

// benchStream streams a benchmark snapshot as model.Services.
func benchStream(ss []benchSvc) func(fn func(*model.Service) error) error {
	orgs := []string{"Constituent 4 GmbH", "constituent 10 gmbh", "Other Hosting Ltd", "Example Telecom AG", "", "", "", ""}
	countries := []string{"US", "US", "CN", "DE", "LU", "FR", "BR", "JP"}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return func(fn func(*model.Service) error) error {
		for _, b := range ss {
			s := model.Service{Key: model.Key{Addr: b.addr, Port: b.port, Transport: "tcp"},
				Product: "kubernetes-api", Version: "v1.29.3", ASN: b.asn, Org: orgs[b.org], Country: countries[b.country],
				Engines: model.SeenShodan | model.SeenCensys, FirstSeen: at, LastSeen: at, Confidence: model.High,
				Cloud: model.CloudTag{Provider: "aws", Region: "eu-central-1"}}
			if b.host == 0 {
				s.Hostnames = []string{"k8s.example"}
			}
			switch b.auth {
			case 0:
				s.Auth, s.AuthEvidence = model.AuthOpen, "200 API paths list on / (anonymous discovery allowed)"
			case 1, 2, 3:
				s.Auth = model.AuthUnknown
			default:
				s.Auth, s.AuthEvidence = model.AuthRequired, "403 system:anonymous (anonymous requests are authenticated but denied by RBAC)"
			}
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

// benchEarlier returns the snapshot before now: 95% of its services, a
// tenth of them with another auth verdict.
func benchEarlier(r *rand.Rand, now []benchSvc) []benchSvc {
	out := make([]benchSvc, 0, len(now))
	for _, s := range now {
		if r.IntN(20) == 0 {
			continue
		}
		if r.IntN(10) == 0 {
			s.auth = 5
		}
		out = append(out, s)
	}
	return out
}

// BenchmarkBrief briefs 500 scopes with 20,000 networks over a snapshot
// of 1,048,576 services compared with an earlier one: the one streaming
// pass, then each scope's brief.json and brief.md, as orchex brief
// writes them by default. live-MB is the most a run holds in memory
// beyond the fixtures (the command's RSS, with the store and the
// garbage the collector allows, is measured with /usr/bin/time in
// docs/performance.md); listed counts a service once per scope it is in.
//
//	go test ./pkg/brief -run '^$' -bench BenchmarkBrief -benchtime 1x
func BenchmarkBrief(b *testing.B) {
	r := rand.New(rand.NewPCG(2026, 17))
	file, nets := benchFile(r)
	set, err := scope.Parse("scopes.yaml", []byte(file))
	if err != nil {
		b.Fatal(err)
	}
	now := benchSnapshot(r, nets, benchN)
	then := benchEarlier(r, now)
	cat := embedded(b)
	// The fixtures (two snapshots in memory, the scope index) are the
	// baseline; live-MB is the most a run holds beyond it, measured after
	// a collection at the end of the pass and while the largest scope's
	// briefing is open (two collections a run, so the timing is not
	// distorted).
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak uint64
	sample := func() {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapAlloc-min(m.HeapAlloc, base.HeapAlloc))
	}
	b.ResetTimer()
	listed := 0
	for range b.N {
		run, err := brief.Select(context.Background(), brief.Config{Scopes: set, Dir: b.TempDir(), Catalog: cat,
			Now:   brief.Side{Label: "2026Q4", Created: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Services: benchStream(now)},
			Since: &brief.Side{Label: "2026Q3", Created: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), Services: benchStream(then)},
			Meta:  report.Meta{Snapshot: "2026Q4"}})
		if err != nil {
			b.Fatal(err)
		}
		sample()
		listed = 0
		largest := 0
		for k := range run.Len() {
			if run.Counts(k).Services > run.Counts(largest).Services {
				largest = k
			}
		}
		for k := range run.Len() {
			bf, err := run.Brief(context.Background(), k)
			if err != nil {
				b.Fatal(err)
			}
			if err := bf.WriteJSON(io.Discard); err != nil {
				b.Fatal(err)
			}
			if err := markdown.RenderDocument(io.Discard, bf.Document(brief.DocOptions{})); err != nil {
				b.Fatal(err)
			}
			listed += bf.Counts.Services
			if k == largest {
				sample()
			}
			bf.Close()
		}
		run.Close()
	}
	b.ReportMetric(float64(listed), "listed")
	b.ReportMetric(float64(peak)/(1<<20), "live-MB")
}
