package safejson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// Encode writes v as JSON indented by two spaces, followed by a newline.
func Encode(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(Escape(b.Bytes()))
	return err
}

// Escape returns data, a JSON text, with every bidi control written as a
// \u escape. Bidi controls can only stand inside JSON strings, where the
// escape means the same character.
func Escape(data []byte) []byte {
	if !bytes.ContainsFunc(data, IsBidi) {
		return data
	}
	out := make([]byte, 0, len(data)+32)
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if IsBidi(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, data[:n]...)
		}
		data = data[n:]
	}
	return out
}

// IsBidi reports whether r is a bidi embedding, override, isolate or mark.
func IsBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}
