package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

// groupsOf computes the service groups of a snapshot from its services,
// the slow way, sorted as Store.Groups sorts them.
func groupsOf(t testing.TB, s *Store, label string) []model.ServiceGroup {
	t.Helper()
	idx := map[groupKey]int{}
	var out []model.ServiceGroup
	var keys []groupKey
	for _, sv := range services(t, s, label) {
		k := serviceGroupKey(&sv)
		i, ok := idx[k]
		if !ok {
			g := sv.Group()
			g.Services = 0
			idx[k], i = len(out), len(out)
			out = append(out, g)
			keys = append(keys, k)
		}
		g := &out[i]
		g.Services++
		g.FirstSeen = normalize.Earliest(g.FirstSeen, sv.FirstSeen)
		g.LastSeen = normalize.Latest(g.LastSeen, sv.LastSeen)
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareGroupKey(keys[a], keys[b]) })
	sorted := make([]model.ServiceGroup, 0, len(out))
	for _, i := range order {
		sorted = append(sorted, out[i])
	}
	return sorted
}

func storedGroups(t testing.TB, s *Store, label string) []model.ServiceGroup {
	t.Helper()
	var out []model.ServiceGroup
	if err := s.Groups(context.Background(), label, func(g *model.ServiceGroup) error {
		out = append(out, *g)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// productHostsOf counts distinct addresses per product from the services.
func productHostsOf(t testing.TB, s *Store, label string) map[string]int {
	seen := map[string]map[netip.Addr]bool{}
	for _, sv := range services(t, s, label) {
		if seen[sv.Product] == nil {
			seen[sv.Product] = map[netip.Addr]bool{}
		}
		seen[sv.Product][sv.Addr] = true
	}
	out := map[string]int{}
	for p, m := range seen {
		out[p] = len(m)
	}
	return out
}

// checkGroups fails unless the stored groups and host counts equal those
// computed from the services.
func checkGroups(t *testing.T, s *Store, label string) {
	t.Helper()
	want, got := groupsOf(t, s, label), storedGroups(t, s, label)
	// Stored first/last times are bounds that only widen; with the
	// merges of Put they stay exact for the snapshot as a whole, which
	// is what a report shows. Compare counts per group exactly and the
	// snapshot's bounds.
	strip := func(gs []model.ServiceGroup) (out []model.ServiceGroup, first, last time.Time) {
		for _, g := range gs {
			first, last = normalize.Earliest(first, g.FirstSeen), normalize.Latest(last, g.LastSeen)
			g.FirstSeen, g.LastSeen = time.Time{}, time.Time{}
			out = append(out, g)
		}
		return out, first, last
	}
	w, wf, wl := strip(want)
	g, gf, gl := strip(got)
	if !reflect.DeepEqual(w, g) {
		t.Fatalf("stored groups differ from the services':\n got %+v\nwant %+v", g, w)
	}
	if !wf.Equal(gf) || !wl.Equal(gl) {
		t.Errorf("snapshot seen from %v to %v by groups, %v to %v by services", gf, gl, wf, wl)
	}
	hosts, err := s.ProductHosts(context.Background(), label)
	if err != nil {
		t.Fatal(err)
	}
	if want := productHostsOf(t, s, label); !reflect.DeepEqual(hosts, want) {
		t.Errorf("ProductHosts = %v, want %v", hosts, want)
	}
	sn, err := s.Snapshot(context.Background(), label)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, x := range got {
		sum += x.Services
	}
	if sum != sn.Services || sum != len(services(t, s, label)) {
		t.Errorf("groups sum to %d services; snapshot says %d", sum, sn.Services)
	}
}

// TestGroupsMatchServices puts random items, with merges that move
// services between groups (auth, version, engines, cloud and country
// change) and between products (a later or more definite verdict of
// another product wins, normalize.Merge), addresses with several
// services and products (a few hot addresses, several ports), Puts of
// more than chunkRows services and addresses (one address's services
// then span statements), repeated items and several snapshots, and
// checks after every Put that service_groups and product_hosts equal
// what the services say.
func TestGroupsMatchServices(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.EnsureSnapshot(ctx, "2027Q1", t0, Meta{}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	classes := []model.Classification{k8sForbidden, k8sOpen,
		{Product: "portainer", Auth: model.AuthUnknown, Confidence: model.Low, Version: "2.19.4"},
		{Product: "kubernetes-dashboard", Auth: model.AuthOpen, Confidence: model.High},
		{Product: "docker-api", Auth: model.AuthRequired, AuthEvidence: "401", Confidence: model.Low},
		{Auth: model.AuthUnknown, Confidence: model.Low}} // no product: counted like any other
	tags := []model.CloudTag{awsTag, {}, {Provider: "gcp", Region: "us-east1", Source: "ranges:gcp@2026-09-30"},
		{Provider: "aws", Source: "asn:16509"}}
	var (
		all       []ingest.Item
		moves     int // services whose product a merge changed
		lost      int // (address, product) pairs a Put took away
		multiProd int // addresses with services of several products, seen after a Put
	)
	for round := 0; round < 60; round++ {
		var items []ingest.Item
		n := 1 + r.IntN(30)
		if round%5 == 4 {
			n = 150 + r.IntN(150) // more services and addresses than chunkRows
		}
		for range n {
			if len(all) > 0 && r.IntN(6) == 0 {
				items = append(items, all[r.IntN(len(all))]) // stored before: no change
				continue
			}
			a := netip.AddrFrom4([4]byte{52, 1, byte(r.IntN(8)), byte(r.IntN(20))})
			if r.IntN(2) == 0 {
				a = netip.AddrFrom4([4]byte{52, 1, 0, byte(r.IntN(6))}) // hot addresses
			}
			port := []uint16{443, 2375, 6443, 9000}[r.IntN(4)]
			seen := t0.Add(time.Duration(r.IntN(1000)) * time.Hour)
			o := shodanObs(a.String(), port, seen)
			if r.IntN(2) == 0 {
				o = censysObs(a.String(), port, seen)
			}
			o.Country = []string{"IE", "US", ""}[r.IntN(3)]
			o.RecordID = fmt.Sprint(round, len(items))
			if r.IntN(5) == 0 {
				o.SeenAt = time.Time{}
			}
			it := item(o, classes[r.IntN(len(classes))], tags[r.IntN(len(tags))])
			items = append(items, it)
			all = append(all, it)
		}
		label := []string{"2026Q4", "2027Q1"}[round%2]
		before := productsByKey(t, s, label)
		if _, err := s.Put(ctx, label, items, nil); err != nil {
			t.Fatal(err)
		}
		after := productsByKey(t, s, label)
		for k, p := range before {
			if after[k] != p {
				moves++
			}
		}
		lost += lostProducts(before, after)
		multiProd += multiProductAddrs(after)
		checkGroups(t, s, label)
	}
	if n := len(storedGroups(t, s, "2026Q4")); n < 10 {
		t.Fatalf("only %d groups: the test does not exercise moves between groups", n)
	}
	if moves < 20 || lost < 10 || multiProd < 20 {
		t.Fatalf("%d product changes, %d addresses losing a product, %d addresses with several products: the test does not exercise product_hosts", moves, lost, multiProd)
	}
	t.Logf("%d product changes by merges, %d (address, product) pairs lost", moves, lost)
	if err := s.Remove(ctx, "2027Q1"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"service_groups", "product_hosts"} {
		var left int
		if err := s.db.QueryRow(`SELECT count(*) FROM ` + table + ` WHERE snapshot_id NOT IN (SELECT id FROM snapshots)`).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d %s rows of a removed snapshot left (%v)", left, table, err)
		}
	}
	checkGroups(t, s, "2026Q4")
}

// productsByKey returns the product of every service of a snapshot.
func productsByKey(t *testing.T, s *Store, label string) map[model.Key]string {
	t.Helper()
	out := map[model.Key]string{}
	for _, sv := range services(t, s, label) {
		out[sv.Key] = sv.Product
	}
	return out
}

// lostProducts counts the (address, product) pairs of before that after
// no longer has.
func lostProducts(before, after map[model.Key]string) int {
	type ap struct {
		a netip.Addr
		p string
	}
	now := map[ap]bool{}
	for k, p := range after {
		now[ap{k.Addr, p}] = true
	}
	was := map[ap]bool{}
	for k, p := range before {
		was[ap{k.Addr, p}] = true
	}
	n := 0
	for x := range was {
		if !now[x] {
			n++
		}
	}
	return n
}

// multiProductAddrs counts the addresses with services of several
// products.
func multiProductAddrs(svcs map[model.Key]string) int {
	ps := map[netip.Addr]map[string]bool{}
	for k, p := range svcs {
		if ps[k.Addr] == nil {
			ps[k.Addr] = map[string]bool{}
		}
		ps[k.Addr][p] = true
	}
	n := 0
	for _, m := range ps {
		if len(m) > 1 {
			n++
		}
	}
	return n
}

// TestProductHostsMerges follows one address through Puts that add a
// second product to it, move its services from one product to the
// other, and take the first product away, and checks ProductHosts after
// each against the counts worked out by hand.
func TestProductHostsMerges(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	portainer := model.Classification{Product: "portainer", ProductEvidence: "title Portainer",
		Auth: model.AuthUnknown, Confidence: model.Low}
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	steps := []struct {
		name  string
		items []ingest.Item
		want  map[string]int
	}{
		{"two portainer services on A, one on B", []ingest.Item{
			item(shodanObs("52.7.0.1", 9000, at(0)), portainer, awsTag),
			item(shodanObs("52.7.0.1", 9443, at(0)), portainer, awsTag),
			item(shodanObs("52.7.0.2", 9000, at(0)), portainer, awsTag),
		}, map[string]int{"portainer": 2}},
		{"A:9000 seen as the Kubernetes API (a definite verdict wins)", []ingest.Item{
			item(censysObs("52.7.0.1", 9000, at(1)), k8sOpen, awsTag),
		}, map[string]int{"portainer": 2, "kubernetes-api": 1}},
		{"A:9443 too, and B gets a new Kubernetes service, in one Put", []ingest.Item{
			item(censysObs("52.7.0.1", 9443, at(2)), k8sForbidden, awsTag),
			item(shodanObs("52.7.0.2", 6443, at(2)), k8sForbidden, awsTag),
		}, map[string]int{"portainer": 1, "kubernetes-api": 2}},
		{"B:9000 moves too: portainer has no host left", []ingest.Item{
			item(censysObs("52.7.0.2", 9000, at(3)), k8sOpen, awsTag),
		}, map[string]int{"kubernetes-api": 2}},
		{"the same again changes nothing", []ingest.Item{
			item(censysObs("52.7.0.2", 9000, at(3)), k8sOpen, awsTag),
		}, map[string]int{"kubernetes-api": 2}},
		{"a low verdict does not move a service back", []ingest.Item{
			item(shodanObs("52.7.0.1", 9000, at(4)), portainer, awsTag),
		}, map[string]int{"kubernetes-api": 2}},
		{"a new address with a new and a merged product", []ingest.Item{
			item(shodanObs("52.7.0.3", 9000, at(5)), portainer, awsTag),
			item(censysObs("52.7.0.3", 9000, at(5)), k8sOpen, awsTag),
			item(shodanObs("52.7.0.3", 2375, at(5)), portainer, awsTag),
		}, map[string]int{"kubernetes-api": 3, "portainer": 1}},
		{"a new address with one service", []ingest.Item{
			item(shodanObs("52.7.0.9", 9000, at(6)), portainer, awsTag),
		}, map[string]int{"kubernetes-api": 3, "portainer": 2}},
		{"its only service changes product", []ingest.Item{
			item(censysObs("52.7.0.9", 9000, at(7)), k8sOpen, awsTag),
		}, map[string]int{"kubernetes-api": 4, "portainer": 1}},
	}
	for _, st := range steps {
		if _, err := s.Put(ctx, "2026Q4", st.items, nil); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := s.ProductHosts(ctx, "2026Q4")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, st.want) {
			t.Fatalf("%s: ProductHosts = %v, want %v", st.name, got, st.want)
		}
		checkGroups(t, s, "2026Q4")
	}
	var zero int
	if err := s.db.QueryRow(`SELECT count(*) FROM product_hosts WHERE hosts <= 0`).Scan(&zero); err != nil || zero != 0 {
		t.Errorf("%d product_hosts rows without hosts (%v)", zero, err)
	}
	if _, err := s.ProductHosts(ctx, "nope"); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("ProductHosts of a missing snapshot: %v, want ErrNoSnapshot", err)
	}
}

// TestMigrateV1FillsGroups opens a database written with schema version 1
// (services but no service_groups or product_hosts; addresses with two
// services, some of two products) and checks that the migration fills
// the groups and the host counts from the services.
func TestMigrateV1FillsGroups(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	s := openTempAt(t, path)
	var items []ingest.Item
	for i := range 50 {
		a := netip.AddrFrom4([4]byte{52, 9, 0, byte(i / 2)})
		o := shodanObs(a.String(), uint16(6443+i%2), t0.Add(time.Duration(i)*time.Minute))
		c := k8sForbidden
		if i%3 == 0 {
			c = k8sOpen
		}
		if i%5 == 0 { // addresses with two products, and the second product on its own
			c = model.Classification{Product: "portainer", Auth: model.AuthUnknown, Confidence: model.Low}
		}
		items = append(items, item(o, c, awsTag))
	}
	if _, err := s.Put(ctx, "2026Q4", items, nil); err != nil {
		t.Fatal(err)
	}
	want := storedGroups(t, s, "2026Q4")
	wantSvc := services(t, s, "2026Q4")
	wantObs := observationsOf(t, s, "2026Q4")
	downgradeToV1(t, s)
	s.Close()
	s = openTempAt(t, path)
	if got := storedGroups(t, s, "2026Q4"); !reflect.DeepEqual(got, want) || len(got) < 2 {
		t.Errorf("migrated groups:\n got %+v\nwant %+v", got, want)
	}
	checkGroups(t, s, "2026Q4")
	if got := services(t, s, "2026Q4"); !reflect.DeepEqual(got, wantSvc) {
		t.Errorf("migrated services differ:\n got %+v\nwant %+v", got, wantSvc)
	}
	if got := observationsOf(t, s, "2026Q4"); !reflect.DeepEqual(got, wantObs) || len(got) != len(items) {
		t.Errorf("migrated observations differ (%d, want %d)", len(got), len(wantObs))
	}
	// A Put after the migration merges into the migrated services.
	more := []ingest.Item{item(censysObs("52.9.0.3", 6443, t0.Add(time.Hour)), k8sOpen, awsTag)}
	if ps, err := s.Put(ctx, "2026Q4", more, nil); err != nil || ps != (ingest.PutStats{Observations: 1, MergedServices: 1}) {
		t.Fatalf("put after migration: %+v, %v", ps, err)
	}
	checkGroups(t, s, "2026Q4")
}

// downgradeToV1 undoes what schemaV3 and schemaV2 changed, turning s's file into one
// of schema version 1 with the same data, and checks that its schema is
// exactly that of a file created by schemaV1.
func downgradeToV1(t *testing.T, s *Store) {
	t.Helper()
	for _, q := range []string{`DROP INDEX services_honeypot`,
		`ALTER TABLE services DROP COLUMN family`, `ALTER TABLE services DROP COLUMN honeypot`,
		`ALTER TABLE services DROP COLUMN inferred`, `ALTER TABLE observations DROP COLUMN honeypot`,
		`ALTER TABLE observations DROP COLUMN inferred`,
		`DROP TABLE service_groups`, `DROP TABLE product_hosts`,
		`CREATE INDEX observations_service ON observations (snapshot_id, addr, port, transport)`,
		`PRAGMA user_version = 1`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "ref.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	if _, err := ref.Exec(schemaV1); err != nil {
		t.Fatal(err)
	}
	if got, want := schemaOf(t, s.db), schemaOf(t, ref); !reflect.DeepEqual(got, want) {
		t.Fatalf("downgraded schema is not v1:\n got %q\nwant %q", got, want)
	}
}

// schemaOf returns the normalised SQL of db's tables and indexes.
func schemaOf(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ, name, q string
		if err := rows.Scan(&typ, &name, &q); err != nil {
			t.Fatal(err)
		}
		out = append(out, typ+" "+name+" "+strings.Join(strings.Fields(q), " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// observationsOf reads all observations of a snapshot.
func observationsOf(t *testing.T, s *Store, label string) []Observation {
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

func openTempAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.EnsureSnapshot(context.Background(), "2026Q4", t0, Meta{}); err != nil {
		t.Fatal(err)
	}
	return s
}
