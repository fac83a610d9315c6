// Package collect runs catalog queries on the search engines' APIs into a
// snapshot, estimates what a collection would cost, and asks the engines
// for per-query facet counts. It is the library behind `orchex collect`,
// `orchex stats` and `orchex demo`, callable from Go code: the engines,
// catalog, store, tagger, retry sleep and clock are inputs; progress and
// notices leave as typed [Event]s; errors are typed ([SelectionError],
// [ErrNoEngine], [FreePlanError], [Partial]). It names no flag and no
// command: the caller adds such hints.
//
// A query that does not run to its end (a page cap, the credit budget, a
// quota, an error, an interrupt, records the engine would not page) marks
// the snapshot incomplete under its run name ([QueryRun]); a later
// collection that completes the query clears the mark.
//
// It sits between the catalog and the store:
//
//	catalog queries (Select) → source.Pager per query, engines concurrently
//	  → ingest.Pipeline (classify, normalize, tag) → store (pages, services, snapshot metadata)
//
// Engines are known only through source.Engine and the optional
// capabilities of source.CapsOf (account, facets, dialect, truncations);
// collect never names a concrete client.
package collect
