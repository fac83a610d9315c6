package scope_test

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/scope"
	"github.com/orchex/orchex/pkg/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func load(t *testing.T, path string) *scope.Set {
	t.Helper()
	s, err := scope.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoad(t *testing.T) {
	s := load(t, "testdata/good.yaml")
	if s.Len() != 4 || s.File() != "testdata/good.yaml" || s.Networks() != 6 {
		t.Fatalf("Len %d, File %q, Networks %d", s.Len(), s.File(), s.Networks())
	}
	want := []scope.Scope{
		{Name: "acme", CIDRs: prefixes("203.0.113.0/24", "2001:db8:1::/48", "198.51.100.7/32"), ASNs: []uint32{64500, 64501},
			Orgs: []string{"ACME Corp"}, Domains: []string{"acme.example", "xn--bcher-kva.example"},
			Contacts: []string{"security@acme.example"}, Notes: "Call the SOC first.", Line: 3},
		{Name: "acme-lab", CIDRs: prefixes("203.0.113.128/25", "192.0.2.0/24"), Contacts: []string{"security@acme.example"}, Line: 11},
		{Name: "strasse_ag", Orgs: []string{"STRASSE AG"}, Countries: []string{"DE", "AT"}, Line: 14},
		{Name: "ccTLD", CIDRs: prefixes("203.0.113.0/24", "203.0.113.0/26"), ASNs: []uint32{64501}, Domains: []string{"example"}, Line: 17},
	}
	for i, w := range want {
		if got := *s.Scope(i); !reflect.DeepEqual(got, w) {
			t.Errorf("scope %d:\n%+v\nwant\n%+v", i, got, w)
		}
	}
	var warns []string
	for _, w := range s.Warnings() {
		warns = append(warns, w.Error())
	}
	wantWarns := []string{
		`testdata/good.yaml:18: scope "ccTLD" domains: domain "example" is a top-level domain: every name under it is in the scope`,
		`testdata/good.yaml:19: scope "ccTLD" cidrs: 203.0.113.0/26 is inside 203.0.113.0/24 (line 19), which the scope also lists`,
		`testdata/good.yaml:20: scope "ccTLD" asns lists "64501" twice (first at line 20)`,
	}
	if !reflect.DeepEqual(warns, wantWarns) {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(wantWarns, "\n"))
	}
	for name, want := range map[string]int{"ACME": 0, "acme-lab": 1, "cctld": 3} {
		if i, ok := s.Index(name); !ok || i != want {
			t.Errorf("Index(%q) = %d, %v; want %d", name, i, ok, want)
		}
	}
	if _, ok := s.Index("nobody"); ok {
		t.Error("Index found a scope that is not there")
	}
	if n := s.Scope(0).Selectors(); n != 8 {
		t.Errorf("Selectors = %d, want 8", n)
	}
	wantN := source.Narrowing{CIDRs: prefixes("203.0.113.0/24", "2001:db8:1::/48", "198.51.100.7/32"), ASNs: []uint32{64500, 64501},
		Orgs: []string{"ACME Corp"}, Domains: []string{"acme.example", "xn--bcher-kva.example"}, Countries: []string{}}
	got := s.Scope(0).Narrowing()
	if !reflect.DeepEqual(got.Normalized(), wantN.Normalized()) {
		t.Errorf("Narrowing = %+v", got)
	}
	got.CIDRs[0] = netip.Prefix{}
	if !s.Scope(0).CIDRs[0].IsValid() {
		t.Error("Narrowing shares the scope's slices")
	}
}

// TestLoadProblems checks every problem of a bad file, reported at once
// with its line (golden file testdata/bad.want; -update rewrites it).
func TestLoadProblems(t *testing.T) {
	_, err := scope.Load("testdata/bad.yaml")
	var inv *scope.Invalid
	if !errors.As(err, &inv) {
		t.Fatalf("err = %v, want *scope.Invalid", err)
	}
	var lines []string
	for _, p := range inv.Problems {
		if p.File != "testdata/bad.yaml" || p.Line == 0 {
			t.Errorf("problem without file and line: %+v", p)
		}
		lines = append(lines, p.Error())
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "bad.want")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, rerr := os.ReadFile(golden)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if got != string(want) {
		t.Errorf("problems:\n%s\nwant (testdata/bad.want):\n%s", got, want)
	}
	if !strings.HasPrefix(err.Error(), "scopes file testdata/bad.yaml: 40 problem(s):\ntestdata/bad.yaml:3: ") {
		t.Errorf("Error() = %.120q", err.Error())
	}
	var one *scope.Problem
	if !errors.As(err, &one) || one.Line != 3 {
		t.Errorf("errors.As *Problem = %+v", one)
	}
}

