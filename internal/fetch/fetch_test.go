package fetch

import (
	"context"
	"errors"
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

// TestGetRefusesDowngrade: a redirect from https to plain http is not
// followed (the Azure page once led `ranges update` to a feed over plain
// HTTP); a redirect that stays on https is.
func TestGetRefusesDowngrade(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("plain http reached: %s", r.URL)
	}))
	defer plain.Close()
	var tlsSrv *httptest.Server
	tlsSrv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Redirect(w, r, plain.URL+"/feed", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, tlsSrv.URL+"/feed", http.StatusFound)
		default:
			w.Write([]byte("feed"))
		}
	}))
	defer tlsSrv.Close()
	ctx := context.Background()
	if _, err := Get(ctx, tlsSrv.Client(), tlsSrv.URL+"/down", "x", 100); !errors.Is(err, ErrDowngrade) || !strings.Contains(err.Error(), plain.URL) {
		t.Errorf("https to http: %v, want ErrDowngrade naming the target", err)
	}
	if b, err := Get(ctx, tlsSrv.Client(), tlsSrv.URL+"/moved", "x", 100); err != nil || string(b) != "feed" {
		t.Errorf("https to https: %q %v", b, err)
	}
}
