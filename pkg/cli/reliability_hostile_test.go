package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

// hostileTexts are strings a stranger can put in a banner: Markdown and
// HTML injection, terminal escape sequences (colour, title, cursor
// movement, OSC 8 links), bidi overrides, zero-width characters, line and
// table breaks, and a placeholder that becomes invalid UTF-8 in the file.
var hostileTexts = []string{
	"| x | y |\n|---|---|\n| injected | row |",
	"<script>alert(1)</script><img src=x onerror=alert(2)>",
	"\x1b[31mRED\x1b[0m\x1b]0;pwned\x07\x1b[2J\x1b[H",
	"\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07",
	"abc\u202egnp.exe\u2066\u2069\u200f\u061c",
	"# heading\n\n* list\n[link](javascript:alert(1)) ![img](http://x/y.png) `code` **bold** ~~s~~ $x$",
	"\r\n\r\nHTTP/1.1 200 OK\r\n\x00\x07\x08\x7f\u0085\u2028\u2029",
	"INVALIDUTF8",
	"=cmd|' /C calc'!A0",
	"zero\u200bwidth\ufeff\u00ad",
}

// invalidUTF8 replaces the INVALIDUTF8 placeholder in a JSON file: bytes
// that are not UTF-8, inside a JSON string.
var invalidUTF8 = []byte("\xff\xfe\xc3(\xed\xa0\x80")

// poisonKeys are the fields of Shodan banners and Censys hosts that reach
// reports or terminal output and that classification does not depend on.
var poisonKeys = map[string]bool{
	"org": true, "isp": true, "city": true, "hostnames": true, "domains": true,
	"province": true, "description": true, "names": true, "name": true, "reverse_dns": true,
}

// poison returns a copy of a decoded JSON value with hostile text appended
// to every string under a poisonKeys key; n picks the text.
func poison(v any, n *int, under bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			// A title can identify a product (an "equals" rule): only an
			// empty one is made hostile, so classification is unchanged.
			out[k] = poison(val, n, poisonKeys[k] || (k == "title" && val == ""))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = poison(val, n, under)
		}
		return out
	case string:
		if !under {
			return x
		}
		*n++
		return x + hostileTexts[*n%len(hostileTexts)]
	}
	return v
}

// hostileRecord poisons one JSON record and marshals it without HTML
// escaping, so that the file carries the characters themselves.
func hostileRecord(t *testing.T, raw []byte, n *int, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m = poison(m, n, false).(map[string]any)
	if edit != nil {
		edit(m)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b.Bytes(), []byte("INVALIDUTF8"), invalidUTF8)
}

