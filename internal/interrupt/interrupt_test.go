package interrupt

import (
	"context"
	"errors"
	"syscall"
	"testing"
)

// TestNotify sends the process SIGINT, then SIGTERM: the first cancels
// the context with its cause, the second calls again.
func TestNotify(t *testing.T) {
	again := make(chan Cause, 1)
	ctx, stop := Notify(context.Background(), func(c Cause) { again <- c })
	defer stop()
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	<-ctx.Done()
	var c Cause
	if !errors.As(context.Cause(ctx), &c) || c.String() != "SIGINT" || c.Code() != 130 {
		t.Fatalf("cause %v", context.Cause(ctx))
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	if c := <-again; c.String() != "SIGTERM" || c.Code() != 143 {
		t.Errorf("second signal %v, code %d", c, c.Code())
	}
}
