package store

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
)

func observations(t testing.TB, s *Store, label string) []Observation {
	t.Helper()
	var out []Observation
	if err := s.Observations(context.Background(), label, func(o *Observation) error {
		out = append(out, *o)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPrepareSameSnapshot stores the same items once as they are and once
// after Prepare (fingerprint computed early, observation slimmed), and
// checks that the snapshots are identical: services, observations with
// their fingerprints, groups and stats; then that prepared items stored
// again change nothing, and that Prepare keeps what Put stores.
func TestPrepareSameSnapshot(t *testing.T) {
	ctx := context.Background()
	var items []ingest.Item
	for i := range 40 {
		a := netip.AddrFrom4([4]byte{52, 3, 0, byte(i % 25)})
		o := shodanObs(a.String(), 6443, t0.Add(time.Duration(i)*time.Minute))
		c := k8sForbidden
		if i%3 == 0 {
			o = censysObs(a.String(), 6443, t0.Add(time.Duration(i)*time.Hour))
			c = k8sOpen
		}
		items = append(items, item(o, c, awsTag))
	}
	plain, prepared := openTemp(t), openTemp(t)
	var slim []ingest.Item
	for _, it := range items {
		plain.Prepare(&it)
		if it.Fingerprint == ([16]byte{}) {
			t.Fatal("Prepare left the fingerprint zero")
		}
		if it.Obs.HTTP != nil || it.Obs.TLS != nil || it.Obs.Banner != "" || it.Obs.Org != "" {
			t.Fatalf("Prepare kept bulky fields: %+v", it.Obs)
		}
		if !it.Obs.Addr.IsValid() || it.Obs.Port == 0 || it.Obs.Engine == "" || it.Obs.SeenAt.IsZero() {
			t.Fatalf("Prepare dropped what Put stores: %+v", it.Obs)
		}
		slim = append(slim, it)
	}
	st1, err := plain.Put(ctx, "2026Q4", items, nil)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := prepared.Put(ctx, "2026Q4", slim, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st1 != st2 || st1.Observations != 40 || st1.MergedServices == 0 {
		t.Errorf("stats %+v (plain) vs %+v (prepared)", st1, st2)
	}
	if a, b := services(t, plain, "2026Q4"), services(t, prepared, "2026Q4"); !reflect.DeepEqual(a, b) {
		t.Errorf("services differ:\n%+v\n%+v", a, b)
	}
	if a, b := observations(t, plain, "2026Q4"), observations(t, prepared, "2026Q4"); !reflect.DeepEqual(a, b) || len(a) != 40 {
		t.Errorf("observations differ (%d vs %d)", len(a), len(b))
	}
	if a, b := storedGroups(t, plain, "2026Q4"), storedGroups(t, prepared, "2026Q4"); !reflect.DeepEqual(a, b) {
		t.Errorf("groups differ")
	}
	// The unprepared items are the same observations: nothing new.
	if st, err := prepared.Put(ctx, "2026Q4", items, nil); err != nil || st != (ingest.PutStats{}) {
		t.Errorf("plain items after prepared ones: %+v, %v; want no change", st, err)
	}
}

func TestFormatTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	times := []time.Time{t0, time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 3, 29, 2, 30, 0, 0, time.FixedZone("CEST", 7200)), time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(1<<36)-(1<<35), r.Int64N(1e9)))
	}
	for _, tm := range times {
		if got, want := formatTime(tm), tm.UTC().Format(timeFormat); got != want {
			t.Fatalf("formatTime(%v) = %q, want %q", tm, got, want)
		}
	}
}
