package cli

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/orchex/orchex/internal/terminal"
	"golang.org/x/term"

	"github.com/orchex/orchex/internal/progress"
	"github.com/orchex/orchex/pkg/source"
)

// meter starts the progress display of a long task on stderr: one live
// line on a terminal, a plain line every 10 s otherwise, nothing with
// --quiet; colour unless NO_COLOR is set or TERM is dumb.
func (g *globals) meter(label, unit string, total int64) *progress.Meter {
	o := progress.Options{Mode: progress.Plain, Label: label, Unit: unit, Total: total, Ticks: g.env.Ticks, Now: g.env.Now}
	if f, ok := g.env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.Mode = progress.Live
		o.Color = g.env.Getenv("NO_COLOR") == "" && g.env.Getenv("TERM") != "dumb"
	}
	if g.quiet {
		o.Mode = progress.Off
	}
	return progress.Start(g.env.Stderr, o)
}

// pageCounter sums the pages of a collection's queries for its meter:
// pages done and wanted over the queries started so far, and the query
// each engine is on. It is safe for concurrent use by the engines.
type pageCounter struct {
	m       *progress.Meter
	mu      sync.Mutex
	queries map[string]source.Progress // by engine and query
	current map[string]string          // engine → query id
	pages   int                        // pages fetched (not resumed), for the interrupt message
}

func newPageCounter(m *progress.Meter) *pageCounter {
	return &pageCounter{m: m, queries: map[string]source.Progress{}, current: map[string]string{}}
}

// page records one page done and redraws the meter.
func (c *pageCounter) page(p source.Progress) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queries[string(p.Engine)+"\x00"+p.QueryID] = p
	c.current[string(p.Engine)] = p.QueryID
	if !p.Resumed {
		c.pages++
	}
	done, want, results, credits, known := 0, 0, 0, 0, true
	for _, q := range c.queries {
		done, results, credits = done+q.Page, results+q.Results, credits+q.Credits
		want += q.Want
		known = known && q.Want > 0
	}
	if !known {
		want = 0
	}
	engines := make([]string, 0, len(c.current))
	for e := range c.current {
		engines = append(engines, e)
	}
	sort.Strings(engines)
	var on []string
	for _, e := range engines {
		on = append(on, e+" "+terminal.Sanitize(c.current[e]))
	}
	c.m.Update(int64(done), int64(want), fmt.Sprintf("%s; %d results, %d credits", strings.Join(on, ", "), results, credits))
}

// fetched returns the pages fetched (not resumed) so far.
func (c *pageCounter) fetched() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages
}
