// Package compare answers "what changed?" between snapshots: the
// service-level diff of two snapshots (orchex diff), the comparability of
// their methods, and the trend of the headline figures across snapshots
// (orchex trend).
//
// It sits after the store, beside the report:
//
//	store.Services(A), store.Services(B) (streamed, sorted) → compare.NewDiff → Diff → Markdown | JSON
//	report.View per snapshot → compare.NewTrend → Trend → Markdown | JSON | PDF
//	store.Meta + store.Imports → compare.MethodOf → Differences (the warning)
//
// NewDiff merge-joins the two snapshots' service streams, which the store
// yields sorted by (address, port, transport): it holds one service of
// each side at a time and counters per product, provider, AWS region and
// country, never a map of all services, so memory does not grow with the
// snapshots (the per-service lists of Options.IncludeAddresses grow with
// the number of changes only).
//
// A change in method is not a change in the internet: Differences lists
// what differs between two snapshots' catalog versions, engines and range
// feed dates, and every output states it in its method section.
//
// With release data (Options.Support, the views' Support), each snapshot's
// support status is judged on its own newest observation: a diff counts
// the persisting services that became end of life or left it, a trend
// carries each point's figures.
//
// Strings in a Diff or Trend are raw data (product ids, countries and
// regions come from engines); the renderers escape them for their format.
package compare
