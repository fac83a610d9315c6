package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

// figureCase is one service of the figures corpus and what orchex must
// say of it: product, verdict, version and whether its host is a
// honeypot.
type figureCase struct {
	addr     string
	port     int
	product  string
	auth     string
	version  string
	honeypot bool
}

const (
	k8s403Body  = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/\"","reason":"Forbidden","details":{},"code":403}`
	k8sPaths    = `{"paths":["/api","/api/v1","/apis","/apis/","/healthz","/version"]}`
	dockerVer   = `{"Version":"24.0.7","ApiVersion":"1.43","MinAPIVersion":"1.12","GitCommit":"311b9ff","GoVersion":"go1.21.3","Os":"linux","Arch":"amd64","KernelVersion":"5.15.0-1051-aws","BuildTime":"2023-10-26T09:08:02.000000000+00:00"}`
	argoVersion = `{"Version":"v2.11.7+e4a0246","BuildDate":"2024-07-24T11:45:25Z","GitCommit":"e4a0246c4d920bc1e5ee5f9048a99eca7e1d53cb","GitTreeState":"clean","GoVersion":"go1.21.10","Compiler":"gc","Platform":"linux/amd64","KustomizeVersion":"v5.2.1 2023-10-19T20:13:51Z","HelmVersion":"v3.14.4+g81c902a","KubectlVersion":"v0.26.11","JsonnetVersion":"v0.20.0"}`
)

// head is a raw HTTP response head as Shodan keeps it in data.
func head(status int, headers ...string) string {
	return "HTTP/1.1 " + map[int]string{200: "200 OK", 401: "401 Unauthorized", 403: "403 Forbidden", 404: "404 Not Found"}[status] +
		"\r\n" + strings.Join(headers, "\r\n") + "\r\n\r\n"
}

// figureFiles writes the corpus: Shodan banners (tags, the many-families
// host, a Kubernetes node, inferred verdicts, a look-alike blog post,
// engine version fields, address spellings) and Censys v3 and v2 search
// responses (tarpit and truncated labels on the host and on a service,
// software versions).
func figureFiles(t *testing.T, dir string) []string {
	t.Helper()
	banners := []shodantest.Banner{
		// A Shodan honeypot tag on one banner flags its host.
		{IP: "203.0.113.10", Port: 6443, Product: "Kubernetes", Status: 403, HTML: k8s403Body, Tags: []string{"honeypot"}, Data: head(403, "Content-Type: application/json")},
		{IP: "203.0.113.10", Port: 2375, Product: "Docker", HTML: dockerVer, Data: head(200, "Api-Version: 1.43", "Ostype: linux", "Server: Docker/24.0.7 (linux)")},
		// Inferred from defaults: likely open, never open.
		{IP: "203.0.113.11", Port: 8080, Title: "Marathon", Data: head(200, "X-Marathon-Leader: http://ip-10-0-0-5:8080", "Server: Jetty(9.4.z-SNAPSHOT)")},
		{IP: "203.0.113.15", Port: 2379, Product: "etcd", Version: "3.5.9", HTML: `{"etcdserver":"3.5.9","etcdcluster":"3.5.0"}`, Data: head(200, "Content-Type: application/json")},
		{IP: "203.0.113.18", Port: 4646, Title: "", HTML: `[{"ID":"web","Name":"web","Type":"service"}]`, Data: head(200, "X-Nomad-Index: 42", "X-Nomad-Knownleader: true")},
		// The Mesos UI page: static, no evidence either way.
		{IP: "203.0.113.12", Port: 5050, Title: "Mesos", HTML: `<html ng-app="mesos"><head><title>Mesos</title></head><body>Apache Software Foundation</body></html>`, Data: head(200, "Content-Type: text/html")},
		// Argo CD's /api/version names Argo CD.
		{IP: "203.0.113.13", Port: 443, HTML: argoVersion, Data: head(200, "Content-Type: application/json")},
		// One service, two spellings of its address (IPv4-mapped IPv6, leading zeros).
		{IP: "::ffff:203.0.113.14", Port: 6443, HTML: k8sPaths, Data: head(200, "Content-Type: application/json"), ID: "a1"},
		{IP: "203.000.113.014", Port: 6443, HTML: k8sPaths, Data: head(200, "Content-Type: application/json"), ID: "a2"},
		// A blog post about the Dashboard is not a Dashboard.
		{IP: "203.0.113.16", Port: 443, Title: "Kubernetes Dashboard", HTML: `<!DOCTYPE html><html><head><title>Kubernetes Dashboard</title><meta name="generator" content="WordPress 6.4.2" /></head><body><article><p>Install the Kubernetes Dashboard: &lt;title&gt;Kubernetes Dashboard&lt;/title&gt;</p></article></body></html>`, Data: head(200, "Content-Type: text/html")},
		// Shodan's version field when the body names none.
		{IP: "203.0.113.17", Port: 443, Product: "Kubernetes", Version: "1.29.8-eks-bc4871b", Status: 403, HTML: k8s403Body, Data: head(403, "Content-Type: application/json")},
		// Five unrelated families on one address: orchex's honeypot rule.
		{IP: "203.0.113.50", Port: 6443, Product: "Kubernetes", Status: 403, HTML: k8s403Body, Data: head(403, "Content-Type: application/json")},
		{IP: "203.0.113.50", Port: 2375, Product: "Docker", HTML: dockerVer, Data: head(200, "Api-Version: 1.43", "Ostype: linux")},
		{IP: "203.0.113.50", Port: 5050, HTML: `{"version":"1.11.0","activated_slaves":1.0}`, Data: head(200, "Content-Type: application/json")},
		{IP: "203.0.113.50", Port: 9000, Status: 401, HTML: `{"message":"A valid authorisation token is missing","details":"Unauthorized"}`, Data: head(401, "Content-Type: application/json")},
		{IP: "203.0.113.50", Port: 4646, HTML: `[]`, Data: head(200, "X-Nomad-Index: 7")},
		// A Kubernetes node: five products, one family, no honeypot.
		{IP: "203.0.113.60", Port: 6443, Product: "Kubernetes", Status: 403, HTML: k8s403Body, Data: head(403, "Content-Type: application/json")},
		{IP: "203.0.113.60", Port: 10250, Status: 401, HTML: "Unauthorized", Data: head(401, "Content-Type: text/plain; charset=utf-8")},
		{IP: "203.0.113.60", Port: 2379, Status: 401, HTML: `{"message":"Insufficient credentials"}`, Data: head(401, "Content-Type: application/json")},
		{IP: "203.0.113.60", Port: 10256, HTML: `{"lastUpdated": "2026-11-27 10:00:00 +0000 UTC","currentTime": "2026-11-27 10:00:01 +0000 UTC"}`, Data: head(200, "Content-Type: application/json")},
		{IP: "203.0.113.60", Port: 30000, Title: "Kubernetes Dashboard", HTML: `<!doctype html><html lang="en"><head><title>Kubernetes Dashboard</title></head><body><kd-root></kd-root></body></html>`, Data: head(200, "Content-Type: text/html")},
	}
	var nd bytes.Buffer
	for _, b := range banners {
		nd.Write(b.JSON())
		nd.WriteByte('\n')
	}
	shodanFile := filepath.Join(dir, "shodan-cases.json")
	os.WriteFile(shodanFile, nd.Bytes(), 0o600)

	v3 := `{"result":{"hits":[
{"host_v1":{"resource":{"ip":"203.0.113.30","labels":[{"source":"censys","confidence":0.9,"value":"TARPIT"}],
 "services":[{"port":6443,"protocol":"KUBERNETES","transport_protocol":"tcp","scan_time":"2026-11-20T00:00:00Z",
  "endpoints":[{"path":"/","http":{"status_code":403,"body":` + jsonString(k8s403Body) + `}}]}]},
 "matched_services":[{"port":6443,"transport_protocol":"tcp"}]}},
{"host_v1":{"resource":{"ip":"203.0.113.31",
 "services":[{"port":6443,"protocol":"KUBERNETES","transport_protocol":"tcp","scan_time":"2026-11-20T00:00:00Z","labels":[{"value":"truncated"}]}]}}},
{"host_v1":{"resource":{"ip":"203.0.113.32",
 "services":[{"port":6443,"protocol":"KUBERNETES","transport_protocol":"tcp","scan_time":"2026-11-20T00:00:00Z",
  "software":[{"vendor":"kubernetes","product":"kubernetes","version":"v1.29.8-gke.1211000"}]}]}}}
],"next_page_token":""}}`
	v3File := filepath.Join(dir, "censys-v3-cases.json")
	os.WriteFile(v3File, []byte(v3), 0o600)

	v2 := `{"code":200,"status":"OK","result":{"query":"services.service_name: KUBERNETES","total":1,"hits":[
{"ip":"203.0.113.40","labels":["truncated"],"services":[{"port":6443,"service_name":"KUBERNETES","transport_protocol":"TCP"}],
 "last_updated_at":"2026-11-20T00:00:00Z"}],"links":{}}}`
	v2File := filepath.Join(dir, "censys-v2-cases.json")
	os.WriteFile(v2File, []byte(v2), 0o600)
	return []string{shodanFile, v3File, v2File}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestFigureCases imports the corpus and checks every service's verdict,
// and that the default report leaves every honeypot host out.
func TestFigureCases(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	files := figureFiles(t, dir)
	if _, stderr, code := run(t, nil, append([]string{"--db", db, "import", "--snapshot", "2026Q4"}, files...)...); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	want := []figureCase{
		{"203.0.113.10", 2375, "docker-engine", "open", "24.0.7", true},
		{"203.0.113.10", 6443, "kubernetes-api", "auth_required", "", true},
		{"203.0.113.11", 8080, "marathon", "likely_open", "", false},
		{"203.0.113.12", 5050, "mesos-master", "unknown", "", false},
		{"203.0.113.13", 443, "argocd", "unknown", "2.11.7+e4a0246", false},
		{"203.0.113.14", 6443, "kubernetes-api", "open", "", false},
		{"203.0.113.15", 2379, "etcd", "likely_open", "3.5.9", false},
		{"203.0.113.17", 443, "kubernetes-api", "auth_required", "1.29.8-eks-bc4871b", false},
		{"203.0.113.18", 4646, "nomad", "likely_open", "", false},
		{"203.0.113.30", 6443, "kubernetes-api", "auth_required", "", true},
		{"203.0.113.31", 6443, "kubernetes-api", "unknown", "", true},
		{"203.0.113.32", 6443, "kubernetes-api", "unknown", "v1.29.8-gke.1211000", false},
		{"203.0.113.40", 6443, "kubernetes-api", "unknown", "", true},
		{"203.0.113.50", 2375, "docker-engine", "open", "24.0.7", true},
		{"203.0.113.50", 4646, "nomad", "likely_open", "", true},
		{"203.0.113.50", 5050, "mesos-master", "open", "1.11.0", true},
		{"203.0.113.50", 6443, "kubernetes-api", "auth_required", "", true},
		{"203.0.113.50", 9000, "portainer", "auth_required", "", true},
		{"203.0.113.60", 2379, "etcd", "auth_required", "", false},
		{"203.0.113.60", 6443, "kubernetes-api", "auth_required", "", false},
		{"203.0.113.60", 10250, "kubelet", "auth_required", "", false},
		{"203.0.113.60", 10256, "kubernetes-healthz", "unknown", "", false},
		{"203.0.113.60", 30000, "kubernetes-dashboard", "unknown", "", false},
	}
	out, stderr, code := run(t, nil, "--db", db, "report", "--format", "json", "--include-addresses", "--include-honeypots")
	if code != ExitOK {
		t.Fatalf("report: %s", stderr)
	}
	var doc struct {
		Services []struct {
			Address  string `json:"address"`
			Port     int    `json:"port"`
			Product  string `json:"product"`
			Auth     string `json:"auth"`
			Version  string `json:"version"`
			Honeypot bool   `json:"honeypot"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []figureCase
	for _, s := range doc.Services {
		got = append(got, figureCase{s.Address, s.Port, s.Product, s.Auth, s.Version, s.Honeypot})
	}
	sort.Slice(got, func(i, j int) bool {
		if got[i].addr != got[j].addr {
			return got[i].addr < got[j].addr
		}
		return got[i].port < got[j].port
	})
	if len(got) != len(want) {
		t.Errorf("%d services, want %d:\n%v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("service %d: got %+v\n             want %+v", i, got[i], want[i])
		}
	}

	out, _, _ = run(t, nil, "--db", db, "report", "--format", "json")
	var def reportJSON
	json.Unmarshal([]byte(out), &def)
	honey, hosts := 0, map[string]bool{}
	for _, w := range want {
		if w.honeypot {
			honey++
			hosts[w.addr] = true
		}
	}
	if hp := def.Method.Honeypots; hp.Services != honey || hp.Hosts != len(hosts) || def.Headline.Services != len(want)-honey {
		t.Errorf("default report: %d services, honeypots %+v; want %d services, %d honeypot services on %d hosts",
			def.Headline.Services, hp, len(want)-honey, honey, len(hosts))
	}
	if def.Headline.Open != 1 || def.Headline.LikelyOpen != 3 {
		t.Errorf("default report: open %d, likely open %d; want 1 and 3", def.Headline.Open, def.Headline.LikelyOpen)
	}
}
