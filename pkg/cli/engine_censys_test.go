package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/urfave/cli/v2"
)

const censysCanary = "censys_pat_CANARY_cli_91d2"

// buildCensys parses args with collect's engine flags and builds the
// Censys engine from them and env, as collect --engine censys does.
func buildCensys(t *testing.T, env map[string]string, args ...string) (source.Engine, error, string) {
	t.Helper()
	var stderr bytes.Buffer
	g := &globals{env: Env{Stderr: &stderr, Getenv: func(k string) string { return env[k] }, Sleep: noSleep}}
	var (
		e   source.Engine
		err error
	)
	app := &cli.App{Name: "t", Flags: engineFlags(), Writer: &stderr, ErrWriter: &stderr,
		Action: func(c *cli.Context) error {
			var es []source.Engine
			if es, err = g.engines(c, "censys"); len(es) == 1 {
				e = es[0]
			}
			return nil
		}}
	if rerr := app.Run(append([]string{"t"}, args...)); rerr != nil {
		t.Fatalf("flags %v: %v", args, rerr)
	}
	return e, err, stderr.String()
}

// TestNewCensys builds the Censys engine from flags, files and the
// environment through the registry: the API chosen, the credentials'
// sources, the errors that name the flag, variable or file, and no token
// anywhere in them.
func TestNewCensys(t *testing.T) {
	srv := censystest.NewServer(censystest.Config{Token: censysCanary, OrgID: "org-1", APIID: "id-1", Secret: censysCanary,
		Hosts:   [][]byte{[]byte(`{"ip":"192.0.2.1","location":{"country_code":"US"},"services":[{"port":443,"transport_protocol":"tcp"}]}`)},
		V2Hosts: [][]byte{[]byte(`{"ip":"192.0.2.1","services":[{"port":443,"service_name":"HTTP","transport_protocol":"TCP"}]}`)}})
	defer srv.Close()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(censysCanary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	twoLines := filepath.Join(dir, "two")
	if err := os.WriteFile(twoLines, []byte(censysCanary+"\nsecond-line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v3env := map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary, "CENSYS_ORG_ID": "org-1"}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		api     string // "v3", "v2"
		says    string // on stderr
	}{
		{name: "no credentials", env: map[string]string{}, wantErr: "no credentials: set CENSYS_PLATFORM_TOKEN or --censys-token-file"},
		{name: "v2 without secret", env: map[string]string{"CENSYS_API_ID": "id-1"}, args: []string{"--censys-api", "v2"},
			wantErr: "set CENSYS_API_ID and CENSYS_API_SECRET"},
		{name: "v3 from env", env: v3env, args: []string{"--censys-url", srv.URL()}, api: "v3"},
		{name: "v3 from token file", env: map[string]string{"CENSYS_ORG_ID": "org-1"}, args: []string{"--censys-url", srv.URL(), "--censys-token-file", tokenFile}, api: "v3"},
		{name: "URL from the environment", env: map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary, "CENSYS_ORG_ID": "org-1", "ORCHEX_CENSYS_URL": srv.URL()}, api: "v3"},
		{name: "token file with two lines", env: map[string]string{}, args: []string{"--censys-token-file", twoLines}, wantErr: "--censys-token-file " + twoLines + ": want one token on one line"},
		{name: "missing token file", env: map[string]string{}, args: []string{"--censys-token-file", filepath.Join(dir, "nope")}, wantErr: "--censys-token-file"},
		{name: "v3 without org warns", env: map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary}, args: []string{"--censys-url", srv.URL()}, api: "v3", says: "CENSYS_ORG_ID is not set"},
		{name: "v2 root URL gets /api", env: map[string]string{"CENSYS_API_ID": "id-1", "CENSYS_API_SECRET": censysCanary}, args: []string{"--censys-api", "v2", "--censys-url", srv.URL()}, api: "v2"},
		{name: "unknown API", env: v3env, args: []string{"--censys-api", "v4"}, wantErr: `--censys-api v4: want v3 or v2`},
		{name: "bad URL", env: v3env, args: []string{"--censys-url", "ftp://x"}, wantErr: "--censys-url ftp://x: want http(s)"},
		{name: "bad rate", env: v3env, args: []string{"--censys-rate", "0"}, wantErr: "--censys-rate 0: want a positive number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err, stderr := buildCensys(t, tt.env, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				var ue usageError
				if !errors.As(err, &ue) {
					t.Errorf("err = %v is not a usage error (exit 2)", err)
				}
				if strings.Contains(err.Error(), censysCanary) {
					t.Errorf("error leaks the token: %v", err)
				}
				return
			}
			if err != nil || e == nil {
				t.Fatalf("engine %v, err = %v", e, err)
			}
			if tt.says != "" && !strings.Contains(stderr, tt.says) {
				t.Errorf("stderr %q does not say %q", stderr, tt.says)
			}
			if strings.Contains(stderr, censysCanary) {
				t.Errorf("stderr leaks the token")
			}
			if api := source.CapsOf(e).API; api != tt.api {
				t.Fatalf("engine API %q, want %q", api, tt.api)
			}
			// The adapter reaches the fake with the right credentials.
			n, err := e.Count(context.Background(), source.Query{ID: "q", Text: "x"})
			if tt.says != "" { // no organization: the fake refuses
				if !errors.Is(err, source.ErrForbidden) {
					t.Errorf("Count without org: %v, want ErrForbidden", err)
				}
				return
			}
			if err != nil || n != 1 {
				t.Errorf("Count = %d, %v; want 1", n, err)
			}
		})
	}
}

