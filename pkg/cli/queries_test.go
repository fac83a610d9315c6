package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
)

// orchexQueries runs orchex with buffers and returns stdout, stderr and the
// exit code.
func orchexQueries(args ...string) (string, string, ExitCode) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
	})
	return out.String(), errb.String(), code
}

const miniCatalog = `version: "mini-1"
products:
  - id: mini
    name: Mini panel
    family: portainer
    category: orchestration
    queries:
      shodan: ['http.title:"mini"', 'mini']
      censys: ['host.services.endpoints.http.html_title: "mini"']
    match:
      - {evidence: title mini, confidence: low, field: http.title, equals: mini}
    auth:
      - {verdict: unknown, evidence: shell, field: http.title, equals: mini}
    examples:
      - {observation: {port: 80, http.title: mini}, expect: {auth: unknown, confidence: low}}
families:
  - {id: portainer, name: Portainer-like panels}
`

func TestQueriesList(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := orchexQueries("queries", "list")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "CONFIDENCE NOTES") {
		t.Errorf("header = %q", lines[0])
	}
	for _, p := range c.Products() {
		if !strings.Contains(out, p.ID+" ") || !strings.Contains(out, p.Name) {
			t.Errorf("list lacks %s (%s)", p.ID, p.Name)
		}
	}
	if want := "catalog version " + c.Version() + ": 18 products"; !strings.Contains(out, want) {
		t.Errorf("list lacks %q:\n%s", want, out)
	}
	// A row carries the counts: kubernetes-api has 2 Shodan, 3 CenQL and 2 v2 queries.
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "kubernetes-api" {
			if !regexp.MustCompile(`\skubernetes\s+orchestration\s+2\s+3\s+2\s+low: \d+/\d+ match`).MatchString(l) {
				t.Errorf("kubernetes-api row = %q", l)
			}
		}
	}
	out2, _, _ := orchexQueries("queries", "list")
	if out2 != out {
		t.Error("two runs printed different output")
	}
}

func TestQueriesListJSON(t *testing.T) {
	out, errOut, code := orchexQueries("queries", "list", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var doc catalog.Listing
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Version == "" || len(doc.Products) != 18 || len(doc.Families) != 11 {
		t.Fatalf("version %q, %d products, %d families", doc.Version, len(doc.Products), len(doc.Families))
	}
	if f := doc.Families[0]; f.ID != "argocd" || f.Name != "Argo CD" || f.File != "argocd.yaml" {
		t.Errorf("first family = %+v", f)
	}
	var k *catalog.ListedProduct
	for i := range doc.Products {
		if doc.Products[i].ID == "openshift-api" {
			k = &doc.Products[i]
		}
	}
	if k == nil || k.AuthFrom != "kubernetes-api" || k.FoundBy != "kubernetes-api" || k.Category != "orchestration" || k.Shodan == nil {
		t.Errorf("openshift-api entry = %+v", k)
	}
	if _, _, code := orchexQueries("queries", "list", "--format", "xml"); code != ExitUsage {
		t.Errorf("--format xml: exit %d, want %d", code, ExitUsage)
	}
}

func TestQueriesCheck(t *testing.T) {
	out, errOut, code := orchexQueries("queries", "check")
	if code != ExitOK || !strings.HasPrefix(out, "ok: queries: catalog version ") {
		t.Errorf("embedded: exit %d, out %q, err %q", code, out, errOut)
	}

	good := t.TempDir()
	if err := os.WriteFile(filepath.Join(good, "mini.yaml"), []byte(miniCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = orchexQueries("queries", "check", good)
	if code != ExitOK || !strings.Contains(out, "catalog version mini-1: 1 families, 1 products, 3 queries, 1 examples passed") {
		t.Errorf("good dir: exit %d, out %q", code, out)
	}

	// A failing example is a problem, reported at its line.
	failing := t.TempDir()
	wrong := strings.Replace(miniCatalog, "expect: {auth: unknown, confidence: low}", "expect: {auth: open}", 1)
	if err := os.WriteFile(filepath.Join(failing, "mini.yaml"), []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = orchexQueries("queries", "check", failing)
	want := filepath.Join(failing, "mini.yaml") + `:15: example 1 of product "mini": want mini, auth open; got mini (product rule at `
	if code != ExitFailure || !strings.Contains(out, want) || !strings.Contains(errOut, "1 problem(s)") {
		t.Errorf("failing example: exit %d, out %q, stderr %q; want %q", code, out, errOut, want)
	}

	bad := t.TempDir()
	broken := strings.Replace(miniCatalog, "evidence: title mini, ", "", 1)
	broken = strings.Replace(broken, "family: portainer", "family: portainer\n    colour: blue", 1)
	if err := os.WriteFile(filepath.Join(bad, "mini.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = orchexQueries("queries", "check", bad)
	want = filepath.Join(bad, "mini.yaml") + `:6: unknown key "colour" in product`
	if code != ExitFailure || !strings.Contains(out, want) || !strings.Contains(out, "mini.yaml:12: match rule is missing evidence") {
		t.Errorf("bad dir: exit %d, out %q, want %q", code, out, want)
	}
	if !strings.Contains(errOut, "2 problem(s)") {
		t.Errorf("stderr %q", errOut)
	}

	// --catalog is the default directory of check and the source of list.
	if _, _, code := orchexQueries("--catalog", bad, "queries", "check"); code != ExitFailure {
		t.Errorf("--catalog bad check: exit %d", code)
	}
	out, _, code = orchexQueries("--catalog", good, "queries", "list")
	if code != ExitOK || !strings.Contains(out, "mini ") || strings.Contains(out, "kubernetes-api") {
		t.Errorf("--catalog good list: exit %d\n%s", code, out)
	}
	_, errOut, code = orchexQueries("--catalog", bad, "queries", "list")
	if code != ExitFailure || !strings.Contains(errOut, `mini.yaml:6: unknown key "colour"`) {
		t.Errorf("--catalog bad list: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = orchexQueries("queries", "check", filepath.Join(bad, "missing"))
	if code != ExitFailure || !strings.Contains(errOut, "catalog directory") {
		t.Errorf("missing dir: exit %d, stderr %q", code, errOut)
	}
	if _, _, code := orchexQueries("queries", "check", good, bad); code != ExitUsage {
		t.Errorf("two dirs: exit %d, want %d", code, ExitUsage)
	}
}
