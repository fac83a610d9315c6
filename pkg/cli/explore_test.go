package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

// TestHelpSaysPDFNeedsOut: every command that refuses --format pdf on
// standard output says so in its --out help (diff's said "default:
// stdout" only).
func TestHelpSaysPDFNeedsOut(t *testing.T) {
	for _, cmd := range []string{"report", "diff", "trend"} {
		help, stderr, code := run(t, nil, "help", cmd)
		if code != 0 {
			t.Fatalf("help %s: exit %d\n%s", cmd, code, stderr)
		}
		var out string
		for _, line := range strings.Split(help, "\n") {
			if strings.Contains(line, "--out FILE") {
				out = line
			}
		}
		if !strings.Contains(out, "required for pdf") {
			t.Errorf("help %s: the --out line %q does not say pdf needs it", cmd, out)
		}
		_, stderr, code = run(t, nil, "--db", "none.db", cmd, "--format", "pdf", "a", "b")
		if cmd != "diff" {
			_, stderr, code = run(t, nil, "--db", "none.db", cmd, "--format", "pdf")
		}
		if code != ExitUsage || !strings.Contains(stderr, "--format pdf needs --out FILE") {
			t.Errorf("%s --format pdf without --out: exit %d\n%s", cmd, code, stderr)
		}
	}
}

