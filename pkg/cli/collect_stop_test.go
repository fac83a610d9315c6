package cli

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestCollectUnreachableStopsEngine points collect at a port nobody
// listens on: the first query gives up after its retries and the engine
// stops there, saying how to resume, instead of retrying every query.
func TestCollectUnreachableStopsEngine(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close() // now nothing listens there
	db := filepath.Join(t.TempDir(), "x.db")
	_, stderr, code := run(t, map[string]string{"SHODAN_API_KEY": "canary-unreachable-key"},
		"--db", db, "collect", "--engine", "shodan", "--shodan-url", url, "--shodan-rate", "1000", "--products", "kubernetes-api,etcd")
	if code != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	if n := strings.Count(stderr, "page 1: gave up after"); n != 1 {
		t.Errorf("%d queries gave up, want the engine to stop after the first:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "run the same command to resume") {
		t.Errorf("no resume advice:\n%s", stderr)
	}
	if strings.Contains(stderr, "canary-unreachable-key") {
		t.Error("the key appears in stderr")
	}
}

// TestCollectHTTPTimeout points collect at an API that accepts requests
// and never answers: --http-timeout ends each request, the timeouts are
// retried as network errors (the test's Env makes the back-off waits
// return at once), and the engine stops with resume advice instead of
// hanging. A timeout that is not positive is a usage error.
func TestCollectHTTPTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	db := filepath.Join(t.TempDir(), "x.db")
	_, stderr, code := run(t, map[string]string{"SHODAN_API_KEY": "canary-timeout-key"},
		"--db", db, "collect", "--engine", "shodan", "--shodan-url", srv.URL, "--shodan-rate", "1000",
		"--products", "kubernetes-api", "--http-timeout", "20ms")
	if code != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "page 1: gave up after") || !strings.Contains(stderr, "Timeout") && !strings.Contains(stderr, "timeout") {
		t.Errorf("no timeout named in:\n%s", stderr)
	}
	if strings.Contains(stderr, "canary-timeout-key") {
		t.Error("the key appears in stderr")
	}
	_, stderr, code = run(t, map[string]string{"SHODAN_API_KEY": "k"},
		"--db", db, "collect", "--engine", "shodan", "--shodan-url", srv.URL, "--http-timeout", "0s")
	if code != ExitUsage || !strings.Contains(stderr, "--http-timeout") {
		t.Errorf("--http-timeout 0s: exit %d, want 2 naming the flag:\n%s", code, stderr)
	}
}
