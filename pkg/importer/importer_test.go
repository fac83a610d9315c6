package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// collect imports path and returns the result and the emitted observations.
func collect(t testing.TB, path string, opts Options) (Result, []model.Observation, error) {
	t.Helper()
	var obs []model.Observation
	res, err := Import(context.Background(), path, opts, func(o *model.Observation) error {
		obs = append(obs, *o)
		return nil
	})
	return res, obs, err
}

// gzipCopy writes a gzip copy of src, under a name without .gz (detection
// must use the magic bytes, not the name).
func gzipCopy(t testing.TB, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src)+".data")
	if err := os.WriteFile(dst, gz(t, b), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func keys(obs []model.Observation) map[string]bool {
	m := map[string]bool{}
	for _, o := range obs {
		m[string(o.Engine)+" "+netip.AddrPortFrom(o.Addr, o.Port).String()+"/"+o.Transport] = true
	}
	return m
}

func TestImportFormats(t *testing.T) {
	tests := []struct {
		file                     string
		format                   Format
		engine                   string
		read, kept, bad, ignored int
		wantKey                  string
	}{
		{"download.ndjson", ShodanDownload, "shodan", 5, 3, 2, 0, "shodan 52.15.3.7:6443/tcp"},
		{"shodan-search.json", ShodanSearch, "shodan", 2, 2, 0, 0, "shodan 34.201.8.9:10250/tcp"},
		{"shodan-host.json", ShodanHost, "shodan", 2, 2, 0, 0, "shodan 52.15.3.7:443/tcp"},
		{"banners-array.json", JSONArray, "shodan", 2, 2, 0, 0, "shodan [2001:db8:85a3::8a2e:370:7334]:2379/tcp"},
		{"censys-v3-search.json", CensysV3Search, "censys", 3, 2, 0, 2, "censys 3.88.12.34:2379/tcp"},
		{"censys-v3-host.json", CensysV3Host, "censys", 1, 5, 0, 0, "censys 3.88.12.34:443/udp"},
		{"censys-v2-search.json", CensysV2Search, "censys", 2, 3, 0, 0, "censys 198.51.100.22:6443/tcp"},
		{"censys-v2-host.json", CensysV2Host, "censys", 1, 4, 0, 0, "censys 198.51.100.20:6443/tcp"},
		{"censys-hits.ndjson", CensysNDJSON, "censys", 4, 9, 0, 1, "censys 198.51.100.21:2375/tcp"},
	}
	for _, tt := range tests {
		for _, compressed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%v", tt.file, compressed), func(t *testing.T) {
				path := filepath.Join("testdata", tt.file)
				if compressed {
					path = gzipCopy(t, path)
				}
				res, obs, err := collect(t, path, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := [...]any{res.Format, res.Engine, res.Read, res.Kept, res.Bad, res.Ignored, len(obs)}
				want := [...]any{tt.format, tt.engine, tt.read, tt.kept, tt.bad, tt.ignored, tt.kept}
				if got != want {
					t.Errorf("format, engine, read, kept, bad, ignored, emitted = %v, want %v (errors %v)", got, want, res.Errors)
				}
				if !keys(obs)[tt.wantKey] {
					t.Errorf("%s not among %v", tt.wantKey, keys(obs))
				}
				if res.Truncated {
					t.Errorf("truncated: %s", res.TruncatedReason)
				}
			})
		}
	}
}

