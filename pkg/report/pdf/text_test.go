package pdf

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
)

func TestParseCoverage(t *testing.T) {
	cov, err := fontCoverage()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    rune
		want bool
	}{
		{'A', true}, {'z', true}, {'0', true}, {'é', true}, {'Ж', true}, {'Ω', true},
		{'\u2026', true}, {'\uFFFD', true}, {'\u00b7', true},
		{'中', false}, {'ダ', false}, {'😀', false}, {'\u05d0', false}, // Hebrew alef: not in the Go fonts
		{-1, false}, {0x110000, false},
	} {
		if got := cov.has(c.r); got != c.want {
			t.Errorf("has(%U) = %v, want %v", c.r, got, c.want)
		}
	}
	if _, err := parseCoverage(goregular.TTF[:100]); err == nil {
		t.Error("truncated font parsed without error")
	}
	if _, err := parseCoverage(nil); err == nil {
		t.Error("empty font parsed without error")
	}
}

func TestClean(t *testing.T) {
	cov, err := fontCoverage()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, in, want string
	}{
		{"plain", "Kubernetes API", "Kubernetes API"},
		{"latin and cyrillic kept", "Café Москва", "Café Москва"},
		{"NUL and controls dropped, NEL is a space", "a\x00b\x01c\x7fd\u0085e", "abcd e"},
		{"whitespace collapsed", "  a\t\r\n  b  ", "a b"},
		{"bidi override dropped", "abc\u202egpj.exe\u202c", "abcgpj.exe"},
		{"isolates and marks dropped", "\u2066x\u2069\u200fy\u200ez\u061c", "xyz"},
		{"zero width and BOM dropped", "a\u200bb\ufeffc\u00add", "abcd"},
		{"invalid UTF-8 replaced", "a\xffb\xc3\x28", "a\uFFFDb\uFFFD("},
		{"CJK replaced", "中文", "\uFFFD\uFFFD"},
		{"emoji replaced", "ok 😀", "ok \uFFFD"},
		{"ANSI sequences removed whole", "a\x1b[31mred\x1b[0m\x1b]0;title\x07!", "ared!"},
		{"markup kept as text", "<b>#x</b> | y", "<b>#x</b> | y"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := clean(c.in, cov); got != c.want {
				t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	long := clean(strings.Repeat("é", 10000), cov)
	if n := utf8.RuneCountInString(long); n != maxRunes+1 || !strings.HasSuffix(long, ellipsis) {
		t.Errorf("long string: %d runes, suffix %q; want %d runes ending in an ellipsis", n, long[len(long)-3:], maxRunes+1)
	}
	if again := clean(long, cov); again != long {
		t.Error("clean is not idempotent on a capped string")
	}
}

// newMeasurer is an fpdf document with the body font selected.
func newMeasurer(t *testing.T) *fpdf.Fpdf {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(sans, "", goregular.TTF)
	f.SetFont(sans, "", 9)
	if err := f.Error(); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFit(t *testing.T) {
	f := newMeasurer(t)
	short := "eu-west-1"
	if got := fit(f, short, 50); got != short {
		t.Errorf("fit(%q, 50) = %q, want it unchanged", short, got)
	}
	for _, w := range []float64{5, 12, 30, 60} {
		long := strings.Repeat("Marathon ", 40)
		got := fit(f, long, w)
		if gw := f.GetStringWidth(got); gw > w {
			t.Errorf("fit(long, %v) = %q is %.2f mm wide", w, got, gw)
		}
		if !strings.HasSuffix(got, ellipsis) || !strings.HasPrefix(long, strings.TrimSuffix(got, ellipsis)) {
			t.Errorf("fit(long, %v) = %q, want a prefix and an ellipsis", w, got)
		}
	}
	if got := fit(f, "abc", 0.1); got != "" {
		t.Errorf("fit into 0.1 mm = %q, want empty", got)
	}
}

func TestWrap(t *testing.T) {
	f := newMeasurer(t)
	text := "Of 22,672 exposed panels, 305 (1.3%) required no authentication " + strings.Repeat("x", 300)
	for _, w := range []float64{20, 60, 170} {
		lines := wrap(f, text, w, 0)
		if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Errorf("wrap at %v lost text", w)
		}
		for _, l := range lines {
			if lw := f.GetStringWidth(l); lw > w {
				t.Errorf("wrap at %v: line %q is %.2f mm wide", w, l, lw)
			}
		}
	}
	capped := wrap(f, text, 40, 2)
	if len(capped) != 2 || !strings.HasSuffix(capped[1], ellipsis) {
		t.Errorf("wrap to 2 lines = %q, want 2 lines, the last ending in an ellipsis", capped)
	}
	if got := wrap(f, "", 40, 2); len(got) != 0 {
		t.Errorf("wrap(\"\") = %q", got)
	}
}

// FuzzClean checks clean's guarantees on any input: valid UTF-8, no dropped
// rune, every rune drawable, and the length cap.
func FuzzClean(f *testing.F) {
	cov, err := fontCoverage()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Kubernetes", "a\x00\u202eb", "\xff\xfe", "中文😀", strings.Repeat("x ", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := clean(s, cov)
		if !utf8.ValidString(got) {
			t.Fatalf("clean(%q) = %q: invalid UTF-8", s, got)
		}
		if n := utf8.RuneCountInString(got); n > maxRunes+1 {
			t.Fatalf("clean(%q): %d runes", s, n)
		}
		for _, r := range got {
			if dropped(r) || !cov.has(r) || (r != ' ' && strings.ContainsRune(" \t\n\r\v\f", r)) {
				t.Fatalf("clean(%q) = %q keeps %U", s, got, r)
			}
		}
	})
}
