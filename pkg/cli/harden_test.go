package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/model"
)

// runAt runs orchex as run does, with the clock at now.
func runAt(t *testing.T, now time.Time, args ...string) (string, string, ExitCode) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return now },
		Sleep:  noSleep,
	})
	return out.String(), errb.String(), code
}

// methodJSON is the part of the JSON report's method these tests read.
type methodJSON struct {
	Headline struct {
		Services int `json:"services"`
	} `json:"headline"`
	Method struct {
		FirstSeen time.Time `json:"first_seen"`
		LastSeen  time.Time `json:"last_seen"`
		Clamped   int       `json:"clamped_observations"`
		Exports   []string  `json:"exports"`
	} `json:"method"`
}

func reportMethod(t *testing.T, db string) (methodJSON, string) {
	t.Helper()
	out, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var m methodJSON
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	md, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--format", "md")
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	return m, md
}

// TestImportFutureTimesClamped: a banner timestamped in 9999 made the
// report say "observed between 2026-11-11 and 9999-12-31". An
// observation dated after its import is now stored at the import's time,
// counted, and said so in the method section; importing the same file
// again (a day later) changes nothing.
func TestImportFutureTimesClamped(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orchex.db")
	pop := demo.Generate(demo.Config{Seed: 1, Size: 20})
	var b bytes.Buffer
	for i := range pop.Services {
		s := &pop.Services[i]
		at := s.SeenAt
		if i == 0 {
			at = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
		}
		b.Write(s.ShodanBanner(at))
		b.WriteByte('\n')
	}
	f := filepath.Join(dir, "k8s.json")
	if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	if _, stderr, code := runAt(t, day1, "--db", db, "import", "--snapshot", "2026Q4", f); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	first, md := reportMethod(t, db)
	if first.Method.Clamped != 1 || !first.Method.LastSeen.Equal(day1) {
		t.Errorf("method %+v; want 1 clamped observation and the last seen at the import, %v", first.Method, day1)
	}
	if strings.Contains(md, "9999") || !strings.Contains(md, "and 2026-11-27") ||
		!strings.Contains(md, "Observations dated after they were imported or collected (their time was set to that time): 1.") {
		t.Errorf("the Markdown report does not say what was clamped, or shows 9999:\n%s", md)
	}
	day2 := day1.Add(24 * time.Hour)
	if _, stderr, code := runAt(t, day2, "--db", db, "import", "--snapshot", "2026Q4", f); code != ExitOK {
		t.Fatalf("second import: exit %d\n%s", code, stderr)
	}
	second, _ := reportMethod(t, db)
	if !reflect.DeepEqual(second, first) {
		t.Errorf("importing the file again changed the snapshot: %+v, then %+v", first, second)
	}
}

// TestImportForgedExport: an orchex export was trusted whole, whatever
// products it named. A line whose product the catalog does not know is
// now a bad record (exit 3), the others are imported, and the method
// section says the snapshot came from an export.
func TestImportForgedExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orchex.db")
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	svc := func(addr, product string) *model.Service {
		return &model.Service{Key: model.Key{Addr: netip.MustParseAddr(addr), Port: 6443, Transport: "tcp"},
			Product: product, Auth: model.AuthOpen, AuthEvidence: "anonymous /api answered", Confidence: model.High,
			Engines: model.SeenShodan, FirstSeen: day, LastSeen: day, AuthSeenAt: day}
	}
	var b bytes.Buffer
	for _, s := range []*model.Service{svc("198.51.100.1", "kubernetes-api"), svc("198.51.100.2", "totally-open-panel"), svc("198.51.100.3", "kubernetes-api")} {
		if err := importer.WriteExport(&b, s); err != nil {
			t.Fatal(err)
		}
	}
	f := filepath.Join(dir, "2026Q3-export.ndjson")
	if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f)
	if code != ExitPartial || !strings.Contains(stderr, "2026Q3-export.ndjson:2") || !strings.Contains(stderr, `not in the catalog: "totally-open-panel"`) {
		t.Fatalf("exit %d; want 3 and line 2 named as a product not in the catalog\n%s", code, stderr)
	}
	m, md := reportMethod(t, db)
	if m.Headline.Services != 2 || len(m.Method.Exports) != 1 || m.Method.Exports[0] != "2026Q3-export.ndjson" {
		t.Errorf("report %+v; want the 2 known services, from the export", m)
	}
	if !strings.Contains(md, "Imported from orchex export files (2026Q3-export.ndjson)") {
		t.Errorf("the Markdown method does not say the snapshot came from an export:\n%s", md)
	}
}
