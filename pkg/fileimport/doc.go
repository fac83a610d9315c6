// Package fileimport is the run of 'orchex import': files downloaded with
// the engines' tools (or an orchex export) into one snapshot. It sits
// beside pkg/collect, on the files' side of the flow:
//
//	files ─► pkg/importer (detect, decode, file:line errors) ─► ingest.Pipeline ─► pkg/store
//
// Run creates or extends the snapshot, imports each file in order through
// the pipeline (workers decode, classify and tag; the store receives the
// items in file order, so the snapshot does not depend on scheduling),
// records each import, marks the snapshot incomplete for a file that
// ended early or an interrupted run (and clears the mark when the same
// file later reads to its end), removes a snapshot it created but filled
// with nothing, and adds the method's metadata (inputs, engines, feeds,
// exports, clamped times, cloud tag disagreements) of the files read,
// also when the run stopped at an error or an interrupt. Validate is the
// strict pass, which reads every file before anything is written.
//
// It reports what happens through typed events and returns typed
// results; it names no flag or command: pkg/cli words its messages.
package fileimport
