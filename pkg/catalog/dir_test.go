package catalog_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
)

// TestLoadDir: a good directory loads; a bad one is a *Problems whose
// every problem names its file as the directory's; a missing directory
// is an error naming it.
func TestLoadDir(t *testing.T) {
	good := filepath.Join("testdata", "good")
	if c, err := catalog.LoadDir(good); err != nil || len(c.Products()) == 0 {
		t.Fatalf("good: %v", err)
	}
	bad := filepath.Join("testdata", "bad")
	_, err := catalog.LoadDir(bad)
	var p *catalog.Problems
	if !errors.As(err, &p) || len(p.Errs) < 10 {
		t.Fatalf("bad: %v", err)
	}
	for _, e := range p.Errs {
		var ce *catalog.Error
		if errors.As(e, &ce) && !strings.HasPrefix(ce.File, bad+string(filepath.Separator)) {
			t.Errorf("problem names %s, want a file of %s", ce.File, bad)
		}
	}
	if problems, c, err := catalog.CheckDir(bad); err != nil || c != nil || len(problems) != len(p.Errs) {
		t.Errorf("CheckDir(bad): %d problems, %v; LoadDir found %d", len(problems), err, len(p.Errs))
	}
	if problems, c, err := catalog.CheckDir(""); err != nil || len(problems) != 0 || c == nil || len(c.Products()) == 0 {
		t.Errorf("CheckDir(embedded): %v, %v", problems, err)
	}
	missing := filepath.Join("testdata", "missing")
	_, _, cerr := catalog.CheckDir(missing)
	for _, err := range []error{second(catalog.LoadDir(missing)), cerr} {
		if err == nil || !strings.Contains(err.Error(), "catalog directory") || !strings.Contains(err.Error(), missing) {
			t.Errorf("missing dir: %v", err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestListing: every product and family of the catalog, query lists
// never null, rule counts and the confidence note that tell them apart.
func TestListing(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Listing()
	if l.Version != c.Version() || len(l.Products) != len(c.Products()) || len(l.Families) != len(c.Families()) {
		t.Fatalf("listing %s: %d products, %d families", l.Version, len(l.Products), len(l.Families))
	}
	for _, p := range l.Products {
		if p.Shodan == nil || p.Censys == nil || p.CensysV2 == nil || p.LowConfidenceMatch > p.MatchRules || p.LowConfidenceAuth > p.AuthRules {
			t.Errorf("%s: %+v", p.ID, p)
		}
		if n := p.Confidence(); !strings.HasPrefix(n, "low: ") || (p.FoundBy != "") != strings.Contains(n, "found by "+p.FoundBy) {
			t.Errorf("%s: confidence note %q", p.ID, n)
		}
	}
	b, err := json.Marshal(l)
	if err != nil || !strings.Contains(string(b), `"low_confidence_match_rules":`) || strings.Contains(string(b), "null") {
		t.Errorf("JSON: %v\n%.300s", err, b)
	}
}
