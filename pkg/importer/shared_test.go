package importer

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/sharedtest"
	"github.com/orchex/orchex/pkg/model"
)

// sharedSamples returns ../shared/data/samples (relative to the module
// root), skipping when it is absent.
func sharedSamples(t *testing.T) string {
	t.Helper()
	return sharedtest.Dir(t, "data/samples") // skips, or fails in CI, when absent
}

func find(obs []model.Observation, addr string, port uint16, transport string) *model.Observation {
	for i := range obs {
		if obs[i].Addr == netip.MustParseAddr(addr) && obs[i].Port == port && obs[i].Transport == transport {
			return &obs[i]
		}
	}
	return nil
}

// TestImportSharedSamples imports every file under the shared samples and
// checks what each holds. A sample added there without an entry here
// fails the test.
func TestImportSharedSamples(t *testing.T) {
	root := sharedSamples(t)
	type want struct {
		format     Format
		read, kept int
		ignored    int
		unknown    string // the unknown-format error, for files that hold no records
		check      func(t *testing.T, obs []model.Observation)
	}
	cloud := func(addr string, port uint16, hint model.CloudHint, country string) func(t *testing.T, obs []model.Observation) {
		return func(t *testing.T, obs []model.Observation) {
			o := find(obs, addr, port, "tcp")
			if o == nil || o.Cloud != hint || o.Country != country || o.Engine != model.Shodan {
				t.Errorf("%s:%d = %+v, want cloud %+v in %s", addr, port, o, hint, country)
			}
		}
	}
	samples := map[string]want{
		"shodan/count-response_apache-2.4_facets-org_shodan-client-issue34.json": {format: ShodanSearch},
		"shodan/generic-http_cloud-amazon-us-east-1_sekoia-automation-library.json": {format: ShodanBanner, read: 1, kept: 1,
			check: cloud("34.231.154.247", 80, model.CloudHint{Provider: "Amazon", Region: "us-east-1", Service: "AMAZON"}, "US")},
		"shodan/generic-http_no-cloud_shodan-region-na_mihari.json": {format: ShodanBanner, read: 1, kept: 1,
			check: cloud("1.1.1.1", 80, model.CloudHint{}, "US")},
		"shodan/generic-https_cloud-amazon-us-east-1_same-ip-as-http_sekoia-automation-library.json": {format: ShodanBanner, read: 1, kept: 1,
			check: cloud("34.231.154.247", 443, model.CloudHint{Provider: "Amazon", Region: "us-east-1", Service: "AMAZON"}, "US")},
		"shodan/generic-https_cloud-azure-centralus_sekoia-automation-library.json": {format: ShodanBanner, read: 1, kept: 1,
			check: func(t *testing.T, obs []model.Observation) {
				if obs[0].Cloud != (model.CloudHint{Provider: "Azure", Region: "centralus", Service: "AzureCloud"}) {
					t.Errorf("cloud %+v", obs[0].Cloud)
				}
			}},
		"shodan/generic-https_cloud-google-us-east1_sekoia-automation-library.json": {format: ShodanBanner, read: 1, kept: 1,
			check: func(t *testing.T, obs []model.Observation) {
				if obs[0].Cloud != (model.CloudHint{Provider: "Google", Region: "us-east1"}) {
					t.Errorf("cloud %+v", obs[0].Cloud)
				}
			}},
		"shodan/generic-https_cloud-linode-us-ga_sekoia-automation-library.json": {format: ShodanBanner, read: 1, kept: 1,
			check: cloud("50.116.39.56", 443, model.CloudHint{Provider: "Linode", Region: "us-ga"}, "US")},
		"shodan/host-response_1.1.1.1_common-osint-model.json": {format: ShodanHost, read: 16, kept: 16,
			check: func(t *testing.T, obs []model.Observation) {
				if find(obs, "1.1.1.1", 53, "udp") == nil || find(obs, "1.1.1.1", 161, "udp") == nil || find(obs, "1.1.1.1", 8880, "tcp") == nil {
					t.Error("1.1.1.1 53/udp, 161/udp or 8880/tcp missing")
				}
			}},
		"shodan/host-response_8.8.8.8_sekoia-automation-library.json": {format: ShodanHost, read: 3, kept: 3,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "8.8.8.8", 443, "tcp"); o == nil || o.ASN != 15169 || o.Country != "US" {
					t.Errorf("8.8.8.8:443 %+v", o)
				}
			}},
		"shodan/search-response_burp-collaborator-page1_sekoia-automation-library.json": {format: ShodanSearch, read: 100, kept: 100,
			check: func(t *testing.T, obs []model.Observation) {
				providers := map[string]int{}
				for _, o := range obs {
					providers[o.Cloud.Provider]++
				}
				for _, p := range []string{"Amazon", "Azure", "Google", "DigitalOcean", "Linode", "Vultr"} {
					if providers[p] == 0 {
						t.Errorf("no %s cloud hint among %v", p, providers)
					}
				}
				if find(obs, "34.231.154.247", 80, "tcp") == nil || find(obs, "34.231.154.247", 443, "tcp") == nil {
					t.Error("34.231.154.247 on 80 and 443 (same IP, two services)")
				}
			}},
		"shodan/search-response_query-ip-1.1.1.1_minify-true_mihari.json": {format: ShodanSearch, read: 12, kept: 12,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "1.1.1.1", 80, "tcp"); o == nil || o.HTTP == nil || o.HTTP.Status != 301 {
					t.Errorf("1.1.1.1:80 %+v", o)
				}
			}},
		"censys/v3/search_query_demisto_sanitized_401_endpoint.json": {format: CensysV3Search, read: 1, kept: 1,
			check: func(t *testing.T, obs []model.Observation) {
				o := find(obs, "127.0.0.1", 1024, "tcp")
				if o == nil || o.HTTP == nil || o.HTTP.Status != 401 || o.HTTP.Header("WWW-Authenticate") == "" || o.Country != "TR" || o.Engine != model.Censys {
					t.Errorf("the 401 endpoint: %+v", o)
				}
			}},
		"censys/v3/search_query_host.ip_1.1.1.1__mihari_vcr_2025-12-01.json": {format: CensysV3Search, read: 1, kept: 16,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "1.1.1.1", 853, "tcp"); o == nil || o.TLS == nil || o.ASN != 13335 {
					t.Errorf("1.1.1.1:853 %+v", o)
				}
			}},
		"censys/v2/hosts_search_ip_1.1.1.1__mihari_vcr_2023-05-20.json": {format: CensysV2Search, read: 1, kept: 16,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "1.1.1.1", 443, "udp"); o == nil || o.Protocol != "UNKNOWN" || o.HTTP != nil {
					t.Errorf("QUIC 443 %+v (links {} single page, summary without http)", o)
				}
			}},
		"censys/v2/hosts_search_single_hit__2024-10-27.json": {format: CensysV2Host, read: 1, kept: 2,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "23.4.189.49", 443, "tcp"); o == nil || o.ASN != 16625 || o.City != "Ashburn" {
					t.Errorf("%+v", o)
				}
			}},
		"censys/v2/hosts_view_8.8.8.8__result_only__2024-10-27.json": {format: CensysV2Host, read: 1, kept: 4,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "8.8.8.8", 443, "tcp"); o == nil || o.HTTP == nil || o.HTTP.Header("X-Frame-Options") != "SAMEORIGIN" {
					t.Errorf("underscore headers: %+v", o)
				}
			}},
		"censys/v2/hosts_aggregate__official_doc_example.json":                     {unknown: `result has keys ["buckets"`},
		"censys/censys-python-test-fixtures/v1_account.json":                       {unknown: `keys ["email"`},
		"censys/censys-python-test-fixtures/v2_error_429_quota_exhausted.json":     {unknown: "API error response"},
		"censys/censys-python-test-fixtures/v2_error_429_rate_limit_exceeded.json": {unknown: "API error response"},
		"censys/censys-python-test-fixtures/v2_error_500.json":                     {unknown: "API error response"},
		"censys/censys-python-test-fixtures/v2_experimental_hosts_events.json":     {unknown: `result has keys ["events" "ip"]`},
		"censys/censys-python-test-fixtures/v2_hosts_aggregate.json":               {unknown: `result has keys ["buckets"`},
		"censys/censys-python-test-fixtures/v2_hosts_diff.json":                    {unknown: `result has keys ["a" "b" "patch"]`},
		"censys/censys-python-test-fixtures/v2_hosts_names.json":                   {unknown: `result has keys ["names"]`},
		"censys/censys-python-test-fixtures/v2_metadata_hosts.json":                {unknown: `result has keys ["services"]`},
		"censys/censys-python-test-fixtures/v2_hosts_search.json": {format: CensysV2Search, read: 2, kept: 4,
			check: func(t *testing.T, obs []model.Observation) {
				if o := find(obs, "1.0.0.1", 80, "tcp"); o == nil || o.Protocol != "HTTP" {
					t.Errorf("%+v (no transport: tcp)", o)
				}
			}},
		"censys/censys-python-test-fixtures/v2_hosts_view_8.8.8.8.json": {format: CensysV2Host, read: 1, kept: 1},
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			w, ok := samples[rel]
			if !ok {
				t.Fatalf("no expectation for sample %s: add one", rel)
			}
			res, obs, err := collect(t, filepath.Join(root, filepath.FromSlash(rel)), Options{})
			if w.unknown != "" {
				if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), w.unknown) {
					t.Errorf("error %v, want unknown format with %q", err, w.unknown)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != w.format || res.Read != w.read || res.Kept != w.kept || res.Ignored != w.ignored || res.Bad != 0 || res.Truncated {
				t.Errorf("format %s read %d kept %d ignored %d bad %d truncated %v; want %s %d %d %d 0 false (errors %v)",
					res.Format, res.Read, res.Kept, res.Ignored, res.Bad, res.Truncated, w.format, w.read, w.kept, w.ignored, res.Errors)
			}
			if len(res.SHA256) != 64 {
				t.Errorf("sha256 %q", res.SHA256)
			}
			if w.check != nil {
				w.check(t, obs)
			}
		})
	}
	if len(files) < len(samples) {
		t.Errorf("%d sample files found, %d expected: a sample went missing", len(files), len(samples))
	}
}
