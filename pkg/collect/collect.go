package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/store"
)

// Store is what a collection needs of the store; *store.Store has it.
type Store interface {
	ingest.Sink
	source.PageStore
	Snapshot(ctx context.Context, label string) (store.Snapshot, error)
	EnsureSnapshot(ctx context.Context, label string, created time.Time, m store.Meta) (store.Snapshot, error)
	UpdateMeta(ctx context.Context, label string, fn func(*store.Meta)) error
	RemoveIfEmpty(ctx context.Context, label string) (bool, error)
}

// Config is one collection.
type Config struct {
	// Engines run concurrently, one goroutine each, their queries one
	// after the other (an engine's rate limit is the bottleneck). Their
	// names must differ.
	Engines []source.Engine
	Catalog *catalog.Catalog // the queries to run and the classifier
	Store   Store
	Tagger  ingest.Tagger // cloud provider and region; nil tags nothing
	// Feeds are the range feeds Tagger was built from. The snapshot's
	// method records them, and the tag disagreements when Tagger counts
	// them (DisagreementCount, as *cloud.Tagger does), once the engines
	// are done, also after a failure: the pages stored were tagged with
	// them.
	Feeds    []store.FeedMeta
	Snapshot string // label; created when missing
	Select   Selection
	MaxPages int // per query; 0 means no limit
	// MaxCredits is the most each engine may spend in this run; 0 means
	// no limit but the account's, when the engine can tell it.
	MaxCredits int
	Refresh    bool // fetch pages again even when the snapshot has them
	// Sleep waits between retries; nil sleeps for real. Tests inject one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now dates a new snapshot and measures progress; nil means time.Now.
	Now func() time.Time
	// Events receives progress and notices, one call at a time; nil
	// discards them.
	Events func(Event)
	// Scope, when set, narrows every catalog query to one scope's
	// networks with the engines' own filters (source.Narrower), and the
	// snapshot records it (store.NarrowingMeta): it is then not a census.
	Scope *Scope
}

// ErrNoEngine means a run was given no engine.
var ErrNoEngine = errors.New("collect: no engine to run")

// FreePlanError says an engine's account cannot search: its queries were
// not run.
type FreePlanError struct {
	Engine  model.Engine
	Account source.Account
}

func (e *FreePlanError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Engine, e.Account.Text, e.Account.NoSearch)
}

// Partial is the error of a collection that stopped early at a limit, or
// kept records that could not be decoded: what was stored is good, the
// snapshot is incomplete. Reasons say what, one line each.
type Partial struct {
	Snapshot string
	Reasons  []string
	// EngineLimit is true when only the engines' own paging limits cut
	// queries short (a Censys query past its depth that could not be
	// split further): raising orchex's limits fetches nothing more.
	EngineLimit bool
}

func (e *Partial) Error() string {
	return fmt.Sprintf("snapshot %s is incomplete: %s", e.Snapshot, strings.Join(e.Reasons, "; "))
}

// Summary is what a run did, engine by engine in Config order.
type Summary struct {
	Engines []EngineRun
}

// EngineRun is what one engine did in a run.
type EngineRun struct {
	Name    model.Engine
	Results []source.Result // one per query run
	Errs    []error         // one per failed query
	Bad     int             // records that could not be decoded
	Skipped int             // queries not run because the engine stopped
	// Truncated are the queries the engine itself would not page to
	// their end (in this run or the runs whose pages it resumed): Total
	// results, of which Reachable could be fetched.
	Truncated []source.Truncation
}

// Total adds up the run's query results: total, pages, resumed pages,
// results, new and merged services, credits.
func (r EngineRun) Total() source.Result {
	t := source.Result{Engine: r.Name}
	for _, res := range r.Results {
		t.Total += res.Total
		t.Pages += res.Pages
		t.Resumed += res.Resumed
		t.Results += res.Results
		t.NewServices += res.NewServices
		t.MergedServices += res.MergedServices
		t.Credits += res.Credits
	}
	return t
}

