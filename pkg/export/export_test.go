package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/reporttest"
	"github.com/orchex/orchex/pkg/store"
	"github.com/parquet-go/parquet-go"
)

// fakeStore serves fixed services and observations as the store does:
// sorted, one at a time.
type fakeStore struct {
	services     []model.Service
	observations []store.Observation
	failAfter    int // > 0: fail with errBroken after this many rows
}

var errBroken = errors.New("disk I/O error")

func (f *fakeStore) Services(ctx context.Context, snapshot string, fn func(*model.Service) error) error {
	n := 0
	return reporttest.Stream(f.services)(func(s *model.Service) error {
		if n++; f.failAfter > 0 && n > f.failAfter {
			return errBroken
		}
		return fn(s)
	})
}

func (f *fakeStore) Observations(ctx context.Context, snapshot string, fn func(*store.Observation) error) error {
	for i := range f.observations {
		o := f.observations[i]
		if err := fn(&o); err != nil {
			return err
		}
	}
	return nil
}

func meta() Meta {
	m := Meta{Snapshot: "2026Q4", CatalogVersion: "3"}
	for _, p := range reporttest.Products() {
		m.Products = append(m.Products, Product{ID: p.ID, Family: p.Family, Category: p.Category})
	}
	return m
}

func write(t *testing.T, src Source, o Options) ([]byte, Stats) {
	t.Helper()
	var b bytes.Buffer
	st, err := Write(context.Background(), &b, src, o)
	if err != nil {
		t.Fatalf("Write %s: %v", o.Format, err)
	}
	return b.Bytes(), st
}

func readParquet[T any](t *testing.T, b []byte) ([]T, *parquet.File) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a Parquet file: %v", err)
	}
	r := parquet.NewGenericReader[T](bytes.NewReader(b))
	defer r.Close()
	out := make([]T, r.NumRows())
	if n, err := r.Read(out); n != len(out) || (err != nil && err != io.EOF) {
		t.Fatalf("read %d of %d rows: %v", n, len(out), err)
	}
	return out, f
}

func TestParquetServices(t *testing.T) {
	src := &fakeStore{services: reporttest.Ten()}
	b, st := write(t, src, Options{Format: Parquet, Meta: meta()})
	if st.Rows != 10 || st.RowGroups != 1 {
		t.Errorf("stats %+v, want 10 rows in 1 row group", st)
	}
	rows, f := readParquet[ServiceRow](t, b)
	if len(rows) != 10 {
		t.Fatalf("%d rows, want 10", len(rows))
	}
	// The store's order: IPv4 numerically, then IPv6.
	if rows[0].Address != "3.5.140.2" || rows[0].Port != 443 || rows[9].Address != "2600:1f18::1" || rows[9].AddressFamily != "ipv6" {
		t.Errorf("order: first %s:%d, last %s (%s)", rows[0].Address, rows[0].Port, rows[9].Address, rows[9].AddressFamily)
	}
	want := ServiceRow{
		Snapshot: "2026Q4", CatalogVersion: "3", Address: "3.5.140.2", AddressFamily: "ipv4", Port: 443, Transport: "tcp",
		Product: "kubernetes-api", Family: "kubernetes", Category: "orchestration", Version: "v1.27.3",
		Auth: "open", AuthEvidence: `200 {"paths":[...]} on /`, Confidence: "high",
		Provider: "aws", Region: "us-east-1", USRegion: true, CloudSource: "ranges:aws@2026-09-29",
		Country: "US", Org: "Example Org", Engines: []string{"shodan"}, Hostnames: []string{"api.kubernetes-api.example.net"},
		Title: "kubernetes-api panel", FirstSeen: reporttest.Day().Add(-72 * time.Hour), LastSeen: reporttest.Day(),
	}
	if !reflect.DeepEqual(rows[0], want) {
		t.Errorf("row 1:\n got %+v\nwant %+v", rows[0], want)
	}
	for _, r := range rows {
		switch r.Address {
		case "2600:1f18::1":
			if !r.AuthConflict || !slices.Equal(r.Engines, []string{"shodan", "censys"}) {
				t.Errorf("%s: conflict %v engines %v", r.Address, r.AuthConflict, r.Engines)
			}
		case "203.0.113.7":
			if r.Provider != "" || r.USRegion || r.Confidence != "low" {
				t.Errorf("%s: provider %q us %v confidence %s", r.Address, r.Provider, r.USRegion, r.Confidence)
			}
		case "52.0.0.9": // AWS, region unknown: not US
			if r.Provider != "aws" || r.Region != "" || r.USRegion {
				t.Errorf("%s: provider %q region %q us %v", r.Address, r.Provider, r.Region, r.USRegion)
			}
		}
	}
	// Absent values are NULL, not empty strings, for SQL's count(col).
	for _, c := range []struct {
		col   string
		nulls int64
	}{{"version", 5}, {"region", 4}, {"provider", 2}, {"asn", 10}, {"city", 10}, {"auth_evidence", 3}} {
		leaf, ok := f.Schema().Lookup(c.col)
		if !ok {
			t.Fatalf("no column %s", c.col)
		}
		var nulls int64
		for _, rg := range f.RowGroups() {
			nulls += nullCount(t, rg.ColumnChunks()[leaf.ColumnIndex])
		}
		if nulls != c.nulls {
			t.Errorf("column %s: %d nulls, want %d", c.col, nulls, c.nulls)
		}
	}
}

