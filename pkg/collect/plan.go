package collect

import (
	"context"
	"errors"
	"fmt"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// Plan is what a full collection would fetch and cost, engine by engine
// in Config order.
type Plan struct {
	Engines []EnginePlan
}

// EnginePlan is one engine's part of a [Plan].
type EnginePlan struct {
	Name    model.Engine
	Account *source.Account // nil when the engine cannot tell, or the check failed
	Queries []QueryPlan
	// Total, Pages and Credits add up the queries that could be counted.
	Total, Pages, Credits int
	// Uncounted is how many selected queries they leave out: counts that
	// failed, and the queries not tried after an error that would fail
	// every count.
	Uncounted int
	// Spent is what the dry run itself cost on the engine: Censys counts
	// are aggregate calls, and a query over its 100-page cap is planned
	// with more of them; Shodan's counts are free.
	Spent int
	// Full is, for a collection narrowed to a scope (Config.Scope), the
	// plan of the catalog queries without the narrowing: what the
	// narrowing saves is Full.Credits - Credits. Nil without a scope.
	Full *EnginePlan
}

// QueryPlan is one query's count and what collecting it would cost.
type QueryPlan struct {
	Query                 source.Query
	Total, Pages, Credits int
	Err                   error // the count failed
}

// DryRun counts every selected query, spending no credits where the
// engine's API allows it (Censys counts with a paid aggregate call, and
// plans the split of a query over its page cap as the collection will),
// and says what a collection with cfg's page limit would fetch and cost,
// and what the dry run spent (EnginePlan.Spent). It
// reads cfg's Engines, Catalog, Select, MaxPages, Events. A count that
// fails is kept in the plan with its error and in the joined error
// returned; an error that would fail every count (credentials, plan,
// retries exhausted) ends the engine's plan there.
func DryRun(ctx context.Context, cfg Config) (Plan, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return Plan{}, err
	}
	var plan Plan
	var failed []error
	for i, e := range cfg.Engines {
		ep := EnginePlan{Name: e.Name(), Account: r.account(ctx, source.CapsOf(e))}
		stopped, err := count(ctx, e, r.queries[i], cfg.MaxPages, &ep, &failed)
		if err != nil {
			return plan, err
		}
		if cfg.Scope != nil && !stopped {
			full := &EnginePlan{Name: e.Name()}
			if _, err := count(ctx, e, r.base[i], cfg.MaxPages, full, &failed); err != nil {
				return plan, err
			}
			ep.Full = full
			ep.Spent += full.Spent // the dry run counted both
		}
		plan.Engines = append(plan.Engines, ep)
	}
	return plan, errors.Join(failed...)
}

// count counts qs on e into ep, appending failures to failed. It
// reports whether an error stopped the engine, and returns ctx's error
// when the run was interrupted.
func count(ctx context.Context, e source.Engine, qs []source.Query, maxPages int, ep *EnginePlan, failed *[]error) (bool, error) {
	for i, q := range qs {
		n, err := e.Count(ctx, q)
		var p, c, spent int
		if err == nil {
			ep.Spent += source.CountCost(e)
			p, c, spent, err = source.EstimateRun(ctx, e, q, n, maxPages)
			ep.Spent += spent
		}
		if err != nil {
			if ctx.Err() != nil {
				return true, ctx.Err()
			}
			err = fmt.Errorf("%s: count %s: %w", e.Name(), q.ID, err)
			*failed = append(*failed, err)
			ep.Queries = append(ep.Queries, QueryPlan{Query: q, Err: err})
			ep.Uncounted++
			if _, stops := stopsEngine(err); stops {
				ep.Uncounted += len(qs) - i - 1
				return true, nil
			}
			continue
		}
		ep.Queries = append(ep.Queries, QueryPlan{Query: q, Total: n, Pages: p, Credits: c})
		ep.Total, ep.Pages, ep.Credits = ep.Total+n, ep.Pages+p, ep.Credits+c
	}
	return false, nil
}
