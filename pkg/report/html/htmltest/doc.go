// Package htmltest reads an HTML page that pkg/report/html wrote, or the
// DOM a browser made of it, for tests: what the page would load or run
// (it must be nothing), its text, and its tables.
//
// It sits beside the renderer, in tests only: the renderer's own tests,
// the report fuzz test, the CLI's hostile-banner test and the Chromium
// test read pages with it.
package htmltest
