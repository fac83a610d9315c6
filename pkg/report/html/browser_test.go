package html_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/html/htmltest"
)

var updateImages = flag.Bool("update-images", false, "rewrite docs/img/report-html*.png from the demo sample")

// chromium returns headless Chromium's path. Without it the browser tests
// skip, unless the environment variable CI is set: CI installs it
// (.ci/run), so there its absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed, and CI is set: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed (Debian: apt-get install chromium): the browser tests are skipped")
	return ""
}

// browse runs headless Chromium on the file page with args and returns
// its standard output. Chromium gets a profile, a home and caches of its
// own under t.TempDir, and every background service it has is switched
// off. A deadline stops a browser that hangs; it measures nothing.
func browse(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	home := t.TempDir()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-default-apps", "--hide-scrollbars", "--user-data-dir=" + filepath.Join(home, "profile")}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(page)}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), u.String())...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// writePage writes page to a file in a fresh directory and returns its
// absolute path.
func writePage(t *testing.T, page []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// screenshot takes a PNG of page in a window w×h and decodes it.
func screenshot(t *testing.T, bin, page string, w, h int) (image.Image, []byte) {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "shot.png")
	browse(t, bin, page, fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+shot)
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img, b
}

// ink returns the number of distinct colours of img and the share of its
// pixels that are not white.
func ink(img image.Image) (colours int, inked float64) {
	seen := map[uint32]bool{}
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			if r>>8 < 245 || g>>8 < 245 || bl>>8 < 245 {
				n++
			}
		}
	}
	return len(seen), float64(n) / float64(b.Dx()*b.Dy())
}

// TestChromiumScreenshot loads the report of the Ten fixture, compared
// with an earlier snapshot and with addresses, in headless Chromium at a
// desktop and a phone width, and checks that each screenshot is a page:
// many colours (text, the auth colours of the charts), a fair share of
// non-white pixels, and the report's accent blue of the title rule.
func TestChromiumScreenshot(t *testing.T) {
	bin := chromium(t)
	page := writePage(t, render(t, tenView(t, true, true)))
	for _, size := range []struct{ w, h int }{{1280, 1600}, {390, 2600}} {
		img, _ := screenshot(t, bin, page, size.w, size.h)
		if b := img.Bounds(); b.Dx() != size.w || b.Dy() != size.h {
			t.Errorf("screenshot is %v, want %dx%d", b, size.w, size.h)
		}
		colours, inked := ink(img)
		if colours < 50 || inked < 0.03 {
			t.Errorf("%dx%d screenshot looks blank: %d colours, %.1f%% non-white pixels", size.w, size.h, colours, inked*100)
		}
		if !hasColour(img, 0x2c, 0x5e, 0x96) {
			t.Errorf("%dx%d screenshot lacks the accent blue: the stylesheet did not apply", size.w, size.h)
		}
		if !hasColour(img, 0xc8, 0x37, 0x2d) {
			t.Errorf("%dx%d screenshot lacks the open red: the products chart is not drawn", size.w, size.h)
		}
	}
}

// hasColour reports whether some pixel of img is r, g, b (±2).
func hasColour(img image.Image, r, g, b uint32) bool {
	near := func(a, b uint32) bool { return a+2 >= b && a <= b+2 }
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr>>8, r) && near(pg>>8, g) && near(pb>>8, b) {
				return true
			}
		}
	}
	return false
}

// TestChromiumDOM loads the page in headless Chromium and reads back the
// DOM it built: the same tables, the headline figures and summary as the
// view writes them, and still nothing that loads or runs.
func TestChromiumDOM(t *testing.T) {
	bin := chromium(t)
	v := tenView(t, true, true)
	src := render(t, v)
	dom := browse(t, bin, writePage(t, src), "--dump-dom")
	p := inspect(t, dom)
	if want := inspect(t, src).Shape(); !equal(p.Shape(), want) {
		t.Errorf("the DOM's tables differ from the page's:\n got %q\nwant %q", p.Shape(), want)
	}
	h := v.Headline
	for label, want := range map[string]string{
		"Exposed services":           report.Num(h.Services),
		"Hosts (distinct addresses)": report.Num(h.Hosts),
		"No authentication (open)":   report.Num(h.Open) + " (" + report.Pct(h.OpenShare) + ")",
		"Share on AWS":               report.Pct(h.AWSShare) + " (" + report.Num(h.AWSServices) + ")",
		"Kubernetes share":           report.Pct(h.KubernetesShare) + " (" + report.Num(h.KubernetesServices) + ")",
	} {
		row := rowOf(table(t, p, "Headline figures"), label)
		if len(row) < 2 || row[1] != want {
			t.Errorf("DOM headline %q = %q, want %q", label, row, want)
		}
	}
	for _, s := range v.Summary {
		if !strings.Contains(p.Text, s) {
			t.Errorf("the DOM lacks the summary sentence %q", s)
		}
	}
}

