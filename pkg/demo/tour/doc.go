// Package tour is the run of 'orchex demo': the whole pipeline on the
// simulated Shodan and Censys APIs of pkg/demo, with no keys.
//
//	Open: demo.NewWorld (the population served on loopback) + its range feeds
//	Tour.Run: the real collection (pkg/collect) into snapshot "demo" of OUT/demo.db
//	  → report.View → report.md, report.json, report.html, report.pdf
//	  → scopes.yaml of two example scopes; the quarter before (demo.Earlier),
//	    collected narrowed to each scope into "demo-earlier"
//	  → pkg/brief: a briefing per scope, with its changes, in OUT/briefs
//
// The collection is dated by the population's clock, so the same seed and
// size give the same reports (reports/samples/demo). Files are written
// through the caller's Create; progress and notices are typed events. It
// names no flag: pkg/cli chooses the paths and prints.
package tour
