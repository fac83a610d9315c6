package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Interrupt is the cause of a context cancelled by a signal: Main then
// exits 128 + the signal's number and says what the command kept.
type Interrupt struct{ Signal os.Signal }

// Error implements error.
func (i Interrupt) Error() string { return i.String() }

// String names the signal: "SIGINT".
func (i Interrupt) String() string {
	switch i.Signal {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case nil:
		return "a signal"
	}
	return i.Signal.String()
}

// Code is the exit code: 130 for SIGINT, 143 for SIGTERM.
func (i Interrupt) Code() ExitCode {
	if s, ok := i.Signal.(syscall.Signal); ok {
		return ExitCode(128 + int(s))
	}
	return ExitInterrupted
}

// Run runs orchex as a process: Main with the process's arguments and
// streams, its context cancelled by the first SIGINT or SIGTERM (the
// command stops and says what it kept); a second one ends the process at
// once.
func Run(args []string) ExitCode {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		in := Interrupt{s}
		cancel(in)
		if s, ok := <-sigs; ok {
			fmt.Fprintf(os.Stderr, "\norchex: %s again: stopped at once\n", Interrupt{s})
			os.Exit(int(in.Code()))
		}
	}()
	return Main(ctx, args, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
}
