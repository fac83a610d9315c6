package sourcetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	log := &syncBuffer{}
	s.mu.Lock()
	s.logs = append(s.logs, log)
	s.mu.Unlock()
	e, f := s.h.Start(t, Config{Results: results, Secret: s.h.Secret, Log: log})
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
