package scope_test

import (
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/orchex/orchex/pkg/scope"
)

// FuzzParse feeds arbitrary files to Parse: it must not panic, must give
// either a set or an *Invalid with lines, and a set must hold only valid,
// matchable values.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/good.yaml", "testdata/bad.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(matchYAML))
	f.Add([]byte("scopes:\n  - name: a\n    cidrs: &n [\"10.0.0.0/8\"]\n  - name: b\n    cidrs: *n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scope.Parse("f.yaml", data)
		if err != nil {
			var inv *scope.Invalid
			if !errors.As(err, &inv) || len(inv.Problems) == 0 {
				t.Fatalf("err = %v, want *scope.Invalid with problems", err)
			}
			return
		}
		for i := 0; i < s.Len(); i++ {
			sc := s.Scope(i)
			if sc.Name == "" || sc.Selectors() == 0 {
				t.Fatalf("scope %d: %+v", i, sc)
			}
			if j, ok := s.Index(sc.Name); !ok || j != i {
				t.Fatalf("Index(%q) = %d, %v", sc.Name, j, ok)
			}
			for _, p := range sc.CIDRs {
				if p != p.Masked() || p.Addr().Is4In6() {
					t.Fatalf("network %s kept unnormalized", p)
				}
				f := scope.Facts{Addr: p.Addr()}
				if !slices.Contains(s.Match(&f), sc.Name) || !s.Contains(i, &f) {
					t.Fatalf("%s is not in its own scope %q", p.Addr(), sc.Name)
				}
			}
			for _, d := range sc.Domains {
				f := scope.Facts{Names: []string{"x." + d}}
				if !s.Contains(i, &f) {
					t.Fatalf("x.%s is not in scope %q", d, sc.Name)
				}
			}
			for _, o := range sc.Orgs {
				f := scope.Facts{Org: o}
				if !s.Contains(i, &f) {
					t.Fatalf("org %q is not in scope %q", o, sc.Name)
				}
			}
			if err := sc.Narrowing().Normalized().Check(); err != nil {
				t.Fatalf("scope %q: narrowing: %v", sc.Name, err)
			}
		}
	})
}
