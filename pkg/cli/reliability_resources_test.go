package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
)

// reportDB imports a generated population of n services into a new
// database and returns its path.
func reportDB(t *testing.T, dir string, n int) string {
	t.Helper()
	db := filepath.Join(dir, "orchex.db")
	f := filepath.Join(dir, "k8s.json")
	if _, stderr, code := run(t, nil, "demo", "--write-shodan", f, "--size", fmt.Sprint(n)); code != ExitOK {
		t.Fatalf("demo --write-shodan: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	return db
}

// mountTmpfs mounts a tmpfs of size bytes at dir (ro for a read-only
// one) and unmounts it at the end of the test; ok is false when this
// process may not mount (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir string, size int, ro bool) bool {
	t.Helper()
	opts := fmt.Sprintf("size=%d", size)
	if ro {
		opts += ",ro"
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		return false
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return true
}

// leftovers lists the entries of dir other than keep.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !containsString(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestReportDiskFull writes reports to a filesystem that fills up: a
// 64 KiB tmpfs (when the test may mount one) and /dev/full as stdout. Each
// write fails with exit 1 and an error naming the file and the cause; an
// earlier report at the same path is left whole; no partial or temporary
// file remains.
func TestReportDiskFull(t *testing.T) {
	dir := t.TempDir()
	db := reportDB(t, dir, 1200)

	t.Run("tmpfs", func(t *testing.T) {
		full := filepath.Join(dir, "full")
		if err := os.Mkdir(full, 0o755); err != nil {
			t.Fatal(err)
		}
		if !mountTmpfs(t, full, 64<<10, false) {
			t.Skip("cannot mount a tmpfs (not root): the disk-full case is covered by /dev/full only")
		}
		out := filepath.Join(full, "report.md")
		if _, stderr, code := run(t, nil, "--db", db, "report", "--out", out); code != ExitOK {
			t.Fatalf("the first, small report does not fit in 64 KiB: exit %d\n%s", code, stderr)
		}
		before, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"--format", "csv", "--include-addresses"},
			{"--include-addresses"},
			{"--format", "json", "--include-addresses"},
		} {
			_, stderr, code := run(t, nil, append([]string{"--db", db, "report", "--out", out}, args...)...)
			if code != ExitFailure || !strings.Contains(stderr, "no space left on device") || !strings.Contains(stderr, out) {
				t.Errorf("report %v on a full disk: exit %d, stderr %q; want 1 and an error naming %s and the full disk", args, code, stderr, out)
			}
			after, err := os.ReadFile(out)
			if err != nil || !bytes.Equal(after, before) {
				t.Errorf("report %v: the earlier report at %s was damaged (%v)", args, out, err)
			}
			if l := leftovers(t, full, "report.md"); len(l) > 0 {
				t.Errorf("report %v left %v behind", args, l)
			}
		}
		// A database on the full disk: a clear error, and a database that
		// is still whole.
		fullDB := filepath.Join(full, "o.db")
		big := filepath.Join(dir, "big.json")
		if _, stderr, code := run(t, nil, "demo", "--write-shodan", big, "--size", "2000"); code != ExitOK {
			t.Fatalf("demo: %s", stderr)
		}
		os.Remove(out)
		_, stderr, code := run(t, nil, "--db", fullDB, "import", "--snapshot", "2026Q4", big)
		if code != ExitFailure || !strings.Contains(stderr, fullDB) || !strings.Contains(strings.ToLower(stderr), "full") {
			t.Errorf("import into a database on a full disk: exit %d, stderr %q; want 1 and an error naming the database and the full disk", code, stderr)
		}
		if _, err := os.Stat(fullDB); err == nil {
			integrityCheck(t, fullDB)
		}
	})

	t.Run("dev-full", func(t *testing.T) {
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skipf("no /dev/full: %v", err)
		}
		defer f.Close()
		for _, format := range []string{"md", "json", "csv"} {
			var errb bytes.Buffer
			code := Main(context.Background(), []string{"--db", db, "report", "--format", format, "--include-addresses"},
				Env{Stdin: strings.NewReader(""), Stdout: f, Stderr: &errb, Getenv: func(string) string { return "" }})
			if code != ExitFailure || !strings.Contains(errb.String(), "no space left on device") {
				t.Errorf("report --format %s to /dev/full: exit %d, stderr %q; want 1 and the cause", format, code, errb.String())
			}
		}
	})
}

