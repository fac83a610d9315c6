package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/internal/cliargs"
)

// TestNormalizeArgs pins how a command line is rewritten for urfave/cli:
// flags after the command and after the arguments, global flags after the
// command, `--`, `help A B` and `--version`.
func TestNormalizeArgs(t *testing.T) {
	app := newApp(&globals{env: Env{Getenv: os.Getenv}})
	for _, tc := range []struct {
		in, want string
	}{
		{"import -s Q a.json b.json --ranges DIR", "import -s Q --ranges DIR -- a.json b.json"},
		{"import a.json --snapshot=Q -q b.json", "-q import --snapshot=Q -- a.json b.json"},
		{"report --db cert.db", "--db cert.db report"},
		{"--db x.db report -s 2026Q4 --format json", "--db x.db report -s 2026Q4 --format json"},
		{"demo -q", "-q demo"},
		{"import -- -odd.json --ranges", "import -- -odd.json --ranges"},
		{"import -", "import -- -"},
		{"diff 2026Q3 2026Q4 --format md -o out.md", "diff --format md -o out.md -- 2026Q3 2026Q4"},
		{"snapshots rm 2025Q1 2025Q2 --yes", "snapshots rm --yes -- 2025Q1 2025Q2"},
		{"snapshots show --db d.db 2026Q4 --format json", "--db d.db snapshots show --format json -- 2026Q4"},
		{"help snapshots rename", "snapshots rename --help"},
		{"help", "--help"},
		{"h snapshots", "snapshots --help"},
		{"snapshots help", "snapshots --help"},
		{"report --help --db x", "--db x report --help"},
		{"ranges lookup 1.2.3.4 --ranges d", "ranges lookup --ranges d -- 1.2.3.4"},
		{"report --out --db", "report --out --db"}, // a value that looks like a flag is a value
		{"collect --dry-run -s 2026Q4 --engine shodan", "collect --dry-run -s 2026Q4 --engine shodan"},
		{"report --version", "version"},
		{"--version", "version"},
		{"queries check dir --catalog c", "--catalog c queries check -- dir"},
	} {
		a, err := cliargs.Normalize(app, strings.Fields(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := strings.Join(a.Argv, " "); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestFlagsAnywhere runs commands as users type them, with flags after the
// command and after the files.
func TestFlagsAnywhere(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cert.db")
	ranges := writeTestRanges(t, dir)
	a, b := writeTestBanners(t, dir, "a.json", 0, 30), writeTestBanners(t, dir, "b.json", 30, 30)
	// The feeds given after the files are applied: no warning about
	// missing feeds, and the import records them.
	_, stderr, code := run(t, nil, "import", "-s", "Q", a, b, "--ranges", ranges, "--db", db)
	if code != ExitOK {
		t.Fatalf("import with flags after the files: exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "no cloud range feeds") {
		t.Errorf("--ranges after the files was not applied:\n%s", stderr)
	}
	out, stderr, code := run(t, nil, "snapshots", "show", "Q", "--db", db, "--format", "json")
	if code != ExitOK || !strings.Contains(out, `"provider": "aws"`) || !strings.Contains(out, `"services": 60`) {
		t.Errorf("snapshots show after the import: exit %d, want feeds and 60 services\n%s%s", code, out, stderr)
	}
	// A global flag after the command; -s on collect means --snapshot.
	if _, stderr, code := run(t, nil, "report", "--db", db, "-s", "Q", "--format", "json"); code != ExitOK {
		t.Errorf("report --db after the command: exit %d\n%s", code, stderr)
	}
	_, stderr, code = run(t, nil, "collect", "-s", "bad label!", "--db", db, "--engine", "shodan")
	if code != ExitUsage || !strings.Contains(stderr, "--snapshot") {
		t.Errorf("collect -s takes the snapshot label: exit %d\n%s", code, stderr)
	}
	// -- ends the flags: a file named like a flag is a file.
	_, stderr, code = run(t, nil, "--db", db, "import", "-s", "Q", "--", "--ranges")
	if code != ExitFailure || !strings.Contains(stderr, "--ranges") || !strings.Contains(stderr, "--ranges: no such file") {
		t.Errorf("import -- --ranges: exit %d, want the missing file named\n%s", code, stderr)
	}
}

// TestDidYouMean checks suggestions for commands, subcommands, flags,
// snapshot labels (case ignored) and product ids, and the usage line a
// usage error prints.
func TestDidYouMean(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	f := writeTestBanners(t, dir, "a.json", 0, 5)
	if _, stderr, code := run(t, nil, "import", "-s", "2026Q4", f, "--db", db); code != ExitOK {
		t.Fatalf("import: %d\n%s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		code ExitCode
		want []string
	}{
		{[]string{"imprt", "x.json"}, ExitUsage, []string{`unknown command "imprt"; did you mean import?`, "Usage: orchex [global flags] COMMAND"}},
		{[]string{"snapshots", "lst"}, ExitUsage, []string{"did you mean list?", "Usage: orchex snapshots COMMAND [flags]", "orchex help snapshots"}},
		{[]string{"import", "--rangs", "d", "x.json"}, ExitUsage, []string{"unknown flag --rangs; did you mean --ranges?", "Usage: orchex import [flags] FILE...", "orchex help import"}},
		{[]string{"report", "--formt", "md"}, ExitUsage, []string{"did you mean --format?", "Usage: orchex report [flags]"}},
		{[]string{"report", "--db", db, "-s", "2026q4"}, ExitFailure, []string{`"2026q4"`, "did you mean 2026Q4?"}},
		{[]string{"diff", "--db", db, "2026Q4", "2026q3"}, ExitFailure, []string{`"2026q3"`}},
		{[]string{"snapshots", "show", "2026-Q4", "--db", db}, ExitFailure, []string{"did you mean 2026Q4?"}},
		{[]string{"collect", "--dry-run", "--engine", "shodan", "--products", "kubernetes-apl", "--db", db}, ExitUsage, []string{"did you mean kubernetes-api?"}},
		{[]string{"collect", "--dry-run", "--engine", "shodan", "--family", "Kubernetes", "--db", db}, ExitUsage, []string{"did you mean kubernetes?"}},
		{[]string{"snapshots", "show", "--db", db}, ExitUsage, []string{"Usage: orchex snapshots show [flags] LABEL"}},
	} {
		env := map[string]string{"SHODAN_API_KEY": "k", "SHODAN_URL": "http://127.0.0.1:1"}
		_, stderr, code := run(t, env, tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, tc.code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
	// A label far from every stored one gets no suggestion.
	if _, stderr, _ := run(t, nil, "report", "--db", db, "-s", "zzz"); strings.Contains(stderr, "did you mean") {
		t.Errorf("unrelated label got a suggestion:\n%s", stderr)
	}
}

// TestHelpAndVersion: `help A B` shows the subcommand, `help A` lists the
// subcommands, every flag shows at most one default, and the version
// names the Go and catalog versions.
func TestHelpAndVersion(t *testing.T) {
	out, _, code := run(t, nil, "help", "snapshots", "rename")
	if code != ExitOK || !strings.Contains(out, "orchex snapshots rename - change a snapshot's label") || !strings.Contains(out, "OLD NEW") {
		t.Errorf("help snapshots rename: exit %d\n%s", code, out)
	}
	out, _, _ = run(t, nil, "help", "snapshots")
	for _, sub := range []string{"list", "show", "rename", "rm, remove"} {
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(sub) + `\s`).MatchString(out) {
			t.Errorf("help snapshots does not list %q:\n%s", sub, out)
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}, {"report", "--version"}} {
		out, stderr, code := run(t, nil, args...)
		if code != ExitOK || !strings.HasPrefix(out, "orchex ") || !strings.Contains(out, "\ngo      go1.") ||
			!regexp.MustCompile(`\ncatalog \S+\n`).MatchString(out) || !strings.Contains(out, "\ncommit  ") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, stderr)
		}
	}
	// Every command's help: at most one default per flag.
	app := newApp(&globals{env: Env{Getenv: os.Getenv}})
	var walk func(path []string, cmds []*cli.Command)
	walk = func(path []string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := append(append([]string{}, path...), c.Name)
			out, _, code := run(t, nil, append(p, "--help")...)
			if code != ExitOK {
				t.Errorf("%v --help: exit %d", p, code)
			}
			for _, line := range strings.Split(out, "\n") {
				if n := strings.Count(strings.ToLower(line), "default"); n > 1 {
					t.Errorf("orchex %s --help: %d defaults on one line:\n%s", strings.Join(p, " "), n, line)
				}
			}
			walk(p, c.Subcommands)
		}
	}
	walk(nil, app.Commands)
}
