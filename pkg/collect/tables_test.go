package collect

import (
	"errors"
	"reflect"
	"testing"

	"github.com/orchex/orchex/pkg/source"
)

// TestTables: a run's summary has a row per query and a total per
// engine; statistics have a total row per query, a row per facet value,
// "(none)" for an empty facet and an "error" row for a failed query.
func TestTables(t *testing.T) {
	sum := Summary{Engines: []EngineRun{{Name: "shodan", Results: []source.Result{
		{QueryID: "a", Total: 10, Pages: 1, Results: 10, NewServices: 8, Credits: 1},
		{QueryID: "b", Total: 5, Pages: 1, Resumed: 1, Results: 5, MergedServices: 5, Stopped: source.StopMaxPages},
	}}}}
	tb := sum.Table()
	want := [][]string{
		{"shodan", "a", "10", "1", "0", "10", "8", "0", "1", ""},
		{"shodan", "b", "5", "1", "1", "5", "0", "5", "0", string(source.StopMaxPages)},
		{"shodan", "total", "15", "2", "1", "15", "8", "5", "1", ""},
	}
	if !reflect.DeepEqual(tb.Rows, want) || !tb.IsTotal(2) || len(tb.Columns) != 10 {
		t.Errorf("summary rows %q", tb.Rows)
	}
	st := StatsTable([]StatsRow{
		{Engine: "shodan", QueryID: "k8s", Total: 9, Facets: []StatsFacet{{Name: "country", Buckets: []StatsBucket{{"DE", 4}, {"US", 3}}, Other: 2}, {Name: "org"}}},
		{Engine: "censys", QueryID: "k8s-c", Error: "429 rate limited"},
	})
	want = [][]string{
		{"shodan", "k8s", "total", "", "9"},
		{"shodan", "k8s", "country", "DE", "4"},
		{"shodan", "k8s", "country", "US", "3"},
		{"shodan", "k8s", "country", "(other values)", "2"},
		{"shodan", "k8s", "org", "(none)", "0"},
		{"censys", "k8s-c", "error", "429 rate limited", ""},
	}
	if !reflect.DeepEqual(st.Rows, want) {
		t.Errorf("stats rows %q", st.Rows)
	}
	plan := Plan{Engines: []EnginePlan{{Name: "shodan", Total: 30, Pages: 1, Credits: 1,
		Queries: []QueryPlan{{Query: source.Query{ID: "a"}, Total: 30, Pages: 1, Credits: 1}, {Query: source.Query{ID: "b"}, Err: errors.New("x")}},
		Full:    &EnginePlan{Total: 90, Pages: 3, Credits: 3}}}}
	want = [][]string{{"shodan", "a", "30", "1", "1"}, {"shodan", "b", "error", "", ""}, {"shodan", "total", "30", "1", "1"}, {"shodan", "all", "90", "3", "3"}}
	if pt := plan.Table("all"); !reflect.DeepEqual(pt.Rows, want) {
		t.Errorf("plan rows %q", pt.Rows)
	}
}
