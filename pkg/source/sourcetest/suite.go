package sourcetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
)

// Fault is an engine-neutral failure a fake injects into one response.
type Fault string

// The faults every fake must be able to inject.
const (
	Unauthorized   Fault = "unauthorized"     // HTTP 401
	Forbidden      Fault = "forbidden"        // HTTP 403 (plan)
	BadQuery       Fault = "bad-query"        // HTTP 400/422 or the engine's bad-query answer
	RateLimit      Fault = "rate-limit"       // HTTP 429 without Retry-After
	RateLimitAfter Fault = "rate-limit-after" // HTTP 429 with Retry-After: 1
	Unavailable    Fault = "unavailable"      // HTTP 503
	Reset          Fault = "reset"            // connection reset before the response
	Truncated      Fault = "truncated"        // body cut short
	Error200       Fault = "error-with-200"   // the engine's error JSON with status 200 (rate-limit text)
)

// Config is what the suite asks of a fake.
type Config struct {
	Results int       // results matching Harness.Query
	Secret  string    // the only credential the fake accepts; the adapter is given it
	Log     io.Writer // the adapter's log output
	// Wrap, when not nil, stands in front of the fake: the adapter must
	// reach the fake's handler h through Wrap(h) (see [Serve]). The suite
	// uses it for engine-neutral attacks: answers that echo the secret,
	// redirects elsewhere.
	Wrap func(http.Handler) http.Handler
	// TLS asks for the wrapping server to speak https (see [Serve]).
	TLS bool
}

// Serve returns the base URL the adapter is to use for a fake serving h
// at url, and the HTTP client it must use (nil for its default): url
// itself, or, when cfg.Wrap is set, the URL of a server on another
// loopback port serving cfg.Wrap(h), over https with a client that trusts
// it when cfg.TLS is set, stopped with t.Cleanup.
func Serve(t *testing.T, cfg Config, h http.Handler, url string) (string, *http.Client) {
	if cfg.Wrap == nil {
		return url, nil
	}
	if cfg.TLS {
		front := httptest.NewTLSServer(cfg.Wrap(h))
		t.Cleanup(front.Close)
		c := front.Client()
		c.Timeout = 10 * time.Second
		return front.URL, c
	}
	front := httptest.NewServer(cfg.Wrap(h))
	t.Cleanup(front.Close)
	return front.URL, nil
}

// Fake is the suite's handle on an engine's fake server.
type Fake interface {
	// Inject queues faults for the next requests, one per request.
	Inject(f ...Fault)
	// Served returns how many times page (1-based) of the harness query
	// was answered with results.
	Served(page int) int
	// Credits returns the credits the fake charged.
	Credits() int
}

// Harness adapts one engine to the suite.
type Harness struct {
	// Start starts a fake holding cfg.Results results for Query and
	// returns an adapter pointed at it with cfg.Secret, logging to cfg.Log,
	// with a rate limit high enough for tests. The fake must be stopped
	// with t.Cleanup.
	Start    func(t *testing.T, cfg Config) (source.Engine, Fake)
	Query    source.Query
	PageSize int    // results per full page
	Secret   string // canary credential; must appear nowhere
	// CostPerPage is the credits each page of Query costs.
	CostPerPage int
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	if h.Secret == "" || h.PageSize <= 0 || h.Start == nil {
		t.Fatal("sourcetest: Harness needs Start, PageSize and Secret")
	}
	s := &suite{h: h}
	t.Run("PagesToEnd", s.pagesToEnd)
	t.Run("EmptyResult", s.empty)
	t.Run("MaxPages", s.maxPages)
	t.Run("MaxCredits", s.maxCredits)
	t.Run("ResumeAfterCrash", s.resume)
	t.Run("Refresh", s.refresh)
	t.Run("Errors", s.errors)
	t.Run("RetriesTransient", s.retries)
	t.Run("GivesUp", s.givesUp)
	t.Run("EchoedSecret", s.echoed)
	t.Run("RedirectElsewhere", s.redirectElsewhere)
	t.Run("RedirectSameOrigin", s.redirectSameOrigin)
	t.Run("NoSecretLeaks", s.noLeaks)
}

type suite struct {
	h Harness

	mu   sync.Mutex
	logs []*syncBuffer
	errs []error
}

// start starts a fake and remembers its log for the leak check.
func (s *suite) start(t *testing.T, results int) (source.Engine, Fake, *syncBuffer) {
	return s.startWrapped(t, results, nil)
}

// startWrapped starts a fake behind wrap (nil for none).
func (s *suite) startWrapped(t *testing.T, results int, wrap func(http.Handler) http.Handler) (source.Engine, Fake, *syncBuffer) {
	return s.startWith(t, Config{Results: results, Wrap: wrap})
}

