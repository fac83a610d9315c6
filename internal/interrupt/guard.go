package interrupt

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"
)

// Guard runs a command that an interrupt may abandon: it holds what the
// command keeps when interrupted (for the message) and the temporary
// files it is writing (removed when it is abandoned). It is safe for
// concurrent use; the zero Guard is ready.
type Guard struct {
	mu    sync.Mutex
	kept  func() string
	temps map[string]bool
}

// OnInterrupt sets what an interruption keeps, for the message: fn is
// called from another goroutine when the command is abandoned, so it
// reads only what is safe to read concurrently.
func (g *Guard) OnInterrupt(fn func() string) {
	g.mu.Lock()
	g.kept = fn
	g.mu.Unlock()
}

// Kept says what the command keeps: the text of the OnInterrupt function,
// or none when there is none.
func (g *Guard) Kept(none string) string {
	g.mu.Lock()
	fn := g.kept
	g.mu.Unlock()
	if fn == nil {
		return none
	}
	return fn()
}

// Track records the temporary file name, which an abandoned command
// leaves, until the returned function forgets it. An empty name is not
// recorded.
func (g *Guard) Track(name string) (forget func()) {
	if name == "" {
		return func() {}
	}
	g.mu.Lock()
	if g.temps == nil {
		g.temps = map[string]bool{}
	}
	g.temps[name] = true
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		delete(g.temps, name)
		g.mu.Unlock()
	}
}

// Run runs fn and returns its error. When ctx is cancelled with a [Cause]
// (a signal) and fn has not returned grace later, Run removes the
// temporary files being written and returns abandoned, leaving fn: every database
// change is a committed transaction and every file a rename, so what is
// left is whole. A cancellation of another cause waits for fn.
func (g *Guard) Run(ctx context.Context, grace time.Duration, fn func() error) (abandoned bool, err error) {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err = <-done:
		return false, err
	case <-ctx.Done():
	}
	var c Cause
	if !errors.As(context.Cause(ctx), &c) {
		return false, <-done // cancelled by the caller, not a signal: wait
	}
	select {
	case err = <-done:
		return false, err
	case <-time.After(grace):
	}
	g.mu.Lock()
	for t := range g.temps {
		os.Remove(t)
	}
	g.mu.Unlock()
	return true, nil
}
