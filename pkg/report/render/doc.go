// Package render is the one switch from an output format to its
// renderer: a snapshot's report.View or a diff's, trend's or briefing's
// report.Document written as Markdown, JSON, CSV, PDF or HTML by the
// renderers under pkg/report. It sits between the models and the files:
//
//	report.View | report.Document ─► render.View | render.Document ─► markdown | jsonreport | csvreport | pdf | html
package render
