// Package html renders a [report.View] (orchex report --format html) or a
// [report.Document] (orchex diff and orchex trend --format html) as one
// self-contained HTML page.
//
// It sits at the end of the data flow, beside the Markdown, JSON, CSV and
// PDF renderers:
//
//	store ─► report/assemble ─► report.View | report.Document ─► html.Render | html.RenderDocument ─► report.html
//
// The page is the embedded templates/report.html.tmpl, executed with
// html/template, whose contextual escaping writes every string for the
// place it lands in (text, attribute, SVG text); strings from banners and
// files are first cleaned by [report.CleanText], the step all formats
// share, and capped. The package computes no figure, sentence or name:
// every number is formatted by report's formatters from the view or the
// document. It only lays out charts: their coordinates, and which rows a
// chart leaves to its table.
//
// # What a page loads: nothing
//
// The stylesheet is inline, the charts are inline SVG, there is no
// script, no font, no image file and no link but to the page's own
// sections. A Content-Security-Policy <meta> ([Policy]) forbids any load
// should a string ever get through, and tests check the page with an HTML
// tokenizer and in headless Chromium (docs/html.md).
//
// # Layout
//
// Tables have captions and <th scope> headers and scroll sideways inside
// their own box on a narrow screen; a print stylesheet drops the
// navigation, lets tables use the page width, repeats their headers and
// keeps rows and charts whole. The same view gives the same bytes.
package html
