package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rangesRun runs orchex with buffers and a fixed environment.
func rangesRun(env map[string]string, args ...string) (string, string, ExitCode) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return out.String(), errb.String(), code
}

const rangesFixtures = "../cloud/testdata/feeds"

func TestRangesInfo(t *testing.T) {
	out, errs, code := rangesRun(nil, "ranges", "info", "--ranges", rangesFixtures)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := `PROVIDER      FILE                              DATE        TOKEN          IPV4  IPV6
aws           aws-ip-ranges.json                2026-08-22  1787411825     5     2
azure         ServiceTags_Public_20260427.json  2026-04-27  398            4     1
cloudflare    cloudflare-ips-v4.txt             -           -              3     0
cloudflare    cloudflare-ips-v6.txt             -           -              0     2
digitalocean  digitalocean-geo.csv              -           -              3     1
gcp           gcp-cloud.json                    2026-05-05  1778033048194  3     1
linode        linode-geofeed.csv                2025-07-24  -              2     1
oracle        oracle-public_ip_ranges.json      2025-07-21  -              3     0
vultr         vultr-geofeed.json                2024-04-18  -              3     1
35 distinct prefixes from 9 feeds in ../cloud/testdata/feeds
no prefix is listed by two feeds
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

// TestRangesInfoShadowed: a prefix listed by two feeds is counted for the
// feed that loses it, by name, in ranges info.
func TestRangesInfoShadowed(t *testing.T) {
	dir := t.TempDir()
	v4, err := os.ReadFile(filepath.Join(rangesFixtures, "cloudflare-ips-v4.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cloudflare-ips-v4.txt", "cloudflare-ips-v4-copy.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), v4, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errs, code := rangesRun(nil, "ranges", "info", "--ranges", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "cloudflare (cloudflare-ips-v4.txt): 3 prefixes also listed by a feed loaded before it, whose records win") &&
		!strings.Contains(out, "cloudflare (cloudflare-ips-v4-copy.txt): 3 prefixes also listed by a feed loaded before it, whose records win") {
		t.Errorf("no shadowed count:\n%s", out)
	}
	if strings.Contains(out, "no prefix is listed by two feeds") {
		t.Errorf("says no prefix is shared:\n%s", out)
	}
}

func TestRangesInfoNoCache(t *testing.T) {
	home := t.TempDir()
	out, _, code := rangesRun(map[string]string{"HOME": home}, "ranges", "info")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "no feeds loaded") || !strings.Contains(out, filepath.Join(home, ".cache", "orchex", "ranges")) {
		t.Errorf("stdout %q", out)
	}
}

func TestRangesInfoBadDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "aws-ip-ranges.json"), []byte(`{"syncToken":"1","createDate":"2026-08-22-15-17-05","prefixes":[{"ip_prefix":"300.0.0.0/8"}]}`), 0o644)
	_, errs, code := rangesRun(nil, "ranges", "info", "--ranges", dir)
	if code != ExitFailure {
		t.Errorf("exit %d, want %d", code, ExitFailure)
	}
	for _, w := range []string{"aws-ip-ranges.json", "prefixes[0]", `bad prefix "300.0.0.0/8"`} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr %q does not contain %q", errs, w)
		}
	}
}

func TestRangesLookup(t *testing.T) {
	out, errs, code := rangesRun(nil, "ranges", "lookup", "--ranges", rangesFixtures,
		"3.5.140.2", "2600:1f18::1", "45.79.0.1", "172.232.0.9", "192.0.2.1", "not-an-ip\x1b[2J")
	if code != ExitPartial {
		t.Errorf("exit %d, want %d", code, ExitPartial)
	}
	want := `ADDRESS       PROVIDER  REGION                       SERVICE  PREFIX          FEED
3.5.140.2     aws       ap-northeast-2               EC2      3.5.140.0/22    aws-ip-ranges.json@2026-08-22
2600:1f18::1  aws       us-east-1                    EC2      2600:1f18::/33  aws-ip-ranges.json@2026-08-22
45.79.0.1     linode    us-central (Richardson, US)  -        45.79.0.0/24    linode-geofeed.csv@2025-07-24
172.232.0.9   linode    Berlin (DE)                  -        172.232.0.0/24  linode-geofeed.csv@2025-07-24
192.0.2.1     -         -                            -        -               -
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errs, `"not-an-ip`) || strings.Contains(errs, "\x1b") {
		t.Errorf("stderr %q", errs)
	}
}

