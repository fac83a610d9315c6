package source

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// Retrier retries a call on [Retryable] errors with exponential backoff
// and jitter, honouring the engine's Retry-After. The zero value is
// usable: 5 attempts, 1 s base, 60 s cap, seed 1, real sleeps. It is safe
// for concurrent use.
type Retrier struct {
	Attempts int           // total attempts, first included; 0 means 5
	Base     time.Duration // first backoff; 0 means 1 s
	Max      time.Duration // cap on one backoff; 0 means 60 s
	Seed     uint64        // jitter seed: same seed, same delays
	// Sleep waits d or until ctx is done; nil means a real timer. Tests
	// inject a recorder.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry, if set, is told about every retry before its wait.
	OnRetry func(attempt int, wait time.Duration, err error)

	mu  sync.Mutex
	rnd *rand.Rand
}

// Delay returns the wait before attempt n+1 after the n-th failure (n ≥ 1):
// base·2^(n-1) capped at Max, the upper half jittered ("equal jitter"), and
// never less than the engine's Retry-After.
func (r *Retrier) Delay(n int, err error) time.Duration {
	base, max := r.Base, r.Max
	if base <= 0 {
		base = time.Second
	}
	if max <= 0 {
		max = time.Minute
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	r.mu.Lock()
	if r.rnd == nil {
		seed := r.Seed
		if seed == 0 {
			seed = 1
		}
		r.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
	half := d / 2
	d = half + time.Duration(r.rnd.Int64N(int64(half)+1))
	r.mu.Unlock()
	var he *HTTPError
	if errors.As(err, &he) && he.RetryAfter > d {
		d = he.RetryAfter
	}
	return d
}

// Do calls op until it succeeds, fails with an error that is not
// [Retryable], ctx is done, or the attempts are used up. It returns the
// number of retries made and op's last error.
func (r *Retrier) Do(ctx context.Context, op func(ctx context.Context) error) (retries int, err error) {
	attempts := r.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	for n := 1; ; n++ {
		err = op(ctx)
		if err == nil || !Retryable(err) || ctx.Err() != nil {
			return n - 1, err
		}
		if n >= attempts {
			return n - 1, &RetryError{Attempts: n, Err: err}
		}
		d := r.Delay(n, err)
		if r.OnRetry != nil {
			r.OnRetry(n, d, err)
		}
		if err := r.sleep(ctx, d); err != nil {
			return n - 1, err
		}
	}
}

func (r *Retrier) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RetryError says that a call still failed after all its attempts.
type RetryError struct {
	Attempts int
	Err      error
}

func (e *RetryError) Error() string {
	return "gave up after " + strconv.Itoa(e.Attempts) + " attempts: " + e.Err.Error()
}

// Unwrap returns the last attempt's error.
func (e *RetryError) Unwrap() error { return e.Err }
