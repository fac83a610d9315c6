package cliargs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/internal/suggest"
)

// Args is a command line after Normalize: what urfave/cli parses, and
// the command it names (for the usage line of an error).
type Args struct {
	Argv []string
	Path []*cli.Command // the command and its parents, outermost first
}

// Normalize rewrites args into the shape urfave/cli v2 parses: global
// flags anywhere (`orchex report --db x`), a command's flags before,
// between or after its arguments (`orchex import -s Q a.json b.json
// --ranges DIR`), `--` ending the flags, `help A B` as `A B --help`, and
// `--version` as `version`. Every flag is put right after the command
// that defines it, then `--` and the arguments. An unknown command or
// flag is an error with a suggestion; Args.Path then holds the commands
// read so far.
func Normalize(app *cli.App, args []string) (Args, error) {
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
					return Args{Path: path}, fmt.Errorf("unknown command %q%s", a, suggest.DidYouMean(a, commandNames(subs())))
				}
			}
			pos = append(pos, a)
		case a == "--":
			dashdash = true
		case a == "--version" && !help:
			return Args{Argv: []string{"version"}}, nil
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
				return Args{Path: path}, fmt.Errorf("unknown flag %s%s", a, suggest.DidYouMean(name, names))
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
	return Args{Argv: argv, Path: path}, nil
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

// UsageLine is the one-line synopsis of the command at the end of path,
// under the program name: "orchex import [flags] FILE...".
func UsageLine(program string, path []*cli.Command) string {
	if len(path) == 0 {
		return program + " [global flags] COMMAND [flags] [ARGS...]"
	}
	parts := []string{program}
	for _, c := range path {
		parts = append(parts, c.Name)
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

// HelpLine is the help command of the command at the end of path:
// "orchex help snapshots rm".
func HelpLine(program string, path []*cli.Command) string {
	parts := []string{program, "help"}
	for _, c := range path {
		parts = append(parts, c.Name)
	}
	return strings.Join(parts, " ")
}

// OnUsageError sets fn as the usage-error handler of every command of
// cmds and of their subcommands, all the way down.
func OnUsageError(cmds []*cli.Command, fn cli.OnUsageErrorFunc) {
	for _, c := range cmds {
		c.OnUsageError = fn
		OnUsageError(c.Subcommands, fn)
	}
}
