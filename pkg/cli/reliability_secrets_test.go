package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/store"
)

// Canary credentials: distinctive strings that must never leave the
// process's memory, except in the requests to the engines.
const (
	canaryShodan      = "CANARYshodanKEYa1b2c3d4e5f6g7h8"
	canaryShodanWrong = "CANARYshodanWRONGkey99887766"
	canaryCensys      = "censys_pat_CANARYtokenQ9W8E7R6"
	canaryCensysWrong = "censys_pat_CANARYwrongTOKEN5544"
	canaryV2ID        = "CANARYv2id-0f1e2d3c"
	canaryV2Secret    = "CANARYv2secretZYXWVUT"
	canaryOrg         = "CANARYorg-7a6b5c4d"
)

// secretForms are the strings to search for: every canary, and the forms
// a credential takes on the wire (the v2 basic-auth header).
func secretForms() map[string]string {
	return map[string]string{
		"shodan key":           canaryShodan,
		"wrong shodan key":     canaryShodanWrong,
		"censys token":         canaryCensys,
		"wrong censys token":   canaryCensysWrong,
		"censys v2 secret":     canaryV2Secret,
		"censys v2 basic auth": base64.StdEncoding.EncodeToString([]byte(canaryV2ID + ":" + canaryV2Secret)),
	}
}

// secretFakes starts the Shodan fake and a Censys fake (v3 and v2) that
// accept only the canaries, each serving Portainer or Kubernetes hosts.
func secretFakes(t *testing.T) (*shodantest.Server, *censystest.Server) {
	t.Helper()
	pop := shodantest.Kubernetes(150, 9)
	sh := shodantest.NewServer(shodantest.Config{Key: canaryShodan, Rate: 1000, Burst: 8,
		Population: func(string) []json.RawMessage { return pop }})
	var hosts, v2 [][]byte
	for i := range 120 {
		hosts = append(hosts, fmt.Appendf(nil, `{"ip":"198.51.100.%d","location":{"country_code":"DE"},"autonomous_system":{"asn":16509},"services":[`+
			`{"port":9000,"protocol":"HTTP","transport_protocol":"tcp","endpoints":[{"http":{"status_code":200,"html_title":"Portainer","body":"<html ng-app=\"portainer\">"}}]}]}`, i))
		v2 = append(v2, fmt.Appendf(nil, `{"ip":"203.0.113.%d","location":{"country_code":"FR"},"autonomous_system":{"asn":16276},"services":[`+
			`{"port":9000,"service_name":"HTTP","transport_protocol":"TCP","http":{"response":{"status_code":200,"html_title":"Portainer","body":"<html ng-app=\"portainer\">"}}}]}`, i))
	}
	cs := censystest.NewServer(censystest.Config{Token: canaryCensys, OrgID: canaryOrg, APIID: canaryV2ID, Secret: canaryV2Secret,
		Hosts: hosts, V2Hosts: v2})
	t.Cleanup(func() { sh.Close(); cs.Close() })
	return sh, cs
}

