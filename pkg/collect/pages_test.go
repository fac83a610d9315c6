package collect

import (
	"testing"

	"github.com/orchex/orchex/pkg/source"
)

// TestPages: the pages are summed over the queries of every engine, the
// line names the query each engine is on, and the pages fetched (not
// resumed) are counted for an interrupt's message.
func TestPages(t *testing.T) {
	var c Pages
	c.Add(source.Progress{Engine: "shodan", QueryID: "k8s/shodan/1", Page: 1, Want: 4, Results: 100, Resumed: true})
	c.Add(source.Progress{Engine: "shodan", QueryID: "k8s/shodan/1", Page: 2, Want: 4, Results: 200, Credits: 1})
	done, want, info := c.Add(source.Progress{Engine: "censys", QueryID: "k8s/cenql/1", Page: 1, Want: 6, Results: 100, Credits: 1})
	if done != 3 || want != 10 || info != "censys k8s/cenql/1, shodan k8s/shodan/1; 300 results, 2 credits" {
		t.Errorf("Add = %d, %d, %q", done, want, info)
	}
	if c.Fetched() != 2 {
		t.Errorf("Fetched = %d, want 2 (one page was resumed)", c.Fetched())
	}
	if _, want, _ := c.Add(source.Progress{Engine: "censys", QueryID: "k8s/cenql/2", Page: 1}); want != 0 {
		t.Errorf("a query of unknown length: want %d, want 0 (unknown)", want)
	}
}
