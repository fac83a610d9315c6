package pdf

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/orchex/orchex/pkg/report"
)

var updateImages = flag.Bool("update-images", false, "render the sample report's first pages to docs/img/ (needs pdftoppm)")

// render renders v with opts and fails the test on error.
func render(t testing.TB, v *report.View, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, v, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// tool returns the path of a poppler-utils program, skipping the test when
// it is not installed.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found: install poppler-utils (apt-get install -y poppler-utils) to run this test", name)
	}
	return p
}

// writePDF writes b to a temporary file and returns its path.
func writePDF(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs a poppler program and returns its standard output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	if strings.Contains(errb.String(), "Syntax Error") || strings.Contains(errb.String(), "Syntax Warning") {
		t.Errorf("%s reports a malformed PDF:\n%s", name, errb.String())
	}
	return out.String()
}

// pdfText is the layout-preserving text of every page.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	return run(t, "pdftotext", "-layout", "-enc", "UTF-8", writePDF(t, b), "-")
}

// pdfInfo parses pdfinfo's "Key: value" lines.
func pdfInfo(t *testing.T, b []byte) map[string]string {
	t.Helper()
	info := map[string]string{}
	for _, line := range strings.Split(run(t, "pdfinfo", "-isodates", writePDF(t, b)), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			info[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return info
}

// findRow returns the first text line that contains label followed, in
// order, by each of cells, separated by layout space. It reports whether one
// was found.
func findRow(text, label string, cells ...string) (string, bool) {
	return matchRow(text, regexp.QuoteMeta(label), cells)
}

// findCutRow is findRow for a label cut with an ellipsis: the line has
// prefix, more non-space characters, an ellipsis, then the cells.
func findCutRow(text, prefix string, cells ...string) (string, bool) {
	return matchRow(text, regexp.QuoteMeta(prefix)+`\S*\x{2026}`, cells)
}

func matchRow(text, label string, cells []string) (string, bool) {
	var b strings.Builder
	b.WriteString(label)
	for _, c := range cells {
		b.WriteString(`\s+`)
		b.WriteString(regexp.QuoteMeta(c))
	}
	b.WriteString(`(\s|$)`)
	re := regexp.MustCompile(b.String())
	for _, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return line, true
		}
	}
	return "", false
}

