package htmltest

import (
	"errors"
	"fmt"
	"io"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Policy is the Content-Security-Policy a page must carry.
const Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// Page is what Inspect found in a page.
type Page struct {
	// Text is every text node but the stylesheet's, unescaped, one per
	// line.
	Text string
	// Attrs is every attribute as name=value, unescaped.
	Attrs []string
	// Tables are the page's tables in order.
	Tables []Table
	// IDs counts each id attribute's value.
	IDs map[string]int
	// Problems lists what the page must not hold: an element or attribute
	// outside the renderer's vocabulary (a script, an event handler, a
	// style attribute, an image, a frame), a link out of the page, a
	// second stylesheet or one that loads something, a missing or wrong
	// Content-Security-Policy.
	Problems []string
}

// Table is one table: its caption, and the text of every cell, row by
// row (the header row first).
type Table struct {
	Caption string
	Rows    [][]string
}

// elements are the elements the renderer writes.
var elements = []string{"html", "head", "meta", "title", "style", "body", "header", "nav", "main", "section", "footer",
	"h1", "h2", "h3", "p", "ol", "ul", "li", "a", "strong", "code", "span", "div",
	"table", "caption", "thead", "tbody", "tr", "th", "td", "figure", "figcaption",
	"svg", "desc", "line", "rect", "polyline", "circle", "text"}

// attributes are the attributes the renderer writes (the tokenizer
// lowercases names: viewBox is viewbox).
var attributes = []string{"lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "role",
	"aria-labelledby", "tabindex", "scope", "viewbox", "focusable", "x", "y", "x1", "y1", "x2", "y2",
	"width", "height", "cx", "cy", "r", "points", "text-anchor", "transform"}

// Inspect tokenizes a page. It fails only when the page cannot be read;
// what is wrong with the page is in Problems.
func Inspect(r io.Reader) (*Page, error) {
	p := &Page{IDs: map[string]int{}}
	z := xhtml.NewTokenizer(r)
	var (
		text     strings.Builder
		stack    []string // open elements, for where text goes
		styles   int
		policy   []string
		inHead   bool
		table    *Table   // the innermost open table
		open     []*Table // open tables (nesting)
		all      []*Table // every table, in the order they open
		inCell   bool
		inCap    bool
		cellText strings.Builder
	)
	problem := func(format string, args ...any) { p.Problems = append(p.Problems, fmt.Sprintf(format, args...)) }
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("htmltest: %w", err)
			}
			if styles != 1 {
				problem("%d <style> elements, want 1", styles)
			}
			if len(policy) != 1 || policy[0] != Policy {
				problem("Content-Security-Policy %q, want exactly %q", policy, Policy)
			}
			p.Text = text.String()
			for _, t := range all {
				p.Tables = append(p.Tables, *t)
			}
			return p, nil
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			name := tok.Data
			if !contains(elements, name) {
				problem("element <%s>", name)
			}
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				key := a.Key
				if a.Namespace != "" {
					key = a.Namespace + ":" + a.Key
				}
				attrs[key] = a.Val
				p.Attrs = append(p.Attrs, key+"="+a.Val)
				low := strings.ToLower(a.Val)
				switch {
				case !contains(attributes, key):
					problem("attribute %s=%q on <%s>", key, a.Val, name)
				case key == "href" && !strings.HasPrefix(a.Val, "#"):
					problem("link out of the page: <%s href=%q>", name, a.Val)
				case strings.Contains(low, "javascript:") || strings.Contains(low, "url(") || strings.Contains(low, "//"):
					problem("attribute %s=%q on <%s> names a URL", key, a.Val, name)
				}
				if key == "id" {
					p.IDs[a.Val]++
				}
			}
			switch name {
			case "head":
				inHead = true
			case "body":
				inHead = false
			case "style":
				styles++
				if !inHead {
					problem("<style> outside <head>")
				}
			case "meta":
				switch strings.ToLower(attrs["http-equiv"]) {
				case "":
				case "content-security-policy":
					policy = append(policy, attrs["content"])
				default:
					problem("<meta http-equiv=%q>", attrs["http-equiv"])
				}
			case "table":
				table = &Table{}
				open = append(open, table)
				all = append(all, table)
			case "tr":
				if table != nil {
					table.Rows = append(table.Rows, nil)
				}
			case "th", "td":
				inCell = true
				cellText.Reset()
			case "caption":
				inCap = true
			}
			if tt == xhtml.StartTagToken && !void(name) {
				stack = append(stack, name)
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == n {
					stack = stack[:i]
					break
				}
			}
			switch n {
			case "th", "td":
				if table != nil && len(table.Rows) > 0 {
					last := &table.Rows[len(table.Rows)-1]
					*last = append(*last, strings.TrimSpace(cellText.String()))
				}
				inCell = false
			case "caption":
				inCap = false
			case "table":
				if len(open) > 0 {
					open = open[:len(open)-1]
				}
				table = nil
				if len(open) > 0 {
					table = open[len(open)-1]
				}
			}
		case xhtml.TextToken:
			s := string(z.Text())
			if len(stack) > 0 && stack[len(stack)-1] == "style" {
				low := strings.ToLower(s)
				for _, bad := range []string{"url(", "@import", "expression(", "javascript:", "</"} {
					if strings.Contains(low, bad) {
						problem("the stylesheet holds %q", bad)
					}
				}
				continue
			}
			text.WriteString(s)
			text.WriteByte('\n')
			if inCell {
				cellText.WriteString(s)
			}
			if inCap && table != nil {
				table.Caption += s
			}
		}
	}
}

// void reports whether an element has no end tag.
func void(name string) bool { return name == "meta" }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Shape is the caption and the cell count of every row of every table:
// what text from banners must not change.
func (p *Page) Shape() []string {
	var out []string
	for _, t := range p.Tables {
		counts := make([]string, len(t.Rows))
		for i, r := range t.Rows {
			counts[i] = fmt.Sprint(len(r))
		}
		out = append(out, t.Caption+": "+strings.Join(counts, ","))
	}
	return out
}