// startWith starts a fake with cfg, the suite's secret and a log of its own.
func (s *suite) startWith(t *testing.T, cfg Config) (source.Engine, Fake, *syncBuffer) {
	log := &syncBuffer{}
	s.mu.Lock()
	s.logs = append(s.logs, log)
	s.mu.Unlock()
	cfg.Secret, cfg.Log = s.h.Secret, log
	e, f := s.h.Start(t, cfg)
	return e, f, log
}

func (s *suite) pager(e source.Engine, st *MemStore) *source.Pager {
	return &source.Pager{Engine: e, Store: st, Snapshot: st.Snapshot,
		Retry: &source.Retrier{Attempts: 4, Base: time.Millisecond, Sleep: noSleep}}
}

func (s *suite) keep(err error) {
	if err != nil {
		s.mu.Lock()
		s.errs = append(s.errs, err)
		s.mu.Unlock()
	}
}

func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func (s *suite) pages(n int) int { return (n + s.h.PageSize - 1) / s.h.PageSize }

func (s *suite) pagesToEnd(t *testing.T) {
	n := 2*s.h.PageSize + s.h.PageSize/2
	e, f, _ := s.start(t, n)
	st := NewMemStore("T1")
	res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Stopped != source.StopDone || res.Pages != 3 || res.Results != n || res.Total != n {
		t.Errorf("result = %+v, want done, 3 pages, %d results, total %d", res, n, n)
	}
	if want := 3 * s.h.CostPerPage; res.Credits != want || f.Credits() != want {
		t.Errorf("credits: pager %d, fake charged %d, want %d", res.Credits, f.Credits(), want)
	}
	raws := st.Pages(e.Name(), s.h.Query.ID)
	if len(raws) != 3 {
		t.Fatalf("stored %d pages, want 3", len(raws))
	}
	for i, r := range raws {
		if r.Page != i+1 || r.QueryID != s.h.Query.ID || r.Engine != e.Name() || len(r.Body) == 0 || r.FetchedAt.IsZero() {
			t.Errorf("raw page %d = {Page %d, QueryID %q, Engine %q, %d bytes, FetchedAt %v}", i+1, r.Page, r.QueryID, r.Engine, len(r.Body), r.FetchedAt)
		}
		if want := min(s.h.PageSize, n-i*s.h.PageSize); r.Hits != want {
			t.Errorf("page %d hits = %d, want %d", i+1, r.Hits, want)
		}
		if f.Served(i+1) != 1 {
			t.Errorf("page %d served %d times, want 1", i+1, f.Served(i+1))
		}
	}
}

func (s *suite) empty(t *testing.T) {
	e, f, _ := s.start(t, 0)
	st := NewMemStore("T0")
	res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Stopped != source.StopDone || res.Pages != 1 || res.Results != 0 || f.Served(2) != 0 {
		t.Errorf("result = %+v, want done after one empty page", res)
	}
}

func (s *suite) maxPages(t *testing.T) {
	e, f, _ := s.start(t, 5*s.h.PageSize)
	st := NewMemStore("T2")
	p := s.pager(e, st)
	p.MaxPages = 2
	res, err := p.Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Stopped != source.StopMaxPages || res.Pages != 2 || f.Served(3) != 0 {
		t.Errorf("result = %+v, page 3 served %d times; want stopped at max-pages after 2", res, f.Served(3))
	}
	// Raising the limit continues where the first run stopped.
	p.MaxPages = 4
	res, err = p.Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil || res.Resumed != 2 || res.Pages != 2 || res.Stopped != source.StopMaxPages {
		t.Errorf("second run = %+v, %v; want 2 resumed, 2 fetched, max-pages", res, err)
	}
}

func (s *suite) maxCredits(t *testing.T) {
	if s.h.CostPerPage == 0 {
		t.Skip("the harness query costs no credits")
	}
	e, f, _ := s.start(t, 5*s.h.PageSize)
	st := NewMemStore("T3")
	p := s.pager(e, st)
	budget := 2*s.h.CostPerPage + s.h.CostPerPage/2 // room for 2 pages, not 3
	p.Budget = source.NewBudget(budget)
	res, err := p.Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Stopped != source.StopMaxCredits || res.Pages != 2 || f.Credits() > budget || p.Budget.Spent() != f.Credits() {
		t.Errorf("result = %+v, fake charged %d, budget spent %d, limit %d; want stop before exceeding after 2 pages",
			res, f.Credits(), p.Budget.Spent(), budget)
	}
}

