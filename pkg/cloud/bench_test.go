package cloud

import (
	"os"
	"path/filepath"
	"testing"
)

// writeGenerated writes a directory of generated feeds about the size of
// the real ones (about 75,000 prefixes, Azure's 57,000 of them).
func writeGenerated(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	files := map[string]string{
		"aws-ip-ranges.json":               genAWS(9000, "1787411825", "2026-08-22-15-17-05"),
		"gcp-cloud.json":                   genGCP(900, "1778033048194"),
		"ServiceTags_Public_20260427.json": genAzure(57000, 398),
		"oracle-public_ip_ranges.json":     genOracle(900, "2025-07-21T07:13:25.457838"),
		"digitalocean-geo.csv":             genGeofeed(1200, 104, ""),
		"linode-geofeed.csv":               genGeofeed(4500, 50, "# Last modified: 2025-07-24 10:00:06.525037\n"),
		"vultr-geofeed.json":               genVultr(500),
		"cloudflare-ips-v4.txt":            genList(15, 173, false),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoadGenerated loads a generated directory the size of the real
// feeds; it runs everywhere.
func BenchmarkLoadGenerated(b *testing.B) {
	benchLoad(b, writeGenerated(b))
}

// benchLoad measures loading dir: CPU and wall time per load, the heap the
// loaded set keeps (MB-heap) and its prefix count.
func benchLoad(b *testing.B, dir string) {
	b.ReportAllocs()
	var r *Ranges
	cpu0 := cpuTime()
	for b.Loop() {
		var err error
		if r, err = LoadDir(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/load")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
	b.ReportMetric(heapOf(func() any { r, _ := LoadDir(dir); return r }), "MB-heap")
	b.ReportMetric(float64(r.Len()), "prefixes")
}

// BenchmarkLookupGenerated looks addresses up in the generated set.
func BenchmarkLookupGenerated(b *testing.B) {
	r, err := LoadDir(writeGenerated(b))
	if err != nil {
		b.Fatal(err)
	}
	benchLookup(b, r)
}
