package cloud

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// feedServer is a local stand-in for the providers' servers: path → body,
// or a status code.
type feedServer struct {
	mu     sync.Mutex
	bodies map[string]string
	status map[string]int
	srv    *httptest.Server
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{status: map[string]int{}}
	fs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if r.Header.Get("User-Agent") != "orchex" {
			http.Error(w, "no user agent", http.StatusForbidden)
			return
		}
		if code := fs.status[r.URL.Path]; code != 0 {
			http.Error(w, "unavailable", code)
			return
		}
		body, ok := fs.bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(fs.srv.Close)
	fs.bodies = fs.good("1787411825", "20260427", 398)
	return fs
}

// good returns a full set of valid feeds.
func (fs *feedServer) good(awsToken, azureDay string, azureChange int) map[string]string {
	return map[string]string{
		"/ip-ranges.json": genAWS(1200, awsToken, "2026-08-22-15-17-05"),
		"/cloud.json":     genGCP(150, "1778033048194"),
		"/download/details.aspx": `<html><body><a href="https://download.example/x">other</a>` +
			`<a href="/download/ServiceTags_Public_` + azureDay + `.json" class="mscom-link">Download</a></body></html>`,
		"/download/ServiceTags_Public_" + azureDay + ".json": genAzure(1100, azureChange),
		"/public_ip_ranges.json":                             genOracle(120, "2025-07-21T07:13:25.457838"),
		"/geo/google.csv":                                    genGeofeed(120, 104, ""),
		"/linode/":                                           genGeofeed(110, 50, "# Last modified: 2025-07-24 10:00:06.525037\n"),
		"/geofeed":                                           genVultr(60),
		"/ips-v4":                                            genList(15, 173, false),
		"/ips-v6":                                            genList(7, 0x2400, true),
	}
}

func (fs *feedServer) set(bodies map[string]string) {
	fs.mu.Lock()
	fs.bodies = bodies
	fs.mu.Unlock()
}

func (fs *feedServer) options() UpdateOptions {
	u := fs.srv.URL
	return UpdateOptions{
		Client: fs.srv.Client(),
		URLs: map[string]string{
			"aws": u + "/ip-ranges.json", "gcp": u + "/cloud.json", "azure": u + "/download/details.aspx?id=56519",
			"oracle": u + "/public_ip_ranges.json", "digitalocean": u + "/geo/google.csv", "linode": u + "/linode/",
			"vultr": u + "/geofeed?json", "cloudflare-v4": u + "/ips-v4", "cloudflare-v6": u + "/ips-v6",
		},
	}
}

func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func TestUpdate(t *testing.T) {
	fs := newFeedServer(t)
	dir := filepath.Join(t.TempDir(), "orchex", "ranges")
	infos, err := Update(context.Background(), dir, fs.options())
	if err != nil {
		t.Fatal(err)
	}
	files := make([]string, 0, len(infos))
	for _, fi := range infos {
		files = append(files, fi.File)
	}
	want := []string{"aws-ip-ranges.json", "gcp-cloud.json", "azure-servicetags-20260427.json", "oracle-public_ip_ranges.json",
		"digitalocean-geo.csv", "linode-geofeed.csv", "vultr-geofeed.json", "cloudflare-ips-v4.txt", "cloudflare-ips-v6.txt"}
	if !slices.Equal(files, want) {
		t.Errorf("files %q, want %q", files, want)
	}
	got := snapshotDir(t, dir)
	if len(got) != len(want) {
		t.Errorf("dir holds %d entries, want %d (no temp dir left): %v", len(got), len(want), slices.Sorted(maps.Keys(got)))
	}
	if got["aws-ip-ranges.json"] != fs.bodies["/ip-ranges.json"] {
		t.Error("aws file is not the body served")
	}
	r, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := r.Lookup(netip.MustParseAddr("20.0.1.9"))
	if !ok || m.Provider != "azure" || m.Region != "eastus" || m.FeedDate != "2026-04-27" {
		t.Errorf("azure lookup: %+v %v", m, ok)
	}
	if m, ok := r.Lookup(netip.MustParseAddr("45.0.3.1")); !ok || m.Provider != "vultr" || m.Region != "ewr" {
		t.Errorf("vultr lookup: %+v %v", m, ok)
	}

	// A newer Azure week replaces the old Azure file.
	fs.set(fs.good("1787411999", "20260504", 399))
	if _, err := Update(context.Background(), dir, fs.options()); err != nil {
		t.Fatal(err)
	}
	got = snapshotDir(t, dir)
	if _, ok := got["azure-servicetags-20260427.json"]; ok {
		t.Error("old azure file kept next to the new one")
	}
	if _, ok := got["azure-servicetags-20260504.json"]; !ok {
		t.Error("new azure file missing")
	}
}

