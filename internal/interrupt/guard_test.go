package interrupt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestGuardReturns: a command that returns, interrupted or not, gives
// its error; one cancelled by its caller (no signal) is waited for.
func TestGuardReturns(t *testing.T) {
	var g Guard
	boom := errors.New("boom")
	if ab, err := g.Run(context.Background(), time.Hour, func() error { return boom }); err != boom || ab {
		t.Errorf("plain run: %v %v", err, ab)
	}
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	go func() { cancel(); close(release) }()
	ab, err := g.Run(ctx, 0, func() error { <-release; <-ctx.Done(); return ctx.Err() })
	if !errors.Is(err, context.Canceled) || ab {
		t.Errorf("cancelled by the caller: %v %v, want the command's error", err, ab)
	}
}

// TestGuardAbandons: a command that does not stop after a signal is
// abandoned after the grace period, its tracked temporary files removed
// and forgotten ones kept; Kept says what the command kept.
func TestGuardAbandons(t *testing.T) {
	var g Guard
	if got := g.Kept("nothing"); got != "nothing" {
		t.Errorf("Kept = %q", got)
	}
	g.OnInterrupt(func() string { return "3 pages" })
	if got := g.Kept("nothing"); got != "3 pages" {
		t.Errorf("Kept = %q", got)
	}
	dir := t.TempDir()
	temp, done := filepath.Join(dir, "out.tmp"), filepath.Join(dir, "done.tmp")
	for _, f := range []string{temp, done} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g.Track(temp)
	g.Track(done)()
	g.Track("")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(Cause{syscall.SIGINT})
	stuck := make(chan struct{})
	defer close(stuck)
	if ab, _ := g.Run(ctx, 0, func() error { <-stuck; return nil }); !ab {
		t.Fatal("not abandoned")
	}
	if _, err := os.Stat(temp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the tracked temporary file stayed: %v", err)
	}
	if _, err := os.Stat(done); err != nil {
		t.Errorf("a forgotten file was removed: %v", err)
	}
}
