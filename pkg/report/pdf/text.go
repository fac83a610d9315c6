package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/orchex/orchex/pkg/report"
)

// Text hygiene for hostile strings. Every string that reaches the page goes
// through a cleaner: invalid UTF-8 becomes U+FFFD, control characters, NUL,
// bidi overrides and invisible formatting characters are removed, and any
// rune the embedded fonts cannot draw becomes U+FFFD, so the reader sees
// that something was there. Strings are also capped in length before layout.

// maxRunes caps any single string before it is measured or laid out. A
// 10,000-character banner title would otherwise cost a quadratic truncation.
const maxRunes = 512

// replacement is drawn for runes the fonts lack; the Go fonts have a glyph for it.
const replacement = '\uFFFD'

// ellipsis ends truncated strings.
const ellipsis = "\u2026"

// coverage is the set of BMP runes that a font maps to a glyph, read from its
// cmap table.
type coverage struct {
	bits [65536 / 64]uint64
}

func (c *coverage) has(r rune) bool {
	if r < 0 || r > 0xFFFF {
		return false
	}
	return c.bits[r/64]&(1<<(uint(r)%64)) != 0
}

func (c *coverage) add(r rune) { c.bits[r/64] |= 1 << (uint(r) % 64) }

// intersect keeps the runes that both c and o cover.
func (c *coverage) intersect(o *coverage) {
	for i := range c.bits {
		c.bits[i] &= o.bits[i]
	}
}

// errCmap reports a font whose cmap table cannot be read.
var errCmap = errors.New("no usable Unicode cmap (format 4) table")

// parseCoverage reads the Unicode BMP cmap subtable (format 4) of a TrueType
// font and returns the runes that map to a glyph other than .notdef.
func parseCoverage(ttf []byte) (*coverage, error) {
	u16 := func(off int) (int, bool) {
		if off < 0 || off+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[off:])), true
	}
	u32 := func(off int) (int, bool) {
		if off < 0 || off+4 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint32(ttf[off:])), true
	}
	numTables, ok := u16(4)
	if !ok {
		return nil, fmt.Errorf("font header: %w", errCmap)
	}
	cmap := -1
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			break
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap, _ = u32(rec + 8)
			break
		}
	}
	if cmap < 0 {
		return nil, errCmap
	}
	n, ok := u16(cmap + 2)
	if !ok {
		return nil, errCmap
	}
	sub := -1
	for i := 0; i < n; i++ {
		platform, _ := u16(cmap + 4 + 8*i)
		encoding, _ := u16(cmap + 6 + 8*i)
		off, ok := u32(cmap + 8 + 8*i)
		if !ok {
			break
		}
		if format, _ := u16(cmap + off); format != 4 {
			continue
		}
		if (platform == 3 && encoding == 1) || platform == 0 {
			sub = cmap + off
			break
		}
	}
	if sub < 0 {
		return nil, errCmap
	}
	segX2, ok := u16(sub + 6)
	if !ok || segX2%2 != 0 {
		return nil, errCmap
	}
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	ranges := deltas + segX2
	if ranges+segX2 > len(ttf) {
		return nil, errCmap
	}
	c := &coverage{}
	for s := 0; s < segX2/2; s++ {
		end, _ := u16(ends + 2*s)
		start, _ := u16(starts + 2*s)
		delta, _ := u16(deltas + 2*s)
		rangeOff, _ := u16(ranges + 2*s)
		for r := start; r <= end && r <= 0xFFFF; r++ {
			var glyph int
			if rangeOff == 0 {
				glyph = (r + delta) & 0xFFFF
			} else {
				g, ok := u16(ranges + 2*s + rangeOff + 2*(r-start))
				if !ok {
					return nil, fmt.Errorf("cmap segment %d: %w", s, errCmap)
				}
				if g != 0 {
					g = (g + delta) & 0xFFFF
				}
				glyph = g
			}
			if glyph != 0 {
				c.add(rune(r))
			}
		}
	}
	return c, nil
}

// dropped reports runes that are removed rather than replaced: controls
// (C0, DEL, C1), bidi embeddings, overrides, isolates and marks, zero-width
// and other invisible format characters, and the BOM. Removing them keeps a
// hostile banner from reordering or hiding the text around it.
func dropped(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return true
	case r >= 0x200B && r <= 0x200F, // zero-width space/joiners, LRM, RLM
		r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2060 && r <= 0x2069, // word joiner, invisible operators, isolates
		r == 0x061C, r == 0xFEFF, r == 0x00AD:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// clean returns s made safe to draw. It applies [report.CleanText], the
// rule every format shares (invalid UTF-8 as U+FFFD; ANSI escape sequences,
// controls, NUL, bidi controls and zero-width characters removed; whitespace
// runs as one space; at most maxRunes runes, then an ellipsis), then removes
// the remaining invisible format characters (see dropped) and replaces every
// rune that cov does not cover with U+FFFD.
func clean(s string, cov *coverage) string {
	s = report.CleanText(s, maxRunes+1)
	ok := true
	for _, r := range s {
		if dropped(r) || !cov.has(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case dropped(r):
		case !cov.has(r):
			b.WriteRune(replacement)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// measurer is the part of fpdf that layout needs: the width of a string in
// the current font.
type measurer interface {
	GetStringWidth(s string) float64
}

// fit returns s if it fits in width w, or the longest prefix of s that fits
// with an ellipsis appended. A width too small for the ellipsis gives "".
func fit(m measurer, s string, w float64) string {
	if m.GetStringWidth(s) <= w {
		return s
	}
	runes := []rune(s)
	// Binary search the longest prefix p such that p+ellipsis fits.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if m.GetStringWidth(string(runes[:mid])+ellipsis) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 && m.GetStringWidth(ellipsis) > w {
		return ""
	}
	return strings.TrimRight(string(runes[:lo]), " ") + ellipsis
}

// wrap breaks s into lines no wider than w, at spaces where it can and
// inside words longer than a line. At most maxLines lines are returned; if
// text remains, the last line ends in an ellipsis. maxLines <= 0 means no limit.
func wrap(m measurer, s string, w float64, maxLines int) []string {
	var lines []string
	var line string
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		word := words[i]
		try := word
		if line != "" {
			try = line + " " + word
		}
		if m.GetStringWidth(try) <= w {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
			i-- // retry the word on a fresh line
			continue
		}
		// A single word wider than the line: break it by runes.
		runes := []rune(word)
		k := 1
		for k < len(runes) && m.GetStringWidth(string(runes[:k+1])) <= w {
			k++
		}
		lines = append(lines, string(runes[:k]))
		if k < len(runes) {
			words[i] = string(runes[k:])
			i--
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if maxLines > 0 && len(lines) > maxLines {
		// The greedy break guarantees that the joined rest is wider than
		// one line, so fit ends it in an ellipsis.
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], fit(m, rest, w))
	}
	return lines
}
