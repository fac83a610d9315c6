package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/source"
)

// TestAccountLineOnce: a run that collects several times (the demo: the
// census, then each example scope's earlier quarter) prints an engine's
// account once, and another engine's or a changed account again.
func TestAccountLineOnce(t *testing.T) {
	var stderr bytes.Buffer
	g := &globals{env: Env{Stderr: &stderr, Getenv: func(string) string { return "" }}}
	shodan := collect.AccountChecked{Engine: "shodan", Account: source.Account{Text: "plan dev, 100 query credits"}}
	for range 3 {
		m := g.meter("collect", "pages", 0)
		ev := g.collectEvents(m, &collect.Pages{}, 0)
		ev(shodan)
		m.Stop()
	}
	m := g.meter("collect", "pages", 0)
	g.collectEvents(m, &collect.Pages{}, 0)(collect.AccountChecked{Engine: "shodan", Account: source.Account{Text: "plan dev, 99 query credits"}})
	m.Stop()
	if n := strings.Count(stderr.String(), "shodan: plan dev, 100 query credits"); n != 1 {
		t.Errorf("the account line printed %d times, want once:\n%s", n, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shodan: plan dev, 99 query credits") {
		t.Errorf("a changed account is not printed:\n%s", stderr.String())
	}
}

// TestCollectQuietPrintsNothing: --quiet means "print only errors": a
// collection that goes well prints no summary table and no notice.
func TestCollectQuietPrintsNothing(t *testing.T) {
	srv := collectFake(t, 30)
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, context.Background(), collectEnv(t, srv), append([]string{"-q"}, collectArgs(db, "-s", "2026Q4")...)...)
	if r.code != ExitOK || r.stdout != "" || r.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want nothing", r.code, r.stdout, r.stderr)
	}
	r = runOrchex(t, context.Background(), collectEnv(t, srv), collectArgs(db, "-s", "second")...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "shodan") {
		t.Errorf("without -q: exit %d, stdout %q", r.code, r.stdout)
	}
}
