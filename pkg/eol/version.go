package eol

import (
	"strings"

	"github.com/orchex/orchex/internal/version"
)

// Version is a version as a banner states it: its leading dotted numbers
// and whatever follows them. "v1.29.8-eks-a737599" is Parts [1 29 8] and
// Rest "-eks-a737599"; "3.4.2.0" (Kong Enterprise) is Parts [3 4 2 0].
// It is internal/version's Version, the one version order of orchex
// (normalize keeps a service's greatest version by it).
type Version = version.Version

// ParseVersion reads s as a version: an optional leading "v" or "V", then
// one or more dot-separated decimal numbers, then any text (a pre-release,
// a build or a vendor suffix). It reports false when s does not start with
// a number after the "v", or has more than 8 numbers or a number of more
// than 9 digits. Leading zeros are not significant ("18.09" is 18.9).
func ParseVersion(s string) (Version, bool) { return version.Parse(s) }

// CompareCycles orders release-cycle names as versions ("1.9" before
// "1.28"; "3.5" and "3.05" are equal); a name that is not a version sorts
// before every version, and such names sort as text.
func CompareCycles(a, b string) int {
	va, oka := ParseVersion(a)
	vb, okb := ParseVersion(b)
	switch {
	case oka && okb:
		return va.Compare(vb)
	case oka:
		return 1
	case okb:
		return -1
	}
	return strings.Compare(a, b)
}

// Limits of a version (internal/version's): at most maxParts numbers of
// at most maxDigits digits each.
const (
	maxParts  = 8
	maxDigits = 9
)

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
