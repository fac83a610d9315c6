package source

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Sentinel errors that every engine adapter's errors unwrap to, so that the
// pager and the CLI decide what to do without knowing the engine.
var (
	// ErrUnauthorized means the engine rejected the credentials (HTTP 401).
	ErrUnauthorized = errors.New("credentials rejected")
	// ErrForbidden means the credentials are valid but the account or plan
	// may not do this (HTTP 403).
	ErrForbidden = errors.New("access denied by the account's plan")
	// ErrRateLimited means the engine asked us to slow down (HTTP 429 or a
	// rate-limit message). It is retried.
	ErrRateLimited = errors.New("rate limited")
	// ErrQuota means the account has no credits or quota left. Collection
	// stops cleanly; what was fetched is kept.
	ErrQuota = errors.New("credits or quota exhausted")
	// ErrBadQuery means the engine rejected the query (HTTP 400/422).
	ErrBadQuery = errors.New("query rejected")
	// ErrNotFound means the engine has nothing at this address (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrTransient is a failure that may go away when retried: 5xx,
	// timeouts, connection resets, bodies cut short.
	ErrTransient = errors.New("transient failure")
	// ErrTooLarge means a response body exceeded the size limit. It is not
	// retried: the same request would give the same body.
	ErrTooLarge = errors.New("response body too large")
	// ErrBadCursor means a stored page's cursor to the next page cannot
	// be read: the query must be fetched again from its first page.
	ErrBadCursor = errors.New("stored paging cursor is corrupt")
	// ErrRedirect means the engine answered with a redirect to another
	// scheme, host or port, which is not followed: the credentials would
	// go with it, and the answer there is not the engine's. It is not
	// retried.
	ErrRedirect = errors.New("redirect to another origin refused")
	// ErrInsecure means a request would carry credentials over plain
	// HTTP to a host that is not a loopback address. It is not retried.
	ErrInsecure = errors.New("credentials refused over plain HTTP")
)

// HTTPError is a failed API call: the engine, the operation ("search",
// "count", "api-info"), the HTTP status (0 for transport failures), the
// engine's message (redacted) and how long the engine asked us to wait.
// It unwraps to one of the sentinel errors above.
type HTTPError struct {
	Engine     model.Engine
	Op         string
	Status     int
	Message    string
	RetryAfter time.Duration // 0 when the engine did not say
	Err        error         // sentinel
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Engine))
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *HTTPError) Unwrap() error { return e.Err }

// StatusErr maps an HTTP status to its sentinel: 401 ErrUnauthorized, 402
// ErrQuota, 403 ErrForbidden, 404 ErrNotFound, 400/422 ErrBadQuery, 429
// ErrRateLimited, 5xx and 408 ErrTransient. Other statuses give nil.
func StatusErr(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusPaymentRequired:
		return ErrQuota
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return ErrBadQuery
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusRequestTimeout || status >= 500:
		return ErrTransient
	}
	return nil
}

// Retryable reports whether err is worth retrying: rate limits and
// transient failures. A cancelled context is never retryable.
func Retryable(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrTransient)
}

// ParseRetryAfter parses a Retry-After header value: delay seconds or an
// HTTP date (RFC 9110 §10.2.3), relative to now. It returns 0 for an empty,
// malformed or past value.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		const max = 24 * 60 * 60
		if n > max {
			n = max
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	if d := t.Sub(now); d > 0 {
		return d
	}
	return 0
}