func TestImportBadLines(t *testing.T) {
	path := filepath.Join("testdata", "download.ndjson")
	res, _, err := collect(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 2 {
		t.Fatalf("errors %v", res.Errors)
	}
	want := []struct {
		line, record int
		reason       string
	}{
		{3, 3, `shodan: banner address "not-an-ip" is not an IP address`},
		{4, 4, "not valid JSON"},
	}
	for i, w := range want {
		e := res.Errors[i]
		if e.File != path || e.Line != w.line || e.Record != w.record || !strings.Contains(e.Reason, w.reason) {
			t.Errorf("error %d = %+v, want line %d record %d reason containing %q", i, e, w.line, w.record, w.reason)
		}
		if !strings.HasPrefix(e.Error(), fmt.Sprintf("%s:%d: record %d: ", path, w.line, w.record)) {
			t.Errorf("message %q", e.Error())
		}
	}
}

func TestImportStrict(t *testing.T) {
	path := filepath.Join("testdata", "download.ndjson")
	calls := 0
	_, err := Import(context.Background(), path, Options{Strict: true}, func(*model.Observation) error { calls++; return nil })
	var re *RecordError
	if !errors.As(err, &re) || re.Line != 3 || re.File != path {
		t.Fatalf("error %v, want a *RecordError at line 3", err)
	}
	if calls != 0 {
		t.Errorf("emit called %d times in a strict import of a bad file", calls)
	}
	res, obs, err := collect(t, filepath.Join("testdata", "shodan-search.json"), Options{Strict: true})
	if err != nil || res.Kept != 2 || len(obs) != 2 {
		t.Errorf("strict import of a good file: %+v %v", res, err)
	}
}

// ndjsonBanners returns n banners, one per line, each about size bytes.
func ndjsonBanners(n, size int) []byte {
	var buf bytes.Buffer
	html := strings.Repeat("<p>kubernetes dashboard</p>", size/27)
	for i := range n {
		fmt.Fprintf(&buf, `{"hash": %d, "ip": %d, "ip_str": "10.%d.%d.%d", "port": 443, "transport": "tcp", "org": "Example", "asn": "AS64500", `+
			`"location": {"country_code": "US", "city": "Ashburn"}, "cloud": {"provider": "Amazon", "region": "us-east-1", "service": "EC2"}, `+
			`"timestamp": "2026-10-01T00:00:00.000000", "_shodan": {"id": "id-%d", "module": "https"}, "tags": ["cloud"], `+
			`"http": {"status": 200, "title": "Kubernetes Dashboard", "server": "nginx", "html": %q}, `+
			`"ssl": {"cert": {"serial": 407839025365077186063209073863114754759604, "subject": {"CN": "k8s"}, "issuer": {"CN": "ca", "O": "x"}}}, `+
			`"data": "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nX-Frame-Options: DENY\r\n\r\n"}`+"\n",
			-i, 167772160+i, i>>16&255, i>>8&255, i&255, i, html)
	}
	return buf.Bytes()
}

func TestImportTruncatedGzip(t *testing.T) {
	full := gz(t, ndjsonBanners(400, 2000))
	path := filepath.Join(t.TempDir(), "k8s.json.gz")
	if err := os.WriteFile(path, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	res, obs, err := collect(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || res.Read == 0 || res.Read >= 400 || len(obs) != res.Read || res.Bad != 0 {
		t.Fatalf("truncated %v read %d emitted %d bad %d", res.Truncated, res.Read, len(obs), res.Bad)
	}
	for _, want := range []string{"gzip stream is truncated", fmt.Sprintf("%d records were read before the break", res.Read), fmt.Sprintf("k8s.json.gz:%d:", res.Read+1)} {
		if !strings.Contains(res.TruncatedReason, want) {
			t.Errorf("reason %q lacks %q", res.TruncatedReason, want)
		}
	}
	if _, err := Import(context.Background(), path, Options{Strict: true}, nil); err == nil {
		t.Error("strict import of a truncated file succeeded")
	}
}

func TestImportTruncatedDocument(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "shodan-search.json"))
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.LastIndex(b, []byte(`"kubernetes": {`))
	path := filepath.Join(t.TempDir(), "page.json")
	if err := os.WriteFile(path, b[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	res, obs, err := collect(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || res.Read != 1 || len(obs) != 1 || !strings.Contains(res.TruncatedReason, "1 records were read before the break") {
		t.Errorf("%+v", res)
	}
}

func TestImportDocumentLineNumbers(t *testing.T) {
	doc := "{\n  \"total\": 3,\n  \"matches\": [\n    {\"ip_str\": \"192.0.2.1\", \"port\": 80},\n    {\"ip_str\": \"192.0.2.2\",\n     \"port\": 0},\n    {\"ip_str\": \"192.0.2.3\", \"port\": 81}\n  ]\n}\n"
	path := filepath.Join(t.TempDir(), "search.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 3 || res.Kept != 2 || res.Bad != 1 || res.Errors[0].Line != 5 || res.Errors[0].Record != 2 {
		t.Errorf("%+v", res)
	}
}

func TestImportRecordLimits(t *testing.T) {
	dir := t.TempDir()
	long := `{"ip_str":"192.0.2.9","port":80,"data":"` + strings.Repeat("x", 5000) + `"}`
	nd := filepath.Join(dir, "long.ndjson")
	if err := os.WriteFile(nd, []byte(`{"ip_str":"192.0.2.1","port":80}`+"\n"+long+"\n"+`{"ip_str":"192.0.2.2","port":80}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, nd, Options{MaxRecord: 1000})
	if err != nil || res.Kept != 2 || res.Bad != 1 || res.Errors[0].Line != 2 || !strings.Contains(res.Errors[0].Reason, "1000-byte limit") {
		t.Errorf("ndjson: %+v %v", res, err)
	}
	doc := filepath.Join(dir, "long.json")
	huge := `{"ip_str":"192.0.2.8","port":80,"data":"` + strings.Repeat("x", 3<<20) + `"}`
	body := "{\"matches\": [\n" + `{"ip_str":"192.0.2.1","port":80},` + "\n" + long + ",\n" + huge + "\n]}"
	if err := os.WriteFile(doc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err = collect(t, doc, Options{MaxRecord: 1000})
	if err != nil || !res.Truncated || res.Kept != 1 || res.Bad != 1 || res.Errors[0].Line != 3 ||
		!strings.Contains(res.Errors[0].Reason, "1000-byte limit") || !strings.Contains(res.TruncatedReason, "1000-byte limit") ||
		!strings.Contains(res.TruncatedReason, ":3: the record after this point") {
		t.Errorf("document: %+v %v", res, err)
	}
	deep := filepath.Join(dir, "deep.json")
	if err := os.WriteFile(deep, []byte(`{"matches":[{"ip_str":"192.0.2.1","port":80},{"x":`+strings.Repeat("[", 100000)), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err = collect(t, deep, Options{})
	if err != nil || !res.Truncated || res.Kept != 1 {
		t.Errorf("deep: %+v %v", res, err)
	}
}

func TestImportUnknownFormat(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"empty.json", "  \n", "the file is empty"},
		{"report.csv", "ip,port\n1.2.3.4,80\n", "does not start with a JSON object or array"},
		{"error.json", `{"error": "Rate limit exceeded <b>", "status": "error"}`, `API error response, not records: "Rate limit exceeded <b>"`},
		{"aggregate.json", `{"code":200,"status":"OK","result":{"buckets":[],"field":"services.port"}}`, `result has keys ["buckets" "field"]`},
		{"other.json", `{"hello": 1}` + "\n" + `{"hello": 2}`, `the first object has keys ["hello"]`},
		{"number.json", "[1, 2]", `not a record orchex knows`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.name)
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			res, _, err := collect(t, path, Options{})
			if tt.name == "number.json" { // an array of non-objects: bad records, not a format error
				if err != nil || res.Bad != 2 || !strings.Contains(res.Errors[0].Reason, tt.want) {
					t.Errorf("%+v %v", res, err)
				}
				return
			}
			if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrUnknownFormat naming the file and %q", err, tt.want)
			}
		})
	}
	if _, _, err := collect(t, filepath.Join(t.TempDir(), "missing.json"), Options{}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

func TestImportForcedEngine(t *testing.T) {
	_, _, err := collect(t, filepath.Join("testdata", "download.ndjson"), Options{Engine: "censys"})
	if err == nil || !strings.Contains(err.Error(), "forced to censys") {
		t.Errorf("censys forced on a Shodan file: %v", err)
	}
	if _, _, err := collect(t, filepath.Join("testdata", "download.ndjson"), Options{Engine: "zoomeye"}); err == nil {
		t.Error("unknown engine accepted")
	}
	// A record of no recognisable shape is decoded as the forced engine's.
	path := filepath.Join(t.TempDir(), "bare.ndjson")
	if err := os.WriteFile(path, []byte(`{"ip":3232235777,"transport":"udp","data":"x","hostnames":[]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, path, Options{})
	if !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unforced: %v", err)
	}
	res, obs, err := collect(t, path, Options{Engine: "shodan"})
	if err != nil || res.Read != 1 || res.Bad != 1 || !strings.Contains(res.Errors[0].Reason, "port 0") {
		t.Errorf("forced: %+v %v %v", res, obs, err)
	}
}

func TestImportSHA256(t *testing.T) {
	for _, path := range []string{filepath.Join("testdata", "censys-v3-search.json"), gzipCopy(t, filepath.Join("testdata", "download.ndjson"))} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		res, _, err := collect(t, path, Options{Strict: false})
		if err != nil {
			t.Fatal(err)
		}
		if res.SHA256 != hex.EncodeToString(sum[:]) || res.Bytes != int64(len(b)) {
			t.Errorf("%s: sha %s bytes %d, want %x %d", path, res.SHA256, res.Bytes, sum, len(b))
		}
	}
}

func TestImportEmitError(t *testing.T) {
	stop := errors.New("disk full")
	_, err := Import(context.Background(), filepath.Join("testdata", "shodan-search.json"), Options{}, func(*model.Observation) error { return stop })
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "shodan-search.json:") {
		t.Errorf("error %v", err)
	}
	// Cancelling stops the import within 256 records, in both layouts.
	dir := t.TempDir()
	nd := filepath.Join(dir, "many.ndjson")
	if err := os.WriteFile(nd, ndjsonBanners(1000, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(dir, "many.json")
	if err := os.WriteFile(doc, append(append([]byte(`{"matches":[`), bytes.ReplaceAll(bytes.TrimSpace(ndjsonBanners(1000, 100)), []byte("\n"), []byte(","))...), "]}"...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{nd, doc} {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		res, err := Import(ctx, path, Options{}, func(*model.Observation) error {
			if n++; n == 10 {
				cancel()
			}
			return nil
		})
		cancel()
		if !errors.Is(err, context.Canceled) || n > 256 || res.Read > 256 {
			t.Errorf("%s: err %v after %d observations, %d records", filepath.Base(path), err, n, res.Read)
		}
	}
}

func TestImportBadFirstLine(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "download.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "k8s.json")
	if err := os.WriteFile(path, append([]byte(`{"ip_str": "192.0.2.1", "port": 80, "da`+"\n"), b...), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err := collect(t, path, Options{})
	if err != nil || res.Format != ShodanDownload || res.Kept != 3 || res.Bad != 3 || res.Errors[0].Line != 1 || res.Errors[1].Line != 4 {
		t.Errorf("%+v %v", res, err)
	}
}

func TestImportEdgeDocuments(t *testing.T) {
	tests := []struct {
		name, body string
		format     Format
		read, kept int
		truncated  bool
	}{
		{"null matches", `{"matches": null, "total": 0}`, ShodanSearch, 0, 0, false},
		{"cut inside the array", "{\"matches\": [\n{\"ip_str\": \"192.0.2.1\", \"port\": 80},\n", ShodanSearch, 1, 1, true},
		{"two documents", `{"ip_str": "192.0.2.1", "port": 80, "data": "a"}` + " " + `{"ip_str": "192.0.2.2", "port": 80}`, ShodanBanner, 2, 2, false},
		{"BOM", "\ufeff" + `{"ip_str": "192.0.2.1", "port": 80}` + "\n", ShodanDownload, 1, 1, false},
		{"empty v3 hits", `{"result": {"hits": [], "next_page_token": "", "total_hits": 0}}`, CensysV3Search, 0, 0, false},
		{"empty v2 hits", `{"result": {"hits": [], "links": {}}, "code": 200}`, CensysV2Search, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.json")
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			res, obs, err := collect(t, path, Options{})
			if err != nil || res.Format != tt.format || res.Read != tt.read || len(obs) != tt.kept || res.Truncated != tt.truncated {
				t.Errorf("%+v %v", res, err)
			}
			if tt.truncated && !strings.Contains(res.TruncatedReason, "truncated") {
				t.Errorf("reason %q", res.TruncatedReason)
			}
		})
	}
}

func TestImportNDJSONOfResponses(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "censys-v3-host.json"))
	if err != nil {
		t.Fatal(err)
	}
	page := `{"matches": [{"ip_str": "192.0.2.1", "port": 80}, {"ip_str": "192.0.2.2", "port": 81}], "total": 2}`
	body := page + "\n" + `{"matches": [{"ip_str": "192.0.2.3", "port": 80},, ]}` + "\n" + page + "\n"
	path := filepath.Join(t.TempDir(), "pages.ndjson")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res, obs, err := collect(t, path, Options{})
	if err != nil || res.Format != ShodanSearch || res.Read != 5 || len(obs) != 4 || res.Bad != 1 || res.Errors[0].Line != 2 || res.Truncated {
		t.Errorf("%+v %v", res, err)
	}
	// One compact host view per line.
	path = filepath.Join(t.TempDir(), "hosts.ndjson")
	if err := os.WriteFile(path, append(append(bytes.TrimSpace(b), '\n'), b...), 0o644); err != nil {
		t.Fatal(err)
	}
	res, obs, err = collect(t, path, Options{})
	if err != nil || res.Format != CensysV3Host || res.Read != 2 || len(obs) != 10 {
		t.Errorf("%+v %v", res, err)
	}
}