// TestSecretsNeverLeak runs every command, the failing ones included,
// with --verbose, against the fakes with canary credentials (environment
// and key files), then searches stdout, stderr, every file the commands
// wrote (the database and its WAL, the reports, the PDF's text, the range
// cache) and every raw page stored in the database for the canaries and
// the basic-auth form of the v2 credentials.
func TestSecretsNeverLeak(t *testing.T) {
	sh, cs := secretFakes(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	db := filepath.Join(dir, "orchex.db")
	out := filepath.Join(dir, "reports")
	keyFile := filepath.Join(dir, "shodan.key")
	tokenFile := filepath.Join(dir, "censys.token")
	for f, s := range map[string]string{keyFile: canaryShodan + "\n", tokenFile: canaryCensys + "\n"} {
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil { // too wide: warned about
			t.Fatal(err)
		}
	}
	importFile := filepath.Join(dir, "k8s.json")
	var b bytes.Buffer
	pop := demo.Generate(demo.Config{Seed: 3, Size: 300})
	for i := range pop.Services {
		b.Write(pop.Services[i].ShodanBanner(pop.Services[i].SeenAt))
		b.WriteByte('\n')
	}
	b.WriteString("{\"ip_str\": \"198.18.0.1\", \"port\": \n")
	if err := os.WriteFile(importFile, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	env := map[string]string{
		"SHODAN_API_KEY": canaryShodan, "ORCHEX_SHODAN_URL": sh.URL(),
		"CENSYS_PLATFORM_TOKEN": canaryCensys, "CENSYS_ORG_ID": canaryOrg,
		"CENSYS_API_ID": canaryV2ID, "CENSYS_API_SECRET": canaryV2Secret, "HOME": home,
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range env {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	// ORCHEX_CENSYS_URL is read by the flag package from the process
	// environment, not from Env: the URL goes in a flag.
	fast := []string{"--shodan-rate", "500", "--censys-rate", "1000", "--censys-url", cs.URL()}
	ranges := filepath.Join(dir, "ranges")
	if err := pop.WriteRanges(ranges); err != nil {
		t.Fatal(err)
	}
	type step struct {
		name string
		env  map[string]string
		args []string
		want []ExitCode // acceptable exit codes
		// inject runs before the step, to make it fail.
		inject func()
		// stderr must hold this, when set.
		stderr string
		// short cuts the run after 2 s, for steps that would retry for
		// long (an unreachable engine): the retries' log lines are what
		// is searched.
		short bool
	}
	ok := []ExitCode{ExitOK}
	steps := []step{
		{name: "queries list", args: []string{"queries", "list"}, want: ok},
		{name: "queries check", args: []string{"queries", "check"}, want: ok},
		{name: "stats shodan", args: append([]string{"stats", "--engine", "shodan", "--products", "kubernetes-api"}, fast...), want: ok},
		{name: "stats censys", args: append([]string{"stats", "--engine", "censys", "--products", "portainer"}, fast...), want: ok},
		{name: "stats censys v2", args: append([]string{"stats", "--engine", "censys", "--censys-api", "v2", "--products", "portainer"}, fast...), want: ok},
		{name: "collect dry run", args: append([]string{"collect", "--dry-run", "--products", "kubernetes-api,portainer"}, fast...), want: ok},
		{name: "collect shodan with a key file", env: with("SHODAN_API_KEY", ""),
			args: append([]string{"collect", "--engine", "shodan", "--shodan-key-file", keyFile, "--products", "kubernetes-api", "--snapshot", "2026Q4"}, fast...),
			want: ok, stderr: "0644"},
		{name: "collect censys v3 with a token file", env: with("CENSYS_PLATFORM_TOKEN", ""),
			args: append([]string{"collect", "--engine", "censys", "--censys-token-file", tokenFile, "--products", "portainer", "--snapshot", "2026Q4"}, fast...),
			want: ok, stderr: "0644"},
		{name: "collect censys v2", args: append([]string{"collect", "--engine", "censys", "--censys-api", "v2", "--products", "portainer", "--snapshot", "2026Q3"}, fast...),
			want: ok},
		{name: "collect both engines, refresh", args: append([]string{"collect", "--refresh", "--products", "kubernetes-api,portainer", "--snapshot", "2026Q4"}, fast...),
			want: ok},
		{name: "import", args: []string{"import", "--snapshot", "2026Q2", "--ranges", ranges, importFile}, want: []ExitCode{ExitPartial}},
		{name: "report md", args: []string{"report", "--snapshot", "2026Q4", "--include-addresses", "--out", filepath.Join(out, "r.md")}, want: ok},
		{name: "report json", args: []string{"report", "--snapshot", "2026Q4", "--include-addresses", "--format", "json", "--out", filepath.Join(out, "r.json")}, want: ok},
		{name: "report csv", args: []string{"report", "--snapshot", "2026Q4", "--include-addresses", "--format", "csv", "--out", filepath.Join(out, "r.csv")}, want: ok},
		{name: "report pdf", args: []string{"report", "--snapshot", "2026Q4", "--format", "pdf", "--out", filepath.Join(out, "r.pdf")}, want: ok},
		{name: "report md to stdout", args: []string{"report", "--snapshot", "2026Q3"}, want: ok},
		{name: "snapshots list", args: []string{"snapshots", "list", "--format", "json"}, want: ok},
		{name: "snapshots show", args: []string{"snapshots", "show", "2026Q4"}, want: ok},
		{name: "diff", args: []string{"diff", "2026Q3", "2026Q4"}, want: ok},
		{name: "trend", args: []string{"trend"}, want: ok},
		{name: "snapshots rename", args: []string{"snapshots", "rename", "2026Q2", "2026Q2-import"}, want: ok},
		{name: "snapshots rm", args: []string{"snapshots", "rm", "--yes", "2026Q2-import"}, want: ok},
		{name: "ranges info", args: []string{"ranges", "info", "--ranges", ranges}, want: ok},
		{name: "ranges lookup", args: []string{"ranges", "lookup", "--ranges", ranges, "3.5.0.1"}, want: ok},
		// Failing commands: their errors must not quote a credential.
		{name: "shodan refuses the key", env: with("SHODAN_API_KEY", canaryShodanWrong),
			args: append([]string{"collect", "--engine", "shodan", "--products", "kubernetes-api", "--snapshot", "2026Q1", "--refresh"}, fast...),
			want: []ExitCode{ExitFailure}, stderr: "SHODAN_API_KEY"},
		{name: "censys refuses the token", env: with("CENSYS_PLATFORM_TOKEN", canaryCensysWrong),
			args: append([]string{"collect", "--engine", "censys", "--products", "portainer", "--snapshot", "2026Q1", "--refresh"}, fast...),
			want: []ExitCode{ExitFailure, ExitPartial}},
		{name: "censys v2 refuses the secret", env: with("CENSYS_API_SECRET", canaryCensysWrong),
			args: append([]string{"collect", "--engine", "censys", "--censys-api", "v2", "--products", "portainer", "--snapshot", "2026Q1", "--refresh"}, fast...),
			want: []ExitCode{ExitFailure, ExitPartial}},
		{name: "shodan unreachable", env: with("ORCHEX_SHODAN_URL", "http://127.0.0.1:1"),
			args: append([]string{"collect", "--engine", "shodan", "--products", "kubernetes-api", "--snapshot", "2026Q1"}, fast...),
			want: []ExitCode{ExitFailure, ExitPartial}, short: true, stderr: "connection refused"},
		{name: "censys unreachable", short: true, stderr: "connection refused",
			args: append([]string{"stats", "--engine", "censys", "--products", "portainer"}, append(fast, "--censys-url", "http://127.0.0.1:1")...),
			want: []ExitCode{ExitFailure, ExitPartial}},
		{name: "shodan errors and cut bodies", inject: func() {
			sh.Inject(shodantest.None, shodantest.Unavailable, shodantest.Truncated, shodantest.Reset, shodantest.RateLimit, shodantest.BadGateway,
				shodantest.InsufficientCreds)
		}, args: append([]string{"collect", "--engine", "shodan", "--products", "kubernetes-api", "--snapshot", "2026Q1", "--refresh"}, fast...),
			want: []ExitCode{ExitFailure, ExitPartial}, short: true, stderr: "retry"},
		{name: "censys errors and cut bodies", inject: func() {
			cs.Inject(censystest.Internal, censystest.Truncated, censystest.Reset, censystest.TooMany, censystest.InvalidPageToken)
		}, args: append([]string{"collect", "--engine", "censys", "--products", "portainer", "--snapshot", "2026Q1", "--refresh"}, fast...),
			want: []ExitCode{ExitOK, ExitFailure, ExitPartial}, short: true, stderr: "retry"},
		{name: "a bad key file", env: with("SHODAN_API_KEY", ""),
			args: []string{"collect", "--engine", "shodan", "--shodan-key-file", importFile}, want: []ExitCode{ExitFailure, ExitUsage}},
		{name: "a bad token file", env: with("CENSYS_PLATFORM_TOKEN", ""),
			args: []string{"collect", "--engine", "censys", "--censys-token-file", filepath.Join(dir, "missing")}, want: []ExitCode{ExitFailure, ExitUsage}},
	}
	var printed strings.Builder
	for _, s := range steps {
		if s.inject != nil {
			s.inject()
		}
		e := s.env
		if e == nil {
			e = env
		}
		ctx, cancel := context.WithCancel(context.Background())
		if s.short {
			ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
		}
		r := runOrchex(t, ctx, e, append([]string{"--verbose", "--db", db}, s.args...)...)
		cancel()
		if !containsCode(s.want, r.code) {
			t.Errorf("%s: exit %d, want one of %v\nstdout:\n%s\nstderr:\n%s", s.name, r.code, s.want, r.stdout, r.stderr)
		}
		if s.stderr != "" && !strings.Contains(r.stderr, s.stderr) {
			t.Errorf("%s: stderr lacks %q:\n%s", s.name, s.stderr, r.stderr)
		}
		for what, secret := range secretForms() {
			if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
				t.Errorf("%s: the %s appears in the output:\n%s\n%s", s.name, what, r.stdout, r.stderr)
			}
		}
		printed.WriteString(r.stdout + r.stderr)
	}
	if !strings.Contains(printed.String(), "shodan request") {
		t.Error("--verbose logged no request: the log was not searched")
	}

	// Every file written, byte by byte (the PDF through its text too).
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == keyFile || path == tokenFile {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		if strings.HasSuffix(path, ".pdf") {
			if text, err := exec.Command("pdftotext", path, "-").Output(); err == nil {
				data = append(data, text...)
			}
		}
		for what, secret := range secretForms() {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds the %s", path, what)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db, filepath.Join(out, "r.md"), filepath.Join(out, "r.json"), filepath.Join(out, "r.csv"), filepath.Join(out, "r.pdf")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was not written, so not searched: %v", f, err)
		}
	}

	// The raw pages, decoded as the store returns them.
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, sn := range snaps {
		err := st.Pages(ctx, sn.Label, func(p *model.RawPage) error {
			pages++
			blob, _ := json.Marshal(p)
			for what, secret := range secretForms() {
				if bytes.Contains(p.Body, []byte(secret)) || bytes.Contains(blob, []byte(secret)) {
					t.Errorf("raw page %s %s %d holds the %s", sn.Label, p.QueryID, p.Page, what)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if pages == 0 || files < 5 {
		t.Errorf("searched %d raw pages and %d files: the commands stored too little to prove anything", pages, files)
	}
}

func containsCode(codes []ExitCode, c ExitCode) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}

// TestKeyFilePermissionWarnings checks that a Shodan key file or a Censys
// token file readable by group or others gets a warning naming the mode
// and the fix, that a 0600 file gets none, and that the warning never
// quotes the credential.
func TestKeyFilePermissionWarnings(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		mode  os.FileMode
		warns bool
	}{{"0600", 0o600, false}, {"0640", 0o640, true}, {"0604", 0o604, true}, {"0400", 0o400, false}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, engine := range []string{"shodan", "censys"} {
				f := filepath.Join(dir, engine+tc.name)
				secret := canaryShodan
				if engine == "censys" {
					secret = canaryCensys
				}
				if err := os.WriteFile(f, []byte(secret+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(f, tc.mode); err != nil {
					t.Fatal(err)
				}
				setting, flag := shodan.SettingKey, "shodan-key-file"
				if engine == "censys" {
					setting, flag = censys.SettingToken, "censys-token-file"
				}
				got, warnings, err := resolveSecret(t, model.Engine(engine), setting, flag, f, "")
				if err != nil || got.Reveal() != secret {
					t.Fatalf("%s: read %v, %v", engine, got, err)
				}
				warned := strings.Contains(warnings, "warning") && strings.Contains(warnings, "chmod 600")
				if warned != tc.warns {
					t.Errorf("%s key file %s: warning %q, want a warning: %v", engine, tc.name, warnings, tc.warns)
				}
				if strings.Contains(warnings, secret) {
					t.Errorf("%s: the warning quotes the credential", engine)
				}
			}
		})
	}
}
