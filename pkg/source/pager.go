package source

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// PageStore holds the raw pages already fetched, so that a collection
// killed at any moment resumes where it stopped. *store.Store implements
// it. Both methods return (nil, nil) when no such page is stored.
type PageStore interface {
	// LastPage returns the stored page with the highest number for the
	// query in the snapshot.
	LastPage(ctx context.Context, snapshot string, engine model.Engine, queryID string) (*model.RawPage, error)
	// Page returns one stored page (1-based).
	Page(ctx context.Context, snapshot string, engine model.Engine, queryID string, page int) (*model.RawPage, error)
}

// Stored says what storing one page changed in the snapshot.
type Stored struct {
	NewServices    int
	MergedServices int
}

// Handler stores one fetched page with its observations, atomically: the
// raw page and its items are kept together or not at all (ingest.Pipeline
// Page does this). The pager calls it once per fetched page, in order.
type Handler func(ctx context.Context, p *Page) (Stored, error)

// Stop says why a query's collection ended.
type Stop string

// The reasons a query stops. StopDone is the only complete one.
const (
	StopDone       Stop = "done"        // every page fetched or already stored
	StopMaxPages   Stop = "max-pages"   // the per-query page limit was reached
	StopMaxCredits Stop = "max-credits" // the next page would exceed the run's credit budget
	StopQuota      Stop = "quota"       // the engine said the account has no credits left
	StopError      Stop = "error"       // a non-retryable error or retries exhausted
	StopCancelled  Stop = "cancelled"   // ctx was cancelled (interrupt)
)

// Result is what one query's collection did.
type Result struct {
	Engine         model.Engine
	QueryID        string
	Query          string
	Total          int // the engine's total, from the last page seen
	Pages          int // pages fetched in this run
	Results        int // hits on the pages fetched in this run
	Resumed        int // pages found already stored and not fetched again
	ResumedResults int // hits on those pages
	Credits        int // credits the fetched pages cost
	NewServices    int
	MergedServices int
	Bad            int // records on fetched pages that could not be decoded
	Retries        int
	Stopped        Stop
	Elapsed        time.Duration
}

// Complete reports whether every page of the query is stored.
func (r *Result) Complete() bool { return r.Stopped == StopDone }

// Progress is reported after every page.
type Progress struct {
	Engine  model.Engine
	QueryID string
	Page    int // last page number done
	Want    int // pages the query needs (capped by MaxPages); 0 when unknown
	Results int // hits so far, resumed pages included
	Total   int
	Credits int // credits spent on this query in this run
	Elapsed time.Duration
	Resumed bool // the page was already stored
}

// Budget is a credit budget shared by the queries of one engine in a run.
// It is safe for concurrent use. A nil *Budget is unlimited.
type Budget struct {
	mu    sync.Mutex
	max   int
	spent int
	held  int
}

// NewBudget returns a budget of exactly limit credits. A budget of 0 lets
// only pages that cost nothing through (an account with no credits left);
// a negative limit counts as 0. Use a nil *Budget for no limit.
func NewBudget(limit int) *Budget { return &Budget{max: max(limit, 0)} }

// Max returns the budget's limit.
func (b *Budget) Max() int { return b.max }

// Spent returns the credits spent so far.
func (b *Budget) Spent() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.spent
}

// Reserve holds n credits for a page about to be fetched; it returns false,
// holding nothing, when that would take spending past the limit.
func (b *Budget) Reserve(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.spent+b.held+n > b.max {
		return false
	}
	b.held += n
	return true
}

// Settle releases a reservation of n credits and records actual as spent.
func (b *Budget) Settle(n, actual int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.held -= n
	b.spent += actual
}

// Pager walks a query's pages on one engine: it skips pages already stored
// for the snapshot (unless Refresh), stops before the page limit or the
// credit budget would be exceeded, retries transient failures, and hands
// every fetched page to a [Handler]. Rate limiting is the adapter's: it
// waits on its engine's limiter before every HTTP request, retries
// included, so that all calls of one engine in the process share one rate.
type Pager struct {
	Engine   Engine
	Store    PageStore // nil: nothing is resumed
	Snapshot string
	MaxPages int      // per query; 0 means no limit
	Refresh  bool     // fetch pages again even when stored
	Budget   *Budget  // nil means unlimited
	Retry    *Retrier // nil means the zero Retrier
	Progress func(Progress)
	// Now measures elapsed time for progress; nil means time.Now.
	Now func() time.Time
}

