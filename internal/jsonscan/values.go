package jsonscan

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
)

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
// and lone surrogates replaced with U+FFFD), a number or boolean as its
// JSON text, null as "". Objects and arrays are ignored.
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

// Strs is a list of scalars; a single scalar is read as a list of one.
// null and objects leave it as it was.
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
	for i := WS(b, 1); i < len(b) && b[i] != ']'; {
		end := End(b, i)
		if end <= i {
			break
		}
		out = append(out, Str(Scalar(b[i:end])))
		i = WS(b, end)
		if i < len(b) && b[i] == ',' {
			i = WS(b, i+1)
		}
	}
	*l = out
	return nil
}

// Dedup returns the distinct non-empty elements in first-seen order, at
// most max of them, each capped at model.MaxText bytes.
func (l Strs) Dedup(max int) []string {
	var out []string
	for _, s := range l {
		v := Clip(string(s), model.MaxText)
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
// at model.MaxText bytes.
func (l Strs) Strings(max int) []string {
	var out []string
	for _, s := range l {
		if s == "" {
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, Clip(string(s), model.MaxText))
	}
	return out
}

// Num is a JSON number, or a string holding one; anything else leaves it
// as it was (0 when new). Fractions are truncated; values that do not fit
// an int64 are ignored.
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
// the count). A number outside 1..2^31-1 leaves it as it was.
type Count int

// UnmarshalJSON implements json.Unmarshaler. The decoder has validated b.
func (c *Count) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		n := 0
		for i := WS(b, 1); i < len(b) && b[i] != ']'; n++ {
			end := End(b, i)
			if end <= i {
				break
			}
			i = WS(b, end)
			if i < len(b) && b[i] == ',' {
				i = WS(b, i+1)
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
