package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/orchex/orchex/internal/interrupt"
)

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
