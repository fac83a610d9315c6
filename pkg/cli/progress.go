package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orchex/orchex/pkg/source"
	"golang.org/x/term"
)

// progress reports collection progress on stderr: on a terminal one
// status line, redrawn, with a segment per running query (pages, results,
// credits, ETA); otherwise a plain log line per page; nothing with
// --quiet. It is safe for concurrent use by the engines' goroutines.
type progress struct {
	w     io.Writer
	tty   bool
	quiet bool

	mu      sync.Mutex
	active  map[string]*queryProgress // by engine
	drawn   bool
	lastLen int
}

type queryProgress struct {
	p       source.Progress
	fetched int           // pages fetched (not resumed) so far
	spent   time.Duration // elapsed at the first fetched page's start
}

// newProgress decides between terminal and log output: a terminal only
// when stderr is an *os.File on a terminal.
func newProgress(g *globals) *progress {
	tty := false
	if f, ok := g.env.Stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &progress{w: g.env.Stderr, tty: tty, quiet: g.quiet, active: map[string]*queryProgress{}}
}

// update is the pager's Progress callback.
func (pr *progress) update(p source.Progress) {
	if pr.quiet {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	qp := pr.active[string(p.Engine)]
	if qp == nil || qp.p.QueryID != p.QueryID {
		qp = &queryProgress{}
		pr.active[string(p.Engine)] = qp
	}
	qp.p = p
	if !p.Resumed {
		qp.fetched++
	}
	if !pr.tty {
		what := "fetched"
		if p.Resumed {
			what = "already stored"
		}
		fmt.Fprintf(pr.w, "%s %s: page %s %s, %d/%d results, %d credits%s\n", p.Engine, sanitizeTerminal(p.QueryID),
			pageOf(p), what, p.Results, p.Total, p.Credits, eta(qp))
		return
	}
	pr.draw()
}

// finish prints a query's closing line and removes it from the status line.
func (pr *progress) finish(r source.Result, err error) {
	if pr.quiet {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	delete(pr.active, string(r.Engine))
	pr.clear()
	status := string(r.Stopped)
	if err != nil {
		status = "failed"
	}
	fmt.Fprintf(pr.w, "%s %s: %s: %d pages fetched, %d already stored, %d results, %d credits\n", r.Engine,
		sanitizeTerminal(r.QueryID), status, r.Pages, r.Resumed, r.Results+r.ResumedResults, r.Credits)
	if pr.tty && len(pr.active) > 0 {
		pr.draw()
	}
}

// logf prints a line without tearing the status line.
func (pr *progress) logf(format string, args ...any) {
	if pr.quiet {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.clear()
	fmt.Fprintf(pr.w, format+"\n", args...)
	if pr.tty && len(pr.active) > 0 {
		pr.draw()
	}
}

// draw redraws the status line; pr.mu is held.
func (pr *progress) draw() {
	engines := make([]string, 0, len(pr.active))
	for e := range pr.active {
		engines = append(engines, e)
	}
	sort.Strings(engines)
	var parts []string
	for _, e := range engines {
		qp := pr.active[e]
		p := qp.p
		parts = append(parts, fmt.Sprintf("%s %s %s %s %d results %d cr%s", e, sanitizeTerminal(p.QueryID), bar(p), pageOf(p), p.Results, p.Credits, eta(qp)))
	}
	line := strings.Join(parts, " | ")
	pad := ""
	if n := pr.lastLen - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(pr.w, "\r%s%s", line, pad)
	pr.lastLen = len(line)
	pr.drawn = true
}

// clear erases the status line; pr.mu is held.
func (pr *progress) clear() {
	if pr.tty && pr.drawn {
		fmt.Fprintf(pr.w, "\r%s\r", strings.Repeat(" ", pr.lastLen))
		pr.drawn = false
		pr.lastLen = 0
	}
}

func pageOf(p source.Progress) string {
	if p.Want > 0 {
		return fmt.Sprintf("%d/%d", p.Page, p.Want)
	}
	return fmt.Sprint(p.Page)
}

// bar is a 20-cell progress bar of pages done against pages wanted.
func bar(p source.Progress) string {
	const width = 20
	if p.Want <= 0 {
		return "[" + strings.Repeat("·", width) + "]"
	}
	n := min(width, p.Page*width/p.Want)
	return "[" + strings.Repeat("#", n) + strings.Repeat("·", width-n) + "]"
}

// eta estimates the time left from the pace of the pages fetched in this
// run (resumed pages cost no time).
func eta(qp *queryProgress) string {
	p := qp.p
	if p.Want <= 0 || qp.fetched == 0 || p.Page >= p.Want {
		return ""
	}
	per := p.Elapsed / time.Duration(qp.fetched)
	left := per * time.Duration(p.Want-p.Page)
	return ", ETA " + left.Round(time.Second).String()
}