func TestRangesLookupUsage(t *testing.T) {
	if _, _, code := rangesRun(nil, "ranges", "lookup", "--ranges", rangesFixtures); code != ExitUsage {
		t.Errorf("no address: exit %d, want %d", code, ExitUsage)
	}
	if _, errs, code := rangesRun(map[string]string{"HOME": t.TempDir()}, "ranges", "lookup", "3.5.140.2"); code != ExitFailure || !strings.Contains(errs, "no feeds loaded") {
		t.Errorf("no feeds: exit %d, stderr %q", code, errs)
	}
	if _, _, code := rangesRun(nil, "ranges", "update", "--dir", t.TempDir(), "--url", "nosuch=http://127.0.0.1:1/"); code != ExitUsage {
		t.Errorf("bad --url: exit %d, want %d", code, ExitUsage)
	}
}

func TestLoadRanges(t *testing.T) {
	g := &globals{env: Env{Getenv: func(k string) string { return map[string]string{"XDG_CACHE_HOME": t.TempDir()}[k] }}}
	if r, err := g.loadRanges(""); r != nil || err != nil {
		t.Errorf("no cache: %v, %v; want nil, nil", r, err)
	}
	r, err := g.loadRanges(rangesFixtures)
	if err != nil || r.Len() != 35 {
		t.Errorf("fixtures: %v, %v", r, err)
	}
	if _, err := g.loadRanges(t.TempDir()); err == nil {
		t.Error("explicit empty dir: no error")
	}
	if _, _, code := rangesRun(nil, "ranges", "info", "--ranges", "/nonexistent/orchex"); code != ExitUsage {
		t.Errorf("missing --ranges dir: exit %d, want %d", code, ExitUsage)
	}
}

// rangesFeedBodies returns valid feeds in the official formats, each with
// enough prefixes to pass update's plausibility check.
func rangesFeedBodies(awsToken string) map[string]string {
	var aws, gcp, az, oci, geo, vultr, cf4, cf6 strings.Builder
	fmt.Fprintf(&aws, `{"syncToken":%q,"createDate":"2026-08-22-15-17-05","prefixes":[`, awsToken)
	fmt.Fprint(&gcp, `{"syncToken":"1778033048194","creationTime":"2026-05-05T19:04:08.194918","prefixes":[`)
	fmt.Fprint(&az, `{"changeNumber":398,"cloud":"Public","values":[{"name":"AzureCloud.eastus","id":"AzureCloud.eastus","properties":{"region":"eastus","systemService":"","addressPrefixes":[`)
	fmt.Fprint(&oci, `{"last_updated_timestamp":"2025-07-21T07:13:25.457838","regions":[{"region":"us-ashburn-1","cidrs":[`)
	fmt.Fprint(&vultr, `{"updated":"2024-04-18T07:55:40-04:00","subnets":[`)
	for i := 0; i < 1200; i++ {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&aws, `%s{"ip_prefix":"3.%d.%d.0/24","region":"us-east-1","service":"EC2","network_border_group":"us-east-1"}`, sep, i/256, i%256)
		fmt.Fprintf(&az, `%s"20.%d.%d.0/24"`, sep, i/256, i%256)
		if i < 150 {
			fmt.Fprintf(&gcp, `%s{"ipv4Prefix":"34.%d.0.0/16","service":"Google Cloud","scope":"us-central1"}`, sep, i)
			fmt.Fprintf(&oci, `%s{"cidr":"129.%d.0.0/16","tags":["OCI"]}`, sep, i)
			fmt.Fprintf(&geo, "104.%d.0.0/16,US,US-NJ,North Bergen,07047\n", i)
			fmt.Fprintf(&vultr, `%s{"ip_prefix":"45.%d.0.0/16","alpha2code":"US","region":"US-NJ","city":"Piscataway"}`, sep, i)
		}
		if i < 10 {
			fmt.Fprintf(&cf4, "173.%d.0.0/16\n", i)
			fmt.Fprintf(&cf6, "2400:cb%02x::/32\n", i)
		}
	}
	aws.WriteString("]}")
	gcp.WriteString("]}")
	az.WriteString("]}}]}")
	oci.WriteString("]}]}")
	vultr.WriteString("]}")
	return map[string]string{
		"/aws":        aws.String(),
		"/gcp":        gcp.String(),
		"/azure/page": `<a href="/azure/ServiceTags_Public_20260427.json">download</a>`,
		"/azure/ServiceTags_Public_20260427.json": az.String(),
		"/oracle":       oci.String(),
		"/digitalocean": geo.String(),
		"/linode":       "# Last modified: 2025-07-24 10:00:06\n" + strings.ReplaceAll(geo.String(), "104.", "50."),
		"/vultr":        vultr.String(),
		"/cf4":          cf4.String(),
		"/cf6":          cf6.String(),
	}
}

