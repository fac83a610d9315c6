package assemble_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/store"
)

// TestResolveAndSnapshots: the newest snapshot when none is named, a
// suggestion for a mistyped label, ErrNoSnapshots for an empty store;
// the list and the detail of the snapshots, as JSON and as text.
func TestResolveAndSnapshots(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := assemble.Resolve(ctx, st, ""); !errors.Is(err, assemble.ErrNoSnapshots) {
		t.Errorf("empty store: %v", err)
	}
	for i, label := range []string{"2026Q3", "2026Q4"} {
		m := store.Meta{CatalogVersion: "7", Engines: []store.EngineMeta{{Name: "shodan", API: "rest"}}, Inputs: []string{"a.json", "b.json"}}
		if _, err := st.EnsureSnapshot(ctx, label, time.Date(2026, time.Month(7+3*i), 1, 0, 0, 0, 0, time.UTC), m); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := assemble.Resolve(ctx, st, ""); err != nil || got != "2026Q4" {
		t.Errorf("newest: %q %v", got, err)
	}
	if _, err := assemble.Resolve(ctx, st, "2026q3"); !errors.Is(err, store.ErrNoSnapshot) || !strings.Contains(err.Error(), "did you mean 2026Q3?") {
		t.Errorf("mistyped: %v", err)
	}
	if _, err := assemble.Resolve(ctx, st, "zzz"); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("unrelated label: %v", err)
	}
	// A trend's range suggests too, for either end.
	var rerr *assemble.RangeError
	for _, r := range [][2]string{{"2026q3", ""}, {"", "2026q3"}} {
		_, err := assemble.Trend(ctx, st, nil, r[0], r[1], assemble.Options{})
		if !errors.As(err, &rerr) || !errors.Is(err, store.ErrNoSnapshot) || !strings.Contains(err.Error(), "did you mean 2026Q3?") {
			t.Errorf("trend %q..%q: %v", r[0], r[1], err)
		}
	}
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list := assemble.SnapshotList(snaps)
	if len(list) != 2 || list[0].Created != "2026-07-01T00:00:00Z" || list[1].Engines[0].API != "rest" {
		t.Errorf("list %+v", list)
	}
	tb := assemble.SnapshotTable(snaps)
	if len(tb.Rows) != 2 || tb.Rows[1][6] != "shodan (rest)" || tb.Rows[0][5] != "7" {
		t.Errorf("table %q", tb.Rows)
	}
	d, err := assemble.Snapshot(ctx, st, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	if !strings.Contains(string(b), `"by_engine":[]`) || !strings.Contains(string(b), `"imports":[]`) || !strings.Contains(string(b), `"feeds":[]`) {
		t.Errorf("detail JSON: %s", b)
	}
	doc := d.Document()
	kv := doc.Intro[0].Table
	if kv.Rows[0][1] != "2026Q4" || kv.Rows[len(kv.Rows)-2][0] != "Inputs" || kv.Rows[len(kv.Rows)-1][0] != "" || len(doc.Sections) != 0 {
		t.Errorf("detail text %q, %d sections", kv.Rows, len(doc.Sections))
	}
}