// p1 formats a share as the report should: one decimal and a percent sign.
// p1 writes a share as the report does: one decimal, and 0 and 1 as "0%"
// and "100%".
func p1(share float64) string {
	switch share {
	case 0:
		return "0%"
	case 1:
		return "100%"
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + "%"
}

func TestRenderTextHasEveryFigure(t *testing.T) {
	v := studyView()
	text := pdfText(t, render(t, v, Options{}))
	h := v.Headline
	norm := strings.Join(strings.Fields(text), " ")

	for _, s := range []string{
		"Of 22,672 exposed services on 21,118 hosts, 305 (1.3%) required no authentication, 19,870 (87.6%) demanded credentials and the banners of 2,497 (11.0%) did not tell.",
		"211 of 17,420 Kubernetes-family services answered without authentication.",
		"95.0% of the services were hosted on AWS, and 58.0% of those in AWS US regions.",
		"Kubernetes-family services make up 76.8% of the total.",
		"12,493 of the 21,540 panels on AWS (58.0%) were in US regions, 9,035 outside the US; the region of 12 panels is unknown.",
	} {
		if !strings.Contains(norm, s) {
			t.Errorf("summary sentence missing: %q", s)
		}
	}

	type row struct {
		label string
		cells []string
	}
	var rows []row
	sum := [4]int{}
	for _, p := range v.ByProduct {
		rows = append(rows, row{p.Name, []string{p.Family, p.Category, num(p.Services), num(p.Hosts), num(p.Open), num(p.AuthRequired), num(p.Unknown), p1(ratio(p.Open, p.Services))}})
		sum[0] += p.Services
		sum[1] += p.Open
		sum[2] += p.AuthRequired
		sum[3] += p.Unknown
	}
	rows = append(rows, row{"All products", []string{num(sum[0]), num(h.Hosts), num(sum[1]), num(sum[2]), num(sum[3]), "1.3%"}})
	names := map[string]string{"aws": "AWS", "gcp": "Google Cloud", "azure": "Microsoft Azure", "": "none", "digitalocean": "DigitalOcean"}
	for _, p := range v.ByProvider {
		rows = append(rows, row{names[p.Provider], []string{num(p.Services), p1(p.Share), num(p.Open), num(p.AuthRequired), num(p.Unknown)}})
	}
	for _, r := range v.AWSRegions {
		us := "no"
		if r.US {
			us = "yes"
		}
		rows = append(rows, row{r.Region, []string{us, num(r.Services), p1(r.Share)}})
	}
	rows = append(rows,
		row{"US regions", []string{"12,493", "58.0%"}},
		row{"Regions outside the US", []string{"9,035", "41.9%"}},
		row{"Region unknown", []string{"12", "0.1%"}},
		row{"All AWS", []string{"21,540", "100%"}},
	)
	for _, c := range v.ByCountry {
		rows = append(rows, row{c.Country, []string{num(c.Services), p1(c.Share), num(c.Open)}})
	}
	rows = append(rows, row{"Other countries", []string{"1,546", "6.8%"}})
	for _, f := range v.Method.CloudFeeds {
		rows = append(rows, row{names[f.Provider], []string{f.Date, num(f.Prefixes)}})
	}
	for _, r := range v.ByRegion {
		if r.Provider != "aws" {
			rows = append(rows, row{names[r.Provider], []string{r.Region, num(r.Services), p1(r.Share)}})
		}
	}
	o := v.EngineOverlap
	rows = append(rows,
		row{"Shodan only", []string{"9,840", "43.4%"}},
		row{"Censys only", []string{"6,122", "27.0%"}},
		row{"Both engines", []string{"6,710", "29.6%"}},
		row{"All services", []string{num(o.ShodanOnly + o.CensysOnly + o.Both), "100%"}},
	)
	for _, vr := range v.Versions {
		rows = append(rows, row{vr.Product, []string{vr.Version, num(vr.Services), num(vr.Open)}})
	}
	m := v.Method
	for _, in := range m.Inputs {
		rows = append(rows, row{in.Name, []string{in.Engine, in.Format, day(in.At), num(in.Read), num(in.Kept), num(in.Bad), num(in.Skipped)}})
	}
	for _, c := range m.CloudSources {
		rows = append(rows, row{c.Source, []string{num(c.Services)}})
	}
	for _, kv := range [][2]string{
		{"Catalog version", m.CatalogVersion}, {"Engines", "censys, shodan"}, {"Catalog products used", "7 (listed below the table)"},
		{"Records read", num(m.RecordsRead)}, {"Bad records (rejected)", num(m.RecordsBad)},
		{"Observations no product matched", num(m.RecordsSkipped)}, {"Observations", num(m.Observations)},
		{"Duplicates merged", num(m.DuplicatesMerged)}, {"Auth conflicts between observations", num(m.AuthConflicts)},
		{"Low-confidence auth verdicts", num(m.LowConfidence)}, {"Collections stopped early (truncated)", "1"},
		{"Cloud tag sources that disagreed", "23"},
		{"Observed between", "2026-11-19 and 2026-11-22"},
	} {
		rows = append(rows, row{kv[0], []string{kv[1]}})
	}
	for _, r := range rows {
		if _, ok := findRow(text, r.label, r.cells...); !ok {
			t.Errorf("table row %q with cells %q not found in the PDF text", r.label, r.cells)
		}
	}
	for _, s := range []string{
		"• query kubernetes-dashboard: result limit of 12,000 reached",
		"Censys query kubernetes-dashboard hit the result limit; its figures are a lower bound.",
		"64 verdicts rest on low-confidence signals; 17 services had engines or observations that disagreed",
		"Catalog products: docker-swarm, kubernetes-api, kubernetes-dashboard, marathon, openshift, portainer, swarmpit.",
		"shodan-k8s-2026-11-20.json.gz SHA-256 9f2c4e0b7a1d3c5e8f6a2b4d1c3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e",
	} {
		if !strings.Contains(norm, s) {
			t.Errorf("method text missing: %q", s)
		}
	}
}

func TestRenderInfo(t *testing.T) {
	v := studyView()
	b := render(t, v, Options{})
	info := pdfInfo(t, b)
	for k, want := range map[string]string{
		"Title":        v.Title,
		"Subject":      "Exposed container-orchestration and API-management admin panels, snapshot 2026Q4",
		"Creator":      "orchex",
		"CreationDate": "2026-11-27T18:30:00",
		"ModDate":      "2026-11-27T18:30:00",
		"Page size":    "595.28 x 841.89 pts (A4)",
	} {
		if got := info[k]; !strings.HasPrefix(got, want) {
			t.Errorf("pdfinfo %s = %q, want %q", k, got, want)
		}
	}
	pages, err := strconv.Atoi(info["Pages"])
	if err != nil {
		t.Fatalf("pdfinfo Pages = %q: %v", info["Pages"], err)
	}
	// Cover, summary, five sections, versions and the appendix: the study
	// view fills between 8 and 12 pages; every page after the cover says
	// which page of how many it is.
	if pages < 8 || pages > 12 {
		t.Errorf("pages = %d, want 8..12", pages)
	}
	text := pdfText(t, b)
	byPage := strings.Split(text, "\f")
	for i := 2; i <= pages; i++ {
		want := fmt.Sprintf("Page %d of %d", i, pages)
		if !strings.Contains(byPage[i-1], want) {
			t.Errorf("page %d lacks footer %q", i, want)
		}
	}
	if strings.Contains(text, "{nb}") {
		t.Error("page-count alias {nb} left unreplaced")
	}
	// The outline: each entry's title is stored as a UTF-16BE string.
	for _, title := range []string{"Cover", "Executive summary", "1 Products", "2 Authentication status", "3 Hosting providers",
		"4 AWS regions", "5 Countries", "6 Engine overlap", "7 Versions", "Appendix: Method"} {
		if !bytes.Contains(b, utf16be(title)) {
			t.Errorf("outline entry %q missing", title)
		}
	}
	if !bytes.Contains(b, []byte("/Outlines")) {
		t.Error("document catalog has no /Outlines")
	}
}

// utf16be encodes s as fpdf writes text strings: UTF-16BE with a BOM.
func utf16be(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func TestRenderDeterministic(t *testing.T) {
	v := studyView()
	a := render(t, v, Options{})
	b := render(t, studyView(), Options{})
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders of the same view differ (%d and %d bytes)", len(a), len(b))
	}
	// The dates come from the view: a different Generated changes them.
	v.Generated = v.Generated.Add(24 * 3600e9)
	c := render(t, v, Options{})
	if bytes.Equal(a, c) {
		t.Fatal("a different Generated time gave the same bytes")
	}
	if !bytes.Contains(c, []byte("D:20261128183000")) {
		t.Error("creation date is not taken from View.Generated")
	}
}

func TestRenderPagesNotBlank(t *testing.T) {
	b := render(t, studyView(), Options{})
	dir := t.TempDir()
	run(t, "pdftoppm", "-r", "30", "-png", writePDF(t, b), filepath.Join(dir, "p"))
	files, err := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if err != nil || len(files) == 0 {
		t.Fatalf("pdftoppm wrote no pages (%v)", err)
	}
	for _, name := range files {
		img := decodePNG(t, name)
		if v := variance(img); v < 50 {
			t.Errorf("%s: pixel variance %.1f, want >= 50 (page looks blank)", filepath.Base(name), v)
		}
	}
	// The cover's band is the report's dark blue.
	cover := decodePNG(t, files[0])
	r, g, bl, _ := cover.At(cover.Bounds().Dx()/2, 5).RGBA()
	if r>>8 > 60 || g>>8 > 80 || bl>>8 < 60 {
		t.Errorf("cover band colour = %d,%d,%d, want dark blue", r>>8, g>>8, bl>>8)
	}
}

func decodePNG(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return img
}

// variance is the variance of the pixels' grey levels (0..255).
func variance(img image.Image) float64 {
	var sum, sq, n float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			grey := float64(r+g+bl) / 3 / 257
			sum += grey
			sq += grey * grey
			n++
		}
	}
	mean := sum / n
	return sq/n - mean*mean
}

