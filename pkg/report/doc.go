// Package report turns a snapshot's services into the report's view model.
//
// It sits after the store, before the renderers:
//
//	store.Services(snapshot) (streamed, sorted) → report.Build → [View]
//	  → report/markdown | report/jsonreport | report/csvreport | report/pdf
//
// [Build] reads the services once, in the store's order (address, port,
// transport), keeping counters rather than lists, so a snapshot of millions
// of services is summarised in bounded memory. Every number a report shows
// comes from the [View], so the formats cannot disagree. The view holds
// banner strings raw; each renderer escapes them for its format, with
// [CleanText] as the shared first step.
//
// The figures and how each is defined are documented in docs/figures.md.
package report
