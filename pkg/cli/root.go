package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

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
// exit code.
func Main(ctx context.Context, args []string, env Env) ExitCode {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	g := &globals{env: env}
	app := newApp(g)
	err := app.RunContext(ctx, append([]string{"orchex"}, args...))
	if err == nil {
		return ExitOK
	}
	var ue usageError
	var pe partialError
	switch {
	case errors.As(err, &pe):
		return ExitPartial
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "orchex: %s\nRun 'orchex help' for usage.\n", sanitizeTerminal(err.Error()))
		return ExitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(env.Stderr, "orchex: interrupted")
		return ExitFailure
	}
	fmt.Fprintf(env.Stderr, "orchex: %s\n", sanitizeTerminal(err.Error()))
	return ExitFailure
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
}

func newApp(g *globals) *cli.App {
	app := &cli.App{
		Name:  "orchex",
		Usage: "measure exposed container-orchestration and API-management panels from Shodan and Censys data",
		Description: "orchex imports or collects Shodan and Censys records, classifies each service's product and\n" +
			"authentication status with a declarative catalog, tags cloud provider and region, stores\n" +
			"snapshots in SQLite and writes research reports (Markdown, JSON, CSV, PDF).\n\n" +
			"Exit codes: 0 ok, 1 failure, 2 usage error, 3 partly done (some input records were bad).",
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
			briefCommand(g),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown command %q", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		ExitErrHandler: func(*cli.Context, error) {}, // Main maps errors to exit codes
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
	}
	for _, c := range app.Commands {
		setUsageHandler(c)
	}
	return app
}

func setUsageHandler(c *cli.Command) {
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageError{err} }
	for _, s := range c.Subcommands {
		setUsageHandler(s)
	}
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

// startProfile starts the CPU profile asked for with --cpuprofile.
func (g *globals) startProfile() error {
	if g.cpuprof == "" {
		return nil
	}
	f, err := os.Create(g.cpuprof)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile %s: %w", g.cpuprof, err)
	}
	g.stopCPU = func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("--cpuprofile %s: %w", g.cpuprof, err)
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
