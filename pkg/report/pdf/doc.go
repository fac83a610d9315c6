// Package pdf renders a [report.View] as a publication-quality PDF: a cover
// page, an executive summary in the style of the 2018 study ("Of 22,672
// exposed panels, 305 (1.3%) required no authentication…"), one section per
// breakdown with a vector chart and a table, a method appendix, page
// numbers, an outline (bookmarks) and document metadata.
//
// It sits at the end of the data flow, next to the Markdown, JSON and CSV
// renderers:
//
//	pkg/store.Services ─► report.Build ─► report.View ─► pdf.Render ─► reports/<snapshot>/report.pdf
//
// Every number comes from the view; the package computes only row totals
// and shares that the view implies, so the formats cannot disagree.
//
// # Fonts and hostile text
//
// The document embeds the Go fonts (golang.org/x/image/font/gofont, BSD
// licence) as UTF-8 TrueType subsets. Strings from banners are cleaned
// before they are measured or drawn, first by [report.CleanText] (the rule
// all formats share), then for the fonts: invalid UTF-8 becomes U+FFFD; ANSI
// escape sequences are removed whole; C0 and C1 controls, NUL, bidi
// embeddings, overrides and isolates, and invisible format characters are
// removed; whitespace runs become one space; any rune
// the fonts cannot draw (CJK, emoji, most scripts outside Latin, Greek and
// Cyrillic) becomes U+FFFD, so the reader sees that something was there;
// strings longer than 512 runes are cut. Text is measured before it is
// placed: names wrap inside their table cell (at most three lines), other
// cells and chart labels end in an ellipsis when they would overflow, and
// paragraphs wrap, so nothing leaves its cell or the page.
//
// # Determinism
//
// The creation and modification dates are the view's Generated time, the
// font and resource catalogs are sorted, and nothing reads the clock or
// iterates a map into the output: the same view gives a byte-identical file.
//
// # Size
//
// The layout does not grow with the number of services: lists that do grow
// with the data (regions, versions, inputs, notes) are capped and the rows
// left out are counted in a note. View.Services (--include-addresses) is not
// listed; the JSON and CSV reports carry it.
package pdf
