package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// TestHints checks that the CLI, not the libraries, tells the user which
// flag or command helps: each library error arrives with its hint, and the
// library's own text names no flag.
func TestHints(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	f := writeTestBanners(t, dir, "a.json", 0, 5)
	if _, stderr, code := run(t, nil, "--db", db, "import", "-s", "2026Q4", f); code != ExitOK {
		t.Fatalf("import: %d\n%s", code, stderr)
	}
	if _, stderr, code := run(t, nil, "--db", db, "import", "-s", "2027Q1", f); code != ExitOK {
		t.Fatalf("import: %d\n%s", code, stderr)
	}
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database, just some text of mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		hint string
	}{
		{"unknown snapshot", []string{"--db", db, "report", "-s", "1999Q1"}, "'orchex snapshots list' shows the snapshots"},
		{"not a database", []string{"--db", notDB, "report"}, "pass the orchex database with --db"},
		{"directory as database", []string{"--db", dir, "report"}, "pass the orchex database with --db"},
		{"no directory", []string{"--db", filepath.Join(dir, "nope", "o.db"), "import", f}, "create the directory first, or pass another --db"},
		{"reversed trend", []string{"--db", db, "trend", "--from", "2027Q1", "--to", "2026Q4"}, "swap --from and --to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, nil, tt.args...)
			if code == ExitOK || !strings.Contains(stderr, tt.hint) {
				t.Errorf("%v: exit %d, want the hint %q\n%s", tt.args, code, tt.hint, stderr)
			}
			// The library's part of the message (first line) names no flag.
			first, _, _ := strings.Cut(stderr, "\n")
			if strings.Contains(first, "--db") {
				t.Errorf("the library's message names a flag: %q", first)
			}
		})
	}
}

// TestHintCollect: a stored page that cannot be resumed points at
// --refresh; a free plan at what still works on it, also among the errors
// of several engines.
func TestHintCollect(t *testing.T) {
	if h := hint(fmt.Errorf("shodan: page 3: %w", source.ErrBadCursor)); !strings.Contains(h, "--refresh and --products") {
		t.Errorf("bad cursor: %q", h)
	}
	free := errors.Join(errors.New("censys: down"), &collect.FreePlanError{Engine: model.Shodan})
	if h := hint(free); !strings.Contains(h, "free plan") {
		t.Errorf("free plan: %q", h)
	}
}