// hostileView is the study view with banner-controlled strings replaced by
// the kinds of text strangers put in banners.
func hostileView() *report.View {
	v := studyView()
	v.Title = strings.Repeat("Title with spaces and a very long word ", 300)[:10000]
	v.Snapshot = "2026Q4\u202e<script>"
	v.ByProduct[0].Name = "Kube\x00rnetes \u202eAPI\u202c server"
	v.ByProduct[1].Name = "Docker \xff\xfe Swarm"
	v.ByProduct[2].Name = "ダッシュボード Dashboard 😀"
	v.ByProduct[3].Name = strings.Repeat("Marathon", 500)
	v.ByProduct[4].Family = "\u2066isolate\u2069\r\n\t# heading | pipe"
	v.Versions[0].Version = "v1.9.6\x1b[31m" + strings.Repeat("😀", 3000)
	v.Versions[1].Version = "中文版本 " + strings.Repeat("x", 2000)
	v.ByCountry[0].Country = "\u200fU\u200bS"
	v.Method.Inputs[0].Name = "evil\x00name\u202e.json\xc3\x28"
	v.Method.Notes = append(v.Method.Notes, strings.Repeat("note ", 3000), "\x00\x01\x02\x7f\u0085")
	v.Method.CloudSources[0].Source = "ranges:aws@\u202e2026-11-20"
	return v
}

