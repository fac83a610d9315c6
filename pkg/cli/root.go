package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/orchex/orchex/internal/cliargs"
	"github.com/orchex/orchex/internal/cpuprofile"
	"github.com/orchex/orchex/internal/interrupt"
	"github.com/orchex/orchex/internal/outfile"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/urfave/cli/v2"
)

// ExitCode is the process exit status.
type ExitCode int

// The documented exit codes.
const (
	ExitOK      ExitCode = 0
	ExitFailure ExitCode = 1
	ExitUsage   ExitCode = 2
	ExitPartial ExitCode = 3
	// ExitInterrupted and ExitTerminated are 128 + SIGINT and 128 +
	// SIGTERM, as shells report a command stopped by those signals.
	ExitInterrupted ExitCode = 130
	ExitTerminated  ExitCode = 143
)

// Env gives commands their environment: streams and variables. Tests fill
// it with buffers and a fixed map.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Now returns the current time; tests fix it.
	Now func() time.Time
	// Sleep waits d between retries, or until ctx is done; nil sleeps for
	// real. Tests make it return at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Grace is how long an interrupted command may take to stop before
	// Main abandons it; 0 means one second.
	Grace time.Duration
	// Ticks, when set, paces the progress lines printed when stderr is
	// not a terminal (every 10 s otherwise); tests send on it.
	Ticks <-chan time.Time
}

// usageError marks an error that is the user's invocation, not the work.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit code 2).
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// partialError marks work that completed with some inputs rejected
// (exit code 3). The message has been reported already.
type partialError struct{ msg string }

func (e partialError) Error() string { return e.msg }

// Main runs orchex with args (without the program name) and returns the
// exit code. When ctx is cancelled with an [Interrupt] cause (Run does so
// on SIGINT and SIGTERM), the command stops, Main says what was kept and
// returns 130 or 143; a command that has not returned Env.Grace after the
// interruption is abandoned (its temporary files removed), since every
// database change is a committed transaction and every file a rename.
func Main(ctx context.Context, args []string, env Env) ExitCode {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Grace == 0 {
		env.Grace = time.Second
	}
	g := &globals{env: env}
	app := newApp(g)
	a, err := cliargs.Normalize(app, args)
	if err != nil {
		return g.exit(ctx, a.Path, usageError{err})
	}
	abandoned, err := g.guard.Run(ctx, env.Grace, func() error { return app.RunContext(ctx, append([]string{"orchex"}, a.Argv...)) })
	if abandoned {
		var in Interrupt
		errors.As(context.Cause(ctx), &in)
		fmt.Fprintf(g.env.Stderr, "orchex: interrupted by %s; the command did not stop within %v and was ended: %s\n", in, g.env.Grace, g.kept())
		return ExitCode(in.Code())
	}
	return g.exit(ctx, a.Path, err)
}

// exit prints err as the user needs it and returns its exit code.
func (g *globals) exit(ctx context.Context, path []*cli.Command, err error) ExitCode {
	var in Interrupt
	if errors.As(context.Cause(ctx), &in) {
		if err != nil {
			fmt.Fprintf(g.env.Stderr, "orchex: interrupted by %s: %s\n", in, g.kept())
		}
		return ExitCode(in.Code())
	}
	if err == nil {
		return ExitOK
	}
	var ue usageError
	switch {
	case errors.As(err, new(partialError)):
		return ExitPartial
	case !errors.As(err, &ue) && errors.Is(err, context.Canceled):
		fmt.Fprintln(g.env.Stderr, "orchex: interrupted")
		return ExitFailure
	}
	fmt.Fprintf(g.env.Stderr, "orchex: %s\n", terminal.Sanitize(err.Error()))
	if h := hint(err); h != "" {
		fmt.Fprintf(g.env.Stderr, "orchex: %s\n", h)
	}
	if !errors.As(err, &ue) {
		return ExitFailure
	}
	fmt.Fprintf(g.env.Stderr, "Usage: %s\nRun '%s' for details.\n", cliargs.UsageLine("orchex", path), cliargs.HelpLine("orchex", path))
	return ExitUsage
}

// kept says what an interrupted command kept (guard.OnInterrupt).
func (g *globals) kept() string {
	return g.guard.Kept("nothing partial was written (files are replaced only when complete, database changes are committed whole)")
}

// globals holds the global flags and the environment.
type globals struct {
	env     Env
	db      string
	catalog string
	quiet   bool
	verbose bool
	cpuprof string
	stopCPU func() error
	// guard holds what an interruption keeps and the temporary output
	// files being written, which an abandoned command leaves.
	guard interrupt.Guard
	// accounts are the account lines printed in this run: a demo that
	// collects several times says each engine's account once.
	accounts map[string]bool
}

