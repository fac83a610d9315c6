package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
)

func TestProgressTerminal(t *testing.T) {
	var b strings.Builder
	pr := &progress{w: &b, tty: true, active: map[string]*queryProgress{}}
	id := "evil/\x1b[2J\u202equery"
	for page := 1; page <= 2; page++ {
		pr.update(source.Progress{Engine: "shodan", QueryID: id, Page: page, Want: 4, Results: 100 * page, Total: 400,
			Credits: page, Elapsed: time.Duration(page) * time.Second})
	}
	pr.finish(source.Result{Engine: "shodan", QueryID: id, Pages: 4, Results: 400, Credits: 4, Stopped: source.StopDone}, nil)
	out := b.String()
	for _, want := range []string{"[##########··········] 2/4 200 results 2 cr, ETA 2s", "done: 4 pages fetched"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("control characters reached the terminal: %q", out)
	}
}

func TestProgressPlainAndQuiet(t *testing.T) {
	var b strings.Builder
	pr := &progress{w: &b, active: map[string]*queryProgress{}}
	pr.update(source.Progress{Engine: "shodan", QueryID: "q/shodan/1", Page: 1, Want: 3, Results: 100, Total: 300, Credits: 1, Resumed: true})
	if got := b.String(); got != "shodan q/shodan/1: page 1/3 already stored, 100/300 results, 1 credits\n" {
		t.Errorf("plain line = %q", got)
	}
	var q strings.Builder
	quiet := &progress{w: &q, quiet: true, active: map[string]*queryProgress{}}
	quiet.update(source.Progress{Engine: "shodan", QueryID: "q", Page: 1})
	quiet.finish(source.Result{Engine: "shodan"}, nil)
	quiet.logf("x")
	if q.Len() != 0 {
		t.Errorf("--quiet printed %q", q.String())
	}
}
