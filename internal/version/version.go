package version

import (
	"cmp"
	"strconv"
	"strings"
)

// Limits on a version string: a banner is hostile, so a version with more
// components than this, or a component with more digits, is not a version.
const (
	maxParts  = 8
	maxDigits = 9
)

// Version is a version as a banner states it: its leading dotted numbers
// and whatever follows them. "v1.29.8-eks-a737599" is Parts [1 29 8] and
// Rest "-eks-a737599"; "3.4.2.0" (Kong Enterprise) is Parts [3 4 2 0].
// Rest keeps a provider's or distribution's suffix ("-eks-…",
// "-gke.1211000", "+k3s1") as the banner wrote it.
type Version struct {
	Parts []int
	Rest  string
}

// Parse reads s as a version: an optional leading "v" or "V", then one or
// more dot-separated decimal numbers, then any text (a pre-release, a
// build or a vendor suffix). It reports false when s does not start with
// a number after the "v", or has more than 8 numbers or a number of more
// than 9 digits. Leading zeros are not significant ("18.09" is 18.9).
func Parse(s string) (Version, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && isDigit(s[1]) {
		s = s[1:]
	}
	var v Version
	i := 0
	for {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i { // no digits: the numbers ended at the dot before
			if len(v.Parts) == 0 {
				return Version{}, false
			}
			v.Rest = s[i-1:]
			return v, true
		}
		if j-i > maxDigits || len(v.Parts) == maxParts {
			return Version{}, false
		}
		n, _ := strconv.Atoi(s[i:j])
		v.Parts = append(v.Parts, n)
		if j == len(s) || s[j] != '.' {
			v.Rest = s[j:]
			return v, true
		}
		i = j + 1
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// String returns the numbers joined with dots, then Rest.
func (v Version) String() string {
	var b strings.Builder
	for i, p := range v.Parts {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteString(v.Rest)
	return b.String()
}

// Compare orders versions as versions: number by number ("1.9.0" before
// "1.28.3"), then a version with fewer numbers first ("1.29" before
// "1.29.0"), then by Rest as text. It returns -1, 0 or +1.
func (v Version) Compare(w Version) int {
	for i := 0; i < len(v.Parts) && i < len(w.Parts); i++ {
		if c := cmp.Compare(v.Parts[i], w.Parts[i]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(v.Parts), len(w.Parts)); c != 0 {
		return c
	}
	return strings.Compare(v.Rest, w.Rest)
}

// HasPrefix reports whether the numbers of c begin the numbers of v,
// number by number: "1.29" is a prefix of "1.29.8", "1.2" is not a prefix
// of "1.29.0", and "1.29.8" is not a prefix of "1.29".
func (v Version) HasPrefix(c Version) bool {
	if len(c.Parts) == 0 || len(c.Parts) > len(v.Parts) {
		return false
	}
	for i, p := range c.Parts {
		if v.Parts[i] != p {
			return false
		}
	}
	return true
}

// CompareText orders two version strings as versions ("v1.9.0" before
// "v1.28.3"); a string that is not a version sorts before every version,
// and such strings sort as text. Versions equal as versions ("v1.29.8"
// and "1.29.8") are ordered as text, so that the order is total and the
// same every time. It returns -1, 0 or +1; 0 only for equal strings.
func CompareText(a, b string) int {
	va, oka := Parse(a)
	vb, okb := Parse(b)
	switch {
	case oka && okb:
		if c := va.Compare(vb); c != 0 {
			return c
		}
	case oka:
		return 1
	case okb:
		return -1
	}
	return strings.Compare(a, b)
}

// Greatest returns the greater of two version strings by CompareText; a
// version beats "" (no version).
func Greatest(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case CompareText(b, a) > 0:
		return b
	}
	return a
}
