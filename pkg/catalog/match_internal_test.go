package catalog

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestContainsFold compares containsFold with strings.Contains on
// lower-cased input, over fixed cases and random strings from a small
// alphabet (so that matches and near-misses are frequent).
func TestContainsFold(t *testing.T) {
	check := func(s, n string) {
		t.Helper()
		ln := lowerASCII(n)
		want := strings.Contains(lowerASCII(s), ln)
		if got := containsFold(s, ln, anchorOf(ln)); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, ln, got, want)
		}
	}
	for _, c := range [][2]string{
		{"", ""}, {"a", ""}, {"", "a"}, {"abc", "abc"}, {"xABCx", "abc"}, {"ab", "abc"},
		{"Forbidden (user=system:anonymous, verb=get", "forbidden (user=system:anonymous"},
		{"uuuuuuuuuuuuuuuuuuuuUnauthorized", "unauthorized"}, {"UUUUUUnauthorizeD", "unauthorized"},
		{"\xff\xfeK\u00e9rnel", "k\u00e9rnel"}, {"x\u00c9", "\u00e9"},
	} {
		check(c[0], c[1])
	}
	r := rand.New(rand.NewPCG(1, 2))
	const alpha = "aAbB:- \xff"
	rnd := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	}
	for i := 0; i < 20000; i++ {
		check(rnd(r.IntN(24)), rnd(1+r.IntN(4)))
	}
}

func TestCleanVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v1.21.2": "v1.21.2", " 3.5.9\n": "3.5.9", "1.2\x1b[2J": "", "1.2\u202e": "", "\xff1.0": "",
		strings.Repeat("1", 65): "", strings.Repeat("1", 64): strings.Repeat("1", 64), "": "",
	} {
		if got := cleanVersion(in); got != want {
			t.Errorf("cleanVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRequiredLiteral checks the text a regex leaf looks for before it
// runs: found where every match must contain it, never where a match
// could lack it (alternations, optional parts, Unicode case folding), and
// a prefilter that rejects no text the regex matches.
func TestRequiredLiteral(t *testing.T) {
	for _, c := range []struct{ re, want string }{
		{`<html[^>]*\sng-app="kubernetesDashboard"`, `ng-app="kubernetesdashboard"`},
		{`^\s*\{`, `{`},
		{`"kind"\s*:\s*"PodList"`, `"podlist"`},
		{`(?i)^kong/[0-9]`, `ong/`},                               // K folds to U+212A KELVIN SIGN
		{`(?i)"tagline"\s*:\s*"Welcome to kong"`, `"welcome to `}, // and s to U+017F
		{`(a|b)c`, `c`},
		{`(abc)+d`, `abc`},
		{`(abc)?d`, `d`},
		{`(abc)*`, ``},
		{`x{2,}yz`, `yz`},
		{`"ApiVersion"\s*:|"KernelVersion"\s*:`, `"`}, // the shared quote only
		{`é-version`, `-version`},
		{`[0-9]+`, ``},
	} {
		if got := requiredLiteral(c.re); got != c.want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", c.re, got, c.want)
		}
	}
	for _, c := range []struct{ re, text string }{
		{`(?i)^kong/[0-9]`, "\u212Aong/3"},
		{`(?i)"welcome to kong"`, "\"Welcome to \u212Aong\""},
		{`(?i)missing`, "MI\u017F\u017FING"},
		{`<title>\s*Portainer\s*</title>`, "<title>\n  Portainer\n</title>"},
	} {
		re := regexp.MustCompile(c.re)
		if !re.MatchString(c.text) {
			t.Fatalf("%q does not match %q", c.re, c.text)
		}
		need := requiredLiteral(c.re)
		if !containsFold(c.text, need, anchorOf(need)) {
			t.Errorf("%q: the prefilter %q rejects %q, which the regex matches", c.re, need, c.text)
		}
	}
}
