package cloud

import "testing"

func TestMatchText(t *testing.T) {
	for _, tc := range []struct {
		m           Match
		place, feed string
	}{
		{Match{Region: "us-east-1", Feed: "aws.json", FeedDate: "2026-11-01"}, "us-east-1", "aws.json@2026-11-01"},
		{Match{Region: "fra1", City: "Frankfurt", Country: "DE", Feed: "do.csv"}, "fra1 (Frankfurt, DE)", "do.csv"},
		{Match{Region: "Frankfurt", City: "Frankfurt", Country: "DE"}, "Frankfurt (DE)", ""},
		{Match{}, "", ""},
	} {
		if p, f := tc.m.Place(), tc.m.Source(); p != tc.place || f != tc.feed {
			t.Errorf("%+v: %q %q, want %q %q", tc.m, p, f, tc.place, tc.feed)
		}
	}
}

func TestMirrors(t *testing.T) {
	urls, err := Mirrors([]string{"aws=http://127.0.0.1:1/aws.json", "gcp=http://mirror/x=y"})
	if err != nil || urls["aws"] != "http://127.0.0.1:1/aws.json" || urls["gcp"] != "http://mirror/x=y" || len(urls) != 2 {
		t.Errorf("Mirrors = %v, %v", urls, err)
	}
	for _, bad := range []string{"nosuch=http://x", "aws", "aws="} {
		if _, err := Mirrors([]string{bad}); err == nil {
			t.Errorf("Mirrors(%q) accepted", bad)
		}
	}
	if n := SourceNames(); len(n) != len(Sources()) || n[0] != "aws" {
		t.Errorf("SourceNames = %v", n)
	}
}
