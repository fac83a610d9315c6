package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/store"
)

// runSnap runs orchex with args against db, with stdin, and returns the
// exit code and both streams.
func runSnap(t *testing.T, db, stdin string, args ...string) (ExitCode, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	}
	code := Main(context.Background(), append([]string{"--db", db}, args...), env)
	return code, out.String(), errb.String()
}

// seedSnapshots writes two snapshots: 2026Q3 (one Shodan service) and
// 2026Q4 (the same service seen by both engines, plus an IPv6 one), with
// metadata and an import record.
func seedSnapshots(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "orchex.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seen := time.Date(2026, 10, 2, 14, 3, 11, 0, time.UTC)
	mk := func(e model.Engine, addr string, auth model.Auth) ingest.Item {
		o := model.Observation{Engine: e, QueryID: "kubernetes-api/" + string(e) + "/1", Addr: netip.MustParseAddr(addr),
			Port: 6443, Transport: "tcp", Country: "IE", SeenAt: seen}
		c := model.Classification{Product: "kubernetes-api", Auth: auth, AuthEvidence: "403 system:anonymous on /", Confidence: model.High}
		return ingest.Item{Obs: o, Class: c, Service: normalize.Service(&o, c, model.CloudTag{})}
	}
	q3 := store.Meta{CatalogVersion: "6", Engines: []store.EngineMeta{{Name: "shodan", API: "rest"}}}
	if _, err := st.EnsureSnapshot(ctx, "2026Q3", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), q3); err != nil {
		t.Fatal(err)
	}
	q4 := store.Meta{
		CatalogVersion: "7",
		Engines:        []store.EngineMeta{{Name: "shodan", API: "rest"}, {Name: "censys", API: "v3"}},
		Feeds:          []store.FeedMeta{{Provider: "aws", Date: "2026-09-30"}},
		Queries: []store.QueryMeta{{ID: "kubernetes-api/shodan/1", Engine: "shodan", Text: `ssl:"kube-apiserver"`,
			Total: 2500, Pages: 10, Fetched: 1000, Truncated: "max-pages"}},
		Inputs: []string{"censys-hits.json"},
		Notes:  []string{"evil \x1b[2J\x1b[31mnote\u202e\tend"},
		Incomplete: []store.Incomplete{{Run: "query kubernetes-api/shodan/1 (shodan)", Reasons: []string{"stopped at the page cap after 10 pages"},
			At: time.Date(2026, 10, 2, 15, 0, 0, 0, time.UTC)}},
	}
	if _, err := st.EnsureSnapshot(ctx, "2026Q4", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), q4); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "2026Q3", []ingest.Item{mk(model.Shodan, "52.211.96.7", model.AuthRequired)}, nil); err != nil {
		t.Fatal(err)
	}
	page := &model.RawPage{Engine: model.Shodan, QueryID: "kubernetes-api/shodan/1", Page: 1, Credits: 1, Body: []byte(`{"matches":[],"total":2500}`), FetchedAt: seen}
	items := []ingest.Item{mk(model.Shodan, "52.211.96.7", model.AuthRequired), mk(model.Censys, "52.211.96.7", model.AuthRequired), mk(model.Censys, "2001:db8::7", model.AuthOpen)}
	if _, err := st.Put(ctx, "2026Q4", items, page); err != nil {
		t.Fatal(err)
	}
	im := store.Import{File: "censys-hits.json", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Engine: model.Censys, Format: "censys-v3-search", Read: 3, Kept: 2, Bad: 0, Skipped: 1, At: seen}
	if _, err := st.RecordImport(ctx, "2026Q4", im); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSnapshotsListNoDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "absent.db")
	code, out, errs := runSnap(t, db, "", "snapshots", "list")
	if code != ExitFailure || out != "" || !strings.Contains(errs, "no database at "+db) || !strings.Contains(errs, "orchex import or collect") {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Error("snapshots list created the database")
	}
}

