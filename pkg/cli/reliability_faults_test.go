package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
	_ "modernc.org/sqlite" // the driver pkg/store uses, for PRAGMA integrity_check
)

// integrityCheck runs SQLite's PRAGMA integrity_check on db (and its
// WAL) and fails unless it answers "ok".
func integrityCheck(t *testing.T, db string) {
	t.Helper()
	h, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rows, err := h.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check %s: %v", db, err)
	}
	defer rows.Close()
	var res []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		res = append(res, s)
	}
	if len(res) != 1 || res[0] != "ok" {
		t.Fatalf("integrity_check %s: %v", db, res)
	}
}

// reportJSONOf returns the JSON report of a snapshot.
func reportJSONOf(t *testing.T, db, label string) string {
	t.Helper()
	out, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", label, "--format", "json", "--include-addresses")
	if code != ExitOK {
		t.Fatalf("report %s: exit %d\n%s", db, code, stderr)
	}
	return out
}

// TestCollectUnderFaultsEqualsClean collects the same population twice per
// engine through the CLI: once from a clean fake, once from a fake that
// answers about one request in five with a fault drawn from a fixed seed
// (429 with and without Retry-After, errors with status 200, 502, 503,
// slow answers, bodies cut short, connection resets). The faulty run must
// succeed and give exactly the clean run's snapshot: the same services,
// the same stored pages with the same credits, the same JSON report, and
// no page paid for twice.
func TestCollectUnderFaultsEqualsClean(t *testing.T) {
	t.Run("shodan", func(t *testing.T) {
		t.Parallel()
		pop := shodantest.Kubernetes(350, 21) // 4 pages a query, 2 queries
		newFake := func(rate float64) *shodantest.Server {
			srv := shodantest.NewServer(shodantest.Config{Key: collectCanary, Rate: 1000, Burst: 8,
				Population: func(string) []json.RawMessage { return pop },
				FaultRate:  rate, Seed: 20261127, SlowDelay: 150 * time.Millisecond,
				Faults: []shodantest.Fault{shodantest.RateLimit, shodantest.RateLimitAfter, shodantest.RateLimit200, shodantest.Unavailable,
					shodantest.BadGateway, shodantest.Slow, shodantest.Truncated, shodantest.Reset, shodantest.Timeout200}})
			t.Cleanup(srv.Close)
			return srv
		}
		dir := t.TempDir()
		clean, faulty := newFake(0), newFake(0.2)
		cleanDB, faultyDB := filepath.Join(dir, "clean.db"), filepath.Join(dir, "faulty.db")
		args := func(db string) []string { return collectArgs(db, "--shodan-rate", "500") }
		if r := runOrchex(t, context.Background(), collectEnv(t, clean), args(cleanDB)...); r.code != ExitOK {
			t.Fatalf("clean run: exit %d\n%s", r.code, r.stderr)
		}
		r := runOrchex(t, context.Background(), collectEnv(t, faulty), args(faultyDB)...)
		if r.code != ExitOK {
			t.Fatalf("run under faults: exit %d\n%s", r.code, r.stderr)
		}
		st := faulty.Stats()
		if st.Faults < 2 || !strings.Contains(r.stderr, "retry") {
			t.Fatalf("only %d faults injected (stderr:\n%s): the seed does not exercise the retries", st.Faults, r.stderr)
		}
		t.Logf("%d faults in %d requests", st.Faults, st.Requests)
		if again := faulty.Refetched(); len(again) > 0 {
			t.Errorf("pages served twice: %v", again)
		}
		if cs := clean.Stats(); st.Credits != cs.Credits || st.PagesServed != cs.PagesServed {
			t.Errorf("under faults %d credits for %d pages; clean %d credits for %d pages", st.Credits, st.PagesServed, cs.Credits, cs.PagesServed)
		}
		compareSnapshots(t, cleanDB, faultyDB, "2026Q4")
	})
	t.Run("censys", func(t *testing.T) {
		t.Parallel()
		var hosts [][]byte
		for i := range 1200 { // 12 pages
			hosts = append(hosts, fmt.Appendf(nil, `{"ip":"198.51.%d.%d","location":{"country_code":"DE"},"autonomous_system":{"asn":16509},"services":[`+
				`{"port":9000,"protocol":"HTTP","transport_protocol":"tcp","endpoints":[{"http":{"status_code":200,"html_title":"Portainer","body":"<html ng-app=\"portainer\">"}}]}]}`,
				100+i/256, i%256))
		}
		newFake := func(f censystest.Faults) *censystest.Server {
			srv := censystest.NewServer(censystest.Config{Token: censysCanary, OrgID: "org-1", Hosts: hosts, Faults: f})
			t.Cleanup(srv.Close)
			return srv
		}
		clean := newFake(censystest.Faults{})
		faulty := newFake(censystest.Faults{Seed: 20261127, P429: 0.04, P429NoRetry: 0.03, P5xx: 0.05, PSlow: 0.02, PTruncated: 0.03, PReset: 0.03,
			Delay: 150 * time.Millisecond})
		dir := t.TempDir()
		cleanDB, faultyDB := filepath.Join(dir, "clean.db"), filepath.Join(dir, "faulty.db")
		env := map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary, "CENSYS_ORG_ID": "org-1", "HOME": dir}
		args := func(db, url string) []string {
			return []string{"--db", db, "collect", "--engine", "censys", "--censys-url", url, "--censys-rate", "1000", "--products", "portainer"}
		}
		if r := runOrchex(t, context.Background(), env, args(cleanDB, clean.URL())...); r.code != ExitOK {
			t.Fatalf("clean run: exit %d\n%s", r.code, r.stderr)
		}
		r := runOrchex(t, context.Background(), env, args(faultyDB, faulty.URL())...)
		if r.code != ExitOK {
			t.Fatalf("run under faults: exit %d\n%s", r.code, r.stderr)
		}
		faults := 0
		for _, q := range faulty.Stats().Requests {
			if q.Fault != censystest.None {
				faults++
			}
		}
		if faults < 2 || !strings.Contains(r.stderr, "retry") {
			t.Fatalf("only %d faults injected in %d requests (stderr:\n%s): the seed does not exercise the retries", faults, len(faulty.Stats().Requests), r.stderr)
		}
		t.Logf("%d faults in %d requests", faults, len(faulty.Stats().Requests))
		cs, fs := clean.Stats(), faulty.Stats()
		if fs.Pages != cs.Pages || fs.Credits != cs.Credits {
			t.Errorf("under faults %d pages for %d credits; clean %d pages for %d credits", fs.Pages, fs.Credits, cs.Pages, cs.Credits)
		}
		compareSnapshots(t, cleanDB, faultyDB, "2026Q4")
	})
}

