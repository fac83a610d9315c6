// Command gen writes pkg/eol/calendars.json, the release data orchex
// embeds, from the endoflife.date product pages in ../shared/data/eol:
//
//	go generate ./pkg/eol
//
// runs it with -pages ../../../shared/data/eol -out calendars.json from
// pkg/eol. TestEmbeddedSharedPages checks that the committed file is
// exactly what this writes.
package main
