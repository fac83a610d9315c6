package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitizeTerminal makes s safe to print on a terminal: invalid UTF-8,
// control characters (escape sequences included) and bidi overrides are
// replaced, so that a banner string cannot move the cursor, recolour the
// screen or reorder text. Line and paragraph separators (U+2028, U+2029)
// are replaced too.
func sanitizeTerminal(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) || isBidi(r) || r == '\u2028' || r == '\u2029':
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// writeJSON writes v as indented JSON for a terminal or a pipe: what
// encoding/json leaves raw and a terminal would act on, bidi controls, is
// written as \u escapes (control characters and U+2028/U+2029 are
// escaped by encoding/json already), so the text decodes the same but
// cannot reorder the screen.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := b.Bytes()
	if bytes.ContainsFunc(out, isBidi) {
		var e bytes.Buffer
		e.Grow(len(out) + 32)
		for _, r := range string(out) {
			if isBidi(r) {
				fmt.Fprintf(&e, "\\u%04x", r)
				continue
			}
			e.WriteRune(r)
		}
		out = e.Bytes()
	}
	_, err := w.Write(out)
	return err
}
