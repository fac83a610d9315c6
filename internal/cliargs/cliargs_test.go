package cliargs

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// app is a small command tree: a global flag, a command with flags and
// arguments, and a command with subcommands.
func app() *cli.App {
	noop := func(*cli.Context) error { return nil }
	return &cli.App{
		Name:  "tool",
		Flags: []cli.Flag{&cli.StringFlag{Name: "db"}, &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}},
		Commands: []*cli.Command{
			{Name: "import", ArgsUsage: "FILE...", Action: noop, Flags: []cli.Flag{
				&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}}, &cli.StringFlag{Name: "ranges"}}},
			{Name: "snapshots", Subcommands: []*cli.Command{
				{Name: "rm", ArgsUsage: "LABEL...", Action: noop, Flags: []cli.Flag{&cli.BoolFlag{Name: "yes"}}},
				{Name: "list", Action: noop},
			}},
		},
	}
}

// TestNormalize pins the rewriting on a tree of its own: flags after the
// arguments, global flags after the command, `--`, `help`, `--version`,
// and a value that looks like a flag.
func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"import -s Q a.json b.json --ranges DIR", "import -s Q --ranges DIR -- a.json b.json"},
		{"import a.json --snapshot=Q -q b.json", "-q import --snapshot=Q -- a.json b.json"},
		{"import -- -odd.json --ranges", "import -- -odd.json --ranges"},
		{"import -", "import -- -"},
		{"snapshots rm A B --yes --db x", "--db x snapshots rm --yes -- A B"},
		{"help snapshots rm", "snapshots rm --help"},
		{"snapshots help", "snapshots --help"},
		{"import --ranges --db", "import --ranges --db"},
		{"import --version", "version"},
	} {
		a, err := Normalize(app(), strings.Fields(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := strings.Join(a.Argv, " "); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestNormalizeUnknown: an unknown command or flag is an error naming the
// closest known one, with the path read so far for the usage line.
func TestNormalizeUnknown(t *testing.T) {
	for _, tc := range []struct{ in, err, usage string }{
		{"imprt x", `unknown command "imprt"; did you mean import?`, "tool [global flags] COMMAND [flags] [ARGS...]"},
		{"snapshots lst", `unknown command "lst"; did you mean list?`, "tool snapshots COMMAND [flags]"},
		{"import --rangs d x", "unknown flag --rangs; did you mean --ranges?", "tool import [flags] FILE..."},
		{"snapshots rm --nope", "unknown flag --nope", "tool snapshots rm [flags] LABEL..."},
	} {
		a, err := Normalize(app(), strings.Fields(tc.in))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.err)
		}
		if got := UsageLine("tool", a.Path); got != tc.usage {
			t.Errorf("%s: usage %q, want %q", tc.in, got, tc.usage)
		}
	}
	if got := HelpLine("tool", app().Commands[1].Subcommands[:1]); got != "tool help rm" {
		t.Errorf("HelpLine = %q", got)
	}
}

// TestOnUsageError: every command down the tree gets the handler.
func TestOnUsageError(t *testing.T) {
	a := app()
	OnUsageError(a.Commands, func(*cli.Context, error, bool) error { return nil })
	for _, c := range []*cli.Command{a.Commands[0], a.Commands[1], a.Commands[1].Subcommands[0], a.Commands[1].Subcommands[1]} {
		if c.OnUsageError == nil {
			t.Errorf("%s has no handler", c.Name)
		}
	}
}
