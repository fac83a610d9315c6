package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

// TestMain lets the test binary run as orchex itself (Run, with its
// signal handling) when ORCHEX_RUN_AS_MAIN holds a JSON argv: the tests
// of signals, standard input, pipes and links start it as a child, as a
// user's shell would start orchex.
func TestMain(m *testing.M) {
	if argv, ok := os.LookupEnv("ORCHEX_RUN_AS_MAIN"); ok {
		var args []string
		if err := json.Unmarshal([]byte(argv), &args); err != nil {
			panic(err)
		}
		os.Exit(int(Run(args)))
	}
	os.Exit(m.Run())
}

// orchexCmd returns a command that runs orchex with args in a child
// process.
func orchexCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	b, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ORCHEX_RUN_AS_MAIN="+string(b), "HOME="+t.TempDir(), "XDG_CACHE_HOME=")
	return cmd
}

// exitCode runs cmd and returns its exit code, stdout and stderr.
func exitCode(t *testing.T, cmd *exec.Cmd) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &out
	}
	cmd.Stderr = &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// TestImportStandardInput: `orchex import -` reads a pipe, as
// `zcat k8s.json.gz | orchex import -` does, and records the input as
// standard input; --strict cannot read it twice.
func TestImportStandardInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	file := writeTestBanners(t, dir, "a.json", 0, 40)
	data, _ := os.ReadFile(file)
	cmd := orchexCmd(t, "import", "-s", "2026Q4", "-", "--db", db)
	cmd.Stdin = bytes.NewReader(data) // a pipe in the child
	code, _, stderr := exitCode(t, cmd)
	if code != 0 || !strings.Contains(stderr, "standard input: shodan-download (shodan): 40 records read") {
		t.Fatalf("import -: exit %d\n%s", code, stderr)
	}
	out, stderr, c := run(t, nil, "--db", db, "snapshots", "show", "2026Q4", "--format", "json")
	if c != ExitOK || !strings.Contains(out, `"services": 40`) || !strings.Contains(out, `"file": "standard input"`) {
		t.Errorf("snapshot after import -: exit %d\n%s%s", c, out, stderr)
	}
	// The same bytes again change nothing (the import is recognised).
	cmd = orchexCmd(t, "--db", db, "import", "-s", "2026Q4", "-")
	cmd.Stdin = bytes.NewReader(data)
	if code, _, stderr := exitCode(t, cmd); code != 0 {
		t.Errorf("second import -: exit %d\n%s", code, stderr)
	}
	if n := countRows(t, db, "observations"); n != 40 {
		t.Errorf("%d observations after importing the same input twice, want 40", n)
	}
	if _, stderr, code := run(t, nil, "--db", db, "import", "--strict", "-"); code != ExitUsage || !strings.Contains(stderr, "standard input") {
		t.Errorf("import --strict -: exit %d\n%s", code, stderr)
	}
}

