// Package all lists the search engines orchex offers, in plain code: one
// line per engine, no init() and no blank imports (restic's
// internal/backend/all). A third engine is one package under pkg/source
// and one line here.
//
// It sits beside pkg/source: the CLI and the demo ask it for the engines,
// turn their settings into flags and build adapters for pkg/collect.
package all
