package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// The attacks of issue 16 on the importer: a long first line, binary
// input, endless input and a signal, memory with many workers. Each test
// failed on the importer before the fix (docs/reliability.md).

// banner returns one `shodan download` banner of about size bytes.
func banner(i, size int) string {
	return fmt.Sprintf(`{"ip_str":"10.1.%d.%d","port":6443,"transport":"tcp","_shodan":{"id":"id-%d","module":"https"},`+
		`"product":"Kubernetes","http":{"status":200,"title":"Kubernetes"},"data":"HTTP/1.1 200 OK\r\n\r\n%s"}`,
		i>>8&255, i&255, i, strings.Repeat("a", size))
}

// bothPaths imports path serially and with 2 workers, and checks that
// both give the same result.
func bothPaths(t *testing.T, path string, opts Options) Result {
	t.Helper()
	res, _, err := collect(t, path, opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	par, err := ImportParallel(context.Background(), path, opts, 2,
		func(o *model.Observation) uint16 { return o.Port }, func(uint16) error { return nil })
	if err != nil {
		t.Fatalf("ImportParallel: %v", err)
	}
	if par.Read != res.Read || par.Kept != res.Kept || par.Bad != res.Bad || par.Format != res.Format {
		t.Errorf("parallel %+v, serial %+v", par, res)
	}
	return res
}

// TestImportLongFirstLine: the format of an NDJSON file does not depend on
// the length of its first record. A `shodan download` file whose first
// banner is 1.13 MB was read as one JSON document, so its one bad line
// ended the file (500 of 1,000 records lost); one whose first banner is
// over the record limit lost everything. Now both are NDJSON: the bad line
// and the over-long first record are reported with their line and
// skipped, the rest kept. A one-line API response stays a response.
func TestImportLongFirstLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rest := func(first string) []string {
		lines := []string{first}
		for i := 1; i < 1000; i++ {
			if i == 500 {
				lines = append(lines, `{"ip_str": "10.9.9.9", "port": `) // cut short
				continue
			}
			lines = append(lines, banner(i, 100))
		}
		return lines
	}

	t.Run("1.13 MB first banner", func(t *testing.T) {
		res := bothPaths(t, write("first-1mb.json", rest(banner(0, 1_130_000))...), Options{})
		if res.Format != ShodanDownload || res.Read != 1000 || res.Kept != 999 || res.Bad != 1 || res.Errors[0].Line != 501 || res.Truncated {
			t.Errorf("%+v; want shodan-download, 999 kept, line 501 bad", res)
		}
	})
	t.Run("first banner over the record limit", func(t *testing.T) {
		res := bothPaths(t, write("first-20mb.json", rest(banner(0, 20<<20))...), Options{})
		if res.Format != ShodanDownload || res.Read != 1000 || res.Kept != 998 || res.Bad != 2 || res.Truncated ||
			res.Errors[0].Line != 1 || !strings.Contains(res.Errors[0].Reason, "16777216-byte limit") || res.Errors[1].Line != 501 {
			t.Errorf("%+v; want shodan-download, line 1 too long and line 501 bad, 998 kept", res)
		}
	})
	t.Run("first banner over a small record limit", func(t *testing.T) {
		path := write("first-small-limit.json", banner(0, 2<<20), banner(1, 10), banner(2, 10))
		res := bothPaths(t, path, Options{MaxRecord: 1000})
		if res.Format != ShodanDownload || res.Kept != 2 || res.Bad != 1 || res.Errors[0].Line != 1 {
			t.Errorf("%+v; want line 1 too long, 2 kept", res)
		}
	})

	search := func(n, size int) string {
		var b strings.Builder
		b.WriteString(`{"matches": [`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(banner(i, size))
		}
		b.WriteString(`], "total": ` + fmt.Sprint(n) + `}`)
		return b.String()
	}
	t.Run("one-line search response over 1 MiB", func(t *testing.T) {
		res := bothPaths(t, write("search-1line.json", search(100, 20_000)), Options{})
		if res.Format != ShodanSearch || res.Kept != 100 || res.Bad != 0 {
			t.Errorf("%+v; want a Shodan search response, 100 kept", res)
		}
	})
	t.Run("one-line search response over the record limit", func(t *testing.T) {
		// Longer than the record limit: streamed as a document, which
		// its first member shows it is.
		res := bothPaths(t, write("search-huge.json", search(300, 5_000)), Options{MaxRecord: 100_000})
		if res.Format != ShodanSearch || res.Kept != 300 || res.Bad != 0 {
			t.Errorf("%+v; want a Shodan search response, 300 kept", res)
		}
	})
}

