package cli

import (
	"bufio"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// services returns the Services stream of a snapshot.
func services(t *testing.T, db, snapshot string) []model.Service {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []model.Service
	if err := st.Services(context.Background(), snapshot, func(s *model.Service) error {
		out = append(out, *s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// reverseLines writes the lines of the gzip file src, last first, to dst
// (plain NDJSON).
func reverseLines(t *testing.T, src, dst string) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(lines)
	w, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		w.WriteString(l + "\n")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestImportWorkersSameSnapshot imports a demo `shodan download` file
// (duplicates and noise included) with 1 and with several decoding
// workers, and with its lines reversed, and checks that the snapshots'
// Services streams are identical: the snapshot does not depend on the
// scheduling or the order of the records.
func TestImportWorkersSameSnapshot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "k8s.json.gz")
	n, err := demo.WriteShodanFile(context.Background(), file, demo.Config{Seed: 7}, 4000)
	if err != nil || n != 4000 {
		t.Fatalf("wrote %d banners: %v", n, err)
	}
	reversed := filepath.Join(dir, "k8s-reversed.json")
	reverseLines(t, file, reversed)
	pop := demo.Generate(demo.Config{Seed: 7})
	if err := pop.WriteRanges(filepath.Join(dir, "ranges")); err != nil {
		t.Fatal(err)
	}
	var want []model.Service
	for i, c := range []struct {
		workers int
		file    string
	}{{1, file}, {2, file}, {5, file}, {3, reversed}} {
		db := filepath.Join(dir, "orchex-"+strconv.Itoa(i)+".db")
		_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", "--workers", strconv.Itoa(c.workers),
			"--ranges", filepath.Join(dir, "ranges"), c.file)
		if code != ExitOK {
			t.Fatalf("import with %d workers: exit %d\n%s", c.workers, code, stderr)
		}
		got := services(t, db, "2026Q4")
		if i == 0 {
			if len(got) < 1000 {
				t.Fatalf("only %d services from 4000 banners", len(got))
			}
			want = got
			continue
		}
		if len(got) != len(want) {
			t.Fatalf("%d workers, %s: %d services, want %d", c.workers, filepath.Base(c.file), len(got), len(want))
		}
		for j := range got {
			if !reflect.DeepEqual(got[j], want[j]) {
				t.Fatalf("%d workers, %s: service %d differs:\n got %+v\nwant %+v", c.workers, filepath.Base(c.file), j, got[j], want[j])
			}
		}
	}
}

// TestImportWorkersFlag rejects a negative --workers.
func TestImportWorkersFlag(t *testing.T) {
	_, stderr, code := run(t, nil, "--db", filepath.Join(t.TempDir(), "x.db"), "import", "--workers", "-1", "x.json")
	if code != ExitUsage {
		t.Errorf("exit %d, want usage error\n%s", code, stderr)
	}
}