// TestCollectCensysEndToEnd runs collect, a resumed collect and stats
// for Censys against the fake, and checks the token is nowhere.
func TestCollectCensysEndToEnd(t *testing.T) {
	var hosts [][]byte
	for i := 0; i < 150; i++ {
		hosts = append(hosts, []byte(fmt.Sprintf(`{"ip":"198.51.100.%d","location":{"country_code":"DE"},"autonomous_system":{"asn":16509},"services":[`+
			`{"port":9000,"protocol":"HTTP","transport_protocol":"tcp","endpoints":[{"http":{"status_code":200,"html_title":"Portainer","body":"<html ng-app=\"portainer\">"}}]}]}`, i%256)))
	}
	srv := censystest.NewServer(censystest.Config{Token: censysCanary, OrgID: "org-1", Hosts: hosts})
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "orchex.db")
	env := map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary, "CENSYS_ORG_ID": "org-1"}
	run := func(args ...string) (ExitCode, string, string) {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), append([]string{"--db", db}, args...), Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Getenv: func(k string) string { return env[k] }, Sleep: noSleep})
		return code, stdout.String(), stderr.String()
	}
	collect := []string{"collect", "--engine", "censys", "--censys-url", srv.URL(), "--censys-rate", "1000", "--products", "portainer", "--snapshot", "2026Q4"}
	code, out, errOut := run(collect...)
	if code != ExitOK {
		t.Fatalf("collect: exit %d\n%s\n%s", code, out, errOut)
	}
	pages := srv.Stats().Pages
	if pages != 2 {
		t.Errorf("fake served %d pages, want 2 (150 hosts)", pages)
	}
	// Run again: nothing is fetched again.
	if code, out, errOut = run(collect...); code != ExitOK {
		t.Fatalf("second collect: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := srv.Stats().Pages; got != pages {
		t.Errorf("second collect fetched %d more pages, want 0", got-pages)
	}
	code, statsOut, errStats := run("stats", "--engine", "censys", "--censys-url", srv.URL(), "--censys-rate", "1000", "--products", "portainer", "--format", "json")
	if code != ExitOK || !strings.Contains(statsOut, `"DE"`) {
		t.Errorf("stats: exit %d\n%s\n%s", code, statsOut, errStats)
	}
	if testing.Verbose() {
		t.Logf("collect:\n%s%s\nstats:\n%s%s", out, errOut, statsOut, errStats)
	}
	dbBytes, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"stdout": out + statsOut, "stderr": errOut + errStats, "db": string(dbBytes)} {
		if strings.Contains(s, censysCanary) {
			t.Errorf("%s holds the token", name)
		}
	}
}

// TestCollectCensysEngineLimit: a Censys query the engine will not page
// to its end (the fake's depth cap at one page, the split turned off)
// ends partial (exit 3), and the advice is to narrow the query, not to
// raise orchex's limits, which would fetch nothing more; the reports say
// the snapshot is incomplete.
func TestCollectCensysEngineLimit(t *testing.T) {
	var hosts [][]byte
	for i := 0; i < 150; i++ {
		hosts = append(hosts, []byte(fmt.Sprintf(`{"ip":"198.51.100.%d","location":{"country_code":"DE"},"autonomous_system":{"asn":16509},"services":[`+
			`{"port":9000,"protocol":"HTTP","transport_protocol":"tcp","endpoints":[{"http":{"status_code":200,"html_title":"Portainer","body":"<html ng-app=\"portainer\">"}}]}]}`, i%256)))
	}
	srv := censystest.NewServer(censystest.Config{Token: censysCanary, OrgID: "org-1", Hosts: hosts, PageCap: 1})
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "orchex.db")
	env := map[string]string{"CENSYS_PLATFORM_TOKEN": censysCanary, "CENSYS_ORG_ID": "org-1"}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--db", db, "collect", "--engine", "censys", "--censys-url", srv.URL(), "--censys-rate", "1000",
		"--censys-no-split", "--products", "portainer", "--snapshot", "2026Q4"},
		Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }, Sleep: noSleep})
	if code != ExitPartial {
		t.Fatalf("collect: exit %d, want %d\n%s\n%s", code, ExitPartial, stdout.String(), stderr.String())
	}
	errOut := stderr.String()
	if !strings.Contains(errOut, "(engine-limit)") || !strings.Contains(errOut, "narrow them") || strings.Contains(errOut, "raise the limits") {
		t.Errorf("stderr does not say the engine's limit cut the query, and how to reach the rest:\n%s", errOut)
	}
	var rep bytes.Buffer
	if c := Main(context.Background(), []string{"--db", db, "report", "--snapshot", "2026Q4", "--format", "md"},
		Env{Stdin: strings.NewReader(""), Stdout: &rep, Stderr: &stderr, Getenv: func(string) string { return "" }}); c != ExitOK {
		t.Fatalf("report: exit %d\n%s", c, stderr.String())
	}
	if !strings.Contains(rep.String(), "incomplete") {
		t.Errorf("the report does not say the snapshot is incomplete:\n%.600s", rep.String())
	}
}
