package source_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/sourcetest"
)

func TestRedact(t *testing.T) {
	const key = "s3cr3t/k+y"
	for _, tc := range []struct{ in, want string }{
		{"GET https://api.shodan.io/x?key=s3cr3t%2Fk%2By&q=1", "GET https://api.shodan.io/x?key=REDACTED&q=1"},
		{"raw s3cr3t/k+y here", "raw REDACTED here"},
		{"path s3cr3t%2Fk+y", "path REDACTED"},
		{"nothing", "nothing"},
	} {
		if got := source.Redact(tc.in, source.NewSecret(key), source.Secret{}); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := source.RedactURL("https://u:pw@h/p?key=abc&token=def&q=x"); strings.Contains(got, "abc") || strings.Contains(got, "def") || strings.Contains(got, "pw") {
		t.Errorf("RedactURL left a secret: %s", got)
	}
}

func TestRedactURLError(t *testing.T) {
	const key = "CANARY123"
	inner := &url.Error{Op: "Get", URL: "https://api.shodan.io/api-info?key=" + key, Err: syscall.ECONNRESET}
	wrapped := fmt.Errorf("calling: %w", inner)
	for _, err := range []error{inner, wrapped} {
		red := source.RedactError(err, source.NewSecret(key))
		if strings.Contains(red.Error(), key) || !strings.Contains(red.Error(), "key=REDACTED") {
			t.Errorf("RedactError(%v) = %v", err, red)
		}
		if !errors.Is(red, syscall.ECONNRESET) || !source.IsReset(red) {
			t.Errorf("RedactError lost the cause: %v", red)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Fri, 27 Nov 2026 12:00:10 GMT": 10 * time.Second,
		"Fri, 27 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := source.ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestStatusErr(t *testing.T) {
	for status, want := range map[int]error{401: source.ErrUnauthorized, 402: source.ErrQuota, 403: source.ErrForbidden,
		404: source.ErrNotFound, 400: source.ErrBadQuery, 422: source.ErrBadQuery, 429: source.ErrRateLimited,
		500: source.ErrTransient, 502: source.ErrTransient, 503: source.ErrTransient, 200: nil} {
		if got := source.StatusErr(status); got != want {
			t.Errorf("StatusErr(%d) = %v, want %v", status, got, want)
		}
	}
}

func TestRetrierBackoff(t *testing.T) {
	r := &source.Retrier{Base: time.Second, Max: 8 * time.Second, Seed: 42}
	for n, hi := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 8 * time.Second} {
		d := r.Delay(n, nil)
		if d < hi/2 || d > hi {
			t.Errorf("Delay(%d) = %v, want in [%v, %v]", n, d, hi/2, hi)
		}
	}
	// Same seed, same delays.
	a, b := &source.Retrier{Seed: 7}, &source.Retrier{Seed: 7}
	for n := 1; n < 6; n++ {
		if x, y := a.Delay(n, nil), b.Delay(n, nil); x != y {
			t.Fatalf("seeded delays differ at %d: %v vs %v", n, x, y)
		}
	}
	// Retry-After wins when longer.
	he := &source.HTTPError{Engine: "x", Status: 429, Err: source.ErrRateLimited, RetryAfter: 30 * time.Second}
	if d := r.Delay(1, he); d != 30*time.Second {
		t.Errorf("Delay with Retry-After 30s = %v", d)
	}
}

func TestRetrierDo(t *testing.T) {
	var waits []time.Duration
	r := &source.Retrier{Attempts: 3, Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	calls := 0
	retries, err := r.Do(context.Background(), func(context.Context) error {
		calls++
		return &source.HTTPError{Engine: "x", Status: 503, Err: source.ErrTransient}
	})
	var re *source.RetryError
	if calls != 3 || retries != 2 || len(waits) != 2 || !errors.As(err, &re) || !errors.Is(err, source.ErrTransient) {
		t.Errorf("calls %d, retries %d, waits %v, err %v", calls, retries, waits, err)
	}
	calls = 0
	_, err = r.Do(context.Background(), func(context.Context) error {
		calls++
		return &source.HTTPError{Engine: "x", Status: 401, Err: source.ErrUnauthorized}
	})
	if calls != 1 || !errors.Is(err, source.ErrUnauthorized) {
		t.Errorf("non-retryable: calls %d, err %v", calls, err)
	}
}

// numbered is an in-memory engine paging by number, for pager unit tests.
type numbered struct {
	total, per int
	fetched    map[int]int
	fail       map[int]error
}

func (e *numbered) Name() model.Engine { return "test" }
func (e *numbered) Count(context.Context, source.Query) (int, error) {
	return e.total, nil
}
func (e *numbered) Done(raw *model.RawPage) bool { return raw.Hits == 0 || raw.Page*e.per >= raw.Total }
func (e *numbered) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	if err := e.fail[page]; err != nil {
		delete(e.fail, page)
		return nil, err
	}
	e.fetched[page]++
	hits := max(0, min(e.per, e.total-(page-1)*e.per))
	return &source.Page{Raw: model.RawPage{Total: e.total, Hits: hits, Credits: 2, Body: []byte("{}")},
		Last: hits == 0 || page*e.per >= e.total}, nil
}

func TestPagerBudgetStopsBefore(t *testing.T) {
	e := &numbered{total: 1000, per: 100, fetched: map[int]int{}}
	st := sourcetest.NewMemStore("S")
	b := source.NewBudget(5) // pages cost 1 by default (no PageCoster), but the engine charges 2
	p := &source.Pager{Engine: e, Store: st, Snapshot: "S", Budget: b}
	res, err := p.Run(context.Background(), source.Query{ID: "q"}, st.Put)
	if err != nil {
		t.Fatal(err)
	}
	// Reservations of 1 each: after 2 pages 4 are spent, the third
	// reservation fits (5), the fourth would not.
	if res.Stopped != source.StopMaxCredits || res.Pages != 3 || b.Spent() != 6 {
		t.Errorf("result %+v, spent %d", res, b.Spent())
	}
}

func TestPagerProgressAndResumeGap(t *testing.T) {
	e := &numbered{total: 450, per: 100, fetched: map[int]int{}}
	st := sourcetest.NewMemStore("S")
	var seen []source.Progress
	p := &source.Pager{Engine: e, Store: st, Snapshot: "S", Progress: func(pr source.Progress) { seen = append(seen, pr) }}
	if _, err := p.Run(context.Background(), source.Query{ID: "q"}, st.Put); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5 || seen[4].Want != 5 || seen[4].Results != 450 || seen[4].Page != 5 {
		t.Errorf("progress = %+v", seen)
	}
	// An error on page 2 of another query keeps page 1 and names the page.
	e2 := &numbered{total: 450, per: 100, fetched: map[int]int{}, fail: map[int]error{2: &source.HTTPError{Engine: "test", Status: 400, Err: source.ErrBadQuery}}}
	p2 := &source.Pager{Engine: e2, Store: st, Snapshot: "S"}
	res, err := p2.Run(context.Background(), source.Query{ID: "r"}, st.Put)
	if !errors.Is(err, source.ErrBadQuery) || !strings.Contains(err.Error(), "query r page 2") || res.Pages != 1 {
		t.Fatalf("err %v, res %+v", err, res)
	}
	res, err = p2.Run(context.Background(), source.Query{ID: "r"}, st.Put)
	if err != nil || res.Resumed != 1 || res.Pages != 4 || e2.fetched[1] != 1 {
		t.Errorf("rerun: %+v, %v, page 1 fetched %d times", res, err, e2.fetched[1])
	}
}

func TestDoBodyLimit(t *testing.T) {
	srv := newBodyServer(t, 2048)
	req, _ := http.NewRequest(http.MethodGet, srv+"/?key=CANARY", nil)
	_, _, err := source.Do(context.Background(), source.Request{Engine: "test", Op: "get", MaxBody: 1024, Secrets: []source.Secret{source.NewSecret("CANARY")}}, req)
	if !errors.Is(err, source.ErrTooLarge) || source.Retryable(err) {
		t.Errorf("err = %v; want ErrTooLarge, not retryable", err)
	}
	req, _ = http.NewRequest(http.MethodGet, srv+"/?key=CANARY", nil)
	_, body, err := source.Do(context.Background(), source.Request{Engine: "test", Op: "get", MaxBody: 2048}, req)
	if err != nil || len(body) != 2048 {
		t.Errorf("exactly the limit: %d bytes, %v", len(body), err)
	}
}
