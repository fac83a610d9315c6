package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// parallelCase is a banner NDJSON file with bad, blank, over-long and
// unparsable lines spread over several chunks.
func parallelFile(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	good := bytes.Split(bytes.TrimSpace(ndjsonBanners(1500, 300)), []byte("\n"))
	for i, l := range good {
		buf.Write(l)
		buf.WriteByte('\n')
		switch {
		case i%97 == 5:
			buf.WriteString(`{"ip_str": "not-an-ip", "port": 80}` + "\n")
		case i%211 == 7:
			buf.WriteString(`{"ip_str": "192.0.2.1", "port": ` + "\n") // broken JSON
		case i%301 == 9:
			buf.WriteString("   \n\n")
		case i%401 == 11:
			buf.WriteString(`{"ip_str":"192.0.2.9","port":80,"data":"` + strings.Repeat("x", 5000) + `"}` + "\n")
		case i == 1400:
			buf.WriteString(`{"ip_str": "192.0.2.3", "port": 70000}` + "\r\n")
		}
	}
	buf.WriteString(`{"ip_str":"192.0.2.200","port":8443}`) // no final newline
	return buf.Bytes()
}

// obsKey is what the work function of the tests extracts.
type obsKey struct {
	addr string
	port uint16
	id   string
}

func importBoth(t *testing.T, path string, opts Options, workers int) (serial, parallel Result, serialObs, parallelObs []obsKey, serr, perr error) {
	t.Helper()
	ctx := context.Background()
	serial, serr = Import(ctx, path, opts, func(o *model.Observation) error {
		serialObs = append(serialObs, obsKey{o.Addr.String(), o.Port, o.RecordID})
		return nil
	})
	parallel, perr = ImportParallel(ctx, path, opts, workers,
		func(o *model.Observation) obsKey { return obsKey{o.Addr.String(), o.Port, o.RecordID} },
		func(k obsKey) error { parallelObs = append(parallelObs, k); return nil })
	return
}

// TestImportParallelSameAsSerial checks that the parallel banner path
// emits the same observations in the same order, and returns the same
// Result (counts, errors with lines and records, hash), as Import, for
// plain, gzip and truncated gzip files.
func TestImportParallelSameAsSerial(t *testing.T) {
	body := parallelFile(t)
	dir := t.TempDir()
	full := gz(t, body)
	files := map[string][]byte{
		"plain.ndjson":   body,
		"k8s.json.gz":    full,
		"cut.json.gz":    full[:len(full)*2/3],
		"small.ndjson":   []byte(`{"ip_str":"192.0.2.1","port":80}` + "\n" + `{"ip_str":"192.0.2.2","port":81}` + "\n"),
		"one.ndjson":     []byte(`{"ip_str":"192.0.2.1","port":80}`),
		"badfirst.jsonl": []byte("{\"ip_str\": 1,\n" + `{"ip_str":"192.0.2.1","port":80}` + "\n" + `{"ip_str":"192.0.2.2","port":0}` + "\n"),
	}
	for name, b := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{2, 3, 8} {
			t.Run(fmt.Sprintf("%s/%d", name, workers), func(t *testing.T) {
				sres, pres, sobs, pobs, serr, perr := importBoth(t, path, Options{MaxRecord: 4000}, workers)
				if serr != nil || perr != nil {
					t.Fatalf("errors: serial %v, parallel %v", serr, perr)
				}
				if len(sobs) == 0 {
					t.Fatal("nothing imported")
				}
				if !reflect.DeepEqual(sobs, pobs) {
					t.Errorf("parallel emitted %d observations, serial %d, or in another order", len(pobs), len(sobs))
				}
				if !reflect.DeepEqual(sres, pres) {
					t.Errorf("results differ:\nserial   %+v\nparallel %+v", sres, pres)
				}
			})
		}
	}
	// The fixture exercises every kind of line.
	sres, _, _, _, _, _ := importBoth(t, filepath.Join(dir, "plain.ndjson"), Options{MaxRecord: 4000}, 2)
	reasons := ""
	for _, e := range sres.Errors {
		reasons += e.Reason + "\n"
	}
	for _, want := range []string{"not an IP address", "not valid JSON", "4000-byte limit", "not in 1..65535"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("no error %q among %s", want, reasons)
		}
	}
	if cut, _, _, _, _, _ := importBoth(t, filepath.Join(dir, "cut.json.gz"), Options{}, 2); !cut.Truncated {
		t.Error("the cut file was not reported truncated")
	}
}

// TestImportParallelEmitError stops at the first emit error, naming the
// record, stops reading (at most the in-flight chunks are decoded past
// it) and leaves no goroutine working after the return.
func TestImportParallelEmitError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k8s.json.gz")
	if err := os.WriteFile(path, gz(t, ndjsonBanners(20000, 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("disk full")
	var worked atomic.Int64
	emitted := 0
	res, err := ImportParallel(context.Background(), path, Options{}, 2,
		func(o *model.Observation) int { worked.Add(1); return int(o.Port) },
		func(int) error {
			emitted++
			if emitted == 1000 {
				return stop
			}
			return nil
		})
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "record 1000") {
		t.Fatalf("error %v, want disk full at record 1000", err)
	}
	if res.SHA256 == "" || res.Kept != 1000 {
		t.Errorf("result %+v", res)
	}
	n := worked.Load()
	if again := worked.Load(); again != n || n >= 20000 {
		t.Errorf("workers ran %d then %d times after the stop", n, again)
	}
}

// TestImportParallelCancel returns ctx's error when ctx is cancelled
// during the import.
func TestImportParallelCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k8s.ndjson")
	if err := os.WriteFile(path, ndjsonBanners(3000, 200), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, err := ImportParallel(ctx, path, Options{}, 2,
		func(o *model.Observation) uint16 { return o.Port },
		func(uint16) error {
			if n++; n == 500 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n >= 3000 {
		t.Errorf("emitted all %d records after the cancel", n)
	}
}

// TestImportParallelOtherFormats falls back to the serial path for
// documents and Censys files, with the same result.
func TestImportParallelOtherFormats(t *testing.T) {
	for _, name := range []string{"shodan-search.json", "censys-hits.ndjson", "censys-v3-search.json", "banners-array.json"} {
		t.Run(name, func(t *testing.T) {
			sres, pres, sobs, pobs, serr, perr := importBoth(t, filepath.Join("testdata", name), Options{}, 2)
			if serr != nil || perr != nil || len(sobs) == 0 {
				t.Fatalf("serial %v, parallel %v, %d observations", serr, perr, len(sobs))
			}
			if !reflect.DeepEqual(sobs, pobs) || !reflect.DeepEqual(sres, pres) {
				t.Errorf("parallel differs:\n%+v\n%+v", sres, pres)
			}
		})
	}
}
