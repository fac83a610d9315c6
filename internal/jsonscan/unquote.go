package jsonscan

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Unquote decodes a valid JSON string literal (quotes included); invalid
// UTF-8 and lone surrogates become U+FFFD, as encoding/json does.
func Unquote(b []byte) string { return unquoteLimit(b, math.MaxInt) }

// hex4 reads four hex digits; invalid input gives U+FFFD.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return utf8.RuneError
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return utf8.RuneError
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unquoteLimit decodes the valid JSON string literal q (see Unquote),
// copying runs of plain bytes at once and building the string without a
// second copy. It may stop once the text is longer than limit bytes: the
// result is then a prefix of the text, of more than limit bytes, which is
// all Clip(s, limit) looks at.
func unquoteLimit(q []byte, limit int) string {
	b := q[1 : len(q)-1]
	i := plain(b, 0)
	if i == len(b) {
		if limit < len(b) {
			b = b[:limit+1] // ASCII: any prefix is a prefix of the text
		}
		return string(b)
	}
	var out strings.Builder
	out.Grow(min(len(b), limit) + 2*utf8.UTFMax)
	out.Write(b[:i])
	for i < len(b) && out.Len() <= limit {
		switch c := b[i]; {
		case c == '\\' && i+1 == len(b): // not a valid literal: stop
			return out.String()
		case c == '\\':
			i = unescape(&out, b, i)
		case c < utf8.RuneSelf:
			j := plain(b, i)
			out.Write(b[i:j])
			i = j
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				out.WriteRune(utf8.RuneError)
			} else {
				out.Write(b[i : i+n])
			}
			i += n
		}
	}
	return out.String()
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plain returns the index of the first backslash or non-ASCII byte of b
// at or after i, or len(b), testing eight bytes at a time.
func plain(b []byte, i int) int {
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		bs := x ^ (lsb * '\\')
		m := ((bs-lsb)&^bs | x) & msb
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(b) && b[i] != '\\' && b[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// unescape writes the escape sequence at b[i] (valid: the scanner checked
// it) and returns the index after it; a \u escape of a lone surrogate
// gives U+FFFD, as encoding/json does.
func unescape(out *strings.Builder, b []byte, i int) int {
	switch e := b[i+1]; e {
	case 'n':
		out.WriteByte('\n')
	case 'r':
		out.WriteByte('\r')
	case 't':
		out.WriteByte('\t')
	case 'b':
		out.WriteByte('\b')
	case 'f':
		out.WriteByte('\f')
	case 'u':
		r := hex4(b[i+2:])
		i += 6
		if r < utf8.RuneSelf {
			out.WriteByte(byte(r))
			return i
		}
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
				r2 = hex4(b[i+2:])
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				r = d
				i += 6
			} else {
				r = utf8.RuneError
			}
		}
		out.WriteRune(r)
		return i
	default: // \" \\ \/
		out.WriteByte(e)
	}
	return i + 2
}

// appendFolded appends name folded as encoding/json folds keys before it
// matches them to field names (encoding/json/fold.go): ASCII upper case,
// every other rune to the smallest rune of its Unicode simple-fold orbit,
// so that the Kelvin sign matches K and ſ matches S.
func appendFolded(out []byte, name string) []byte {
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(name[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

// foldRune returns the smallest rune of r's simple-fold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
