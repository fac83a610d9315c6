package store

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
)

// chunkItems returns n distinct Shodan items on 10.2.x.y port 6443, the
// i-th seen at t0 + i minutes.
func chunkItems(n int) []ingest.Item { return chunkItemsOn(2, n) }

// chunkItemsOn is chunkItems on 10.net.x.y.
func chunkItemsOn(net byte, n int) []ingest.Item {
	items := make([]ingest.Item, n)
	for i := range items {
		a := netip.AddrFrom4([4]byte{10, net, byte(i >> 8), byte(i)})
		items[i] = item(shodanObs(a.String(), 6443, t0.Add(time.Duration(i)*time.Minute)), k8sForbidden, awsTag)
	}
	return items
}

// TestPutResumedImport stores a file's items in two runs, the second of
// which repeats the first run's items among new ones (an interrupted
// import run again): every multi-row statement then holds stored and new
// rows, and some new observations are second sightings of services the
// first run stored. The result must equal storing everything at once.
func TestPutResumedImport(t *testing.T) {
	ctx := context.Background()
	all := chunkItems(3*chunkRows + 7)
	// Every fifth item is seen again an hour later by Censys.
	for i := 0; i < 3*chunkRows+7; i += 5 {
		o := censysObs(all[i].Obs.Addr.String(), 6443, t0.Add(time.Hour))
		all = append(all, item(o, k8sOpen, awsTag))
	}
	var first, second []ingest.Item
	for i, it := range all {
		if i%3 == 0 {
			first = append(first, it)
		}
		second = append(second, it) // the whole file again, in file order
	}

	once := openTemp(t)
	want, err := once.Put(ctx, "2026Q4", all, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want.Observations != len(all) || want.NewServices != 3*chunkRows+7 {
		t.Fatalf("one Put: %+v", want)
	}

	s := openTemp(t)
	st1, err := s.Put(ctx, "2026Q4", first, nil)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := s.Put(ctx, "2026Q4", second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := st1.Observations + st2.Observations; got != len(all) || st2.Observations != len(all)-len(first) {
		t.Errorf("observations stored %d + %d, want %d in all", st1.Observations, st2.Observations, len(all))
	}
	if got := st1.NewServices + st2.NewServices; got != want.NewServices {
		t.Errorf("new services %d + %d, want %d", st1.NewServices, st2.NewServices, want.NewServices)
	}
	if got := st1.MergedServices + st2.MergedServices; got != want.MergedServices {
		t.Errorf("merged services %d + %d, want %d", st1.MergedServices, st2.MergedServices, want.MergedServices)
	}
	if got, exp := services(t, s, "2026Q4"), services(t, once, "2026Q4"); !reflect.DeepEqual(got, exp) {
		t.Errorf("services after two runs differ from one run")
	}
	if got, exp := observationsOf(t, s, "2026Q4"), observationsOf(t, once, "2026Q4"); !reflect.DeepEqual(got, exp) {
		t.Errorf("observations after two runs differ from one run")
	}
	checkGroups(t, s, "2026Q4")
	if st, err := s.Put(ctx, "2026Q4", all, nil); err != nil || st != (ingest.PutStats{}) {
		t.Errorf("third run: %+v, %v; want zero stats", st, err)
	}
}

// TestPutDuplicatesInOnePut: the same observation twice in one Put is
// stored once; the second copy changes nothing.
func TestPutDuplicatesInOnePut(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	items := chunkItems(chunkRows + 1)
	items = append(items, items[3], items[chunkRows])
	st, err := s.Put(ctx, "2026Q4", items, nil)
	if want := (ingest.PutStats{NewServices: chunkRows + 1, Observations: chunkRows + 1}); err != nil || st != want {
		t.Fatalf("Put: %+v, %v; want %+v", st, err, want)
	}
	if n := countRows(t, s, "observations"); n != chunkRows+1 {
		t.Errorf("%d observations stored, want %d", n, chunkRows+1)
	}
	checkGroups(t, s, "2026Q4")
}

// TestPutErrorNamesItem: a row the schema refuses in the middle of a full
// multi-row statement is named in the error, and nothing is stored.
func TestPutErrorNamesItem(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		spoil func(*ingest.Item)
		want  string
	}{
		{"service", func(it *ingest.Item) { it.Service.Confidence = "certain" }, "add service 10.2.0.40 port 6443/tcp"},
		{"observation", func(it *ingest.Item) { it.Class.Confidence = "certain" }, "item 40 (shodan 10.2.0.40 port 6443)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			items := chunkItems(2 * chunkRows)
			tc.spoil(&items[40])
			_, err := s.Put(ctx, "2026Q4", items, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "CHECK constraint failed") {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
			for _, table := range []string{"services", "observations", "service_groups"} {
				if n := countRows(t, s, table); n != 0 {
					t.Errorf("%s has %d rows after a failed Put", table, n)
				}
			}
		})
	}
}

// TestPutRestoresConnection: Put runs its transaction with temporary
// storage in memory; after a Put, failed or not, the connection it used
// is back to the DSN's settings (foreign keys on, temporary files).
func TestPutRestoresConnection(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	s.db.SetMaxOpenConns(1) // the Put's connection is the one checked
	check := func(when string) {
		t.Helper()
		var fk, temp int
		if err := s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
			t.Fatal(err)
		}
		if fk != 1 || temp != 0 {
			t.Errorf("%s: foreign_keys %d, temp_store %d; want 1, 0", when, fk, temp)
		}
	}
	if _, err := s.Put(ctx, "2026Q4", chunkItems(100), nil); err != nil {
		t.Fatal(err)
	}
	check("after a Put")
	bad := chunkItemsOn(3, 3)
	bad[1].Service.Auth = "maybe"
	if _, err := s.Put(ctx, "2026Q4", bad, nil); err == nil {
		t.Fatal("a refused service was stored")
	}
	check("after a failed Put")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Put(cctx, "2026Q4", chunkItemsOn(4, 5), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	check("after a canceled Put")
	// Foreign keys are enforced again: a snapshot cannot be removed
	// from under its services by hand.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM snapshots`); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "services"); n != 0 {
		t.Errorf("%d services left after their snapshot was deleted (ON DELETE CASCADE)", n)
	}
}

// TestMultiRowSQL checks the statement text the chunks use.
func TestMultiRowSQL(t *testing.T) {
	if got := multiRowSQL("INSERT INTO t VALUES ", "(?1, ?)", " ON CONFLICT DO NOTHING", 3); got != "INSERT INTO t VALUES (?1, ?), (?1, ?), (?1, ?) ON CONFLICT DO NOTHING" {
		t.Errorf("multiRowSQL = %q", got)
	}
	if got, want := strings.Count(insertServiceRow, "?"), 1+serviceColCount; got != want {
		t.Errorf("insertServiceRow has %d parameters, want %d", got, want)
	}
	if got, want := strings.Count(insertObsRow, "?"), obsCols; got != want {
		t.Errorf("insertObsRow has %d parameters, want %d", got, want)
	}
	if got, want := len(strings.Split(serviceCols, ",")), serviceColCount; got != want {
		t.Errorf("serviceCols has %d columns, serviceColCount says %d", got, want)
	}
}
