package catalog_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/queries"
)

// fieldNames is the list of rule fields that an unknown field's message
// gives.
const fieldNames = "banner, docker, docker.api_version, docker.containers, docker.os, docker.version, engine, etcd, etcd.v2_auth, " +
	"etcd.v3_auth, etcd.version, http, http.body, http.header.<Name>, http.lookalike, http.server, http.status, http.title, kubernetes, " +
	"kubernetes.dashboard_found, kubernetes.nodes, kubernetes.pods, kubernetes.version, labels, module, port, product, protocol, " +
	"software.product, software.vendor, software.version, tls, tls.issuer, tls.issuer_cn, tls.san, tls.subject, tls.subject_cn, " +
	"transport, version"

// TestCheckBadFiles runs Check on each testdata/bad file alone and
// compares every message (prometheus config/testdata/*.bad.yml style).
func TestCheckBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"bad-regex.yaml", []string{
			"bad-regex.yaml:12: bad regex \"\\\"tagline\\\"(\\\\s*:\": missing closing ): `\"tagline\"(\\s*:`",
			`bad-regex.yaml:14: version_from regex "\"version\":\"[0-9.]+\"" needs a capture group holding the version`,
		}},
		{"duplicate-id.yaml", []string{
			`duplicate-id.yaml:12: duplicate product id "demo" (first defined at duplicate-id.yaml:3)`,
		}},
		{"empty-queries.yaml", []string{
			`empty-queries.yaml:8: a query must be a non-empty string, got ""`,
			`empty-queries.yaml:8: duplicate query "port:8001 \"kong\"" in queries.shodan`,
			`empty-queries.yaml:9: queries.censys is empty`,
			`empty-queries.yaml:13: product "nothing" has no queries: list some, or name the product whose queries find it with found_by`,
		}},
		{"examples-fail.yaml", []string{
			`examples-fail.yaml:27: example 2 of product "admin": want admin, auth open; got admin (product rule at examples-fail.yaml:19 "admin header"), auth auth_required (high) by the rule at examples-fail.yaml:5 "401 with WWW-Authenticate", version ""`,
			`examples-fail.yaml:29: example 3 of product "admin": want admin, auth unknown (high), version "1.2"; got admin (product rule at examples-fail.yaml:19 "admin header"), auth unknown (low) by no auth rule, version "1.3"`,
			`examples-fail.yaml:31: example 4 of product "admin": want admin, auth open; got no product (skipped)`,
			`examples-fail.yaml:33: example 5 of product "admin": want no product (skipped); got admin (product rule at examples-fail.yaml:19 "admin header"), auth open (high) by the rule at examples-fail.yaml:23 "200 admin root", version ""`,
			`examples-fail.yaml:35: example 6 of product "admin": expects unknown product "nowhere"`,
			`examples-fail.yaml:50: example 2 of product "proxy": want admin, auth open; got proxy (product rule at examples-fail.yaml:45 "proxy header"), auth unknown (low) by no auth rule, version ""`,
		}},
		{"examples-syntax.yaml", []string{
			`examples-syntax.yaml:14: example observation is missing port`,
			`examples-syntax.yaml:16: port 70000 is not in 1..65535`,
			`examples-syntax.yaml:16: unknown field "http.titel" (known: ` + fieldNames + `)`,
			`examples-syntax.yaml:16: http.title takes one value, not a list`,
			`examples-syntax.yaml:16: tls: false is not a value; leave the field out when the engine did not report it`,
			`examples-syntax.yaml:16: engine "fofa": want shodan or censys`,
			`examples-syntax.yaml:17: unknown verdict "opened" (known: open, likely_open, auth_required, unknown)`,
			`examples-syntax.yaml:17: unknown confidence "medium" (known: high, low)`,
			`examples-syntax.yaml:18: http.status must be an integer, got "ok"`,
			`examples-syntax.yaml:18: kubernetes.dashboard_found must be true or false, got "1"`,
			`examples-syntax.yaml:19: expect: auth does not go with skipped (no product names a skipped observation)`,
			`examples-syntax.yaml:21: expect is missing auth (open, likely_open, auth_required or unknown), or skipped: true`,
			`examples-syntax.yaml:22: example is missing "expect"`,
			`examples-syntax.yaml:25: unknown key "colour" in example (known: observation, expect)`,
			`examples-syntax.yaml:26: product "nothing-own" has no example of its own: at least one example must expect this product`,
		}},
		{"families.yaml", []string{
			`families.yaml:4: duplicate family id "kong" (first declared at families.yaml:3)`,
			`families.yaml:5: family id "Bad_Id" must be lower-case letters, digits and dashes`,
			`families.yaml:6: family "orphan" has no product: remove it or name it in a product's family`,
			`families.yaml:7: family is missing "name"`,
			`families.yaml:21: product "other": unknown family "konga" (declared: kong, orphan); declare it under families: in a catalog file`,
		}},
		{"missing-evidence.yaml", []string{
			`missing-evidence.yaml:10: match rule is missing evidence (the text stored with each service it matches)`,
			`missing-evidence.yaml:13: auth rule is missing verdict (open, likely_open, auth_required or unknown)`,
			`missing-evidence.yaml:16: unknown verdict "opened" (known: open, likely_open, auth_required, unknown)`,
			`missing-evidence.yaml:18: unknown confidence "medium" (known: high, low)`,
		}},
		{"no-version.yaml", []string{
			"no-version.yaml: no catalog version: add `version: \"...\"` to one file (e.g. catalog.yaml)",
		}},
		{"product-fields.yaml", []string{
			`product-fields.yaml:3: id "Demo_1" must be lower-case letters, digits and dashes`,
			`product-fields.yaml:3: product "Demo_1" is missing "name"`,
			`product-fields.yaml:3: product "Demo_1" has no examples: add at least one observation it names, with the verdict expected (docs/catalog.md, Examples)`,
			`product-fields.yaml:4: product "Demo_1": unknown family "cloudfoundry" (declared: docker); declare it under families: in a catalog file`,
			`product-fields.yaml:5: unknown category "paas" (known: orchestration, api-management)`,
			`product-fields.yaml:6: priority must be an integer, got "high"`,
			`product-fields.yaml:9: match is empty`,
			`product-fields.yaml:10: product "ref": auth_from names unknown product "nowhere"`,
			`product-fields.yaml:10: product "ref": found_by names unknown product "nobody"`,
		}},
		{"priorities.yaml", []string{
			`priorities.yaml:15: product "second" has priority 10, as has product "first" (priorities.yaml:5): priorities must be distinct, so that which of two products matching one observation names it is written down; give the more specific product the higher number`,
			`priorities.yaml:34: product "fourth" has priority 0, as has product "third" (priorities.yaml:25): priorities must be distinct, so that which of two products matching one observation names it is written down; give the more specific product the higher number`,
		}},
		{"remediation.yaml", []string{
			`remediation.yaml:16: remediation.text must be a non-empty string, got "  "`,
			`remediation.yaml:18: remediation link url "http://docs.portainer.io/" is not an https URL (link to the vendor's documentation over https)`,
			`remediation.yaml:19: remediation link url "https:///path" has no host, or has credentials in it`,
			`remediation.yaml:20: remediation link url "https://docs.example/a\"onmouseover=x" has a space, quote, angle bracket, backslash or control character`,
			`remediation.yaml:21: remediation link needs a title and a url`,
			`remediation.yaml:22: unknown key "rel" in remediation link (known: title, url)`,
			`remediation.yaml:34: remediation.links is empty`,
			`remediation.yaml:34: remediation is missing "text"`,
		}},
		{"syntax.yaml", []string{
			`syntax.yaml:3: YAML syntax: found a tab character that violates indentation`,
		}},
		{"unknown-field-op.yaml", []string{
			`unknown-field-op.yaml:11: unknown field "http.titel" (known: ` + fieldNames + `)`,
			`unknown-field-op.yaml:14: match rule on field "http.title" has no op (equals, contains, prefix, regex, exists, in, gt, ge, lt, le)`,
			`unknown-field-op.yaml:15: unknown key "matches" in match rule (known: evidence, confidence, all, any, not, field, equals, contains, prefix, regex, exists, in, gt, ge, lt, le, case_sensitive)`,
			`unknown-field-op.yaml:19: match rule on field "http.title" has more than one op (contains and prefix); combine them with all`,
			`unknown-field-op.yaml:22: op "contains" does not apply to field "port" (a numeric field: equals, in, gt, ge, lt, le, exists)`,
			`unknown-field-op.yaml:25: equals must be an integer, got "forbidden"`,
			`unknown-field-op.yaml:26: equals must be true or false, got "yes"`,
			`unknown-field-op.yaml:27: op "equals" does not apply to field "kubernetes" (an object field: exists)`,
			`unknown-field-op.yaml:28: match rule mixes field and all: give exactly one of field, all, any, not (nest them)`,
		}},
		{"unknown-keys.yaml", []string{
			`unknown-keys.yaml:4: unknown key "nme" in product (known: id, name, family, category, priority, notes, queries, found_by, match, auth, auth_from, version_from, examples, remediation)`,
			`unknown-keys.yaml:10: unknown key "fofa" in queries (known: shodan, censys, censys_v2)`,
			`unknown-keys.yaml:15: unknown key "evidense" in match rule (known: evidence, confidence, all, any, not, field, equals, contains, prefix, regex, exists, in, gt, ge, lt, le, case_sensitive)`,
		}},
	}
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("testdata/bad has %d files, the table %d: add the new file's expected messages", len(files), len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/bad", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			fsys := fstest.MapFS{tc.file: {Data: data}}
			var got []string
			for _, e := range catalog.Check(fsys) {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Check messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			// Load fails with the same problems, each an *Error.
			_, err = catalog.Load(fsys)
			if err == nil {
				t.Fatal("Load succeeded on a bad file")
			}
			var ce *catalog.Error
			if !errors.As(err, &ce) || ce.File != tc.file {
				t.Errorf("Load error %v is not a *catalog.Error for %s", err, tc.file)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load error lacks %q", w)
				}
			}
		})
	}
}

