// Package export writes one snapshot's services, or its engine
// observations, as files that other tools read: Parquet for data warehouses
// and query engines (DuckDB, BigQuery, Athena/Trino, Spark), NDJSON in
// orchex's own export format (which orchex import reads back) and CSV.
//
// It sits at the end of the data flow, beside the report renderers:
//
//	store.Services | store.Observations (streamed, sorted)
//	  → export.Write → .parquet | .ndjson | .csv
//
// Rows are read from the store one at a time and written as they come, so
// memory does not grow with the snapshot: a Parquet file is written in row
// groups flushed by size ([RowGroupBytes], [RowGroupRows]); NDJSON and CSV
// go through a small buffer. The same snapshot gives a byte-identical file:
// the store streams services in a fixed order, and every Parquet setting
// that could vary (the writer's name and version, key-value metadata) is
// pinned.
//
// The columns of the Parquet and CSV files are the fields of [ServiceRow]
// and [ObservationRow], documented with their types in docs/export.md.
// [SchemaVersion] names that set of columns: a later version only adds
// columns, so a reader that selects columns by name keeps working. The
// NDJSON format is [importer.ExportRecord], one line per service.
//
// The package takes an [io.Writer] and a [Source]; opening and replacing
// files is the caller's job (the CLI writes to a temporary file and renames
// it).
package export
