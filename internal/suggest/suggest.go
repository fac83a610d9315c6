package suggest

import (
	"fmt"
	"strings"

	"github.com/xrash/smetrics"
)

// DidYouMean returns "; did you mean X?" for the candidate closest to s,
// or "" when none is close. Case is ignored; an exact match but for case
// wins.
func DidYouMean(s string, candidates []string) string {
	if c := Closest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %s?", c)
	}
	return ""
}

// Closest returns the candidate closest to s (Jaro-Winkler similarity, as
// urfave/cli's own suggestions, at least 0.8, case-insensitive, leading
// dashes ignored), or "".
func Closest(s string, candidates []string) string {
	low := strings.ToLower(strings.TrimLeft(s, "-"))
	best, score := "", 0.8
	for _, c := range candidates {
		lc := strings.ToLower(strings.TrimLeft(c, "-"))
		if lc == low {
			return c
		}
		if d := smetrics.JaroWinkler(low, lc, 0.7, 4); d > score {
			best, score = c, d
		}
	}
	return best
}
