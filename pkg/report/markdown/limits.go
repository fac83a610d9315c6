package markdown

import (
	"errors"
	"fmt"
	"io"
	"text/template"
)

// Limits on what a report template may produce.
const (
	// MaxString is the longest string a template's printf, print,
	// println, html, js and urlquery may return: a template that doubles
	// a variable in a loop stops with an error instead of exhausting
	// memory.
	MaxString = 1 << 20
	// MaxOutput is the most a template given with --template may write.
	MaxOutput = 256 << 20
)

// ErrTooLarge is wrapped by the error of a template that exceeds
// MaxString or MaxOutput.
var ErrTooLarge = errors.New("template output too large")

// capped returns text/template's string builtins with MaxString on their
// results (Funcs may override builtins).
func capped() template.FuncMap {
	wrap := func(name string, fn func(...any) string) func(...any) (string, error) {
		return func(args ...any) (string, error) {
			s := fn(args...)
			if len(s) > MaxString {
				return "", fmt.Errorf("%w: %s returned %d bytes, over the %d-byte limit", ErrTooLarge, name, len(s), MaxString)
			}
			return s, nil
		}
	}
	return template.FuncMap{
		"printf": func(format string, args ...any) (string, error) {
			return wrap("printf", func(a ...any) string { return fmt.Sprintf(format, a...) })(args...)
		},
		"print":    wrap("print", fmt.Sprint),
		"println":  wrap("println", fmt.Sprintln),
		"html":     wrap("html", template.HTMLEscaper),
		"js":       wrap("js", template.JSEscaper),
		"urlquery": wrap("urlquery", template.URLQueryEscaper),
	}
}

// limitWriter fails a write that would take the output past n bytes.
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, fmt.Errorf("%w: the report would exceed %d bytes; does the template loop?", ErrTooLarge, MaxOutput)
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}