func nullCount(t *testing.T, cc parquet.ColumnChunk) int64 {
	t.Helper()
	pages := cc.Pages()
	defer pages.Close()
	var n int64
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n += p.NumNulls()
		parquet.Release(p)
	}
}

// TestParquetSchema pins the column names, their order and their types,
// and the CSV header: the documented schema (docs/export.md) is this.
func TestParquetSchema(t *testing.T) {
	b, _ := write(t, &fakeStore{}, Options{Format: Parquet, Meta: meta()})
	_, f := readParquet[ServiceRow](t, b)
	var got []string
	for _, fld := range f.Schema().Fields() {
		got = append(got, fld.Name()+" "+typeName(fld))
	}
	want := []string{
		"snapshot STRING", "catalog_version STRING", "address STRING", "address_family STRING", "port INT(32,true)",
		"transport STRING", "product STRING", "family STRING?", "category STRING?", "version STRING?",
		"product_evidence STRING?", "auth STRING", "auth_evidence STRING?", "confidence STRING",
		"auth_conflict BOOLEAN", "provider STRING?", "region STRING?", "us_region BOOLEAN",
		"cloud_service STRING?", "cloud_source STRING?", "country STRING?", "city STRING?", "asn INT(64,true)?",
		"org STRING?", "engines LIST<STRING>", "hostnames LIST<STRING>", "title STRING?",
		"first_seen TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)?", "last_seen TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)?",
		"honeypot BOOLEAN",
	}
	if !slices.Equal(got, want) {
		t.Errorf("schema:\n got %q\nwant %q", got, want)
	}
	var names []string
	for _, fld := range f.Schema().Fields() {
		names = append(names, fld.Name())
	}
	if !slices.Equal(names, serviceColumns()) {
		t.Errorf("CSV columns %v differ from the Parquet columns %v", serviceColumns(), names)
	}
	ob, _ := write(t, &fakeStore{}, Options{Format: Parquet, Observations: true, Meta: meta()})
	_, of := readParquet[ObservationRow](t, ob)
	names = names[:0]
	for _, fld := range of.Schema().Fields() {
		names = append(names, fld.Name())
	}
	if !slices.Equal(names, observationColumns()) {
		t.Errorf("observation CSV columns %v differ from the Parquet columns %v", observationColumns(), names)
	}
}

func typeName(n parquet.Node) string {
	s := ""
	switch {
	case n.Type().LogicalType() != nil && n.Type().LogicalType().String() == "LIST":
		s = "LIST<" + typeName(n.Fields()[0].Fields()[0]) + ">"
	case n.Type().LogicalType() != nil && n.Type().LogicalType().String() != "":
		s = n.Type().LogicalType().String()
	default:
		s = n.Type().Kind().String()
	}
	if n.Optional() {
		s += "?"
	}
	return s
}