// Run collects every engine's queries of the selection into the snapshot,
// engines concurrently. Pages already stored are not fetched again
// (unless Refresh): running the same collection again resumes it.
//
// Every query that does not run to its end (interrupted, stopped by the
// page cap or the credit budget, failed, not run because its engine
// stopped, truncated by the engine, with records that could not be
// decoded) marks the snapshot incomplete with the reason, one mark per
// query ("query kubernetes-api/shodan/1"; store.Incomplete); a later run
// that completes the query clears its mark. A run that created the
// snapshot and stored nothing in it (a wrong key, an engine down) removes
// it again, so that no empty snapshot reads as the newest census.
//
// The Summary is filled in whatever happens. The error is ctx's when the
// run was interrupted; the failed queries' errors joined; a *[Partial]
// when a limit stopped it early; a *[SelectionError] or [ErrNoEngine]
// before anything is fetched.
func Run(ctx context.Context, cfg Config) (sum Summary, err error) {
	r, err := newRunner(cfg)
	if err != nil {
		return Summary{}, err
	}
	_, serr := cfg.Store.Snapshot(ctx, cfg.Snapshot)
	created := errors.Is(serr, store.ErrNoSnapshot)
	meta := store.Meta{CatalogVersion: cfg.Catalog.Version()}
	snap, err := cfg.Store.EnsureSnapshot(ctx, cfg.Snapshot, r.now().UTC(), meta)
	if err != nil {
		return Summary{}, err
	}
	if created {
		defer func() {
			removed, rerr := cfg.Store.RemoveIfEmpty(context.WithoutCancel(ctx), cfg.Snapshot)
			if rerr != nil && err == nil {
				err = rerr
			}
			if removed {
				r.emit(SnapshotRemoved{Snapshot: cfg.Snapshot})
			}
		}()
	}
	if v := snap.Meta.CatalogVersion; v != "" && v != cfg.Catalog.Version() {
		r.emit(CatalogChanged{Snapshot: cfg.Snapshot, Was: v, Now: cfg.Catalog.Version()})
	}
	if cfg.Scope != nil {
		if err := r.updateMeta(ctx, func(m *store.Meta) { m.AddNarrowing(cfg.Scope.meta()) }); err != nil {
			return Summary{}, err
		}
	}
	sum = Summary{Engines: make([]EngineRun, len(cfg.Engines))}
	var wg sync.WaitGroup
	for i, e := range cfg.Engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum.Engines[i] = r.engine(ctx, e, r.queries[i])
		}()
	}
	wg.Wait()
	merr := r.updateMeta(context.WithoutCancel(ctx), func(m *store.Meta) {
		for _, f := range cfg.Feeds {
			m.AddFeed(f)
		}
		if t, ok := cfg.Tagger.(interface{ DisagreementCount() int }); ok {
			m.AddDisagreements(t.DisagreementCount())
		}
	})

	var errs []error
	var partial []string
	limits := false // a reason orchex's own limits can lift
	for _, er := range sum.Engines {
		errs = append(errs, er.Errs...)
		for _, res := range er.Results {
			if res.Stopped == source.StopMaxPages || res.Stopped == source.StopMaxCredits || res.Stopped == source.StopQuota {
				partial = append(partial, fmt.Sprintf("%s %s stopped at %s", er.Name, res.QueryID, res.Stopped))
				limits = true
			}
		}
		for _, t := range er.Truncated {
			partial = append(partial, fmt.Sprintf("%s %s: the engine let only %d of %d results be fetched (%s)",
				er.Name, t.QueryID, t.Reachable, t.Total, TruncatedEngineLimit))
		}
		if er.Bad > 0 {
			partial = append(partial, fmt.Sprintf("%s: %d records could not be decoded (kept in the raw pages)", er.Name, er.Bad))
			limits = true
		}
		if er.Skipped > 0 {
			partial = append(partial, fmt.Sprintf("%s: %d queries not run", er.Name, er.Skipped))
			limits = true
		}
	}
	switch {
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case len(errs) > 0:
		return sum, errors.Join(errs...)
	case len(partial) > 0:
		return sum, &Partial{Snapshot: cfg.Snapshot, Reasons: partial, EngineLimit: !limits}
	}
	return sum, merr
}