// TestCompareWithLaterRefused: report --compare (as brief --since and
// diff's A) names the earlier snapshot, whose figures the report shows as "the earlier value" and
// the change from them; a later one made the report read backwards
// (2026Q4's figures as 2026Q3's past). It is refused before anything is
// written; the right way round works.
func TestCompareWithLaterRefused(t *testing.T) {
	dir := t.TempDir()
	db := smallDB(t, dir, "2026Q4", "2026Q3") // imported out of order: quarters order by label
	out := filepath.Join(dir, "report.md")
	_, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q3", "--compare", "2026Q4", "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "--compare 2026Q4") || !strings.Contains(stderr, "comes after snapshot 2026Q3") {
		t.Errorf("report 2026Q3 --compare 2026Q4: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused report wrote %s (%v)", out, err)
	}
	if _, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--compare", "2026Q3", "--out", out); code != 0 {
		t.Errorf("report 2026Q4 --compare 2026Q3: exit %d\n%s", code, stderr)
	}

	// diff: A is the earlier snapshot.
	_, stderr, code = run(t, nil, "--db", db, "diff", "2026Q4", "2026Q3", "--out", out+".diff")
	if code != ExitUsage || !strings.Contains(stderr, "diff: A 2026Q4") || !strings.Contains(stderr, "diff 2026Q3 2026Q4") {
		t.Errorf("diff 2026Q4 2026Q3: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := run(t, nil, "--db", db, "diff", "2026Q3", "2026Q4"); code != 0 {
		t.Errorf("diff 2026Q3 2026Q4: exit %d\n%s", code, stderr)
	}

	// brief --since: the same, before any briefing is written or posted.
	scopes := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(scopes, []byte("scopes:\n  - name: all\n    cidrs: [\"0.0.0.0/1\", \"128.0.0.0/1\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	briefs := filepath.Join(dir, "briefs")
	_, stderr, code = run(t, nil, "--db", db, "brief", "--scopes", scopes, "--snapshot", "2026Q3", "--since", "2026Q4", "--out", briefs)
	if code != ExitUsage || !strings.Contains(stderr, "brief: --since 2026Q4") || !strings.Contains(stderr, "comes after snapshot 2026Q3") {
		t.Errorf("brief 2026Q3 --since 2026Q4: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(briefs); !os.IsNotExist(err) {
		t.Errorf("a refused brief wrote %s (%v)", briefs, err)
	}
	if _, stderr, code := run(t, nil, "--db", db, "brief", "--scopes", scopes, "--snapshot", "2026Q4", "--since", "2026Q3", "--out", briefs); code != 0 {
		t.Errorf("brief 2026Q4 --since 2026Q3: exit %d\n%s", code, stderr)
	}
}

// TestBriefOutOnAFile: --out naming an existing file is refused as a
// usage error that says a directory is wanted, before the database is
// opened; the file is left as it was ("mkdir afile: not a directory"
// said neither).
func TestBriefOutOnAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	if err := os.WriteFile(file, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scopes := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(scopes, []byte("scopes:\n  - name: a\n    cidrs: [\"198.51.100.0/24\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, nil, "--db", filepath.Join(dir, "none.db"), "brief", "--scopes", scopes, "--out", file)
	if code != ExitUsage || !strings.Contains(stderr, "--out "+file+" is a file, not a directory") {
		t.Errorf("brief --out FILE: exit %d\n%s", code, stderr)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep\n" {
		t.Errorf("the file was changed: %q %v", b, err)
	}
}

// smallDB imports 50 Kubernetes banners into a database in dir, once per
// label, in that order, and returns its path.
func smallDB(t *testing.T, dir string, labels ...string) string {
	t.Helper()
	var data bytes.Buffer
	for _, b := range shodantest.Kubernetes(50, 5) {
		data.Write(b)
		data.WriteByte('\n')
	}
	file := filepath.Join(dir, "k8s.json")
	if err := os.WriteFile(file, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "o.db")
	for _, label := range labels {
		if _, stderr, code := run(t, nil, "--db", db, "-q", "import", "--snapshot", label, file); code != 0 {
			t.Fatalf("import %s: exit %d\n%s", label, code, stderr)
		}
	}
	return db
}

// TestTemplateExecutionErrorNamesTheFile: a --template that parses but
// fails while it runs is reported at its own file and line, not at the
// embedded report.md.tmpl's.
func TestTemplateExecutionErrorNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	db := smallDB(t, dir, "2026Q4")
	tmpl := filepath.Join(dir, "mine.tmpl")
	if err := os.WriteFile(tmpl, []byte("# {{ .Title }}\n{{ .Nope }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, nil, "--db", db, "report", "--template", tmpl, "--out", filepath.Join(dir, "r.md"))
	if code != 1 || !strings.Contains(stderr, "mine.tmpl:2:") || strings.Contains(stderr, "report.md.tmpl") {
		t.Errorf("report --template with an execution error: exit %d\n%s", code, stderr)
	}
}

// TestExportOfIncompleteSnapshotWarns: the export's rows carry no
// completeness, so exporting a snapshot that an import left incomplete
// (a .gz cut short) says so on stderr, naming where the file broke; a
// complete snapshot's export says nothing of the kind.
func TestExportOfIncompleteSnapshotWarns(t *testing.T) {
	dir := t.TempDir()
	db := smallDB(t, dir, "2026Q3")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for _, b := range shodantest.Kubernetes(400, 7) {
		zw.Write(b)
		zw.Write([]byte("\n"))
	}
	zw.Close()
	cut := filepath.Join(dir, "cut.json.gz")
	if err := os.WriteFile(cut, gz.Bytes()[:gz.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, nil, "--db", db, "-q", "import", "--snapshot", "2026Q4", cut); code != ExitPartial {
		t.Fatalf("import of a cut file: exit %d\n%s", code, stderr)
	}
	for _, tc := range []struct {
		label string
		warn  bool
	}{{"2026Q3", false}, {"2026Q4", true}} {
		out, stderr, code := run(t, nil, "--db", db, "export", "--snapshot", tc.label, "--format", "csv")
		if code != 0 || !strings.HasPrefix(out, "snapshot,") {
			t.Fatalf("export %s: exit %d\n%s", tc.label, code, stderr)
		}
		warned := strings.Contains(stderr, "warning: snapshot "+tc.label+" is incomplete (the import of cut.json.gz: cut.json.gz:")
		if warned != tc.warn {
			t.Errorf("export %s: warned %v, want %v\n%s", tc.label, warned, tc.warn, stderr)
		}
	}
}

// TestFormatFromOutExtension: without --format, report, diff and trend
// write the format --out's extension names (report.pdf was Markdown in a
// file named .pdf), Markdown for any other name and for stdout; an
// explicit --format wins.
func TestFormatFromOutExtension(t *testing.T) {
	dir := t.TempDir()
	db := smallDB(t, dir, "2026Q3", "2026Q4")
	for _, tc := range []struct {
		args   []string
		out    string
		prefix string
	}{
		{[]string{"report"}, "r.pdf", "%PDF-"},
		{[]string{"report"}, "r.HTML", "<!DOCTYPE html>"},
		{[]string{"report"}, "r.json", "{"},
		{[]string{"report"}, "r.txt", "# "},
		{[]string{"report", "--format", "md"}, "r2.json", "# "},
		{[]string{"diff", "2026Q3", "2026Q4"}, "d.json", "{"},
		{[]string{"diff", "2026Q3", "2026Q4"}, "d.csv", "section,"},
		{[]string{"trend"}, "t.pdf", "%PDF-"},
		{[]string{"trend"}, "t.md", "# "},
	} {
		path := filepath.Join(dir, tc.out)
		args := append([]string{"--db", db, "-q"}, tc.args...)
		if _, stderr, code := run(t, nil, append(args, "--out", path)...); code != 0 {
			t.Errorf("%v --out %s: exit %d\n%s", tc.args, tc.out, code, stderr)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte(tc.prefix)) {
			t.Errorf("%v --out %s: starts with %.20q, want %q (%v)", tc.args, tc.out, b, tc.prefix, err)
		}
	}
	if out, stderr, code := run(t, nil, "--db", db, "report"); code != 0 || !strings.HasPrefix(out, "# ") {
		t.Errorf("report to stdout: exit %d, %.20q\n%s", code, out, stderr)
	}
}
