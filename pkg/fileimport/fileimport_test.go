package fileimport

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/store"
)

var at = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// banners returns n Shodan banners of a small demo population, from the
// from-th, as a 'shodan download' file's lines.
func banners(from, n int) []byte {
	var b bytes.Buffer
	for _, s := range demo.Generate(demo.Config{Seed: 19, Size: 400}).Services[from : from+n] {
		b.Write(s.ShodanBanner(s.SeenAt))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// setup opens a store and returns a config importing files into 2026Q4,
// its events recorded by type name and file.
func setup(t *testing.T, files ...string) (Config, *[]string) {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var events []string
	cfg := Config{Files: files, Snapshot: "2026Q4", Catalog: cat, Tagger: cloud.NewTagger(nil), Store: st, Workers: 2,
		Feeds: []store.FeedMeta{{Provider: "aws", Date: "2026-11-01"}}, Now: func() time.Time { return at },
		Events: func(e Event) {
			name := reflect.TypeOf(e).Name()
			switch e := e.(type) {
			case FileStarted:
				name += " " + filepath.Base(e.File)
			case FileRead:
				name += " " + filepath.Base(e.File)
			case FileDone:
				name += " " + filepath.Base(e.File)
			}
			events = append(events, name)
		}}
	return cfg, &events
}

// TestRun: two files, one with a bad line, are imported in order; the bad
// record is counted; the method records the inputs, the engine, the
// feeds; each import is recorded.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.json", banners(0, 20))
	b := write(t, dir, "b.json", append(banners(20, 10), []byte("{not json\n")...))
	cfg, events := setup(t, a, b)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bad != 1 {
		t.Errorf("Bad = %d, want 1", res.Bad)
	}
	want := []string{"FileStarted a.json", "FileRead a.json", "FileDone a.json", "FileStarted b.json", "FileRead b.json", "FileDone b.json"}
	if !reflect.DeepEqual(*events, want) {
		t.Errorf("events %q, want %q", *events, want)
	}
	ctx := context.Background()
	snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	m := snap.Meta
	if !reflect.DeepEqual(m.Inputs, []string{"a.json", "b.json"}) || len(m.Engines) != 1 || m.Engines[0].API != "file:shodan-download" ||
		len(m.Feeds) != 1 || m.CatalogVersion != cfg.Catalog.Version() || !m.Complete() || snap.Services == 0 {
		t.Errorf("snapshot %+v", snap)
	}
	ims, err := cfg.Store.Imports(ctx, "2026Q4")
	if err != nil || len(ims) != 2 || ims[1].Bad != 1 || ims[0].Read != 20 || !ims[0].At.Equal(at) {
		t.Errorf("imports %+v, %v", ims, err)
	}
}

// TestRunTruncated: a .gz cut short leaves the snapshot marked
// incomplete, with where it broke; the whole file imported again clears
// the mark.
func TestRunTruncated(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(banners(0, 40))
	zw.Close()
	cut := write(t, dir, "k8s.json.gz", gz.Bytes()[:gz.Len()*2/3])
	cfg, _ := setup(t, cut)
	ctx := context.Background()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if res.Bad < 1 || snap.Meta.Complete() || snap.Meta.Incomplete[0].Run != "the import of k8s.json.gz" {
		t.Fatalf("truncated: bad %d, marks %+v", res.Bad, snap.Meta.Incomplete)
	}
	// The mark is printed in every report: it names the file as the
	// method does, by its base name, whatever directory it was read from.
	if r := snap.Meta.Incomplete[0].Reasons; len(r) != 1 || strings.Contains(r[0], dir) || !strings.HasPrefix(r[0], "k8s.json.gz:") {
		t.Errorf("truncated: reasons %q; want them to name k8s.json.gz, not its directory", r)
	}
	write(t, dir, "k8s.json.gz", gz.Bytes())
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if snap, _ = cfg.Store.Snapshot(ctx, "2026Q4"); !snap.Meta.Complete() {
		t.Errorf("the whole file did not clear the mark: %+v", snap.Meta.Incomplete)
	}
}

// TestRunNothingStored: a run that creates the snapshot and stores
// nothing (its one file cannot be opened) removes it and says so;
// Validate refuses a bad file and writes nothing.
func TestRunNothingStored(t *testing.T) {
	dir := t.TempDir()
	cfg, events := setup(t, filepath.Join(dir, "gone.json"))
	ctx := context.Background()
	if _, err := Run(ctx, cfg); err == nil || !strings.Contains(err.Error(), "gone.json") {
		t.Fatalf("Run: %v, want an error naming gone.json", err)
	}
	if got := (*events)[len(*events)-1]; got != "SnapshotRemoved" {
		t.Errorf("last event %s, want SnapshotRemoved", got)
	}
	if _, err := cfg.Store.Snapshot(ctx, "2026Q4"); !errors.Is(err, store.ErrNoSnapshot) {
		t.Errorf("the empty snapshot stayed: %v", err)
	}
	good := write(t, dir, "good.json", banners(0, 5))
	bad := write(t, dir, "bad.json", []byte("{not json\n"))
	cfg.Files, cfg.Store = []string{good, bad}, nil
	if err := Validate(ctx, cfg); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("Validate: %v, want an error naming bad.json", err)
	}
}