// TestReportReadOnlyDirectory writes a report into a read-only directory
// (a read-only tmpfs when running as root, which ignores file modes; a
// 0555 directory otherwise): exit 1, an error that names the file and asks
// whether the directory is writable, and nothing written.
func TestReportReadOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	db := reportDB(t, dir, 50)
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if !mountTmpfs(t, ro, 64<<10, true) {
			t.Skip("running as root without mount: a read-only directory cannot be made")
		}
	} else {
		if err := os.Chmod(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(ro, 0o755) })
	}
	for _, format := range []string{"md", "json", "csv", "pdf"} {
		out := filepath.Join(ro, "report."+format)
		_, stderr, code := run(t, nil, "--db", db, "report", "--format", format, "--out", out)
		if code != ExitFailure || !strings.Contains(stderr, out) || !strings.Contains(stderr, "writable") {
			t.Errorf("report --format %s into a read-only directory: exit %d, stderr %q", format, code, stderr)
		}
	}
	if l := leftovers(t, ro); len(l) > 0 {
		t.Errorf("files written into the read-only directory: %v", l)
	}
}

// TestDatabaseLockedByAnotherProcess holds a write transaction on the
// database in another process and checks that a writing orchex (import)
// fails after the busy timeout with an error that says the database is
// locked by another process and what to do, that reading (report,
// snapshots) goes on meanwhile, and that the import succeeds once the
// other process is gone.
func TestDatabaseLockedByAnotherProcess(t *testing.T) {
	if os.Getenv("ORCHEX_LOCK_CHILD") != "" {
		return
	}
	dir := t.TempDir()
	db := reportDB(t, dir, 50)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$")
	cmd.Env = append(os.Environ(), "ORCHEX_LOCK_CHILD=1", "ORCHEX_CHILD_DB="+db)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe() // the child holds the lock until this closes
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var childErr bytes.Buffer
	cmd.Stderr = &childErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("the child did not take the lock: %q %v\n%s", line, err, childErr.String())
	}

	out, stderr, code := run(t, nil, "--db", db, "report", "--format", "json")
	if code != ExitOK || !strings.Contains(out, `"services"`) {
		t.Errorf("report while another process writes: exit %d\n%s", code, stderr)
	}
	f := filepath.Join(dir, "more.json")
	if _, stderr, code := run(t, nil, "demo", "--write-shodan", f, "--size", "30"); code != ExitOK {
		t.Fatalf("demo: %s", stderr)
	}
	_, stderr, code = run(t, nil, "--db", db, "import", "--snapshot", "2026Q3", f)
	if code != ExitFailure || !strings.Contains(stderr, "locked by another process") || !strings.Contains(stderr, db) {
		t.Errorf("import into a locked database: exit %d, stderr %q; want 1 and a message naming the lock", code, stderr)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q3", f); code != ExitOK {
		t.Errorf("import after the other process ended: exit %d\n%s", code, stderr)
	}
	integrityCheck(t, db)
}

// TestLockChild holds a write transaction on a database until killed.
func TestLockChild(t *testing.T) {
	if os.Getenv("ORCHEX_LOCK_CHILD") == "" {
		t.Skip("run by TestDatabaseLockedByAnotherProcess only")
	}
	h, err := sql.Open("sqlite", "file:"+os.Getenv("ORCHEX_CHILD_DB"))
	if err != nil {
		t.Fatal(err)
	}
	h.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := h.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "UPDATE snapshots SET label = label"); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin) // until the parent closes stdin or kills this process
	t.Fatal("not killed")
}

