package importer

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC checks that TuneGC sets the import's collector settings and
// restores the previous ones, and leaves the user's own alone.
func TestTuneGC(t *testing.T) {
	pct := debug.SetGCPercent(150)
	lim := debug.SetMemoryLimit(1 << 40)
	defer func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(lim) }()

	restore := TuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(-1); got != ImportGCPercent {
		t.Errorf("GC percent during the import %d, want %d", got, ImportGCPercent)
	}
	debug.SetGCPercent(ImportGCPercent)
	if got := debug.SetMemoryLimit(-1); got != ImportMemoryLimit {
		t.Errorf("memory limit during the import %d, want %d", got, ImportMemoryLimit)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 150 {
		t.Errorf("GC percent after the import %d, want 150 again", got)
	}
	debug.SetGCPercent(150)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("memory limit after the import %d, want %d again", got, int64(1<<40))
	}

	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		restore := TuneGC(func(k string) string {
			if k == name {
				return "200"
			}
			return ""
		})
		if got := debug.SetGCPercent(-1); got != 150 {
			t.Errorf("with %s set, GC percent %d, want the user's 150", name, got)
		}
		debug.SetGCPercent(150)
		restore()
	}
}
