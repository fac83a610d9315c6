package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/demo"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader. When
// the text written so far matches watch, the match is sent on found, once.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	watch *regexp.Regexp
	found chan []string
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.watch != nil {
		if m := s.watch.FindStringSubmatch(s.b.String()); m != nil {
			s.found <- m
			s.watch = nil
		}
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServe keeps the simulated APIs running, collects from them by
// hand as the printed instructions say, and stops them.
func TestDemoServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{watch: regexp.MustCompile(`--shodan-url (\S+) .*\n.*--censys-url (\S+)`), found: make(chan []string, 1)}
	done := make(chan ExitCode, 1)
	dir := t.TempDir()
	go func() {
		done <- Main(ctx, []string{"demo", "--serve", "--size", "300", "--out", dir}, Env{
			Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard,
			Getenv: func(string) string { return "" },
		})
	}()
	var m []string
	select {
	case m = <-out.found:
	case code := <-done:
		t.Fatalf("demo --serve ended with exit %d before printing its URLs:\n%s", code, out.String())
	}
	for _, want := range []string{"SHODAN_API_KEY=" + demo.ShodanKey, "CENSYS_PLATFORM_TOKEN=" + demo.CensysToken,
		"CENSYS_API_ID=" + demo.CensysAPIID + " CENSYS_API_SECRET=" + demo.CensysSecret, "--censys-api v2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo --serve did not print %q", want)
		}
	}
	env := map[string]string{"SHODAN_API_KEY": demo.ShodanKey, "CENSYS_PLATFORM_TOKEN": demo.CensysToken, "CENSYS_ORG_ID": demo.CensysOrg}
	db := filepath.Join(t.TempDir(), "x.db")
	_, stderr, code := run(t, env, "--db", db, "collect", "--snapshot", "demo", "--ranges", filepath.Join(dir, "ranges"),
		"--shodan-url", m[1], "--shodan-rate", "500", "--censys-url", m[2], "--censys-rate", "500")
	if code != ExitOK {
		t.Fatalf("collect against demo --serve: exit %d\n%s", code, stderr)
	}
	rep, _, code := run(t, nil, "--db", db, "report", "--format", "json")
	if code != ExitOK || !strings.Contains(rep, `"services": `) {
		t.Fatalf("report after collect: exit %d\n%s", code, rep)
	}
	// The legacy Censys v2 API, with the printed id and secret.
	v2env := map[string]string{"CENSYS_API_ID": demo.CensysAPIID, "CENSYS_API_SECRET": demo.CensysSecret}
	_, stderr, code = run(t, v2env, "--db", db, "collect", "-s", "demo-v2", "--engine", "censys", "--censys-api", "v2",
		"--censys-url", m[2], "--censys-rate", "500", "--ranges", filepath.Join(dir, "ranges"))
	if code != ExitOK {
		t.Fatalf("collect --censys-api v2 against demo --serve: exit %d\n%s", code, stderr)
	}
	var v2, v3 reportJSON
	rep2, _, _ := run(t, nil, "--db", db, "report", "-s", "demo-v2", "--format", "json")
	json.Unmarshal([]byte(rep2), &v2)
	json.Unmarshal([]byte(rep), &v3)
	if v2.Headline.Services == 0 || v2.EngineOverlap.CensysOnly != v2.Headline.Services {
		t.Errorf("v2 collection: %+v (all services from Censys expected)", v2.Headline)
	}
	t.Logf("v2: %d services; v3 Censys: %d", v2.Headline.Services, v3.EngineOverlap.CensysOnly+v3.EngineOverlap.Both)
	if c := v3.EngineOverlap.CensysOnly + v3.EngineOverlap.Both; v2.Headline.Services > c || v2.Headline.Services*10 < c*9 {
		t.Errorf("v2 found %d services, Censys v3 %d: want at most as many and at least 90%%", v2.Headline.Services, c)
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("demo --serve ended with exit %d after Ctrl-C", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo --serve did not stop when its context was cancelled")
	}
}
