package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrDowngrade is wrapped by the error of a download redirected from https
// to plain http.
var ErrDowngrade = errors.New("redirect from https to plain http refused")

// Get fetches u with client, sending userAgent, and returns the body. A
// status other than 200 is an error naming it, and so is a body of more
// than limit bytes (a truncated or runaway download is never returned).
// A redirect from https to plain http is not followed ([ErrDowngrade]):
// reference data that decides every report must not travel in clear.
func Get(ctx context.Context, client *http.Client, u, userAgent string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	if client == nil {
		client = http.DefaultClient
	}
	guarded := *client // a copy: the caller's client is not changed
	next := client.CheckRedirect
	guarded.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if prev := via[len(via)-1].URL; prev.Scheme == "https" && r.URL.Scheme != "https" {
			return fmt.Errorf("%w: from %s to %s", ErrDowngrade, prev.Redacted(), r.URL.Redacted())
		}
		if next != nil {
			return next(r, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	resp, err := guarded.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("response is over the %d-byte limit", limit)
	}
	return body, nil
}