// pipeFeed serves an endless input through a pipe, opened by path as a
// user's file would be. It writes prefix, then fill forever; once it has
// written cancelAt bytes (0: never) it calls cancel. It stops when the
// reading side is closed, or once it has written limit bytes, which a
// test counts as a failure: the importer went on reading.
type pipeFeed struct {
	path    string
	r       *os.File
	written atomic.Int64
	done    chan struct{}
}

func feedPipe(t *testing.T, prefix string, fill byte, cancelAt, limit int64, cancel func()) *pipeFeed {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reopens a pipe through /proc/self/fd")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	f := &pipeFeed{path: fmt.Sprintf("/proc/self/fd/%d", r.Fd()), r: r, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		defer w.Close()
		if _, err := w.WriteString(prefix); err != nil {
			return
		}
		f.written.Add(int64(len(prefix)))
		buf := bytes.Repeat([]byte{fill}, 64<<10)
		canceled := false
		for f.written.Load() < limit {
			n, err := w.Write(buf)
			f.written.Add(int64(n))
			if err != nil {
				return // the importer closed the pipe
			}
			if !canceled && cancelAt > 0 && f.written.Load() >= cancelAt {
				canceled = true
				cancel()
			}
		}
	}()
	t.Cleanup(func() { f.close() })
	return f
}

// close closes the reading side, so that the writer stops, and waits for it.
func (f *pipeFeed) close() {
	f.r.Close()
	<-f.done
}

// TestImportRefusesBinary: input that is plainly no supported format is
// refused after its first bytes, not read (and hashed) to the end:
// /dev/zero ran forever at 100% CPU, deaf to signals.
func TestImportRefusesBinary(t *testing.T) {
	t.Run("endless zeros", func(t *testing.T) {
		f := feedPipe(t, "", 0, 0, 256<<20, nil)
		_, _, err := collect(t, f.path, Options{})
		f.close()
		if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "binary data") {
			t.Errorf("error %v, want ErrUnknownFormat: binary data", err)
		}
		if n := f.written.Load(); n > 4<<20 {
			t.Errorf("the importer read %d bytes of zeros before refusing them; want at most 4 MiB", n)
		}
	})
	t.Run("endless newlines", func(t *testing.T) {
		f := feedPipe(t, "", '\n', 0, 256<<20, nil)
		_, _, err := collect(t, f.path, Options{})
		f.close()
		if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "all white space") {
			t.Errorf("error %v, want ErrUnknownFormat: all white space", err)
		}
		if n := f.written.Load(); n > 4<<20 {
			t.Errorf("the importer read %d bytes of newlines before refusing them", n)
		}
	})
	for _, tc := range []struct {
		name string
		data func() []byte
	}{
		{"random bytes after a brace", func() []byte {
			b := make([]byte, 3<<20)
			rng := rand.New(rand.NewPCG(16, 4))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			b[0] = '{'
			return b
		}},
		{"zeros after a bracket", func() []byte { return append([]byte("["), make([]byte, 1<<20)...) }},
		{"gzip of zeros", func() []byte { return gz(t, make([]byte, 8<<20)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.json")
			if err := os.WriteFile(path, tc.data(), 0o644); err != nil {
				t.Fatal(err)
			}
			res, _, err := collect(t, path, Options{})
			if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "binary data") || res.Read != 0 {
				t.Errorf("%+v %v, want ErrUnknownFormat: binary data", res, err)
			}
		})
	}
	t.Run("a stray control byte is a bad record, not a binary file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "stray.json")
		body := banner(0, 10) + "\n" + `{"ip_str":"10.0.0.1","port":80,"data":"a` + "\x00" + `b"}` + "\n" + banner(2, 10) + "\n"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		res, _, err := collect(t, path, Options{})
		if err != nil || res.Kept != 2 || res.Bad != 1 || res.Errors[0].Line != 2 {
			t.Errorf("%+v %v; want line 2 bad, 2 kept", res, err)
		}
	})
}

