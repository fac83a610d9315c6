package cloud

import (
	"bytes"
	"encoding/json"
	"io"
	"net/netip"
	"os"
	"slices"
	"testing"
)

// fuzzLoader checks the invariants every loader keeps on any input: no
// panic; on success at least one record, every prefix valid and masked,
// unique, every string clean, and each prefix found again by a Ranges
// built from the feed.
func fuzzLoader(f *testing.F, seed string, parse func(io.Reader) (*Feed, error)) {
	if b, err := os.ReadFile(seed); err == nil {
		f.Add(b)
	}
	f.Add([]byte("{}"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := parse(bytes.NewReader(data))
		if err != nil {
			if feed != nil {
				t.Fatal("feed returned with an error")
			}
			return
		}
		if len(feed.Records) == 0 {
			t.Fatal("success with no records")
		}
		seen := map[netip.Prefix]bool{}
		for _, r := range feed.Records {
			if !r.Prefix.IsValid() || r.Prefix != r.Prefix.Masked() || r.Prefix.Addr().Is4In6() {
				t.Fatalf("bad prefix %v", r.Prefix)
			}
			if seen[r.Prefix] {
				t.Fatalf("prefix %v twice", r.Prefix)
			}
			seen[r.Prefix] = true
			for _, s := range []string{r.Region, r.Service, r.BorderGroup, r.Country, r.Subdivision, r.City} {
				if s != clean(s) {
					t.Fatalf("unclean string %q", s)
				}
			}
		}
		if feed.Date != "" && len(feed.Date) != 10 {
			t.Fatalf("date %q is not YYYY-MM-DD", feed.Date)
		}
		rg := New(feed)
		for _, r := range feed.Records {
			m, ok := rg.Lookup(r.Prefix.Addr())
			if !ok || m.Prefix.Bits() < r.Prefix.Bits() {
				t.Fatalf("Lookup(%v) = %+v, %v; want a prefix at least as long as %v", r.Prefix.Addr(), m, ok, r.Prefix)
			}
		}
	})
}

func FuzzLoadAWS(f *testing.F) { fuzzLoader(f, "testdata/feeds/aws-ip-ranges.json", ParseAWS) }
func FuzzLoadGCP(f *testing.F) { fuzzLoader(f, "testdata/feeds/gcp-cloud.json", ParseGCP) }
func FuzzLoadAzure(f *testing.F) {
	fuzzLoader(f, "testdata/feeds/ServiceTags_Public_20260427.json", ParseAzure)
}
func FuzzLoadOracle(f *testing.F) {
	fuzzLoader(f, "testdata/feeds/oracle-public_ip_ranges.json", ParseOracle)
}
func FuzzLoadVultr(f *testing.F) { fuzzLoader(f, "testdata/feeds/vultr-geofeed.json", ParseVultr) }
func FuzzLoadGeofeed(f *testing.F) {
	fuzzLoader(f, "testdata/feeds/linode-geofeed.csv", func(r io.Reader) (*Feed, error) { return ParseGeofeed(r, Linode) })
}
func FuzzLoadList(f *testing.F) {
	fuzzLoader(f, "testdata/feeds/cloudflare-ips-v4.txt", func(r io.Reader) (*Feed, error) { return ParseList(r, Cloudflare) })
}

// FuzzPrefixList checks the fast Azure prefix-array decoder against
// encoding/json and parsePrefix: same prefixes, same acceptance.
func FuzzPrefixList(f *testing.F) {
	f.Add([]byte(`["20.42.0.0/17","2603:1000:4::10c/126"]`))
	f.Add([]byte(`["20.42.0.0\u002f17", "1.2.3.4"]`))
	f.Add([]byte(`[ "01.2.3.4/8" , "x" ]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var strs []string
		if json.Unmarshal(data, &strs) != nil {
			return
		}
		var want []netip.Prefix
		var wantErr bool
		for _, s := range strs {
			p, err := parsePrefix(s)
			if err != nil {
				wantErr = true
				break
			}
			want = append(want, p)
		}
		var l prefixList
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatalf("prefixList refused %q that encoding/json reads: %v", data, err)
		}
		if (l.err != nil) != wantErr {
			t.Fatalf("%q: prefixList error %v, parsePrefix error %v", data, l.err, wantErr)
		}
		if !wantErr && !slices.Equal(l.list, want) {
			t.Fatalf("%q: prefixList %v, want %v", data, l.list, want)
		}
	})
}
