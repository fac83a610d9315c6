package brief_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/source"
)

// hookServer is a webhook receiver on 127.0.0.1 that answers with the
// statuses given, in turn (the last one repeated), and records the
// bodies it received.
type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	paths    []string
}

func newHookServer(t *testing.T, statuses ...int) *hookServer {
	h := &hookServer{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.bodies = append(h.bodies, body)
		h.paths = append(h.paths, r.URL.RequestURI())
		st := h.statuses[min(len(h.bodies), len(h.statuses))-1]
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			st = http.StatusBadRequest
		}
		if st == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "7")
		}
		w.WriteHeader(st)
		fmt.Fprintf(w, "answer %d for %s", st, r.URL.RequestURI()) // a receiver echoing its token
	}))
	t.Cleanup(h.Close)
	return h
}

// sleeps records the waits of a Retrier instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

// message returns the webhook message of the fixture's v4 scope.
func message(t *testing.T) *brief.Message {
	t.Helper()
	a, b := snapshots(10, 1500)
	r := run(t, a, b, true, nil)
	bf := open(t, r, 2)
	m, ok, err := bf.Message()
	if err != nil || !ok {
		t.Fatalf("message: %v %v", ok, err)
	}
	if m.Counts.New != bf.Counts.New || m.Counts.NowOpen != bf.Counts.NowOpen || len(m.New) != bf.Counts.New || len(m.NowOpen) != bf.Counts.NowOpen {
		t.Fatalf("message counts %+v, lists %d %d, briefing %+v", m.Counts, len(m.New), len(m.NowOpen), bf.Counts)
	}
	return m
}

const token = "T0123/B4567/XXXXsecretXXXX"

// TestWebhookDelivers posts a message to a receiver that fails once with
// a 500: the message arrives after one retry, whole and parseable, with
// a Slack-compatible text beside the structured fields, and no wait was
// slept for real.
func TestWebhookDelivers(t *testing.T) {
	m := message(t)
	srv := newHookServer(t, 500, 200)
	var s sleeps
	p := &brief.Poster{Client: srv.Client(), Retry: &source.Retrier{Seed: 1, Sleep: s.sleep}, UserAgent: "orchex-test"}
	if err := p.Post(context.Background(), source.NewSecret(srv.URL+"/services/"+token+"?token=q"), m); err != nil {
		t.Fatal(err)
	}
	if len(srv.bodies) != 2 || len(s.d) != 1 || s.d[0] < 500*time.Millisecond || s.d[0] > time.Second {
		t.Fatalf("%d posts, waits %v; want 2 posts and one back-off of 0.5-1 s", len(srv.bodies), s.d)
	}
	if srv.paths[1] != "/services/"+token+"?token=q" {
		t.Errorf("posted to %q", srv.paths[1])
	}
	var got map[string]any
	if err := json.Unmarshal(srv.bodies[1], &got); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	text, _ := got["text"].(string)
	if !strings.HasPrefix(text, "orchex: scope *v4*, snapshot 2026Q4 since 2026Q3:") {
		t.Errorf("text %q", text)
	}
	for _, bad := range []string{"<script", "<!", "\u202e"} {
		if strings.Contains(text, bad) {
			t.Errorf("text holds %q: %q", bad, text)
		}
	}
	for _, k := range []string{"scope", "snapshot", "since", "counts", "new", "now_open", "contacts", "schema_version"} {
		if _, ok := got[k]; !ok {
			t.Errorf("message lacks %q", k)
		}
	}
}

// TestWebhookRetriesAndFails checks the errors: a receiver that keeps
// failing is tried five times with growing back-off, honouring a 429's
// Retry-After; a 4xx is final at once; no error holds the URL's path or
// query, even when the receiver echoes them.
func TestWebhookRetriesAndFails(t *testing.T) {
	m := message(t)
	for _, tc := range []struct {
		name      string
		statuses  []int
		posts     int
		want      string
		permanent bool
	}{
		{"5xx", []int{503}, 5, "HTTP 503 after 5 attempts", false},
		{"429", []int{429, 429, 200}, 3, "", false},
		{"404", []int{404}, 1, "HTTP 404: the webhook rejected the message", true},
		{"redirect", []int{302}, 1, "HTTP 302: the webhook rejected the message: it redirects", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newHookServer(t, tc.statuses...)
			var s sleeps
			p := &brief.Poster{Client: srv.Client(), Retry: &source.Retrier{Seed: 1, Sleep: s.sleep}}
			p.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			err := p.Post(context.Background(), source.NewSecret(srv.URL+"/services/"+token+"?key="+token), m)
			if len(srv.bodies) != tc.posts {
				t.Errorf("%d posts, want %d", len(srv.bodies), tc.posts)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(s.d) != 2 || s.d[0] != 7*time.Second {
					t.Errorf("waits %v, want Retry-After 7s honoured", s.d)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "webhook "+srv.URL+":") {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "/services") {
				t.Errorf("error shows the URL's path or query: %v", err)
			}
			var pe *brief.PostError
			if !errors.As(err, &pe) || errors.Is(err, brief.ErrRejected) != tc.permanent {
				t.Errorf("err %T %v: permanent %v", err, err, tc.permanent)
			}
			if tc.name == "5xx" && (len(s.d) != 4 || s.d[3] <= s.d[0]) {
				t.Errorf("waits %v, want 4 growing back-offs", s.d)
			}
		})
	}
}

// TestWebhookUnreachable checks a closed port: retried, then an error
// naming the host only.
func TestWebhookUnreachable(t *testing.T) {
	m := message(t)
	srv := newHookServer(t, 200)
	url := srv.URL
	srv.Close()
	var s sleeps
	p := &brief.Poster{Retry: &source.Retrier{Seed: 1, Attempts: 2, Sleep: s.sleep}}
	err := p.Post(context.Background(), source.NewSecret(url+"/services/"+token), m)
	if err == nil || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "services") || len(s.d) != 1 {
		t.Errorf("err = %v after waits %v", err, s.d)
	}
}

// TestNoMessage checks that there is nothing to send without an earlier
// snapshot.
func TestNoMessage(t *testing.T) {
	a, b := snapshots(11, 300)
	r := run(t, a, b, false, nil)
	m, ok, err := open(t, r, 2).Message()
	if ok || m != nil || err != nil {
		t.Errorf("message without since: %v %v %v", m, ok, err)
	}
}

// TestWebhookTextSeparatesVersion checks that every service line of the
// Slack text reads "PRODUCT VERSION: AUTH": the version was once glued to
// the product name ("Kubernetes API serverv1.28.15") because the space
// before it went through the text cleaner, which trims.
func TestWebhookTextSeparatesVersion(t *testing.T) {
	m := message(t)
	lines := strings.Split(m.Text, "\n")[1:]
	services := append(append([]brief.ServiceJSON{}, m.NowOpen...), m.New...)
	if len(lines) == 0 {
		t.Fatal("the text lists no service")
	}
	versions := 0
	for i, line := range lines {
		if i >= len(services) || strings.HasPrefix(line, "…") {
			break
		}
		s := services[i]
		if s.Version == "" {
			continue
		}
		versions++
		if want := " " + s.ProductName + " " + s.Version + ": "; !strings.Contains(line, want) {
			t.Errorf("line %d %q does not hold %q", i+1, line, want)
		}
	}
	if versions == 0 {
		t.Fatal("no listed service has a version: the fixture no longer tests this")
	}
}
