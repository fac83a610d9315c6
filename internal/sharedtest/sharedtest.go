package sharedtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// CIVar is the environment variable that makes missing shared material a
// test failure instead of a skip.
const CIVar = "CI"

// Dir returns the directory ../shared/<rel> next to the module root (rel
// is slash-separated, e.g. "data/samples/shodan"). When it is missing, Dir
// skips the test, or fails it when CI is set; it does not return then.
func Dir(tb testing.TB, rel string) string {
	tb.Helper()
	return dir(tb, rel, inCI())
}

// Lookup returns the path of ../shared/<rel> next to the module root and
// whether it exists, for optional use (fuzz seeds) where a missing
// directory is neither a skip nor a failure.
func Lookup(rel string) (string, bool) {
	p, err := path(rel)
	if err != nil {
		return "", false
	}
	st, err := os.Stat(p)
	return p, err == nil && st.IsDir()
}

func inCI() bool {
	v := os.Getenv(CIVar)
	return v != "" && v != "false"
}

// dir is Dir with the CI setting given; it returns "" after tb.Skipf or
// tb.Fatalf so that a test double can observe which was called.
func dir(tb testing.TB, rel string, ci bool) string {
	tb.Helper()
	p, err := path(rel)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(p); err == nil && !st.IsDir() {
			err = fmt.Errorf("%s is not a directory", p)
		}
	}
	if err == nil {
		return p
	}
	if ci {
		tb.Fatalf("shared material ../shared/%s is missing (%v), and %s is set: CI must run the Shared tests; "+
			"put the shared directory next to the repository", rel, err, CIVar)
		return ""
	}
	tb.Skipf("shared material ../shared/%s not available (%v): this test needs ../shared next to the repository; skipping", rel, err)
	return ""
}

// path returns ../shared/<rel> relative to the module root found from the
// working directory (a test runs in its package's directory).
func path(rel string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	root, err := moduleRoot(wd)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", filepath.FromSlash(rel)), nil
}

// errNoModule is returned when no go.mod is found above the directory.
var errNoModule = errors.New("module root (go.mod) not found above the working directory")

func moduleRoot(dir string) (string, error) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errNoModule
		}
		dir = parent
	}
}
