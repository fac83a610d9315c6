package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeScopes(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scopes.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestScopesCheck(t *testing.T) {
	path := writeScopes(t, `scopes:
  - name: acme
    cidrs: ["203.0.113.0/24", "2001:db8:1::/48"]
    asns: [64500]
    orgs: ["ACME Corp"]
    domains: ["acme.example"]
    contacts: ["security@acme.example"]
  - name: cert-constituent-17
    cidrs: ["198.51.100.0/24", "198.51.100.0/26"]
    countries: ["de", "NL"]
`)
	out, errOut, code := orchexQueries("scopes", "check", path)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "NAME                 CIDRS  ASNS  ORGS  DOMAINS  COUNTRIES  CONTACTS  LINE\n" +
		"acme                 2      1     1     1        0          1         2\n" +
		"cert-constituent-17  2      0     0     0        2          0         8\n" +
		"\nok: " + path + ": 2 scopes, 4 networks (4 distinct), 1 warning(s)\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if wantErr := "warning: " + path + ":9: scope \"cert-constituent-17\" cidrs: 198.51.100.0/26 is inside 198.51.100.0/24 (line 9), which the scope also lists\n"; errOut != wantErr {
		t.Errorf("stderr = %q, want %q", errOut, wantErr)
	}
	out, _, code = orchexQueries("-q", "scopes", "check", path)
	if code != ExitOK || out != "" {
		t.Errorf("-q: exit %d, stdout %q", code, out)
	}
}

func TestScopesCheckProblems(t *testing.T) {
	path := writeScopes(t, `scopes:
  - name: acme
    cidrs: ["203.0.113.7/24"]
    asns: ["AS-1"]
    contacts: ["SOC <soc@acme.example>"]
    colour: blue
  - name: ACME
    countries: ["UK"]
  - name: "bad/name"
    notes: nothing selected
`)
	out, errOut, code := orchexQueries("scopes", "check", path)
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d (stderr %s)", code, ExitFailure, errOut)
	}
	want := []string{
		path + `:3: scope "acme" cidrs: "203.0.113.7/24" has host bits set: write 203.0.113.0/24 for the network, or 203.0.113.7/32 for the one address`,
		path + `:4: scope "acme" asns: "AS-1" is not an AS number (want 64500 or AS64500, from 1 to 4294967295)`,
		path + `:5: scope "acme" contacts: "SOC <soc@acme.example>" must be a bare address such as security@acme.example, without a name or angle brackets`,
		path + `:6: unknown key "colour" in a scope (known: name, cidrs, asns, orgs, domains, countries, contacts, notes, webhook)`,
		path + `:7: duplicate scope name "ACME" (first defined as "acme" at line 2; names are compared ignoring case)`,
		path + `:8: scope "ACME" countries: "UK" is not an ISO 3166-1 code: the United Kingdom is GB`,
		path + `:9: scope name "bad/name" must be letters, digits, '.', '_' and '-', starting with a letter or digit; the name is used as a directory name (briefs go to OUT/NAME/)`,
		path + `:9: scope "bad/name" selects nothing: give it at least one of cidrs, asns, orgs, domains, countries`,
	}
	if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
	if !strings.Contains(errOut, "scopes check: 8 problem(s) in "+path) {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestScopesCheckUsage(t *testing.T) {
	if _, errOut, code := orchexQueries("scopes", "check"); code != ExitUsage || !strings.Contains(errOut, "want one scopes file") {
		t.Errorf("no file: exit %d, stderr %q", code, errOut)
	}
	missing := filepath.Join(t.TempDir(), "none.yaml")
	if _, errOut, code := orchexQueries("scopes", "check", missing); code != ExitFailure || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
	// A hostile name cannot reach the terminal raw: it is rejected, and
	// the problem line quotes it escaped.
	path := writeScopes(t, "scopes:\n  - name: \"evil\\e[31m\\u202e\"\n    asns: [1]\n")
	out, _, code := orchexQueries("scopes", "check", path)
	if code != ExitFailure || strings.ContainsAny(out, "\x1b\u202e") || !strings.Contains(out, `evil\x1b[31m\u202e`) {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}
