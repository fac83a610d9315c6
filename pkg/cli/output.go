package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/orchex/orchex/internal/outfile"
	"github.com/orchex/orchex/internal/progress"
	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/report/render"
)

// writeOut writes the output of flag (--out, --write-shodan...) to path
// through fn as internal/outfile writes (a regular file atomically, a
// device, pipe or socket directly; "-" or "" is standard output), refusing
// the database and the files in inputs, and says what it wrote.
func (g *globals) writeOut(ctx context.Context, flag, path string, fn func(io.Writer) error, inputs ...string) error {
	return g.write(ctx, flag, path, fn, true, inputs...)
}

// writeQuiet is writeOut without the "wrote" line, for commands that
// write many files and say once what they wrote (brief).
func (g *globals) writeQuiet(ctx context.Context, flag, path string, fn func(io.Writer) error) error {
	return g.write(ctx, flag, path, fn, false)
}

func (g *globals) write(ctx context.Context, flag, path string, fn func(io.Writer) error, say bool, inputs ...string) error {
	if path == "" || path == "-" {
		return fn(outfile.StopWith(ctx, g.env.Stdout))
	}
	protect := []outfile.Protected{{Path: g.db, What: "the database (--db)"}}
	for _, in := range inputs {
		protect = append(protect, outfile.Protected{Path: in, What: "an input of this command"})
	}
	direct, err := outfile.WriteTo(ctx, path, fn, g.guard.Track, protect...)
	var pe *outfile.ProtectedError
	switch {
	case errors.As(err, &pe):
		return usagef("%s %s: %v; choose another file", flag, path, err)
	case errors.Is(err, outfile.ErrDirectory):
		return usagef("%s %v", flag, err)
	case err != nil:
		return err
	}
	if say && !direct {
		g.logf("wrote %s", terminal.Sanitize(filepath.Clean(path)))
	}
	return nil
}

// reportFormat reads the --format of report, diff and trend: when it is
// not given, the extension of --out names it (report.pdf is a PDF, not
// Markdown in a file named .pdf), else Markdown. A PDF needs --out FILE.
func reportFormat(verb, format, out string) (render.Format, error) {
	if format == "" {
		if f, ok := render.FormatOf(out); ok && out != "-" {
			return f, nil
		}
		return render.Markdown, nil
	}
	f, ok := render.Parse(format)
	if !ok {
		return "", usagef("%s: unknown --format %q (want md, json, csv, pdf or html)", verb, strings.ToLower(format))
	}
	if f == render.PDF && (out == "" || out == "-") {
		return "", usagef("%s: --format pdf needs --out FILE", verb)
	}
	return f, nil
}

// commaList splits comma-separated flag values into their items, spaces
// trimmed, empty items dropped.
func commaList(values ...string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// writeJSON writes v as indented JSON for a terminal or a pipe, with bidi
// controls escaped (see safejson).
func writeJSON(w io.Writer, v any) error {
	if err := safejson.Encode(w, v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// dash is s, or "-" for an empty value in a table.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// meter starts the progress display of a long task on stderr: one live
// line on a terminal, a plain line every 10 s otherwise, nothing with
// --quiet; colour unless NO_COLOR is set or TERM is dumb.
func (g *globals) meter(label, unit string, total int64) *progress.Meter {
	o := progress.Options{Label: label, Unit: unit, Total: total, Ticks: g.env.Ticks, Now: g.env.Now}
	return progress.Start(g.env.Stderr, o.For(g.env.Stderr, g.env.Getenv, g.quiet))
}
