// Package jsonreport renders a report.View as JSON with stable keys.
//
// It sits at the end of the data flow:
//
//	store → report.Build → report.View → jsonreport.Render → report.json
//
// The keys and their meaning are documented in docs/report-json.md and
// versioned by [SchemaVersion]: a key is never renamed or removed without
// a new version. Output is deterministic: keys in a fixed order, two-space
// indentation, a trailing newline.
package jsonreport
