package cli

import (
	"os"

	"golang.org/x/term"

	"github.com/orchex/orchex/internal/progress"
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
