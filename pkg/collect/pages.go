package collect

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/orchex/orchex/pkg/source"
)

// Pages sums a run's pages (PageDone events) for a progress display: the
// pages done and wanted over the queries started so far, and the query
// each engine is on. It is safe for concurrent use.
type Pages struct {
	mu      sync.Mutex
	queries map[string]source.Progress // by engine and query
	current map[string]string          // engine → query id
	fetched int                        // pages fetched (not resumed)
}

// Add records one page done and returns the run's pages done and wanted
// so far (want 0 while a query's page count is unknown) and a line
// naming the query each engine is on, the results and the credits:
// "censys k8s/cenql/1, shodan k8s/shodan/2; 300 results, 2 credits".
// Query ids are engine text: the caller escapes the line.
func (c *Pages) Add(p source.Progress) (done, want int64, info string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.queries == nil {
		c.queries, c.current = map[string]source.Progress{}, map[string]string{}
	}
	c.queries[string(p.Engine)+"\x00"+p.QueryID] = p
	c.current[string(p.Engine)] = p.QueryID
	if !p.Resumed {
		c.fetched++
	}
	results, credits, known := 0, 0, true
	for _, q := range c.queries {
		done, results, credits = done+int64(q.Page), results+q.Results, credits+q.Credits
		want += int64(q.Want)
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
	on := make([]string, len(engines))
	for i, e := range engines {
		on[i] = e + " " + c.current[e]
	}
	return done, want, fmt.Sprintf("%s; %d results, %d credits", strings.Join(on, ", "), results, credits)
}

// Fetched returns the pages fetched (not resumed from the store) so far.
func (c *Pages) Fetched() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetched
}
