package importer

import "runtime/debug"

// Garbage collection of a long import. Decoding allocates some 20 KB a
// banner that is garbage a moment later, while what an import keeps alive
// is bounded (the bytes in flight of ImportParallel, the batches waiting
// for the store): about 60 MB. With Go's default (a collection each time
// the heap doubles) that meant a collection for every 60 MB allocated,
// about 10% of an import's CPU time. A fixed heap budget instead collects
// when the heap reaches it: fewer collections, and a peak memory that
// does not depend on the live heap's size.
const (
	// ImportGCPercent lets the heap grow to five times the live heap
	// between collections, within ImportMemoryLimit.
	ImportGCPercent = 400
	// ImportMemoryLimit is the Go heap budget of an import (the runtime's
	// soft memory limit). The store's SQLite memory (page cache, about
	// 40 MB) comes on top: the peak RSS of a million-banner import stays
	// under 300 MB (docs/performance.md).
	ImportMemoryLimit = 160 << 20
)

// TuneGC sets the garbage collector for a long import (ImportGCPercent
// within ImportMemoryLimit) and returns a function restoring the previous
// settings. It changes nothing when the user chose settings of their own:
// getenv (os.Getenv) returns GOGC or GOMEMLIMIT.
func TuneGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(ImportGCPercent)
	lim := debug.SetMemoryLimit(ImportMemoryLimit)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(lim)
	}
}