// TestImportInputProblems: a directory, an empty file and a missing file
// each get one line naming the path; nothing is imported while a path is
// wrong; the range-feed warning comes once, after the inputs are checked.
func TestImportInputProblems(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	good := writeTestBanners(t, dir, "good.json", 0, 10)
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o644)
	sub := filepath.Join(dir, "adir")
	os.Mkdir(sub, 0o755)
	missing := filepath.Join(dir, "missing.json")

	_, stderr, code := run(t, nil, "--db", db, "import", good, sub, missing)
	if code != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	for _, want := range []string{sub + ": is a directory; give the files in it", missing + ": no such file", "nothing was imported"} {
		if strings.Count(stderr, want) != 1 {
			t.Errorf("stderr should say %q once:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "no cloud range feeds") || strings.Contains(stderr, "ends before its first record") {
		t.Errorf("warnings before the inputs were checked:\n%s", stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the database was created although the inputs were wrong")
	}

	_, stderr, code = run(t, nil, "--db", db, "import", empty, good)
	if code != ExitPartial {
		t.Fatalf("empty and good file: exit %d, want 3\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 3 || lines[0] != empty+": the file is empty: nothing to import from it" ||
		!strings.HasPrefix(lines[1], "no cloud range feeds") || !strings.Contains(lines[2], "good.json: shodan-download") {
		t.Errorf("want the empty file, the feeds warning once, then the import:\n%s", stderr)
	}
}

// TestOutputPaths: --out follows a symbolic link (which stays a link),
// writes to a named pipe and a device as they are, refuses a directory,
// the database (also through a link) and the template, keeps an existing
// file's mode and gives a new one the umask's.
func TestOutputPaths(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	f := writeTestBanners(t, dir, "a.json", 0, 20)
	if _, stderr, code := run(t, nil, "--db", db, "import", "-s", "2026Q4", f); code != ExitOK {
		t.Fatalf("import: %d\n%s", code, stderr)
	}
	md := func(args ...string) (string, ExitCode) {
		_, stderr, code := run(t, nil, append([]string{"--db", db, "report", "-s", "2026Q4"}, args...)...)
		return stderr, code
	}
	// A symbolic link: the target is written, the link stays.
	target := filepath.Join(dir, "published", "report.md")
	os.MkdirAll(filepath.Dir(target), 0o755)
	os.WriteFile(target, []byte("old"), 0o640)
	link := filepath.Join(dir, "latest.md")
	os.Symlink(filepath.Join("published", "report.md"), link)
	if stderr, code := md("--out", link); code != ExitOK {
		t.Fatalf("--out link: %d\n%s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); !bytes.HasPrefix(b, []byte("# ")) {
		t.Errorf("the link's target holds %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("the target's mode %v, want 0640 kept", fi.Mode().Perm())
	}
	// A named pipe, read by another process while orchex writes it.
	fifo := filepath.Join(dir, "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := orchexCmd(t, "--db", db, "report", "-s", "2026Q4", "--format", "json", "--out", fifo)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(fifo)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if err := cmd.Wait(); err != nil || !json.Valid(got) {
		t.Errorf("report through a FIFO: %v, %d bytes of JSON valid %v", err, len(got), json.Valid(got))
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by a %v", fi.Mode())
	}
	// Devices: /dev/null takes the report, /dev/full fails as a full disk
	// would; both stay devices.
	if stderr, code := md("--out", "/dev/null"); code != ExitOK {
		t.Errorf("--out /dev/null: %d\n%s", code, stderr)
	}
	if stderr, code := md("--out", "/dev/full"); code != ExitFailure || !strings.Contains(stderr, "no space left on device") {
		t.Errorf("--out /dev/full: %d\n%s", code, stderr)
	}
	for _, dev := range []string{"/dev/null", "/dev/full"} {
		if fi, err := os.Lstat(dev); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("%s is no longer a device: %v %v", dev, fi.Mode(), err)
		}
	}
	// A directory, the database (by name or through a link), the template.
	dblink := filepath.Join(dir, "looks-like-a-report.md")
	os.Symlink("o.db", dblink)
	tmpl := filepath.Join(dir, "t.md.tmpl")
	os.WriteFile(tmpl, []byte("{{.Title}}\n"), 0o644)
	before, _ := os.ReadFile(db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", dir}, dir + ": is a directory"},
		{[]string{"--out", db}, "--out " + db + ": " + db + " is the database (--db)"},
		{[]string{"--out", dblink}, "is the same file as " + db},
		{[]string{"--template", tmpl, "--out", tmpl}, "an input of this command"},
	} {
		if stderr, code := md(tc.args...); code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s", tc.args, code, tc.want, stderr)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the database changed")
	}
	// Modes: a new report gets the umask's mode, an existing one keeps its.
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	fresh := filepath.Join(dir, "fresh.md")
	md("--out", fresh)
	kept := filepath.Join(dir, "kept.md")
	os.WriteFile(kept, nil, 0o644)
	os.Chmod(kept, 0o644)
	md("--out", kept)
	for p, want := range map[string]fs.FileMode{fresh: 0o600, kept: 0o644} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", filepath.Base(p), fi.Mode().Perm(), want, err)
		}
	}
	// --write-shodan writes gzip and says so when the name does not.
	_, stderr, code := run(t, nil, "demo", "--write-shodan", filepath.Join(dir, "banners.json"), "--size", "10")
	if code != ExitOK || !strings.Contains(stderr, "gzip-compressed") {
		t.Errorf("--write-shodan without .gz: exit %d\n%s", code, stderr)
	}
}

// TestDatabaseFiles: a new database is 0600 whatever the umask, and a
// --db that is a named pipe or a device is refused at once, creating
// nothing beside it.
func TestDatabaseFiles(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	f := writeTestBanners(t, dir, "a.json", 0, 5)
	if _, stderr, code := run(t, nil, "--db", db, "import", f); code != ExitOK {
		t.Fatalf("import: %d\n%s", code, stderr)
	}
	if fi, err := os.Stat(db); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new database mode %v, want 0600 (%v)", fi.Mode().Perm(), err)
	}
	fifo := filepath.Join(dir, "pipe.db")
	syscall.Mkfifo(fifo, 0o644)
	for _, p := range []string{fifo, "/dev/zero"} {
		for _, args := range [][]string{{"report"}, {"import", f}, {"snapshots", "list"}} {
			_, stderr, code := run(t, nil, append([]string{"--db", p}, args...)...)
			if code != ExitFailure || !strings.Contains(stderr, "not a regular file") || !strings.Contains(stderr, p) {
				t.Errorf("--db %s %v: exit %d\n%s", p, args, code, stderr)
			}
		}
	}
	if _, err := os.Stat("/dev/zero-journal"); err == nil {
		t.Error("/dev/zero-journal exists")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 5 { // a.json, o.db, -wal? no: o.db, a.json, pipe.db (+ -wal, -shm when left)
		names := []string{}
		for _, e := range ents {
			names = append(names, e.Name())
		}
		for _, n := range names {
			if strings.HasPrefix(n, "pipe.db-") {
				t.Errorf("SQLite files beside the pipe: %v", names)
			}
		}
	}
}

// TestReadOnlyDatabase: the reading commands work on a database on a
// read-only mount (an analyst's copy), create nothing there, and a
// writing command fails with the path.
func TestReadOnlyDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	a, b := writeTestBanners(t, dir, "a.json", 0, 30), writeTestBanners(t, dir, "b.json", 20, 30)
	for label, f := range map[string]string{"2026Q3": a, "2026Q4": b} {
		if _, stderr, code := run(t, nil, "--db", db, "import", "-s", label, f); code != ExitOK {
			t.Fatalf("import: %d\n%s", code, stderr)
		}
	}
	mnt := filepath.Join(dir, "ro")
	os.Mkdir(mnt, 0o755)
	if !mountTmpfs(t, mnt, 64<<20, false) {
		t.Skip("cannot mount a tmpfs here: the read-only mount is not tested (store's TestReadOnlyOpen checks the open flags)")
	}
	data, _ := os.ReadFile(db)
	copyDB := filepath.Join(mnt, "analyst.db")
	os.WriteFile(copyDB, data, 0o444)
	os.Chmod(mnt, 0o555)
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	for _, args := range [][]string{
		{"report", "-s", "2026Q4"}, {"report", "--format", "json"}, {"snapshots", "list"}, {"snapshots", "show", "2026Q3"},
		{"diff", "2026Q3", "2026Q4"}, {"trend", "--format", "csv"},
	} {
		out, stderr, code := run(t, nil, append(args, "--db", copyDB)...)
		if code != ExitOK || out == "" {
			t.Errorf("%v on a read-only mount: exit %d\n%s", args, code, stderr)
		}
	}
	if ents, _ := os.ReadDir(mnt); len(ents) != 1 {
		t.Errorf("files created beside the read-only database: %v", ents)
	}
	_, stderr, code := run(t, nil, "--db", copyDB, "import", a)
	if code != ExitFailure || !strings.Contains(stderr, copyDB) {
		t.Errorf("import into a read-only database: exit %d\n%s", code, stderr)
	}
}

// TestTablesAsCSV: trend, diff and stats take --format csv; the CSV is
// rectangular and parses strictly.
func TestTablesAsCSV(t *testing.T) {
	db, _, _ := seedQuarters(t)
	for _, args := range [][]string{{"trend", "--format", "csv"}, {"diff", "2026Q2", "2026Q3", "--format", "csv"}} {
		out, stderr, code := run(t, nil, append(args, "--db", db)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		r := csv.NewReader(strings.NewReader(out))
		r.FieldsPerRecord = 5
		recs, err := r.ReadAll()
		if err != nil || len(recs) < 10 || strings.Join(recs[0], ",") != "section,table,row,column,value" {
			t.Errorf("%v: %d records, %v\n%s", args, len(recs), err, out)
		}
	}
}

// TestInterruptImport presses Ctrl-C (SIGINT) while an import reads a
// named pipe whose writer has more to send: orchex stops, exits 130, says
// what it kept and how to resume; the database passes integrity_check, the
// snapshot is marked incomplete, and importing the file again completes
// it and clears the mark.
func TestInterruptImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	var data bytes.Buffer
	pop := testPopulation()
	for i := 0; data.Len() < 8<<20; i++ {
		s := pop.Services[i%len(pop.Services)]
		data.Write(s.ShodanBanner(s.SeenAt.Add(time.Duration(i) * time.Second)))
		data.WriteByte('\n')
	}
	file := filepath.Join(dir, "all.json")
	os.WriteFile(file, data.Bytes(), 0o644)
	fifo := filepath.Join(dir, "feed.json")
	syscall.Mkfifo(fifo, 0o600)
	cmd := orchexCmd(t, "--db", db, "import", "-s", "2026Q4", fifo)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// 6 MiB written: past the importer's look-ahead (1 MiB) and the pipe,
	// so that the child has read thousands of records; it then waits on
	// the pipe for more.
	if _, err := w.Write(data.Bytes()[:6<<20]); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d (%v), want 130\n%s", code, err, stderr.String())
	}
	msg := stderr.String()
	for _, want := range []string{"interrupted by SIGINT", "snapshot 2026Q4 keeps what was stored", "import the same files again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	integrityCheck(t, db)
	kept := countRows(t, db, "observations")
	if kept == 0 {
		t.Errorf("nothing was kept:\n%s", msg)
	}
	notes := func() string {
		out, _, _ := run(t, nil, "--db", db, "snapshots", "show", "2026Q4", "--format", "json")
		var v struct {
			Meta struct {
				Incomplete []struct {
					Run     string
					Reasons []string
				}
			}
		}
		json.Unmarshal([]byte(out), &v)
		var marks []string
		for _, in := range v.Meta.Incomplete {
			marks = append(marks, in.Run+": "+strings.Join(in.Reasons, "; "))
		}
		return strings.Join(marks, "\n")
	}
	if n := notes(); !strings.Contains(n, "the import of "+filepath.Base(fifo)+": interrupted (SIGINT)") {
		t.Errorf("snapshot notes %q: want the incomplete mark", n)
	} else if !strings.Contains(n, "records were read; the records stored by then are kept") {
		// Batches queued for the writer at the signal are not stored:
		// the mark must not say that every record read was.
		t.Errorf("snapshot notes %q: want the records read told apart from those stored", n)
	}
	t.Logf("kept %d observations", kept)
	// Import the same data again: complete, and the mark is gone.
	w.Close()
	if _, stderr, code := run(t, nil, "--db", db, "import", "-s", "2026Q4", file); code != ExitOK {
		t.Fatalf("reimport: %d\n%s", code, stderr)
	}
	clean := filepath.Join(dir, "clean.db")
	run(t, nil, "--db", clean, "import", "-s", "2026Q4", file)
	if a, b := countRows(t, db, "services"), countRows(t, clean, "services"); a != b {
		t.Errorf("%d services after the interrupt and the reimport, %d in a clean import", a, b)
	}
	// The mark names the pipe; completing the same snapshot from the file
	// clears marks of the same input only.
	if n := notes(); !strings.Contains(n, "the import of "+filepath.Base(fifo)) {
		t.Errorf("the mark of the pipe's import was cleared by another file's import: %q", n)
	}
}

// TestTerminateEndlessInput sends SIGTERM to `orchex import /dev/zero`
// (an input that never ends): the command stops, exits 143, says so, and
// the database is consistent.
func TestTerminateEndlessInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "o.db")
	cmd := orchexCmd(t, "--db", db, "import", "/dev/zero")
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(pr)
	var got []string
	// The range-feed warning is printed after the inputs are checked,
	// right before the import starts reading.
	for lines.Scan() {
		got = append(got, lines.Text())
		if strings.HasPrefix(lines.Text(), "no cloud range feeds") {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for lines.Scan() {
			got = append(got, lines.Text())
		}
		close(done)
	}()
	cmd.Wait()
	pw.Close()
	<-done
	if code := cmd.ProcessState.ExitCode(); code != 143 {
		t.Fatalf("exit %d, want 143\n%s", code, strings.Join(got, "\n"))
	}
	if msg := strings.Join(got, "\n"); !strings.Contains(msg, "interrupted by SIGTERM") {
		t.Errorf("no interrupt message:\n%s", msg)
	}
	integrityCheck(t, db)
}