// Run collects q. The Result is filled in whatever happens; the error is
// nil when the query stopped at its end or at a limit (see Result.Stopped),
// and wraps the cause, with the engine, query id and page, otherwise.
func (p *Pager) Run(ctx context.Context, q Query, h Handler) (Result, error) {
	now := p.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	name := p.Engine.Name()
	res := Result{Engine: name, QueryID: q.ID, Query: q.Text}
	retry := p.Retry
	if retry == nil {
		retry = &Retrier{}
	}
	perPage := 0
	want := func() int {
		if perPage == 0 || res.Total == 0 {
			return 0
		}
		n := (res.Total + perPage - 1) / perPage
		if p.MaxPages > 0 && n > p.MaxPages {
			n = p.MaxPages
		}
		return n
	}
	report := func(page int, resumed bool) {
		if p.Progress != nil {
			p.Progress(Progress{Engine: name, QueryID: q.ID, Page: page, Want: want(), Results: res.Results + res.ResumedResults,
				Total: res.Total, Credits: res.Credits, Elapsed: now().Sub(start), Resumed: resumed})
		}
	}
	finish := func(s Stop, err error) (Result, error) {
		res.Stopped = s
		res.Elapsed = now().Sub(start)
		return res, err
	}
	fail := func(page int, err error) (Result, error) {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return finish(StopCancelled, fmt.Errorf("%s: query %s page %d: %w", name, q.ID, page, err))
		}
		s := StopError
		if errors.Is(err, ErrQuota) {
			s = StopQuota
		}
		return finish(s, fmt.Errorf("%s: query %s page %d: %w", name, q.ID, page, err))
	}

	page, token := 1, ""
	if p.Store != nil && !p.Refresh {
		last, err := p.Store.LastPage(ctx, p.Snapshot, name, q.ID)
		if err != nil {
			return fail(page, fmt.Errorf("reading stored pages: %w", err))
		}
		for last != nil && page <= last.Page {
			raw, err := p.Store.Page(ctx, p.Snapshot, name, q.ID, page)
			if err != nil {
				return fail(page, fmt.Errorf("reading stored page: %w", err))
			}
			if raw == nil {
				break // a gap: fetch from here
			}
			res.Resumed++
			res.ResumedResults += raw.Hits
			res.Total = raw.Total
			perPage = max(perPage, raw.Hits)
			token = raw.Next
			report(page, true)
			if done(p.Engine, raw) {
				return finish(StopDone, nil)
			}
			page++
		}
	}

	for {
		if err := ctx.Err(); err != nil {
			return fail(page, err)
		}
		if p.MaxPages > 0 && page > p.MaxPages {
			return finish(StopMaxPages, nil)
		}
		cost := PageCost(p.Engine, q, page)
		if p.Budget != nil && !p.Budget.Reserve(cost) {
			return finish(StopMaxCredits, nil)
		}
		var pg *Page
		n, err := retry.Do(ctx, func(ctx context.Context) error {
			var err error
			pg, err = p.Engine.Fetch(ctx, q, page, token)
			return err
		})
		res.Retries += n
		if err != nil {
			if p.Budget != nil {
				p.Budget.Settle(cost, 0)
			}
			return fail(page, err)
		}
		if p.Budget != nil {
			p.Budget.Settle(cost, pg.Raw.Credits)
		}
		raw := &pg.Raw
		raw.Engine, raw.QueryID, raw.Page, raw.Token = name, q.ID, page, token
		if raw.Query == "" {
			raw.Query = q.Text
		}
		res.Credits += raw.Credits
		st, err := h(ctx, pg)
		if err != nil {
			return fail(page, fmt.Errorf("storing: %w", err))
		}
		res.Pages++
		res.Results += raw.Hits
		res.Total = raw.Total
		res.NewServices += st.NewServices
		res.MergedServices += st.MergedServices
		res.Bad += len(pg.Bad)
		perPage = max(perPage, raw.Hits)
		report(page, false)
		if pg.Last || raw.Hits == 0 {
			return finish(StopDone, nil)
		}
		token = raw.Next
		page++
	}
}