// TestMissingOrCorruptDatabase checks the errors for a database that is
// missing, is not SQLite, or is an SQLite file cut short: exit 1, the
// path and what to do in the message, and the file left as it was (never
// overwritten, never created by a reading command).
func TestMissingOrCorruptDatabase(t *testing.T) {
	dir := t.TempDir()
	good := reportDB(t, dir, 50)
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "k8s.json")
	for _, tc := range []struct {
		name    string
		content []byte // nil: no file
		want    string
	}{
		{"missing", nil, "no database at"},
		{"text file", []byte("these are my notes, not a database\n"), "not an orchex database"},
		{"zeros", make([]byte, 8192), "not an orchex database"},
		{"cut short", goodBytes[:len(goodBytes)/3], "not an orchex database"},
		{"other sqlite app", nil, "not an orchex database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "x.db")
			switch {
			case tc.content != nil:
				if err := os.WriteFile(db, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			case tc.name == "other sqlite app":
				h, err := sql.Open("sqlite", "file:"+db)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := h.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')"); err != nil {
					t.Fatal(err)
				}
				h.Close()
			}
			before, _ := os.ReadFile(db)
			for _, args := range [][]string{
				{"report"}, {"snapshots", "list"}, {"import", "--snapshot", "2026Q4", input},
			} {
				if tc.name == "missing" && args[0] == "import" {
					continue // import creates the database
				}
				_, stderr, code := run(t, nil, append([]string{"--db", db}, args...)...)
				if code != ExitFailure || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, db) {
					t.Errorf("%v: exit %d, stderr %q; want 1, %q and the path", args, code, stderr, tc.want)
				}
				checkTerminalText(t, "error", stderr)
			}
			after, err := os.ReadFile(db)
			if tc.name == "missing" {
				if err == nil {
					t.Error("a reading command created the database")
				}
				return
			}
			if !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
		})
	}
}

// TestOversizedRecordSkipped imports a Shodan download file with a record
// larger than model.MaxRecord between good records: the record is reported
// with its file:line and the limit, skipped, and the good records around it
// are kept (exit 3). The banner fields over their caps (model.MaxTitle,
// model.MaxText) are cut, not refused.
func TestOversizedRecordSkipped(t *testing.T) {
	dir := t.TempDir()
	pop := demo.Generate(demo.Config{Seed: 5, Size: 40})
	var b bytes.Buffer
	for i := range pop.Services {
		s := &pop.Services[i]
		banner := s.ShodanBanner(s.SeenAt)
		if i == 10 {
			// Line 11: the same banner padded past the record limit.
			pad := strings.Repeat("A", model.MaxRecord)
			banner = append(append(bytes.TrimSuffix(bytes.TrimSpace(banner), []byte("}")), []byte(`,"padding":"`+pad+`"`)...), '}')
		}
		if i == 20 {
			// Line 21: a 200 KB title and org, under the record limit.
			banner = append(bytes.TrimSuffix(bytes.TrimSpace(banner), []byte("}")),
				[]byte(`,"org":"`+strings.Repeat("O", 200<<10)+`","title":"`+strings.Repeat("T", 200<<10)+`"}`)...)
		}
		b.Write(banner)
		b.WriteByte('\n')
	}
	f := filepath.Join(dir, "big.json")
	if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "o.db")
	_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f)
	if code != ExitPartial {
		t.Fatalf("exit %d, want 3\n%s", code, stderr)
	}
	want := fmt.Sprintf("big.json:11: record 11: record is longer than the %d-byte limit", model.MaxRecord)
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "40 records read") || !strings.Contains(stderr, " 1 bad;") {
		t.Errorf("stderr does not report the one oversized record at line 11 (%q) among 40:\n%s", want, stderr)
	}
	out, stderr, code := run(t, nil, "--db", db, "report", "--format", "json", "--include-addresses")
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var got reportJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(dir, "clean.db")
	var cb bytes.Buffer
	for i := range pop.Services {
		if i != 10 {
			cb.Write(pop.Services[i].ShodanBanner(pop.Services[i].SeenAt))
			cb.WriteByte('\n')
		}
	}
	cf := filepath.Join(dir, "clean.json")
	os.WriteFile(cf, cb.Bytes(), 0o644)
	if _, stderr, code := run(t, nil, "--db", clean, "import", "--snapshot", "2026Q4", cf); code != ExitOK {
		t.Fatalf("clean import: exit %d\n%s", code, stderr)
	}
	s1, _ := snapshotDump(t, clean, "2026Q4")
	s2, _ := snapshotDump(t, db, "2026Q4")
	if strings.Join(s1, "\n") != strings.Join(s2, "\n") || got.Headline.Services != len(s1) {
		t.Errorf("the records around the oversized one: %d services, want those of the file without it (%d)", len(s2), len(s1))
	}
	if strings.Contains(out, strings.Repeat("T", model.MaxTitle+1)) || strings.Contains(out, strings.Repeat("O", model.MaxText+1)) {
		t.Error("a banner field over its cap reached the report uncut")
	}
}
