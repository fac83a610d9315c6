// Package csvreport writes a snapshot's services as CSV, one row per
// service.
//
// It sits at the end of the data flow, beside report.Build rather than
// after it: it streams the store's services itself, so that a snapshot of
// any size is written in constant memory.
//
//	store.Services(snapshot) → csvreport.Write → services.csv
//
// The columns are documented on [Write] and in docs/report-json.md.
//
// [WriteDocument] writes the tables of a report.Document (a diff or a
// trend) as one rectangular CSV of section, table, row, column and value.
package csvreport
