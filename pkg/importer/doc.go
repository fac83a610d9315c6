// Package importer reads files of engine records that a researcher
// downloaded with the official tools or saved from the APIs, and turns
// them into observations for the ingest pipeline.
//
// It sits beside the live adapters, at the start of the data flow:
//
//	files → importer.Import (detect, stream, file:line errors)
//	  → shodan.DecodeBanner | censys.DecodeV3Hit / DecodeV3Host / DecodeV2Host
//	  → []model.Observation → ingest.Pipeline → store
//
// [Import] detects the format from the first bytes and the first record
// (gzip by its magic bytes, never by the file name; NDJSON or a document by
// structure, never by the first record's length; binary input refused
// after its first bytes), streams the file
// (line by line for NDJSON, token by token with encoding/json for big
// JSON documents), and never holds a whole file in memory. The formats:
// `shodan download` NDJSON (plain or gzip), Shodan search and host
// responses and single banners, Censys Platform v3 search responses, host
// views and hits, Censys v2 search and view responses (with or without
// the {"code","status","result"} envelope), NDJSON of Censys hits or hosts,
// JSON arrays of any of these records, and orchex's own NDJSON export
// ([ExportRecord], written by [WriteExport]).
//
// A malformed record is reported as a [RecordError] with file, line,
// record index and reason, and skipped; the good records are kept. A file
// that ends early (a truncated .gz, a JSON document cut short) keeps what
// was read before the break and says so in [Result]. With
// [Options.Strict] the file is checked completely before anything is
// emitted, and the first bad record is returned as a *RecordError.
// docs/import.md is the user documentation.
package importer