func (s *suite) resume(t *testing.T) {
	n := 4 * s.h.PageSize
	e, f, _ := s.start(t, n)
	st := NewMemStore("T4")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stored := 0
	crash := func(ctx context.Context, p *source.Page) (source.Stored, error) {
		r, err := st.Put(ctx, p)
		if stored++; stored == 2 {
			cancel() // the process dies right after page 2 was committed
		}
		return r, err
	}
	res, err := s.pager(e, st).Run(ctx, s.h.Query, crash)
	if !errors.Is(err, context.Canceled) || res.Stopped != source.StopCancelled || res.Pages != 2 {
		t.Fatalf("interrupted run = %+v, %v; want cancelled after 2 pages", res, err)
	}
	res, err = s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	if res.Resumed != 2 || res.Pages != 2 || res.Stopped != source.StopDone || res.Results+res.ResumedResults != n {
		t.Errorf("resumed run = %+v; want 2 resumed + 2 fetched, %d results", res, n)
	}
	for i := 1; i <= 4; i++ {
		if got := f.Served(i); got != 1 {
			t.Errorf("page %d served %d times across crash and resume, want 1", i, got)
		}
	}
	if want := 4 * s.h.CostPerPage; f.Credits() != want {
		t.Errorf("credits spent %d across crash and resume, want %d (pages needed × cost)", f.Credits(), want)
	}
	// A complete query costs nothing when run again.
	res, err = s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	if err != nil || res.Pages != 0 || res.Resumed != 4 || res.Stopped != source.StopDone {
		t.Errorf("third run = %+v, %v; want nothing fetched", res, err)
	}
}

func (s *suite) refresh(t *testing.T) {
	e, f, _ := s.start(t, 2*s.h.PageSize)
	st := NewMemStore("T5")
	if _, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put); err != nil {
		t.Fatal(err)
	}
	p := s.pager(e, st)
	p.Refresh = true
	res, err := p.Run(context.Background(), s.h.Query, st.Put)
	if err != nil || res.Pages != 2 || res.Resumed != 0 || f.Served(1) != 2 || f.Served(2) != 2 {
		t.Errorf("refresh run = %+v, %v, served %d/%d; want both pages fetched again", res, err, f.Served(1), f.Served(2))
	}
}

func (s *suite) errors(t *testing.T) {
	for _, tc := range []struct {
		fault Fault
		want  error
	}{
		{Unauthorized, source.ErrUnauthorized},
		{Forbidden, source.ErrForbidden},
		{BadQuery, source.ErrBadQuery},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			e, f, _ := s.start(t, 3*s.h.PageSize)
			st := NewMemStore("T6")
			f.Inject(None, tc.fault) // page 1 fine, page 2 fails
			res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
			s.keep(err)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			var he *source.HTTPError
			if !errors.As(err, &he) || he.Status == 0 {
				t.Errorf("error %v is not a *source.HTTPError with a status", err)
			}
			if !strings.Contains(err.Error(), s.h.Query.ID) || !strings.Contains(err.Error(), "page 2") {
				t.Errorf("error %q does not name the query %s and page 2", err, s.h.Query.ID)
			}
			if res.Stopped != source.StopError || res.Pages != 1 || res.Retries != 0 {
				t.Errorf("result = %+v; want error after 1 page, no retry", res)
			}
			if len(st.Pages(e.Name(), s.h.Query.ID)) != 1 {
				t.Errorf("page 1 was not kept after the error on page 2")
			}
		})
	}
}

// None is no fault; use it in Inject to let a request through.
const None Fault = ""

func (s *suite) retries(t *testing.T) {
	for _, fault := range []Fault{RateLimit, RateLimitAfter, Error200, Unavailable, Reset, Truncated} {
		t.Run(string(fault), func(t *testing.T) {
			e, f, _ := s.start(t, 2*s.h.PageSize)
			st := NewMemStore("T7")
			f.Inject(None, fault, fault)
			var waits []time.Duration
			p := s.pager(e, st)
			p.Retry.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			res, err := p.Run(context.Background(), s.h.Query, st.Put)
			s.keep(err)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			// net/http itself retries a GET once when a reused connection
			// is reset, so a reset may cost the pager one retry, not two.
			if min := 2 - boolInt(fault == Reset); res.Retries < min || res.Retries > 2 || res.Pages != 2 || res.Stopped != source.StopDone {
				t.Errorf("result = %+v; want %d-2 retries then done", res, min)
			}
			if f.Served(2) != 1 || f.Credits() != 2*s.h.CostPerPage {
				t.Errorf("page 2 served %d times, %d credits; want 1 and %d", f.Served(2), f.Credits(), 2*s.h.CostPerPage)
			}
			if fault == RateLimitAfter {
				for _, w := range waits {
					if w < time.Second {
						t.Errorf("waited %v after Retry-After: 1", w)
					}
				}
			}
		})
	}
}