func TestRenderHostileStrings(t *testing.T) {
	v := hostileView()
	b := render(t, v, Options{})
	info := pdfInfo(t, b) // fails the test if the file is not readable
	if n, _ := strconv.Atoi(info["Pages"]); n < 8 || n > 14 {
		t.Errorf("hostile view: %s pages, want 8..14 (the long strings must not add pages)", info["Pages"])
	}
	if title := info["Title"]; len([]rune(title)) > 200 || !strings.HasPrefix(title, "Title with spaces") {
		t.Errorf("metadata title = %q (%d runes), want a prefix of at most 200 runes", title, len([]rune(title)))
	}
	text := pdfText(t, b)
	for _, bad := range []string{"\x00", "\u202e", "\u202c", "\u2066", "\u200f", "\u200b", "\x1b", "\u0085", "😀", "ダ", "中"} {
		if strings.Contains(text, bad) {
			t.Errorf("PDF text contains %q", bad)
		}
	}
	// The rows still carry their numbers, in their columns, after the names.
	p := v.ByProduct
	for _, c := range []struct {
		label string
		cells []string
	}{
		{"Kubernetes API server", []string{"kubernetes", "orchestration", "15,911", "15,102", "38", "14,050", "1,823", "0.2%"}},
		{"Docker \uFFFD\uFFFD Swarm", []string{"docker", "orchestration", "2,162", "2,160", "41", "1,900", "221"}},
		{"US", []string{"12,810", p1(v.ByCountry[0].Share), "171"}},
		{"evilname.json\uFFFD(", []string{"shodan", "shodan-banner-jsonl", "2026-11-20", "31,200", "30,950", "2", "248"}},
		{"ranges:aws@2026-11-20", []string{"21,540"}},
	} {
		if line, ok := findRow(text, c.label, c.cells...); !ok {
			t.Errorf("row %q %q not intact in the hostile PDF (line: %q)", c.label, c.cells, line)
		}
	}
	// A long product name wraps onto three lines, the last ending in an
	// ellipsis, and its row keeps every number in its column; a long family
	// is cut with an ellipsis inside its cell.
	for _, c := range []struct {
		label string
		cells []string
	}{
		{"kubernetes", []string{"orchestration", "1,509", "1,490", "173", "1,100", "236", "11.5%"}},
		{"mesos", []string{"orchestration", num(p[3].Services), num(p[3].Hosts), "29", "1,250", "100", "2.1%"}},
	} {
		if line, ok := findRow(text, c.label, c.cells...); !ok {
			t.Errorf("wrapped row %q %q not intact (line %q)", c.label, c.cells, line)
		}
	}
	if !regexp.MustCompile(`(?m)^\s*[A-Za-z]*Marathon\x{2026}\s*$`).MatchString(text) {
		t.Error("long product name does not end its wrapped cell with an ellipsis")
	}
	if _, ok := findCutRow(text, "isolate #", "orchestration", "1,204", "1,187", "0", "1,150", "54"); !ok {
		t.Error("long family not cut with an ellipsis inside its cell")
	}
	// The ANSI sequence is gone whole, the emoji run is replaced and cut
	// with an ellipsis before the numbers' columns.
	versionRow := regexp.MustCompile(`kubernetes-api\s+v1\.9\.6\x{FFFD}+\x{2026}\s+3,120\s+9\s*$`)
	found := false
	for _, line := range strings.Split(text, "\n") {
		found = found || versionRow.MatchString(line)
	}
	if !found {
		t.Errorf("version row with an emoji run is not cut inside its cell")
	}
}

