package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
)

// writerItems are importItems with host-rule cases (honeypot marks, many
// families at one address) and the first thousand items repeated at the
// end (a file holding some banners twice).
func writerItems(n int) []ingest.Item {
	items := append(importItems(n), honeypotItems()...)
	return append(items, items[:1000]...)
}

// TestWriterSameSnapshot stores the same items in batches through
// Store.Put and through a Writer committing every 3,000 items, into a
// snapshot that already holds services seen by Shodan and Censys (some
// of the new items merge into them): every service, observation, service
// group and host count is the same, and storing the items again through
// a Writer changes nothing.
func TestWriterSameSnapshot(t *testing.T) {
	ctx := context.Background()
	items := writerItems(9000)
	put, wr := openTemp(t), openTemp(t)
	before := benchItems(2000)
	for _, s := range []*Store{put, wr} {
		if _, err := s.Put(ctx, "2026Q4", before, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Items seen again by Censys at the addresses stored before.
	for i := 0; i < 300; i++ {
		o := censysObs(before[i*2].Obs.Addr.String(), 6443, t0.Add(48*time.Hour))
		items = append(items, item(o, k8sOpen, awsTag))
	}
	w := wr.Writer()
	w.CommitItems = 3000
	var pst, wst ingest.PutStats
	for i := 0; i < len(items); i += 1000 {
		batch := items[i:min(i+1000, len(items))]
		a, err := put.Put(ctx, "2026Q4", batch, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := w.Put(ctx, "2026Q4", batch, nil)
		if err != nil {
			t.Fatal(err)
		}
		pst, wst = addStats(pst, a), addStats(wst, b)
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if pst != wst || wst.MergedServices < 300 {
		t.Errorf("stats: Put %+v, Writer %+v (want the same, with at least 300 merges)", pst, wst)
	}
	sameSnapshot(t, put, wr)

	again := wr.Writer()
	for i := 0; i < len(items); i += 1000 {
		st, err := again.Put(ctx, "2026Q4", items[i:min(i+1000, len(items))], nil)
		if err != nil || st != (ingest.PutStats{}) {
			t.Fatalf("second import, batch %d: %+v, %v; want nothing stored", i/1000, st, err)
		}
	}
	if err := again.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, put, wr)
}

func addStats(a, b ingest.PutStats) ingest.PutStats {
	a.NewServices += b.NewServices
	a.MergedServices += b.MergedServices
	a.Observations += b.Observations
	a.Clamped += b.Clamped
	return a
}

// sameSnapshot compares snapshot 2026Q4 of a and b: services, observations
// (every field), service groups and per-product host counts.
func sameSnapshot(t *testing.T, a, b *Store) {
	t.Helper()
	if sa, sb := services(t, a, "2026Q4"), services(t, b, "2026Q4"); !reflect.DeepEqual(sa, sb) {
		t.Errorf("services differ: %d and %d", len(sa), len(sb))
		for i := range min(len(sa), len(sb)) {
			if !reflect.DeepEqual(sa[i], sb[i]) {
				t.Fatalf("first difference:\n%+v\n%+v", sa[i], sb[i])
			}
		}
	}
	if oa, ob := observationsOf(t, a, "2026Q4"), observationsOf(t, b, "2026Q4"); !reflect.DeepEqual(oa, ob) {
		t.Errorf("observations differ: %d and %d", len(oa), len(ob))
	}
	if ga, gb := storedGroups(t, a, "2026Q4"), storedGroups(t, b, "2026Q4"); !reflect.DeepEqual(ga, gb) {
		t.Errorf("service groups differ: %d and %d", len(ga), len(gb))
	}
	ha, err := a.ProductHosts(context.Background(), "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	hb, err := b.ProductHosts(context.Background(), "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ha, hb) {
		t.Errorf("product hosts differ: %v and %v", ha, hb)
	}
}

// TestWriterCommits checks when a Writer's Puts become visible to another
// connection: at CommitItems and at Commit, not before.
func TestWriterCommits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orchex.db")
	s := openTempAt(t, path)
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	items := importItems(3500)
	w := s.Writer()
	w.CommitItems = 2500
	for i, want := range []int{0, 0, 3000, 3000} {
		if _, err := w.Put(ctx, "2026Q4", items[i*1000:min((i+1)*1000, len(items))], nil); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, other, "observations"); got != want {
			t.Errorf("after Put %d: another connection sees %d observations, want %d", i+1, got, want)
		}
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, other, "observations"); got != 3500 {
		t.Errorf("after Commit: %d observations, want 3500", got)
	}
	if err := w.Commit(ctx); err != nil {
		t.Errorf("Commit with nothing open: %v", err)
	}
}

// TestWriterFailedPut checks that a Put failing inside the transaction
// undoes the uncommitted Puts with it, says so, and releases the write
// lock.
func TestWriterFailedPut(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	items := importItems(2000)
	w := s.Writer()
	if _, err := w.Put(ctx, "2026Q4", items[:1000], nil); err != nil {
		t.Fatal(err)
	}
	_, err := w.Put(ctx, "2025Q1", items[1000:], nil)
	if !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), "1000 items stored since the last commit were undone") {
		t.Fatalf("Put into a missing snapshot: %v; want ErrNoSnapshot saying what was undone", err)
	}
	if got := countRows(t, s, "observations"); got != 0 {
		t.Errorf("%d observations after the failed transaction, want 0", got)
	}
	// The lock is free: a Put of the Store and one of the Writer go on.
	if _, err := s.Put(ctx, "2026Q4", items[:10], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Put(ctx, "2026Q4", items[10:20], nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, s, "observations"); got != 20 {
		t.Errorf("%d observations, want 20", got)
	}
}
