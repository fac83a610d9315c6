// Package safejson writes indented JSON that is safe to print: on top of
// what encoding/json escapes (invalid UTF-8, <, >, &, U+2028, U+2029) it
// writes bidi controls as \u escapes, so that banner text in a report
// printed on a terminal cannot reorder what is shown. The data decodes the
// same. It serves every JSON output of orchex (reports, diffs, listings).
package safejson
