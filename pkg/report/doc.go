// Package report turns a snapshot's services into the report's view model.
//
// It sits after the store, before the renderers:
//
//	store.Groups + store.ProductHosts → report.BuildGrouped → [View]
//	  → report/markdown | report/jsonreport | report/csvreport | report/pdf | report/html
//
// [BuildGrouped], what orchex report uses, reads the snapshot's service
// groups (services counted by every attribute a report counts, kept by the
// store as it writes) and its host counts: a few thousand rows whatever
// the snapshot's size. [Build] computes the same view from the services
// themselves, read once in the store's order (address, port, transport),
// keeping counters rather than lists; it is the reference the grouped
// path is tested against. Every number a report shows
// comes from the [View], so the formats cannot disagree. The view holds
// banner strings raw; each renderer escapes them for its format, with
// [CleanText] as the shared first step.
//
// With release data (Meta.Support, pkg/eol), the view carries the support
// status of the services' versions ([View].Support): the builder counts
// services by product, version and auth verdict as it reads them and
// judges them at the end, on the snapshot's newest observation
// (Meta.AsOf, or the newest it counted), so that an old quarter's report
// does not change when newer calendars are loaded. [BuildGrouped] reads
// the services whose host names mark an AKS API server (Grouped.Named),
// which groups do not keep.
//
// The figures and how each is defined are documented in docs/figures.md.
package report
