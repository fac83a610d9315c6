package cpuprofile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/orchex/orchex/internal/outfile"
)

// TestStart: a profile is written whole when stopped; a protected path is
// refused and nothing is profiled.
func TestStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cpu.pprof")
	stop, err := Start(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("profile: %v", err)
	}
	db := filepath.Join(dir, "o.db")
	os.WriteFile(db, []byte("x"), 0o644)
	if _, err := Start(db, outfile.Protected{Path: db, What: "the database"}); err == nil {
		t.Error("profiled into the database")
	}
}
