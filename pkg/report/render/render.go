package render

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/csvreport"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
)

// Format is an output format of reports, diffs and trends.
type Format string

// The formats.
const (
	Markdown Format = "md"
	JSON     Format = "json"
	CSV      Format = "csv"
	PDF      Format = "pdf"
	HTML     Format = "html"
)

// Parse reads a format's name, case ignored; "markdown" is Markdown.
func Parse(name string) (Format, bool) {
	switch f := Format(strings.ToLower(name)); f {
	case "markdown":
		return Markdown, true
	case Markdown, JSON, CSV, PDF, HTML:
		return f, true
	}
	return "", false
}

// FormatOf returns the format a file name's extension names (.md,
// .markdown, .json, .csv, .pdf, .html, case ignored), or false.
func FormatOf(name string) (Format, bool) {
	ext := filepath.Ext(name)
	if ext == "" {
		return "", false
	}
	return Parse(ext[1:])
}

// View writes a snapshot's view in f: Markdown through tmpl (a template's
// text, "" for the embedded one), a PDF titled title ("" for the view's).
// A report's CSV lists services, not the view: csvreport.WriteWith.
func View(w io.Writer, f Format, v *report.View, tmpl, title string) error {
	switch f {
	case JSON:
		return jsonreport.Render(w, v)
	case PDF:
		return pdf.Render(w, v, pdf.Options{Title: title})
	case HTML:
		return html.Render(w, v)
	case Markdown:
		return markdown.Render(w, v, tmpl)
	}
	return fmt.Errorf("render: a view has no %s form", f)
}

// Document writes the document doc returns in f; JSON writes data
// instead, the document's data whose layout is documented apart (the
// diff's and the trend's, docs/compare.md), named what in its errors.
func Document(w io.Writer, f Format, doc func() *report.Document, data any, what string) error {
	switch f {
	case JSON:
		return jsonreport.Write(w, what, data)
	case CSV:
		return csvreport.WriteDocument(w, doc())
	case PDF:
		return pdf.RenderDocument(w, doc(), pdf.Options{})
	case HTML:
		return html.RenderDocument(w, doc())
	case Markdown:
		return markdown.RenderDocument(w, doc())
	}
	return fmt.Errorf("render: %s: no such format (md, json, csv, pdf, html)", f)
}
