package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/orchex/orchex/pkg/demo"
)

// testPopulation is a small demo population for the command-line tests:
// its services' Shodan banners and its range feeds.
func testPopulation() *demo.Population { return demo.Generate(demo.Config{Seed: 19, Size: 400}) }

// writeTestRanges writes the test population's range feeds into dir/ranges.
func writeTestRanges(t *testing.T, dir string) string {
	t.Helper()
	r := filepath.Join(dir, "ranges")
	if err := testPopulation().WriteRanges(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// writeTestBanners writes the Shodan banners of n of the test
// population's services, from the from-th, as a `shodan download` file
// (plain NDJSON) named name in dir.
func writeTestBanners(t *testing.T, dir, name string, from, n int) string {
	t.Helper()
	var b bytes.Buffer
	for _, s := range testPopulation().Services[from : from+n] {
		b.Write(s.ShodanBanner(s.SeenAt))
		b.WriteByte('\n')
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