func TestSnapshotsList(t *testing.T) {
	db := seedSnapshots(t)
	code, out, errs := runSnap(t, db, "", "snapshots", "list")
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errs)
	}
	want := "" +
		"LABEL   CREATED               SERVICES  HOSTS  OBSERVATIONS  CATALOG  ENGINES                     COMPLETE\n" +
		"2026Q3  2026-07-01T00:00:00Z  1         1      1             6        shodan (rest)               yes\n" +
		"2026Q4  2026-10-01T00:00:00Z  2         2      3             7        censys (v3), shodan (rest)  no\n"
	if out != want {
		t.Errorf("table:\n%s\nwant:\n%s", out, want)
	}

	code, out, errs = runSnap(t, db, "", "snapshots", "list", "--format", "json")
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errs)
	}
	var list []assemble.SnapshotEntry
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Label != "2026Q4" || list[1].Services != 2 || list[1].Observations != 3 ||
		list[1].CatalogVersion != "7" || len(list[1].Engines) != 2 || list[0].Created != "2026-07-01T00:00:00Z" ||
		!list[0].Complete || list[1].Complete {
		t.Errorf("json: %+v", list)
	}

	if code, _, errs := runSnap(t, db, "", "snapshots", "list", "--format", "yaml"); code != ExitUsage {
		t.Errorf("bad format: code %d, %s", code, errs)
	}
}

func TestSnapshotsShow(t *testing.T) {
	db := seedSnapshots(t)
	code, out, errs := runSnap(t, db, "", "snapshots", "show", "2026Q4")
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{
		"Snapshot         2026Q4\n",
		"Catalog version  7\n",
		"Services         2\n",
		"Complete         no\n",
		"Incomplete       query kubernetes-api/shodan/1 (shodan): stopped at the page cap after 10 pages\n",
		"Engines          censys (v3), shodan (rest)\n",
		"Range feeds      aws 2026-09-30\n",
		"Inputs           censys-hits.json\n",
		"censys  2             2         1                 0      0\n",
		"shodan  1             1         0                 1      1\n",
		"shodan  kubernetes-api/shodan/1  2500   10     1000     max-pages  ssl:\"kube-apiserver\"\n",
		"censys-hits.json  censys  censys-v3-search  3     2     0    1        2026-10-02T14:03:11Z  9f86d081884c\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("terminal escapes or bidi overrides reached stdout: %q", out)
	}

	code, out, errs = runSnap(t, db, "", "snapshots", "show", "--format", "json", "2026Q4")
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errs)
	}
	var v assemble.SnapshotDetail
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Hosts != 2 || len(v.ByEngine) != 2 || v.ByEngine[1].Credits != 1 || len(v.Imports) != 1 ||
		v.Imports[0].Kept != 2 || v.Meta.Queries[0].Truncated != "max-pages" {
		t.Errorf("json: %+v", v)
	}

	if code, _, errs := runSnap(t, db, "", "snapshots", "show", "1999Q1"); code != ExitFailure || !strings.Contains(errs, "no such snapshot") {
		t.Errorf("unknown label: code %d, %s", code, errs)
	}
	if code, _, errs := runSnap(t, db, "", "snapshots", "show"); code != ExitUsage || !strings.Contains(errs, "LABEL") {
		t.Errorf("no label: code %d, %s", code, errs)
	}
	if code, out, errs := runSnap(t, db, "", "snapshots", "show", "2026Q4", "--format", "json"); code != ExitOK || !strings.HasPrefix(out, "{") {
		t.Errorf("flag after the label: code %d, %s%s", code, out, errs)
	}
}

func TestSnapshotsRename(t *testing.T) {
	db := seedSnapshots(t)
	if code, _, errs := runSnap(t, db, "", "snapshots", "rename", "2026Q4", "2026Q3"); code != ExitFailure || !strings.Contains(errs, "already exists") {
		t.Errorf("rename onto an existing label: code %d, %s", code, errs)
	}
	if code, _, errs := runSnap(t, db, "", "snapshots", "rename", "2026Q4", "../x"); code != ExitUsage || !strings.Contains(errs, "invalid snapshot label") {
		t.Errorf("bad label: code %d, %s", code, errs)
	}
	code, _, errs := runSnap(t, db, "", "snapshots", "rename", "2026Q4", "2026Q4-final")
	if code != ExitOK || !strings.Contains(errs, "renamed snapshot 2026Q4 to 2026Q4-final") {
		t.Fatalf("code %d: %s", code, errs)
	}
	_, out, _ := runSnap(t, db, "", "snapshots", "list")
	if !strings.Contains(out, "\n2026Q4-final  ") || strings.Contains(out, "\n2026Q4  ") {
		t.Errorf("after rename:\n%s", out)
	}
	if code, _, errs := runSnap(t, db, "", "--quiet", "snapshots", "rename", "2026Q4-final", "2026Q4"); code != ExitOK || errs != "" {
		t.Errorf("quiet rename: code %d, stderr %q", code, errs)
	}
}

