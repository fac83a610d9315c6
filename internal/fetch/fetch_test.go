package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write([]byte(r.UserAgent()))
		case "/big":
			w.Write([]byte(strings.Repeat("x", 11)))
		default:
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if b, err := Get(ctx, srv.Client(), srv.URL+"/ok", "orchex-test", 11); err != nil || string(b) != "orchex-test" {
		t.Errorf("ok: %q %v", b, err)
	}
	if b, err := Get(ctx, srv.Client(), srv.URL+"/big", "x", 11); err != nil || len(b) != 11 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	if _, err := Get(ctx, srv.Client(), srv.URL+"/big", "x", 10); err == nil || !strings.Contains(err.Error(), "over the 10-byte limit") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := Get(ctx, srv.Client(), srv.URL+"/down", "x", 10); err == nil || err.Error() != "HTTP status 503" {
		t.Errorf("status: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Get(cancelled, srv.Client(), srv.URL+"/ok", "x", 10); err == nil {
		t.Error("a cancelled context fetched")
	}
}
