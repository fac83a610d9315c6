package report_test

import (
	"math"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

// TestFormat pins the one way every output writes counts, shares,
// missing values and changes.
func TestFormat(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {22672, "22,672"}, {1000000, "1,000,000"}, {-12345, "-12,345"}, {-999, "-999"}} {
		if got := report.Num(c.n); got != c.want {
			t.Errorf("Num(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		share float64
		want  string
	}{{0, "0%"}, {305.0 / 22672, "1.3%"}, {0.95, "95.0%"}, {1, "100%"}, {0.0001, "<0.1%"}, {0.0005, "0.1%"},
		{0.99999, ">99.9%"}, {0.9994, "99.9%"}, {math.NaN(), "n/a"}, {math.Inf(1), "n/a"}, {-0.2, "0%"}} {
		if got := report.Pct(c.share); got != c.want {
			t.Errorf("Pct(%v) = %q, want %q", c.share, got, c.want)
		}
	}
	for in, want := range map[string]string{"": report.Dash, "  ": report.Dash, "x": "x"} {
		if got := report.OrDash(in); got != want {
			t.Errorf("OrDash(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestChangeText checks that a change is computed once, from the counts,
// and rounded once when written: the percent a diff prints and the one
// report --compare prints are the same text.
func TestChangeText(t *testing.T) {
	for _, c := range []struct {
		before, after          int
		delta, percent, inCell string
	}{
		{8, 9, "+1", "+12.5%", "+1 (+12.5%)"},
		{3, 2, "-1", "-33.3%", "-1 (-33.3%)"},
		{1, 0, "-1", "-100.0%", "-1 (-100.0%)"},
		{5, 5, "0", "0%", "0 (0%)"},
		{0, 4, "+4", "new", "+4 (new)"},
		{0, 0, "0", report.Dash, "0"},
		{20001, 20002, "+1", "+<0.1%", "+1 (+<0.1%)"},     // 0.005%: never "0.0%"
		{20000, 20001, "+1", "+<0.1%", "+1 (+<0.1%)"},     // 0.005% exactly
		{2000, 2001, "+1", "+0.1%", "+1 (+0.1%)"},         // 0.05% rounds once, to 0.1
		{6000, 6003, "+3", "+0.1%", "+3 (+0.1%)"},         // 0.05%
		{200000, 200099, "+99", "+<0.1%", "+99 (+<0.1%)"}, // 0.0495%: rounding 0.0495 to 0.05 first would give 0.1%
	} {
		ch := report.NewChange(c.before, c.after)
		if ch.DeltaText() != c.delta || ch.PercentText() != c.percent || ch.String() != c.inCell {
			t.Errorf("NewChange(%d, %d): %q, %q, %q; want %q, %q, %q", c.before, c.after,
				ch.DeltaText(), ch.PercentText(), ch.String(), c.delta, c.percent, c.inCell)
		}
	}
}

func TestJoin(t *testing.T) {
	up := strings.ToUpper
	for _, c := range []struct {
		items []string
		limit int
		want  string
	}{
		{nil, 2, ""},
		{[]string{"a"}, 2, "A"},
		{[]string{"a", "b"}, 2, "A, B"},
		{[]string{"a", "b", "c", "d"}, 2, "A, B and 2 more"},
	} {
		if got := report.Join(c.items, c.limit, up); got != c.want {
			t.Errorf("Join(%q, %d) = %q, want %q", c.items, c.limit, got, c.want)
		}
	}
}