// TestQuietAndPlainProgress: without a terminal, progress is a plain line
// per tick (the test sends the ticks); --quiet prints nothing but errors.
func TestQuietAndPlainProgress(t *testing.T) {
	dir := t.TempDir()
	f := writeTestBanners(t, dir, "a.json", 0, 200)
	ticks := make(chan time.Time, 1)
	ticks <- time.Now()
	var out, errb bytes.Buffer
	// The tick waits in the channel: the meter prints it as soon as the
	// import starts, whatever the import's speed.
	code := Main(context.Background(), []string{"--db", filepath.Join(dir, "o.db"), "import", f}, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Ticks: ticks})
	if code != ExitOK || !strings.Contains(errb.String(), "import "+f+"; 0 B of 619 kB (0%)\n") {
		t.Errorf("plain progress: exit %d\n%s", code, errb.String())
	}
	_, stderr, code := run(t, nil, "--db", filepath.Join(dir, "q.db"), "import", f, "-q")
	if code != ExitOK || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, stderr)
	}
}

// TestInterruptInProcess: a context cancelled with an Interrupt cause
// gives 130 or 143, and a command that does not stop within the grace
// period is abandoned (its temporary files removed).
func TestInterruptInProcess(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(Interrupt{Signal: syscall.SIGTERM})
	var errb bytes.Buffer
	code := Main(ctx, []string{"--db", filepath.Join(t.TempDir(), "o.db"), "import", "/dev/zero"},
		Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }})
	if code != ExitTerminated || !strings.Contains(errb.String(), "interrupted by SIGTERM") {
		t.Errorf("exit %d\n%s", code, errb.String())
	}
}

