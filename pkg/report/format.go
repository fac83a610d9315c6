package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Dash is what every output prints for a missing value: an en dash.
const Dash = "–"

// OrDash returns s, or [Dash] when s is empty or only spaces.
func OrDash(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			return s
		}
	}
	return Dash
}

// Num formats n with comma thousands separators: 22672 → "22,672",
// -1024 → "-1,024". Every output writes counts with it.
func Num(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	digits := len(s) - start
	b := make([]byte, 0, len(s)+digits/3)
	b = append(b, s[:start]...)
	for i := start; i < len(s); i++ {
		if i > start && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Pct formats a fraction in 0..1 as a percentage with one decimal. It
// never rounds a non-zero share to 0% or a partial one to 100%: those
// print as "<0.1%" and ">99.9%"; 0 prints "0%", 1 "100%", and NaN or
// an infinity (which no built view holds) "n/a". Every output writes
// shares with it.
func Pct(f float64) string {
	p := f * 100
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return "n/a"
	case f <= 0:
		return "0%"
	case f >= 1:
		return "100%"
	case p < 0.05:
		return "<0.1%"
	case p >= 99.95:
		return ">99.9%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// PctOf formats n/total with [Pct]; 0% when total is 0.
func PctOf(n, total int) string { return Pct(share(n, total)) }

// Date formats t in UTC as 2006-01-02, or "unknown" for the zero time.
func Date(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.DateOnly)
}

// Plural returns one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Join writes items, each passed through each (the format's escaper),
// separated by ", ": at most limit of them, then " and N more".
func Join(items []string, limit int, each func(string) string) string {
	var b strings.Builder
	for i, s := range items {
		if i == limit {
			b.WriteString(" and " + strconv.Itoa(len(items)-limit) + " more")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(each(s))
	}
	return b.String()
}

// FeedLabel writes when a range feed was published: its date, else its
// sync token or change number ("change 348"), else "undated". A feed
// without a date is never printed as an empty cell or a dangling comma.
func FeedLabel(date, token string) string {
	switch {
	case strings.TrimSpace(date) != "":
		return date
	case strings.TrimSpace(token) != "":
		return "change " + token
	}
	return "undated"
}
