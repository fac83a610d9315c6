package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"

	"golang.org/x/time/rate"
)

// DefaultMaxBody is the default response size limit: a page of 100 Shodan
// banners with full HTML is a few MB; 64 MiB leaves room without letting a
// broken proxy fill memory.
const DefaultMaxBody = 64 << 20

// NewLimiter returns the limiter that all calls of one engine share in a
// process: perSecond requests a second, no burst. perSecond <= 0 means 1.
func NewLimiter(perSecond float64) *rate.Limiter {
	if perSecond <= 0 {
		perSecond = 1
	}
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}

// Request is one HTTP call of an adapter, made by [Do].
type Request struct {
	Engine  string // for errors
	Op      string // "search", "count", ...
	Client  *http.Client
	Limiter *rate.Limiter // waited on before the request; nil for none
	MaxBody int64         // 0 means DefaultMaxBody
	Secrets []Secret      // redacted from every error
}

// Do waits on the limiter, sends req and reads the whole body under the
// size limit. Whatever the status, it returns the response (body closed)
// and the body; the caller interprets the status. Transport failures,
// timeouts, resets and bodies cut short come back as *[HTTPError] wrapping
// [ErrTransient] with the cause redacted; a body over the limit as
// [ErrTooLarge]; a cancelled ctx as ctx.Err().
func Do(ctx context.Context, r Request, req *http.Request) (*http.Response, []byte, error) {
	if r.Limiter != nil {
		if err := r.Limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, fmt.Errorf("%s: %s: rate limiter: %w", r.Engine, r.Op, err)
		}
	}
	c := r.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, r.transport(err)
	}
	defer resp.Body.Close()
	max := r.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	// Read one byte more than allowed to tell "exactly max" from "more".
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		// A body cut short (connection closed before Content-Length or
		// the last chunk) is worth another try.
		return resp, nil, r.transport(fmt.Errorf("reading response body (HTTP %d, %d bytes read): %w", resp.StatusCode, len(body), err))
	}
	if int64(len(body)) > max {
		return resp, nil, &HTTPError{Engine: engineOf(r.Engine), Op: r.Op, Status: resp.StatusCode, Err: ErrTooLarge,
			Message: fmt.Sprintf("more than %d bytes; raise the limit or narrow the query", max)}
	}
	return resp, body, nil
}

// transport wraps a transport failure as a redacted transient HTTPError.
func (r Request) transport(err error) error {
	err = RedactError(err, r.Secrets...)
	return &HTTPError{Engine: engineOf(r.Engine), Op: r.Op, Err: &transientError{err}, Message: ""}
}

// transientError is ErrTransient with its cause: errors.Is sees both
// ErrTransient and the cause (a timeout, ECONNRESET).
type transientError struct{ cause error }

func (e *transientError) Error() string   { return e.cause.Error() }
func (e *transientError) Unwrap() []error { return []error{ErrTransient, e.cause} }

// IsTimeout reports whether err is a network timeout.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// IsReset reports whether err is a connection reset or a connection closed
// before the response was complete.
func IsReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
