package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/eol/eoltest"
)

// eolNow is the fixed clock of these tests.
var eolNow = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

func eolRun(env map[string]string, args ...string) (string, string, ExitCode) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return eolNow },
	})
	return out.String(), errb.String(), code
}

const eolFixtures = "../eol/testdata"

func TestEOLInfoEmbedded(t *testing.T) {
	out, errs, code := eolRun(map[string]string{"HOME": t.TempDir()}, "eol", "info")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"source   embedded: github.com/endoflife-date/endoflife.date, commit a70eca337600e7d721dc48112c271f98661d208b\n",
		"date     2026-08-22 (40 days old)\n",
		"licence  MIT, Copyright 2020 endoflife.date contributors\n",
		"kubernetes                Kubernetes                21      1.36    1.16\n",
		"kubernetes-api      kubernetes (EKS, GKE, AKS builds: their provider's)",
		"openshift-api       red-hat-openshift (via the Kubernetes version)",
		"no support calendar (never counted as supported): kubernetes-dashboard, marathon, mesos-master, portainer, swagger-ui, swarmpit\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestEOLInfoDir(t *testing.T) {
	out, errs, code := eolRun(nil, "eol", "info", "--eol", eolFixtures)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"source   ../eol/testdata/calendars.json: pkg/eol/testdata: hand-written calendars around the as-of day 2026-06-15\n",
		"date     2026-06-01 (122 days old)\n",
		"docker-engine             Docker Engine             6       29      18.09\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// --dir is the same flag; a directory of pages works too.
	out, _, code = eolRun(nil, "eol", "info", "--dir", filepath.Join(eolFixtures, "pages"))
	if code != ExitOK || !strings.Contains(out, "date     not recorded\n") || !strings.Contains(out, "nomad [not loaded: unknown cycle]") || strings.Contains(out, "kong-gateway (Enterprise: enterprise support) [not loaded") ||
		!strings.Contains(out, "etcd          etcd          4       3.10    3.4\n") {
		t.Errorf("pages dir: exit %d\n%s", code, out)
	}
}

// TestEOLCache: reports use the cache written by `eol update` unless it is
// older than the embedded calendars.
func TestEOLCache(t *testing.T) {
	home := t.TempDir()
	cache := filepath.Join(home, ".cache", "orchex", "eol")
	os.MkdirAll(cache, 0o755)
	g := &globals{env: Env{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }}}

	d, err := g.loadEOL("")
	if err != nil || d.Origin != "embedded" {
		t.Fatalf("no cache: %v %v", err, d)
	}
	fx, _ := eol.LoadDir(eolFixtures) // dated 2026-06-01, older than the embedded 2026-08-22
	write := func(date string) {
		fx.Date = date
		var b bytes.Buffer
		eol.Encode(&b, fx)
		os.WriteFile(filepath.Join(cache, eol.FileName), b.Bytes(), 0o644)
	}
	write("2026-06-01")
	if d, err = g.loadEOL(""); err != nil || d.Origin != "embedded" {
		t.Errorf("older cache: %v, origin %q, want the embedded data", err, d.Origin)
	}
	write("2026-09-15")
	if d, err = g.loadEOL(""); err != nil || d.Origin != filepath.Join(cache, eol.FileName) {
		t.Errorf("newer cache: %v, origin %q, want the cache", err, d.Origin)
	}
	os.WriteFile(filepath.Join(cache, eol.FileName), []byte("{"), 0o644)
	if _, err = g.loadEOL(""); err == nil || !strings.Contains(err.Error(), "orchex eol update") || !strings.Contains(err.Error(), cache) {
		t.Errorf("malformed cache: %v", err)
	}
}

