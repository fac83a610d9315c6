package catalog

import (
	"regexp"

	"github.com/orchex/orchex/pkg/model"
)

// The field http.lookalike is true for a page that is about software
// rather than the software itself: a blog post or tutorial (WordPress,
// Hugo, Jekyll, Ghost and other site generators), a documentation site,
// a code host's page (GitHub), a question-and-answer page, a search
// results page, a wiki (Confluence). Such pages carry a product's name,
// title words, error messages and even quoted markup, and must never
// name the product. Rules resting on a title or on words of a page add
//
//	not: {field: http.lookalike, equals: true}
//
// beside the product's own markup (docs/catalog.md, "Look-alike pages").
// The markers are those the page generators and hosts write themselves;
// no orchestration panel writes any of them.

// lookalikeMarkers are substrings of a page body, lower case, that only
// look-alike pages carry.
func lookalikeMarkers() []string {
	return []string{
		"/wp-content/", "/wp-includes/", "wp-json", // WordPress
		`<meta name="ajs-`, "confluence-base-url", "com-atlassian-confluence", // Confluence
		"github.githubassets.com", `content="github.com"`, `<meta name="octolytics`, // GitHub
		"cdn.sstatic.net",                       // Stack Overflow and Stack Exchange
		`<meta name="docsearch:`, "readthedocs", // documentation sites (Algolia DocSearch, Read the Docs)
		`property="og:type" content="article"`, `"@type":"blogposting"`, `"@type": "blogposting"`,
		`"@type":"techarticle"`, `"@type":"article"`, `itemtype="http://schema.org/blogposting"`,
		`itemtype="https://schema.org/blogposting"`,       // article markup (blogs, news, tutorials)
		`<meta name="jekyll`, "<!-- begin jekyll seo tag", // Jekyll
		`class="gh-`, "ghost-portal", // Ghost themes
		"google.com/search?", `id="search" class="`, // search results
	}
}

// generatorRE matches the <meta name="generator"> of a site generator or
// content management system, whichever attribute comes first.
func generatorRE() *regexp.Regexp {
	const names = `(?:wordpress|hugo|jekyll|ghost|docusaurus|mkdocs|sphinx|hexo|gatsby|vuepress|vitepress|astro|eleventy|` +
		`blogger|drupal|joomla|pelican|nikola|zola|hugo|confluence|mediawiki|docfx|antora|gitbook|nextra|starlight)`
	return regexp.MustCompile(`(?i)<meta\s[^>]*(?:name\s*=\s*["']?generator["']?[^>]*content\s*=\s*["']?` + names +
		`|content\s*=\s*["']?` + names + `[^>]*name\s*=\s*["']?generator)`)
}

// searchTitleRE matches the title of a search engine's results page
// (including the engines orchex reads).
func searchTitleRE() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:(?:- google search|- bing|at duckduckgo|- yandex|- search results|- shodan search|- censys search)\s*$|` +
		`^\s*(?:shodan search|censys search|search results)\b)`)
}

// lookalikeRules are the compiled look-alike markers.
type lookalikeRules struct {
	markers   []string
	anchors   []int // containsFold anchor of each marker
	generator *regexp.Regexp
	search    *regexp.Regexp
}

func newLookalikeRules() *lookalikeRules {
	r := &lookalikeRules{markers: lookalikeMarkers(), generator: generatorRE(), search: searchTitleRE()}
	for _, m := range r.markers {
		r.anchors = append(r.anchors, anchorOf(m))
	}
	return r
}

// lookalikeSet is compiled once and never changed (like the Shodan
// banner table): the markers are constants, and a rule's leaf has no
// access to its catalog.
var lookalikeSet = newLookalikeRules()

// lookalike reports whether h is a look-alike page (see above).
func lookalike(h *model.HTTP) bool { return lookalikeSet.match(h) }

func (r *lookalikeRules) match(h *model.HTTP) bool {
	if h.Title != "" && r.search.MatchString(h.Title) {
		return true
	}
	b := h.Body
	if b == "" {
		return false
	}
	for i, m := range r.markers {
		if containsFold(b, m, r.anchors[i]) {
			return true
		}
	}
	// The generator regex (case-insensitive, so without a literal prefix
	// to search for) runs only on a page that names a generator at all.
	return containsFold(b, "generator", anchorOf("generator")) && r.generator.MatchString(b)
}
