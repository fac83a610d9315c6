package collect

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
)

// TestEventText: each notice says in one line what happened and names no
// flag (what to do is the command line's to add).
func TestEventText(t *testing.T) {
	for _, tc := range []struct {
		e    interface{ String() string }
		want string
	}{
		{Retry{Engine: "shodan", Attempt: 2, Wait: 1500 * time.Millisecond, Err: errors.New("503")}, "shodan: retry 2 in 1.5s: 503"},
		{NoCredits{Engine: "censys"}, "censys: no query credits left: only free pages can be fetched"},
		{QueryDone{Result: source.Result{Engine: "shodan", QueryID: "k8s/1", Pages: 3}, Err: errors.New("x")}, "shodan k8s/1: failed after 3 pages"},
		{FacetSkipped{Engine: "censys", Facet: "asn", Known: []string{"country", "org"}}, "censys: facet asn is not available (known: country, org); skipped"},
		{EngineStopped{Engine: "shodan", Reason: StoppedGaveUp, Attempts: 5}, "shodan: stopped after a query failed 5 times"},
		{EngineStopped{Engine: "shodan", Reason: StoppedQuota}, "shodan: no credits left; what was fetched is stored"},
		{SnapshotRemoved{Snapshot: "2026Q4"}, "nothing was stored: snapshot 2026Q4"},
	} {
		got := tc.e.String()
		if !strings.HasPrefix(got, tc.want) || strings.Contains(got, "--") || strings.Contains(got, "\n") {
			t.Errorf("%T: %q, want it to start %q and name no flag", tc.e, got, tc.want)
		}
	}
}