// TestRunSameNameTruncated: two files of one base name in one run (the
// marks name files by base name), the first cut short: the second,
// complete, must not clear the first one's mark, or the snapshot would
// read as complete without the rest of the first file.
func TestRunSameNameTruncated(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(banners(0, 40))
	zw.Close()
	shodan, censys := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, d := range []string{shodan, censys} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cut := write(t, shodan, "k8s.json.gz", gz.Bytes()[:gz.Len()*2/3])
	whole := write(t, censys, "k8s.json.gz", banners(40, 20)) // other records
	cfg, _ := setup(t, cut, whole)
	ctx := context.Background()
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Meta.Complete() {
		t.Errorf("%s was cut short, but the complete %s of the same name cleared its mark", cut, whole)
	}
}

// TestRunStoppedKeepsMethod: a run stopped by an error at its second file
// (no known format) keeps the first file's services, and the snapshot's
// method says where they came from: the input, its engine, the feeds.
func TestRunStoppedKeepsMethod(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.json", banners(0, 20))
	b := write(t, dir, "b.txt", []byte("hello, not a Shodan or Censys file\n"))
	cfg, _ := setup(t, a, b)
	ctx := context.Background()
	if _, err := Run(ctx, cfg); err == nil || !strings.Contains(err.Error(), "b.txt") {
		t.Fatalf("Run: %v, want an error naming b.txt", err)
	}
	snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	m := snap.Meta
	if snap.Services == 0 || !reflect.DeepEqual(m.Inputs, []string{"a.json"}) || len(m.Engines) != 1 ||
		m.Engines[0].API != "file:shodan-download" || len(m.Feeds) != 1 {
		t.Errorf("%d services stored from a.json, method %+v: want a.json, its engine and the feeds", snap.Services, m)
	}
}

// TestRunStoppedMarksTheRest: a run stopped by an error at its second
// file (no known format) marks the files it never reached, so that no
// report reads the snapshot as their census; the refused file itself
// holds nothing of the census and is not marked; importing the file
// that was not reached clears its mark.
func TestRunStoppedMarksTheRest(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.json", banners(0, 20))
	b := write(t, dir, "b.txt", []byte("hello, not a Shodan or Censys file\n"))
	c := write(t, dir, "c.json", banners(20, 20))
	cfg, _ := setup(t, a, b, c)
	ctx := context.Background()
	if _, err := Run(ctx, cfg); err == nil {
		t.Fatal("Run: no error for b.txt")
	}
	snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"the import of c.json: not imported: the import stopped at b.txt"}
	if got := snap.Meta.IncompleteReasons(); !reflect.DeepEqual(got, want) {
		t.Errorf("incomplete reasons %q, want %q", got, want)
	}
	cfg.Files = []string{c}
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if snap, err = cfg.Store.Snapshot(ctx, "2026Q4"); err != nil || !snap.Meta.Complete() {
		t.Errorf("after importing c.json: %v, reasons %q", err, snap.Meta.IncompleteReasons())
	}
}

// TestRunMarksWhileRunning: while a run reads its files, the snapshot is
// marked incomplete for every file not yet read whole (a report made
// then, or after the process was killed, is flagged); the run's end
// clears the marks; a file of which nothing could be read leaves the
// mark it had before the run (here an earlier truncation's).
func TestRunMarksWhileRunning(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.json", banners(0, 20))
	b := write(t, dir, "b.json", banners(20, 10))
	cfg, _ := setup(t, a, b)
	ctx := context.Background()
	var during []store.Incomplete
	events := cfg.Events
	cfg.Events = func(e Event) {
		if s, ok := e.(FileStarted); ok && filepath.Base(s.File) == "b.json" {
			snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
			if err != nil {
				t.Fatal(err)
			}
			during = snap.Meta.Incomplete
		}
		events(e)
	}
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if len(during) != 1 || during[0].Run != "the import of b.json" || !strings.HasPrefix(during[0].Reasons[0], "not finished") {
		t.Errorf("marks while b.json was read: %+v; want b.json's, not finished", during)
	}
	snap, err := cfg.Store.Snapshot(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Meta.Complete() {
		t.Fatalf("marks after the run: %+v", snap.Meta.Incomplete)
	}

	earlier := store.Incomplete{Run: "the import of c.json", Reasons: []string{"c.json:9: cut short"}, At: at}
	if err := cfg.Store.MarkIncomplete(ctx, "2026Q4", earlier); err != nil {
		t.Fatal(err)
	}
	cfg.Files, cfg.Events = []string{write(t, dir, "c.json", []byte("no known format\n"))}, events
	if _, err := Run(ctx, cfg); err == nil {
		t.Fatal("a file of no known format was imported")
	}
	snap, _ = cfg.Store.Snapshot(ctx, "2026Q4")
	if len(snap.Meta.Incomplete) != 1 || !reflect.DeepEqual(snap.Meta.Incomplete[0].Reasons, earlier.Reasons) {
		t.Errorf("marks after a file of which nothing was read: %+v; want the earlier one", snap.Meta.Incomplete)
	}
}
