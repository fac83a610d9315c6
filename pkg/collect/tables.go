package collect

import (
	"fmt"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/source"
)

// Table is the run as a table of figures: one row per query (its total,
// pages fetched, pages found stored, results, new and merged services,
// credits, why it stopped) and a total row per engine.
func (s Summary) Table() *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "engine"}, {Title: "query"}}}
	for _, c := range []string{"total", "pages", "stored", "results", "new", "merged", "credits"} {
		t.Columns = append(t.Columns, report.Column{Title: c, Figure: true})
	}
	t.Columns = append(t.Columns, report.Column{Title: "status"})
	row := func(engine, query string, r source.Result, status string) []string {
		return []string{engine, query, fmt.Sprint(r.Total), fmt.Sprint(r.Pages), fmt.Sprint(r.Resumed), fmt.Sprint(r.Results),
			fmt.Sprint(r.NewServices), fmt.Sprint(r.MergedServices), fmt.Sprint(r.Credits), status}
	}
	for _, r := range s.Engines {
		for _, res := range r.Results {
			t.Add(row(string(r.Name), res.QueryID, res, string(res.Stopped))...)
		}
		t.AddTotal(row(string(r.Name), "total", r.Total(), "")...)
	}
	return t
}

// StatsTable is the statistics as a table, one row per facet value
// (engine, query, facet, value, count), each query's total first; a facet
// without values has a "(none)" row, a failed query an "error" row.
func StatsTable(rows []StatsRow) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "engine"}, {Title: "query"}, {Title: "facet"}, {Title: "value"}, {Title: "count", Figure: true}}}
	for _, r := range rows {
		if r.Error != "" {
			t.Add(r.Engine, r.QueryID, "error", r.Error, "")
			continue
		}
		t.Add(r.Engine, r.QueryID, "total", "", fmt.Sprint(r.Total))
		for _, f := range r.Facets {
			if len(f.Buckets) == 0 {
				t.Add(r.Engine, r.QueryID, f.Name, "(none)", "0")
			}
			for _, b := range f.Buckets {
				t.Add(r.Engine, r.QueryID, f.Name, b.Value, fmt.Sprint(b.Count))
			}
			if f.Other > 0 {
				t.Add(r.Engine, r.QueryID, f.Name, "(other values)", fmt.Sprint(f.Other))
			}
		}
	}
	return t
}

// Table is the plan as a table of figures: one row per query (its total,
// pages and credits; "error" for a count that failed), a total row per
// engine and, for a narrowed plan, the engine's totals without the
// narrowing in a row named full.
func (p Plan) Table(full string) *report.Table {
	t := &report.Table{Columns: []report.Column{{Title: "engine"}, {Title: "query"}, {Title: "total", Figure: true},
		{Title: "pages", Figure: true}, {Title: "credits", Figure: true}}}
	for _, ep := range p.Engines {
		name := string(ep.Name)
		for _, q := range ep.Queries {
			if q.Err != nil {
				t.Add(name, q.Query.ID, "error", "", "")
				continue
			}
			t.Add(name, q.Query.ID, fmt.Sprint(q.Total), fmt.Sprint(q.Pages), fmt.Sprint(q.Credits))
		}
		t.AddTotal(name, "total", fmt.Sprint(ep.Total), fmt.Sprint(ep.Pages), fmt.Sprint(ep.Credits))
		if f := ep.Full; f != nil {
			t.AddTotal(name, full, fmt.Sprint(f.Total), fmt.Sprint(f.Pages), fmt.Sprint(f.Credits))
		}
	}
	return t
}