func TestCheckAcrossFiles(t *testing.T) {
	prod := func(id, family string, priority int) string {
		return fmt.Sprintf("products:\n  - id: %s\n    name: X\n    family: %s\n    category: api-management\n"+
			"    priority: %d\n    queries: {shodan: [x]}\n    match:\n      - {evidence: e, field: port, equals: 1}\n"+
			"    examples: [{observation: {port: 1}, expect: {auth: unknown}}]\n", id, family, priority)
	}
	fsys := fstest.MapFS{
		// A family declared in one file and used in another is fine.
		"a.yaml": {Data: []byte("version: \"1\"\nfamilies: [{id: kong, name: Kong}]\n" + prod("dup", "kong", 1))},
		"b.yaml": {Data: []byte("version: \"2\"\nfamilies: [{id: kong, name: Kong}]\n" + prod("dup", "kong", 2))},
		// Priorities are compared across files.
		"e.yaml":     {Data: []byte(prod("one", "kong", 7) + "families: [{id: mesos, name: Mesos}]\n")},
		"f.yaml":     {Data: []byte(prod("two", "mesos", 7))},
		"c.yml":      {Data: []byte("not: loaded")},
		"sub/d.yaml": {Data: []byte("not: loaded")},
	}
	var got []string
	for _, e := range catalog.Check(fsys) {
		got = append(got, e.Error())
	}
	want := []string{
		`b.yaml:1: catalog version set again (first set at a.yaml:1); set it in one file`,
		`b.yaml:2: duplicate family id "kong" (first declared at a.yaml:2)`,
		`b.yaml:4: duplicate product id "dup" (first defined at a.yaml:4)`,
		`f.yaml:2: product "two" has priority 7, as has product "one" (e.yaml:2): priorities must be distinct, ` +
			`so that which of two products matching one observation names it is written down; give the more specific product the higher number`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if errs := catalog.Check(fstest.MapFS{}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no *.yaml catalog files") {
		t.Errorf("empty directory: %v", errs)
	}
}

func TestEmbeddedIsValid(t *testing.T) {
	if errs := catalog.Check(queries.FS); errs != nil {
		t.Fatalf("embedded catalog has problems:\n%v", errors.Join(errs...))
	}
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() == "" {
		t.Error("empty catalog version")
	}
	required := []string{"argocd", "docker-engine", "docker-swarm", "etcd", "kong-admin", "kubelet", "kubernetes-api",
		"kubernetes-dashboard", "kubernetes-healthz", "marathon", "mesos-master", "nomad", "openshift-api",
		"openshift-console", "portainer", "rancher", "swagger-ui", "swarmpit"}
	var ids []string
	for _, p := range c.Products() {
		ids = append(ids, p.ID)
		if p.Name == "" || p.Family == "" || (p.Category != catalog.Orchestration && p.Category != catalog.APIManagement) {
			t.Errorf("%s: incomplete entry %+v", p.ID, p)
		}
		if len(p.Shodan)+len(p.Censys)+len(p.CensysV2) == 0 && p.FoundBy == "" {
			t.Errorf("%s: no queries", p.ID)
		}
		for _, r := range append(slices.Clone(p.Match), p.Auth...) {
			if r.Evidence == "" || r.Line == 0 || r.File == "" {
				t.Errorf("%s: rule without evidence or position: %+v", p.ID, r)
			}
		}
	}
	if !slices.Equal(ids, required) {
		t.Errorf("products:\n%v\nwant\n%v", ids, required)
	}
}

func TestLoadGood(t *testing.T) {
	c, err := catalog.Load(os.DirFS("testdata/good"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != "test-7" {
		t.Errorf("Version() = %q", c.Version())
	}
	if got := c.FamilyIDs(); !slices.Equal(got, []string{"kong", "kubernetes"}) {
		t.Errorf("FamilyIDs() = %v", got)
	}
	if f, ok := c.Family("kong"); !ok || f.Name != "Kong" || f.File != "catalog.yaml" || f.Line == 0 {
		t.Errorf("Family(kong) = %+v, %v", f, ok)
	}
	if fs := c.Families(); len(fs) != 2 || fs[1].ID != "kubernetes" || fs[1].Notes == "" {
		t.Errorf("Families() = %+v", fs)
	}
	if _, ok := c.Family("mesos"); ok {
		t.Error("Family(mesos) found")
	}
	if c.Examples() != 3 {
		t.Errorf("Examples() = %d, want 3", c.Examples())
	}
	var ids []string
	for _, p := range c.Products() {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []string{"alpha-proxy", "zeta-api"}) {
		t.Errorf("Products() ids = %v, want sorted", ids)
	}
	p, ok := c.Product("zeta-api")
	if !ok || p.Name != "Zeta API" || !slices.Equal(p.Shodan, []string{`product:"zeta"`}) || p.File != "products.yaml" || p.Line != 2 {
		t.Errorf("Product(zeta-api) = %+v, %v", p, ok)
	}
	if _, ok := c.Product("nope"); ok {
		t.Error("Product(nope) found")
	}
	// Products returns copies: changing one does not change the catalog.
	p.Shodan[0] = "changed"
	if q, _ := c.Product("zeta-api"); q.Shodan[0] != `product:"zeta"` {
		t.Error("Product returned a slice shared with the catalog")
	}
	var qids []string
	for _, q := range c.Queries() {
		qids = append(qids, q.ID+" "+string(q.Engine)+" "+q.Text)
	}
	wantQ := []string{`zeta-api/shodan/1 shodan product:"zeta"`, `zeta-api/censys-v2/1 censys services.service_name: ZETA`}
	if !slices.Equal(qids, wantQ) {
		t.Errorf("Queries() = %q, want %q", qids, wantQ)
	}

	mk := func(status int, server, body string, hdr ...model.Header) *model.Observation {
		return &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr("2001:db8::1"), Port: 80, Transport: "tcp",
			HTTP: &model.HTTP{Status: status, Server: server, Body: body, Headers: hdr}}
	}
	zeta := model.Header{Name: "x-zeta", Value: "zeta/1.2.3"}
	tests := []struct {
		name string
		o    *model.Observation
		want string
	}{
		{"priority: the proxy is more specific", mk(200, "Alpha", `{"zetas":[]}`, zeta), `alpha-proxy "" open low`},
		{"case_sensitive equals", mk(200, "alpha", `{"zetas":[]}`, zeta), `zeta-api "1.2.3" open high`},
		{"generic auth rule", mk(401, "", "", zeta, model.Header{Name: "WWW-Authenticate", Value: `Basic realm="z"`}), `zeta-api "1.2.3" auth_required high`},
		{"no auth rule matches", mk(500, "", "", zeta), `zeta-api "1.2.3" unknown low`},
		{"no product", mk(200, "Alpha", `{"zetas":[]}`), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if cl, ok := c.Classify(tc.o); ok {
				got = fmt.Sprintf("%s %q %s %s", cl.Product, cl.Version, cl.Auth, cl.Confidence)
			}
			if got != tc.want {
				t.Errorf("Classify = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEmbeddedRemediation checks that every product of the embedded
// catalog tells an owner what to do, with at least one link to the
// vendor's documentation over https, and that a remediation is read
// whole (text folded onto one paragraph, links in file order).
func TestEmbeddedRemediation(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Products() {
		r := p.Remediation
		if r == nil {
			t.Errorf("%s (%s:%d) has no remediation", p.ID, p.File, p.Line)
			continue
		}
		if len(r.Text) < 80 || strings.Contains(r.Text, "\n") {
			t.Errorf("%s: remediation text %q: want one folded paragraph of advice", p.ID, r.Text)
		}
		if len(r.Links) == 0 {
			t.Errorf("%s: remediation has no link", p.ID)
		}
		for _, l := range r.Links {
			if !strings.HasPrefix(l.URL, "https://") || l.Title == "" {
				t.Errorf("%s: link %+v", p.ID, l)
			}
		}
	}
	k, _ := c.Product("kubelet")
	if k.Remediation == nil || !strings.Contains(k.Remediation.Text, "--anonymous-auth=false") ||
		k.Remediation.Links[0].URL != "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/" {
		t.Errorf("kubelet remediation = %+v", k.Remediation)
	}
}