func integrityOK(t *testing.T, db string) bool {
	h, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		return false
	}
	defer h.Close()
	var s string
	return h.QueryRow("PRAGMA integrity_check").Scan(&s) == nil && s == "ok"
}

// TestDemoMemoryLinesAndSamples runs `orchex demo` at its default size as a
// user would and measures the child's peak resident memory (getrusage):
// under 300 MB, since the simulated APIs make their pages on demand; it
// prints a handful of lines, not one per page; and it writes the reports
// and briefings of reports/samples/demo byte for byte.
func TestDemoMemoryLinesAndSamples(t *testing.T) {
	dir := t.TempDir()
	cmd := orchexCmd(t, "demo", "--out", dir)
	code, stdout, stderr := exitCode(t, cmd)
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage on this system")
	}
	peak := ru.Maxrss >> 10 // KiB on Linux
	t.Logf("demo peak RSS %d MiB", peak)
	if peak >= 300 {
		t.Errorf("demo peak RSS %d MiB, want under 300", peak)
	}
	// The meter's plain lines come every 10 s of real time (a loaded
	// machine prints more of them): they are not counted.
	meter := regexp.MustCompile(`; .*/s(, ETA \S+)?$`)
	lines := 0
	for _, l := range strings.Split(strings.TrimSuffix(stderr+stdout, "\n"), "\n") {
		if !meter.MatchString(l) {
			lines++
		}
	}
	if lines > 20 {
		t.Errorf("demo printed %d lines besides its progress lines, want a handful:\n%s%s", lines, stderr, stdout)
	}
	if !strings.Contains(stdout, "Exposed services        22,672 on 20,557 hosts") {
		t.Errorf("headline:\n%s", stdout)
	}
	// The README promises that reports/samples/demo is what the demo
	// writes: every sample, byte for byte.
	samples := filepath.Join("..", "..", "reports", "samples", "demo")
	n := 0
	err := filepath.WalkDir(samples, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(samples, path)
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Errorf("the demo did not write %s, a sample: %v", rel, err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("the demo's %s differs from reports/samples/demo/%s: run the demo and copy its reports there", rel, rel)
		}
		n++
		return nil
	})
	if err != nil || n < 10 {
		t.Errorf("compared %d samples: %v", n, err)
	}
}

