package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// supportJSON is the support object of the JSON report.
type supportJSON struct {
	AsOf       string       `json:"as_of"`
	Source     string       `json:"source"`
	Date       string       `json:"date"`
	Embedded   bool         `json:"embedded"`
	DataLag    int          `json:"data_lag_days"`
	Products   []supportRow `json:"products"`
	NoCalendar []string     `json:"no_calendar"`
	Total      supportRow   `json:"total"`
}

type supportRow struct {
	Product       string  `json:"product"`
	Name          string  `json:"name"`
	Calendar      string  `json:"calendar"`
	Services      int     `json:"services"`
	WithVersion   int     `json:"with_version"`
	Supported     int     `json:"supported"`
	EndOfLife     int     `json:"end_of_life"`
	OpenEndOfLife int     `json:"open_end_of_life"`
	UnknownCycle  int     `json:"unknown_cycle"`
	NoCalendar    int     `json:"no_calendar"`
	Share         float64 `json:"share"`
	Calendars     []struct {
		Calendar    string `json:"calendar"`
		WithVersion int    `json:"with_version"`
		EndOfLife   int    `json:"end_of_life"`
	} `json:"calendars"`
}

// supportFixture imports testdata/support/services.ndjson (64 services
// with known versions, newest observation 2026-06-15, and a honeypot
// host seen the day after) into a new database and returns its path.
func supportFixture(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "orchex.db")
	if _, errs, code := eolRun(nil, "--db", db, "--quiet", "import", "--snapshot", "2026Q2", "testdata/support/services.ndjson"); code != ExitOK {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	return db
}

