package suggest

import "testing"

// TestClosest: case is ignored, an exact match but for case wins over a
// closer spelling, flags match without their dashes, and a name far from
// every candidate gets no suggestion.
func TestClosest(t *testing.T) {
	for _, tc := range []struct {
		s          string
		candidates []string
		want       string
	}{
		{"imprt", []string{"import", "report", "export"}, "import"},
		{"2026q4", []string{"2026Q3", "2026Q4"}, "2026Q4"},
		{"Kubernetes", []string{"kubernetes", "kubernetes-api"}, "kubernetes"},
		{"--rangs", []string{"--ranges", "--db", "-s"}, "--ranges"},
		{"zzz", []string{"2026Q3", "2026Q4"}, ""},
		{"x", nil, ""},
	} {
		if got := Closest(tc.s, tc.candidates); got != tc.want {
			t.Errorf("Closest(%q, %q) = %q, want %q", tc.s, tc.candidates, got, tc.want)
		}
	}
	if got := DidYouMean("lst", []string{"list", "show"}); got != "; did you mean list?" {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("zzz", []string{"list"}); got != "" {
		t.Errorf("DidYouMean far = %q, want none", got)
	}
}
