package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

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
	// Log receives one line per request at debug level (engine, op, the
	// URL's path without its query, status, bytes, duration, or the
	// redacted error); nil logs nothing. Now times it; nil is time.Now.
	Log *slog.Logger
	Now func() time.Time
}

// Do waits on the limiter, sends req and reads the whole body under the
// size limit. Whatever the status, it returns the response (body closed)
// and the body, with every secret it echoes redacted (so that no error,
// log or stored raw page can quote one); the caller interprets the
// status. Transport failures, timeouts, resets and bodies cut short come
// back as *[HTTPError] wrapping [ErrTransient] with the cause redacted; a
// body over the limit as [ErrTooLarge]; a cancelled ctx as ctx.Err().
//
// Credentials are guarded: a request that carries secrets over plain HTTP
// to a host other than a loopback address is not sent ([ErrInsecure]),
// and a redirect is followed only to the same scheme, host and port
// ([ErrRedirect], naming both URLs, redacted, otherwise): net/http keeps
// the Authorization header on a redirect to another port or from https to
// http, and the answer there is not the engine's.
func Do(ctx context.Context, r Request, req *http.Request) (*http.Response, []byte, error) {
	if r.Log == nil {
		return do(ctx, r, req)
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	resp, body, err := do(ctx, r, req)
	if err != nil {
		r.Log.DebugContext(ctx, r.Engine+" request failed", "op", r.Op, "path", req.URL.Path, "error", Redact(err.Error(), r.Secrets...))
	} else {
		r.Log.DebugContext(ctx, r.Engine+" request", "op", r.Op, "path", req.URL.Path, "status", resp.StatusCode, "bytes", len(body), "duration", now().Sub(start))
	}
	return resp, body, err
}

func do(ctx context.Context, r Request, req *http.Request) (*http.Response, []byte, error) {
	if len(r.Secrets) > 0 && req.URL.Scheme != "https" && !Loopback(req.URL.Hostname()) {
		return nil, nil, &HTTPError{Engine: engineOf(r.Engine), Op: r.Op, Err: ErrInsecure,
			Message: fmt.Sprintf("%s is not https and not a loopback address: use https", clipURL(req.URL.Redacted(), r.Secrets))}
	}
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
	guarded := *c // a copy: the caller's client is not changed
	guarded.CheckRedirect = sameOrigin(c.CheckRedirect)
	resp, err := guarded.Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		var re *redirectError
		if errors.As(err, &re) {
			return nil, nil, &HTTPError{Engine: engineOf(r.Engine), Op: r.Op, Status: re.status, Err: ErrRedirect,
				Message: fmt.Sprintf("from %s to %s: orchex follows redirects only within the same scheme, host and port; check the API URL",
					clipURL(re.from, r.Secrets), clipURL(re.to, r.Secrets))}
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
	return resp, RedactBytes(body, r.Secrets...), nil
}

// Loopback reports whether host (a URL's host name, without port) is a
// loopback address or "localhost": the only hosts [Do] sends credentials
// to over plain HTTP (the local fakes and the demo).
func Loopback(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().IsLoopback()
	}
	return strings.EqualFold(host, "localhost")
}

// redirectError is a redirect sameOrigin refused.
type redirectError struct {
	from, to string
	status   int
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("redirect from %s to another origin refused", e.from)
}

// sameOrigin returns a CheckRedirect that refuses a redirect to another
// scheme, host or port than the first request's, then applies next (or
// net/http's limit of 10 redirects).
func sameOrigin(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first, prev := via[0].URL, via[len(via)-1].URL
		if !strings.EqualFold(req.URL.Scheme, first.Scheme) || !strings.EqualFold(req.URL.Hostname(), first.Hostname()) ||
			port(req.URL) != port(first) {
			status := 0
			if req.Response != nil {
				status = req.Response.StatusCode
			}
			return &redirectError{from: prev.String(), to: req.URL.String(), status: status}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// port returns u's port, or its scheme's default.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// clipURL redacts a URL's credentials and secrets, then cuts it to 200
// bytes for an error message: redaction first, so that a cut cannot leave
// part of a secret.
func clipURL(raw string, secrets []Secret) string {
	s := RedactURL(raw, secrets...)
	if len(s) > 200 {
		i := 200
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return s
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
