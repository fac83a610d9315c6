package htmltest

import (
	"slices"
	"strings"
	"testing"
)

// page is a minimal page as the renderer writes it, with body inside.
func page(body string) string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
		`<meta http-equiv="Content-Security-Policy" content="` + Policy + `">` +
		`<title>t</title><style>body{color:#000}</style></head><body>` + body + `</body></html>`
}

// TestInspectFindsProblems feeds the inspector pages with each thing a
// page must not hold, so that the tests that rely on it can fail.
func TestInspectFindsProblems(t *testing.T) {
	for _, c := range []struct{ name, page, want string }{
		{"script", page(`<script>alert(1)</script>`), "element <script>"},
		{"handler", page(`<p onclick="x()">a</p>`), "attribute onclick"},
		{"style attribute", page(`<p style="color:red">a</p>`), "attribute style"},
		{"image", page(`<img src="http://evil.example/x.png">`), "element <img>"},
		{"external link", page(`<a href="https://evil.example/">a</a>`), "link out of the page"},
		{"javascript link", page(`<a href="#x" class="javascript:alert(1)">a</a>`), "names a URL"},
		{"svg image", page(`<svg><image href="http://evil.example/"></image></svg>`), "element <image>"},
		{"iframe", page(`<iframe></iframe>`), "element <iframe>"},
		{"second stylesheet", page(`<style>p{}</style>`), "2 <style> elements"},
		{"stylesheet load", strings.Replace(page(""), "body{color:#000}", "body{background:url(http://evil.example/)}", 1), `the stylesheet holds "url("`},
		{"refresh", page(`<meta http-equiv="refresh" content="0;url=http://evil.example/">`), `<meta http-equiv="refresh">`},
		{"no policy", strings.Replace(page(""), "Content-Security-Policy", "X-Other", 1), "<meta http-equiv=\"X-Other\">"},
		{"weaker policy", strings.Replace(page(""), "default-src 'none'", "default-src *", 1), "Content-Security-Policy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Inspect(strings.NewReader(c.page))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(p.Problems, func(s string) bool { return strings.Contains(s, c.want) }) {
				t.Errorf("problems %q, want one with %q", p.Problems, c.want)
			}
		})
	}
}

// TestInspectTables reads captions, cells, text and ids, and finds no
// problem in a clean page.
func TestInspectTables(t *testing.T) {
	p, err := Inspect(strings.NewReader(page(`<p id="a">x &lt;b&gt; y</p><table><caption>Cap</caption>` +
		`<thead><tr><th scope="col">A</th><th scope="col">B</th></tr></thead>` +
		`<tbody><tr><th scope="row">1</th><td class="num">2 &amp; 3</td></tr></tbody></table><a href="#a">in page</a>`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) > 0 {
		t.Errorf("problems in a clean page: %q", p.Problems)
	}
	if len(p.Tables) != 1 || p.Tables[0].Caption != "Cap" || !slices.EqualFunc(p.Tables[0].Rows, [][]string{{"A", "B"}, {"1", "2 & 3"}}, slices.Equal) {
		t.Errorf("tables %+v", p.Tables)
	}
	if !strings.Contains(p.Text, "x <b> y") || p.IDs["a"] != 1 {
		t.Errorf("text %q, ids %v", p.Text, p.IDs)
	}
	if got := p.Shape(); !slices.Equal(got, []string{"Cap: 2,2"}) {
		t.Errorf("shape %q", got)
	}
}