// runner is one run's shared state.
type runner struct {
	cfg     Config
	queries [][]source.Query // per engine, narrowed when cfg.Scope is set
	base    [][]source.Query // per engine, the catalog queries
	emitMu  sync.Mutex
	metaMu  sync.Mutex // UpdateMeta is read-modify-write: one at a time
}

func newRunner(cfg Config) (*runner, error) {
	if len(cfg.Engines) == 0 {
		return nil, ErrNoEngine
	}
	r := &runner{cfg: cfg}
	for _, e := range cfg.Engines {
		qs, err := Queries(cfg.Catalog, cfg.Select, e)
		if err != nil {
			return nil, err
		}
		r.base = append(r.base, qs)
		if cfg.Scope != nil {
			if qs, err = cfg.Scope.narrow(e, qs); err != nil {
				return nil, err
			}
		}
		r.queries = append(r.queries, qs)
	}
	return r, nil
}

func (r *runner) now() time.Time {
	if r.cfg.Now != nil {
		return r.cfg.Now()
	}
	return time.Now()
}

// emit sends an event, one at a time.
func (r *runner) emit(ev Event) {
	if r.cfg.Events == nil {
		return
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.cfg.Events(ev)
}

// updateMeta changes the snapshot's metadata, one change at a time.
func (r *runner) updateMeta(ctx context.Context, fn func(*store.Meta)) error {
	r.metaMu.Lock()
	defer r.metaMu.Unlock()
	return r.cfg.Store.UpdateMeta(ctx, r.cfg.Snapshot, fn)
}

// account runs the engine's free account check, when it has one.
func (r *runner) account(ctx context.Context, c source.Caps) *source.Account {
	if c.Account == nil {
		return nil
	}
	a, err := c.Account.Account(ctx)
	if err != nil {
		r.emit(AccountFailed{Engine: c.Engine.Name(), Err: err})
		return nil
	}
	r.emit(AccountChecked{Engine: c.Engine.Name(), Account: a})
	return &a
}

// budget is the engine's credit budget for the run: the limit asked for,
// capped by the account's credits when known; nil for no limit.
func (r *runner) budget(name model.Engine, acct *source.Account) *source.Budget {
	limit := r.cfg.MaxCredits
	if acct != nil && (limit == 0 || acct.Credits < limit) {
		if limit != 0 {
			r.emit(CreditsCapped{Engine: name, Asked: limit, Left: acct.Credits})
		}
		limit = acct.Credits
		if limit <= 0 {
			r.emit(NoCredits{Engine: name})
			return source.NewBudget(0)
		}
	}
	if limit == 0 {
		return nil
	}
	return source.NewBudget(limit)
}

// engine runs one engine's queries one after the other.
func (r *runner) engine(ctx context.Context, e source.Engine, qs []source.Query) EngineRun {
	caps := source.CapsOf(e)
	name := e.Name()
	run := EngineRun{Name: name}
	acct := r.account(ctx, caps)
	if acct != nil && acct.NoSearch != "" {
		err := &FreePlanError{Engine: name, Account: *acct}
		run.Errs = append(run.Errs, err)
		run.Skipped = len(qs)
		r.emit(EngineStopped{Engine: name, Reason: StoppedFreePlan, Skipped: len(qs), Err: err})
		return run
	}
	budget := r.budget(name, acct)
	pipe := &ingest.Pipeline{Classifier: r.cfg.Catalog, Tagger: r.cfg.Tagger, Sink: r.cfg.Store, Snapshot: r.cfg.Snapshot}
	pager := &source.Pager{Engine: e, Store: r.cfg.Store, Snapshot: r.cfg.Snapshot, MaxPages: r.cfg.MaxPages,
		Refresh: r.cfg.Refresh, Budget: budget, Now: r.cfg.Now,
		Progress: func(p source.Progress) { r.emit(PageDone{p}) },
		Retry: &source.Retrier{Seed: 1, Sleep: r.cfg.Sleep, OnRetry: func(n int, d time.Duration, err error) {
			r.emit(Retry{Engine: name, Attempt: n, Wait: d, Err: err})
		}}}
	var qc counts // this run's counts for the query being collected
	handler := func(ctx context.Context, p *source.Page) (source.Stored, error) {
		for _, err := range p.Bad {
			if run.Bad < maxBadEvents {
				r.emit(BadRecord{Engine: name, Err: err})
			}
			run.Bad++
		}
		s, err := pipe.Page(ctx, &p.Raw, p.Observations)
		if err == nil {
			qc.add(s, len(p.Bad), p.Raw.FetchedAt)
		}
		return source.Stored{NewServices: s.NewServices, MergedServices: s.MergedServices}, err
	}
	// Every query is marked not finished before the first runs, so that a
	// report made while the collection runs, or after it was killed
	// (SIGKILL, a crash), is flagged: each query's end replaces its mark
	// (markQuery, markNotRun).
	err := r.updateMeta(ctx, func(m *store.Meta) {
		m.AddEngine(store.EngineMeta{Name: string(name), API: caps.API})
		for _, q := range qs {
			m.MarkIncomplete(store.Incomplete{Run: QueryRun(name, q.ID), Reasons: []string{PendingReason}, At: r.now()})
		}
	})
	if err != nil {
		run.Errs = append(run.Errs, err)
		return run
	}
	for i, q := range qs {
		qc = counts{}
		before := truncations(caps, q.ID)
		res, err := pager.Run(ctx, q, handler)
		r.emit(QueryDone{Result: res, Err: err})
		run.Results = append(run.Results, res)
		truncs := truncations(caps, q.ID)
		if !r.cfg.Refresh {
			truncs = fresh(before, truncs)
		}
		var qm store.QueryMeta
		merr := r.updateMeta(context.WithoutCancel(ctx), func(m *store.Meta) {
			qm = recordQuery(m, caps, q, res, qc, truncs, r.cfg.Refresh)
			markQuery(ctx, m, name, q, res, err, r.now())
		})
		if qm.Truncated == TruncatedEngineLimit {
			run.Truncated = append(run.Truncated, source.Truncation{QueryID: q.ID, Query: q.Text, Total: qm.EngineTotal, Reachable: qm.Reachable})
		}
		if merr != nil {
			run.Errs = append(run.Errs, merr)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			run.Errs = append(run.Errs, err)
			if reason, stops := stopsEngine(err); stops {
				run.Skipped = len(qs) - i - 1
				ev := EngineStopped{Engine: name, Reason: reason, Skipped: run.Skipped, Err: err}
				var re *source.RetryError
				if errors.As(err, &re) {
					ev.Attempts = re.Attempts
				}
				if reason != "" {
					r.emit(ev)
				}
				break
			}
		}
		if res.Stopped == source.StopMaxCredits {
			run.Skipped = len(qs) - i - 1
			r.emit(EngineStopped{Engine: name, Reason: StoppedBudget, Skipped: run.Skipped, Spent: budget.Spent(), Budget: budget.Max()})
			break
		}
	}
	if run.Skipped > 0 || (ctx.Err() != nil && len(run.Results) < len(qs)) {
		r.markNotRun(ctx, name, qs[len(run.Results):], notRunReason(ctx, run))
	}
	return run
}

// markNotRun marks the snapshot incomplete for each query of qs, which
// did not run, with why.
func (r *runner) markNotRun(ctx context.Context, engine model.Engine, qs []source.Query, why string) {
	err := r.updateMeta(context.WithoutCancel(ctx), func(m *store.Meta) {
		for _, q := range qs {
			m.MarkIncomplete(store.Incomplete{Run: QueryRun(engine, q.ID), Reasons: []string{"did not run: " + why}, At: r.now()})
		}
	})
	if err != nil {
		r.emit(MarkFailed{Engine: engine, Err: err})
	}
}

// notRunReason says why an engine's remaining queries did not run.
func notRunReason(ctx context.Context, run EngineRun) string {
	if ctx.Err() != nil {
		return "the collection was interrupted (" + context.Cause(ctx).Error() + ")"
	}
	if n := len(run.Errs); n > 0 {
		return "the engine stopped after an error (" + run.Errs[n-1].Error() + ")"
	}
	return "the credit budget was spent"
}

// PendingReason is the mark of a query that has not finished: the
// collection is running it, or was killed before it could say why it
// stopped.
const PendingReason = "not finished: the collection was still running, or was killed before it could say why it stopped; run the same collection again to complete the snapshot (pages already stored are not fetched again)"

// QueryRun names the run of one query in a snapshot's incomplete marks
// (store.Incomplete.Run): "query kubernetes-api/shodan/1 (shodan)".
func QueryRun(engine model.Engine, queryID string) string {
	return "query " + queryID + " (" + string(engine) + ")"
}

// markQuery marks the snapshot incomplete for q, with why it did not
// complete, or clears q's mark when it did (every page stored, nothing
// lost to the engine's limit or to undecodable records).
func markQuery(ctx context.Context, m *store.Meta, engine model.Engine, q source.Query, res source.Result, err error, at time.Time) {
	var reasons []string
	switch {
	case err != nil && ctx.Err() != nil:
		reasons = append(reasons, fmt.Sprintf("interrupted after %d pages (%s)", res.Pages+res.Resumed, context.Cause(ctx)))
	case err != nil:
		reasons = append(reasons, fmt.Sprintf("failed after %d pages: %v", res.Pages+res.Resumed, err))
	case res.Pages+res.Resumed == 0 && res.Stopped == source.StopMaxCredits:
		reasons = append(reasons, "stopped at the credit budget before its first page")
	case res.Stopped == source.StopMaxPages:
		reasons = append(reasons, fmt.Sprintf("stopped at the page cap after %d pages (%d of the engine's %d results fetched)", res.Pages+res.Resumed, res.Results+res.ResumedResults, res.Total))
	case res.Stopped == source.StopMaxCredits:
		reasons = append(reasons, fmt.Sprintf("stopped at the credit budget after %d pages (%d of the engine's %d results fetched)", res.Pages+res.Resumed, res.Results+res.ResumedResults, res.Total))
	case res.Stopped == source.StopQuota:
		reasons = append(reasons, fmt.Sprintf("the engine's credits ran out after %d pages", res.Pages+res.Resumed))
	case res.Stopped != source.StopDone:
		reasons = append(reasons, fmt.Sprintf("stopped (%s) after %d pages", res.Stopped, res.Pages+res.Resumed))
	}
	for _, qm := range m.Queries {
		if qm.ID != q.ID || qm.Engine != string(engine) {
			continue
		}
		if qm.EngineTotal > 0 {
			reasons = append(reasons, fmt.Sprintf("the engine let only %d of %d results be fetched", qm.Reachable, qm.EngineTotal))
		}
		if qm.Bad > 0 {
			reasons = append(reasons, fmt.Sprintf("%d records could not be decoded (kept in the raw pages)", qm.Bad))
		}
	}
	run := QueryRun(engine, q.ID)
	if len(reasons) == 0 {
		m.ClearIncomplete(run)
		return
	}
	m.MarkIncomplete(store.Incomplete{Run: run, Reasons: reasons, At: at})
}

// maxBadEvents is how many undecodable records an engine reports one by
// one.
const maxBadEvents = 5

// stopsEngine reports whether err makes every further call of the engine
// fail the same way, and why.
func stopsEngine(err error) (StopReason, bool) {
	// A query that failed after every retry (the API unreachable, or down)
	// would fail the same way for the next query: stop the engine rather
	// than spend minutes retrying each one; a rerun resumes.
	var re *source.RetryError
	switch {
	case errors.Is(err, source.ErrQuota):
		return StoppedQuota, true
	case errors.Is(err, source.ErrUnauthorized), errors.Is(err, source.ErrForbidden):
		return StoppedRefused, true
	case errors.As(err, &re):
		return StoppedGaveUp, true
	case errors.Is(err, context.Canceled),
		// The API's URL redirects elsewhere, or is plain HTTP: every query
		// would be refused the same way; the error says why.
		errors.Is(err, source.ErrRedirect), errors.Is(err, source.ErrInsecure):
		return "", true
	}
	return "", false
}

// counts are one run's counts of a query's records.
type counts struct {
	kept, skipped, bad int
	clamped            int // observations stored with their time clamped to the fetch time
	at                 time.Time
}

func (c *counts) add(s ingest.Stats, bad int, at time.Time) {
	c.kept += s.Matched
	c.skipped += s.Skipped
	c.bad += bad
	c.clamped += s.Clamped
	if at.After(c.at) {
		c.at = at
	}
}
