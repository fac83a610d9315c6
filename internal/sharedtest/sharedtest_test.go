package sharedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records Skipf and Fatalf instead of
// stopping the goroutine, so that dir's choice can be checked without
// failing or skipping the real test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestDirMissingSkipsOutsideCI(t *testing.T) {
	r := &recorder{TB: t}
	if got := dir(r, "data/no-such-directory-xyz", false); got != "" {
		t.Errorf("dir returned %q for a missing directory", got)
	}
	if r.failed != "" || !strings.Contains(r.skipped, "../shared/data/no-such-directory-xyz") {
		t.Errorf("want a skip naming the directory; skipped %q, failed %q", r.skipped, r.failed)
	}
}

func TestDirMissingFailsInCI(t *testing.T) {
	r := &recorder{TB: t}
	if got := dir(r, "data/no-such-directory-xyz", true); got != "" {
		t.Errorf("dir returned %q for a missing directory", got)
	}
	if r.skipped != "" || !strings.Contains(r.failed, "../shared/data/no-such-directory-xyz") || !strings.Contains(r.failed, CIVar) {
		t.Errorf("want a failure naming the directory and %s; skipped %q, failed %q", CIVar, r.skipped, r.failed)
	}
}

func TestDirFileIsNotADirectory(t *testing.T) {
	// go.mod exists next to ../shared's expected parent only as a file of
	// the module: ../<module>/go.mod seen from ../shared is "../<name>/go.mod".
	root, err := moduleRoot(mustWd(t))
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.ToSlash(filepath.Join("..", filepath.Base(root), "go.mod"))
	r := &recorder{TB: t}
	if got := dir(r, rel, true); got != "" || !strings.Contains(r.failed, "not a directory") {
		t.Errorf("dir(%q) = %q, failed %q: want a failure for a file", rel, got, r.failed)
	}
}

func TestDirPresent(t *testing.T) {
	// The module root's parent always exists: "../shared/.." is it.
	r := &recorder{TB: t}
	got := dir(r, "..", true)
	if got == "" || r.failed != "" || r.skipped != "" {
		t.Fatalf("dir(..) = %q, skipped %q, failed %q", got, r.skipped, r.failed)
	}
	root, err := moduleRoot(mustWd(t))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(got) != filepath.Dir(root) {
		t.Errorf("dir(..) = %q, want the module root's parent %q", got, filepath.Dir(root))
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := moduleRoot(mustWd(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	if _, err := moduleRoot(string(filepath.Separator)); err == nil {
		t.Error("moduleRoot(/) found a module")
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "true": true, "1": true} {
		t.Setenv(CIVar, v)
		if got := inCI(); got != want {
			t.Errorf("%s=%q: inCI() = %v, want %v", CIVar, v, got, want)
		}
	}
}

func mustWd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