// hostileFixture writes the same population twice, as a Shodan download
// file and a Censys hits file: clean, and poisoned with hostile text plus
// extra copies of existing records carrying a 1 MB title, a number as
// product and version, a 40-digit certificate serial, negative hashes and
// 5,000 levels of nested JSON. The extra copies merge into services that
// exist already, so the poisoned files must give the clean files' figures.
// One more record is nested 20,000 levels deep, past what a JSON decoder
// accepts: it must be reported and skipped.
func hostileFixture(t *testing.T, dir string) (clean, hostile []string) {
	t.Helper()
	cat, err := (&globals{}).loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	shodanQs, censysQs := productQueries(cat)
	pop := demo.Generate(demo.Config{Seed: 7, Size: 160})
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(p string) bool { return len(censysQs[p]) > 0 })
	var banners [][]byte
	res := pop.ShodanResults(shodanQs)
	for _, p := range cat.Products() {
		for _, q := range p.Shodan {
			for _, b := range res[q] {
				banners = append(banners, b)
			}
		}
	}
	hits, _ := pop.CensysResults(censysQs)
	if len(banners) < 20 || len(hits) < 20 {
		t.Fatalf("population too small: %d banners, %d hits", len(banners), len(hits))
	}
	nested := func(depth int) any {
		var v any = "deep"
		for range depth {
			v = []any{v}
		}
		return v
	}
	n := 0
	var cs, hs, cc, hc bytes.Buffer
	for _, b := range banners {
		cs.Write(b)
		cs.WriteByte('\n')
		hs.Write(hostileRecord(t, b, &n, nil))
	}
	extra := []func(map[string]any){
		func(m map[string]any) { // a 1 MB title
			if h, ok := m["http"].(map[string]any); ok {
				h["title"] = strings.Repeat("<b>|\x1b[7m"+hostileTexts[4], 1<<20/32)
			}
		},
		func(m map[string]any) {
			m["product"] = 31337
			m["version"] = 1.29
			m["org"] = 42.5
			m["hostnames"] = []any{1, true, nil}
		},
		func(m map[string]any) {
			m["hash"] = -2147483648
			m["ssl"] = map[string]any{"cert": map[string]any{"serial": json.Number("1234567890123456789012345678901234567890"),
				"subject": map[string]any{"CN": hostileTexts[2]}, "issuer": map[string]any{"CN": hostileTexts[1]}, "sig_alg": "sha256"}}
		},
		func(m map[string]any) { m["opts"] = map[string]any{"nested": nested(5000)} },
	}
	for i, e := range extra {
		hs.Write(hostileRecord(t, banners[i], &n, e))
	}
	hs.Write(hostileRecord(t, banners[len(extra)], &n, func(m map[string]any) { m["opts"] = nested(20000) }))
	for _, h := range hits {
		cc.Write(h)
		cc.WriteByte('\n')
		hc.Write(hostileRecord(t, h, &n, nil))
	}
	hc.Write(hostileRecord(t, hits[0], &n, func(m map[string]any) {
		host, _ := m["host_v1"].(map[string]any)
		res, _ := host["resource"].(map[string]any)
		if svcs, ok := res["services"].([]any); ok {
			for _, s := range svcs {
				if sm, ok := s.(map[string]any); ok {
					sm["cert"] = map[string]any{"parsed": map[string]any{"serial_number": json.Number("9999999999999999999999999999999999999999")}}
					sm["banner_hash_sha256"] = -1
				}
			}
		}
	}))
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean = []string{write("shodan.json", cs.Bytes()), write("censys.json", cc.Bytes())}
	// The file names are hostile too: they reach the terminal and the
	// reports' input lists.
	hostile = []string{write("shodan\x1b[31m\u202e|<i>.json", hs.Bytes()), write("censys`*_.json", hc.Bytes())}
	return clean, hostile
}

// checkTerminalText fails when s could act on a terminal: invalid UTF-8,
// a control character other than newline and tab (escape sequences
// included), a bidi control or a line/paragraph separator.
func checkTerminalText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8", what)
	}
	for i, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || safejson.IsBidi(r) || r == '\u2028' || r == '\u2029' {
			t.Errorf("%s holds %U at byte %d: %q", what, r, i, s[max(0, i-40):min(len(s), i+40)])
			return
		}
	}
}

// mdTable is one GFM table of a Markdown report: its header and the cell
// count of every row.
type mdTable struct {
	Header string
	Cells  []int
}

// mdTables finds the tables of a Markdown document. A cell ends at a pipe
// that no backslash escapes.
func mdTables(md string) []mdTable {
	var out []mdTable
	in := false
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			in = false
			continue
		}
		if !in {
			out = append(out, mdTable{Header: line})
			in = true
		}
		cells := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '|':
				cells++
			}
		}
		out[len(out)-1].Cells = append(out[len(out)-1].Cells, cells-1)
	}
	return out
}

// checkMarkdown checks a Markdown report: terminal-safe text, no raw HTML,
// and tables whose rows all have the header's cell count.
func checkMarkdown(t *testing.T, what, md string) []mdTable {
	t.Helper()
	checkTerminalText(t, what, md)
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "\x1b"} {
		if strings.Contains(md, bad) {
			t.Errorf("%s holds %q", what, bad)
		}
	}
	// A link or image needs "](" with the bracket unescaped.
	for i := strings.Index(md, "]("); i >= 0; {
		if i == 0 || md[i-1] != '\\' {
			t.Errorf("%s holds a link: %q", what, md[max(0, i-40):min(len(md), i+40)])
			break
		}
		j := strings.Index(md[i+2:], "](")
		if j < 0 {
			break
		}
		i += 2 + j
	}
	tables := mdTables(md)
	for _, tb := range tables {
		for i, c := range tb.Cells {
			if c != tb.Cells[0] {
				t.Errorf("%s: table %q row %d has %d cells, the header %d", what, tb.Header, i, c, tb.Cells[0])
			}
		}
	}
	return tables
}

