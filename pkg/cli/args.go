package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/xrash/smetrics"
)

// arguments is the command line after normalizeArgs: what urfave/cli
// parses, and the command it names (for the usage line of an error).
type arguments struct {
	argv []string
	path []*cli.Command // the command and its parents, outermost first
}

// normalizeArgs rewrites args into the shape urfave/cli v2 parses, so
// that orchex reads a command line the way git, gh and kubectl do
// (docs/decisions.md): global flags anywhere (`orchex report --db x`),
// a command's flags before, between or after its arguments
// (`orchex import -s Q a.json b.json --ranges DIR`), `--` ending the
// flags, `help A B` as `A B --help`, and `--version` as `version`. Every
// flag is put right after the command that defines it, then `--` and the
// arguments. An unknown command or flag is a usage error with a
// suggestion.
func normalizeArgs(app *cli.App, args []string) (arguments, error) {
	var globals, pos []string
	var path []*cli.Command
	levels := [][]string{nil} // flags per command of path (0: the app)
	flagsOf := func(i int) []cli.Flag {
		if i == 0 {
			return app.Flags
		}
		return path[i-1].Flags
	}
	subs := func() []*cli.Command {
		if len(path) == 0 {
			return app.Commands
		}
		return path[len(path)-1].Subcommands
	}
	help, dashdash := false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case dashdash || a == "-" || !strings.HasPrefix(a, "-"):
			if !dashdash && len(pos) == 0 && len(subs()) > 0 {
				if (a == "help" || a == "h") && !help {
					help = true
					continue
				}
				if c := findCommand(subs(), a); c != nil {
					path = append(path, c)
					levels = append(levels, nil)
					continue
				}
				if len(path) == 0 || path[len(path)-1].Action == nil || help {
					return arguments{path: path}, usagef("unknown command %q%s", a, didYouMean(a, commandNames(subs())))
				}
			}
			pos = append(pos, a)
		case a == "--":
			dashdash = true
		case a == "--version" && !help:
			return arguments{argv: []string{"version"}}, nil
		default:
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			level, f := -1, cli.Flag(nil)
			for l := len(levels) - 1; l >= 0 && f == nil; l-- {
				if f = findFlag(flagsOf(l), name); f != nil {
					level = l
				}
			}
			if f == nil && (name == "help" || name == "h") {
				level, f = len(levels)-1, cli.HelpFlag
			}
			if f == nil {
				var names []string
				for l := range levels {
					names = append(names, flagNames(flagsOf(l))...)
				}
				return arguments{path: path}, usagef("unknown flag %s%s", a, didYouMean(name, names))
			}
			take := []string{a}
			if v, ok := f.(interface{ TakesValue() bool }); ok && v.TakesValue() && !hasValue && i+1 < len(args) {
				i++
				take = append(take, args[i])
			}
			if level == 0 && len(path) > 0 {
				globals = append(globals, take...)
			} else {
				levels[level] = append(levels[level], take...)
			}
		}
	}
	argv := append(globals, levels[0]...)
	for i, c := range path {
		argv = append(append(argv, c.Name), levels[i+1]...)
	}
	if help {
		argv = append(argv, "--help")
	}
	if len(pos) > 0 {
		argv = append(append(argv, "--"), pos...)
	}
	return arguments{argv: argv, path: path}, nil
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

func commandNames(cmds []*cli.Command) []string {
	var out []string
	for _, c := range cmds {
		if !c.Hidden {
			out = append(out, c.Names()...)
		}
	}
	return append(out, "help")
}

// flagNames are the flags' names as typed: --name, -n.
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) == 1 {
				out = append(out, "-"+n)
			} else {
				out = append(out, "--"+n)
			}
		}
	}
	return out
}

// didYouMean returns "; did you mean X?" for the candidate closest to s,
// or "" when none is close. Case is ignored; an exact match but for case
// wins.
func didYouMean(s string, candidates []string) string {
	if c := suggest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %s?", c)
	}
	return ""
}

// suggest returns the candidate closest to s (Jaro-Winkler similarity, as
// urfave/cli's own suggestions, at least 0.8, case-insensitive), or "".
func suggest(s string, candidates []string) string {
	low := strings.ToLower(strings.TrimLeft(s, "-"))
	best, score := "", 0.8
	for _, c := range candidates {
		lc := strings.ToLower(strings.TrimLeft(c, "-"))
		if lc == low {
			return c
		}
		if d := smetrics.JaroWinkler(low, lc, 0.7, 4); d > score {
			best, score = c, d
		}
	}
	return best
}

// usageLine is the one-line synopsis of the command at the end of path:
// "orchex import [flags] FILE...".
func usageLine(path []*cli.Command) string {
	parts := []string{"orchex"}
	for _, c := range path {
		parts = append(parts, c.Name)
	}
	if len(path) == 0 {
		return "orchex [global flags] COMMAND [flags] [ARGS...]"
	}
	c := path[len(path)-1]
	subs := slices.ContainsFunc(c.Subcommands, func(s *cli.Command) bool { return s.Name != "help" })
	switch {
	case subs:
		parts = append(parts, "COMMAND [flags]")
	case len(c.Flags) > 0:
		parts = append(parts, "[flags]")
	}
	if c.ArgsUsage != "" {
		parts = append(parts, c.ArgsUsage)
	}
	return strings.Join(parts, " ")
}