// TestImportStopsOnCancel: every loop of the importer observes ctx. An
// endless input behind a valid first record (a newline bomb, an endless
// JSON document) was read on after SIGINT and SIGTERM, since the NDJSON
// loop looked at ctx only every 256 records. Now the import returns ctx's
// error within one buffer of the cancel, and keeps what it had emitted.
func TestImportStopsOnCancel(t *testing.T) {
	const cancelAt, slack = 4 << 20, 4 << 20
	for _, tc := range []struct {
		name, prefix string
		fill         byte
		workers      int
	}{
		{"newlines after a banner", banner(1, 10) + "\n", '\n', 1},
		{"newlines after a banner, parallel", banner(1, 10) + "\n", '\n', 2},
		{"spaces inside a search response", `{"matches": [` + banner(1, 10) + `,`, ' ', 1},
		{"spaces after a Censys hit", `{"host_v1": {"resource": {"ip": "10.0.0.1", "services": [{"port": 80}]}}}` + "\n", ' ', 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f := feedPipe(t, tc.prefix, tc.fill, cancelAt, 512<<20, cancel)
			kept := 0
			res, err := ImportParallel(ctx, f.path, Options{}, tc.workers,
				func(o *model.Observation) uint16 { return o.Port }, func(uint16) error { kept++; return nil })
			f.close()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if n := f.written.Load(); n > cancelAt+slack {
				t.Errorf("the importer read %d bytes, %d after the cancel; want at most %d", n, n-cancelAt, slack)
			}
			if kept != 1 || res.Kept != 1 || res.Truncated {
				t.Errorf("kept %d, result %+v; want the first record kept and no truncation reported", kept, res)
			}
		})
	}
}

// TestImportParallelBytesInFlight: the memory of the parallel path does
// not grow with the number of workers. Each chunk once held up to 16 MiB
// lines, 6 chunks a worker: GOMAXPROCS=32 reached 5.46 GB on a 6 MB file,
// --workers 64 8.21 GB. Now the chunks between the reader and the merge
// are held to a byte budget whatever the workers, and workers are capped.
func TestImportParallelBytesInFlight(t *testing.T) {
	var body bytes.Buffer
	body.WriteString(banner(0, 10) + "\n")
	for i := 1; i <= 60; i++ {
		body.WriteString(banner(i, 3<<20) + "\n")
	}
	path := filepath.Join(t.TempDir(), "long-lines.json.gz")
	if err := os.WriteFile(path, gz(t, body.Bytes()), 0o644); err != nil {
		t.Fatal(err)
	}
	limit := budget(model.MaxRecord)
	for _, workers := range []int{2, 64} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			p := &parBanners[uint16]{workers: workers,
				work: func(o *model.Observation) uint16 { return o.Port },
				emit: func(uint16) error { return nil }}
			res, err := importRun(context.Background(), path, Options{MaxRecord: model.MaxRecord}, nil, p)
			if err != nil || res.Kept != 61 {
				t.Fatalf("%+v %v", res, err)
			}
			if pk := p.peak.Load(); pk <= 0 || pk > limit {
				t.Errorf("peak bytes in flight %d; want at most the %d-byte budget", pk, limit)
			}
			if h := p.held.Load(); h != 0 {
				t.Errorf("%d bytes still charged after the import", h)
			}
		})
	}
	t.Run("workers=2000000", func(t *testing.T) {
		// Capped at MaxWorkers: the same result, no crash.
		var mu sync.Mutex
		n := 0
		res, err := ImportParallel(context.Background(), path, Options{}, 2_000_000,
			func(o *model.Observation) uint16 { return o.Port },
			func(uint16) error { mu.Lock(); n++; mu.Unlock(); return nil })
		if err != nil || res.Kept != 61 || n != 61 {
			t.Errorf("%+v %v, emitted %d", res, err, n)
		}
	})
}

// TestImportHashesOnlyWhatItReads checks the other side of refusing early:
// a file that imports (even with a break) is still hashed whole.
func TestImportHashesOnlyWhatItReads(t *testing.T) {
	full := gz(t, ndjsonBanners(200, 500))
	path := filepath.Join(t.TempDir(), "cut.json.gz")
	if err := os.WriteFile(path, full[:len(full)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, path, Options{})
	if err != nil || !res.Truncated || res.Bytes != int64(len(full)*2/3) || res.SHA256 == "" {
		t.Errorf("%+v %v; want a truncated import hashed over all %d bytes", res, err, len(full)*2/3)
	}
}
