package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
)

// TestIncompleteMarks: a run that stopped marks the snapshot with its
// reasons; marking the same run again replaces its mark; a later
// complete run of it clears the mark and leaves the others; the marks
// survive a reopen and sort by run.
func TestIncompleteMarks(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if sn, _ := s.Snapshot(ctx, "2026Q4"); !sn.Meta.Complete() {
		t.Fatal("a new snapshot is incomplete")
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	marks := []Incomplete{
		{Run: "import of k8s.json.gz", Reasons: []string{"k8s.json.gz:5121: the gzip stream is truncated; 5120 records were read before the break and kept"}, At: at},
		{Run: "collection", Reasons: []string{"query etcd/shodan/1 did not run: --max-credits 10 reached"}, At: at},
		{Run: "collection", Reasons: []string{"interrupted by SIGINT: queries docker-engine/shodan/1, etcd/shodan/1 did not run"}, At: at},
	}
	for _, m := range marks {
		if err := s.MarkIncomplete(ctx, "2026Q4", m); err != nil {
			t.Fatal(err)
		}
	}
	sn, err := s.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	want := []Incomplete{
		{Run: "collection", Reasons: marks[2].Reasons, At: at.UTC()},
		{Run: "import of k8s.json.gz", Reasons: marks[0].Reasons, At: at.UTC()},
	}
	if sn.Meta.Complete() || !reflect.DeepEqual(sn.Meta.Incomplete, want) {
		t.Fatalf("marks %+v, want %+v", sn.Meta.Incomplete, want)
	}
	if got := sn.Meta.IncompleteReasons(); len(got) != 2 || got[0] != "collection: "+marks[2].Reasons[0] {
		t.Errorf("reasons %q", got)
	}
	if err := s.ClearIncomplete(ctx, "2026Q4", "collection"); err != nil {
		t.Fatal(err)
	}
	sn, _ = s.Snapshot(ctx, "2026Q4")
	if len(sn.Meta.Incomplete) != 1 || sn.Meta.Incomplete[0].Run != "import of k8s.json.gz" {
		t.Errorf("after clearing the collection: %+v", sn.Meta.Incomplete)
	}
	if err := s.ClearIncomplete(ctx, "2026Q4", "import of k8s.json.gz"); err != nil {
		t.Fatal(err)
	}
	if sn, _ = s.Snapshot(ctx, "2026Q4"); !sn.Meta.Complete() || sn.Meta.Incomplete != nil {
		t.Errorf("after clearing both: %+v", sn.Meta.Incomplete)
	}
	if err := s.MarkIncomplete(ctx, "2026Q4", Incomplete{}); err == nil {
		t.Error("a mark without a run was accepted")
	}
	if err := s.MarkIncomplete(ctx, "nope", marks[0]); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("marking a missing snapshot: %v", err)
	}
}

// TestRemoveIfEmpty: a snapshot that holds nothing is removed, one that
// holds a service (or only an import record) is kept.
func TestRemoveIfEmpty(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if removed, err := s.RemoveIfEmpty(ctx, "2026Q4"); err != nil || !removed {
		t.Fatalf("empty snapshot: removed %v, %v", removed, err)
	}
	if _, err := s.Snapshot(ctx, "2026Q4"); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("the empty snapshot is still there: %v", err)
	}
	if removed, err := s.RemoveIfEmpty(ctx, "2026Q4"); err != nil || removed {
		t.Errorf("missing snapshot: removed %v, %v", removed, err)
	}
	s.EnsureSnapshot(ctx, "2026Q4", t0, Meta{})
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{item(shodanObs("52.1.2.3", 6443, t0), k8sOpen, awsTag)}, nil); err != nil {
		t.Fatal(err)
	}
	if removed, err := s.RemoveIfEmpty(ctx, "2026Q4"); err != nil || removed {
		t.Errorf("snapshot with a service: removed %v, %v", removed, err)
	}
	s.EnsureSnapshot(ctx, "2027Q1", t0, Meta{})
	if _, err := s.RecordImport(ctx, "2027Q1", Import{File: "empty.json", SHA256: "e3b0", Engine: "shodan", At: t0}); err != nil {
		t.Fatal(err)
	}
	if removed, err := s.RemoveIfEmpty(ctx, "2027Q1"); err != nil || removed {
		t.Errorf("snapshot with an import record: removed %v, %v", removed, err)
	}
}

// TestFeedPrefixes: a feed's prefix count and token are kept, and a feed
// recorded again by a newer orchex (with its count) replaces the entry
// without one.
func TestFeedPrefixes(t *testing.T) {
	var m Meta
	m.AddFeed(FeedMeta{Provider: "aws", Date: "2026-11-15"})
	m.AddFeed(FeedMeta{Provider: "aws", Date: "2026-11-15", Prefixes: 9211})
	m.AddFeed(FeedMeta{Provider: "azure", Token: "348", Prefixes: 120})
	want := []FeedMeta{{Provider: "aws", Date: "2026-11-15", Prefixes: 9211}, {Provider: "azure", Token: "348", Prefixes: 120}}
	if !reflect.DeepEqual(m.Feeds, want) {
		t.Errorf("feeds %+v, want %+v", m.Feeds, want)
	}
}
