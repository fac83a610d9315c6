package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
)

// briefDoc is what the CLI tests read of brief.json.
type briefDoc struct {
	Scope    string  `json:"scope"`
	Snapshot string  `json:"snapshot"`
	Since    *string `json:"since"`
	Summary  struct {
		Services, Hosts, Open int
	} `json:"summary"`
	Changes *struct {
		New, Gone int
		NowOpen   int `json:"now_open"`
		NowClosed int `json:"now_closed"`
	} `json:"changes"`
	Services []struct {
		Address   string
		Port      int
		Auth      string
		Evidence  string
		Change    string
		ASN       *uint32
		Org       string
		FirstSeen *string `json:"first_seen"`
	} `json:"services"`
}

func readBrief(t *testing.T, path string) briefDoc {
	t.Helper()
	var d briefDoc
	if err := json.Unmarshal(readFile(t, path), &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

// briefScopes writes a scopes file selecting the quarters' services by
// ASN, organisation (in another case), an IPv4 and an IPv6 block, and a
// country; truth says which services each holds.
func briefScopes(t *testing.T, dir string, q quarter) (string, map[string]func(*demo.Service) bool) {
	t.Helper()
	var v4, v6 netip.Prefix
	for _, b := range q.blocks {
		n := 0
		for _, s := range q.svcs {
			if b.Prefix.Contains(s.Addr) {
				n++
			}
		}
		if n >= 3 && b.Prefix.Addr().Is4() && !v4.IsValid() {
			v4 = b.Prefix
		}
		if n >= 1 && b.Prefix.Addr().Is6() && !v6.IsValid() {
			v6 = b.Prefix
		}
	}
	if !v4.IsValid() || !v6.IsValid() {
		t.Fatalf("no IPv4 or IPv6 block with services: %v %v", v4, v6)
	}
	truth := map[string]func(*demo.Service) bool{
		"asn":     func(s *demo.Service) bool { return s.ASN == 8075 },
		"org":     func(s *demo.Service) bool { return strings.EqualFold(s.Org, "Google LLC") },
		"v4":      func(s *demo.Service) bool { return v4.Contains(s.Addr) },
		"v6":      func(s *demo.Service) bool { return v6.Contains(s.Addr) },
		"country": func(s *demo.Service) bool { return s.Country == "DE" },
	}
	yaml := fmt.Sprintf(`scopes:
  - name: asn
    asns: ["AS8075"]
    contacts: ["cert@asn.example"]
  - name: org
    orgs: ["GOOGLE LLC"]
  - name: v4
    cidrs: [%q]
  - name: v6
    cidrs: [%q]
  - name: country
    countries: [de]
`, v4, v6)
	path := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, truth
}

// TestBriefQuartersTruth briefs every scope of the imported quarters
// (known truth) with --since: each scope's services, open services and
// new services equal the truth, every service is listed, every open one
// with its evidence, and the index has one line per scope.
func TestBriefQuartersTruth(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	scopes, truth := briefScopes(t, dir, qs[2])
	out := filepath.Join(dir, "briefs")
	_, stderr, code := run(t, nil, "--db", db, "brief", "--scopes", scopes, "--snapshot", "2026Q4", "--since", "2026Q3", "--out", out, "--format", "csv")
	if code != ExitOK {
		t.Fatalf("brief: exit %d\n%s", code, stderr)
	}
	var index struct {
		Scopes []struct {
			Scope   string
			Summary struct{ Services, Open int }
			Files   []string
		}
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(out, "index.json")), &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Scopes) != len(truth) || !strings.Contains(string(readFile(t, filepath.Join(out, "index.md"))), "| country |") {
		t.Fatalf("index: %+v", index)
	}
	for _, e := range index.Scopes {
		in := truth[e.Scope]
		then := map[svcKey]demo.Service{}
		for _, s := range qs[1].svcs {
			if in(&s) {
				then[svcKey{s.Addr, s.Port}] = s
			}
		}
		want := map[string]demo.Service{}
		open, newN := 0, 0
		for _, s := range qs[2].svcs {
			if !in(&s) {
				continue
			}
			want[fmt.Sprintf("%s %d", s.Addr, s.Port)] = s
			if s.Auth == model.AuthOpen {
				open++
			}
			if _, ok := then[svcKey{s.Addr, s.Port}]; !ok {
				newN++
			}
		}
		d := readBrief(t, filepath.Join(out, e.Scope, "brief.json"))
		if d.Summary.Services != len(want) || d.Summary.Open != open || d.Changes == nil || d.Changes.New != newN ||
			e.Summary.Services != len(want) || e.Summary.Open != open {
			t.Errorf("scope %s: %d services, %d open, changes %+v; want %d, %d open, %d new", e.Scope, d.Summary.Services, d.Summary.Open,
				d.Changes, len(want), open, newN)
		}
		if len(want) == 0 || e.Scope != "country" && open == 0 && e.Scope != "org" {
			t.Logf("scope %s: %d services, %d open", e.Scope, len(want), open)
		}
		listed := map[string]bool{}
		for _, s := range d.Services {
			k := fmt.Sprintf("%s %d", s.Address, s.Port)
			src, ok := want[k]
			if !ok || listed[k] {
				t.Errorf("scope %s: %s listed but not in the scope, or twice", e.Scope, k)
				continue
			}
			listed[k] = true
			if s.Auth != string(src.Auth) || s.Auth == "open" && s.Evidence == "" {
				t.Errorf("scope %s: %s auth %q evidence %q, truth %s", e.Scope, k, s.Auth, s.Evidence, src.Auth)
			}
			_, was := then[svcKey{src.Addr, src.Port}]
			if (s.Change == "new") == was || s.ASN == nil || *s.ASN != src.ASN || s.Org != src.Org || s.FirstSeen == nil {
				t.Errorf("scope %s: %s change %q (in 2026Q3: %v), asn %v org %q", e.Scope, k, s.Change, was, s.ASN, s.Org)
			}
		}
		if len(listed) != len(want) {
			t.Errorf("scope %s: %d listed, want %d", e.Scope, len(listed), len(want))
		}
		rows, err := csv.NewReader(strings.NewReader(string(readFile(t, filepath.Join(out, e.Scope, "services.csv"))))).ReadAll()
		if err != nil || len(rows) != len(want)+1 || !slices.Equal(e.Files, []string{"brief.md", "brief.json", "services.csv"}) {
			t.Errorf("scope %s: services.csv %d rows (%v), files %q", e.Scope, len(rows), err, e.Files)
		}
	}
}

// TestBriefCommandForms runs each command form of the issue on the
// quarters: a brief of one scope in every format; report, diff, trend
// and export of one scope; and checks that a scope holding everything
// reports the figures of the whole snapshot.
func TestBriefCommandForms(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	scopes, truth := briefScopes(t, dir, qs[2])
	out := filepath.Join(dir, "acme")
	mustRun(t, "--db", db, "brief", "--scopes", scopes, "--scope", "v4", "--format", "md,pdf,html,json,csv", "--out", out)
	for _, f := range []string{"brief.md", "brief.json", "brief.pdf", "brief.html", "services.csv"} {
		if fi, err := os.Stat(filepath.Join(out, "v4", f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "asn")); !os.IsNotExist(err) {
		t.Errorf("a scope not asked for was briefed: %v", err)
	}
	if d := readBrief(t, filepath.Join(out, "v4", "brief.json")); d.Since != nil || d.Changes != nil {
		t.Errorf("without --since: since %v changes %v", d.Since, d.Changes)
	}

	n, open := 0, 0
	for _, s := range qs[2].svcs {
		if truth["country"](&s) {
			n++
			if s.Auth == model.AuthOpen {
				open++
			}
		}
	}
	var rep reportJSON
	if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "report", "--scopes", scopes, "--scope", "country", "--snapshot", "2026Q4", "--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Headline.Services != n || rep.Headline.Open != open {
		t.Errorf("report --scope country: %d services, %d open; want %d, %d", rep.Headline.Services, rep.Headline.Open, n, open)
	}
	md := mustRun(t, "--db", db, "report", "--scopes", scopes, "--scope", "country", "--snapshot", "2026Q4")
	if !strings.Contains(md, ", scope country") || !strings.Contains(md, "These figures count the services of scope country only.") {
		t.Errorf("the scope's report does not say which scope:\n%.600s", md)
	}
	diff := mustRun(t, "--db", db, "diff", "2026Q3", "2026Q4", "--scopes", scopes, "--scope", "country", "--format", "json")
	var d struct {
		Scope  string
		Totals struct{ Services struct{ After int } }
	}
	if err := json.Unmarshal([]byte(diff), &d); err != nil || d.Scope != "country" || d.Totals.Services.After != n {
		t.Errorf("diff --scope: %v %+v, want %d services", err, d, n)
	}
	trend := mustRun(t, "--db", db, "trend", "--scopes", scopes, "--scope", "country", "--format", "json")
	if !strings.Contains(trend, `"scope": "country"`) || !strings.Contains(trend, fmt.Sprintf(`"services": %d`, n)) {
		t.Errorf("trend --scope:\n%.400s", trend)
	}
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "--db", db, "export", "--scopes", scopes, "--scope", "country", "--snapshot", "2026Q4", "--format", "csv"))).ReadAll()
	if err != nil || len(rows) != n+1 {
		t.Errorf("export --scope: %d rows (%v), want %d", len(rows)-1, err, n)
	}

	// A scope that holds every service reports what the whole snapshot
	// reports.
	all := filepath.Join(dir, "all.yaml")
	if err := os.WriteFile(all, []byte("scopes:\n  - name: all\n    cidrs: [\"198.18.0.0/15\", \"2001:db8::/32\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	whole := mustRun(t, "--db", db, "report", "--snapshot", "2026Q4", "--format", "json")
	scoped := mustRun(t, "--db", db, "report", "--scopes", all, "--scope", "all", "--snapshot", "2026Q4", "--format", "json")
	var w, s map[string]json.RawMessage
	if err := json.Unmarshal([]byte(whole), &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(scoped), &s); err != nil {
		t.Fatal(err)
	}
	for k, v := range w {
		switch k {
		case "title", "summary", "method":
			continue
		}
		if string(v) != string(s[k]) {
			t.Errorf("a scope holding everything changes %s:\n%s\nwant:\n%s", k, s[k], v)
		}
	}
}

// TestBriefUsage checks the invocations that are refused, each with a
// message that names the flag.
func TestBriefUsage(t *testing.T) {
	dir := t.TempDir()
	scopes := filepath.Join(dir, "s.yaml")
	os.WriteFile(scopes, []byte("scopes:\n  - name: a\n    asns: [1]\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("scopes:\n  - name: a\n    cidrs: [\"10.0.0.1/8\"]\n"), 0o644)
	clash := filepath.Join(dir, "clash.yaml")
	os.WriteFile(clash, []byte("scopes:\n  - name: a\n    asns: [1]\n  - name: Index.md\n    asns: [2]\n"), 0o644)
	db := filepath.Join(dir, "o.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"brief", "--scopes", scopes}, `brief: --out DIR is required`},
		{[]string{"brief", "--out", dir}, `brief: --scopes FILE is required`},
		{[]string{"brief", "--scopes", scopes, "--out", dir, "--format", "docx"}, `unknown --format "docx"`},
		{[]string{"brief", "--scopes", scopes, "--out", dir, "--scope", "b"}, `--scope "b" is not in`},
		{[]string{"brief", "--scopes", bad, "--out", dir}, "bad.yaml:3: scope \"a\" cidrs: \"10.0.0.1/8\" has host bits set"},
		{[]string{"brief", "--scopes", scopes, "--out", dir, "--webhook", "https://hooks.example/T/SECRET"}, "--webhook posts the services new or newly open since --since"},
		{[]string{"brief", "--scopes", scopes, "--out", dir, "--since", "x", "--webhook", "http://hooks.example/T/SECRET"}, "--webhook http://hooks.example is plain http"},
		{[]string{"brief", "--scopes", clash, "--out", dir}, `scope "Index.md" (` + clash + ` line 4) would be written over the index`},
		{[]string{"report", "--scope", "a"}, "--scope a needs --scopes FILE"},
		{[]string{"report", "--scopes", scopes}, "needs --scope NAME"},
		{[]string{"diff", "A", "B", "--scopes", scopes, "--scope", "zz"}, `--scope "zz" is not in`},
		{[]string{"collect", "--scopes", scopes, "--scope", "zz", "--dry-run"}, `--scope "zz" is not in`},
	} {
		_, stderr, code := run(t, nil, append([]string{"--db", db}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "SECRET") {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestBriefWebhook posts the quarters' briefings to a receiver on
// 127.0.0.1 through --webhook and a scope's webhook key: one message per
// scope with new or newly open services to each, the first attempt of
// each failing with a 500 and retried; nothing printed holds the URLs'
// paths or queries.
func TestBriefWebhook(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	var mu sync.Mutex
	got := map[string][]string{} // path → scopes
	tries := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m struct {
			Scope, Text string
			New         []json.RawMessage
		}
		json.Unmarshal(body, &m)
		mu.Lock()
		defer mu.Unlock()
		key := r.URL.Path + " " + m.Scope
		if strings.HasPrefix(r.URL.Path, "/gone/") {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, "no such hook %s", r.URL.RequestURI())
			return
		}
		if tries[key]++; tries[key] == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if !strings.HasPrefix(m.Text, "orchex: scope *"+m.Scope+"*") {
			t.Errorf("text %q", m.Text)
		}
		got[r.URL.Path] = append(got[r.URL.Path], m.Scope)
	}))
	defer srv.Close()
	scopes, _ := briefScopes(t, dir, qs[2])
	data := strings.Replace(string(readFile(t, scopes)), "    asns: [\"AS8075\"]\n", "    asns: [\"AS8075\"]\n    webhook: "+srv.URL+"/scope-hook/SECRETSCOPE?token=SECRETQ\n", 1)
	os.WriteFile(scopes, []byte(data), 0o644)
	stdout, stderr, code := run(t, nil, "--db", db, "brief", "--scopes", scopes, "--snapshot", "2026Q4", "--since", "2026Q3",
		"--out", filepath.Join(dir, "b"), "--webhook", srv.URL+"/all/SECRETALL")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, "SECRET") {
		t.Errorf("output shows a webhook's path or query:\n%s%s", stdout, stderr)
	}
	if !strings.Contains(stderr, "retry 1") || !strings.Contains(stderr, "posted ") {
		t.Errorf("stderr:\n%s", stderr)
	}
	mu.Lock()
	if len(got["/all/SECRETALL"]) == 0 || !slices.Equal(got["/scope-hook/SECRETSCOPE"], []string{"asn"}) {
		t.Errorf("messages received: %v", got)
	}
	mu.Unlock()
	// A receiver that rejects the message: the briefings are written and
	// the run ends with exit 3, naming the host only.
	_, stderr, code = run(t, nil, "--db", db, "brief", "--scopes", scopes, "--scope", "country", "--snapshot", "2026Q4", "--since", "2026Q3",
		"--out", filepath.Join(dir, "c"), "--webhook", srv.URL+"/gone/SECRETGONE?x=SECRETX")
	if code != ExitPartial || strings.Contains(stderr, "SECRET") || !strings.Contains(stderr, "webhook "+srv.URL+": HTTP 404") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "c", "country", "brief.json")); err != nil {
		t.Errorf("the briefing was not written: %v", err)
	}
}

