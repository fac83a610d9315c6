// Package jsonx holds the small JSON helpers that the engine decoders
// share (source/shodan and source/censys): lenient scalar strings, string
// lists, rune-safe clipping, and the scanning helpers for JSON objects
// read by hand. Engine strings are hostile: every helper bounds what it
// keeps and never fails on a value of an unexpected type.
package jsonx

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
)

// maxText caps each string of a list.
const maxText = model.MaxText

// Clip returns s cut to at most n bytes at a rune boundary, copied so
// that it does not keep a large record alive.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.Clone(s[:i])
}

// Str is a JSON scalar read as a string: a string as is (invalid UTF-8
// replaced with U+FFFD), a number or boolean as its JSON text, null as "".
// Objects and arrays are ignored.
type Str string

// UnmarshalJSON implements json.Unmarshaler. The decoder has validated b.
func (s *Str) UnmarshalJSON(b []byte) error {
	*s = Str(Scalar(b))
	return nil
}

// Scalar renders one valid JSON value as a string (see Str).
func Scalar(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		return Unquote(b)
	case 'n', '{', '[':
		return ""
	}
	return string(b)
}

// Unquote decodes a valid JSON string literal; invalid UTF-8 and lone
// surrogates become U+FFFD, as encoding/json does.
func Unquote(b []byte) string {
	b = b[1 : len(b)-1]
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, n := utf8.DecodeRune(b[i:])
			out = utf8.AppendRune(out, r) // RuneError for invalid bytes
			i += n
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch e := b[i+1]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			r := hex4(b[i+2:])
			i += 6
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
			out = utf8.AppendRune(out, r)
			continue
		default: // \" \\ \/
			out = append(out, e)
		}
		i += 2
	}
	return string(out)
}

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

// Strs is a list of scalars; a single scalar is read as a list of one.
type Strs []Str

// UnmarshalJSON implements json.Unmarshaler. The decoder has validated b.
func (l *Strs) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] == 'n' || b[0] == '{' {
		return nil
	}
	if b[0] != '[' {
		*l = Strs{Str(Scalar(b))}
		return nil
	}
	var out Strs
	for i := SkipWS(b, 1); i < len(b) && b[i] != ']'; {
		end := ValueEnd(b, i)
		if end <= i {
			break
		}
		out = append(out, Str(Scalar(b[i:end])))
		i = SkipWS(b, end)
		if i < len(b) && b[i] == ',' {
			i = SkipWS(b, i+1)
		}
	}
	*l = out
	return nil
}

// SkipWS returns the index of the first byte at or after i that is not
// JSON white space.
func SkipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// ValueEnd returns the index after the valid JSON value starting at b[i].
func ValueEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			for j++; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return j
			}
		}
	}
	return len(b)
}

// dedup returns the distinct non-empty elements in first-seen order, at
// most max of them, each capped at maxText bytes.
func (l Strs) Dedup(max int) []string {
	var out []string
	for _, s := range l {
		v := Clip(string(s), maxText)
		if v == "" || contains(out, v) {
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, v)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Strings returns the non-empty elements, at most max of them, each capped
// at maxText bytes.
func (l Strs) Strings(max int) []string {
	var out []string
	for _, s := range l {
		if s == "" {
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, Clip(string(s), maxText))
	}
	return out
}

// Num is a JSON number, or a string holding one; anything else is 0.
// Fractions are truncated; values that do not fit an int64 are 0.
type Num int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Num) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = Num(v)
		return nil
	}
	if v, err := strconv.ParseFloat(string(b), 64); err == nil && v > -1e18 && v < 1e18 {
		*n = Num(v)
	}
	return nil
}

// Count is a count given either as a number or as a list (whose length is
// the count).
type Count int

// UnmarshalJSON implements json.Unmarshaler. The decoder has validated b.
func (c *Count) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		n := 0
		for i := SkipWS(b, 1); i < len(b) && b[i] != ']'; n++ {
			end := ValueEnd(b, i)
			if end <= i {
				break
			}
			i = SkipWS(b, end)
			if i < len(b) && b[i] == ',' {
				i = SkipWS(b, i+1)
			}
		}
		*c = Count(n)
		return nil
	}
	var n Num
	_ = n.UnmarshalJSON(b)
	if n > 0 && n < 1<<31 {
		*c = Count(n)
	}
	return nil
}
