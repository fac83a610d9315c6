package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/all"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

const collectCanary = "CANARYshodanKEY0123456789zz"

// collectFake starts a fake Shodan with n Kubernetes API banners for every
// query, at a test rate (the rate itself is the benchmark's subject).
func collectFake(t *testing.T, n int) *shodantest.Server { return collectFakeWith(t, n, nil) }

// collectFakeWith is collectFake with a hook on every request.
func collectFakeWith(t *testing.T, n int, onRequest func(int, shodantest.Fault)) *shodantest.Server {
	t.Helper()
	pop := shodantest.Kubernetes(n, 11)
	srv := shodantest.NewServer(shodantest.Config{Key: collectCanary, Rate: 400, Burst: 4,
		Population: func(string) []json.RawMessage { return pop }, OnRequest: onRequest})
	t.Cleanup(func() {
		srv.Close()
		if err := srv.Verify(); err != nil {
			t.Error(err)
		}
	})
	return srv
}

type collectRun struct {
	code           ExitCode
	stdout, stderr string
}

func runOrchex(t *testing.T, ctx context.Context, env map[string]string, args ...string) collectRun {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(ctx, args, Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""),
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }, Sleep: noSleep})
	return collectRun{code, out.String(), errb.String()}
}

func collectEnv(t *testing.T, srv *shodantest.Server) map[string]string {
	return map[string]string{"SHODAN_API_KEY": collectCanary, "ORCHEX_SHODAN_URL": srv.URL(), "HOME": t.TempDir()}
}

func collectArgs(db string, extra ...string) []string {
	return append([]string{"--db", db, "collect", "--engine", "shodan", "--products", "kubernetes-api", "--shodan-rate", "200"}, extra...)
}

// snapshotDump returns the services of a snapshot and its raw pages'
// (query, page, hits, credits), one per line, sorted by the store.
func snapshotDump(t *testing.T, db, label string) (services []string, pages []string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Services(ctx, label, func(s *model.Service) error {
		services = append(services, fmt.Sprintf("%v %s %s %s", s.Key, s.Product, s.Auth, s.Cloud.Provider))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Pages(ctx, label, func(p *model.RawPage) error {
		if bytes.Contains(p.Body, []byte(collectCanary)) {
			t.Errorf("raw page %s %d holds the key", p.QueryID, p.Page)
		}
		pages = append(pages, fmt.Sprintf("%s %d hits=%d credits=%d", p.QueryID, p.Page, p.Hits, p.Credits))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db, db + "-wal"} {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(collectCanary)) {
			t.Errorf("%s holds the key", f)
		}
	}
	return services, pages
}

func TestCollectShodan(t *testing.T) {
	srv := collectFake(t, 250)
	db := filepath.Join(t.TempDir(), "o.db")
	// --verbose logs every request: the log must not hold the key either.
	r := runOrchex(t, context.Background(), collectEnv(t, srv), append([]string{"--verbose"}, collectArgs(db)...)...)
	if !strings.Contains(r.stderr, "shodan request") {
		t.Errorf("--verbose did not log requests:\n%s", r.stderr)
	}
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// Two catalog queries of 250 results: 3 pages each, 1 credit each.
	if got := srv.Stats(); got.PagesServed != 6 || got.Credits != 6 {
		t.Errorf("fake: %+v; want 6 pages, 6 credits", got)
	}
	for _, want := range []string{"kubernetes-api/shodan/1", "kubernetes-api/shodan/2", "plan dev"} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, r.stdout, r.stderr)
		}
	}
	services, pages := snapshotDump(t, db, "2026Q4")
	if len(pages) != 6 {
		t.Errorf("stored pages = %v", pages)
	}
	if len(services) != 250 {
		t.Errorf("%d services, want 250 (the two queries see the same hosts)", len(services))
	}
	if strings.Contains(r.stdout+r.stderr, collectCanary) {
		t.Error("the key appears in the output")
	}
	// Run again: nothing is fetched.
	r2 := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db)...)
	if r2.code != r.code || srv.Stats().PagesServed != 6 {
		t.Errorf("second run: exit %d, %d pages served; want nothing fetched", r2.code, srv.Stats().PagesServed)
	}
	// --refresh fetches every page again and changes nothing in the snapshot.
	r3 := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "--refresh")...)
	if r3.code != ExitOK || srv.Stats().PagesServed != 12 {
		t.Errorf("refresh run: exit %d, %d pages served; want all 6 again\n%s", r3.code, srv.Stats().PagesServed, r3.stderr)
	}
	services2, pages2 := snapshotDump(t, db, "2026Q4")
	if strings.Join(services2, "\n") != strings.Join(services, "\n") || len(pages2) != len(pages) {
		t.Errorf("refresh changed the snapshot: %d services, %d pages", len(services2), len(pages2))
	}
}

