package catalog

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/orchex/orchex/pkg/model"
)

// lookalikeFixture is testdata/lookalikes/lookalikes.yaml: site shells
// and product mentions, combined into pages by the tests.
type lookalikeFixture struct {
	Sites []struct {
		Name  string `yaml:"name"`
		Title string `yaml:"title"`
		Body  string `yaml:"body"`
	} `yaml:"sites"`
	Mentions []struct {
		Product string   `yaml:"product"`
		Port    uint16   `yaml:"port"`
		Exact   int      `yaml:"exact"` // leading titles that are the product's exact title; 0 means 1
		Titles  []string `yaml:"titles"`
		Body    string   `yaml:"body"`
	} `yaml:"mentions"`
}

// plainSite is a page with no marker of any site generator: the product
// rules' own markup, not the look-alike guard, keep its articles (titled
// as articles are) from naming a product.
const plainSite = "plain"

// lookalikePage is one page of the fixture.
type lookalikePage struct {
	name    string
	product string // the product the page mentions
	obs     model.Observation
}

func lookalikePages(t *testing.T) []lookalikePage {
	t.Helper()
	b, err := os.ReadFile("testdata/lookalikes/lookalikes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f lookalikeFixture
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Sites) < 8 || len(f.Mentions) == 0 {
		t.Fatalf("fixture has %d sites, %d mentions", len(f.Sites), len(f.Mentions))
	}
	f.Sites = append(f.Sites, struct {
		Name  string `yaml:"name"`
		Title string `yaml:"title"`
		Body  string `yaml:"body"`
	}{plainSite, "{title}", "<!DOCTYPE html><html><head><title>{title}</title></head><body><article>{body}</article></body></html>"})
	var pages []lookalikePage
	for _, m := range f.Mentions {
		for _, s := range f.Sites {
			for i, title := range m.Titles {
				if s.Name == plainSite && i < max(m.Exact, 1) {
					continue // a plain page titled exactly as the product is the product as far as a banner shows
				}
				for _, port := range []uint16{443, m.Port} {
					for _, status := range []int{200, 404} {
						r := strings.NewReplacer("{title}", title, "{body}", m.Body)
						pages = append(pages, lookalikePage{
							name:    fmt.Sprintf("%s/%s/title%d/port%d/%d", m.Product, s.Name, i+1, port, status),
							product: m.Product,
							obs: model.Observation{
								Engine: model.Shodan, Addr: netip.MustParseAddr("192.0.2.80"), Port: port, Transport: "tcp",
								HTTP: &model.HTTP{Status: status, Title: r.Replace(s.Title), Body: r.Replace(s.Body),
									Headers: []model.Header{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}},
							},
						})
					}
				}
			}
		}
	}
	return pages
}

// TestLookalikesMatchNothing: no page of the look-alike fixture (blog
// posts, tutorials, documentation, GitHub, search results, Confluence,
// each titled as the product itself and quoting its markup, messages and
// JSON) is named as any product, on any port.
func TestLookalikesMatchNothing(t *testing.T) {
	c := embedded(t)
	pages := lookalikePages(t)
	covered := map[string]bool{}
	for _, p := range pages {
		covered[p.product] = true
		if cl, ok := c.Classify(&p.obs); ok {
			t.Errorf("%s: classified %s (%s), auth %s (%s)", p.name, cl.Product, cl.ProductEvidence, cl.Auth, cl.AuthEvidence)
		}
	}
	// Every product with a rule on a title or on the words of a page has
	// look-alikes.
	for _, id := range sortedKeys(c.products) {
		if readsPage(c.products[id]) && !covered[id] {
			t.Errorf("product %s has a title or body rule and no look-alike page in the fixture", id)
		}
	}
	t.Logf("%d look-alike pages", len(pages))
}

// readsPage reports whether any product rule of p reads the title or the
// body.
func readsPage(p *product) bool {
	for i := range p.Match {
		if p.Match[i].cond.reads(fHTTPTitle) || p.Match[i].cond.reads(fHTTPBody) {
			return true
		}
	}
	return false
}

// reads reports whether the condition has a leaf on field f.
func (c *cond) reads(f fieldID) bool {
	switch {
	case c.leaf != nil:
		return c.leaf.field == f
	case c.not != nil:
		return c.not.reads(f)
	}
	for _, x := range append(append([]*cond{}, c.all...), c.any...) {
		if x.reads(f) {
			return true
		}
	}
	return false
}

// TestLookalikeGuard: every site of the fixture is a look-alike, and no
// page of the catalog's own examples (the products' real pages, from the
// fingerprints) is one, so the guard never hides a real panel.
func TestLookalikeGuard(t *testing.T) {
	for _, p := range lookalikePages(t) {
		if !lookalike(p.obs.HTTP) && !strings.Contains(p.name, "/"+plainSite+"/") {
			t.Errorf("%s: not a look-alike", p.name)
		}
	}
	c := embedded(t)
	for _, id := range sortedKeys(c.products) {
		for _, x := range c.products[id].examples {
			if x.obs.HTTP != nil && lookalike(x.obs.HTTP) {
				t.Errorf("%s:%d: a real %s page is taken for a look-alike", x.file, x.line, id)
			}
		}
	}
	for _, tt := range []struct {
		title, body string
		want        bool
	}{
		{"kubernetes dashboard - Google Search", "", true},
		{"", `<meta content="Hugo 0.120" name="generator">`, true},
		{"", `<META NAME='GENERATOR' CONTENT='WordPress 6.4'>`, true},
		{"Kubernetes Dashboard", `<title>Kubernetes Dashboard</title><kd-root></kd-root>`, false},
		{"Argo CD", `<meta name="generator" content="orchestrator-x">`, false},
	} {
		if got := lookalike(&model.HTTP{Title: tt.title, Body: tt.body}); got != tt.want {
			t.Errorf("lookalike(%q, %q) = %v, want %v", tt.title, tt.body, got, tt.want)
		}
	}
}
