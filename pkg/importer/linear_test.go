package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/lineartest"
	"github.com/orchex/orchex/pkg/model"
)

// detectShapes are records and first lines of n parts for the format
// detector: objects of many members, a Censys host of many services, a
// first line that is one long record.
func detectShapes() []struct {
	name string
	rec  func(n int) []byte
	run  func(b []byte)
} {
	members := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{`)
		for i := range n {
			fmt.Fprintf(&b, `"k%d":{"v":[%d,"x"]},`, i, i)
		}
		b.WriteString(`"ip_str":"192.0.2.1","port":80}`)
		return []byte(b.String())
	}
	host := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"ip":"192.0.2.1","services":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"port":%d,"banner":"b"}`, i+1)
		}
		b.WriteString(`]}`)
		return []byte(b.String())
	}
	return []struct {
		name string
		rec  func(n int) []byte
		run  func(b []byte)
	}{
		{"detect, many members", members, func(b []byte) { detect(b) }},
		{"detect, Censys host of many services", host, func(b []byte) { detect(b) }},
		{"key list, many members", members, func(b []byte) { keyList(b) }},
		{"envelope, many members", members, func(b []byte) { envelope(b) }},
		{"first lines, one long record", func(n int) []byte { return append(members(n), '\n') }, func(b []byte) { isNDJSON(b, true) }},
	}
}

// TestDetectLinear holds the format detector to work linear in the record
// (allocations and bytes allocated at n, 2n, 4n).
func TestDetectLinear(t *testing.T) {
	for _, s := range detectShapes() {
		t.Run(s.name, func(t *testing.T) {
			lineartest.Check(t, s.name, 2000, func(n int) lineartest.Work {
				b := s.rec(n)
				return lineartest.Measure(func() int { s.run(b); return 0 })
			})
		})
	}
}

// TestImportLinear holds a whole import to work linear in the number of
// records, for NDJSON of Censys hits and a JSON search response.
func TestImportLinear(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		body func(n int) string
	}{
		{"censys hits", func(n int) string {
			var b strings.Builder
			for i := range n {
				fmt.Fprintf(&b, `{"host_v1":{"resource":{"ip":"10.0.%d.%d","services":[{"port":443,"protocol":"HTTP"}]}}}`+"\n", i>>8&255, i&255)
			}
			return b.String()
		}},
		{"shodan search", func(n int) string {
			var b strings.Builder
			b.WriteString(`{"matches": [`)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(banner(i, 50))
			}
			b.WriteString(`], "total": 1}`)
			return b.String()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lineartest.Check(t, tc.name, 500, func(n int) lineartest.Work {
				path := filepath.Join(dir, fmt.Sprintf("%s-%d.json", tc.name, n))
				if err := os.WriteFile(path, []byte(tc.body(n)), 0o644); err != nil {
					t.Fatal(err)
				}
				return lineartest.Measure(func() int {
					res, err := Import(context.Background(), path, Options{}, func(*model.Observation) error { return nil })
					if err != nil || res.Kept != n {
						t.Fatalf("%+v %v", res, err)
					}
					return 0
				})
			})
		})
	}
}

// BenchmarkDetectDoubling runs the detector on records of n and 2n parts,
// for people to compare (the test above is the check).
func BenchmarkDetectDoubling(b *testing.B) {
	for _, s := range detectShapes() {
		for _, n := range []int{10_000, 20_000} {
			rec := s.rec(n)
			b.Run(fmt.Sprintf("%s/n=%d", s.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(rec)))
				b.ReportAllocs()
				for b.Loop() {
					s.run(rec)
				}
			})
		}
	}
}
