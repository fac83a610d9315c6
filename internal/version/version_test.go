package version

import (
	"slices"
	"testing"
)

// TestCompareText: versions order as versions, whatever their spelling;
// provider suffixes are kept and order after the bare version.
func TestCompareText(t *testing.T) {
	sorted := []string{"", "latest", "x1", "v1.2.0", "1.9.0", "v1.9.0", "1.9.1", "v1.28.3", "1.29", "1.29.0",
		"1.29.8", "v1.29.8", "v1.29.8+k3s1", "v1.29.8-eks-a737599", "v1.29.8-gke.1211000", "1.29.9", "2", "10.0"}
	got := slices.Clone(sorted)
	slices.Reverse(got)
	slices.SortFunc(got, CompareText)
	if !slices.Equal(got, sorted) {
		t.Errorf("sorted:\n%q\nwant\n%q", got, sorted)
	}
	for i, a := range sorted {
		for j, b := range sorted {
			c := CompareText(a, b)
			if (i < j && c != -1) || (i > j && c != 1) || (i == j && c != 0) {
				t.Errorf("CompareText(%q, %q) = %d", a, b, c)
			}
		}
	}
}

// TestGreatest: the greatest version is kept whatever the order, and a
// version beats none; v1.28.3 beats v1.9.0 (the string maximum would not).
func TestGreatest(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"v1.9.0", "v1.28.3", "v1.28.3"},
		{"", "v1.2", "v1.2"},
		{"3.4.27", "3.5.9", "3.5.9"},
		{"v1.29.8", "v1.29.8-eks-a737599", "v1.29.8-eks-a737599"},
		{"18.09.4", "18.9.10", "18.9.10"},
		{"unknown-build", "0.1", "0.1"},
	} {
		if g := Greatest(tt.a, tt.b); g != tt.want {
			t.Errorf("Greatest(%q, %q) = %q, want %q", tt.a, tt.b, g, tt.want)
		}
		if g := Greatest(tt.b, tt.a); g != tt.want {
			t.Errorf("Greatest(%q, %q) = %q, want %q", tt.b, tt.a, g, tt.want)
		}
	}
}