func (s *suite) givesUp(t *testing.T) {
	e, f, _ := s.start(t, 2*s.h.PageSize)
	st := NewMemStore("T8")
	f.Inject(RateLimit, RateLimit, RateLimit, RateLimit, RateLimit)
	res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if !errors.Is(err, source.ErrRateLimited) || res.Stopped != source.StopError || res.Retries != 3 {
		t.Errorf("result = %+v, %v; want ErrRateLimited after 4 attempts", res, err)
	}
}

// echoed: an engine (or a proxy) that echoes the secret. In a successful
// answer it must not reach the stored raw pages; in an error body,
// placed where the adapters cut what they quote (200 and 300 bytes), not
// a fragment of it may reach an error or a log: redaction comes before
// the cut (a Shodan key cut first was printed 31 characters of 32).
func (s *suite) echoed(t *testing.T) {
	t.Run("in answers", func(t *testing.T) {
		e, _, _ := s.startWrapped(t, 2*s.h.PageSize, echoing(s.h.Secret))
		st := NewMemStore("T10")
		res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
		s.keep(err)
		if err != nil || res.Pages != 2 {
			t.Fatalf("Run: %+v, %v", res, err)
		}
		for _, raw := range st.Pages(e.Name(), s.h.Query.ID) {
			if frag := Fragment(string(raw.Body), s.h.Secret); frag != "" {
				t.Errorf("raw page %d holds %q of the echoed secret", raw.Page, frag)
			}
			if !bytes.Contains(raw.Body, []byte(`"echo":"`+source.Redacted+`"`)) {
				t.Errorf("raw page %d does not hold the echo, redacted: the test checked nothing", raw.Page)
			}
		}
	})
	text := StraddlingText(s.h.Secret)
	for _, body := range []struct{ name, ctype, body string }{
		{"in a JSON error", "application/json", `{"error": "` + text + `", "detail": "` + text + `"}`},
		{"in an HTML error", "text/html", text},
	} {
		t.Run(body.name, func(t *testing.T) {
			wrap := func(http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", body.ctype)
					w.WriteHeader(http.StatusInternalServerError)
					io.WriteString(w, body.body)
				})
			}
			e, _, log := s.startWrapped(t, s.h.PageSize, wrap)
			st := NewMemStore("T11")
			res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
			s.keep(err)
			if err == nil || res.Retries != 3 {
				t.Fatalf("Run: %+v, %v; want an error after 4 attempts", res, err)
			}
			for i, e := range Chain(err) {
				if frag := Fragment(e.Error(), s.h.Secret); frag != "" {
					t.Errorf("error %d of the chain of %q holds %q of the secret", i, err, frag)
				}
			}
			if frag := Fragment(log.String(), s.h.Secret); frag != "" {
				t.Errorf("the log holds %q of the secret", frag)
			}
		})
	}
}

// echoing returns a Wrap that adds "echo": secret to every JSON object
// the fake answers with status 200.
func echoing(secret string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			if i := bytes.IndexByte(body, '{'); rec.Code == http.StatusOK && i >= 0 {
				echo := `"echo":"` + secret + `",`
				body = append(append(append([]byte{}, body[:i+1]...), echo...), body[i+1:]...)
			}
			for k, v := range rec.Header() {
				if k != "Content-Length" {
					w.Header()[k] = v
				}
			}
			w.WriteHeader(rec.Code)
			w.Write(body)
		})
	}
}

// StraddlingText is text that holds secret twice, across byte 200 and
// across byte 300 (three quarters of it before the byte): the places
// where adapters cut an engine's message.
func StraddlingText(secret string) string {
	pad1 := max(200-3*len(secret)/4, 1)
	pad2 := max(300-3*len(secret)/4-pad1-len(secret), 1)
	return strings.Repeat("x", pad1) + secret + strings.Repeat("y", pad2) + secret + strings.Repeat("z", 50)
}

// Fragment returns the longest beginning or end of secret, 8 bytes or
// more, that s holds, or "": what a cut made before redaction leaves
// behind (a message cut at a limit keeps the secret's beginning).
func Fragment(s, secret string) string {
	for n := len(secret); n >= 8; n-- {
		for _, part := range []string{secret[:n], secret[len(secret)-n:]} {
			if strings.Contains(s, part) {
				return part
			}
		}
	}
	return ""
}