// TestCollectScope collects narrowed to one network against the Shodan
// fake (which evaluates net:): the dry run shows the credits the
// narrowing saves, the collection stores the network's services only,
// and the snapshot's report says it is not a census.
func TestCollectScope(t *testing.T) {
	srv := collectFake(t, 250) // 10.0.0.0 - 10.0.0.249
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	scopes := filepath.Join(dir, "scopes.yaml")
	os.WriteFile(scopes, []byte("scopes:\n  - name: lab\n    cidrs: [\"10.0.0.0/25\"]\n"), 0o644)
	env := collectEnv(t, srv)
	r := runOrchex(t, context.Background(), env, collectArgs(db, "--scopes", scopes, "--scope", "lab", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"kubernetes-api/shodan/1@lab/1", "total without --scope"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, r.stdout)
		}
	}
	// Each query: 128 results in 2 pages narrowed, 250 in 3 pages without.
	if !strings.Contains(r.stderr, "narrowed to scope lab, a collection would fetch 256 results in 4 pages for 4 credits") ||
		!strings.Contains(r.stderr, "without the narrowing, 500 results in 6 pages for 6 credits: the narrowing saves 2 credits") {
		t.Errorf("dry run notes:\n%s", r.stderr)
	}
	if st := srv.Stats(); st.Searches != 0 {
		t.Errorf("the dry run searched %d times", st.Searches)
	}
	r = runOrchex(t, context.Background(), env, collectArgs(db, "--scopes", scopes, "--scope", "lab", "--snapshot", "lab-2026-12-03")...)
	if r.code != ExitOK {
		t.Fatalf("collect: exit %d\n%s", r.code, r.stderr)
	}
	services, _ := snapshotDump(t, db, "lab-2026-12-03")
	if len(services) != 128 {
		t.Errorf("%d services stored, want the network's 128", len(services))
	}
	rep := mustRun(t, "--db", db, "report", "--snapshot", "lab-2026-12-03")
	if !strings.Contains(rep, "This snapshot was collected for one scope's networks only (scope lab of scopes.yaml (1 network; digest") {
		t.Errorf("the report of a narrowed snapshot does not say so:\n%.800s", rep)
	}
}

// TestBriefInterruptSaysWhatWasWritten: a briefing run interrupted after
// some files were written (here while posting its webhook message, after
// the briefings) says how many files were written whole and that the
// index may be an earlier run's, not that nothing partial was written;
// also when a loaded machine makes it overrun the grace second.
func TestBriefInterruptSaysWhatWasWritten(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel(Interrupt{Signal: syscall.SIGINT})
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	scopes, _ := briefScopes(t, dir, qs[2])
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"--db", db, "brief", "--scopes", scopes, "--snapshot", "2026Q4", "--since", "2026Q3",
		"--out", filepath.Join(dir, "b"), "--webhook", srv.URL + "/hook"}, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }, Sleep: noSleep})
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, ExitInterrupted, errb.String())
	}
	msg := errb.String()
	if strings.Contains(msg, "nothing partial was written") ||
		!regexp.MustCompile(`interrupted by SIGINT[:;].* \d+ briefing files were written whole to .*; run the same command again`).MatchString(msg) {
		t.Errorf("interrupt message:\n%s", msg)
	}
}
