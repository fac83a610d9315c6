package interrupt

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Cause is the cause of a context cancelled by a signal.
type Cause struct{ Signal os.Signal }

// Error implements error.
func (c Cause) Error() string { return c.String() }

// String names the signal: "SIGINT".
func (c Cause) String() string {
	switch c.Signal {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case nil:
		return "a signal"
	}
	return c.Signal.String()
}

// Code is the exit status a shell reports for the signal: 130 for
// SIGINT, 143 for SIGTERM.
func (c Cause) Code() int {
	if s, ok := c.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// Notify returns a context cancelled with a Cause by the first SIGINT or
// SIGTERM; a second one calls again (which may end the process). stop
// releases the signals.
func Notify(parent context.Context, again func(Cause)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(Cause{s})
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			again(Cause{s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
