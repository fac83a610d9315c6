package shodan

import (
	"testing"
)

// BenchmarkDecodeBannerStage is the decode stage of an import, per
// fixture banner, as records/s and allocations per record.
func BenchmarkDecodeBannerStage(b *testing.B) {
	for _, name := range []string{"kubernetes-403-anonymous.json", "kubernetes-open-nodes.json", "docker-version.json"} {
		b.Run(name, func(b *testing.B) {
			in := readFixture(b, name)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeBanner(in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
