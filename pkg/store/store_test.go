package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
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

var t0 = time.Date(2026, 10, 2, 14, 3, 11, 482913000, time.UTC)

// openTemp opens a fresh store with snapshot "2026Q4".
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "orchex.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.EnsureSnapshot(context.Background(), "2026Q4", t0, Meta{CatalogVersion: "7"}); err != nil {
		t.Fatal(err)
	}
	return s
}

// shodanObs is a Kubernetes API server banner as the Shodan decoder gives
// it (see testdata/shodan-search-page1.json).
func shodanObs(addr string, port uint16, seen time.Time) model.Observation {
	return model.Observation{
		Engine:    model.Shodan,
		QueryID:   "kubernetes-api/shodan/1",
		RecordID:  "2e1c0b4a-5f0e-4c43-9d2b-3b0f4c9f7a11",
		Addr:      netip.MustParseAddr(addr),
		Port:      port,
		Transport: "tcp",
		Hostnames: []string{"ec2-52-211-96-7.eu-west-1.compute.amazonaws.com"},
		Org:       "Amazon Data Services Ireland Limited",
		ASN:       16509,
		Country:   "IE",
		City:      "Dublin",
		Cloud:     model.CloudHint{Provider: "Amazon", Region: "eu-west-1", Service: "EC2"},
		Product:   "Kubernetes",
		Module:    "https",
		HTTP: &model.HTTP{Status: 403, Headers: []model.Header{{Name: "Content-Type", Value: "application/json"}},
			Body: `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}`},
		TLS:    &model.TLS{Subject: "CN=kube-apiserver", SubjectCN: "kube-apiserver", IssuerCN: "kubernetes"},
		Banner: "HTTP/1.1 403 Forbidden\r\nAudit-Id: 5d3a\r\n",
		SeenAt: seen,
	}
}

// censysObs is the same kind of service as a Censys Platform v3 host view
// gives it: no record id, upper-case protocol, software and labels.
func censysObs(addr string, port uint16, seen time.Time) model.Observation {
	return model.Observation{
		Engine:    model.Censys,
		QueryID:   "kubernetes-api/censys/1",
		Addr:      netip.MustParseAddr(addr),
		Port:      port,
		Transport: "tcp",
		Org:       "AMAZON-02",
		ASN:       16509,
		Country:   "IE",
		City:      "Dublin",
		Protocol:  "KUBERNETES",
		Software:  []model.Software{{Vendor: "kubernetes", Product: "kubernetes", Version: "1.29.4"}},
		Labels:    []string{"kubernetes"},
		HTTP:      &model.HTTP{Status: 200, Body: `{"major":"1","minor":"29","gitVersion":"v1.29.4"}`},
		Kubernetes: &model.Kubernetes{
			Version: "v1.29.4", Nodes: 3, Pods: 12,
		},
		SeenAt: seen,
	}
}

func item(o model.Observation, c model.Classification, tag model.CloudTag) ingest.Item {
	return ingest.Item{Obs: o, Class: c, Service: normalize.Service(&o, c, tag)}
}

var (
	k8sForbidden = model.Classification{Product: "kubernetes-api", ProductEvidence: "kube-apiserver certificate",
		Auth: model.AuthRequired, AuthEvidence: "403 system:anonymous on /", Confidence: model.High}
	k8sOpen = model.Classification{Product: "kubernetes-api", ProductEvidence: "censys KUBERNETES",
		Version: "v1.29.4", Auth: model.AuthOpen, AuthEvidence: "anonymous node list (3 nodes)", Confidence: model.High}
	awsTag = model.CloudTag{Provider: "aws", Region: "eu-west-1", Service: "EC2", Source: "ranges:aws@2026-09-30"}
)

