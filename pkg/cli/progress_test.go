package cli

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/internal/progress"
	"github.com/orchex/orchex/pkg/source"
)

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPageCounter: the collection meter sums pages over the queries of
// every engine, names the query each engine is on, sanitized, and counts
// the pages fetched (not resumed) for the interrupt message.
func TestPageCounter(t *testing.T) {
	var b lockedBuilder
	ticks := make(chan time.Time)
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	m := progress.Start(&b, progress.Options{Mode: progress.Plain, Label: "collect 2026Q4", Unit: "pages", Ticks: ticks, Now: func() time.Time { return at }})
	pc := newPageCounter(m)
	id := "evil/\x1b[2J\u202equery"
	pc.page(source.Progress{Engine: "shodan", QueryID: id, Page: 1, Want: 4, Results: 100, Credits: 0, Resumed: true})
	pc.page(source.Progress{Engine: "shodan", QueryID: id, Page: 2, Want: 4, Results: 200, Credits: 1})
	pc.page(source.Progress{Engine: "censys", QueryID: "k8s/cenql/1", Page: 1, Want: 6, Results: 100, Credits: 1})
	ticks <- at
	m.Stop()
	want := "collect 2026Q4: censys k8s/cenql/1, shodan evil/\uFFFD[2J\uFFFDquery; 300 results, 2 credits; 3 pages of 10 pages (30%)\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if pc.fetched() != 2 {
		t.Errorf("fetched = %d, want 2 (one page was resumed)", pc.fetched())
	}
}