// tableShapes is the header and column count of every table.
func tableShapes(tables []mdTable) []string {
	var s []string
	for _, tb := range tables {
		s = append(s, fmt.Sprintf("%d %s", tb.Cells[0], tb.Header))
	}
	return s
}

// figures is what hostile text must not change in a JSON report.
func figures(t *testing.T, what, js string) string {
	t.Helper()
	if !json.Valid([]byte(js)) {
		t.Fatalf("%s is not valid JSON", what)
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	h := r.Headline
	return fmt.Sprintf("services %d hosts %d open %d k8s-open %d aws %.6f k8s %.6f products %v overlap %+v",
		h.Services, h.Hosts, h.Open, h.KubernetesOpen, h.AWSShare, h.KubernetesShare, r.ByProduct, r.EngineOverlap)
}

// checkCSV parses a CSV report strictly: every record has the header's
// field count, and the text is terminal-safe.
func checkCSV(t *testing.T, what string, data []byte) (header []string, rows int) {
	t.Helper()
	checkTerminalText(t, what, string(data))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s is empty", what)
	}
	for _, r := range recs[1:] {
		for _, f := range r {
			if f != "" && strings.ContainsRune("=+-@", rune(f[0])) && !isNumber(f) {
				t.Errorf("%s: field %q can start a spreadsheet formula", what, f)
			}
		}
	}
	return recs[0], len(recs) - 1
}

func isNumber(s string) bool {
	var f float64
	_, err := fmt.Sscan(s, &f)
	return err == nil
}

// checkPDF checks a PDF's framing and, when poppler-utils are installed,
// that pdfinfo and pdftotext read it without complaint.
func checkPDF(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatalf("%s is not framed as a PDF", path)
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Logf("pdfinfo not installed: only the PDF framing is checked")
		return ""
	}
	var stderr bytes.Buffer
	cmd := exec.Command("pdfinfo", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 || !bytes.Contains(out, []byte("Pages:")) {
		t.Fatalf("pdfinfo %s: %v\n%s%s", path, err, out, stderr.String())
	}
	stderr.Reset()
	cmd = exec.Command("pdftotext", "-enc", "UTF-8", path, "-")
	cmd.Stderr = &stderr
	text, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, stderr.String())
	}
	checkTerminalText(t, "pdftotext of "+filepath.Base(path), strings.ReplaceAll(string(text), "\f", "\n"))
	return string(text)
}

