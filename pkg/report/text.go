package report

import (
	"strings"
	"unicode/utf8"
)

// Ellipsis ends a string that CleanText cut.
const Ellipsis = "…"

// CleanText makes a string from the internet safe to show as one line of
// text, before any format-specific escaping:
//
//   - invalid UTF-8 becomes U+FFFD;
//   - ANSI escape sequences (CSI "ESC [ … final", OSC "ESC ] … BEL/ST" and
//     two-byte escapes) are removed whole;
//   - other control characters (C0, DEL, C1), bidirectional controls
//     (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), zero-width
//     characters (U+200B-U+200D, U+2060, U+FEFF) are removed;
//   - tabs, newlines and U+2028/U+2029 become spaces; runs of spaces become
//     one space and the ends are trimmed;
//   - when limit > 0 and more than limit runes remain, the result is cut to
//     limit-1 runes followed by [Ellipsis].
func CleanText(s string, limit int) string {
	if clean(s, limit) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	runes := 0
	space := false // a space is pending
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0x1B { // ESC: drop the whole sequence
			i += escapeLen(s[i:])
			continue
		}
		i += n
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == ' ' || r == 0x2028 || r == 0x2029 || r == 0x85 || r == 0xA0:
			space = runes > 0
			continue
		case dropped(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			runes++
			space = false
		}
		b.WriteRune(r) // U+FFFD for invalid bytes
		runes++
	}
	out := b.String()
	if limit <= 0 || runes <= limit {
		return out
	}
	cut := 0
	for k := 0; k < limit-1; k++ {
		_, n := utf8.DecodeRuneInString(out[cut:])
		cut += n
	}
	return strings.TrimRight(out[:cut], " ") + Ellipsis
}

// clean reports whether s needs no change: printable ASCII, single inner
// spaces, no space at either end, within limit.
func clean(s string, limit int) bool {
	if limit > 0 && len(s) > limit {
		return false
	}
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7F || (c == ' ' && s[i+1] == ' ') {
			return false
		}
	}
	return true
}

// dropped reports whether r is removed outright.
func dropped(r rune) bool {
	switch {
	case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F:
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true
	}
	return false
}

// escapeLen returns the length of the escape sequence at the start of s
// (which starts with ESC).
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7E
		for i := 2; i < len(s); i++ {
			switch c := s[i]; {
			case c >= 0x40 && c <= 0x7E:
				return i + 1
			case c < 0x20 || c > 0x7E:
				return i // malformed: stop before it
			}
		}
		return len(s)
	case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ST (ESC \)
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1B && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			if s[i] == '\n' {
				return i
			}
		}
		return len(s)
	}
	_, n := utf8.DecodeRuneInString(s[1:])
	return 1 + n
}
