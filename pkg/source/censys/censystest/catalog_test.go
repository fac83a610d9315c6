package censystest

import (
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
)

// TestMatchParsesCatalog checks that Match understands every Censys query
// of the embedded catalog, so the demo's fake serves each query its hosts.
func TestMatchParsesCatalog(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Skipf("catalog does not load (being edited?): %v", err)
	}
	n := 0
	for _, q := range cat.Queries() {
		if q.Engine != model.Censys {
			continue
		}
		n++
		p := &parser{toks: lex(q.Text)}
		if _, err := p.expr(); err != nil || p.i != len(p.toks) {
			t.Errorf("%s (%s): %q does not parse: %v", q.ID, q.Dialect, q.Text, err)
		}
	}
	if n == 0 {
		t.Error("the catalog has no Censys query")
	}
}
