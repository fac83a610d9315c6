package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

// snapshotMeta reads a snapshot's metadata, or fails with ErrNoSnapshot.
func snapshotMeta(t *testing.T, db, label string) (store.Meta, error) {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, err := st.Snapshot(context.Background(), label)
	return sn.Meta, err
}

// reportCompleteness runs report --format json and returns its
// completeness object.
func reportCompleteness(t *testing.T, db, label string) (complete bool, reasons []string) {
	t.Helper()
	stdout, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", label, "--format", "json")
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var doc reportJSON
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Completeness.Complete, doc.Completeness.Reasons
}

// TestImportNothingCreatesNoSnapshot: an import that stores nothing (a
// missing file, an empty file, a directory, a file of no known format)
// leaves no snapshot behind; one into an existing snapshot leaves it.
func TestImportNothingCreatesNoSnapshot(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o600)
	notJSON := filepath.Join(dir, "notes.txt")
	os.WriteFile(notJSON, []byte("hello"), 0o600)
	for _, f := range []string{filepath.Join(dir, "missing.json.gz"), empty, dir, notJSON} {
		_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f)
		if code == ExitOK {
			t.Errorf("import of %s: exit 0\n%s", f, stderr)
		}
		if _, err := snapshotMeta(t, db, "2026Q4"); !errors.Is(err, store.ErrNoSnapshot) {
			t.Errorf("import of %s left snapshot 2026Q4 behind (%v)\n%s", filepath.Base(f), err, stderr)
		}
	}
	// A trend of the database has no column of zeros.
	if _, stderr, code := run(t, nil, "--db", db, "trend"); code == ExitOK || !strings.Contains(stderr, "no snapshot yet") {
		t.Errorf("trend of a database with no snapshot: exit %d\n%s", code, stderr)
	}
}

// TestImportTruncatedMarksIncomplete: a truncated .gz marks the snapshot
// incomplete with the file and where it broke, every format says so,
// and importing the whole file (same name) clears the mark.
func TestImportTruncatedMarksIncomplete(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	whole := filepath.Join(dir, "whole", "k8s.json.gz")
	os.MkdirAll(filepath.Dir(whole), 0o700)
	if _, stderr, code := run(t, nil, "demo", "--write-shodan", whole, "--size", "400"); code != ExitOK {
		t.Fatalf("write-shodan: %s", stderr)
	}
	raw, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "k8s.json.gz")
	os.WriteFile(cut, raw[:len(raw)*2/3], 0o600)
	_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", cut)
	if code != ExitPartial {
		t.Fatalf("truncated import: exit %d, want 3\n%s", code, stderr)
	}
	m, err := snapshotMeta(t, db, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Incomplete) != 1 || m.Incomplete[0].Run != "the import of k8s.json.gz" ||
		!strings.Contains(strings.Join(m.Incomplete[0].Reasons, " "), "gzip stream is truncated") {
		t.Fatalf("incomplete marks %+v", m.Incomplete)
	}
	complete, reasons := reportCompleteness(t, db, "2026Q4")
	if complete || len(reasons) != 1 || !strings.Contains(reasons[0], "k8s.json.gz:") {
		t.Errorf("report completeness %v %q", complete, reasons)
	}
	md, _, _ := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4")
	if i := strings.Index(md, "Incomplete snapshot."); i < 0 || i > strings.Index(md, "## Headline") {
		t.Errorf("the Markdown report does not open with the incomplete snapshot:\n%.600s", md)
	}
	csv, _, _ := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); !strings.HasSuffix(lines[0], ",snapshot_complete") || !strings.HasSuffix(lines[1], ",false") {
		t.Errorf("CSV does not say the snapshot is incomplete:\n%.400s", csv)
	}
	// The whole file, by the same name: complete.
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", whole); code != ExitOK {
		t.Fatalf("whole import: exit %d\n%s", code, stderr)
	}
	if complete, reasons := reportCompleteness(t, db, "2026Q4"); !complete || len(reasons) != 0 {
		t.Errorf("after the whole file: completeness %v %q", complete, reasons)
	}
}

// TestImportInterruptedMarksIncomplete: an import whose context ends
// while it reads (a named pipe that goes on sending after the interrupt)
// marks the file it was reading and every file not yet imported;
// importing them again clears the marks.
func TestImportInterruptedMarksIncomplete(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	fifo := filepath.Join(dir, "a.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipe here: %v", err)
	}
	rest := filepath.Join(dir, "b.json")
	var banners [][]byte
	for _, b := range shodantest.Kubernetes(1200, 5) {
		banners = append(banners, append(append([]byte{}, b...), '\n'))
	}
	os.WriteFile(rest, bytes.Join(banners[:50], nil), 0o600)
	// A snapshot that exists, so that what the interrupt stopped is kept.
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", rest); code != ExitOK {
		t.Fatalf("first import: %s", stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write(bytes.Join(banners[:600], nil))
		cancel() // the interrupt, while the importer still reads
		w.Write(bytes.Join(banners[600:], nil))
	}()
	r := runOrchex(t, ctx, nil, "--db", db, "import", "--snapshot", "2026Q4", fifo, rest)
	<-done
	if r.code == ExitOK {
		t.Fatalf("an interrupted import exited 0\n%s", r.stderr)
	}
	m, err := snapshotMeta(t, db, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, in := range m.Incomplete {
		runs = append(runs, in.Run)
	}
	if strings.Join(runs, ",") != "the import of a.json,the import of b.json" || !strings.Contains(m.Incomplete[0].Reasons[0], "interrupted") {
		t.Fatalf("marks %+v\n%s", m.Incomplete, r.stderr)
	}
	// The same files again (the pipe's data now in a file of its name).
	os.Remove(fifo)
	os.WriteFile(fifo, bytes.Join(banners, nil), 0o600)
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", fifo, rest); code != ExitOK {
		t.Fatalf("import again: %s", stderr)
	}
	if m, _ := snapshotMeta(t, db, "2026Q4"); !m.Complete() {
		t.Errorf("marks after importing again: %+v", m.Incomplete)
	}
}