func TestCollectLimitsExit3(t *testing.T) {
	for _, tc := range []struct {
		flag    []string
		pages   int
		message string
	}{
		{[]string{"--max-pages", "1"}, 2, "max-pages"},
		{[]string{"--max-credits", "2"}, 2, "credit budget"},
	} {
		t.Run(tc.flag[0], func(t *testing.T) {
			srv := collectFake(t, 250)
			db := filepath.Join(t.TempDir(), "o.db")
			r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, tc.flag...)...)
			if r.code != ExitPartial {
				t.Fatalf("exit %d, want 3\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if got := srv.Stats(); got.PagesServed != tc.pages || got.Credits != tc.pages {
				t.Errorf("fake: %+v; want %d pages and credits", got, tc.pages)
			}
			if !strings.Contains(r.stderr, tc.message) {
				t.Errorf("stderr does not say %q:\n%s", tc.message, r.stderr)
			}
		})
	}
}

// TestCollectAccountCreditsStop checks that a collection stopped by the
// account's credits, with no --max-credits, does not tell the user to
// raise --max-credits, which cannot help.
func TestCollectAccountCreditsStop(t *testing.T) {
	pop := shodantest.Kubernetes(250, 11)
	srv := shodantest.NewServer(shodantest.Config{Key: collectCanary, Rate: 400, Burst: 4, Credits: 2,
		Population: func(string) []json.RawMessage { return pop }})
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db)...)
	if r.code != ExitPartial {
		t.Fatalf("exit %d, want 3\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := srv.Stats(); got.PagesServed != 2 || got.Credits != 2 {
		t.Errorf("fake: %+v; want the account's 2 pages and credits", got)
	}
	if !strings.Contains(r.stderr, "the account's query credits (2 spent of the 2 left)") || strings.Contains(r.stderr, "raise --max-credits") {
		t.Errorf("stderr does not say the account's credits stopped it, or asks for --max-credits:\n%s", r.stderr)
	}
}

func TestCollectDryRun(t *testing.T) {
	srv := collectFake(t, 250)
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := srv.Stats(); got.Searches != 0 || got.Credits != 0 || got.Counts != 2 {
		t.Errorf("fake: %+v; want 2 free counts only", got)
	}
	if !strings.Contains(r.stderr, "6 pages for 6 credits") {
		t.Errorf("dry run does not state the cost:\n%s\n%s", r.stdout, r.stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("dry run created the database")
	}
}

// TestCollectDryRunFailedCount checks that a dry run whose count of a
// query failed says that its figures leave that query out, rather than
// stating them as a full collection's.
func TestCollectDryRunFailedCount(t *testing.T) {
	srv := collectFake(t, 250)
	srv.Inject(shodantest.None, shodantest.None, shodantest.BadQuery) // api-info and the first count fine, the second refused
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "--dry-run")...)
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "3 pages for 3 credits") || !strings.Contains(r.stderr, "leave out the queries that could not be counted (1)") {
		t.Errorf("dry run does not say its figures leave the failed count out:\n%s\n%s", r.stdout, r.stderr)
	}
}

func TestCollectErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault shodantest.Fault
		want  string
	}{
		{"unauthorized", shodantest.Unauthorized, "SHODAN_API_KEY"},
		{"forbidden", shodantest.Forbidden, "Membership"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := collectFake(t, 50)
			srv.Inject(shodantest.None, tc.fault) // api-info fine, first search fails
			db := filepath.Join(t.TempDir(), "o.db")
			r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db)...)
			if r.code != ExitFailure || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant 1 and %q", r.code, r.stderr, tc.want)
			}
			if st := srv.Stats(); st.Requests != 2 {
				t.Errorf("%d requests after a %s; want the engine stopped after api-info and 1 search", st.Requests, tc.name)
			}
			if strings.Contains(r.stdout+r.stderr, collectCanary) {
				t.Error("the key appears in the output")
			}
		})
	}
}

func TestCollectNoCredentials(t *testing.T) {
	r := runOrchex(t, context.Background(), map[string]string{"HOME": t.TempDir()}, "--db", filepath.Join(t.TempDir(), "o.db"), "collect", "--engine", "shodan")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "SHODAN_API_KEY") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
}

// resolveSecret resolves an engine's settings with the file flag set to
// file (when not "") and HOME set to home, and returns the secret setting
// and the warnings.
func resolveSecret(t *testing.T, engine model.Engine, setting, flag, file, home string) (source.Secret, string, error) {
	t.Helper()
	f, ok := all.Engines().Lookup(engine)
	if !ok {
		t.Fatalf("no engine %s", engine)
	}
	var warnings strings.Builder
	v, err := f.Resolve(source.Lookup{
		Flag:   func(name string) (string, bool) { return file, name == flag && file != "" },
		Getenv: func(k string) string { return map[string]string{"HOME": home}[k] },
		Warn:   func(msg string) { warnings.WriteString(msg + "\n") },
	})
	if err != nil {
		return source.Secret{}, warnings.String(), err
	}
	return v.Secret(setting), warnings.String(), nil
}

