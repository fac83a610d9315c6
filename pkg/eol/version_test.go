package eol

import (
	"slices"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in    string
		parts []int
		rest  string
		ok    bool
	}{
		{"v1.29.8", []int{1, 29, 8}, "", true},
		{"V1.2", []int{1, 2}, "", true},
		{"1.29.8-eks-a737599", []int{1, 29, 8}, "-eks-a737599", true},
		{"v1.27.3-gke.100", []int{1, 27, 3}, "-gke.100", true},
		{"v1.28.5+k3s1", []int{1, 28, 5}, "+k3s1", true},
		{"3.4.2.0", []int{3, 4, 2, 0}, "", true},
		{"18.09.4", []int{18, 9, 4}, "", true},
		{"17.03.2-ce", []int{17, 3, 2}, "-ce", true},
		{"29", []int{29}, "", true},
		{" 26.1.3 ", []int{26, 1, 3}, "", true},
		{"1.29.", []int{1, 29}, ".", true},
		{"1..2", []int{1}, "..2", true},
		{"1.x", []int{1}, ".x", true},
		{"2.8.0-rc3", []int{2, 8, 0}, "-rc3", true},
		{"", nil, "", false},
		{"v", nil, "", false},
		{"vv1.2", nil, "", false},
		{"latest", nil, "", false},
		{".1.2", nil, "", false},
		{"-1.2", nil, "", false},
		{"1.2.3.4.5.6.7.8", []int{1, 2, 3, 4, 5, 6, 7, 8}, "", true},
		{"1.2.3.4.5.6.7.8.9", nil, "", false},
		{"123456789.1", []int{123456789, 1}, "", true},
		{"1234567890.1", nil, "", false},
		{"１.2", nil, "", false}, // a full-width digit is not a digit
	}
	for _, tt := range tests {
		v, ok := ParseVersion(tt.in)
		if ok != tt.ok || !slices.Equal(v.Parts, tt.parts) || v.Rest != tt.rest {
			t.Errorf("ParseVersion(%q) = %v %q %v, want %v %q %v", tt.in, v.Parts, v.Rest, ok, tt.parts, tt.rest, tt.ok)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	// Sorted ascending, as versions.
	sorted := []string{"v1.2.0", "v1.9.0", "1.9.1", "v1.28.3", "1.29", "1.29.0", "1.29.0-eks-1", "1.29.0.0", "2", "10.0"}
	var vs []Version
	for _, s := range sorted {
		v, ok := ParseVersion(s)
		if !ok {
			t.Fatalf("%q", s)
		}
		vs = append(vs, v)
	}
	for i := range vs {
		for j := range vs {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := vs[i].Compare(vs[j]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
	cycles := []string{"1.10", "1.9", "latest", "1.28", "1.2"}
	slices.SortFunc(cycles, CompareCycles)
	if want := []string{"latest", "1.2", "1.9", "1.10", "1.28"}; !slices.Equal(cycles, want) {
		t.Errorf("CompareCycles order %v, want %v", cycles, want)
	}
}

func TestHasPrefix(t *testing.T) {
	tests := []struct {
		v, c string
		want bool
	}{
		{"1.29.8", "1.29", true},
		{"1.29.0", "1.2", false},
		{"1.2.9", "1.2", true},
		{"26.1.3", "26.1", true},
		{"26.1.3", "26", true},
		{"26.10.0", "26.1", false},
		{"29.1.0", "29", true},
		{"1.29", "1.29.8", false},
		{"1.29", "1.29", true},
		{"18.9.1", "18.09", true},
	}
	for _, tt := range tests {
		v, _ := ParseVersion(tt.v)
		c, _ := ParseVersion(tt.c)
		if got := v.HasPrefix(c); got != tt.want {
			t.Errorf("%s.HasPrefix(%s) = %v", tt.v, tt.c, got)
		}
	}
	if v, _ := ParseVersion("1.2"); v.HasPrefix(Version{}) {
		t.Error("an empty cycle prefixes nothing")
	}
}

// FuzzParseVersion: whatever a banner holds, parsing never panics, keeps
// its limits, and String gives back a version that parses to the same.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"v1.29.8-eks-a737599", "3.4.2.0", "29", "", "v", "1..2", "\x00\xff", strings.Repeat("9.", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseVersion(s)
		if !ok {
			return
		}
		if len(v.Parts) == 0 || len(v.Parts) > maxParts {
			t.Fatalf("%q: %d parts", s, len(v.Parts))
		}
		w, ok := ParseVersion(v.String())
		if !ok || w.Compare(v) != 0 {
			t.Fatalf("%q: String %q parses to %v %q", s, v.String(), w.Parts, w.Rest)
		}
	})
}

// TestPrefixLen: the allocation-free match equals ParseVersion + HasPrefix.
func TestPrefixLen(t *testing.T) {
	names := []string{"1.29", "1.2", "29", "26.1", "18.09", "1", "1.29.8", "1.29.", "1.x", "", "v1.29", "1..29", "1234567890", "3.4.2.0"}
	versions := []string{"v1.29.8", "1.2.9", "29.1.0", "26.1.3", "18.9.1", "1", "3.4.2.0", "1234567890.1"}
	for _, vs := range versions {
		v, _ := ParseVersion(vs)
		for _, name := range names {
			want := 0
			if c, ok := ParseVersion(name); ok && c.Rest == "" && name[0] != 'v' && v.HasPrefix(c) {
				want = len(c.Parts)
			}
			if got := prefixLen(name, v); got != want {
				t.Errorf("prefixLen(%q, %s) = %d, want %d", name, vs, got, want)
			}
		}
	}
}