func services(t testing.TB, s *Store, label string) []model.Service {
	t.Helper()
	var out []model.Service
	err := s.Services(context.Background(), label, func(sv *model.Service) error {
		out = append(out, *sv)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func countRows(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenMigratesEmpty(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orchex.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var version, app int
	var journal string
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA application_id").Scan(&app); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&journal); err != nil {
		t.Fatal(err)
	}
	if version != SchemaVersion || version != len(migrations()) || app != applicationID || journal != "wal" {
		t.Errorf("user_version %d, application_id %#x, journal %q; want %d, %#x, wal", version, app, journal, SchemaVersion, applicationID)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	for _, table := range []string{"snapshots", "services", "observations", "raw_pages", "imports"} {
		if n := countRows(t, s, table); n != 0 {
			t.Errorf("%s has %d rows in a new database", table, n)
		}
	}
	if _, err := s.EnsureSnapshot(ctx, "2026Q4", t0, Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening an up-to-date file migrates nothing and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sns, err := s.Snapshots(ctx)
	if err != nil || len(sns) != 1 || sns[0].Label != "2026Q4" || !sns[0].Created.Equal(t0) {
		t.Errorf("after reopen: %+v, %v", sns, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	t.Run("missing directory", func(t *testing.T) {
		_, err := Open(ctx, filepath.Join(dir, "nope", "orchex.db"))
		if err == nil || !strings.Contains(err.Error(), "directory") || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("err = %v, want a missing-directory error", err)
		}
	})
	t.Run("no create", func(t *testing.T) {
		path := filepath.Join(dir, "absent.db")
		_, err := OpenWith(ctx, path, Options{NoCreate: true})
		if !errors.Is(err, ErrNoDatabase) {
			t.Fatalf("err = %v, want ErrNoDatabase", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("NoCreate created %s", path)
		}
	})
	t.Run("no file", func(t *testing.T) {
		for _, path := range []string{"", ":memory:"} {
			if _, err := Open(ctx, path); !errors.Is(err, ErrNoPath) {
				t.Errorf("Open(%q) = %v", path, err)
			}
		}
	})
	t.Run("directory as file", func(t *testing.T) {
		_, err := Open(ctx, dir)
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not a database", func(t *testing.T) {
		path := filepath.Join(dir, "notes.txt")
		text := []byte("these are my research notes, not a database\n")
		if err := os.WriteFile(path, text, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path)
		if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), path) {
			t.Fatalf("err = %v, want ErrNotDatabase naming the file", err)
		}
		got, _ := os.ReadFile(path)
		if string(got) != string(text) {
			t.Error("the file was modified")
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Error("a -wal file was created beside it")
		}
	})
	t.Run("corrupt database", func(t *testing.T) {
		path := filepath.Join(dir, "corrupt.db")
		junk := append([]byte(sqliteMagic), strings.Repeat("\xde\xad\xbe\xef", 1024)...)
		if err := os.WriteFile(path, junk, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path)
		if !errors.Is(err, ErrNotDatabase) {
			t.Fatalf("err = %v, want ErrNotDatabase", err)
		}
	})
	t.Run("other application", func(t *testing.T) {
		path := filepath.Join(dir, "other.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("CREATE TABLE customers (name TEXT)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err = Open(ctx, path)
		if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "did not create") {
			t.Fatalf("err = %v, want ErrNotDatabase", err)
		}
	})
	t.Run("newer schema", func(t *testing.T) {
		path := filepath.Join(dir, "newer.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err = Open(ctx, path)
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade orchex") {
			t.Fatalf("err = %v, want ErrNewerSchema", err)
		}
	})
}

// TestLocked: a second process's writer waits for the busy timeout, then
// gets ErrLocked instead of hanging.
func TestLocked(t *testing.T) {
	ctx := context.Background()
	a := openTemp(t)
	b, err := OpenWith(ctx, a.Path(), Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	// a holds the write lock, as another orchex in the middle of a Put.
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE snapshots SET notes = 'busy'"); err != nil {
		t.Fatal(err)
	}
	it := item(shodanObs("52.211.96.7", 6443, t0), k8sForbidden, awsTag)
	_, err = b.Put(ctx, "2026Q4", []ingest.Item{it}, nil)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another orchex") {
		t.Fatalf("Put while locked: %v, want ErrLocked", err)
	}
	// Readers are not blocked (WAL).
	if got := services(t, b, "2026Q4"); len(got) != 0 {
		t.Errorf("services = %v", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if st, err := b.Put(ctx, "2026Q4", []ingest.Item{it}, nil); err != nil || st.NewServices != 1 {
		t.Fatalf("Put after unlock: %+v, %v", st, err)
	}
}

// TestLockedOpen: opening a database that another process holds in an
// exclusive lock (a rollback-journal writer) fails with ErrLocked.
func TestLockedOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orchex.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE; CREATE TABLE t (x);"); err != nil {
		t.Fatal(err)
	}
	_, err = OpenWith(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
}

func TestPutIdempotent(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	items := []ingest.Item{
		item(shodanObs("52.211.96.7", 6443, t0), k8sForbidden, awsTag),
		item(shodanObs("52.211.96.7", 443, t0), k8sForbidden, awsTag),
		item(shodanObs("52.211.96.7", 6443, t0.Add(time.Hour)), k8sForbidden, awsTag), // seen again later
		item(shodanObs("3.120.0.9", 6443, t0), k8sForbidden, awsTag),
	}
	st, err := s.Put(ctx, "2026Q4", items, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ingest.PutStats{NewServices: 3, MergedServices: 1, Observations: 4}); st != want {
		t.Errorf("first Put: %+v, want %+v", st, want)
	}
	first := services(t, s, "2026Q4")
	if len(first) != 3 || !first[2].FirstSeen.Equal(t0) || !first[2].LastSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("services after first Put: %+v", first)
	}

	st, err = s.Put(ctx, "2026Q4", items, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st != (ingest.PutStats{}) {
		t.Errorf("second Put: %+v, want zero", st)
	}
	if again := services(t, s, "2026Q4"); !reflect.DeepEqual(again, first) {
		t.Errorf("services changed on a repeated Put:\n%+v\n%+v", again, first)
	}
	if n := countRows(t, s, "observations"); n != 4 {
		t.Errorf("%d observations, want 4", n)
	}
	// The same banner found by another catalog query is another
	// observation of the same service.
	o := shodanObs("3.120.0.9", 6443, t0)
	o.QueryID = "kubernetes-api/shodan/2"
	st, err = s.Put(ctx, "2026Q4", []ingest.Item{item(o, k8sForbidden, awsTag)}, nil)
	if want := (ingest.PutStats{MergedServices: 1, Observations: 1}); err != nil || st != want {
		t.Errorf("other query: %+v, %v; want %+v", st, err, want)
	}
}

func TestPutMergeAcrossEngines(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	sh := item(shodanObs("52.211.96.7", 6443, t0), k8sForbidden, awsTag)
	ce := item(censysObs("52.211.96.7", 6443, t0.Add(-24*time.Hour)), k8sOpen, model.CloudTag{Provider: "aws", Source: "asn:16509"})
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{sh}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := s.Put(ctx, "2026Q4", []ingest.Item{ce}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ingest.PutStats{MergedServices: 1, Observations: 1}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	got := services(t, s, "2026Q4")
	want := normalize.Merge(sh.Service, ce.Service)
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("stored:\n%+v\nwant normalize.Merge:\n%+v", got, want)
	}
	sv := got[0]
	if sv.Engines != model.SeenShodan|model.SeenCensys {
		t.Errorf("engines %v", sv.Engines.List())
	}
	// Both definite and high confidence: the later observation (Shodan's
	// 403) wins, and the disagreement is flagged.
	if sv.Auth != model.AuthRequired || sv.AuthEvidence != k8sForbidden.AuthEvidence || !sv.AuthConflict {
		t.Errorf("auth %s %q conflict %v", sv.Auth, sv.AuthEvidence, sv.AuthConflict)
	}
	if sv.Cloud != awsTag || !sv.FirstSeen.Equal(t0.Add(-24*time.Hour)) || !sv.LastSeen.Equal(t0) {
		t.Errorf("cloud %+v first %v last %v", sv.Cloud, sv.FirstSeen, sv.LastSeen)
	}

	// The order of arrival does not matter.
	s2 := openTemp(t)
	if _, err := s2.Put(ctx, "2026Q4", []ingest.Item{ce, sh}, nil); err != nil {
		t.Fatal(err)
	}
	if got2 := services(t, s2, "2026Q4"); !reflect.DeepEqual(got2, got) {
		t.Errorf("reverse order gives\n%+v\nwant\n%+v", got2, got)
	}
	counts, err := s.EngineCounts(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := []EngineCount{{Engine: model.Censys, Observations: 1, Services: 1}, {Engine: model.Shodan, Observations: 1, Services: 1}}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("engine counts %+v, want %+v", counts, wantCounts)
	}
}

func TestPutAtomic(t *testing.T) {
	ctx := context.Background()
	page := &model.RawPage{Engine: model.Shodan, QueryID: "q", Page: 1, Body: []byte(`{"matches":[],"total":0}`), FetchedAt: t0}
	good := item(shodanObs("52.211.96.7", 6443, t0), k8sForbidden, awsTag)

	t.Run("constraint violation", func(t *testing.T) {
		s := openTemp(t)
		bad := item(shodanObs("52.211.96.8", 6443, t0), k8sForbidden, awsTag)
		bad.Service.Auth = "maybe" // not one of the three states: the schema refuses it
		_, err := s.Put(ctx, "2026Q4", []ingest.Item{good, bad}, page)
		if err == nil || !strings.Contains(err.Error(), "52.211.96.8") {
			t.Fatalf("err = %v, want a constraint error naming the service", err)
		}
		for _, table := range []string{"services", "observations", "raw_pages"} {
			if n := countRows(t, s, table); n != 0 {
				t.Errorf("%s has %d rows after a failed Put", table, n)
			}
		}
		// The good item goes in on its own.
		if st, err := s.Put(ctx, "2026Q4", []ingest.Item{good}, page); err != nil || st.NewServices != 1 {
			t.Errorf("retry: %+v, %v", st, err)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		s := openTemp(t)
		items := make([]ingest.Item, 500)
		for i := range items {
			a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
			items[i] = item(shodanObs(a.String(), 6443, t0), k8sForbidden, awsTag)
		}
		// Count the context checks of a whole Put, then cancel at the
		// last but one: after the observations went in, before commit.
		probe := &cancelAfter{Context: ctx, after: 1 << 30}
		if _, err := openTemp(t).Put(probe, "2026Q4", items, page); err != nil {
			t.Fatal(err)
		}
		if probe.calls < 8 {
			t.Fatalf("Put checked its context only %d times for 500 items", probe.calls)
		}
		cctx := &cancelAfter{Context: ctx, after: probe.calls - 2}
		_, err := s.Put(cctx, "2026Q4", items, page)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		for _, table := range []string{"services", "observations", "raw_pages"} {
			if n := countRows(t, s, table); n != 0 {
				t.Errorf("%s has %d rows after a canceled Put", table, n)
			}
		}
	})
	t.Run("unknown snapshot", func(t *testing.T) {
		s := openTemp(t)
		_, err := s.Put(ctx, "1999Q1", []ingest.Item{good}, nil)
		if !errors.Is(err, ErrNoSnapshot) {
			t.Fatalf("err = %v, want ErrNoSnapshot", err)
		}
	})
	t.Run("key mismatch", func(t *testing.T) {
		s := openTemp(t)
		bad := good
		bad.Service.Port = 443
		if _, err := s.Put(ctx, "2026Q4", []ingest.Item{bad}, nil); err == nil || !strings.Contains(err.Error(), "item 0") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRawPages(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	body, err := os.ReadFile("testdata/shodan-search-page1.json")
	if err != nil {
		t.Fatal(err)
	}
	q := "kubernetes-api/shodan/1"
	p1 := &model.RawPage{Engine: model.Shodan, QueryID: q, Query: `ssl:"kube-apiserver" port:6443`, Page: 1,
		Next: "", Total: 201, Hits: 1, Credits: 1, FetchedAt: t0, Body: body}
	it := item(shodanObs("52.211.96.7", 6443, t0), k8sForbidden, awsTag)
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{it}, p1); err != nil {
		t.Fatal(err)
	}
	for i := 3; i >= 2; i-- { // stored out of order
		p := &model.RawPage{Engine: model.Shodan, QueryID: q, Query: p1.Query, Page: i, Token: "p" + string(rune('0'+i)),
			Total: 201, Hits: 100, Credits: 1, FetchedAt: t0.Add(time.Duration(i) * time.Second), Body: []byte(`{"matches":[],"total":201}`)}
		if _, err := s.Put(ctx, "2026Q4", nil, p); err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.Page(ctx, "2026Q4", model.Shodan, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p1) {
		t.Errorf("Page 1 =\n%+v\nwant\n%+v", got, p1)
	}
	if p, err := s.Page(ctx, "2026Q4", model.Shodan, q, 9); p != nil || err != nil {
		t.Errorf("absent page: %v, %v; want nil, nil", p, err)
	}
	if p, err := s.LastPage(ctx, "2026Q4", model.Shodan, q); err != nil || p == nil || p.Page != 3 || p.Token != "p3" {
		t.Errorf("LastPage = %+v, %v; want page 3", p, err)
	}
	if p, err := s.LastPage(ctx, "2026Q4", model.Censys, q); p != nil || err != nil {
		t.Errorf("LastPage of a query never run: %v, %v", p, err)
	}
	if n, err := s.CreditsSpent(ctx, "2026Q4", model.Shodan); err != nil || n != 3 {
		t.Errorf("CreditsSpent = %d, %v; want 3", n, err)
	}

	// The identical page stored again changes nothing; a refetch
	// replaces it and its credits add up.
	if _, err := s.Put(ctx, "2026Q4", nil, p1); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CreditsSpent(ctx, "2026Q4", model.Shodan); n != 3 {
		t.Errorf("credits after identical re-put = %d, want 3", n)
	}
	re := *p1
	re.FetchedAt = t0.Add(time.Hour)
	re.Total = 202
	if _, err := s.Put(ctx, "2026Q4", nil, &re); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CreditsSpent(ctx, "2026Q4", model.Shodan); n != 4 {
		t.Errorf("credits after refresh = %d, want 4", n)
	}
	got, _ = s.Page(ctx, "2026Q4", model.Shodan, q, 1)
	if got.Total != 202 || !got.FetchedAt.Equal(re.FetchedAt) || got.Credits != 2 {
		t.Errorf("refreshed page: total %d fetched %v credits %d", got.Total, got.FetchedAt, got.Credits)
	}

	var order []int
	err = s.Pages(ctx, "2026Q4", func(p *model.RawPage) error { order = append(order, p.Page); return nil })
	if err != nil || !reflect.DeepEqual(order, []int{1, 2, 3}) {
		t.Errorf("Pages order %v, %v", order, err)
	}
	// The body is stored compressed.
	var stored int
	if err := s.db.QueryRow("SELECT length(body) FROM raw_pages WHERE page = 1").Scan(&stored); err != nil || stored >= len(body) {
		t.Errorf("stored body %d bytes for %d raw, %v", stored, len(body), err)
	}
	// A damaged body is reported, not returned.
	if _, err := s.db.Exec("UPDATE raw_pages SET body_sha256 = 'x' WHERE page = 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Page(ctx, "2026Q4", model.Shodan, q, 2); err == nil || !strings.Contains(err.Error(), "page 2") {
		t.Errorf("damaged page: %v", err)
	}
	if _, err := s.Put(ctx, "2026Q4", nil, &model.RawPage{Engine: model.Shodan, QueryID: q}); err == nil {
		t.Error("page 0 accepted")
	}
}

func TestIPv6Ordering(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	in := []struct {
		addr string
		port uint16
	}{
		{"2001:db8::10", 443}, {"10.0.0.10", 443}, {"::1", 6443}, {"2001:db8::9", 6443},
		{"10.0.0.9", 6443}, {"255.255.255.255", 1}, {"::ffff:10.0.0.11", 2379}, {"fe80::1%eth0", 80},
		{"10.0.0.10", 80}, {"1.2.3.4", 65535},
	}
	var items []ingest.Item
	for _, x := range in {
		items = append(items, item(shodanObs(x.addr, x.port, t0), k8sForbidden, awsTag))
	}
	if _, err := s.Put(ctx, "2026Q4", items, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sv := range services(t, s, "2026Q4") {
		got = append(got, netip.AddrPortFrom(sv.Addr, sv.Port).String())
	}
	want := []string{"1.2.3.4:65535", "10.0.0.9:6443", "10.0.0.10:80", "10.0.0.10:443", "10.0.0.11:2379",
		"255.255.255.255:1", "[::1]:6443", "[2001:db8::9]:6443", "[2001:db8::10]:443", "[fe80::1]:80"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order\n%v\nwant\n%v", got, want)
	}
	sn, err := s.Snapshot(ctx, "2026Q4")
	if err != nil || sn.Services != 10 || sn.Hosts != 9 || sn.Observations != 10 {
		t.Errorf("counts %+v, %v; want 10 services, 9 hosts, 10 observations", sn, err)
	}
	var ips, order []string
	err = s.Observations(ctx, "2026Q4", func(o *Observation) error {
		ips = append(ips, o.Key.Addr.String())
		order = append(order, string(o.Engine)+" "+o.QueryID+" "+o.Fingerprint)
		if o.Engine != model.Shodan || o.Auth != model.AuthRequired || len(o.Fingerprint) != 32 {
			t.Errorf("observation %+v", o)
		}
		return nil
	})
	if !slices.IsSorted(order) {
		t.Errorf("observations not in (engine, query id, fingerprint) order: %v", order)
	}
	slices.SortFunc(ips, func(a, b string) int { return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b)) })
	if err != nil || len(ips) != 10 || ips[0] != "1.2.3.4" || ips[9] != "fe80::1" {
		t.Errorf("observations %v, %v", ips, err)
	}
}

func TestHostileStringsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	o := shodanObs("52.211.96.7", 6443, t0)
	hostile := "</td><script>alert(1)</script> | `x` \x1b[31mred\x1b[0m \u202egnp.exe\u202c \xff\xfe \x00 end"
	o.Org = hostile
	o.HTTP.Title = strings.Repeat("T", 1<<20) + hostile
	c := k8sForbidden
	c.AuthEvidence = hostile
	it := item(o, c, awsTag)
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{it}, nil); err != nil {
		t.Fatal(err)
	}
	got := services(t, s, "2026Q4")
	if len(got) != 1 || !reflect.DeepEqual(got[0], it.Service) {
		t.Fatalf("hostile service did not round trip")
	}
}

func TestSnapshots(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	m := Meta{
		CatalogVersion: "7",
		Engines:        []EngineMeta{{Name: "shodan", API: "rest"}, {Name: "censys", API: "v3"}},
		Notes:          []string{"first pass", "k8s only"},
	}
	q3, err := s.EnsureSnapshot(ctx, "2026Q3", t0.Add(-90*24*time.Hour), m)
	if err != nil {
		t.Fatal(err)
	}
	if q3.Meta.Engines[0].Name != "censys" || q3.Meta.CatalogVersion != "7" {
		t.Errorf("meta not normalised: %+v", q3.Meta)
	}
	again, err := s.EnsureSnapshot(ctx, "2026Q3", t0, Meta{CatalogVersion: "8"})
	if err != nil || !reflect.DeepEqual(again, q3) {
		t.Errorf("EnsureSnapshot on an existing label changed it: %+v, %v", again, err)
	}
	for _, bad := range []string{"", "../etc", "2026 Q4", "-x", strings.Repeat("a", 65), "q4\n"} {
		if _, err := s.EnsureSnapshot(ctx, bad, t0, Meta{}); !errors.Is(err, ErrBadLabel) {
			t.Errorf("label %q: %v, want ErrBadLabel", bad, err)
		}
	}
	err = s.UpdateMeta(ctx, "2026Q3", func(m *Meta) {
		m.SetQuery(QueryMeta{ID: "b", Engine: "shodan", Total: 5})
		m.SetQuery(QueryMeta{ID: "a", Engine: "shodan", Total: 10, Truncated: "max-pages"})
		m.SetQuery(QueryMeta{ID: "b", Engine: "shodan", Total: 6})
		m.AddFeed(FeedMeta{Provider: "aws", Date: "2026-09-30"})
		m.AddInput("k8s.json.gz")
		m.AddInput("k8s.json.gz")
		m.Notes = append(m.Notes, "merged")
	})
	if err != nil {
		t.Fatal(err)
	}
	q3, _ = s.Snapshot(ctx, "2026Q3")
	wantQ := []QueryMeta{{ID: "a", Engine: "shodan", Total: 10, Truncated: "max-pages"}, {ID: "b", Engine: "shodan", Total: 6}}
	if !reflect.DeepEqual(q3.Meta.Queries, wantQ) || len(q3.Meta.Inputs) != 1 || len(q3.Meta.Feeds) != 1 {
		t.Errorf("meta after update: %+v", q3.Meta)
	}
	var notes, catalog, js string
	if err := s.db.QueryRow("SELECT notes, catalog_version, meta FROM snapshots WHERE label = '2026Q3'").Scan(&notes, &catalog, &js); err != nil {
		t.Fatal(err)
	}
	if notes != "first pass\nk8s only\nmerged" || catalog != "7" || !strings.HasPrefix(js, `{"catalog_version":"7","engines":[{"name":"censys"`) {
		t.Errorf("columns: notes %q catalog %q meta %s", notes, catalog, js)
	}
	if err := s.UpdateMeta(ctx, "nope", func(*Meta) {}); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("UpdateMeta unknown: %v", err)
	}

	sns, err := s.Snapshots(ctx)
	if err != nil || len(sns) != 2 || sns[0].Label != "2026Q3" || sns[1].Label != "2026Q4" {
		t.Fatalf("Snapshots oldest first: %+v, %v", sns, err)
	}
}

func TestRenameRemove(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.EnsureSnapshot(ctx, "2026Q3", t0.Add(-time.Hour), Meta{}); err != nil {
		t.Fatal(err)
	}
	page := &model.RawPage{Engine: model.Shodan, QueryID: "q", Page: 1, Body: []byte("{}"), Credits: 1, FetchedAt: t0}
	for _, label := range []string{"2026Q3", "2026Q4"} {
		if _, err := s.Put(ctx, label, []ingest.Item{item(shodanObs("52.211.96.7", 6443, t0), k8sForbidden, awsTag)}, page); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordImport(ctx, label, Import{File: "a.json", SHA256: "ab", At: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Rename(ctx, "2026Q4", "2026Q3"); !errors.Is(err, ErrSnapshotExists) {
		t.Errorf("rename onto an existing label: %v", err)
	}
	if err := s.Rename(ctx, "1999Q1", "1999Q2"); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("rename unknown: %v", err)
	}
	if err := s.Rename(ctx, "2026Q4", "bad label"); !errors.Is(err, ErrBadLabel) {
		t.Errorf("rename to a bad label: %v", err)
	}
	if err := s.Rename(ctx, "2026Q4", "2026Q4-final"); err != nil {
		t.Fatal(err)
	}
	sn, err := s.Snapshot(ctx, "2026Q4-final")
	if err != nil || sn.Services != 1 || sn.Observations != 1 {
		t.Errorf("renamed snapshot: %+v, %v", sn, err)
	}
	if _, err := s.Snapshot(ctx, "2026Q4"); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("old label still there: %v", err)
	}

	if err := s.Remove(ctx, "2026Q3"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(ctx, "2026Q3"); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("second Remove: %v", err)
	}
	for table, want := range map[string]int{"snapshots": 1, "services": 1, "observations": 1, "raw_pages": 1, "imports": 1} {
		if n := countRows(t, s, table); n != want {
			t.Errorf("%s: %d rows after Remove, want %d (the other snapshot's)", table, n, want)
		}
	}
}

func TestImports(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	im := Import{File: "k8s.json.gz", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Engine: model.Shodan, Format: "shodan-download", Read: 1000, Kept: 990, Bad: 2, Skipped: 8, At: t0}
	ok, err := s.RecordImport(ctx, "2026Q4", im)
	if err != nil || !ok {
		t.Fatalf("first RecordImport: %v, %v", ok, err)
	}
	dup := im
	dup.File = "copy-of-k8s.json.gz"
	if ok, err := s.RecordImport(ctx, "2026Q4", dup); err != nil || ok {
		t.Errorf("same file again: %v, %v; want false", ok, err)
	}
	other := Import{File: "censys.json", SHA256: "00", Engine: model.Censys, Format: "censys-v3-search", Read: 3, Kept: 3, At: t0.Add(time.Minute)}
	if _, err := s.RecordImport(ctx, "2026Q4", other); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasImport(ctx, "2026Q4", im.SHA256); err != nil || !has {
		t.Errorf("HasImport = %v, %v", has, err)
	}
	if has, err := s.HasImport(ctx, "2026Q4", "ffff"); err != nil || has {
		t.Errorf("HasImport unknown = %v, %v", has, err)
	}
	got, err := s.Imports(ctx, "2026Q4")
	if err != nil || !reflect.DeepEqual(got, []Import{im, other}) {
		t.Errorf("Imports = %+v, %v", got, err)
	}
}

// TestFingerprintCoversObservation changes every field of an observation,
// one at a time, and checks that the fingerprint changes, so that a field
// added to model.Observation cannot be forgotten here.
func TestFingerprintCoversObservation(t *testing.T) {
	excluded := map[string]bool{"QueryID": true, "Known": true, "KnownCloud": true, "KnownConflict": true}
	base := shodanObs("52.211.96.7", 6443, t0)
	f, tr := false, true
	base.Etcd = &model.Etcd{V2Auth: &f, V3Auth: &tr}
	base.Docker = &model.Docker{}
	base.Kubernetes = &model.Kubernetes{}
	base.Software = []model.Software{{}}
	base.Labels = []string{""}
	base.TLS.SANs = []string{""}
	want, _ := fingerprint(&base, nil)
	if again, _ := fingerprint(&base, make([]byte, 7)); again != want {
		t.Fatal("fingerprint is not deterministic")
	}
	var paths int
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			if v.Type() == reflect.TypeOf(time.Time{}) || v.Type() == reflect.TypeOf(netip.Addr{}) {
				break
			}
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				if path == "" && excluded[f.Name] {
					continue
				}
				walk(path+"."+f.Name, v.Field(i))
			}
			return
		case reflect.Pointer:
			if v.IsNil() {
				t.Fatalf("%s is nil in the base observation", path)
			}
			walk(path, v.Elem())
			return
		case reflect.Slice:
			if v.Len() == 0 {
				t.Fatalf("%s is empty in the base observation", path)
			}
			walk(path+"[0]", v.Index(0))
			return
		}
		paths++
		saved := reflect.New(v.Type()).Elem()
		saved.Set(v)
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Int, reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			v.SetUint(v.Uint() + 1)
		case reflect.Bool:
			v.SetBool(!v.Bool())
		default:
			switch x := v.Addr().Interface().(type) {
			case *time.Time:
				*x = x.Add(time.Nanosecond)
			case *netip.Addr:
				*x = x.Next()
			default:
				t.Fatalf("%s: unhandled kind %s", path, v.Kind())
			}
		}
		if got, _ := fingerprint(&base, nil); got == want {
			t.Errorf("changing %s does not change the fingerprint", path)
		}
		v.Set(saved)
	}
	walk("", reflect.ValueOf(&base).Elem())
	for _, p := range []**bool{&base.Etcd.V2Auth, &base.Etcd.V3Auth} {
		saved := *p
		*p = nil // not reported differs from false and true
		if got, _ := fingerprint(&base, nil); got == want {
			t.Error("an absent etcd auth flag does not change the fingerprint")
		}
		*p = saved
	}
	if paths < 40 {
		t.Errorf("walked only %d fields", paths)
	}
	// Same instant, other location: same observation.
	loc := base
	loc.SeenAt = t0.In(time.FixedZone("CEST", 2*3600))
	if got, _ := fingerprint(&loc, nil); got != want {
		t.Error("the time zone of SeenAt changes the fingerprint")
	}
}

// cancelAfter is a context that reports itself canceled from the
// after+1-th call of Err on.
type cancelAfter struct {
	context.Context
	calls, after int
}

func (c *cancelAfter) Err() error {
	if c.calls++; c.calls > c.after {
		return context.Canceled
	}
	return nil
}

// TestServicesCallbackMayWrite: a reader streaming services does not
// block a Put made from its callback (re-derivation writes while it
// reads), and an error from the callback stops the stream unchanged.
func TestServicesCallbackMayWrite(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.EnsureSnapshot(ctx, "2026Q4-rederived", t0, Meta{}); err != nil {
		t.Fatal(err)
	}
	var items []ingest.Item
	for i := range 300 {
		a := netip.AddrFrom4([4]byte{10, 9, byte(i >> 8), byte(i)})
		items = append(items, item(shodanObs(a.String(), 6443, t0), k8sForbidden, awsTag))
	}
	if _, err := s.Put(ctx, "2026Q4", items, nil); err != nil {
		t.Fatal(err)
	}
	i := 0
	err := s.Services(ctx, "2026Q4", func(sv *model.Service) error {
		_, err := s.Put(ctx, "2026Q4-rederived", items[i:i+1], nil)
		i++
		return err
	})
	if err != nil || i != 300 {
		t.Fatalf("after %d services: %v", i, err)
	}
	if got, want := services(t, s, "2026Q4-rederived"), services(t, s, "2026Q4"); !reflect.DeepEqual(got, want) {
		t.Error("re-derived snapshot differs")
	}
	stop := errors.New("enough")
	n := 0
	err = s.Services(ctx, "2026Q4", func(*model.Service) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("callback error: %v after %d", err, n)
	}
}

// TestConcurrentPuts: goroutines sharing a Store never fail on SQLite's
// busy timeout, however short, and the result does not depend on their
// scheduling.
func TestConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	s0 := openTemp(t)
	s, err := OpenWith(ctx, s0.Path(), Options{BusyTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	items := benchItems(2000)
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			var err error
			for i := w * 250; i < (w+1)*250 && err == nil; i += 50 {
				_, err = s.Put(ctx, "2026Q4", items[i:i+50], nil)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got := services(t, s, "2026Q4")
	serial := openTemp(t)
	if _, err := serial.Put(ctx, "2026Q4", items, nil); err != nil {
		t.Fatal(err)
	}
	if want := services(t, serial, "2026Q4"); !reflect.DeepEqual(got, want) {
		t.Errorf("concurrent Puts give %d services, serial %d (or other values)", len(got), len(want))
	}
}

// TestCodecs checks the fast decoders against the standard library.
func TestCodecs(t *testing.T) {
	for _, s := range []string{
		"2026-10-02T14:03:11.482913000Z", "0001-01-01T00:00:00.000000001Z", "2024-02-29T23:59:59.999999999Z",
		"2026-02-29T00:00:00.000000000Z", "2026-04-31T00:00:00.000000000Z", "2026-13-01T00:00:00.000000000Z",
		"2026-10-02T24:00:00.000000000Z", "2026-10-02 14:03:11.482913000Z", "2026-10-02T14:03:11.48291300xZ",
		"2026-10-02T14:03:11Z", "",
	} {
		want, werr := time.Parse(timeFormat, s)
		got, gerr := parseTime(sql.NullString{String: s, Valid: true})
		if (werr == nil) != (gerr == nil) || !got.Equal(want) || (gerr == nil && got.Location() != time.UTC) {
			t.Errorf("parseTime(%q) = %v, %v; time.Parse gives %v, %v", s, got, gerr, want, werr)
		}
	}
	for _, h := range [][]string{
		{"a.example"}, {"", "x"}, {"a.example", "b.example", "c"}, {`quote"d`, "back\\slash", "comma\",\"split", "<b>&amp;"},
		{"\x1b[31m", "\u202e", "tab\tnew\nline"}, {`","`, `"]`},
	} {
		js, err := hostnamesJSON(h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseHostnames(js)
		if err != nil || !reflect.DeepEqual(got, h) {
			t.Errorf("hostnames %q → %s → %q, %v", h, js, got, err)
		}
	}
}

// TestHostnamesJSONMatchesMarshal holds hostnamesJSON's fast path to
// encoding/json byte for byte: the stored text is what json.Marshal
// writes, whatever the names hold.
func TestHostnamesJSONMatchesMarshal(t *testing.T) {
	cases := [][]string{
		{"a.example"}, {""}, {"", ""}, {"a-b.example.net", "c.example"}, {"UPPER.example", "0.0.0.0", "~!@#$%^*()_+={}|:;',.?/`"},
		{`q"`}, {`b\`}, {"<"}, {">"}, {"&"}, {"\x7f"}, {"\x00"}, {"é.example"}, {"\u2028"}, {"\xff\xfe"},
		{"ok.example", "tab\t"}, {" space ", "ok"},
	}
	for c := byte(0); c < 0x80; c++ {
		cases = append(cases, []string{"x" + string(c) + "y"})
	}
	for _, h := range cases {
		got, err := hostnamesJSON(h)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(h)
		if got != string(want) {
			t.Errorf("hostnamesJSON(%q) = %s, json.Marshal gives %s", h, got, want)
		}
	}
}