func TestShodanKeyFile(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "shodan")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "api_key"), []byte(collectCanary+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	key, warnings, err := resolveSecret(t, model.Shodan, shodan.SettingKey, "", "", home)
	if err != nil || key.Reveal() != collectCanary {
		t.Fatalf("key %v, %v", key, err)
	}
	if !strings.Contains(warnings, "0644") || strings.Contains(warnings, collectCanary) {
		t.Errorf("warning = %q", warnings)
	}
}

func TestQuarterLabel(t *testing.T) {
	for in, want := range map[string]string{"2026-01-01": "2026Q1", "2026-03-31": "2026Q1", "2026-04-01": "2026Q2", "2026-12-31": "2026Q4"} {
		d, _ := time.Parse("2006-01-02", in)
		if got := quarterLabel(d); got != want {
			t.Errorf("quarterLabel(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestCollectResumeAfterSIGKILL kills a collecting process with SIGKILL
// while it waits for a page, runs the same command again, and checks that
// no page was fetched twice, that credits equal the pages needed, and that
// the snapshot equals a clean run's.
func TestCollectResumeAfterSIGKILL(t *testing.T) {
	if os.Getenv("ORCHEX_COLLECT_CHILD") != "" {
		return // the child runs from TestCollectChild
	}
	// api-info, pages 1 and 2 of the first query, then page 3 hangs: the
	// child is killed while it waits, with pages 1-2 committed.
	hanging := make(chan struct{})
	var once sync.Once
	srv := collectFakeWith(t, 350, func(n int, f shodantest.Fault) { // 4 pages a query, 8 in all
		if f == shodantest.Slow {
			once.Do(func() { close(hanging) })
		}
	})
	srv.Inject(shodantest.None, shodantest.None, shodantest.None, shodantest.Slow)
	dir := t.TempDir()
	db := filepath.Join(dir, "killed.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCollectChild$")
	cmd.Env = append(os.Environ(), "ORCHEX_COLLECT_CHILD=1", "ORCHEX_CHILD_DB="+db, "ORCHEX_CHILD_URL="+srv.URL(), "HOME="+dir)
	var childOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-hanging:
	case err := <-exited:
		t.Fatalf("the child ended (%v) before reaching page 3; output:\n%s", err, childOut.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	if got := srv.Stats().PagesServed; got != 2 {
		t.Fatalf("%d pages served before the kill, want 2", got)
	}
	integrityCheck(t, db) // a kill never leaves the database corrupt
	// The killed collection could not say why it stopped: its snapshot's
	// report is flagged as incomplete all the same, never presented as
	// the census.
	if md, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4"); code != 0 {
		t.Fatalf("report after the kill: exit %d\n%s", code, stderr)
	} else if !strings.Contains(md, "**Incomplete snapshot.**") || !strings.Contains(md, "not finished: the collection was still running") {
		t.Errorf("the report of the killed collection's snapshot is not flagged as incomplete:\n%.1500s", md)
	}
	r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db)...)
	if r.code != ExitOK && r.code != ExitPartial {
		t.Fatalf("resumed run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if again := srv.Refetched(); len(again) > 0 {
		t.Errorf("pages fetched twice across the kill: %v", again)
	}
	if st := srv.Stats(); st.Credits != 8 || st.PagesServed != 8 {
		t.Errorf("fake: %+v; want 8 pages and 8 credits in all", st)
	}
	if strings.Contains(childOut.String()+r.stdout+r.stderr, collectCanary) {
		t.Error("the key appears in the output")
	}

	clean := collectFake(t, 350)
	cleanDB := filepath.Join(dir, "clean.db")
	if r := runOrchex(t, context.Background(), collectEnv(t, clean), collectArgs(cleanDB)...); r.code != ExitOK && r.code != ExitPartial {
		t.Fatalf("clean run: exit %d\n%s", r.code, r.stderr)
	}
	s1, p1 := snapshotDump(t, db, "2026Q4")
	s2, p2 := snapshotDump(t, cleanDB, "2026Q4")
	if strings.Join(s1, "\n") != strings.Join(s2, "\n") || strings.Join(p1, "\n") != strings.Join(p2, "\n") {
		t.Errorf("resumed snapshot differs from a clean run:\nresumed %d services, pages %v\nclean %d services, pages %v", len(s1), p1, len(s2), p2)
	}
}

// TestCollectChild is the process TestCollectResumeAfterSIGKILL kills.
func TestCollectChild(t *testing.T) {
	if os.Getenv("ORCHEX_COLLECT_CHILD") == "" {
		t.Skip("run by TestCollectResumeAfterSIGKILL only")
	}
	env := map[string]string{"SHODAN_API_KEY": collectCanary, "ORCHEX_SHODAN_URL": os.Getenv("ORCHEX_CHILD_URL"), "HOME": os.Getenv("HOME")}
	r := runOrchex(t, context.Background(), env, collectArgs(os.Getenv("ORCHEX_CHILD_DB"))...)
	t.Fatalf("the child was not killed: exit %d\n%s", r.code, r.stderr)
}
