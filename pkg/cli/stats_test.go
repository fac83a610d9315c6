package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

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
		Queries []statsRow `json:"queries"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	if len(out.Queries) != 2 || out.Queries[0].QueryID != "kubernetes-api/shodan/1" || out.Queries[0].Total != 3 {
		t.Fatalf("queries = %+v", out.Queries)
	}
	facets := map[string][]statsBucket{}
	for _, f := range out.Queries[0].Facets {
		facets[f.Name] = f.Buckets
	}
	if len(facets) != len(shodanFacets) {
		t.Errorf("facets %v, want %v", facets, shodanFacets)
	}
	if b := facets["country"]; len(b) != 2 || b[0] != (statsBucket{"US", 2}) || b[1] != (statsBucket{"DE", 1}) {
		t.Errorf("country = %v", b)
	}
	if b := facets["port"]; len(b) != 2 || b[0] != (statsBucket{"6443", 2}) {
		t.Errorf("port = %v", b)
	}
	if b := facets["cloud.region"]; len(b) != 1 || b[0] != (statsBucket{"us-east-1", 1}) {
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