func TestEOLInfoBadDir(t *testing.T) {
	_, errs, code := eolRun(nil, "eol", "info", "--eol", filepath.Join(t.TempDir(), "missing"))
	if code != ExitUsage || !strings.Contains(errs, "not a directory of release calendars") {
		t.Errorf("missing dir: exit %d, %s", code, errs)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, eol.FileName), []byte(`{"format":"orchex-eol/9","source":"x","licence":{"name":"","copyright":"","text":""},"products":[]}`), 0o644)
	_, errs, code = eolRun(nil, "eol", "info", "--eol", dir)
	if code != ExitFailure || !strings.Contains(errs, filepath.Join(dir, eol.FileName)) || !strings.Contains(errs, `format "orchex-eol/9"`) {
		t.Errorf("bad file: exit %d, %s", code, errs)
	}
	_, errs, code = eolRun(nil, "eol", "info", "--eol", t.TempDir())
	if code != ExitFailure || !strings.Contains(errs, "neither calendars.json nor endoflife.date product pages") {
		t.Errorf("empty dir: exit %d, %s", code, errs)
	}
	_, errs, code = eolRun(nil, "eol", "info", "extra")
	if code != ExitUsage || !strings.Contains(errs, `unexpected argument "extra"`) {
		t.Errorf("argument: exit %d, %s", code, errs)
	}
}

func TestEOLUpdate(t *testing.T) {
	emb, _ := eol.Embedded()
	api := eoltest.NewServer(emb, "2026-09-30")
	defer api.Close()
	home := t.TempDir()
	g := &globals{env: Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Now: func() time.Time { return eolNow },
		Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }}}
	if err := runEOLUpdate(context.Background(), g, eolUpdateOptions{API: api.API(), Client: api.Client()}); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(home, ".cache", "orchex", "eol")
	out := g.env.Stdout.(*bytes.Buffer).String()
	if !strings.Contains(out, "11 calendars of 2026-09-30 written to "+filepath.Join(cache, eol.FileName)) {
		t.Errorf("stdout:\n%s", out)
	}
	d, err := g.loadEOL("")
	if err != nil || d.Date != "2026-09-30" || d.Origin != filepath.Join(cache, eol.FileName) {
		t.Errorf("after update the cache is used: %v %+v", err, d)
	}

	// One calendar failing replaces nothing and exits 1 through Main.
	before, _ := os.ReadFile(filepath.Join(cache, eol.FileName))
	bad := eoltest.NewServer(emb, "2026-10-01")
	defer bad.Close()
	bad.Status[eol.CalGKE] = 503
	_, errs, code := eolRun(map[string]string{"HOME": home}, "eol", "update", "--api", bad.API())
	if code != ExitFailure || !strings.Contains(errs, "nothing replaced") || !strings.Contains(errs, "google-kubernetes-engine") || !strings.Contains(errs, "HTTP status 503") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if after, _ := os.ReadFile(filepath.Join(cache, eol.FileName)); !bytes.Equal(before, after) {
		t.Error("a failed update changed the cache")
	}
	_, errs, code = eolRun(nil, "eol", "update", "--api", bad.API())
	if code != ExitUsage || !strings.Contains(errs, "pass --dir DIR") {
		t.Errorf("no home: exit %d: %s", code, errs)
	}
}

// TestEOLInfoHostile: titles and sources from a directory are printed
// with control characters replaced.
func TestEOLInfoHostile(t *testing.T) {
	dir := t.TempDir()
	fx, _ := eol.LoadDir(eolFixtures)
	fx.Source = "evil\x1b[2J\u202esource"
	fx.Products[0].Title = "EKS\x1b]0;pwned\x07"
	var b bytes.Buffer
	eol.Encode(&b, fx)
	os.WriteFile(filepath.Join(dir, eol.FileName), b.Bytes(), 0o644)
	out, _, code := eolRun(nil, "eol", "info", "--eol", dir)
	if code != ExitOK || strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("exit %d, control characters reached the terminal: %q", code, out)
	}
}

// TestEOLFlag: the --eol flag that report commands take reaches loadEOL.
func TestEOLFlag(t *testing.T) {
	g := &globals{env: Env{Getenv: func(string) string { return "" }}}
	var got *eol.Data
	app := &cli.App{Name: "orchex", Commands: []*cli.Command{{
		Name:  "report",
		Flags: []cli.Flag{eolFlag()},
		Action: func(c *cli.Context) (err error) {
			got, err = g.loadEOL(c.String("eol"))
			return err
		},
	}}}
	if err := app.Run([]string{"orchex", "report", "--eol", eolFixtures}); err != nil {
		t.Fatal(err)
	}
	if got.Origin != filepath.Join(eolFixtures, eol.FileName) {
		t.Errorf("origin %q", got.Origin)
	}
	if err := app.Run([]string{"orchex", "report"}); err != nil || got.Origin != "embedded" {
		t.Errorf("without --eol and without a home: %v, origin %q", err, got.Origin)
	}
}
