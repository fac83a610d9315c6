package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCloudDisagreementsTyped checks that the count of cloud tag
// disagreements travels as a number: added by each import or collection,
// stored in the metadata JSON, and read back without parsing any text.
func TestCloudDisagreementsTyped(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.EnsureSnapshot(ctx, "2026Q4", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Meta{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{3, 0, -2, 4} { // two imports, a run with none, a bogus negative
		if err := s.UpdateMeta(ctx, "2026Q4", func(m *Meta) { m.AddDisagreements(n) }); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Meta.CloudDisagreements != 7 || len(snap.Meta.Notes) != 0 {
		t.Errorf("CloudDisagreements = %d, notes %q; want 7 and no note", snap.Meta.CloudDisagreements, snap.Meta.Notes)
	}
	var js string
	if err := s.db.QueryRowContext(ctx, `SELECT meta FROM snapshots WHERE label = '2026Q4'`).Scan(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js, `"cloud_disagreements":7`) {
		t.Errorf("stored metadata %s lacks the typed count", js)
	}
}

// TestCloudDisagreementsLegacyNote writes metadata in the form orchex
// used before the typed field (a note "cloud-disagreements: N" in the
// JSON and in the notes column) and checks that reading moves the count
// into the field, keeps the other notes, and that the next write stores
// the typed form only.
func TestCloudDisagreementsLegacyNote(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	legacy := `{"catalog_version":"2026.11.1","engines":[],"feeds":[],"queries":[],"inputs":[],` +
		`"notes":["imported from the 2025 archive","cloud-disagreements: 12","cloud-disagreements: soon"]}`
	_, err := s.db.ExecContext(ctx, `INSERT INTO snapshots (label, created, notes, catalog_version, meta) VALUES (?, ?, ?, ?, ?)`,
		"2025Q4", "2025-10-01T00:00:00.000000000Z", "imported from the 2025 archive\ncloud-disagreements: 12\ncloud-disagreements: soon", "2026.11.1", legacy)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(ctx, "2025Q4")
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := []string{"imported from the 2025 archive", "cloud-disagreements: soon"}
	if snap.Meta.CloudDisagreements != 12 || !slices.Equal(snap.Meta.Notes, wantNotes) {
		t.Errorf("read CloudDisagreements %d, notes %q; want 12 and %q", snap.Meta.CloudDisagreements, snap.Meta.Notes, wantNotes)
	}
	if err := s.UpdateMeta(ctx, "2025Q4", func(m *Meta) { m.AddDisagreements(1) }); err != nil {
		t.Fatal(err)
	}
	var js, notes string
	if err := s.db.QueryRowContext(ctx, `SELECT meta, notes FROM snapshots WHERE label = '2025Q4'`).Scan(&js, &notes); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js, "cloud-disagreements: 12") || strings.Contains(notes, "cloud-disagreements: 12") || !strings.Contains(js, `"cloud_disagreements":13`) {
		t.Errorf("after a write: meta %s, notes %q; want the typed count 13 and no legacy note", js, notes)
	}
}

// TestNarrowingsTyped checks that a narrowed collection is recorded in
// the snapshot's metadata once per scope and read back, and that a
// census's metadata JSON has no narrowings key at all.
func TestNarrowingsTyped(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for _, label := range []string{"census", "acme"} {
		if _, err := s.EnsureSnapshot(ctx, label, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	n := NarrowingMeta{Scope: "acme", ScopesFile: "scopes.yaml", CIDRs: 2, ASNs: 1, Digest: "3f2a9c01d4e5"}
	for range 2 { // two runs of the same collection
		if err := s.UpdateMeta(ctx, "acme", func(m *Meta) { m.AddNarrowing(n) }); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.Snapshot(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(snap.Meta.Narrowings, []NarrowingMeta{n}) {
		t.Errorf("narrowings %+v", snap.Meta.Narrowings)
	}
	if got := n.String(); got != "scope acme of scopes.yaml (2 networks, 1 ASN; digest 3f2a9c01)" {
		t.Errorf("String() = %q", got)
	}
	var js string
	if err := s.db.QueryRowContext(ctx, `SELECT meta FROM snapshots WHERE label = 'census'`).Scan(&js); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js, "narrowing") {
		t.Errorf("a census's metadata mentions narrowings: %s", js)
	}
}