func newApp(g *globals) *cli.App {
	app := &cli.App{
		Name:  "orchex",
		Usage: "measure exposed container-orchestration and API-management panels from Shodan and Censys data",
		Description: "orchex imports or collects Shodan and Censys records, classifies each service's product and\n" +
			"authentication status with a declarative catalog, tags cloud provider and region, stores\n" +
			"snapshots in SQLite and writes research reports (Markdown, JSON, CSV, PDF, HTML), briefings for\n" +
			"the networks a team serves and exports for other tools.\n\n" +
			"Flags may come before or after a command's arguments; global flags may follow the command;\n" +
			"'--' ends the flags. 'orchex help COMMAND [SUBCOMMAND]' shows a command's flags.\n\n" +
			"Exit codes: 0 ok, 1 failure, 2 usage error, 3 partly done (some input records were bad, or a\n" +
			"collection stopped at a limit), " +
			"130 interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM).",
		Reader:          g.env.Stdin,
		Writer:          g.env.Stdout,
		ErrWriter:       g.env.Stderr,
		HideHelpCommand: false,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Value: "orchex.db", EnvVars: []string{"ORCHEX_DB"}, Usage: "SQLite database `FILE`", Destination: &g.db},
			&cli.StringFlag{Name: "catalog", Usage: "load the product catalog from `DIR` instead of the embedded queries/", Destination: &g.catalog},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors", Destination: &g.quiet},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print more detail", Destination: &g.verbose},
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a Go CPU profile of the command to `FILE` (for go tool pprof; docs/performance.md)", Destination: &g.cpuprof},
		},
		Before: func(*cli.Context) error { return g.startProfile() },
		After:  func(*cli.Context) error { return g.stopProfile() },
		Commands: []*cli.Command{
			queriesCommand(g),
			importCommand(g),
			reportCommand(g),
			collectCommand(g),
			statsCommand(g),
			rangesCommand(g),
			eolCommand(g),
			demoCommand(g),
			snapshotsCommand(g),
			diffCommand(g),
			trendCommand(g),
			scopesCommand(g),
			exportCommand(g),
			versionCommand(g),
			briefCommand(g),
		},
		Action:         func(c *cli.Context) error { return cli.ShowAppHelp(c) },
		ExitErrHandler: func(*cli.Context, error) {}, // Main maps errors to exit codes
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
	}
	cliargs.OnUsageError(app.Commands, app.OnUsageError)
	return app
}

// logf prints a progress line to stderr unless --quiet.
func (g *globals) logf(format string, args ...any) {
	if g.quiet {
		return
	}
	fmt.Fprintf(g.env.Stderr, format+"\n", args...)
}

// debugf prints a line to stderr with --verbose only.
func (g *globals) debugf(format string, args ...any) {
	if !g.verbose || g.quiet {
		return
	}
	fmt.Fprintf(g.env.Stderr, format+"\n", args...)
}

// startProfile starts the CPU profile asked for with --cpuprofile,
// written as every output flag is (internal/outfile).
func (g *globals) startProfile() error {
	if g.cpuprof == "" {
		return nil
	}
	stop, err := cpuprofile.Start(g.cpuprof, outfile.Protected{Path: g.db, What: "the database (--db)"})
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	g.stopCPU = func() error {
		if err := stop(); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		return nil
	}
	return nil
}

// stopProfile ends the CPU profile, if one was started.
func (g *globals) stopProfile() error {
	if g.stopCPU == nil {
		return nil
	}
	stop := g.stopCPU
	g.stopCPU = nil
	return stop()
}

// Interrupt is the cause of a context cancelled by a signal: Main then
// exits 128 + the signal's number (130 for SIGINT, 143 for SIGTERM) and
// says what the command kept.
type Interrupt = interrupt.Cause

// Run runs orchex as a process: Main with the process's arguments and
// streams, its context cancelled by the first SIGINT or SIGTERM (the
// command stops and says what it kept); a second one ends the process at
// once.
func Run(args []string) ExitCode {
	ctx, stop := interrupt.Notify(context.Background(), func(c interrupt.Cause) {
		fmt.Fprintf(os.Stderr, "\norchex: %s again: stopped at once\n", c)
		os.Exit(c.Code())
	})
	defer stop()
	return Main(ctx, args, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
}

// noArgs is the Action of a command that takes no argument: it refuses
// any with a usage error naming the command, then runs action.
func noArgs(name string, action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() > 0 {
			return usagef("%s: unexpected argument %q", name, c.Args().First())
		}
		return action(c)
	}
}
