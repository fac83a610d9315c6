package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// Get fetches u with client, sending userAgent, and returns the body. A
// status other than 200 is an error naming it, and so is a body of more
// than limit bytes (a truncated or runaway download is never returned).
func Get(ctx context.Context, client *http.Client, u, userAgent string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
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