// TestHostileBannersEndToEnd imports Shodan and Censys files whose every
// free-text field is hostile (plus 1 MB titles, numbers for strings,
// 40-digit serials, negative hashes, deep nesting) under hostile file
// names, and checks that every report format stays well formed, that the
// Markdown and HTML tables keep their shape, that the figures equal those of the
// clean files, and that nothing orchex prints can drive a terminal.
func TestHostileBannersEndToEnd(t *testing.T) {
	dir := t.TempDir()
	clean, hostile := hostileFixture(t, dir)
	cleanDB, hostileDB := filepath.Join(dir, "clean.db"), filepath.Join(dir, "hostile.db")
	if _, stderr, code := run(t, nil, append([]string{"--db", cleanDB, "import", "--snapshot", "2026Q4"}, clean...)...); code != ExitOK {
		t.Fatalf("clean import: exit %d\n%s", code, stderr)
	}
	stdout, stderr, code := run(t, nil, append([]string{"--db", hostileDB, "import", "--snapshot", "2026Q4"}, hostile...)...)
	checkTerminalText(t, "import output", stdout+stderr)
	if code != ExitPartial {
		t.Fatalf("hostile import: exit %d, want 3 (one record nested past the decoder's depth)\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "shodan\ufffd[31m\ufffd|<i>.json:") || !strings.Contains(stderr, " 1 bad;") {
		t.Errorf("import does not report the one bad record with its file:line:\n%s", stderr)
	}

	report := func(db string, args ...string) string {
		t.Helper()
		out, stderr, code := run(t, nil, append([]string{"--db", db, "report", "--snapshot", "2026Q4"}, args...)...)
		if code != ExitOK {
			t.Fatalf("report %v: exit %d\n%s", args, code, stderr)
		}
		checkTerminalText(t, fmt.Sprintf("report %v stderr", args), stderr)
		return out
	}
	// JSON: valid, and the same figures as the clean files.
	cj, hj := report(cleanDB, "--format", "json"), report(hostileDB, "--format", "json")
	if a, b := figures(t, "clean JSON", cj), figures(t, "hostile JSON", hj); a != b {
		t.Errorf("hostile text changed the figures:\nclean   %s\nhostile %s", a, b)
	}
	hja := report(hostileDB, "--format", "json", "--include-addresses")
	figures(t, "hostile JSON with addresses", hja)
	if !strings.Contains(hja, `\u001b[31m`) && !strings.Contains(hja, "\ufffd[31m") && !strings.Contains(hja, "[31m") {
		t.Error("the JSON report with addresses lost the hostile text entirely: is the fixture reaching it?")
	}

	// Markdown: safe text, tables of the header's width, the same tables
	// as the clean report.
	for _, extra := range [][]string{nil, {"--include-addresses"}} {
		cm := checkMarkdown(t, "clean Markdown", report(cleanDB, extra...))
		hm := checkMarkdown(t, "hostile Markdown", report(hostileDB, extra...))
		if a, b := tableShapes(cm), tableShapes(hm); !slices.Equal(a, b) {
			t.Errorf("%v: table shapes differ:\nclean   %q\nhostile %q", extra, a, b)
		}
	}

	// CSV: strict parse, same header and row count as the clean report.
	for _, extra := range [][]string{nil, {"--include-addresses"}} {
		ch, cn := checkCSV(t, "clean CSV", []byte(report(cleanDB, append([]string{"--format", "csv"}, extra...)...)))
		hh, hn := checkCSV(t, "hostile CSV", []byte(report(hostileDB, append([]string{"--format", "csv"}, extra...)...)))
		if !reflect.DeepEqual(ch, hh) || cn != hn {
			t.Errorf("%v: CSV header or rows differ: clean %v (%d rows), hostile %v (%d rows)", extra, ch, cn, hh, hn)
		}
	}

	// HTML: nothing that loads or runs, terminal-safe text, the hostile
	// strings only as text, tables of the clean report's shape.
	for _, extra := range [][]string{nil, {"--include-addresses"}} {
		args := append([]string{"--format", "html"}, extra...)
		cp := htmlPage(t, "clean HTML", report(cleanDB, args...))
		page := report(hostileDB, args...)
		checkTerminalText(t, "hostile HTML", page)
		hp := htmlPage(t, "hostile HTML", page)
		if a, b := cp.Shape(), hp.Shape(); !slices.Equal(a, b) {
			t.Errorf("%v: HTML table shapes differ:\nclean   %q\nhostile %q", extra, a, b)
		}
		for _, attr := range hp.Attrs {
			if strings.Contains(attr, "alert(") || strings.Contains(attr, "evil.example") {
				t.Errorf("%v: hostile text reached an attribute: %s", extra, attr)
			}
		}
		if extra != nil && !strings.Contains(hp.Text, "<script>alert(1)</script><img src=x onerror=alert(2)>") {
			t.Errorf("the HTML report with addresses does not show the hostile hostname as text")
		}
	}

	// PDF: framed, readable by poppler, the figures in its text.
	pdfPath := filepath.Join(dir, "hostile.pdf")
	report(hostileDB, "--format", "pdf", "--out", pdfPath)
	if text := checkPDF(t, pdfPath); text != "" && !strings.Contains(text, "2026Q4") {
		t.Errorf("the PDF text does not name the snapshot")
	}

	// Every other print path that shows banner-derived text.
	for _, args := range [][]string{
		{"snapshots", "list"}, {"snapshots", "show", "2026Q4"}, {"snapshots", "list", "--format", "json"},
		{"snapshots", "show", "--format", "json", "2026Q4"},
	} {
		out, errOut, code := run(t, nil, append([]string{"--db", hostileDB}, args...)...)
		if code != ExitOK {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
		checkTerminalText(t, fmt.Sprint(args), out+errOut)
	}
}

// TestHostileEngineTextOnTerminal serves poisoned banners and a hostile
// plan name from the Shodan fake, and checks that collect (progress,
// summary, account line) and stats (facet values) print nothing that can
// drive a terminal.
func TestHostileEngineTextOnTerminal(t *testing.T) {
	n := 0
	var pop []json.RawMessage
	for _, b := range shodantest.Kubernetes(120, 3) {
		pop = append(pop, hostileRecord(t, b, &n, func(m map[string]any) {
			if c, ok := m["cloud"].(map[string]any); ok {
				c["region"] = "us-east-1" + hostileTexts[n%len(hostileTexts)]
			}
		}))
	}
	srv := shodantest.NewServer(shodantest.Config{Key: collectCanary, Rate: 400, Burst: 4, Plan: "dev\x1b]0;owned\x07\u202e",
		Population: func(string) []json.RawMessage { return pop }})
	t.Cleanup(srv.Close)
	env := collectEnv(t, srv)
	db := filepath.Join(t.TempDir(), "o.db")
	r := runOrchex(t, context.Background(), env, append([]string{"--verbose"}, collectArgs(db)...)...)
	if r.code != ExitOK {
		t.Fatalf("collect: exit %d\n%s", r.code, r.stderr)
	}
	checkTerminalText(t, "collect output", r.stdout+r.stderr)
	r = runOrchex(t, context.Background(), env, "stats", "--engine", "shodan", "--products", "kubernetes-api",
		"--facets", "org,city,http.title,cloud.region,hostnames", "--shodan-rate", "200")
	if r.code != ExitOK {
		t.Fatalf("stats: exit %d\n%s", r.code, r.stderr)
	}
	checkTerminalText(t, "stats output", r.stdout+r.stderr)
	if !strings.Contains(r.stdout, "us-east-1") {
		t.Errorf("stats did not show the region facet:\n%s", r.stdout)
	}
	out, errOut, code := run(t, nil, "--db", db, "report", "--format", "md")
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, errOut)
	}
	checkMarkdown(t, "report of the collected snapshot", out)

	// A range feed and a catalog with hostile text: ranges and queries.
	dir := t.TempDir()
	feeds := filepath.Join(dir, "ranges")
	os.MkdirAll(feeds, 0o755)
	aws := `{"syncToken":"1","createDate":"2026-11-01-00-00-00","prefixes":[{"ip_prefix":"3.5.0.0/16","region":"us-east-1\u001b[31m\u202e",` +
		`"service":"EC2\u001b]0;x\u0007<b>","network_border_group":"us-east-1\u2028"}],"ipv6_prefixes":[]}`
	if err := os.WriteFile(filepath.Join(feeds, "aws-ip-ranges.json"), []byte(aws), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"ranges", "info", "--ranges", feeds}, {"ranges", "lookup", "--ranges", feeds, "3.5.0.1", "\x1b[31m"}} {
		out, errOut, _ := run(t, nil, args...)
		checkTerminalText(t, fmt.Sprint(args), out+errOut)
	}
	catDir := filepath.Join(dir, "catalog")
	os.MkdirAll(catDir, 0o755)
	for _, name := range []string{"catalog.yaml", "products.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "catalog", "testdata", "good", name))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.Replace(b, []byte("name: Zeta API"), []byte(`name: "Zeta \e[31mAPI\u202e <b>|"`), 1)
		if err := os.WriteFile(filepath.Join(catDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"--catalog", catDir, "queries", "list"}, {"queries", "check", catDir}, {"--catalog", catDir, "queries", "list", "--format", "json"}} {
		out, errOut, _ := run(t, nil, args...)
		checkTerminalText(t, fmt.Sprint(args), out+errOut)
		if args[1] != "check" && !strings.Contains(out+errOut, "Zeta") {
			t.Errorf("%v does not show the hostile product name:\n%s%s", args, out, errOut)
		}
	}
}
