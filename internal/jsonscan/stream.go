package jsonscan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Stream walks one JSON document token by token with encoding/json's
// Decoder, so that a large document (a cloud range feed) is never held
// whole in memory. Its errors are *PosError values placing the problem by
// byte offset.
type Stream struct {
	dec   *json.Decoder
	quote func(string) string // renders a string token in an error
}

// NewStream returns a Stream reading r. quote makes a string token of the
// document safe to show in an error message (the caller's sanitizer); it
// is applied before %q.
func NewStream(r io.Reader, quote func(string) string) *Stream {
	return &Stream{dec: json.NewDecoder(r), quote: quote}
}

// Object reads one JSON object, calling fn with each key; fn must consume
// the value (with Decode, Skip, Array or Object). what names the object
// in errors.
func (w *Stream) Object(what string, fn func(key string) error) error {
	if err := w.delim('{', what); err != nil {
		return err
	}
	for w.dec.More() {
		t, err := w.dec.Token()
		if err != nil {
			return w.Errorf("%s: %w", what, err)
		}
		key, ok := t.(string)
		if !ok {
			return w.Errorf("%s: expected a key", what)
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	return w.delim('}', what)
}

// Array reads one JSON array, calling fn for each element with its index;
// fn must consume the element.
func (w *Stream) Array(what string, fn func(i int) error) error {
	if err := w.delim('[', what); err != nil {
		return err
	}
	for i := 0; w.dec.More(); i++ {
		if err := fn(i); err != nil {
			return err
		}
	}
	return w.delim(']', what)
}

// Decode decodes the next value into v.
func (w *Stream) Decode(what string, v any) error {
	if err := w.dec.Decode(v); err != nil {
		return w.Errorf("%s: %w", what, err)
	}
	return nil
}

// MaxSkipDepth is the deepest nesting Skip walks through. encoding/json's
// Decoder keeps a stack entry per open bracket read with Token, with no
// limit of its own: a 60 MB value of nested brackets took 1.6 GB.
const MaxSkipDepth = 1000

// Skip consumes the next value, whatever it is, in memory bounded by
// MaxSkipDepth: a value nested deeper is an error.
func (w *Stream) Skip(what string) error {
	depth := 0
	for {
		t, err := w.dec.Token()
		if err != nil {
			return w.Errorf("%s: %w", what, err)
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				if depth++; depth > MaxSkipDepth {
					return w.Errorf("%s: nested more than %d levels deep", what, MaxSkipDepth)
				}
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// End checks that nothing but space follows the document.
func (w *Stream) End() error {
	if _, err := w.dec.Token(); err == nil {
		return w.Errorf("data after the end of the document")
	}
	return nil
}

func (w *Stream) delim(d json.Delim, what string) error {
	t, err := w.dec.Token()
	if err != nil {
		return w.Errorf("%s: %w", what, err)
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		return w.Errorf("%s: expected %q, found %s", what, string(d), w.describe(t))
	}
	return nil
}

// Errorf returns a *PosError at the current offset.
func (w *Stream) Errorf(format string, args ...any) error {
	return &PosError{Offset: w.dec.InputOffset(), Err: fmt.Errorf(format, args...)}
}

func (w *Stream) describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("string %q", w.quote(v))
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// PosError places an error in a streamed document. The reader of a file
// fills Line (LineAt) once the error has happened, so that parsing pays
// nothing for it.
type PosError struct {
	Offset int64 // bytes from the start
	Line   int   // 1-based; 0 when unknown
	Err    error
}

// Error returns "line L (byte B): cause", or "byte B: cause" without a line.
func (e *PosError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d (byte %d): %v", e.Line, e.Offset, e.Err)
	}
	return fmt.Sprintf("byte %d: %v", e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *PosError) Unwrap() error { return e.Err }

// LineAt returns the 1-based line of byte offset off in r, read from its
// start.
func LineAt(r io.Reader, off int64) int {
	line := 1
	buf := make([]byte, 32<<10)
	for off > 0 {
		n, err := r.Read(buf[:min(int64(len(buf)), off)])
		line += bytes.Count(buf[:n], []byte("\n"))
		off -= int64(n)
		if err != nil {
			break
		}
	}
	return line
}