// TestHostileFileNamesOnTerminal: file names carrying escape sequences and
// bidi controls are printed sanitized in every import message: the record
// errors, "more bad records not shown", a truncated file, the summary.
func TestHostileFileNamesOnTerminal(t *testing.T) {
	dir := t.TempDir()
	good := writeTestBanners(t, dir, "good.json", 0, 3)
	data, _ := os.ReadFile(good)
	var bad bytes.Buffer
	bad.Write(data)
	for range 150 {
		bad.WriteString("{\"ip_str\": \n")
	}
	evil := filepath.Join(dir, "bad\x1b[2J\x1b]0;title\a\u202egnp.json")
	os.WriteFile(evil, bad.Bytes(), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat(data, 50))
	zw.Close()
	cut := filepath.Join(dir, "cut\x1b[31m\u202e.json.gz")
	os.WriteFile(cut, gz.Bytes()[:gz.Len()/2], 0o644)
	_, stderr, code := run(t, nil, "--db", filepath.Join(dir, "o.db"), "import", evil, cut)
	if code != ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "more bad records not shown") || !strings.Contains(stderr, "cut\uFFFD[31m\uFFFD.json.gz") {
		t.Errorf("expected messages missing:\n%s", stderr)
	}
	if strings.ContainsAny(stderr, "\x1b\u202e\a") {
		t.Errorf("control characters reached the terminal:\n%q", stderr)
	}
}

