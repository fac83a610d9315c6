package collect

import (
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// Event is something a run reports while it works: progress, retries,
// notices. The caller decides how to show it. Events carry engine text
// (query ids, plan names, error messages): escape it for the terminal.
type Event interface{ event() }

// AccountChecked is an engine's account, checked for free before its
// queries run.
type AccountChecked struct {
	Engine  model.Engine
	Account source.Account
}

// AccountFailed says an engine's free account check failed. The run goes
// on: the searches fail the same way where it matters.
type AccountFailed struct {
	Engine model.Engine
	Err    error
}

// CreditsCapped says the credit limit asked for is more than the account
// has left: the run stops at Left.
type CreditsCapped struct {
	Engine      model.Engine
	Asked, Left int
}

// NoCredits says the account has no query credits left: only pages that
// cost nothing are fetched.
type NoCredits struct{ Engine model.Engine }

// CatalogChanged says the snapshot was begun with another catalog
// version: the method changed within the snapshot.
type CatalogChanged struct {
	Snapshot string
	Was, Now string // catalog versions
}

// Retry is one retry of a page fetch, before its wait.
type Retry struct {
	Engine  model.Engine
	Attempt int
	Wait    time.Duration
	Err     error
}

// PageDone is reported after every page, fetched or found stored.
type PageDone struct{ source.Progress }

// BadRecord is a record that could not be decoded (kept in its raw page).
// Only the first few of an engine are reported; [EngineRun.Bad] counts
// them all.
type BadRecord struct {
	Engine model.Engine
	Err    error
}

// QueryDone is reported when a query's collection ends, with the pager's
// error (nil when it ran to its end or stopped at a limit).
type QueryDone struct {
	Result source.Result
	Err    error
}

// EngineStopped says an engine stopped before its last query.
type EngineStopped struct {
	Engine  model.Engine
	Reason  StopReason
	Skipped int   // queries not run
	Err     error // the error that stopped it; nil for StoppedBudget
	// Spent and Budget are the credits spent and the run's limit, for
	// StoppedBudget.
	Spent, Budget int
	// Attempts is how many times the query was tried, for StoppedGaveUp.
	Attempts int
}

// StopReason says why an engine stopped early.
type StopReason string

// The reasons an engine stops early.
const (
	StoppedBudget   StopReason = "budget"    // the next page would exceed the credit limit
	StoppedQuota    StopReason = "quota"     // the engine said the credits are spent
	StoppedGaveUp   StopReason = "gave-up"   // a query failed after every retry (unreachable, down)
	StoppedRefused  StopReason = "refused"   // the credentials were rejected, or the plan may not search
	StoppedFreePlan StopReason = "free-plan" // the account check found a plan that cannot search
)

// FacetSkipped says an engine does not count a facet that was asked for.
type FacetSkipped struct {
	Engine model.Engine
	Facet  string
	Known  []string // the engine's default facets
}

// SnapshotRemoved says the run created the snapshot and stored nothing in
// it (a wrong key, an engine down), so it was removed again: no empty
// snapshot reads as the newest census.
type SnapshotRemoved struct{ Snapshot string }

// MarkFailed says the snapshot could not be marked incomplete after an
// engine stopped; its reports may then read as complete.
type MarkFailed struct {
	Engine model.Engine
	Err    error
}

func (AccountChecked) event()  {}
func (SnapshotRemoved) event() {}
func (MarkFailed) event()      {}
func (AccountFailed) event()   {}
func (CreditsCapped) event()   {}
func (NoCredits) event()       {}
func (CatalogChanged) event()  {}
func (Retry) event()           {}
func (PageDone) event()        {}
func (BadRecord) event()       {}
func (QueryDone) event()       {}
func (EngineStopped) event()   {}
func (FacetSkipped) event()    {}
