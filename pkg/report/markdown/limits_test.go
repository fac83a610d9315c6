package markdown

import (
	"errors"
	"io"
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

// TestTemplateLimits: a template that doubles a string in a loop, or
// writes without end, stops with ErrTooLarge instead of exhausting memory
// or the disk; ordinary use of the same functions works.
func TestTemplateLimits(t *testing.T) {
	v := &report.View{Title: "t"}
	for name, tmpl := range map[string]string{
		"printf doubling":  `{{$s := "ab"}}{{range 64}}{{$s = printf "%s%s" $s $s}}{{end}}{{$s}}`,
		"print doubling":   `{{$s := "ab"}}{{range 64}}{{$s = print $s $s}}{{end}}`,
		"html growth":      `{{$s := "<<<<"}}{{range 64}}{{$s = html $s $s}}{{end}}`,
		"endless output":   `{{range 1000000000}}{{printf "%0999999d" 0}}{{end}}`,
		"urlquery growth":  `{{$s := "&&&&"}}{{range 64}}{{$s = urlquery $s $s}}{{end}}`,
		"println doubling": `{{$s := "x"}}{{range 64}}{{$s = println $s $s}}{{end}}`,
	} {
		err := Render(io.Discard, v, tmpl)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge", name, err)
		}
	}
	if err := Render(io.Discard, v, `{{printf "%s: %d" .Title 3}} {{html "<b>"}} {{print 1 2}}`); err != nil {
		t.Errorf("ordinary use: %v", err)
	}
}
