package cli

import (
	"net"
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
