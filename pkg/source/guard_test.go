package source_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/orchex/orchex/pkg/source"
)

// recorder is a server that logs the requests it receives: the place a
// hostile redirect points to.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // method, URI and Authorization of each request
}

func newRecorder(t *testing.T, tls bool) *recorder {
	rec := &recorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		rec.mu.Unlock()
		w.Write([]byte(`{"matches": [], "total": 0}`))
	})
	if tls {
		rec.Server = httptest.NewTLSServer(h)
	} else {
		rec.Server = httptest.NewServer(h)
	}
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// redirector answers every request with a 307 to target plus the path.
func redirector(t *testing.T, tls bool, target func() string) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target()+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv
}

const guardKey = "CANARY-guard-key-0123456789abcdef"

func guardedGet(t *testing.T, client *http.Client, url string) error {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/search?key="+guardKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+guardKey)
	_, _, err = source.Do(context.Background(), source.Request{Engine: "test", Op: "search", Client: client,
		Secrets: []source.Secret{source.NewSecret(guardKey)}}, req)
	return err
}

// TestDoRefusesCrossOriginRedirects: a redirect to another port of the
// same host, or from https to http, is not followed (net/http strips the
// Authorization header only when the host name changes, so the token went
// along), the error names both URLs with the key redacted and is not
// retried, and the place redirected to receives nothing. A redirect
// within the same origin is still followed.
func TestDoRefusesCrossOriginRedirects(t *testing.T) {
	t.Run("another port", func(t *testing.T) {
		elsewhere := newRecorder(t, false)
		from := redirector(t, false, func() string { return elsewhere.URL })
		err := guardedGet(t, nil, from.URL)
		checkRefused(t, err, from.URL, elsewhere.URL)
		if got := elsewhere.requests(); len(got) != 0 {
			t.Errorf("the redirect target received %q", got)
		}
	})
	t.Run("https to http", func(t *testing.T) {
		elsewhere := newRecorder(t, false)
		from := redirector(t, true, func() string { return elsewhere.URL })
		err := guardedGet(t, from.Client(), from.URL)
		checkRefused(t, err, from.URL, elsewhere.URL)
		if got := elsewhere.requests(); len(got) != 0 {
			t.Errorf("the redirect target received %q", got)
		}
	})
	t.Run("same origin", func(t *testing.T) {
		var srv *httptest.Server
		mux := http.NewServeMux()
		mux.HandleFunc("/search", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, srv.URL+"/moved?"+r.URL.RawQuery, http.StatusFound)
		})
		mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
		srv = httptest.NewServer(mux)
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/search?key="+guardKey, nil)
		_, body, err := source.Do(context.Background(), source.Request{Engine: "test", Op: "search",
			Secrets: []source.Secret{source.NewSecret(guardKey)}}, req)
		if err != nil || string(body) != "ok" {
			t.Errorf("same-origin redirect: %q, %v", body, err)
		}
	})
}

func checkRefused(t *testing.T, err error, from, to string) {
	t.Helper()
	if !errors.Is(err, source.ErrRedirect) || source.Retryable(err) {
		t.Fatalf("error %v; want ErrRedirect, not retryable", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, from) || !strings.Contains(msg, to) || strings.Contains(msg, guardKey) || !strings.Contains(msg, "key=REDACTED") {
		t.Errorf("error %q: want both URLs, the key redacted", msg)
	}
}

// failTransport fails the test if a request reaches the network.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("request sent to %s", r.URL.Host)
	return nil, errors.New("no network")
}

// TestDoRefusesCredentialsOverPlainHTTP: a request with credentials over
// plain HTTP is sent only to a loopback address.
func TestDoRefusesCredentialsOverPlainHTTP(t *testing.T) {
	client := &http.Client{Transport: failTransport{t}}
	for _, host := range []string{"http://192.0.2.10", "http://api.shodan.io", "http://[2001:db8::1]:8080"} {
		err := guardedGet(t, client, host)
		if !errors.Is(err, source.ErrInsecure) || source.Retryable(err) || strings.Contains(err.Error(), guardKey) {
			t.Errorf("%s: error %v; want ErrInsecure, not retryable, key redacted", host, err)
		}
	}
	// Without credentials plain HTTP is no concern of Do's.
	req, _ := http.NewRequest(http.MethodGet, "http://192.0.2.10/x", nil)
	if _, _, err := source.Do(context.Background(), source.Request{Engine: "test", Op: "get", Client: &http.Client{Transport: okTransport{}}}, req); err != nil {
		t.Errorf("no credentials: %v", err)
	}
	for _, h := range []string{"127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST"} {
		if !source.Loopback(h) {
			t.Errorf("Loopback(%q) = false", h)
		}
	}
	for _, h := range []string{"192.0.2.1", "localhost.example", "", "::ffff:10.0.0.1"} {
		if source.Loopback(h) {
			t.Errorf("Loopback(%q) = true", h)
		}
	}
}

type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r, Header: http.Header{}}, nil
}

// TestDoRedactsEchoedSecrets: a body that echoes a secret, in any of the
// forms it can take, comes back with it redacted, so that neither an
// error quoting the body nor a stored raw page holds it.
func TestDoRedactsEchoedSecrets(t *testing.T) {
	const sec = "tok/en+with<odd>&chars"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"raw":"` + sec + `","json":"tok\/en+with\u003codd\u003e\u0026chars","query":"tok%2Fen%2Bwith%3Codd%3E%26chars"}`))
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	_, body, err := source.Do(context.Background(), source.Request{Engine: "test", Op: "get",
		Secrets: []source.Secret{source.NewSecret(sec)}}, req)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"raw":"REDACTED","json":"REDACTED","query":"REDACTED"}`; string(body) != want {
		t.Errorf("body %s, want %s", body, want)
	}
}