// TestTemplateBombLeavesNothing: a template that would exhaust memory
// (a string doubled in a loop) fails with a clear error, the earlier
// report at --out is left whole and no temporary file remains. (A
// template that writes without end: TestTemplateLimits in
// pkg/report/markdown.)
func TestTemplateBombLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	f := writeTestBanners(t, dir, "a.json", 0, 5)
	if _, stderr, code := run(t, nil, "--db", db, "import", f); code != ExitOK {
		t.Fatalf("import: %d\n%s", code, stderr)
	}
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	out := filepath.Join(outDir, "report.md")
	os.WriteFile(out, []byte("earlier report"), 0o644)
	for name, text := range map[string]string{
		"memory": `{{$s := "ab"}}{{range 64}}{{$s = printf "%s%s" $s $s}}{{end}}{{$s}}`,
	} {
		tmpl := filepath.Join(dir, name+".tmpl")
		os.WriteFile(tmpl, []byte(text), 0o644)
		_, stderr, code := run(t, nil, "--db", db, "report", "--template", tmpl, "--out", out)
		if code != ExitFailure || !strings.Contains(stderr, "template output too large") || !strings.Contains(stderr, out) {
			t.Errorf("%s bomb: exit %d\n%s", name, code, stderr)
		}
		if b, _ := os.ReadFile(out); string(b) != "earlier report" {
			t.Errorf("%s bomb: the earlier report was changed", name)
		}
		if ents, _ := os.ReadDir(outDir); len(ents) != 1 {
			t.Errorf("%s bomb: files left beside the report: %v", name, ents)
		}
	}
}

// openPTY opens a pseudo-terminal: the master to read what the child
// draws, the slave to give it as the child's stderr.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pty number: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty slave: %v", err)
	}
	return m, s
}

// TestLiveProgressOnTerminal: on a terminal, an import draws one line,
// redrawn in place with carriage returns (its rate and ETA), in colour
// unless NO_COLOR is set, and erases it at the end: the lines that remain
// are the messages.
func TestLiveProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	one, _ := os.ReadFile(writeTestBanners(t, dir, "one.json", 0, 400))
	big := filepath.Join(dir, "big.json")
	os.WriteFile(big, bytes.Repeat(one, 60), 0o644) // 24,000 banners
	for _, noColor := range []bool{false, true} {
		m, s := openPTY(t)
		cmd := orchexCmd(t, "--db", filepath.Join(dir, fmt.Sprintf("o%v.db", noColor)), "import", big, "--workers", "1")
		cmd.Env = append(cmd.Env, "TERM=xterm")
		if noColor {
			cmd.Env = append(cmd.Env, "NO_COLOR=1")
		}
		cmd.Stderr = s
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		s.Close()
		var got bytes.Buffer
		io.Copy(&got, m) // ends with EIO when the child has exited
		m.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("import on a terminal: %v\n%q", err, got.String())
		}
		out := got.String()
		if !strings.Contains(out, "\rimport "+big) || !strings.Contains(out, "%") {
			t.Errorf("NO_COLOR=%v: no live line redrawn in place:\n%q", noColor, out)
		}
		if colour := strings.Contains(out, "\x1b[32m"); colour == noColor {
			t.Errorf("NO_COLOR=%v: colour escape present %v", noColor, colour)
		}
		// What stays on the screen: the warning and the summary line.
		lines := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if lines > 3 {
			t.Errorf("NO_COLOR=%v: %d lines on the screen, want the live line to stay one:\n%q", noColor, lines, out)
		}
	}
}

