package pdf

import (
	"bytes"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/report"
)

// TestRenderSparseViewDeterministic renders a view that draws few glyphs,
// many times: fpdf builds the subset of an embedded font that draws
// nothing from map order, so an unused font made such renders differ.
func TestRenderSparseViewDeterministic(t *testing.T) {
	for _, title := range []string{"A", "A ", "snapshot 2026Q4 — ok"} {
		var first []byte
		for i := 0; i < 12; i++ {
			v := &report.View{Title: title, Snapshot: "s", Generated: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
			var b bytes.Buffer
			if err := Render(&b, v, Options{}); err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = b.Bytes()
			} else if !bytes.Equal(first, b.Bytes()) {
				t.Fatalf("title %q: render %d differs from the first", title, i)
			}
		}
	}
}
