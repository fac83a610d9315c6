package outfile

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entries lists dir, to check that no temporary file is left.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestNewFileGetsUmaskMode(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "report.md")
	if err := Write(p, writeString("hello")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("new file under umask 077: mode %v, want 0600", got)
	}
	syscall.Umask(0o022)
	q := filepath.Join(dir, "other.md")
	if err := Write(q, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(q); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file under umask 022: mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestExistingFileKeepsMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	p := filepath.Join(dir, "report.md")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o600)
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 || read(t, p) != "new" {
		t.Errorf("existing 0600 file: mode %v content %q, want 0600 and new", fi.Mode().Perm(), read(t, p))
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v, want only report.md", got)
	}
}

func TestFailureLeavesTargetWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.md")
	os.WriteFile(p, []byte("previous"), 0o644)
	boom := errors.New("renderer failed")
	err := Write(p, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v: want the renderer's error naming %s", err, p)
	}
	if read(t, p) != "previous" {
		t.Errorf("target changed to %q", read(t, p))
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("temporary file left: %v", got)
	}
}

func TestSymlinkIsFollowed(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "report.md")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("old"), 0o640)
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink(filepath.Join("real", "report.md"), link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, writeString("new")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if got := read(t, real); got != "new" {
		t.Errorf("target holds %q, want new", got)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640 kept", fi.Mode().Perm())
	}
	// A dangling link: its target is created.
	dangling := filepath.Join(dir, "dangling.md")
	os.Symlink("made.md", dangling)
	if err := Write(dangling, writeString("made")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "made.md")); got != "made" {
		t.Errorf("dangling link's target holds %q", got)
	}
	// A loop is an error, not a hang.
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Symlink("b", a)
	os.Symlink("a", b)
	if err := Write(a, writeString("x")); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("link loop: %v", err)
	}
}

func TestDevicePipeAndSocketWrittenDirectly(t *testing.T) {
	if err := Write("/dev/null", writeString("discarded")); err != nil {
		t.Errorf("/dev/null: %v", err)
	}
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", fi.Mode(), err)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := Write(fifo, writeString("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", fi.Mode())
	}
	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix socket: %v", err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		got <- line
	}()
	if err := Write(sock, writeString("to the socket\n")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "to the socket\n" {
		t.Errorf("socket got %q", s)
	}
}

func TestDirectoryAndProtectedRefused(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, writeString("x")); !errors.Is(err, ErrDirectory) || !strings.Contains(err.Error(), dir) {
		t.Errorf("directory: %v", err)
	}
	db := filepath.Join(dir, "orchex.db")
	os.WriteFile(db, []byte("database"), 0o600)
	link := filepath.Join(dir, "report.md")
	os.Symlink("orchex.db", link)
	for _, p := range []string{db, link, dir + "/./orchex.db"} {
		err := Write(p, writeString("report"), Protected{Path: db, What: "the database"})
		var pe *ProtectedError
		if !errors.As(err, &pe) || !errors.Is(err, ErrProtected) || !strings.Contains(err.Error(), "the database") {
			t.Errorf("%s: %v, want a ProtectedError naming the database", p, err)
		}
	}
	if read(t, db) != "database" {
		t.Errorf("the database was changed")
	}
}

// TestStopWith: writes go through until the context is done, then fail
// with its error.
func TestStopWith(t *testing.T) {
	var b strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	w := StopWith(ctx, &b)
	if _, err := io.WriteString(w, "one "); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.WriteString(w, "two"); !errors.Is(err, context.Canceled) || b.String() != "one " {
		t.Errorf("after cancel: %v, %q", err, b.String())
	}
}

// TestWriteTo: the temporary file is tracked while written and forgotten
// after; a regular file is not written directly; a failed write leaves
// the target whole and names it.
func TestWriteTo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	var tracked []string
	forgot := 0
	track := func(name string) func() { tracked = append(tracked, name); return func() { forgot++ } }
	direct, err := WriteTo(context.Background(), path, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }, track)
	if err != nil || direct || len(tracked) != 1 || tracked[0] == "" || forgot != 1 {
		t.Fatalf("WriteTo: direct %v, tracked %q, forgot %d, %v", direct, tracked, forgot, err)
	}
	boom := errors.New("boom")
	_, err = WriteTo(context.Background(), path, func(w io.Writer) error { io.WriteString(w, "part"); return boom }, nil)
	if b, _ := os.ReadFile(path); !errors.Is(err, boom) || !strings.Contains(err.Error(), path) || string(b) != "whole" {
		t.Errorf("failed write: %v, file %q", err, b)
	}
}