func TestRangesUpdate(t *testing.T) {
	bodies := rangesFeedBodies("1787411825")
	failing := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == failing {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(b))
	}))
	defer srv.Close()
	args := func(dir string) []string {
		a := []string{"ranges", "update", "--dir", dir}
		for _, n := range []string{"aws", "gcp", "oracle", "digitalocean", "linode", "vultr"} {
			a = append(a, "--url", n+"="+srv.URL+"/"+n)
		}
		return append(a, "--url", "azure="+srv.URL+"/azure/page", "--url", "cloudflare-v4="+srv.URL+"/cf4", "--url", "cloudflare-v6="+srv.URL+"/cf6")
	}
	dir := filepath.Join(t.TempDir(), "ranges")
	out, errs, code := rangesRun(nil, args(dir)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{"azure         azure-servicetags-20260427.json  2026-04-27  398            1200", "9 feeds written to " + dir} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout %q does not contain %q", out, w)
		}
	}
	out, _, code = rangesRun(map[string]string{"XDG_CACHE_HOME": filepath.Dir(filepath.Dir(dir))}, "ranges", "lookup", "--ranges", dir, "3.0.5.1", "45.3.0.1")
	if code != ExitOK || !strings.Contains(out, "3.0.5.1   aws       us-east-1") || !strings.Contains(out, "vultr     ewr") {
		t.Errorf("lookup after update: exit %d\n%s", code, out)
	}

	// One feed failing replaces nothing and exits 1.
	before, _ := os.ReadFile(filepath.Join(dir, "aws-ip-ranges.json"))
	bodies = rangesFeedBodies("1787419999")
	failing = "/cf6"
	_, errs, code = rangesRun(nil, args(dir)...)
	if code != ExitFailure {
		t.Errorf("exit %d, want %d", code, ExitFailure)
	}
	if !strings.Contains(errs, "nothing replaced") || !strings.Contains(errs, "cloudflare-v6") || !strings.Contains(errs, "HTTP status 502") {
		t.Errorf("stderr %q", errs)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "aws-ip-ranges.json"))
	if !bytes.Equal(before, after) {
		t.Error("aws feed replaced although the update failed")
	}
}

// failWriter fails every write, as a closed pipe or a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("no space left on device") }

// TestRangesLookupWriteError: a lookup whose table cannot be written
// fails, saying so, instead of exiting 0 with nothing printed.
func TestRangesLookupWriteError(t *testing.T) {
	var errb bytes.Buffer
	code := Main(context.Background(), []string{"ranges", "lookup", "--ranges", rangesFixtures, "3.5.140.2"}, Env{
		Stdin: strings.NewReader(""), Stdout: failWriter{}, Stderr: &errb,
		Getenv: func(string) string { return "" },
	})
	if code != ExitFailure || !strings.Contains(errb.String(), "no space left on device") {
		t.Errorf("exit %d, stderr %q: want a failure naming the write error", code, errb.String())
	}
}
