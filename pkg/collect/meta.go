package collect

import (
	"slices"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/store"
)

// TruncatedEngineLimit is QueryMeta.Truncated for a query the engine
// could page only in part.
const TruncatedEngineLimit = "engine-limit"

// recordQuery writes one query's outcome into the snapshot metadata: the
// engine's total, pages and records, why it stopped early, from the
// engine's truncation reports how much of it could not be fetched, and
// the observations stored with their time clamped to the fetch time. It
// returns the query's metadata as recorded.
//
// truncs are the truncations the engine reported while the query ran.
// Without refresh, a truncation is found once, on the page that ends its
// (sub-)query, and that page is fetched once across runs: the earlier
// runs' counts are added.
func recordQuery(m *store.Meta, c source.Caps, q source.Query, res source.Result, qc counts, truncs []source.Truncation, refresh bool) store.QueryMeta {
	name := string(c.Engine.Name())
	m.AddClamped(qc.clamped) // new observations only: a refreshed page adds none
	qm := store.QueryMeta{ID: q.ID, Engine: name, Text: q.Text, Total: res.Total,
		Pages: res.Pages + res.Resumed, Fetched: res.Results + res.ResumedResults,
		Kept: qc.kept, Skipped: qc.skipped, Bad: qc.bad, At: qc.at}
	if res.Stopped != source.StopDone {
		qm.Truncated = string(res.Stopped)
	}
	for _, t := range truncs {
		qm.EngineTotal += t.Total
		qm.Reachable += t.Reachable
	}
	if !refresh {
		// Pages stored by an earlier run were counted then.
		for _, old := range m.Queries {
			if old.ID != q.ID || old.Engine != name {
				continue
			}
			qm.Kept += old.Kept
			qm.Skipped += old.Skipped
			qm.Bad += old.Bad
			if old.At.After(qm.At) {
				qm.At = old.At
			}
			qm.EngineTotal += old.EngineTotal
			qm.Reachable += old.Reachable
		}
	}
	if qm.EngineTotal > 0 && qm.Truncated == "" {
		qm.Truncated = TruncatedEngineLimit
	}
	m.SetQuery(qm)
	return qm
}

// truncations returns the truncations of queryID the engine reports now.
func truncations(c source.Caps, queryID string) []source.Truncation {
	if c.Truncations == nil {
		return nil
	}
	return c.Truncations.Truncations(queryID)
}

// fresh returns the truncations in after that are not in before (by
// query text).
func fresh(before, after []source.Truncation) []source.Truncation {
	var out []source.Truncation
	for _, t := range after {
		if !slices.ContainsFunc(before, func(b source.Truncation) bool { return b.Query == t.Query }) {
			out = append(out, t)
		}
	}
	return out
}