func rowOf(tb htmltest.Table, label string) []string {
	for _, r := range tb.Rows {
		if len(r) > 0 && r[0] == label {
			return r
		}
	}
	return nil
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// hosts records the host names Chromium connects to: a plain HTTP server
// (the Host of each request) and a TLS listener (the server name of each
// handshake, which it then refuses), both on 127.0.0.1.
type hosts struct {
	mu   sync.Mutex
	seen []string
}

func (h *hosts) add(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen = append(h.seen, name)
}

// since returns the hosts seen after the first n, leaving out Chromium's
// own services (network time, component updates, accounts), which it
// calls whatever the page and the flags.
func (h *hosts) since(n int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, name := range h.seen[n:] {
		host := strings.ToLower(name)
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host = host[:i]
		}
		if !strings.HasSuffix(host, ".google.com") && !strings.HasSuffix(host, ".googleapis.com") {
			out = append(out, name)
		}
	}
	return out
}

func (h *hosts) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.seen)
}

// listen starts the two servers and returns the host resolver rules that
// send every name to them: port 443 to the TLS listener, every other port
// to the HTTP server.
func (h *hosts) listen(t *testing.T) string {
	t.Helper()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r.Host)
		http.NotFound(w, r)
	}))
	t.Cleanup(plain.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cfg := &tls.Config{GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		h.add(hello.ServerName)
		return nil, errors.New("refused")
	}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = tls.Server(c, cfg).Handshake()
			}()
		}
	}()
	return fmt.Sprintf("--host-resolver-rules=MAP *:443 %s, MAP * %s", ln.Addr(), plain.Listener.Addr())
}

// TestChromiumLoadsNothing sends every host name Chromium resolves to
// loopback servers that record the names, and loads in headless
// Chromium: the report of the hostile-banner corpus (image, link and
// script text in every banner field, the snapshot label, the catalog
// version, feeds and inputs), with addresses, which must connect to no
// host; a control page with images from two remote hosts (http and
// https), which must reach both (the servers see a load); and the same
// control under the report's Content-Security-Policy, which must reach
// neither.
func TestChromiumLoadsNothing(t *testing.T) {
	bin := chromium(t)
	var h hosts
	rules := h.listen(t)
	load := func(page []byte) []string {
		t.Helper()
		n := h.len()
		browse(t, bin, writePage(t, page), rules, "--dump-dom")
		return h.since(n)
	}
	if got := load(render(t, corpusView(t))); len(got) > 0 {
		t.Errorf("the report of the hostile-banner corpus connected to %q", got)
	}
	imgs := `<img src="http://orchex-canary.example/x.png" alt=""><img src="https://orchex-canary-tls.example/y.png" alt="">`
	got := load([]byte(`<!DOCTYPE html><html><head><title>control</title></head><body>` + imgs + `</body></html>`))
	if !slices.Contains(got, "orchex-canary.example") || !slices.Contains(got, "orchex-canary-tls.example") {
		t.Fatalf("the control page's images reached %q, want both canary hosts: the test cannot see a load", got)
	}
	csp := `<meta http-equiv="Content-Security-Policy" content="` + html.Policy + `">`
	if got := load([]byte(`<!DOCTYPE html><html><head>` + csp + `<title>control</title></head><body>` + imgs + `</body></html>`)); len(got) > 0 {
		t.Errorf("the report's policy let the control's images load: %q", got)
	}
}

// TestChromiumPrint prints the page to PDF with Chromium: the print
// stylesheet hides the contents list, and the tables' figures are in the
// printed text (when poppler's pdftotext is installed to read it).
func TestChromiumPrint(t *testing.T) {
	bin := chromium(t)
	v := tenView(t, false, false)
	out := filepath.Join(t.TempDir(), "print.pdf")
	browse(t, bin, writePage(t, render(t, v)), "--no-pdf-header-footer", "--print-to-pdf="+out)
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("chromium printed no PDF (%v)", err)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed: only the PDF's framing is checked")
	}
	text, err := exec.Command(pdftotext, "-layout", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	s := strings.Join(strings.Fields(string(text)), " ")
	if strings.Contains(s, "Contents") {
		t.Error("the printed page shows the contents list: the print stylesheet did not apply")
	}
	for _, want := range []string{"Exposed services " + report.Num(v.Headline.Services), "Share on AWS " + report.Pct(v.Headline.AWSShare),
		"Kubernetes API server kubernetes orchestration 5 5 1 2 2 20.0%"} {
		if !strings.Contains(s, want) {
			t.Errorf("the printed text lacks %q:\n%s", want, s)
		}
	}
}

// TestChromiumSampleImages takes the README's screenshots of the demo's
// sample report (reports/samples/demo/report.html) at a desktop and a
// phone width when run with -update-images; otherwise it checks that
// they exist.
func TestChromiumSampleImages(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "docs", "img")
	names := map[string][2]int{"report-html.png": {1280, 1500}, "report-html-phone.png": {390, 1100}}
	if !*updateImages {
		for name := range names {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("screenshot missing: run go test ./pkg/report/html -run TestChromiumSampleImages -update-images (%v)", err)
			}
		}
		return
	}
	bin := chromium(t)
	sample, err := filepath.Abs(filepath.Join("..", "..", "..", "reports", "samples", "demo", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for name, size := range names {
		_, b := screenshot(t, bin, sample, size[0], size[1])
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
