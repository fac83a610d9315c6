package source

import (
	"context"

	"github.com/orchex/orchex/pkg/model"
)

func engineOf(s string) model.Engine { return model.Engine(s) }

// Optional capabilities. An engine implements those it has; [CapsOf]
// looks them up once, so that callers never switch on a concrete client
// type. The pager uses [PageCoster], [Finisher] and [PageSizer] itself.

// PageCoster is implemented by engines that know, before fetching, how
// many credits a page will cost. The pager uses it to stop before a page
// would exceed the credit budget. Engines without it are assumed to
// charge 1 credit a page.
type PageCoster interface {
	PageCost(q Query, page int) int
}

// Finisher is implemented by engines that can tell from a stored raw page
// whether it was the query's last page (Shodan pages by number, so its
// Next is always ""). Without it, a stored page is the last when it has no
// hits or no Next cursor.
type Finisher interface {
	Done(raw *model.RawPage) bool
}

// PageSizer is implemented by engines whose full page does not hold
// [DefaultPageSize] results.
type PageSizer interface {
	PageSize() int
}

// DefaultPageSize is the results on a full page of an engine without
// [PageSizer] (Shodan's and Censys's page size).
const DefaultPageSize = 100

// Accounter is implemented by engines that can check their credentials
// and credits for free before a run (Shodan's /api-info).
type Accounter interface {
	Account(ctx context.Context) (Account, error)
}

// Account is what an engine's free account check learned.
type Account struct {
	Plan    string // the plan's name, engine text
	Credits int    // query credits left
	// Text describes the account in one line for people: "plan dev, 100
	// query credits, 0 scan credits". It holds engine text.
	Text string
	// NoSearch says why the plan cannot run searches; "" when it can.
	NoSearch string
}

// Dialecter is implemented by engines that say which catalog dialect
// their queries are written in and which API they call. Without it, the
// dialect is the engine's name and the API is not named.
type Dialecter interface {
	// Dialect is the catalog dialect: "shodan", "cenql", "censys-v2".
	Dialect() string
	// API names the API called, for a snapshot's method: "shodan-rest",
	// "v3", "v2".
	API() string
}

// Faceter is implemented by engines that count a query's results by
// field values (facets) without collecting them.
type Faceter interface {
	// DefaultFacets are the facets counted when none are named.
	DefaultFacets() []string
	// FacetStats returns q's total and the n most frequent values of
	// each facet named, in the order named. Names the engine does not
	// know are listed in FacetStats.Unsupported and cost nothing.
	FacetStats(ctx context.Context, q Query, names []string, n int) (*FacetStats, error)
}

// FacetStats is one query's facet counts.
type FacetStats struct {
	Total       int64
	Facets      []FacetCount
	Unsupported []string // names asked for that the engine does not count
	Credits     int      // what the calls cost
}

// FacetCount is the buckets of one facet, largest first as the engine
// sent them.
type FacetCount struct {
	Name    string
	Buckets []Bucket
	Other   int64 // results with values beyond the buckets, when the engine says
}

// Bucket is one facet value and its count. Value is engine text: hostile.
type Bucket struct {
	Value string
	Count int64
}

// TruncationReporter is implemented by engines that can page only part
// of a query's results (Censys serves at most 100 pages of a query). It
// reports the (sub-)queries of queryID that were cut short so far in the
// process, sorted by query text.
type TruncationReporter interface {
	Truncations(queryID string) []Truncation
}

// Truncation records a (sub-)query that had more hits than the engine
// lets a client page through: Total hits, of which at most Reachable
// could be fetched.
type Truncation struct {
	QueryID   string
	Query     string // the query text sent (a sub-query when split)
	Total     int
	Reachable int
}

// Narrower is implemented by engines whose query language can restrict
// a catalog query to a [Narrowing] (networks, ASNs, organisations,
// domains, countries) with the engine's own filters, so that a
// collection for one scope fetches, and pays for, that scope's part of
// the internet only. Narrow returns the queries that together cover
// every service of q the narrowing can match (several when the narrowing
// is too long for one query), or a [*NarrowError] when q cannot be
// narrowed safely.
type Narrower interface {
	Narrow(q Query, n Narrowing) ([]Narrowed, error)
}

// Caps are an engine's optional capabilities, looked up once. A nil
// interface means the engine lacks it.
type Caps struct {
	Engine      Engine
	Dialect     string // the catalog dialect; the engine's name by default
	API         string // "" when the engine does not say
	Account     Accounter
	Facets      Faceter
	Truncations TruncationReporter
	Narrower    Narrower
}

// CapsOf looks up e's capabilities.
func CapsOf(e Engine) Caps {
	c := Caps{Engine: e, Dialect: string(e.Name())}
	if d, ok := e.(Dialecter); ok {
		c.Dialect, c.API = d.Dialect(), d.API()
	}
	c.Account, _ = e.(Accounter)
	c.Facets, _ = e.(Faceter)
	c.Truncations, _ = e.(TruncationReporter)
	c.Narrower, _ = e.(Narrower)
	return c
}

// PageCost returns the credits page (1-based) of q costs on e: the
// engine's rule ([PageCoster]), else 1. It is the one place this rule is
// applied, by the pager and by cost estimates alike.
func PageCost(e Engine, q Query, page int) int {
	if c, ok := e.(PageCoster); ok {
		return c.PageCost(q, page)
	}
	return 1
}

// PageSize returns the results on a full page of e.
func PageSize(e Engine) int {
	if s, ok := e.(PageSizer); ok && s.PageSize() > 0 {
		return s.PageSize()
	}
	return DefaultPageSize
}

// Planner is implemented by engines whose collection of a query is not
// simply its results at the page size: Censys serves at most 100 pages of
// a query and splits a larger one into parts (more pages, and aggregate
// calls to plan them). PlanCost returns the pages and credits a collection
// of q (total results, at most maxPages pages; 0: no cap) takes, and the
// credits the estimate spent itself (planning calls).
type Planner interface {
	PlanCost(ctx context.Context, q Query, total, maxPages int) (pages, credits, spent int, err error)
}

// CountCoster is implemented by engines whose Count spends credits
// (Censys counts with an aggregate call; Shodan's count is free).
type CountCoster interface {
	CountCost() int
}

// EstimateRun is what a collection of q (total results) will fetch and
// cost on e, and what finding out spent: [Planner]'s answer, else
// [Estimate] (which spends nothing).
func EstimateRun(ctx context.Context, e Engine, q Query, total, maxPages int) (pages, credits, spent int, err error) {
	if p, ok := e.(Planner); ok {
		return p.PlanCost(ctx, q, total, maxPages)
	}
	pages, credits = Estimate(e, q, total, maxPages)
	return pages, credits, 0, nil
}

// CountCost returns what one Count costs on e: [CountCoster]'s answer,
// else 0.
func CountCost(e Engine) int {
	if c, ok := e.(CountCoster); ok {
		return c.CountCost()
	}
	return 0
}

// Estimate returns the pages a query of total results needs on e, capped
// at maxPages (0: no cap), and the credits they cost. A query with no
// results still costs its first page's request.
func Estimate(e Engine, q Query, total, maxPages int) (pages, credits int) {
	per := PageSize(e)
	pages = max(1, (total+per-1)/per)
	if maxPages > 0 && pages > maxPages {
		pages = maxPages
	}
	for i := 1; i <= pages; i++ {
		credits += PageCost(e, q, i)
	}
	return pages, credits
}

func done(e Engine, raw *model.RawPage) bool {
	if f, ok := e.(Finisher); ok {
		return f.Done(raw)
	}
	return raw.Hits == 0 || raw.Next == ""
}