// compareSnapshots fails unless two databases hold the same snapshot: the
// same services and stored pages (query, page, hits, credits), and the
// same JSON report (but for the engines' fetch times).
func compareSnapshots(t *testing.T, want, got, label string) {
	t.Helper()
	s1, p1 := snapshotDump(t, want, label)
	s2, p2 := snapshotDump(t, got, label)
	if len(s1) == 0 || len(p1) == 0 {
		t.Fatalf("the reference snapshot is empty: %d services, %d pages", len(s1), len(p1))
	}
	if strings.Join(s1, "\n") != strings.Join(s2, "\n") {
		t.Errorf("services differ: %d, want %d", len(s2), len(s1))
	}
	if strings.Join(p1, "\n") != strings.Join(p2, "\n") {
		t.Errorf("stored pages differ:\ngot  %v\nwant %v", p2, p1)
	}
	// A query's "at" is the engine's Date header of its last page: the
	// wall clock of the fake, which differs between the runs.
	at := regexp.MustCompile(`"at": "[^"]*"`)
	a := at.ReplaceAllString(reportJSONOf(t, want, label), `"at": ""`)
	b := at.ReplaceAllString(reportJSONOf(t, got, label), `"at": ""`)
	if a != b {
		al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
		for i := range min(len(al), len(bl)) {
			if al[i] != bl[i] {
				t.Errorf("JSON reports differ at line %d:\nwant %s\ngot  %s", i+1, al[i], bl[i])
				break
			}
		}
		if len(al) != len(bl) {
			t.Errorf("JSON reports differ: %d lines, want %d", len(bl), len(al))
		}
	}
	integrityCheck(t, got)
}

