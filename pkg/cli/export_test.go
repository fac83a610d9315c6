package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// runDemoForExport runs the demo (simulated APIs on loopback, the real
// collect) with size services and returns its directory; the snapshot is
// "demo" in dir/demo.db and the range feeds it used are in dir/ranges.
func runDemoForExport(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if _, stderr, code := run(t, nil, "--quiet", "demo", "--seed", "7", "--size", size, "--out", dir, "--rate", "100000", "--no-pdf"); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	return dir
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := run(t, nil, args...)
	if code != ExitOK {
		t.Fatalf("orchex %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Method fields that describe how a snapshot was built rather than what
// it holds: a re-import is built from one export file, so they differ.
var buildFields = []string{"inputs", "records_read", "records_bad", "records_skipped", "observations", "duplicates_merged", "truncations",
	"clamped_observations", // the times were clamped when the exported snapshot was made
	"exports"}              // the re-import came from an export

// sameReport checks that two report JSON documents are byte-identical in
// every top-level section but "generated" (the snapshot's creation
// time) and "method", and in every method field but those named by
// differ.
func sameReport(t *testing.T, want, got []byte, differ ...string) {
	t.Helper()
	var w, g map[string]json.RawMessage
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if len(w) != len(g) {
		t.Errorf("sections: %d, want %d", len(g), len(w))
	}
	for k, v := range w {
		switch k {
		case "generated":
		case "method":
			var wm, gm map[string]json.RawMessage
			if err := json.Unmarshal(v, &wm); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(g[k], &gm); err != nil {
				t.Fatal(err)
			}
			for mk, mv := range wm {
				if !slices.Contains(differ, mk) && !bytes.Equal(mv, gm[mk]) {
					t.Errorf("method.%s differs:\n got %s\nwant %s", mk, gm[mk], mv)
				}
			}
		default:
			if !bytes.Equal(v, g[k]) {
				t.Errorf("%s differs:\n got %.600s\nwant %.600s", k, g[k], v)
			}
		}
	}
}

// TestExportNDJSONRoundTrip exports a demo snapshot as NDJSON, imports the
// file into fresh databases and checks that the reports agree byte for
// byte: the headline and every table always; the method section too, but
// for the fields that describe the import itself (and, when the re-import
// is given no range feeds, the feeds and the note saying none was
// loaded). The Parquet export of the re-imported snapshot is the original
// one, byte for byte.
func TestExportNDJSONRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo skipped in -short mode")
	}
	dir := runDemoForExport(t, "3000")
	db := filepath.Join(dir, "demo.db")
	nd := filepath.Join(dir, "out", "demo.ndjson")
	mustRun(t, "--quiet", "--db", db, "export", "--snapshot", "demo", "--out", nd)
	want := mustRun(t, "--db", db, "report", "--snapshot", "demo", "--format", "json")
	pq := filepath.Join(dir, "out", "demo.parquet")
	mustRun(t, "--quiet", "--db", db, "export", "--snapshot", "demo", "--out", pq)

	for _, tt := range []struct {
		name   string
		ranges []string
		differ []string
	}{
		{"same feeds", []string{"--ranges", filepath.Join(dir, "ranges")}, buildFields},
		{"no feeds", nil, append([]string{"cloud_feeds", "notes"}, buildFields...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			re := filepath.Join(t.TempDir(), "re.db")
			args := append([]string{"--quiet", "--db", re, "import", "--snapshot", "demo"}, tt.ranges...)
			mustRun(t, append(args, nd)...)
			got := mustRun(t, "--db", re, "report", "--snapshot", "demo", "--format", "json")
			sameReport(t, []byte(want), []byte(got), tt.differ...)

			pq2 := filepath.Join(filepath.Dir(re), "re.parquet")
			mustRun(t, "--quiet", "--db", re, "export", "--snapshot", "demo", "--out", pq2)
			if !bytes.Equal(readFile(t, pq), readFile(t, pq2)) {
				t.Error("the Parquet export of the re-imported snapshot differs from the original's")
			}
		})
	}
}

// TestExportFormats checks each format end to end: deterministic bytes,
// one row per service or observation, and the standard output.
func TestExportFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo skipped in -short mode")
	}
	dir := runDemoForExport(t, "600")
	db := filepath.Join(dir, "demo.db")
	var snap struct {
		Services     int `json:"services"`
		Observations int `json:"observations"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "snapshots", "show", "--format", "json", "demo")), &snap); err != nil || snap.Services == 0 {
		t.Fatalf("snapshots show: %+v %v", snap, err)
	}
	for _, tt := range []struct {
		file string
		obs  bool
		rows int
	}{
		{"s.parquet", false, snap.Services},
		{"s.ndjson", false, snap.Services},
		{"s.csv", false, snap.Services},
		{"o.parquet", true, snap.Observations},
		{"o.csv", true, snap.Observations},
	} {
		t.Run(tt.file, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tt.file)
			args := []string{"--db", db, "export", "--out", out} // the newest snapshot
			if tt.obs {
				args = append(args, "--observations")
			}
			_, stderr, code := run(t, nil, args...)
			if code != ExitOK || !strings.Contains(stderr, "wrote "+out) {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			first := readFile(t, out)
			mustRun(t, append([]string{"--quiet"}, args...)...)
			if !bytes.Equal(first, readFile(t, out)) {
				t.Error("two exports of one snapshot differ")
			}
			if n := exportRows(t, tt.file, first); n != tt.rows {
				t.Errorf("%d rows, want %d", n, tt.rows)
			}
			if !strings.HasSuffix(tt.file, ".parquet") {
				format := strings.TrimPrefix(filepath.Ext(tt.file), ".")
				toStdout := []string{"--db", db, "export", "--format", format}
				if tt.obs {
					toStdout = append(toStdout, "--observations")
				}
				stdout := mustRun(t, toStdout...)
				if stdout != string(first) {
					t.Error("standard output differs from the file")
				}
			}
		})
	}
}

func exportRows(t *testing.T, name string, b []byte) int {
	t.Helper()
	switch filepath.Ext(name) {
	case ".parquet":
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		return int(f.NumRows())
	case ".csv":
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return len(rows) - 1
	}
	return bytes.Count(b, []byte("\n"))
}

func TestExportUsage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orchex.db")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "--format parquet, ndjson or csv is needed"},
		{[]string{"export", "--format", "parquet"}, "--format parquet needs --out FILE"},
		{[]string{"export", "--format", "parquet", "--out", "-"}, "--format parquet needs --out FILE"},
		{[]string{"export", "--format", "xlsx"}, `unknown --format "xlsx"`},
		{[]string{"export", "--out", "x.json"}, "cannot tell the format from --out x.json"},
		{[]string{"export", "--format", "ndjson", "--observations"}, "--observations writes parquet or csv"},
		{[]string{"export", "--format", "csv", "extra"}, `unexpected argument "extra"`},
	} {
		_, stderr, code := run(t, nil, append([]string{"--db", db}, tt.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Error("a usage error created the database")
	}
	_, stderr, code := run(t, nil, "--db", db, "export", "--format", "csv")
	if code != ExitFailure || !strings.Contains(stderr, "no database at") {
		t.Errorf("no database: exit %d, %q", code, stderr)
	}
}

// TestExportParquetDuckDB is the independent reader's check: DuckDB (the
// @duckdb/node-api package, installed by .ci/run into .ci/duckdb) reads a
// demo-sized Parquet export and computes the report's headline figures
// and products table with the SQL of docs/export.md; .ci/duckdb/check.mjs
// compares them with the JSON report. It skips when Node or the package
// is missing, and fails instead under CI.
func TestExportParquetDuckDB(t *testing.T) {
	if testing.Short() {
		t.Skip("demo-sized export skipped in -short mode")
	}
	check, err := filepath.Abs(filepath.Join("..", "..", ".ci", "duckdb", "check.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(filepath.Dir(check), "node_modules", "@duckdb", "node-api", "package.json"))
	}
	if err != nil {
		msg := "DuckDB check needs node and @duckdb/node-api (cd .ci/duckdb && npm ci): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := runDemoForExport(t, "22672") // the demo's default size
	db := filepath.Join(dir, "demo.db")
	pq := filepath.Join(dir, "services.parquet")
	mustRun(t, "--quiet", "--db", db, "export", "--snapshot", "demo", "--out", pq)
	rep := filepath.Join(dir, "report.json")
	mustRun(t, "--quiet", "--db", db, "report", "--snapshot", "demo", "--format", "json", "--out", rep)
	out, err := exec.Command(node, check, pq, rep).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", check, err, out)
	}
	t.Logf("%s", out)
	if !strings.Contains(string(out), "of 22672 services equal the report's") {
		t.Errorf("check.mjs did not compare the demo's 22,672 services:\n%s", out)
	}
}
