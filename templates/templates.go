// Package templates holds the report templates, embedded in the binary.
//
// It sits at the end of the data flow: pkg/report/markdown executes
// report.md.tmpl over a report.View. A --template FILE flag replaces the
// embedded template with the user's own, which gets the same functions
// (see the markdown package). pkg/report/html executes report.html.tmpl
// over a report.View or a report.Document.
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