func TestParseProblems(t *testing.T) {
	for _, tt := range []struct {
		name, yaml, want string
	}{
		{"empty", ``, `f.yaml: empty file: expected a mapping with a scopes: list`},
		{"syntax", "scopes:\n  - name: a\n    asns: : 1\n", `f.yaml:3: YAML syntax: mapping values are not allowed in this context`},
		{"no scopes key", "other: 1\n", `f.yaml:1: unknown key "other" in the scopes file (known: scopes)`},
		{"not a mapping", "- a\n", `f.yaml:1: the scopes file must be a mapping, got a list`},
		{"no scopes", "scopes: []\n", `f.yaml:1: scopes is empty: list at least one scope`},
		{"scopes not a list", "scopes: x\n", `f.yaml:1: scopes must be a list, got "x"`},
		{"null value", "scopes:\n  - name: a\n    asns: [~]\n", `f.yaml:3: scope "a" asns: each value must be a non-empty string, got nothing`},
		{"bad alias", "scopes:\n  - name: a\n    asns: &x [64500]\n  - name: b\n    asns: [*x]\n", `f.yaml:5: scope "b" asns: each value must be a non-empty string, got a list`},
		{"webhook http", "scopes:\n  - name: a\n    asns: [1]\n    webhook: http://hooks.example/T0/B1/SECRET?token=SECRET\n",
			`f.yaml:4: scope "a" webhook http://hooks.example is plain http: a webhook carries addresses of exposed services and usually a token, so it must be https (http is allowed to a loopback address only, for tests)`},
		{"webhook user", "scopes:\n  - name: a\n    asns: [1]\n    webhook: https://user:SECRET@hooks.example/x\n",
			`f.yaml:4: scope "a" webhook https://hooks.example has a user name or password in it; put credentials in the path or query the service documents`},
		{"webhook not a URL", "scopes:\n  - name: a\n    asns: [1]\n    webhook: SECRET\n", `f.yaml:4: scope "a" webhook (webhook URL) is not a URL (want https://host/path)`},
		{"webhook list", "scopes:\n  - name: a\n    asns: [1]\n    webhook: [x]\n", `f.yaml:4: scope "a" webhook must be a URL, got a list`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scope.Parse("f.yaml", []byte(tt.yaml))
			var inv *scope.Invalid
			if !errors.As(err, &inv) || len(inv.Problems) != 1 || inv.Problems[0].Error() != tt.want {
				t.Errorf("err = %v\nwant one problem: %s", err, tt.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	if _, err := scope.Load(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(scope.MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var inv *scope.Invalid
	if _, err := scope.Load(big); !errors.As(err, &inv) || !strings.Contains(err.Error(), "larger than the 64 MiB limit") {
		t.Errorf("big file: %v", err)
	}
}

// TestWebhook reads a scope's webhook as a Secret: usable where the
// request is built, never printed, and only its scheme and host shown in
// messages.
func TestWebhook(t *testing.T) {
	const hook = "https://hooks.example/services/T0/B1/XyzSECRET?token=SECRET"
	set, err := scope.Parse("f.yaml", []byte("scopes:\n  - name: a\n    asns: [1]\n    webhook: "+hook+
		"\n  - name: local\n    asns: [2]\n    webhook: http://127.0.0.1:8080/hook\n  - name: none\n    asns: [3]\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := set.Scope(0)
	if a.Webhook.Reveal() != hook {
		t.Errorf("webhook = %q", a.Webhook.Reveal())
	}
	if s := fmt.Sprintf("%v %+v %#v", a, a, *a); strings.Contains(s, "SECRET") {
		t.Errorf("printing a scope shows the webhook: %s", s)
	}
	if got := scope.WebhookHost(hook); got != "https://hooks.example" {
		t.Errorf("WebhookHost = %q", got)
	}
	if set.Scope(1).Webhook.Reveal() != "http://127.0.0.1:8080/hook" || !set.Scope(2).Webhook.Empty() {
		t.Errorf("loopback or absent webhook: %q %q", set.Scope(1).Webhook.Reveal(), set.Scope(2).Webhook.Reveal())
	}
	// A problem with the URL names its scheme and host only.
	_, err = scope.Parse("f.yaml", []byte("scopes:\n  - name: a\n    asns: [1]\n    webhook: ftp://hooks.example/SECRET\n"))
	if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "ftp://hooks.example is not an https URL") {
		t.Errorf("err = %v", err)
	}
}

func TestNames(t *testing.T) {
	set, err := scope.Parse("s.yaml", []byte("scopes:\n  - {name: a, asns: [1]}\n  - {name: b, asns: [2]}\n  - {name: c, asns: [3]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Names(10); got != "a, b, c" {
		t.Errorf("Names(10) = %q", got)
	}
	if got := set.Names(2); got != "a, b, and 1 more" {
		t.Errorf("Names(2) = %q", got)
	}
}

// TestBroadNetworkWarns: a network wider than any organisation's (0.0.0.0/1,
// 2000::/3) is kept with a warning naming its line; a /8 and a /16 are not
// warned about.
func TestBroadNetworkWarns(t *testing.T) {
	s, err := scope.Parse("wide.yaml", []byte("scopes:\n  - name: wide\n    cidrs: [\"0.0.0.0/1\", \"200.0.0.0/8\"]\n    asns: [64500]\n  - name: six\n    cidrs: [\"2000::/3\", \"fd00::/16\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var warns []string
	for _, w := range s.Warnings() {
		warns = append(warns, w.Error())
	}
	want := []string{
		`wide.yaml:3: scope "wide" cidrs: 0.0.0.0/1 is wider than any one organisation's network (an IPv4 network shorter than /8, an IPv6 one shorter than /16): check its length`,
		`wide.yaml:6: scope "six" cidrs: 2000::/3 is wider than any one organisation's network (an IPv4 network shorter than /8, an IPv6 one shorter than /16): check its length`,
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
	}
	if len(s.Scope(0).CIDRs) != 2 || len(s.Scope(1).CIDRs) != 2 {
		t.Errorf("networks kept: %v, %v", s.Scope(0).CIDRs, s.Scope(1).CIDRs)
	}
}