// reportSupport runs report --format json with args and returns its
// support object.
func reportSupport(t *testing.T, db string, args ...string) supportJSON {
	t.Helper()
	out, errs, code := eolRun(nil, append([]string{"--db", db, "report", "--format", "json"}, args...)...)
	if code != ExitOK {
		t.Fatalf("report %v: exit %d: %s", args, code, errs)
	}
	var doc struct {
		Support *supportJSON `json:"support"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Support == nil {
		t.Fatalf("report %v has no support object", args)
	}
	return *doc.Support
}

// TestSupportFixture: the fixture's services, judged on 2026-06-15 by the
// hand-written calendars of pkg/eol/testdata (a cycle of every calendar
// ends the day before, the day of and the day after), give exactly these
// counts per product (worked out line by line in
// testdata/support/README.md), through the store's service groups (AKS
// servers found by their host names), and the same through a scope's
// streamed services.
func TestSupportFixture(t *testing.T) {
	db := supportFixture(t)
	type row struct {
		product, calendar                                              string
		services, withVersion, supported, eol, openEOL, unknown, noCal int
	}
	want := []row{
		{"kubernetes-api", "kubernetes, amazon-eks, azure-kubernetes-service, google-kubernetes-engine", 18, 17, 4, 10, 5, 3, 0},
		{"docker-engine", "docker-engine", 6, 6, 2, 3, 2, 1, 0},
		{"kong-admin", "kong-gateway", 6, 6, 4, 2, 2, 0, 0},
		{"etcd", "etcd", 5, 5, 2, 2, 1, 1, 0},
		{"nomad", "nomad", 4, 4, 2, 2, 1, 0, 0},
		{"openshift-console", "red-hat-openshift", 4, 4, 1, 2, 1, 1, 0},
		{"argocd", "argo-cd", 3, 3, 1, 2, 1, 0, 0},
		{"openshift-api", "red-hat-openshift", 3, 3, 1, 1, 0, 1, 0},
		{"rancher", "rancher", 3, 3, 1, 2, 1, 0, 0},
		{"kubelet", "amazon-eks, kubernetes", 2, 2, 1, 1, 1, 0, 0},
		{"docker-swarm", "docker-engine", 2, 1, 0, 0, 0, 1, 0},
		{"kubernetes-dashboard", "", 1, 1, 0, 0, 0, 0, 1},
		{"mesos-master", "", 1, 1, 0, 0, 0, 0, 1},
		{"portainer", "", 2, 1, 0, 0, 0, 0, 1},
		{"swarmpit", "", 1, 1, 0, 0, 0, 0, 1},
		{"kubernetes-healthz", "kubernetes", 1, 0, 0, 0, 0, 0, 0},
		{"marathon", "", 1, 0, 0, 0, 0, 0, 0},
		{"swagger-ui", "", 1, 0, 0, 0, 0, 0, 0},
	}
	scopes := filepath.Join(t.TempDir(), "scopes.yaml")
	if err := os.WriteFile(scopes, []byte("scopes:\n  - name: lab\n    cidrs: [\"198.51.100.0/24\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--eol", eolFixtures},
		{"--eol", eolFixtures, "--scopes", scopes, "--scope", "lab"},
	} {
		s := reportSupport(t, db, args...)
		if s.AsOf != "2026-06-15" || s.Date != "2026-06-01" || s.DataLag != 14 || s.Embedded {
			t.Errorf("%v: as_of %s, date %s, lag %d, embedded %v; want 2026-06-15, 2026-06-01, 14, false", args, s.AsOf, s.Date, s.DataLag, s.Embedded)
		}
		var got []row
		for _, p := range s.Products {
			got = append(got, row{p.Product, p.Calendar, p.Services, p.WithVersion, p.Supported, p.EndOfLife, p.OpenEndOfLife, p.UnknownCycle, p.NoCalendar})
			want := 0.0
			if p.WithVersion > 0 {
				want = float64(p.EndOfLife) / float64(p.WithVersion)
			}
			if p.Share != want {
				t.Errorf("%v: %s share %v, want %v", args, p.Product, p.Share, want)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: support.products:\n%v\nwant\n%v", args, got, want)
		}
		tot := s.Total
		if tot.Services != 64 || tot.WithVersion != 58 || tot.Supported != 19 || tot.EndOfLife != 27 || tot.OpenEndOfLife != 15 ||
			tot.UnknownCycle != 8 || tot.NoCalendar != 4 {
			t.Errorf("%v: total %+v", args, tot)
		}
		if w := []string{"kubernetes-dashboard", "marathon", "mesos-master", "portainer", "swagger-ui", "swarmpit"}; !reflect.DeepEqual(s.NoCalendar, w) {
			t.Errorf("%v: no_calendar %v, want %v", args, s.NoCalendar, w)
		}
		// The managed calendars judged the managed builds: AKS by host
		// name (v1.9.11 with an AKS name is an unknown cycle of AKS; the
		// same version without one is upstream 1.9, end of life).
		k := s.Products[0]
		cals := map[string][2]int{}
		for _, c := range k.Calendars {
			cals[c.Calendar] = [2]int{c.WithVersion, c.EndOfLife}
		}
		if w := map[string][2]int{"kubernetes": {6, 4}, "amazon-eks": {4, 2}, "azure-kubernetes-service": {4, 2}, "google-kubernetes-engine": {3, 2}}; !reflect.DeepEqual(cals, w) {
			t.Errorf("%v: kubernetes-api calendars %v, want %v", args, cals, w)
		}
	}

	// The honeypot host, seen on 2026-06-16, counts only when asked: the
	// as-of day moves to its sighting, and the cycles ending that day end.
	s := reportSupport(t, db, "--eol", eolFixtures, "--include-honeypots")
	if s.AsOf != "2026-06-16" || s.Products[0].Product != "kubernetes-api" || s.Products[0].Services != 19 || s.Products[0].EndOfLife != 15 {
		t.Errorf("with honeypots: as_of %s, first row %+v; want 2026-06-16, kubernetes-api with 19 services, 15 end of life", s.AsOf, s.Products[0])
	}
	// Without --eol, the embedded calendars judge.
	if s := reportSupport(t, db); !s.Embedded || s.Source != "github.com/endoflife-date/endoflife.date" || s.AsOf != "2026-06-15" {
		t.Errorf("embedded data: %+v", s)
	}
}

// TestSupportCompareAndTrend: a second snapshot of the fixture's services
// seen three months later (as-of 2026-09-15, when every dated cycle of
// the calendars has ended) is judged on its own day, the first on its
// own: report --compare, diff and trend carry both, and the earlier
// figures do not move.
func TestSupportCompareAndTrend(t *testing.T) {
	db := supportFixture(t)
	src, err := os.ReadFile("testdata/support/services.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	later := filepath.Join(t.TempDir(), "later.ndjson")
	moved := strings.ReplaceAll(strings.ReplaceAll(string(src), `"last_seen":"2026-06-`, `"last_seen":"2026-09-`), `"first_seen":"2026-06-`, `"first_seen":"2026-09-`)
	if err := os.WriteFile(later, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := eolRun(nil, "--db", db, "--quiet", "import", "--snapshot", "2026Q3", later); code != ExitOK {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	q3 := reportSupport(t, db, "--eol", eolFixtures, "--snapshot", "2026Q3")
	if q3.AsOf != "2026-09-15" || q3.Total.WithVersion != 58 || q3.Total.EndOfLife != 42 || q3.Total.Supported != 4 {
		t.Errorf("2026Q3: as_of %s, total %+v; want 2026-09-15, 58 with a version, 42 end of life, 4 supported", q3.AsOf, q3.Total)
	}

	out, errs, code := eolRun(nil, "--db", db, "report", "--format", "json", "--eol", eolFixtures, "--snapshot", "2026Q3", "--compare", "2026Q2")
	if code != ExitOK {
		t.Fatalf("report --compare: exit %d: %s", code, errs)
	}
	var cmp struct {
		Compare struct {
			Support struct {
				AsOf     string `json:"as_of"`
				Products []struct {
					Product   string `json:"product"`
					EndOfLife struct {
						Before, After, Change int
					} `json:"end_of_life"`
					Share struct{ Before, After, Change float64 } `json:"share"`
				} `json:"products"`
				Total struct {
					EndOfLife struct{ Before, After, Change int }     `json:"end_of_life"`
					Share     struct{ Before, After, Change float64 } `json:"share"`
				} `json:"total"`
			} `json:"support"`
		} `json:"compare"`
	}
	if err := json.Unmarshal([]byte(out), &cmp); err != nil {
		t.Fatal(err)
	}
	cs := cmp.Compare.Support
	if cs.AsOf != "2026-06-15" || cs.Total.EndOfLife.Before != 27 || cs.Total.EndOfLife.After != 42 || cs.Total.EndOfLife.Change != 15 ||
		cs.Total.Share.Before != 27.0/58 || cs.Total.Share.After != 42.0/58 {
		t.Errorf("compare.support: %+v", cs)
	}
	if p := cs.Products[0]; p.Product != "kubernetes-api" || p.EndOfLife.Before != 10 || p.EndOfLife.After != 14 {
		t.Errorf("compare.support.products[0] = %+v, want kubernetes-api 10 → 14", p)
	}
	md, errs, code := eolRun(nil, "--db", db, "report", "--eol", eolFixtures, "--snapshot", "2026Q3", "--compare", "2026Q2")
	if code != ExitOK || !strings.Contains(md, "| **All products** | | 64 | 58 | 42 | 72.4% | 46.6% | +25.9 pp |") {
		t.Errorf("report --compare (md): exit %d %s\n%s", code, errs, md)
	}

	// diff: the persisting services whose cycle ended between the two
	// days became end of life without changing.
	out, errs, code = eolRun(nil, "--db", db, "diff", "--format", "json", "--eol", eolFixtures, "2026Q2", "2026Q3")
	if code != ExitOK {
		t.Fatalf("diff: exit %d: %s", code, errs)
	}
	var df struct {
		Support *struct {
			AsOfA     string `json:"as_of_a"`
			AsOfB     string `json:"as_of_b"`
			EndOfLife struct {
				Before int `json:"before"`
				After  int `json:"after"`
			} `json:"end_of_life"`
			Became int `json:"became_end_of_life"`
			Left   int `json:"left_end_of_life"`
		} `json:"support"`
	}
	if err := json.Unmarshal([]byte(out), &df); err != nil {
		t.Fatal(err)
	}
	if s := df.Support; s == nil || s.AsOfA != "2026-06-15" || s.AsOfB != "2026-09-15" || s.EndOfLife.Before != 27 || s.EndOfLife.After != 42 ||
		s.Became != 15 || s.Left != 0 {
		t.Errorf("diff support %+v", df.Support)
	}
	md, errs, code = eolRun(nil, "--db", db, "diff", "--eol", eolFixtures, "2026Q2", "2026Q3")
	if code != ExitOK || !strings.Contains(md, "| Became end of life (the cycle's end passed, or a downgrade) | 15 |") {
		t.Errorf("diff (md): exit %d %s\n%s", code, errs, md)
	}

	out, errs, code = eolRun(nil, "--db", db, "trend", "--format", "json", "--eol", eolFixtures)
	if code != ExitOK {
		t.Fatalf("trend: exit %d: %s", code, errs)
	}
	var tr struct {
		Snapshots []struct {
			Snapshot string `json:"snapshot"`
			Support  *struct {
				AsOf        string  `json:"as_of"`
				WithVersion int     `json:"with_version"`
				EndOfLife   int     `json:"end_of_life"`
				Share       float64 `json:"share"`
				Products    []struct {
					Product   string `json:"product"`
					EndOfLife int    `json:"end_of_life"`
				} `json:"products"`
			} `json:"support"`
		} `json:"snapshots"`
	}
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Snapshots) != 2 || tr.Snapshots[0].Support == nil || tr.Snapshots[1].Support == nil {
		t.Fatalf("trend snapshots %+v", tr.Snapshots)
	}
	a, b := tr.Snapshots[0].Support, tr.Snapshots[1].Support
	if a.AsOf != "2026-06-15" || a.EndOfLife != 27 || a.Share != 27.0/58 || b.AsOf != "2026-09-15" || b.EndOfLife != 42 || b.Share != 42.0/58 {
		t.Errorf("trend support %+v, %+v", a, b)
	}
	for _, p := range a.Products {
		if p.Product == "portainer" {
			t.Errorf("trend support lists portainer, which has no calendar")
		}
	}
	md, errs, code = eolRun(nil, "--db", db, "trend", "--eol", eolFixtures)
	if code != ExitOK || !strings.Contains(md, "## Support status") || !strings.Contains(md, "| End-of-life share | 46.6% | 72.4% |") ||
		!strings.Contains(md, "| Kubernetes API server | 58.8% (10 of 17) | 82.4% (14 of 17) |") {
		t.Errorf("trend (md): exit %d %s\n%s", code, errs, md)
	}
}

// TestSupportBrief: a briefing of the fixture's network gives each
// service its support status (brief.json, services.csv, brief.md), counts
// the end-of-life services in its summary and lists them, by release
// cycle, among what to do. As the report, a briefing leaves the honeypot
// host out unless --include-honeypots (judged on the report's as-of day
// either way).
func TestSupportBrief(t *testing.T) {
	db := supportFixture(t)
	dir := t.TempDir()
	scopes := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(scopes, []byte("scopes:\n  - name: lab\n    cidrs: [\"198.51.100.0/24\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	withHoney := filepath.Join(dir, "with-honeypots")
	if _, errs, code := eolRun(nil, "--db", db, "--quiet", "brief", "--scopes", scopes, "--eol", eolFixtures, "--include-honeypots", "--out", withHoney); code != ExitOK {
		t.Fatalf("brief --include-honeypots: exit %d: %s", code, errs)
	}
	var hb struct {
		Summary struct {
			Services      int `json:"services"`
			EndOfLife     int `json:"end_of_life"`
			OpenEndOfLife int `json:"open_end_of_life"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(withHoney, "lab", "brief.json")), &hb); err != nil {
		t.Fatal(err)
	}
	// 66 services: the fixture's 64 and the honeypot host's 2 (both end
	// of life, open).
	if s := hb.Summary; s.Services != 66 || s.EndOfLife != 29 || s.OpenEndOfLife != 17 {
		t.Errorf("--include-honeypots: summary %+v", s)
	}
	out := filepath.Join(dir, "briefs")
	if _, errs, code := eolRun(nil, "--db", db, "--quiet", "brief", "--scopes", scopes, "--eol", eolFixtures, "--format", "md,json,csv", "--out", out); code != ExitOK {
		t.Fatalf("brief: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(filepath.Join(out, "lab", "brief.json"))
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Summary struct {
			Services      int `json:"services"`
			WithVersion   int `json:"with_version"`
			EndOfLife     int `json:"end_of_life"`
			OpenEndOfLife int `json:"open_end_of_life"`
		} `json:"summary"`
		Support *supportJSON `json:"support"`
		Remedy  []struct {
			Product   string `json:"product"`
			EndOfLife []struct {
				Calendar, Cycle, End string
				Services, Open       int
			} `json:"end_of_life"`
		} `json:"remediation"`
		Services []map[string]any `json:"services"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	// 64 services: the fixture's, the honeypot host's left out.
	if s := b.Summary; s.Services != 64 || s.WithVersion != 58 || s.EndOfLife != 27 || s.OpenEndOfLife != 15 {
		t.Errorf("summary %+v", s)
	}
	if b.Support == nil || b.Support.AsOf != "2026-06-15" || b.Support.Total.EndOfLife != 27 {
		t.Errorf("support %+v", b.Support)
	}
	want := map[string][4]string{ // address → support, calendar, cycle, end
		"198.51.100.23": {"end_of_life", "azure-kubernetes-service", "1.31", "2026-06-15"},
		"198.51.100.10": {"supported", "kubernetes", "1.32", "2026-06-16"},
		"198.51.100.13": {"unknown_cycle", "kubernetes", "", ""},
		"198.51.100.14": {"no_version", "kubernetes", "", ""},
		"198.51.100.70": {"no_calendar", "", "", ""}, // swarmpit 1.9
		"198.51.100.41": {"end_of_life", "docker-engine", "20.10", ""},
	}
	for _, s := range b.Services {
		w, ok := want[s["address"].(string)]
		if !ok {
			continue
		}
		delete(want, s["address"].(string))
		got := [4]string{}
		for i, k := range []string{"support", "support_calendar", "support_cycle", "support_end"} {
			got[i], _ = s[k].(string)
		}
		if got != w {
			t.Errorf("%s: support %q, want %q", s["address"], got, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("services not in brief.json: %v", want)
	}
	found := false
	for _, r := range b.Remedy {
		for _, c := range r.EndOfLife {
			found = found || r.Product == "kubernetes-api" && c.Cycle == "1.9" && c.End == "2018-09-29" && c.Services == 1 && c.Open == 1
		}
	}
	if !found {
		t.Errorf("remediation lacks kubernetes 1.9 past its end of life: %+v", b.Remedy)
	}

	csvData, err := os.ReadFile(filepath.Join(out, "lab", "services.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.SplitN(string(csvData), "\n", 2)[0], ",support,support_calendar,support_cycle,support_end,honeypot") ||
		!strings.Contains(string(csvData), ",lab,,end_of_life,azure-kubernetes-service,1.31,2026-06-15,false\n") {
		t.Errorf("services.csv:\n%s", csvData)
	}
	md, err := os.ReadFile(filepath.Join(out, "lab", "brief.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"**27 services run a release past its end of life, 15 of them open.**",
		"| 198.51.100.23:443/tcp | Kubernetes API server v1.31.8 | open | – |",
		"end of life since 2026-06-15 (azure-kubernetes-service 1.31) |",
		"- Kubernetes API server 1.9 (kubernetes calendar), support ended 2018-09-29: 1 service, 1 open",
		"### Services past their end of life",
		"| Support status judged on | 2026-06-15 (the snapshot's newest observation) |",
	} {
		if !strings.Contains(string(md), w) {
			t.Errorf("brief.md lacks %q", w)
		}
	}
}
