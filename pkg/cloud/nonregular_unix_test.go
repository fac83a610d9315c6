//go:build unix

package cloud

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// TestLoadDirSkipsNonRegularFiles: a FIFO in a ranges directory blocked the
// load for ever, a link to a device made it read without end. Only
// regular files (and links to them) are read; the others are listed as
// skipped.
func TestLoadDirSkipsNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "testdata/feeds", dir)
	if err := syscall.Mkfifo(filepath.Join(dir, "linode-geofeed.csv"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "cloudflare-ips-v6.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "aws-ip-ranges.json"), filepath.Join(dir, "aws-link.json")); err != nil {
		t.Fatal(err)
	}
	r, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	skipped := r.Skipped()
	for _, want := range []string{"cloudflare-ips-v6.txt: not a regular file", "linode-geofeed.csv: not a regular file"} {
		if !slices.Contains(skipped, want) {
			t.Errorf("skipped %q, want %q among them", skipped, want)
		}
	}
	if !slices.IsSorted(skipped) {
		t.Errorf("skipped %q not sorted", skipped)
	}
	files := map[string]bool{}
	for _, f := range r.Info() {
		files[f.File] = true
	}
	if !files["aws-link.json"] {
		t.Errorf("a link to a regular feed file was not loaded: %v", files)
	}
	if _, err := LoadFile(filepath.Join(dir, "linode-geofeed.csv")); err == nil {
		t.Error("LoadFile opened a FIFO")
	}
}