// TestParquetHeadline computes the report's headline from the Parquet
// rows the way docs/export.md's SQL does, and checks it against
// report.Build on the same services.
func TestParquetHeadline(t *testing.T) {
	for name, ss := range map[string][]model.Service{"ten": reporttest.Ten(), "hostile": reporttest.HostileServices()} {
		t.Run(name, func(t *testing.T) {
			b, _ := write(t, &fakeStore{services: ss}, Options{Format: Parquet, Meta: meta()})
			rows, _ := readParquet[ServiceRow](t, b)
			m := reporttest.Meta()
			v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
			if err != nil {
				t.Fatal(err)
			}
			if got := headline(rows); got != v.Headline {
				t.Errorf("headline from Parquet\n got %+v\nwant %+v", got, v.Headline)
			}
		})
	}
}

// headline is docs/export.md's headline SQL, in Go.
func headline(rows []ServiceRow) report.Headline {
	var h report.Headline
	hosts := map[string]bool{}
	for _, r := range rows {
		h.Services++
		hosts[r.Address] = true
		switch r.Auth {
		case "open":
			h.Open++
		case "auth_required":
			h.AuthRequired++
		case "unknown":
			h.Unknown++
		}
		if strings.EqualFold(r.Family, "kubernetes") {
			h.KubernetesServices++
			if r.Auth == "open" {
				h.KubernetesOpen++
			}
		}
		if r.Provider == "aws" {
			h.AWSServices++
			if r.USRegion {
				h.AWSUSServices++
			}
		}
	}
	h.Hosts = len(hosts)
	div := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return float64(n) / float64(d)
	}
	h.OpenShare, h.KubernetesShare = div(h.Open, h.Services), div(h.KubernetesServices, h.Services)
	h.AWSShare, h.AWSUSShare = div(h.AWSServices, h.Services), div(h.AWSUSServices, h.AWSServices)
	return h
}

func TestParquetDeterministic(t *testing.T) {
	src := &fakeStore{services: reporttest.Ten()}
	a, _ := write(t, src, Options{Format: Parquet, Meta: meta()})
	b, _ := write(t, src, Options{Format: Parquet, Meta: meta()})
	if !bytes.Equal(a, b) {
		t.Fatal("two exports of one snapshot differ")
	}
	_, f := readParquet[ServiceRow](t, a)
	md := f.Metadata()
	if md.CreatedBy != CreatedBy {
		t.Errorf("created_by %q, want %q", md.CreatedBy, CreatedBy)
	}
	kv := map[string]string{}
	for _, x := range md.KeyValueMetadata {
		kv[x.Key] = x.Value
	}
	wantKV := map[string]string{"orchex.schema_version": "2", "orchex.rows": "services", "orchex.snapshot": "2026Q4", "orchex.catalog_version": "3"}
	if !reflect.DeepEqual(kv, wantKV) {
		t.Errorf("key-value metadata %v, want %v", kv, wantKV)
	}
	for _, c := range md.RowGroups[0].Columns {
		if c.MetaData.Codec.String() != "ZSTD" {
			t.Errorf("column %v compressed with %s, want ZSTD", c.MetaData.PathInSchema, c.MetaData.Codec)
		}
	}
}

// many returns n distinct services.
func many(n int) []model.Service {
	out := make([]model.Service, n)
	base := reporttest.Ten()
	for i := range out {
		s := base[i%len(base)]
		s.Addr = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		out[i] = s
	}
	return out
}

func TestParquetRowGroups(t *testing.T) {
	ss := many(RowGroupRows + 5000)
	b, st := write(t, &fakeStore{services: ss}, Options{Format: Parquet, Meta: meta()})
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	groups := f.RowGroups()
	if st.RowGroups != 2 || len(groups) != 2 || groups[0].NumRows() != RowGroupRows || groups[1].NumRows() != 5000 {
		t.Errorf("stats %+v; %d row groups", st, len(groups))
	}
	if f.NumRows() != int64(len(ss)) {
		t.Errorf("%d rows, want %d", f.NumRows(), len(ss))
	}
}

