package markdown

import (
	"strings"

	"github.com/orchex/orchex/pkg/report"
)

// Escape makes s safe inside a Markdown paragraph or a GFM table cell. It
// first applies report.CleanText (one line, no control, bidi or
// zero-width characters, valid UTF-8, at most max runes when max > 0),
// then:
//
//   - backslash-escapes \ ` * _ [ ] | # ~ $ !, so that no emphasis, code
//     span, link, heading, strike-through, math or image can start and a
//     pipe cannot end a table cell;
//   - writes < > & as &lt; &gt; &amp;, so that no HTML or entity survives;
//   - escapes a leading - + = or "1. " / "1) " that would start a list or
//     a heading underline.
func Escape(s string, max int) string {
	s = report.CleanText(s, max)
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	switch s[0] {
	case '-', '+', '=':
		b.WriteByte('\\')
	}
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~', '$', '!':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '.', ')':
			if digits > 0 && i == digits && (i+1 == len(s) || s[i+1] == ' ') {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
