package cli

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitizeTerminal makes s safe to print on a terminal: invalid UTF-8,
// control characters (escape sequences included) and bidi overrides are
// replaced, so that a banner string cannot move the cursor, recolour the
// screen or reorder text.
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
		case unicode.IsControl(r) || isBidi(r):
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
