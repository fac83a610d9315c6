package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/lineartest"
)

// The attacks of issue 16 on the range feeds: feeds that claim the
// internet, a feed of nested brackets, a download page linking elsewhere,
// non-regular files. Each test failed before the fix (docs/reliability.md).

// TestFeedsClaimingTheInternet: a Cloudflare list holding 0.0.0.0/0 tagged
// 8.8.8.8 and every AWS address as Cloudflare (95.9% AWS became 97.8%
// Cloudflare). A prefix broader than its family's limit, or a feed
// covering more of the internet than its provider plausibly holds, now
// fails the load with an error naming the file, the line and the prefix,
// and the caller keeps the set it had.
func TestFeedsClaimingTheInternet(t *testing.T) {
	for _, tc := range []struct {
		name, file, body string
		want             []string
	}{
		{"0.0.0.0/0", "cloudflare-ips-v4.txt", "173.245.48.0/20\n0.0.0.0/0\n", []string{"line 2", "0.0.0.0/0", "broader than /8"}},
		{"::/0", "cloudflare-ips-v6.txt", "2400:cb00::/32\n::/0\n", []string{"line 2", "::/0", "broader than /20"}},
		{"a /7 in an AWS feed", "aws-ip-ranges.json", `{"syncToken":"1","createDate":"2026-08-22-15-17-05","prefixes":[{"ip_prefix":"2.0.0.0/7","region":"us-east-1","service":"EC2"}]}`,
			[]string{"prefixes[0]", "2.0.0.0/7", "broader than /8"}},
		{"an Azure tag of /0", "ServiceTags_Public_20260427.json", `{"changeNumber":1,"values":[{"name":"AzureCloud","properties":{"addressPrefixes":["0.0.0.0/0"]}}]}`,
			[]string{"values[0]", "0.0.0.0/0"}},
		{"every /8 listed", "cloudflare-ips-v4.txt", genSlash8s(), []string{"cover", "IPv4 addresses", "plausible for the cloudflare feed"}},
		{"too many prefixes", "cloudflare-ips-v4.txt", genList(2000, 173, false), []string{"2000 prefixes", "1000 plausible"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, "testdata/feeds", dir)
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := LoadDir(dir)
			if err == nil {
				m, _ := r.Lookup(netip.MustParseAddr("8.8.8.8"))
				t.Fatalf("LoadDir accepted the feed; 8.8.8.8 is %q", m.Provider)
			}
			for _, w := range append(tc.want, tc.file) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func genSlash8s() string {
	var b strings.Builder
	for i := 1; i < 224; i++ {
		fmt.Fprintf(&b, "%d.0.0.0/8\n", i)
	}
	return b.String()
}

// TestUpdateRefusesFeedsClaimingTheInternet: `ranges update` installed
// lists holding 0.0.0.0/0 and ::/0. Now the download fails, naming the
// feed, and nothing is replaced.
func TestUpdateRefusesFeedsClaimingTheInternet(t *testing.T) {
	fs := newFeedServer(t)
	dir := filepath.Join(t.TempDir(), "ranges")
	if _, err := Update(context.Background(), dir, fs.options()); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, dir)
	bodies := fs.good("1787411999", "20260504", 399)
	bodies["/ips-v4"] = genList(15, 173, false) + "0.0.0.0/0\n"
	bodies["/ips-v6"] = "::/0\n" + genList(7, 0x2400, true)
	fs.set(bodies)
	_, err := Update(context.Background(), dir, fs.options())
	if err == nil || !strings.Contains(err.Error(), "cloudflare-v4") || !strings.Contains(err.Error(), "0.0.0.0/0") ||
		!strings.Contains(err.Error(), "cloudflare-v6") || !strings.Contains(err.Error(), "::/0") {
		t.Errorf("error %v; want both Cloudflare lists refused", err)
	}
	if after := snapshotDir(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("the ranges directory changed")
	}
}

// TestUpdateRefusesLinksElsewhere: the Azure download page is trusted for
// the link to the weekly file only on Microsoft's hosts over https, or on
// the page's own origin (a mirror): a link to another host, or over plain
// HTTP, fails the update and replaces nothing.
func TestUpdateRefusesLinksElsewhere(t *testing.T) {
	for _, link := range []string{
		"http://download.microsoft.com/download/ServiceTags_Public_20260504.json",
		"https://evil.example/download/ServiceTags_Public_20260504.json",
		"https://download.microsoft.com:8443/ServiceTags_Public_20260504.json",
	} {
		t.Run(link, func(t *testing.T) {
			fs := newFeedServer(t)
			dir := filepath.Join(t.TempDir(), "ranges")
			bodies := fs.good("1787411825", "20260504", 398)
			bodies["/download/details.aspx"] = `<a href="` + link + `">Download</a>`
			fs.set(bodies)
			_, err := Update(context.Background(), dir, fs.options())
			if err == nil || !strings.Contains(err.Error(), "azure") || !strings.Contains(err.Error(), "refused") {
				t.Errorf("error %v; want the link refused", err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%d files installed", len(ents))
			}
		})
	}
	page, _ := url.Parse("https://www.microsoft.com/en-us/download/details.aspx?id=56519")
	hosts := Sources()[2].LinkHosts
	for link, want := range map[string]bool{
		"https://download.microsoft.com/download/7/1/d/ServiceTags_Public_20260504.json": true,
		"https://www.microsoft.com/ServiceTags_Public_20260504.json":                     true,
		"https://DOWNLOAD.microsoft.com:443/ServiceTags_Public_20260504.json":            true,
		"http://download.microsoft.com/ServiceTags_Public_20260504.json":                 false,
		"https://download.microsoft.com.evil.example/ServiceTags_Public_20260504.json":   false,
		"ftp://download.microsoft.com/ServiceTags_Public_20260504.json":                  false,
	} {
		u, _ := url.Parse(link)
		if got := linkAllowed(page, u, hosts); got != want {
			t.Errorf("linkAllowed(%s) = %v, want %v", link, got, want)
		}
	}
}

// repeatReader yields n copies of b.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n)
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= k
	return int(k), nil
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestFeedBracketBomb: a 60 MB feed of nested brackets took 1.6 GB (5 GB
// with 4 such files): encoding/json's Token keeps a stack entry per open
// bracket. Now a feed over its provider's size is refused before it is
// parsed, and a value nested deeper than the skipper allows ends the parse
// after its first brackets, so both cost a few megabytes.
func TestFeedBracketBomb(t *testing.T) {
	prefix := `{"changeNumber": 1, "cloud": "Public", "values": [], "x": `
	const limit = 16 << 20
	t.Run("nested value under the size limit", func(t *testing.T) {
		var err error
		n := allocated(func() {
			_, err = ReadFeed("ServiceTags_Public_20260427.json",
				io.MultiReader(strings.NewReader(prefix), &repeatReader{'[', 40 << 20}))
		})
		if err == nil || !strings.Contains(err.Error(), "nested more than") {
			t.Errorf("error %v, want the nesting refused", err)
		}
		if n > limit {
			t.Errorf("parsing allocated %d bytes; want at most %d", n, limit)
		}
	})
	t.Run("60 MB file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ServiceTags_Public_20260427.json")
		fh, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(fh, io.MultiReader(strings.NewReader(prefix), &repeatReader{'[', 60 << 20})); err != nil {
			t.Fatal(err)
		}
		fh.Close()
		n := allocated(func() { _, err = LoadDir(filepath.Dir(path)) })
		if err == nil || !strings.Contains(err.Error(), "nested more than") {
			t.Errorf("error %v, want the nesting refused", err)
		}
		if n > limit {
			t.Errorf("loading allocated %d bytes; want at most %d", n, limit)
		}
	})
	t.Run("nested element", func(t *testing.T) {
		_, err := ReadFeed("ServiceTags_Public_20260427.json",
			io.MultiReader(strings.NewReader(`{"changeNumber": 1, "values": [`), &repeatReader{'[', 1 << 20}))
		if err == nil || !strings.Contains(err.Error(), "values[0]") {
			t.Errorf("error %v, want values[0] refused", err)
		}
	})
}

// TestReadFeedSizeByProvider: each provider's feed is held to its own
// size, read as a stream (a pipe, a download) as well as from a file.
func TestReadFeedSizeByProvider(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ServiceTags_Public_20260427.json")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(fh, io.MultiReader(strings.NewReader(`{"changeNumber": 1, "values": [`), &repeatReader{' ', 50 << 20})); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), "byte limit plausible for the azure feed") {
		t.Errorf("a 50 MB Azure file: %v, want it refused by size", err)
	}
	body := genList(15, 173, false) + strings.Repeat("# padding\n", 8000)
	_, err = ReadFeed("cloudflare-ips-v4.txt", strings.NewReader(body))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Provider != Cloudflare || tl.Limit != BoundsOf(Cloudflare).MaxBytes {
		t.Errorf("error %v, want the Cloudflare list refused at %d bytes", err, BoundsOf(Cloudflare).MaxBytes)
	}
	if _, err := ReadFeed("digitalocean-geo.csv", strings.NewReader(genGeofeed(15, 104, "")+strings.Repeat("# padding\n", 8000))); err != nil {
		t.Errorf("an 80 KB geofeed: %v", err)
	}
}

// TestParseFeedsLinear holds every feed parser to work linear in the
// number of prefixes (allocations and bytes allocated at n, 2n, 4n).
func TestParseFeedsLinear(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  func(n int) string
	}{
		{"aws-ip-ranges.json", func(n int) string { return genAWS(n, "1", "2026-08-22-15-17-05") }},
		{"gcp-cloud.json", func(n int) string { return genGCP(n, "1") }},
		{"ServiceTags_Public_20260427.json", func(n int) string { return genAzure(n, 1) }},
		{"oracle-public_ip_ranges.json", func(n int) string { return genOracle(n, "2025-07-21T07:13:25") }},
		{"vultr-geofeed.json", genVultr},
		{"linode-geofeed.csv", func(n int) string { return genGeofeed(n, 50, "") }},
		{"linode-list.txt", func(n int) string { return genList(n, 50, false) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lineartest.Check(t, tc.name, 2000, func(n int) lineartest.Work {
				body := tc.gen(n)
				return lineartest.Measure(func() int {
					if _, err := ReadFeed(tc.name, strings.NewReader(body)); err != nil {
						t.Fatal(err)
					}
					return 0
				})
			})
		})
	}
}

// BenchmarkParseFeedsDoubling parses each feed format at n and 2n
// prefixes, for people to compare (the test above is the check).
func BenchmarkParseFeedsDoubling(b *testing.B) {
	for _, tc := range []struct {
		name string
		gen  func(n int) string
	}{
		{"aws-ip-ranges.json", func(n int) string { return genAWS(n, "1", "2026-08-22-15-17-05") }},
		{"ServiceTags_Public_20260427.json", func(n int) string { return genAzure(n, 1) }},
		{"linode-geofeed.csv", func(n int) string { return genGeofeed(n, 50, "") }},
	} {
		for _, n := range []int{20_000, 40_000} {
			body := tc.gen(n)
			b.Run(fmt.Sprintf("%s/n=%d", tc.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ReadFeed(tc.name, strings.NewReader(body)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
