package cloud

import (
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// BenchmarkTagStage is the cloud tagging stage of an import with feeds
// the size of the real ones loaded: Tag on observations half inside the
// feeds' prefixes, with an engine cloud field and an ASN (so every source
// is consulted and compared). It reports records/s and allocations per
// record; BenchmarkTagStage/no-feeds is the same without feeds.
func BenchmarkTagStage(b *testing.B) {
	r, err := LoadDir(writeGenerated(b))
	if err != nil {
		b.Fatal(err)
	}
	addrs := sampleAddrs(r, 4096)
	obs := make([]model.Observation, len(addrs))
	for i, a := range addrs {
		obs[i] = model.Observation{Engine: model.Shodan, Addr: a, ASN: 16509,
			Cloud: model.CloudHint{Provider: "Amazon", Region: "us-east-1", Service: "EC2"}}
	}
	for _, c := range []struct {
		name string
		r    *Ranges
	}{{"all-feeds", r}, {"no-feeds", nil}} {
		b.Run(c.name, func(b *testing.B) {
			t := NewTagger(c.r)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				t.Tag(&obs[i&4095])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			if st := t.Stats(); c.r != nil && st.Ranges == 0 {
				b.Fatal("no tag from the feeds")
			}
		})
	}
}
