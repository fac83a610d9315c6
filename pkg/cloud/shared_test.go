package cloud

import (
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/orchex/orchex/internal/sharedtest"
)

// sharedRanges returns ../shared/data/cloud-ranges next to the module root,
// or skips the test when it is absent.
func sharedRanges(t testing.TB) string {
	t.Helper()
	return sharedtest.Dir(t, "data/cloud-ranges") // skips, or fails in CI, when absent
}

// TestLoadEachSharedRanges loads each real feed file alone and checks what
// the file says about it (dates, tokens and prefix counts read from the
// files, see ../shared/data/cloud-ranges/SOURCES.md).
func TestLoadEachSharedRanges(t *testing.T) {
	dir := sharedRanges(t)
	tests := []struct {
		file             string
		provider, format string
		date, token      string
		v4, v6           int
	}{
		{"aws-ip-ranges.json", "aws", "aws", "2026-08-22", "1787411825", 7905, 3108},
		{"gcp-cloud.json", "gcp", "gcp", "2026-05-05", "1778033048194", 889, 48},
		{"azure-servicetags.json", "azure", "azure", "", "398", 41749, 14976},
		{"oracle-public_ip_ranges.json", "oracle", "oracle", "2025-07-21", "", 896, 0},
		{"digitalocean-geo.csv", "digitalocean", "geofeed", "", "", 1037, 145},
		{"linode-geofeed.csv", "linode", "geofeed", "2025-07-24", "", 4464, 88},
		{"vultr-geofeed.json", "vultr", "vultr", "2024-04-18", "", 459, 54},
		{"cloudflare-ips-v4.txt", "cloudflare", "list", "", "", 15, 0},
		{"cloudflare-ips-v6.txt", "cloudflare", "list", "", "", 0, 7},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := LoadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			v4, v6 := f.Count()
			if f.Provider != tt.provider || f.Format != tt.format || f.Date != tt.date || f.Token != tt.token || v4 != tt.v4 || v6 != tt.v6 {
				t.Errorf("got %s %s date %q token %q %d+%d prefixes; want %s %s date %q token %q %d+%d",
					f.Provider, f.Format, f.Date, f.Token, v4, v6, tt.provider, tt.format, tt.date, tt.token, tt.v4, tt.v6)
			}
			for _, r := range f.Records {
				if r.Prefix != r.Prefix.Masked() || !r.Prefix.IsValid() {
					t.Fatalf("record %+v: prefix not valid and masked", r)
				}
			}
		})
	}
}

