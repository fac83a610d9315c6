// Package brief writes briefings for security teams: for each scope of a
// scopes file (pkg/scope), the exposed services of its networks in a
// snapshot, grouped by network owner and netblock, what changed since an
// earlier snapshot, what to do per product, and a feed and a webhook
// message to send on (docs/brief-json.md).
//
// It sits beside the report stage, on services already in the store:
//
//	store.Services (snapshot, and the earlier one) → Select: one merge-joined pass,
//	    each service matched once against the scope index (scope.Set.AppendMatches),
//	    spilled to one temporary file per scope, counted → Run
//	Run.Brief(k) → Brief: one scope's services read back, grouped by owner and netblock, ordered
//	Brief → Document → markdown | pdf | html .RenderDocument    (brief.md, brief.pdf, brief.html)
//	Brief → WriteJSON (brief.json), WriteCSV (services.csv), Message → Poster.Post (webhook)
//	Run.NewIndex → Index → index.json, index.md
//
// A run holds in memory its counts, a bounded spill buffer and, while a
// scope's briefing is open, that scope's index of its services (about 40
// bytes a service): 500 scopes over a million-service snapshot brief in
// a few seconds and well under 300 MB (docs/performance.md). Service
// tables are streamed from the spill file as they are written
// (report.Table.Stream), and brief.json's lists are encoded service by
// service.
//
// The notes of a briefing are the research report's (report.MethodNotes),
// with the collection's truncations and the method differences with the
// earlier snapshot, so that what a report says about how its snapshot
// was made, a briefing says too.
//
// With release data (Config.Support, pkg/eol), each service's version is
// judged on the research report's as-of day (Config.AsOf): one run-wide
// eol.Tally judges each version once, each scope's tally counts, and a
// briefing lists each service's status, counts the scope's end-of-life
// services and lists their release cycles among what to do.
//
// As every report, a briefing leaves the services of hosts flagged as
// honeypots out of every list and count (each snapshot on its own, as
// compare's diff) and counts per scope those it left out for its notes;
// Config.IncludeHoneypots keeps them, marked. A likely-open service keeps
// its verdict, counted and listed apart from the open ones, and is judged
// as unknown between snapshots.
//
// Changes are the diff of the two snapshots restricted to the scope: a
// service is new when it is in the scope now and was not then (absent
// from the earlier snapshot, or outside the scope there), gone the
// reverse, persisting when in both; a persisting service "became open"
// when open now and not then, and was "fixed" (now_closed) when open
// then and demanding credentials now.
package brief
