package shodan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/lineartest"
)

// bannerShapes are banners made of n parts, for the linear-work test and
// the doubling benchmark: every list and free-form part a banner can
// grow, and the member shapes a scanner can trip on (unknown members,
// repeated members).
func bannerShapes() []struct {
	name   string
	banner func(n int) []byte
} {
	wrap := func(body func(b *strings.Builder, n int)) func(n int) []byte {
		return func(n int) []byte {
			var b strings.Builder
			b.WriteString(`{"ip_str":"192.0.2.1","port":443,"transport":"tcp",`)
			body(&b, n)
			b.WriteString(`}`)
			return []byte(b.String())
		}
	}
	list := func(key, elem string) func(n int) []byte {
		return wrap(func(b *strings.Builder, n int) {
			fmt.Fprintf(b, "%q:[", key)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, elem, i)
			}
			b.WriteString("]")
		})
	}
	return []struct {
		name   string
		banner func(n int) []byte
	}{
		{"unknown members", wrap(func(b *strings.Builder, n int) {
			for i := range n {
				fmt.Fprintf(b, `"x%d":{"y":[%d]},`, i, i)
			}
			b.WriteString(`"product":"p"`)
		})},
		{"repeated members", wrap(func(b *strings.Builder, n int) {
			for i := range n {
				fmt.Fprintf(b, `"http":{"title":"t%d","status":200},"hostnames":["h%d"],`, i, i)
			}
			b.WriteString(`"product":"p"`)
		})},
		{"hostnames", list("hostnames", `"h%d.example"`)},
		{"cpe23", list("cpe23", `"cpe:2.3:a:v%d:p:1"`)},
		{"extensions", wrap(func(b *strings.Builder, n int) {
			b.WriteString(`"ssl":{"cert":{"subject":{"CN":"x"},"extensions":[`)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, `{"name":"e%d","data":"d"}`, i)
			}
			b.WriteString(`]}}`)
		})},
		{"subject attributes", wrap(func(b *strings.Builder, n int) {
			b.WriteString(`"ssl":{"cert":{"subject":{`)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, `"A%d":["v","w"]`, i)
			}
			b.WriteString(`}}}`)
		})},
		{"header lines", wrap(func(b *strings.Builder, n int) {
			b.WriteString(`"data":"HTTP/1.1 200 OK\r\n`)
			for i := range n {
				fmt.Fprintf(b, `X-H%d: v\r\n folded line %d\r\n`, i, i)
			}
			b.WriteString(`\r\nbody"`)
		})},
		{"html", wrap(func(b *strings.Builder, n int) {
			fmt.Fprintf(b, `"http":{"html":%q}`, strings.Repeat("<p>\u00e9</p>", n))
		})},
	}
}

// TestDecodeBannerLinear holds DecodeBanner to work linear in the banner:
// for banners of n, 2n and 4n parts it counts the allocations and the
// bytes allocated (never the time).
func TestDecodeBannerLinear(t *testing.T) {
	for _, s := range bannerShapes() {
		t.Run(s.name, func(t *testing.T) {
			lineartest.Check(t, s.name, 2000, func(n int) lineartest.Work {
				in := s.banner(n)
				return lineartest.Measure(func() int {
					if _, err := DecodeBanner(in); err != nil {
						t.Fatal(err)
					}
					return 0
				})
			})
		})
	}
}

// BenchmarkDecodeBannerDoubling decodes each banner shape at n and 2n
// parts, for people to compare (the test above is the check).
func BenchmarkDecodeBannerDoubling(b *testing.B) {
	for _, s := range bannerShapes() {
		for _, n := range []int{10_000, 20_000} {
			in := s.banner(n)
			b.Run(fmt.Sprintf("%s/n=%d", s.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := DecodeBanner(in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
