package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

// importBanners imports Shodan banners into snapshot label of db.
func importBanners(t *testing.T, db, dir, label string, banners ...shodantest.Banner) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for _, x := range banners {
		zw.Write(x.JSON())
		zw.Write([]byte("\n"))
	}
	zw.Close()
	f := filepath.Join(dir, label+".json.gz")
	if err := os.WriteFile(f, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", label, f); code != ExitOK {
		t.Fatalf("import %s: %s", label, stderr)
	}
}

// TestBriefHoneypotsAndIncompleteSince runs orchex brief on a store
// whose earlier snapshot is incomplete and whose snapshot holds a
// honeypot host (Shodan's honeypot tag) of two services beside an
// ordinary one: by default the honeypot host is in no list and no
// figure and the notes count it; --include-honeypots keeps it, marked in
// brief.json and services.csv; both briefings warn that the earlier
// snapshot is incomplete, naming it and the run that stopped.
func TestBriefHoneypotsAndIncompleteSince(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	ordinary := shodantest.Banner{IP: "198.51.100.7", Port: 6443, Product: "Kubernetes", Country: "DE"}
	importBanners(t, db, dir, "2026Q3", ordinary)
	importBanners(t, db, dir, "2026Q4", ordinary,
		shodantest.Banner{IP: "198.51.100.8", Port: 6443, Product: "Kubernetes", Country: "DE", Tags: []string{"honeypot"}},
		shodantest.Banner{IP: "198.51.100.8", Port: 2375, Product: "Docker", Country: "DE"})
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	run3 := "query k8s-api (shodan)"
	err = st.MarkIncomplete(ctx, "2026Q3", store.Incomplete{Run: run3, Reasons: []string{"rate limited on page 4"}, At: time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	scopes := filepath.Join(dir, "scopes.yaml")
	os.WriteFile(scopes, []byte("scopes:\n  - name: lab\n    cidrs: [\"198.51.100.0/24\"]\n"), 0o644)

	type doc struct {
		Summary   struct{ Services, Hosts int }
		Honeypots struct {
			Included        bool
			Services, Hosts int
		}
		Warnings, Notes []string
		Services        []struct {
			Address  string
			Honeypot bool
		}
	}
	brief := func(include bool) (doc, [][]string) {
		out := filepath.Join(dir, "out", map[bool]string{false: "default", true: "include"}[include])
		args := []string{"--db", db, "brief", "--scopes", scopes, "--snapshot", "2026Q4", "--since", "2026Q3", "--format", "md,json,csv", "--out", out}
		if include {
			args = append(args, "--include-honeypots")
		}
		mustRun(t, args...)
		var d doc
		if err := json.Unmarshal(readFile(t, filepath.Join(out, "lab", "brief.json")), &d); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(out, "lab", "services.csv")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		md := string(readFile(t, filepath.Join(out, "lab", "brief.md")))
		if !strings.Contains(md, "**Incomplete:** Snapshot 2026Q3, the earlier snapshot, is incomplete") || !strings.Contains(md, run3) {
			t.Errorf("include %v: brief.md does not warn of the incomplete earlier snapshot", include)
		}
		return d, rows
	}
	warns := func(d doc) bool {
		for _, w := range d.Warnings {
			if strings.Contains(w, "Snapshot 2026Q3, the earlier snapshot, is incomplete") && strings.Contains(w, run3+": rate limited on page 4") {
				return true
			}
		}
		return false
	}

	d, rows := brief(false)
	if d.Summary.Services != 1 || d.Summary.Hosts != 1 || d.Honeypots.Included || d.Honeypots.Services != 2 || d.Honeypots.Hosts != 1 || len(d.Services) != 1 || len(rows) != 2 {
		t.Errorf("default: %+v, %d csv rows", d, len(rows)-1)
	}
	if !warns(d) {
		t.Errorf("default: warnings %q", d.Warnings)
	}
	d, rows = brief(true)
	if d.Summary.Services != 3 || d.Summary.Hosts != 2 || !d.Honeypots.Included || d.Honeypots.Services != 2 || len(d.Services) != 3 || len(rows) != 4 {
		t.Errorf("--include-honeypots: %+v, %d csv rows", d, len(rows)-1)
	}
	for _, s := range d.Services {
		if s.Honeypot != (s.Address == "198.51.100.8") {
			t.Errorf("--include-honeypots: %s honeypot %v", s.Address, s.Honeypot)
		}
	}
	last := len(rows[0]) - 1
	for _, r := range rows[1:] {
		if rows[0][last] != "honeypot" || (r[1] == "198.51.100.8") != (r[last] == "true") {
			t.Errorf("--include-honeypots: services.csv %s %s=%q", r[1], rows[0][last], r[last])
		}
	}
	if !warns(d) {
		t.Errorf("--include-honeypots: warnings %q", d.Warnings)
	}
}