func TestRenderOptions(t *testing.T) {
	v := studyView()
	t.Run("title override", func(t *testing.T) {
		info := pdfInfo(t, render(t, v, Options{Title: "Quarterly exposure brief"}))
		if info["Title"] != "Quarterly exposure brief" {
			t.Errorf("Title = %q", info["Title"])
		}
	})
	t.Run("letter", func(t *testing.T) {
		info := pdfInfo(t, render(t, v, Options{PageSize: "Letter"}))
		if !strings.HasPrefix(info["Page size"], "612 x 792") {
			t.Errorf("Page size = %q, want 612 x 792 pts", info["Page size"])
		}
	})
	t.Run("bad page size", func(t *testing.T) {
		err := Render(&bytes.Buffer{}, v, Options{PageSize: "A3"})
		if err == nil || !strings.Contains(err.Error(), `"A3"`) {
			t.Errorf("err = %v, want an error naming the page size", err)
		}
	})
	t.Run("nil view", func(t *testing.T) {
		if err := Render(&bytes.Buffer{}, nil, Options{}); err == nil {
			t.Error("nil view rendered without error")
		}
	})
	t.Run("compare", func(t *testing.T) {
		prev := studyView()
		prev.Snapshot = "2026Q3"
		prev.Headline.Services = 20100
		prev.Headline.Open = 350
		prev.Headline.OpenShare = 350.0 / 20100
		cv := *v
		cv.Compare = report.NewComparison(prev, []string{"catalog version: 1 → 2"})
		text := pdfText(t, render(t, &cv, Options{}))
		for _, c := range []struct {
			label string
			cells []string
		}{
			{"Exposed panels", []string{"20,100", "22,672", "+2,572 (+12.8%)"}},
			{"Open (no authentication)", []string{"350", "305", "-45 (-12.9%)"}},
			{"Open share", []string{"1.7%", "1.3%", "-0.4 pp"}},
		} {
			if line, ok := findRow(text, c.label, c.cells...); !ok {
				t.Errorf("comparison row %q %q missing (%q)", c.label, c.cells, line)
			}
		}
		if !strings.Contains(strings.Join(strings.Fields(text), " "), "Compared with snapshot 2026Q3, the method changed") {
			t.Error("the change of method is not in the notes")
		}
	})
}

func TestRenderEmptyView(t *testing.T) {
	v := &report.View{Snapshot: "empty"}
	report.Present(v)
	b := render(t, v, Options{})
	info := pdfInfo(t, b)
	if info["Title"] != "Exposed orchestration admin panels" {
		t.Errorf("default title = %q", info["Title"])
	}
	text := pdfText(t, b)
	for _, s := range []string{"The snapshot holds no exposed services.", "No service was tagged as hosted on AWS.", "No banner named a version."} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), s) {
			t.Errorf("empty view: missing %q", s)
		}
	}
}

// TestRenderSampleImages renders the study view's first pages to docs/img/
// when run with -update-images; otherwise it checks that the committed
// images exist.
func TestRenderSampleImages(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "docs", "img")
	if !*updateImages {
		if _, err := os.Stat(filepath.Join(dir, "report-page-1.png")); err != nil {
			t.Errorf("sample images missing: run go test ./pkg/report/pdf -run TestRenderSampleImages -update-images (%v)", err)
		}
		return
	}
	b := render(t, studyView(), Options{})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// pdftoppm pads page numbers to the page count's width; render to a
	// scratch directory and give the files fixed names.
	tmp := t.TempDir()
	run(t, "pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "4", writePDF(t, b), filepath.Join(tmp, "p"))
	files, err := filepath.Glob(filepath.Join(tmp, "p-*.png"))
	if err != nil || len(files) != 4 {
		t.Fatalf("pdftoppm wrote %d pages (%v), want 4", len(files), err)
	}
	sort.Strings(files)
	for i, f := range files {
		img, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(img) > 150<<10 {
			t.Errorf("%s is %d KB, want under 150 KB", filepath.Base(f), len(img)>>10)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-page-%d.png", i+1)), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRenderInconsistentView feeds figures a correct Build never makes
// (negative counts, NaN shares, statuses that do not add up): the PDF is
// still valid and says that the view is inconsistent.
func TestRenderInconsistentView(t *testing.T) {
	v := studyView()
	v.Headline.Open = -5
	v.Headline.AWSShare = math.NaN()
	v.ByProduct[0].Services = -1
	v.ByProvider[1].Share = math.Inf(1)
	b := render(t, v, Options{})
	pdfInfo(t, b)
	text := strings.Join(strings.Fields(pdfText(t, b)), " ")
	for _, s := range []string{"Auth statuses add up to 22,362, not 22,672", "n/a"} {
		if !strings.Contains(text, s) {
			t.Errorf("missing %q", s)
		}
	}
}
