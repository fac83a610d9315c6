package pdf

import (
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
	"testing"
	"unicode/utf8"
)

// FuzzLayout follows a hostile string down the PDF text path as a table
// cell or paragraph takes it (clean, then fit or wrap in the body font at
// any width) and checks: no panic, no hang; the result is valid UTF-8 the
// fonts can draw; fit never overflows its width and keeps a prefix; wrap
// loses no text when it has no line limit, keeps its line limit, and no
// line is wider than the width unless it is a single glyph that cannot be
// split.
func FuzzLayout(f *testing.F) {
	cov, err := fontCoverage()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Kubernetes API server", "a\x00\u202eb\x1b[2J", "\xff\xfe中文😀", strings.Repeat("W", 700),
		strings.Repeat("Marathon ", 80), "", " ", "\u200f\u061c"} {
		f.Add(s, uint8(40), uint8(2))
	}
	f.Add("x", uint8(0), uint8(0))
	m := fpdf.New("P", "mm", "A4", "")
	m.AddUTF8FontFromBytes(sans, "", goregular.TTF)
	m.SetFont(sans, "", 9)
	if err := m.Error(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, width, maxLines uint8) {
		w := float64(width%200) + 0.5
		c := clean(s, cov)
		if !utf8.ValidString(c) {
			t.Fatalf("clean(%q) = %q: invalid UTF-8", s, c)
		}
		got := fit(m, c, w)
		if gw := m.GetStringWidth(got); gw > w {
			t.Fatalf("fit(%q, %v) = %q is %.2f wide", c, w, got, gw)
		}
		if got != c && got != "" && !strings.HasPrefix(c, strings.TrimSuffix(got, ellipsis)) {
			t.Fatalf("fit(%q, %v) = %q is not a prefix of the text", c, w, got)
		}
		lines := wrap(m, c, w, 0)
		if strings.Join(strings.Fields(strings.Join(lines, "")), "") != strings.Join(strings.Fields(c), "") {
			t.Fatalf("wrap(%q, %v) lost text: %q", c, w, lines)
		}
		for _, l := range lines {
			if m.GetStringWidth(l) > w && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("wrap(%q, %v): line %q is %.2f wide", c, w, l, m.GetStringWidth(l))
			}
		}
		if n := int(maxLines % 5); n > 0 {
			if capped := wrap(m, c, w, n); len(capped) > n {
				t.Fatalf("wrap(%q, %v, %d) = %d lines", c, w, n, len(capped))
			}
		}
	})
}
