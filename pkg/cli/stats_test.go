package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

func TestStatsShodan(t *testing.T) {
	pop := []json.RawMessage{
		shodantest.Banner{IP: "1.2.3.4", Port: 6443, Country: "US", Org: "Amazon", Product: "Kubernetes", Cloud: &shodantest.Cloud{Provider: "Amazon", Region: "us-east-1"}}.JSON(),
		shodantest.Banner{IP: "1.2.3.5", Port: 6443, Country: "US", Org: "Evil\x1b[31m\tOrg\u202e", Product: "Kubernetes"}.JSON(),
		shodantest.Banner{IP: "1.2.3.6", Port: 443, Country: "DE", Org: "Hetzner"}.JSON(),
	}
	srv := shodantest.NewServer(shodantest.Config{Key: collectCanary, Rate: 400, Burst: 4,
		Population: func(string) []json.RawMessage { return pop }})
	defer srv.Close()
	env := map[string]string{"SHODAN_API_KEY": collectCanary, "ORCHEX_SHODAN_URL": srv.URL(), "HOME": t.TempDir()}
	db := filepath.Join(t.TempDir(), "o.db")

	r := runOrchex(t, context.Background(), env, "--db", db, "stats", "--engine", "shodan", "--products", "kubernetes-api", "--shodan-rate", "200", "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var out struct {
		Queries []collect.StatsRow `json:"queries"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	if len(out.Queries) != 2 || out.Queries[0].QueryID != "kubernetes-api/shodan/1" || out.Queries[0].Total != 3 {
		t.Fatalf("queries = %+v", out.Queries)
	}
	facets := map[string][]collect.StatsBucket{}
	for _, f := range out.Queries[0].Facets {
		facets[f.Name] = f.Buckets
	}
	if len(facets) != 7 {
		t.Errorf("facets %v, want Shodan's 7 defaults", facets)
	}
	if b := facets["country"]; len(b) != 2 || b[0] != (collect.StatsBucket{Value: "US", Count: 2}) || b[1] != (collect.StatsBucket{Value: "DE", Count: 1}) {
		t.Errorf("country = %v", b)
	}
	if b := facets["port"]; len(b) != 2 || b[0] != (collect.StatsBucket{Value: "6443", Count: 2}) {
		t.Errorf("port = %v", b)
	}
	if b := facets["cloud.region"]; len(b) != 1 || b[0] != (collect.StatsBucket{Value: "us-east-1", Count: 1}) {
		t.Errorf("cloud.region = %v", b)
	}
	if st := srv.Stats(); st.Credits != 0 || st.Searches != 0 {
		t.Errorf("stats spent credits: %+v", st)
	}

	r = runOrchex(t, context.Background(), env, "--db", db, "stats", "--engine", "shodan", "--products", "kubernetes-api", "--shodan-rate", "200")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "kubernetes-api/shodan/1  total") || !strings.Contains(r.stdout, "us-east-1") {
		t.Errorf("table:\n%s", r.stdout)
	}
	if strings.ContainsAny(r.stdout, "\x1b\u202e") || strings.Contains(r.stdout, collectCanary) {
		t.Errorf("table holds control characters or the key:\n%q", r.stdout)
	}
}

// TestStatsCensysAsksOnlyRequestedFacets runs stats against the Censys
// fake and counts its aggregate calls, each of which costs a credit:
// --facets port makes one call a query, the default four, and a facet
// Censys does not count costs nothing and is named on stderr.
func TestStatsCensysAsksOnlyRequestedFacets(t *testing.T) {
	var hosts [][]byte
	for i := range 30 {
		hosts = append(hosts, fmt.Appendf(nil, `{"ip":"198.51.100.%d","location":{"country_code":"DE"},"autonomous_system":{"asn":16509},"services":[`+
			`{"port":9000,"protocol":"HTTP","transport_protocol":"tcp","endpoints":[{"http":{"status_code":200,"html_title":"Portainer","body":"<html ng-app=\"portainer\">"}}]}]}`, i))
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	queries := 0
	for _, q := range cat.Queries() {
		if q.Product == "portainer" && q.Dialect == "cenql" {
			queries++
		}
	}
	env := map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary, "CENSYS_ORG_ID": "org-1"}
	for _, tc := range []struct {
		facets    []string
		perQuery  int
		wantFacet []string
		stderr    string
	}{
		{[]string{"--facets", "port"}, 1, []string{"port"}, ""},
		{nil, 4, []string{"country", "asn", "port", "product"}, ""},
		{[]string{"--facets", "port,org"}, 1, []string{"port"}, "facet org is not available"},
	} {
		t.Run(strings.Join(tc.facets, " "), func(t *testing.T) {
			srv := censystest.NewServer(censystest.Config{Token: censysCanary, OrgID: "org-1", Hosts: hosts})
			defer srv.Close()
			args := append([]string{"--db", filepath.Join(t.TempDir(), "o.db"), "stats", "--engine", "censys", "--censys-url", srv.URL(),
				"--censys-rate", "1000", "--products", "portainer", "--format", "json"}, tc.facets...)
			r := runOrchex(t, context.Background(), env, args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			aggregates := 0
			for _, q := range srv.Stats().Requests {
				if q.Endpoint == "aggregate" {
					aggregates++
				}
			}
			if want := tc.perQuery * queries; aggregates != want || srv.Stats().Credits != want {
				t.Errorf("%d aggregate calls, %d credits; want %d (%d a query)", aggregates, srv.Stats().Credits, want, tc.perQuery)
			}
			var out struct {
				Queries []collect.StatsRow `json:"queries"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Queries) != queries {
				t.Fatalf("JSON: %v\n%s", err, r.stdout)
			}
			var names []string
			for _, f := range out.Queries[0].Facets {
				names = append(names, f.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.wantFacet, ",") || out.Queries[0].Total != 30 {
				t.Errorf("facets %v, total %d; want %v and 30", names, out.Queries[0].Total, tc.wantFacet)
			}
			if tc.stderr != "" && strings.Count(r.stderr, tc.stderr) != 1 {
				t.Errorf("stderr does not say %q once:\n%s", tc.stderr, r.stderr)
			}
		})
	}
}
