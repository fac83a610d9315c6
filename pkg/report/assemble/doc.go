// Package assemble builds the presentation models of orchex's reports from
// a store: a snapshot's report.View (with the earlier snapshot of
// report --compare), and the report.Document of a diff or a trend.
//
// It sits between the store and the renderers:
//
//	store.Snapshot + store.Imports + catalog → Meta → report.BuildGrouped → report.View
//	store.Services(A), store.Services(B) → compare.NewDiff → Diff → DiffDocument → report.Document
//	report.View per snapshot → compare.NewTrend → Trend → TrendDocument → report.Document
//
// The renderers under pkg/report (markdown, jsonreport, csvreport, pdf, html)
// only escape and lay out what these models hold; pkg/compare computes
// diffs and trends as data; the CLI parses flags and writes files.
package assemble
