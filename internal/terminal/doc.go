// Package terminal writes text for a terminal: Sanitize, the one
// sanitiser of engine strings printed there (messages, log lines), Cell
// for one table cell, and Table, a report.Table as aligned columns (the
// tables of 'orchex snapshots', 'queries list', 'collect', 'stats', 'eol'
// and 'ranges'). It sits under pkg/cli, beside the report renderers.
package terminal