func TestParquetRowGroupBytes(t *testing.T) {
	// Titles that do not compress reach a byte limit of 1 MiB long
	// before the row limit.
	ss := many(4000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range ss {
		var b strings.Builder
		for range 64 {
			fmt.Fprintf(&b, "%016x", r.Uint64())
		}
		ss[i].Title = b.String()
	}
	var b bytes.Buffer
	st, err := writeLimited(context.Background(), &b, &fakeStore{services: ss}, Options{Format: Parquet, Meta: meta()}, limits{rows: RowGroupRows, bytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	rows, f := readParquet[ServiceRow](t, b.Bytes())
	if len(rows) != len(ss) || st.Rows != len(ss) {
		t.Fatalf("%d rows read, stats %+v", len(rows), st)
	}
	// About 4.2 MB of titles: 4 or 5 row groups of 1,024-row batches.
	if st.RowGroups < 4 || len(f.RowGroups()) != st.RowGroups {
		t.Errorf("%d row groups (stats %d), want at least 4", len(f.RowGroups()), st.RowGroups)
	}
	for i := range rows {
		if rows[i].Title != ss[i].Title {
			t.Fatalf("row %d: title changed", i+1)
		}
	}
}

func TestParquetObservations(t *testing.T) {
	t0 := time.Date(2026, 10, 1, 8, 0, 0, 123456000, time.UTC)
	obs := []store.Observation{
		{Engine: model.Shodan, QueryID: "kubernetes-api/shodan/1", RecordID: "abc", Key: model.Key{Addr: netip.MustParseAddr("192.0.2.1"), Port: 6443, Transport: "tcp"},
			SeenAt: t0, Product: "kubernetes-api", Version: "v1.31.0", Auth: model.AuthRequired, AuthEvidence: "403", Confidence: model.High, Fingerprint: "00ff"},
		{Engine: model.Censys, Key: model.Key{Addr: netip.MustParseAddr("2001:db8::1"), Port: 443, Transport: "tcp"},
			Product: "etcd", Auth: "", Confidence: model.Low, Fingerprint: "0100"},
	}
	b, st := write(t, &fakeStore{observations: obs}, Options{Format: Parquet, Observations: true, Meta: meta()})
	rows, f := readParquet[ObservationRow](t, b)
	if st.Rows != 2 || len(rows) != 2 {
		t.Fatalf("stats %+v, %d rows", st, len(rows))
	}
	want := []ObservationRow{
		{Snapshot: "2026Q4", Address: "192.0.2.1", AddressFamily: "ipv4", Port: 6443, Transport: "tcp", Engine: "shodan",
			QueryID: "kubernetes-api/shodan/1", RecordID: "abc", SeenAt: t0, Product: "kubernetes-api", Version: "v1.31.0",
			Auth: "auth_required", AuthEvidence: "403", Confidence: "high", Fingerprint: "00ff"},
		{Snapshot: "2026Q4", Address: "2001:db8::1", AddressFamily: "ipv6", Port: 443, Transport: "tcp", Engine: "censys",
			Product: "etcd", Auth: "unknown", Confidence: "low", Fingerprint: "0100"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", rows, want)
	}
	for _, x := range f.Metadata().KeyValueMetadata {
		if x.Key == "orchex.rows" && x.Value != "observations" {
			t.Errorf("orchex.rows = %q", x.Value)
		}
	}
}

func TestCSV(t *testing.T) {
	b, st := write(t, &fakeStore{services: reporttest.Ten()}, Options{Format: CSV, Meta: meta()})
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if st.Rows != 10 || len(rows) != 11 {
		t.Fatalf("stats %+v, %d CSV rows", st, len(rows))
	}
	if !slices.Equal(rows[0], serviceColumns()) {
		t.Errorf("header %v", rows[0])
	}
	wantRow := "2026Q4,3,3.5.140.2,ipv4,443,tcp,kubernetes-api,kubernetes,orchestration,v1.27.3,,open," +
		`200 {"paths":[...]} on /,high,false,aws,us-east-1,true,,ranges:aws@2026-09-29,US,,,Example Org,shodan,` +
		"api.kubernetes-api.example.net,kubernetes-api panel,2026-09-28T00:00:00Z,2026-10-01T00:00:00Z,false"
	if got := strings.Join(rows[1], ","); got != wantRow {
		t.Errorf("row 1\n got %s\nwant %s", got, wantRow)
	}
	if got := rows[10][24]; got != "shodan censys" {
		t.Errorf("engines of the IPv6 service = %q", got)
	}

	// No rows: the header alone.
	b, _ = write(t, &fakeStore{}, Options{Format: CSV, Meta: meta()})
	if got := string(b); got != strings.Join(serviceColumns(), ",")+"\n" {
		t.Errorf("empty export: %q", got)
	}
}

// TestCSVHostile checks that no cell of hostile text can run as a
// spreadsheet formula or break a row.
func TestCSVHostile(t *testing.T) {
	ss := reporttest.HostileServices()
	b, _ := write(t, &fakeStore{services: ss}, Options{Format: CSV, Meta: meta()})
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if len(rows) != len(ss)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(ss)+1)
	}
	for i, row := range rows[1:] {
		for j, cell := range row {
			c := strings.TrimLeft(cell, " ")
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("row %d column %s: cell %q starts a formula", i+1, rows[0][j], cell)
			}
			if strings.ContainsAny(cell, "\n\r\x1b\u202e") {
				t.Errorf("row %d column %s: cell %q holds a control character", i+1, rows[0][j], cell)
			}
		}
	}
	if !bytes.Contains(b, []byte(`'=HYPERLINK(""http://evil"")`)) {
		t.Error("a formula title is not quoted with a leading '")
	}
}

func TestCSVObservations(t *testing.T) {
	obs := []store.Observation{{Engine: model.Shodan, Key: model.Key{Addr: netip.MustParseAddr("192.0.2.1"), Port: 80, Transport: "tcp"},
		Product: "=cmd()", Auth: model.AuthOpen, Confidence: model.High, Fingerprint: "ab",
		SeenAt: time.Date(2026, 10, 1, 0, 0, 0, 5, time.UTC)}}
	b, _ := write(t, &fakeStore{observations: obs}, Options{Format: CSV, Observations: true, Meta: meta()})
	want := strings.Join(observationColumns(), ",") + "\n" +
		"2026Q4,192.0.2.1,ipv4,80,tcp,shodan,,,2026-10-01T00:00:00.000000005Z,'=cmd(),,open,,high,ab\n"
	if string(b) != want {
		t.Errorf("CSV\n got %q\nwant %q", b, want)
	}
}

func TestNDJSON(t *testing.T) {
	ss := reporttest.Ten()
	b, st := write(t, &fakeStore{services: ss}, Options{Format: NDJSON, Meta: meta()})
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if st.Rows != 10 || len(lines) != 10 {
		t.Fatalf("stats %+v, %d lines", st, len(lines))
	}
	if !strings.HasPrefix(lines[0], `{"orchex":"service/v1","addr":"3.5.140.2","port":443,`) {
		t.Errorf("line 1: %s", lines[0])
	}
	// The re-import is tested end to end in pkg/cli (TestExportNDJSONRoundTrip).

	// A service the importer would reject is not written: the export
	// stops with an error naming it; Parquet and CSV carry it.
	bad := reporttest.Ten()
	bad[3].Engines = 0
	_, err := Write(context.Background(), io.Discard, &fakeStore{services: bad}, Options{Format: NDJSON, Meta: meta()})
	if !errors.Is(err, ErrNotImportable) || !strings.Contains(err.Error(), "18.60.0.1:6443 lists no engine") {
		t.Errorf("service without engines: %v, want ErrNotImportable naming it", err)
	}
	for _, f := range []Format{Parquet, CSV} {
		if _, err := Write(context.Background(), io.Discard, &fakeStore{services: bad}, Options{Format: f, Meta: meta()}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Write(ctx, io.Discard, &fakeStore{}, Options{Format: NDJSON, Observations: true}); !errors.Is(err, ErrFormat) {
		t.Errorf("observations as NDJSON: %v, want ErrFormat", err)
	}
	if _, err := Write(ctx, io.Discard, &fakeStore{}, Options{Format: "xlsx"}); !errors.Is(err, ErrFormat) {
		t.Errorf("xlsx: %v, want ErrFormat", err)
	}
	for _, f := range Formats() {
		src := &fakeStore{services: reporttest.Ten(), failAfter: 4}
		_, err := Write(ctx, io.Discard, src, Options{Format: f, Meta: meta()})
		if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), `snapshot "2026Q4"`) {
			t.Errorf("%s: error %v, want the store's error naming the snapshot", f, err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Write(cctx, io.Discard, &fakeStore{services: reporttest.Ten()}, Options{Format: f, Meta: meta()}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled: %v", f, err)
		}
		if _, err := Write(ctx, failWriter{}, &fakeStore{services: many(5000)}, Options{Format: f, Meta: meta()}); !errors.Is(err, errFull) {
			t.Errorf("%s: writer error %v, want errFull", f, err)
		}
	}
}

var errFull = errors.New("no space left on device")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFull }

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"parquet": Parquet, "NDJSON": NDJSON, "jsonl": NDJSON, "csv": CSV} {
		if f, err := ParseFormat(in); f != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := ParseFormat("json"); !errors.Is(err, ErrFormat) {
		t.Errorf("json: %v", err)
	}
	for in, want := range map[string]Format{"out/s.parquet": Parquet, "s.ndjson": NDJSON, "a.b.csv": CSV, "s": "", "s.json": ""} {
		if f, _ := FormatOf(in); f != want {
			t.Errorf("FormatOf(%q) = %q, want %q", in, f, want)
		}
	}
}

// TestHoneypotsLeftOut checks that a honeypot host's services and their
// observations are left out of the Parquet and CSV exports unless
// IncludeHoneypots, as reports leave them out, and kept (marked) with it.
func TestHoneypotsLeftOut(t *testing.T) {
	ss := reporttest.Ten()
	ss[1].Honeypot = model.HoneypotShodanTag // 3.5.140.2:10250
	decoy := ss[1].Key
	var obs []store.Observation
	for _, s := range ss {
		obs = append(obs, store.Observation{Engine: model.Shodan, Key: s.Key, Product: s.Product, Auth: s.Auth, Confidence: model.High, Fingerprint: "aa"})
	}
	src := &fakeStore{services: ss, observations: obs}
	for _, include := range []bool{false, true} {
		want := len(ss)
		if !include {
			want--
		}
		b, st := write(t, src, Options{Format: CSV, Meta: meta(), IncludeHoneypots: include})
		has := strings.Contains(string(b), "\n2026Q4,3,3.5.140.2,ipv4,10250,")
		if st.Rows != want || has != include {
			t.Errorf("services, include %v: %d rows (want %d), decoy listed %v", include, st.Rows, want, has)
		}
		b, st = write(t, src, Options{Format: CSV, Observations: true, Meta: meta(), IncludeHoneypots: include})
		has = strings.Contains(string(b), "\n2026Q4,"+decoy.Addr.String()+",ipv4,10250,")
		if st.Rows != want || has != include {
			t.Errorf("observations, include %v: %d rows (want %d), decoy listed %v", include, st.Rows, want, has)
		}
		pq, _ := write(t, src, Options{Format: Parquet, Observations: true, Meta: meta(), IncludeHoneypots: include})
		rows, _ := readParquet[ObservationRow](t, pq)
		if len(rows) != want {
			t.Errorf("parquet observations, include %v: %d rows, want %d", include, len(rows), want)
		}
	}
}