// TestLoadSharedRanges loads the whole directory and looks up addresses
// taken from each file, with the provider and region the file gives them.
func TestLoadSharedRanges(t *testing.T) {
	r, err := LoadDir(sharedRanges(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Info()); n != 9 {
		t.Errorf("%d feeds loaded, want 9: %+v", n, r.Info())
	}
	for _, fi := range r.Info() {
		t.Logf("%-12s %-30s date %-10s token %-14s %6d v4 %6d v6 %d shadowed", fi.Provider, fi.File, fi.Date, fi.Token, fi.Prefixes4, fi.Prefixes6, fi.Shadowed)
	}
	if s := r.Skipped(); len(s) != 0 {
		t.Errorf("skipped %q", s)
	}
	tests := []struct {
		addr                              string
		provider, region, service, prefix string
	}{
		// aws-ip-ranges.json: 3.5.140.0/22 is listed as AMAZON, S3 and EC2.
		{"3.5.140.2", "aws", "ap-northeast-2", "EC2", "3.5.140.0/22"},
		{"2600:1f18::1", "aws", "us-east-1", "EC2", "2600:1f18::/33"},
		{"15.230.15.29", "aws", "eu-central-1", "AMAZON", "15.230.15.29/32"},
		{"13.248.118.1", "aws", "eu-west-1", "GLOBALACCELERATOR", "13.248.118.0/24"},
		// gcp-cloud.json
		{"34.35.0.1", "gcp", "africa-south1", "Google Cloud", "34.35.0.0/16"},
		{"34.64.160.1", "gcp", "asia-northeast3", "Google Cloud", "34.64.160.0/19"},
		{"2600:1900:4050::1", "gcp", "asia-northeast1", "Google Cloud", "2600:1900:4050::/44"},
		// azure-servicetags.json: AzureDataLake.SoutheastAsia beats AzureCloud.southeastasia and AzureCloud.
		{"104.44.90.130", "azure", "southeastasia", "AzureDataLake", "104.44.90.128/27"},
		{"104.44.91.161", "azure", "centralus", "AzureDataLake", "104.44.91.160/27"},
		{"2603:1000:4::10d", "azure", "southafricawest", "ActionGroup", "2603:1000:4::10c/126"},
		// oracle-public_ip_ranges.json
		{"129.80.0.1", "oracle", "us-ashburn-1", "OCI", "129.80.0.0/16"},
		{"129.151.128.1", "oracle", "me-abudhabi-1", "OCI", "129.151.128.0/19"},
		// digitalocean-geo.csv: Clifton NJ is DigitalOcean's New York.
		{"104.248.0.1", "digitalocean", "nyc", "", "104.248.0.0/20"},
		{"104.248.16.1", "digitalocean", "fra", "", "104.248.16.0/20"},
		{"2604:a880:0:1010::1", "digitalocean", "nyc", "", "2604:a880:0:1010::/64"},
		// linode-geofeed.csv: Cedar Knolls is Newark (us-east), Richardson is Dallas (us-central).
		{"2600:3c03::1", "linode", "us-east", "", "2600:3c03::/32"},
		{"45.79.0.1", "linode", "us-central", "", "45.79.0.0/24"},
		// vultr-geofeed.json
		{"45.77.0.1", "vultr", "sjc", "", "45.77.0.0/21"},
		{"45.77.8.1", "vultr", "nrt", "", "45.77.8.0/21"},
		{"2001:19f0:6400::1", "vultr", "dfw", "", "2001:19f0:6400::/38"},
		// cloudflare-ips-v4.txt, -v6.txt
		{"173.245.48.1", "cloudflare", "", "", "173.245.48.0/20"},
		{"2400:cb00::1", "cloudflare", "", "", "2400:cb00::/32"},
	}
	for _, tt := range tests {
		m, ok := r.Lookup(netip.MustParseAddr(tt.addr))
		if !ok {
			t.Errorf("%s: no match", tt.addr)
			continue
		}
		if m.Provider != tt.provider || m.Region != tt.region || m.Service != tt.service || m.Prefix.String() != tt.prefix {
			t.Errorf("%s: got %s %q %q %s, want %s %q %q %s", tt.addr, m.Provider, m.Region, m.Service, m.Prefix, tt.provider, tt.region, tt.service, tt.prefix)
		}
	}
	for _, a := range []string{"192.0.2.1", "10.1.2.3", "2001:db8::1"} {
		if m, ok := r.Lookup(netip.MustParseAddr(a)); ok {
			t.Errorf("%s: matched %+v, want none", a, m)
		}
	}
}

// BenchmarkLoadSharedRanges measures loading every real feed: time per
// load, and the heap the loaded set keeps (MB-heap).
func BenchmarkLoadSharedRanges(b *testing.B) {
	benchLoad(b, sharedRanges(b))
}

// BenchmarkLookupSharedRanges measures lookups with every real feed loaded,
// on one core: half the addresses inside loaded prefixes, half random.
func BenchmarkLookupSharedRanges(b *testing.B) {
	r, err := LoadDir(sharedRanges(b))
	if err != nil {
		b.Fatal(err)
	}
	benchLookup(b, r)
}

func benchLookup(b *testing.B, r *Ranges) {
	addrs := sampleAddrs(r, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	hits := 0
	i := 0
	for b.Loop() {
		if _, ok := r.Lookup(addrs[i&4095]); ok {
			hits++
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	if hits == 0 {
		b.Fatal("no lookup matched")
	}
}

// sampleAddrs returns n addresses, half inside r's prefixes, half random,
// from a fixed seed.
func sampleAddrs(r *Ranges, n int) []netip.Addr {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]netip.Addr, 0, n)
	for len(out) < n {
		if len(out)%2 == 0 && r.Len() > 0 {
			p := r.recs[rng.IntN(len(r.recs))].Prefix
			b := p.Addr().AsSlice()
			b[len(b)-1] |= byte(rng.IntN(256)) & hostMask(p)
			a, _ := netip.AddrFromSlice(b)
			out = append(out, a)
			continue
		}
		if rng.IntN(4) == 0 {
			var b [16]byte
			b[0], b[1] = 0x26, byte(rng.IntN(256))
			for j := 2; j < 16; j++ {
				b[j] = byte(rng.IntN(256))
			}
			out = append(out, netip.AddrFrom16(b))
		} else {
			out = append(out, netip.AddrFrom4([4]byte{byte(rng.IntN(224)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}))
		}
	}
	return out
}

// hostMask returns the host bits of p's last byte.
func hostMask(p netip.Prefix) byte {
	rem := p.Addr().BitLen() - p.Bits()
	if rem >= 8 {
		return 0xff
	}
	return byte(1<<rem - 1)
}

// heapOf returns the MB of heap that the value built by f keeps alive.
func heapOf(f func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := f()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}
