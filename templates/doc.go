// Package templates holds the report templates, embedded in the binary.
//
// It sits at the end of the data flow: pkg/report/markdown executes
// report.md.tmpl over a report.View. A --template FILE flag replaces the
// embedded template with the user's own, which gets the same functions
// (see the markdown package). pkg/report/html executes report.html.tmpl
// over a report.View or a report.Document.
package templates