// TestImportResumeAfterSIGKILL kills an importing process with SIGKILL in
// the middle of a file (the file is a FIFO the test feeds: the child has
// committed some batches and waits for more), checks that the database
// passes PRAGMA integrity_check, imports the whole file again, and checks
// that the snapshot equals a clean import's: no duplicate, no lost record,
// one import recorded.
func TestImportResumeAfterSIGKILL(t *testing.T) {
	if os.Getenv("ORCHEX_IMPORT_CHILD") != "" {
		return
	}
	dir := t.TempDir()
	var data bytes.Buffer
	for i, b := range shodantest.Kubernetes(9000, 5) {
		data.Write(b)
		data.WriteByte('\n')
		if i == 4500 {
			data.WriteString("{\"ip_str\": \"198.18.0.1\", \"port\": \n") // one bad record on the way
		}
	}
	file := filepath.Join(dir, "k8s.json")
	if err := os.WriteFile(file, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "k8s-pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO on this system: %v", err)
	}
	db := filepath.Join(dir, "killed.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$")
	cmd.Env = append(os.Environ(), "ORCHEX_IMPORT_CHILD=1", "ORCHEX_CHILD_DB="+db, "ORCHEX_CHILD_FILE="+fifo)
	var childOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Feed 6,000 records (past the importer's 1 MiB look-ahead and one
	// ingest batch of 5,000), then wait for committed observations.
	half := bytes.Index(data.Bytes(), []byte("\"ip_str\": \"10.0.23.112\"")) // record 6,000 or so
	if half < 0 {
		half = data.Len() * 2 / 3
	}
	half = bytes.LastIndexByte(data.Bytes()[:half], '\n') + 1
	if _, err := w.Write(data.Bytes()[:half]); err != nil {
		t.Fatal(err)
	}
	committed := 0
	deadline := time.Now().Add(30 * time.Second)
	for committed < 2000 {
		if time.Now().After(deadline) {
			t.Fatalf("the child committed %d observations in 30 s; output:\n%s", committed, childOut.String())
		}
		time.Sleep(20 * time.Millisecond)
		committed = countRows(t, db, "observations")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	w.Close()
	t.Logf("killed after %d observations were committed", committed)
	integrityCheck(t, db)
	// The killed import could not say why it stopped: the snapshot's
	// report is flagged as incomplete all the same, naming the file,
	// never presented as the census.
	md, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4")
	if code != 0 {
		t.Fatalf("report after the kill: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(md, "**Incomplete snapshot.**") || !strings.Contains(md, "the import of k8s-pipe.json: not finished") {
		t.Errorf("the report of the killed import's snapshot is not flagged as incomplete:\n%.1500s", md)
	}

	// The same file, whole, into the killed database and into a new one.
	_, stderr, code = run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", file)
	if code != ExitPartial {
		t.Fatalf("import after the kill: exit %d, want 3 (one bad record)\n%s", code, stderr)
	}
	cleanDB := filepath.Join(dir, "clean.db")
	if _, stderr, code := run(t, nil, "--db", cleanDB, "import", "--snapshot", "2026Q4", file); code != ExitPartial {
		t.Fatalf("clean import: exit %d\n%s", code, stderr)
	}
	if a, b := countRows(t, db, "observations"), countRows(t, cleanDB, "observations"); a != b || a < 9000 {
		t.Errorf("%d observations after the kill and the rerun, %d in a clean import (want 9,000 each)", a, b)
	}
	s1, _ := snapshotDump(t, cleanDB, "2026Q4")
	s2, _ := snapshotDump(t, db, "2026Q4")
	if strings.Join(s1, "\n") != strings.Join(s2, "\n") || len(s1) != 9000 {
		t.Errorf("resumed import: %d services; clean import %d (want 9,000)", len(s2), len(s1))
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	imports, err := st.Imports(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) != 1 || imports[0].Read != 9001 || imports[0].Bad != 1 {
		t.Errorf("imports recorded: %+v; want the one complete import (9,001 read, 1 bad)", imports)
	}
	integrityCheck(t, db)
}

// TestImportChild is the process TestImportResumeAfterSIGKILL kills.
func TestImportChild(t *testing.T) {
	if os.Getenv("ORCHEX_IMPORT_CHILD") == "" {
		t.Skip("run by TestImportResumeAfterSIGKILL only")
	}
	_, stderr, code := run(t, nil, "--db", os.Getenv("ORCHEX_CHILD_DB"), "import", "--snapshot", "2026Q4", os.Getenv("ORCHEX_CHILD_FILE"))
	t.Fatalf("the child was not killed: exit %d\n%s", code, stderr)
}

// countRows counts a table's rows, reading beside a writer (WAL); 0 when
// the database or table does not exist yet.
func countRows(t *testing.T, db, table string) int {
	t.Helper()
	if _, err := os.Stat(db); err != nil {
		return 0
	}
	h, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var n int
	if err := h.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		return 0
	}
	return n
}
