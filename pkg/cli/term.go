package cli

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orchex/orchex/internal/safejson"
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

func isBidi(r rune) bool { return safejson.IsBidi(r) }

// writeJSON writes v as indented JSON for a terminal or a pipe, with bidi
// controls escaped (see safejson).
func writeJSON(w io.Writer, v any) error { return safejson.Encode(w, v) }

// cell makes engine text safe for one terminal table cell: sanitized, on
// one line, at most 80 runes.
func cell(s string) string { return cellN(s, 80) }

// cellN is cell with a cap of limit runes.
func cellN(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, sanitizeTerminal(s))
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit-1]) + "…"
	}
	return s
}

// dash is s, or "-" for an empty value in a table.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