func TestSnapshotsRm(t *testing.T) {
	db := seedSnapshots(t)
	exists := func(label string) bool {
		_, out, _ := runSnap(t, db, "", "snapshots", "list")
		return strings.Contains(out, "\n"+label+" ")
	}
	for _, answer := range []string{"", "n\n", "no\n", "yes please\n"} {
		code, out, errs := runSnap(t, db, answer, "snapshots", "rm", "2026Q4")
		if code != ExitFailure || out != "" || !strings.Contains(errs, "Remove snapshot 2026Q4 (2 services, 3 observations)") ||
			!strings.Contains(errs, "nothing was removed") {
			t.Errorf("answer %q: code %d, stderr %q", answer, code, errs)
		}
		if !exists("2026Q4") {
			t.Fatalf("answer %q removed the snapshot", answer)
		}
	}
	code, _, errs := runSnap(t, db, "y\n", "snapshots", "rm", "2026Q4")
	if code != ExitOK || !strings.Contains(errs, "removed snapshot 2026Q4 (2 services, 3 observations)") || exists("2026Q4") {
		t.Fatalf("confirmed rm: code %d, %s", code, errs)
	}
	if code, _, errs := runSnap(t, db, "", "snapshots", "rm", "2026Q4", "--yes"); code != ExitFailure || !strings.Contains(errs, "no such snapshot") {
		t.Errorf("rm twice: code %d, %s", code, errs)
	}
	if code, _, errs := runSnap(t, db, "", "snapshots", "rm", "2026Q3", "--yes"); code != ExitOK || exists("2026Q3") {
		t.Errorf("rm LABEL --yes: code %d, %s", code, errs)
	}
	db2 := seedSnapshots(t)
	if code, _, errs := runSnap(t, db2, "", "snapshots", "rm", "--yes", "2026Q3"); code != ExitOK || strings.Contains(errs, "[y/N]") {
		t.Errorf("rm --yes LABEL: code %d, %s", code, errs)
	}
	if code, _, _ := runSnap(t, db2, "", "snapshots", "rm"); code != ExitUsage {
		t.Errorf("rm without a label: code %d", code)
	}
	// Several labels: all exist or nothing is removed; one question.
	db3 := seedSnapshots(t)
	if code, _, errs := runSnap(t, db3, "", "snapshots", "rm", "2026Q4", "2026q3", "--yes"); code != ExitFailure ||
		!strings.Contains(errs, "did you mean 2026Q3?") || !exists3(t, db3, "2026Q4") {
		t.Errorf("rm with a mistyped second label: code %d, %s", code, errs)
	}
	code, _, errs = runSnap(t, db3, "y\n", "snapshots", "remove", "2026Q4", "2026Q3")
	if code != ExitOK || strings.Count(errs, "[y/N]") != 1 || !strings.Contains(errs, "removed snapshot 2026Q4, 2026Q3") ||
		exists3(t, db3, "2026Q4") || exists3(t, db3, "2026Q3") {
		t.Errorf("rm with two labels: code %d, %s", code, errs)
	}
}

func exists3(t *testing.T, db, label string) bool {
	_, out, _ := runSnap(t, db, "", "snapshots", "list")
	return strings.Contains(out, "\n"+label+" ")
}

func TestSnapshotsCorruptDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orchex.db")
	if err := os.WriteFile(db, []byte("not a database at all, just text\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runSnap(t, db, "", "snapshots", "list")
	if code != ExitFailure || !strings.Contains(errs, "not an SQLite database") || !strings.Contains(errs, db) {
		t.Errorf("code %d, %s", code, errs)
	}
}
