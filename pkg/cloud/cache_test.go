package cloud

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadCache: no cache directory, a missing one or one without feeds
// is no ranges and no error, with why; a cache of feeds loads.
func TestLoadCache(t *testing.T) {
	if r, note, err := LoadCache(""); r != nil || note != "" || err != nil {
		t.Errorf("no cache: %v %q %v", r, note, err)
	}
	missing := filepath.Join(t.TempDir(), "ranges")
	if r, note, err := LoadCache(missing); r != nil || err != nil || !strings.Contains(note, "no feed cache at "+missing) {
		t.Errorf("missing cache: %v %q %v", r, note, err)
	}
	empty := t.TempDir()
	if r, note, err := LoadCache(empty); r != nil || err != nil || !strings.Contains(note, "no feed files in") {
		t.Errorf("empty cache: %v %q %v", r, note, err)
	}
	if r, note, err := LoadCache("testdata/feeds"); r == nil || r.Len() == 0 || note != "" || err != nil {
		t.Errorf("feeds: %v %q %v", r, note, err)
	}
}
