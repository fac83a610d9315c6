package shodan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"testing"

	"github.com/orchex/orchex/internal/jsonscan"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
)

// demoBanners returns n realistic banners (one `shodan download` line
// each) from the demo generator: HTTP head and html, location, cloud,
// _shodan, an ssl.cert with a 40-digit serial and a PEM ssl.chain.
func demoBanners(tb testing.TB, n int) [][]byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := demo.WriteShodan(context.Background(), &buf, demo.Config{Seed: 1}, n); err != nil {
		tb.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatal("the demo generator wrote no banners")
	}
	return out
}

// BenchmarkDecodeBannerRealistic decodes demo banners of the shape of a
// real `shodan download` file, round robin, and reports records/s, MB/s
// and allocations per record.
func BenchmarkDecodeBannerRealistic(b *testing.B) {
	benchDecode(b, DecodeBanner)
}

// BenchmarkDecodeBannerRealisticReference is the same with the
// encoding/json reference decoder (DecodeBanner before the scanner), for
// a comparison under the same machine load.
func BenchmarkDecodeBannerRealisticReference(b *testing.B) {
	benchDecode(b, decodeBannerReference)
}

func benchDecode(b *testing.B, decode func([]byte) (model.Observation, error)) {
	in := demoBanners(b, 1000)
	total := 0
	for _, l := range in {
		total += len(l)
	}
	b.SetBytes(int64(total / len(in)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := decode(in[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(in) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkScanBannerRealistic is the scan alone on the same banners
// (validation, key matching, spans; no string decoded, no observation
// built): the part of BenchmarkDecodeBannerRealistic that replaced
// encoding/json.
func BenchmarkScanBannerRealistic(b *testing.B) {
	in := demoBanners(b, 1000)
	total := 0
	for _, l := range in {
		total += len(l)
	}
	b.SetBytes(int64(total / len(in)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var vals [maxStack]jsonscan.Value
		if !bannerTable.schema.Scan(in[i], vals[:]) {
			b.Fatal("a demo banner is not valid JSON")
		}
		if i++; i == len(in) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