// TestUpdateKeepsPrevious checks that any failing feed leaves every file
// in the directory as it was, and that the error says which feed and why.
func TestUpdateKeepsPrevious(t *testing.T) {
	tests := []struct {
		name   string
		change func(fs *feedServer, b map[string]string)
		want   []string
	}{
		{"older aws token", func(fs *feedServer, b map[string]string) {
			b["/ip-ranges.json"] = genAWS(1200, "1787411000", "2026-08-22-15-17-05")
		}, []string{"aws (http://127.0.0.1:", "sync token 1787411000 is older than the copy in aws-ip-ranges.json"}},
		{"older azure change number", func(fs *feedServer, b map[string]string) {
			for k := range b {
				if strings.Contains(k, "ServiceTags") {
					b[k] = genAzure(1100, 300)
				}
			}
		}, []string{"azure", "sync token 300 is older than the copy in azure-servicetags-20260427.json"}},
		{"server error", func(fs *feedServer, b map[string]string) { fs.status["/cloud.json"] = 503 }, []string{"gcp", "HTTP status 503"}},
		{"html instead of json", func(fs *feedServer, b map[string]string) {
			b["/public_ip_ranges.json"] = "<html><body>Maintenance</body></html>"
		}, []string{"oracle", "not a known feed format"}},
		{"too few prefixes", func(fs *feedServer, b map[string]string) {
			b["/ip-ranges.json"] = genAWS(20, "1787411999", "2026-08-22-15-17-05")
		}, []string{"aws", "only 25 prefixes, fewer than the 1000 expected"}},
		{"truncated", func(fs *feedServer, b map[string]string) {
			s := genVultr(60)
			b["/geofeed"] = s[:len(s)/2]
		}, []string{"vultr", "truncated"}},
		{"azure page changed", func(fs *feedServer, b map[string]string) {
			b["/download/details.aspx"] = "<html>new layout</html>"
		}, []string{"azure", "no ServiceTags_Public_YYYYMMDD.json link"}},
		{"wrong feed at url", func(fs *feedServer, b map[string]string) {
			b["/ips-v4"] = genGeofeed(20, 173, "")
		}, []string{"cloudflare-v4", "expected a cloudflare list feed, found a cloudflare geofeed feed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFeedServer(t)
			dir := t.TempDir()
			if _, err := Update(context.Background(), dir, fs.options()); err != nil {
				t.Fatal(err)
			}
			before := snapshotDir(t, dir)
			b := fs.good("1787411999", "20260504", 399) // newer everywhere...
			tt.change(fs, b)                            // ...except the broken one
			fs.set(b)
			_, err := Update(context.Background(), dir, fs.options())
			if err == nil {
				t.Fatal("Update succeeded, want an error")
			}
			for _, w := range append(tt.want, "nothing replaced") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			after := snapshotDir(t, dir)
			if len(after) != len(before) {
				t.Errorf("dir changed: %v → %v", slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
			}
			for name, body := range before {
				if after[name] != body {
					t.Errorf("%s was replaced", name)
				}
			}
		})
	}
}

func TestUpdateCancelled(t *testing.T) {
	fs := newFeedServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Update(ctx, dir, fs.options()); err == nil {
		t.Fatal("Update with a cancelled context succeeded")
	}
	if got := snapshotDir(t, dir); len(got) != 0 {
		t.Errorf("cancelled update left %v", slices.Sorted(maps.Keys(got)))
	}
}

// TestUpdateSharedRanges serves the real feed files from a local server and
// checks that each passes update's validation as published.
func TestUpdateSharedRanges(t *testing.T) {
	shared := sharedRanges(t)
	files := map[string]string{
		"/ip-ranges.json": "aws-ip-ranges.json", "/cloud.json": "gcp-cloud.json",
		"/download/ServiceTags_Public_20260430.json": "azure-servicetags.json",
		"/public_ip_ranges.json":                     "oracle-public_ip_ranges.json", "/geo/google.csv": "digitalocean-geo.csv",
		"/linode/": "linode-geofeed.csv", "/geofeed": "vultr-geofeed.json",
		"/ips-v4": "cloudflare-ips-v4.txt", "/ips-v6": "cloudflare-ips-v6.txt",
	}
	fs := newFeedServer(t)
	b := map[string]string{"/download/details.aspx": `<a href="https://127.0.0.1/x.json">x</a> <a href="ServiceTags_Public_20260430.json">Download</a>`}
	for path, name := range files {
		body, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		b[path] = string(body)
	}
	fs.set(b)
	dir := t.TempDir()
	infos, err := Update(context.Background(), dir, fs.options())
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 9 || r.Len() != 75840 {
		t.Errorf("%d feeds, %d prefixes; want 9 and 75840", len(infos), r.Len())
	}
	if m, ok := r.Lookup(netip.MustParseAddr("104.44.90.130")); !ok || m.Feed != "azure-servicetags-20260430.json" || m.FeedDate != "2026-04-30" {
		t.Errorf("azure: %+v %v", m, ok)
	}
}

func TestOlder(t *testing.T) {
	tests := []struct {
		name     string
		new, old Feed
		want     string
	}{
		{"newer token", Feed{Token: "20", Date: "2026-01-01"}, Feed{Token: "10", Date: "2026-02-01"}, ""},
		{"same token", Feed{Token: "10"}, Feed{Token: "10"}, ""},
		{"older token", Feed{Token: "9"}, Feed{Token: "10"}, "sync token 9 is older"},
		{"older date, no tokens", Feed{Date: "2025-07-20"}, Feed{Date: "2025-07-21"}, "date 2025-07-20 is older"},
		{"newer date", Feed{Date: "2025-07-22"}, Feed{Date: "2025-07-21"}, ""},
		{"token on one side only: dates decide", Feed{Token: "5", Date: "2025-07-20"}, Feed{Date: "2025-07-21"}, "date 2025-07-20 is older"},
		{"nothing to compare", Feed{}, Feed{}, ""},
	}
	for _, tt := range tests {
		if got := older(&tt.new, &tt.old); got != tt.want {
			t.Errorf("%s: older = %q, want %q", tt.name, got, tt.want)
		}
	}
}
