package markdown

import (
	"net/url"
	"strings"

	"github.com/orchex/orchex/pkg/report"
)

// Escape makes s safe inside a Markdown paragraph or a GFM table cell. It
// first applies report.CleanText (one line, no control, bidi or
// zero-width characters, valid UTF-8, at most limit runes when limit > 0),
// then:
//
//   - backslash-escapes \ ` * _ [ ] | # ~ $ !, so that no emphasis, code
//     span, link, heading, strike-through, math or image can start and a
//     pipe cannot end a table cell;
//   - writes < > & as &lt; &gt; &amp;, so that no HTML or entity survives;
//   - escapes a leading - + = or "1. " / "1) " that would start a list or
//     a heading underline.
func Escape(s string, limit int) string { return escape(s, limit, true) }

// escape is Escape; a figure cell (block false) keeps a leading sign or
// number, which starts no list inside a table row.
func escape(s string, limit int, block bool) string {
	s = report.CleanText(s, limit)
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	if block {
		switch s[0] {
		case '-', '+', '=':
			b.WriteByte('\\')
		}
	}
	digits := 0
	for block && digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
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

// Link writes l as a Markdown link, [title](<URL>), when its address is a
// plain http or https URL that cannot break out of the angle brackets (no
// space, control character, angle bracket or backslash); otherwise as the
// escaped text "title: URL", which a reader can still copy.
func Link(l report.Link) string {
	title := Escape(l.Title, ItemMax)
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l.URL) > ItemMax*4 ||
		strings.IndexFunc(l.URL, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune("<>\\", r) || r > 0x7e }) >= 0 {
		return Escape(l.Title+": "+l.URL, ItemMax)
	}
	if title == "" {
		title = Escape(l.URL, ItemMax)
	}
	return "[" + title + "](<" + l.URL + ">)"
}