// TestInterruptCollect interrupts a collection (SIGINT after its fourth
// request): exit 130, the pages fetched are stored and said so with the
// command to resume; the snapshot is marked incomplete; the same command
// resumes without fetching a stored page again and clears the mark.
func TestInterruptCollect(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	srv := collectFakeWith(t, 900, func(n int, _ shodantest.Fault) {
		if n == 4 { // /api-info, then pages 1 to 3 of the first query
			cancel(Interrupt{Signal: syscall.SIGINT})
		}
	})
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, ctx, collectEnv(t, srv), collectArgs(db, "-s", "2026Q4")...)
	if r.code != ExitInterrupted {
		t.Fatalf("exit %d, want 130\n%s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`interrupted by SIGINT: the \d+ pages fetched in this run are stored in snapshot 2026Q4; run the same command again to resume`).MatchString(r.stderr) {
		t.Errorf("interrupt message:\n%s", r.stderr)
	}
	integrityCheck(t, db)
	notes := func() string {
		out, _, _ := run(t, nil, "--db", db, "snapshots", "show", "2026Q4", "--format", "json")
		var v struct {
			Meta struct {
				Incomplete []struct {
					Run     string
					Reasons []string
				}
			}
		}
		json.Unmarshal([]byte(out), &v)
		var marks []string
		for _, in := range v.Meta.Incomplete {
			marks = append(marks, in.Run+": "+strings.Join(in.Reasons, "; "))
		}
		return strings.Join(marks, "\n")
	}
	if n := notes(); !strings.Contains(n, "interrupted (SIGINT)") {
		t.Errorf("notes %q: want the incomplete mark", n)
	}
	stored := countRows(t, db, "raw_pages")
	served := srv.Stats().PagesServed
	r = runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "-s", "2026Q4")...)
	if r.code != ExitOK {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if n := notes(); strings.Contains(n, "Incomplete") {
		t.Errorf("the mark stayed after the collection completed: %q", n)
	}
	if again := srv.Stats().PagesServed - served; again+stored != countRows(t, db, "raw_pages") {
		t.Errorf("resume fetched %d pages with %d stored, %d pages in the snapshot: a stored page was fetched again", again, stored, countRows(t, db, "raw_pages"))
	}
}

// stuckReader blocks its first Read until release is closed, after
// closing started.
type stuckReader struct{ started, release chan struct{} }

func (r stuckReader) Read([]byte) (int, error) {
	close(r.started)
	<-r.release
	return 0, io.EOF
}

// TestAbandonAfterGrace: a command that cannot stop (a read of standard
// input blocked on a writer that neither writes nor closes) is abandoned
// Env.Grace after the interrupt: Main returns 130 and says so.
func TestAbandonAfterGrace(t *testing.T) {
	in := stuckReader{make(chan struct{}), make(chan struct{})}
	defer close(in.release)
	ctx, cancel := context.WithCancelCause(context.Background())
	var errb syncBuffer
	code := make(chan ExitCode, 1)
	go func() {
		code <- Main(ctx, []string{"--db", filepath.Join(t.TempDir(), "o.db"), "import", "-"},
			Env{Stdin: in, Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }, Grace: 50 * time.Millisecond})
	}()
	<-in.started
	cancel(Interrupt{Signal: syscall.SIGINT})
	if c := <-code; c != ExitInterrupted || !strings.Contains(errb.String(), "did not stop within 50ms and was ended") {
		t.Errorf("exit %d\n%s", c, errb.String())
	}
}
