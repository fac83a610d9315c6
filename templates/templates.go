package templates

import "embed"

// FS holds every *.tmpl file of this directory.
//
//go:embed *.tmpl
var FS embed.FS

// Report is the name of the Markdown report template in FS.
const Report = "report.md.tmpl"

// HTML is the name of the HTML report template in FS.
const HTML = "report.html.tmpl"
