// Package store keeps orchex snapshots in one SQLite file (modernc.org/sqlite,
// pure Go): snapshots and what produced them, the merged services, every
// engine observation behind them, import provenance and the raw engine pages.
//
// It sits at the end of the ingest path and at the start of reporting:
//
//	importer | source pager → ingest.Pipeline → store.Put (this package)
//	store.Services (streamed, sorted) → report.Build → markdown | json | csv | pdf
//
// [Store] implements [ingest.Sink]. A [Store.Put] is one transaction: the
// observations, the services they merge into (with [normalize.Merge]) and the
// raw page are stored together or not at all. An observation already stored
// in the snapshot (same engine, query and content fingerprint) is skipped, so
// importing a file twice, or resuming a killed collection, neither loses nor
// doubles anything. An import stores through a [Writer], whose Puts share a
// transaction of up to [DefaultCommitItems] items (each Put still whole or
// absent), because a commit rewrites every index page its transaction touched.
//
// Put also keeps the host rules that span services: every service of an
// address carries the address's honeypot reasons (the engines' marks and
// the many-families rule, [normalize.ManyFamilies]), recomputed for each
// address a write touches, so the result does not depend on the order of
// writes. A snapshot's [Meta] lists the runs that did not complete
// ([Store.MarkIncomplete]); reports say so before any figure.
//
// Addresses are stored as 17-byte blobs (a family byte, 4 or 6, then the
// 16-byte form), so that SQL ordering is numeric and matches
// [netip.Addr.Compare]; a text column holds the printable form for people
// querying the file with sqlite3. Times are UTC text of fixed width
// (2006-01-02T15:04:05.000000000Z), NULL when unknown, so that they sort and
// read well. The schema is documented for researchers in docs/schema.md and
// upgraded by versioned migrations (PRAGMA user_version) when a newer orchex
// opens an older file; an older orchex refuses a newer file.
//
// The database runs in WAL mode with a busy timeout: readers never block the
// writer, and a second writer (another orchex process) waits for the timeout
// and then gets an error wrapping [ErrLocked] instead of hanging.
package store