// redirectElsewhere: the engine answers with a redirect to another port of
// the same host, over http, or from https to http. The adapter must not
// follow it (the credentials would go along), must not retry, must store
// no page, and must say where it was sent, naming both URLs with the
// secret redacted; the other side must receive nothing.
func (s *suite) redirectElsewhere(t *testing.T) {
	t.Run("another port", func(t *testing.T) { s.redirectTo(t, false) })
	t.Run("https to http", func(t *testing.T) { s.redirectTo(t, true) })
}

func (s *suite) redirectTo(t *testing.T, tls bool) {
	var mu sync.Mutex
	var seen []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"matches": [], "total": 0, "result": {"hits": [], "total_hits": 0}}`)
	}))
	defer elsewhere.Close()
	var from string
	wrap := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			from = r.Host
			http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		})
	}
	e, _, _ := s.startWith(t, Config{Results: s.h.PageSize, Wrap: wrap, TLS: tls})
	st := NewMemStore("T12")
	res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if !errors.Is(err, source.ErrRedirect) || res.Retries != 0 || res.Stopped != source.StopError {
		t.Fatalf("result %+v, error %v; want ErrRedirect, no retry", res, err)
	}
	msg := err.Error()
	to := strings.TrimPrefix(elsewhere.URL, "http://")
	if !strings.Contains(msg, from) || !strings.Contains(msg, to) || strings.Contains(msg, s.h.Secret) {
		t.Errorf("error %q: want both %s and %s, and no secret", msg, from, to)
	}
	if n := len(st.Pages(e.Name(), s.h.Query.ID)); n != 0 {
		t.Errorf("%d pages stored from a redirect", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 0 {
		t.Errorf("the other port received %q", seen)
	}
}

// redirectSameOrigin: a redirect within the engine's own scheme, host and
// port is followed as before.
func (s *suite) redirectSameOrigin(t *testing.T) {
	var mu sync.Mutex
	redirected := 0
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			first := redirected == 0
			redirected++
			mu.Unlock()
			if first {
				http.Redirect(w, r, r.URL.RequestURI(), http.StatusTemporaryRedirect)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e, f, _ := s.startWrapped(t, s.h.PageSize, wrap)
	st := NewMemStore("T13")
	res, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	s.keep(err)
	if err != nil || res.Pages != 1 || res.Results != s.h.PageSize || f.Served(1) != 1 {
		t.Errorf("result %+v, %v, page 1 served %d times; want the redirect followed", res, err, f.Served(1))
	}
}

func (s *suite) noLeaks(t *testing.T) {
	// Transport errors carry the request URL: provoke one more.
	e, f, _ := s.start(t, s.h.PageSize)
	f.Inject(Reset, Reset, Reset, Reset)
	st := NewMemStore("T9")
	_, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put)
	if err == nil {
		t.Fatal("four resets did not fail")
	}
	s.keep(err)
	if _, err := s.pager(e, st).Run(context.Background(), s.h.Query, st.Put); err != nil {
		t.Fatalf("after resets: %v", err)
	}
	for _, raw := range st.Pages(e.Name(), s.h.Query.ID) {
		if bytes.Contains(raw.Body, []byte(s.h.Secret)) || strings.Contains(raw.Query+raw.Token+raw.Next, s.h.Secret) {
			t.Errorf("raw page %d holds the secret", raw.Page)
		}
	}
	// The adapter holds the secret as a source.Secret: printing the
	// adapter itself, however, shows none of it.
	var printed bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&printed, verb+"\n", e)
	}
	if js, err := json.Marshal(e); err == nil {
		printed.Write(js)
	}
	slog.New(slog.NewTextHandler(&printed, nil)).Info("engine", "adapter", e)
	if strings.Contains(printed.String(), s.h.Secret) {
		t.Errorf("printing the adapter shows the secret:\n%s", printed.String())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, err := range s.errs {
		// Every error of the chain, not just the outer message: a caller
		// may unwrap to a *url.Error and print it.
		for i, e := range Chain(err) {
			if strings.Contains(e.Error(), s.h.Secret) || strings.Contains(fmt.Sprintf("%+v %#v", e, e), s.h.Secret) {
				t.Errorf("error %d of the chain of %q (%T) leaks the secret", i, err, e)
			}
		}
	}
	for i, l := range s.logs {
		if strings.Contains(l.String(), s.h.Secret) {
			t.Errorf("log %d leaks the secret", i)
		}
	}
	if len(s.errs) == 0 {
		t.Error("no errors were collected: the leak check checked nothing")
	}
}

// Chain returns err and every error it wraps, through both Unwrap forms,
// for tests that check no error of a chain holds a secret.
func Chain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, Chain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			out = append(out, Chain(c)...)
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
