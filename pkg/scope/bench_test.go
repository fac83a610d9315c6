package scope_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/scope"
)

// A national CERT's scopes file: 500 scopes and 20,000 networks in all.
const (
	benchScopes   = 500
	benchNetworks = 20000
	benchServices = 1 << 20
)

// benchFile generates the scopes file: IPv4 and IPv6 networks, a third of
// them inside a network drawn before (often another scope's: a provider
// and its customers), one in twenty repeating another scope's network
// exactly; an ASN per scope, an organisation for half, a domain for a
// third, a country for one in ten. It returns the file and the networks,
// to draw addresses from.
func benchFile(r *rand.Rand) (string, []netip.Prefix) {
	var b strings.Builder
	b.WriteString("scopes:\n")
	var all []netip.Prefix
	perScope := benchNetworks / benchScopes
	countries := []string{"DE", "FR", "NL", "AT", "BE", "LU", "DK", "SE", "PL", "CZ"}
	for i := range benchScopes {
		fmt.Fprintf(&b, "  - name: scope-%03d\n    cidrs:\n", i)
		seen := map[netip.Prefix]bool{}
		for len(seen) < perScope {
			var p netip.Prefix
			switch x := r.IntN(20); {
			case x == 0 && len(all) > 0: // the same network as another scope
				p = all[r.IntN(len(all))]
			case x < 7 && len(all) > 0: // inside a network drawn before
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
		fmt.Fprintf(&b, "    asns: [%d]\n", 64512+i)
		if i%2 == 0 {
			fmt.Fprintf(&b, "    orgs: [\"Constituent %d GmbH\"]\n", i)
		}
		if i%3 == 0 {
			fmt.Fprintf(&b, "    domains: [\"c%d.example\"]\n", i)
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, "    countries: [%s]\n", countries[i/10%len(countries)])
		}
	}
	return b.String(), all
}

// randomIn returns a random address of p.
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

// benchService is a service of the benchmark, compactly: its facts are
// built when it is matched, as a report would build them from a row.
type benchService struct {
	addr    netip.Addr
	asn     uint32
	org     int16 // index in orgs, -1 for none
	name    int16 // index in names, -1 for none
	country uint8
}

// BenchmarkMatch matches 1,048,576 services, 40% of them inside some
// scope's network, against 500 scopes with 20,000 networks: one op is the
// whole million. It reports ns and allocations per service and the heap
// the index holds.
func BenchmarkMatch(b *testing.B) {
	r := rand.New(rand.NewPCG(2026, 17))
	file, nets := benchFile(r)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := scope.Parse("bench.yaml", []byte(file))
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	index := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	if s.Networks() < benchNetworks*9/10 {
		b.Fatalf("%d distinct networks, want about %d", s.Networks(), benchNetworks)
	}

	orgs := []string{"Constituent 4 GmbH", "constituent 10 gmbh", "Other Hosting Ltd", "Example Telecom AG"}
	names := []string{"www.c3.example", "API.C9.example.", "mail.unrelated.example", "k8s.c300.example"}
	countries := []string{"", "DE", "US", "FR", "CN"}
	svcs := make([]benchService, benchServices)
	for i := range svcs {
		sv := &svcs[i]
		switch x := r.IntN(10); {
		case x < 4:
			sv.addr = randomIn(r, nets[r.IntN(len(nets))])
		case x < 8:
			sv.addr = netip.AddrFrom4([4]byte{byte(1 + r.IntN(223)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
		default:
			var a [16]byte
			a[0], a[1] = 0x20, byte(r.IntN(16))
			for j := 2; j < 16; j++ {
				a[j] = byte(r.IntN(256))
			}
			sv.addr = netip.AddrFrom16(a)
		}
		sv.asn = uint32(64000 + r.IntN(2000))
		sv.org, sv.name = -1, -1
		if r.IntN(2) == 0 {
			sv.org = int16(r.IntN(len(orgs)))
		}
		if r.IntN(5) == 0 {
			sv.name = int16(r.IntN(len(names)))
		}
		sv.country = uint8(r.IntN(len(countries)))
	}
	nameList := make([][]string, len(names))
	for i, n := range names {
		nameList[i] = []string{n}
	}

	b.ReportAllocs()
	dst := make([]int, 0, 64)
	matched := 0
	for b.Loop() {
		matched = 0
		for i := range svcs {
			sv := &svcs[i]
			f := scope.Facts{Addr: sv.addr, ASN: sv.asn, Country: countries[sv.country]}
			if sv.org >= 0 {
				f.Org = orgs[sv.org]
			}
			if sv.name >= 0 {
				f.Names = nameList[sv.name]
			}
			dst = s.AppendMatches(dst[:0], &f)
			if len(dst) > 0 {
				matched++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchServices, "ns/service")
	b.ReportMetric(index, "index-MiB")
	b.ReportMetric(float64(matched)/benchServices*100, "%matched")
}

// BenchmarkLoad parses and indexes the 500-scope, 20,000-network file.
func BenchmarkLoad(b *testing.B) {
	file, _ := benchFile(rand.New(rand.NewPCG(2026, 17)))
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scope.Parse("bench.yaml", []byte(file)); err != nil {
			b.Fatal(err)
		}
	}
}
