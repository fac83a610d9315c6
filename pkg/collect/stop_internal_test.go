package collect

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/store"
)

// TestStopsEngineOnGuardErrors: an engine whose URL redirects off its
// origin, or is plain HTTP to another host, would refuse every query the
// same way: the engine stops after the first (issue 16).
func TestStopsEngineOnGuardErrors(t *testing.T) {
	for _, sentinel := range []error{source.ErrRedirect, source.ErrInsecure} {
		err := fmt.Errorf("shodan: query q page 1: %w", &source.HTTPError{Engine: "shodan", Op: "search", Err: sentinel})
		if _, stops := stopsEngine(err); !stops {
			t.Errorf("%v does not stop the engine", err)
		}
	}
	if _, stops := stopsEngine(fmt.Errorf("x: %w", source.ErrBadQuery)); stops {
		t.Error("a rejected query stops the engine")
	}
}

// TestMarkQueryBudgetBeforeFirstPage: a query the budget stopped before
// its first page is marked so, not "after 0 pages (0 of the engine's 0
// results fetched)", which reads as an empty query.
func TestMarkQueryBudgetBeforeFirstPage(t *testing.T) {
	var m store.Meta
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	markQuery(context.Background(), &m, "shodan", source.Query{ID: "k8s/shodan/1"}, source.Result{Stopped: source.StopMaxCredits}, nil, at)
	markQuery(context.Background(), &m, "shodan", source.Query{ID: "k8s/shodan/2"}, source.Result{Stopped: source.StopMaxCredits, Pages: 2, Results: 200, Total: 250}, nil, at)
	want := []string{
		"query k8s/shodan/1 (shodan): stopped at the credit budget before its first page",
		"query k8s/shodan/2 (shodan): stopped at the credit budget after 2 pages (200 of the engine's 250 results fetched)",
	}
	if got := m.IncompleteReasons(); !reflect.DeepEqual(got, want) {
		t.Errorf("reasons %q, want %q", got, want)
	}
}
