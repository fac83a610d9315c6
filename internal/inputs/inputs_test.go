package inputs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte("{}\n"), 0o644)
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o644)
	missing := filepath.Join(dir, "missing.json")
	read, emp, problems := Check([]string{good, "-", empty, dir, missing, "/dev/null"})
	if !reflect.DeepEqual(read, []string{good, "-", "/dev/null"}) || !reflect.DeepEqual(emp, []string{empty}) {
		t.Errorf("read %v, empty %v", read, emp)
	}
	if len(problems) != 2 || !errors.Is(problems[0], ErrDirectory) || !strings.Contains(problems[0].Error(), dir) ||
		!errors.Is(problems[1], ErrMissing) || !strings.Contains(problems[1].Error(), missing) {
		t.Errorf("problems %v", problems)
	}
}

// TestCloseEndsBlockedRead: closing an input from another goroutine ends
// a read blocked on a named pipe whose writer sends nothing.
func TestCloseEndsBlockedRead(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "p")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // keeps a writer, never writes
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	in, err := Open(fifo, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := io.ReadAll(in)
		done <- err
	}()
	w.Write([]byte("abc"))
	in.Close()
	if err := <-done; err == nil {
		t.Error("the read ended without an error")
	}
	if in.Done() > 3 {
		t.Errorf("done = %d", in.Done())
	}
	sin, _ := Open("-", strings.NewReader("xyz"))
	b, _ := io.ReadAll(sin)
	if string(b) != "xyz" || sin.Done() != 3 || sin.Size != 0 {
		t.Errorf("stdin: %q %d", b, sin.Done())
	}
}