// TestCollectMarksIncomplete: a collection stopped by --max-credits marks
// the snapshot with the queries that did not complete, and running it
// again without the cap completes them and clears the marks; a wrong
// key stores nothing and leaves no snapshot.
func TestCollectMarksIncomplete(t *testing.T) {
	srv := collectFake(t, 250)
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "--snapshot", "2026Q4", "--max-credits", "2")...)
	if r.code != ExitPartial {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	m, err := snapshotMeta(t, db, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	reasons := strings.Join(m.IncompleteReasons(), "\n")
	for _, want := range []string{"query kubernetes-api/shodan/1 (shodan): stopped at the credit budget after 2 pages",
		"query kubernetes-api/shodan/2 (shodan): did not run: the credit budget was spent"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons lack %q:\n%s", want, reasons)
		}
	}
	if complete, _ := reportCompleteness(t, db, "2026Q4"); complete {
		t.Error("the report of a capped collection reads as complete")
	}
	r = runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "--snapshot", "2026Q4")...)
	if r.code != ExitOK {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if m, _ := snapshotMeta(t, db, "2026Q4"); !m.Complete() {
		t.Errorf("after the resumed collection: %q", m.IncompleteReasons())
	}

	bad := collectFake(t, 50)
	bad.Inject(shodantest.None, shodantest.Unauthorized)
	r = runOrchex(t, context.Background(), collectEnv(t, bad), collectArgs(db, "--snapshot", "2027Q1")...)
	if r.code == ExitOK {
		t.Fatalf("a rejected key exited 0")
	}
	if _, err := snapshotMeta(t, db, "2027Q1"); !errors.Is(err, store.ErrNoSnapshot) {
		t.Errorf("a collection that stored nothing left its snapshot (%v)\n%s", err, r.stderr)
	}
	if !strings.Contains(r.stderr, "was removed again") {
		t.Errorf("stderr does not say the empty snapshot was removed:\n%s", r.stderr)
	}
}

// TestReportHoneypotsCLI: report, diff and export leave a honeypot host
// out and --include-honeypots keeps it, marked in the listings.
func TestReportHoneypotsCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	banners := []shodantest.Banner{
		{IP: "198.51.100.7", Port: 6443, Product: "Kubernetes", Country: "DE", Tags: []string{"cloud"}},
		{IP: "198.51.100.8", Port: 6443, Product: "Kubernetes", Country: "DE", Tags: []string{"honeypot"}},
		{IP: "198.51.100.8", Port: 2375, Product: "Docker", Country: "DE"},
	}
	for _, x := range banners {
		zw.Write(x.JSON())
		zw.Write([]byte("\n"))
	}
	zw.Close()
	f := filepath.Join(dir, "mixed.json.gz")
	os.WriteFile(f, b.Bytes(), 0o600)
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f); code != ExitOK {
		t.Fatalf("import: %s", stderr)
	}
	out, _, _ := run(t, nil, "--db", db, "report", "--format", "json", "--include-addresses")
	var doc struct {
		Headline struct{ Services, Hosts int }
		Method   struct{ Honeypots struct{ Services, Hosts int } }
		Services []struct {
			Address  string
			Honeypot bool
		}
	}
	json.Unmarshal([]byte(out), &doc)
	if doc.Headline.Services != 1 || doc.Headline.Hosts != 1 || doc.Method.Honeypots.Services != 2 || doc.Method.Honeypots.Hosts != 1 || len(doc.Services) != 1 {
		t.Errorf("report: %+v", doc)
	}
	out, _, _ = run(t, nil, "--db", db, "report", "--format", "json", "--include-addresses", "--include-honeypots")
	doc.Services = nil
	json.Unmarshal([]byte(out), &doc)
	marked := 0
	for _, s := range doc.Services {
		if s.Honeypot {
			marked++
			if s.Address != "198.51.100.8" {
				t.Errorf("marked %s", s.Address)
			}
		}
	}
	if doc.Headline.Services != 3 || marked != 2 {
		t.Errorf("--include-honeypots: %d services, %d marked", doc.Headline.Services, marked)
	}
	csv, _, _ := run(t, nil, "--db", db, "export", "--format", "csv")
	if strings.Contains(csv, "198.51.100.8") {
		t.Error("export lists a honeypot host without --include-honeypots")
	}
	csv, _, _ = run(t, nil, "--db", db, "export", "--format", "csv", "--include-honeypots")
	if !strings.Contains(csv, "198.51.100.8") {
		t.Error("export --include-honeypots leaves the honeypot host out")
	}
}
