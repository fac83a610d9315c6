package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

// collectOptions are collect's parsed flags.
type collectOptions struct {
	Engine     string   // "" runs every engine with credentials
	Snapshot   string   // label; default the current quarter
	Products   []string // product ids; empty means all
	Family     string
	MaxPages   int
	MaxCredits int
	Refresh    bool
	DryRun     bool
	Ranges     string // cloud range feeds directory; "" for the cache
}

// collectEngine is one engine chosen for a run.
type collectEngine struct {
	Name   string
	Engine source.Engine
}

// account is what an engine's preflight learned about the account.
type account struct {
	Text    string // "plan dev, 100 query credits, ..."
	Credits int    // query credits left, when Known
	Known   bool
	Free    bool // a plan that cannot search
}

// preflighter is implemented by engines that can check their credentials
// for free before a run (Shodan /api-info).
type preflighter interface {
	preflight(ctx context.Context) (account, error)
}

// collectStore is what collect needs of the store; *store.Store has it.
type collectStore interface {
	ingest.Sink
	source.PageStore
	EnsureSnapshot(ctx context.Context, label string, created time.Time, m store.Meta) (store.Snapshot, error)
	UpdateMeta(ctx context.Context, label string, fn func(*store.Meta)) error
}

func collectCommand(g *globals) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "engine", Usage: "collect from `ENGINE` only (shodan or censys); default every engine with credentials, concurrently"},
		&cli.StringFlag{Name: "snapshot", Usage: "snapshot `LABEL` to collect into (default the current quarter, e.g. 2026Q4)"},
		&cli.StringFlag{Name: "products", Usage: "comma-separated product `IDS` (default all; see 'orchex queries')"},
		&cli.StringFlag{Name: "family", Usage: "only the products of `FAMILY` (kubernetes, docker, ...)"},
		&cli.IntFlag{Name: "max-pages", Usage: "at most `N` pages per query (0: no limit)"},
		&cli.IntFlag{Name: "max-credits", Usage: "spend at most `N` credits per engine in this run; stops before exceeding (0: no limit but the account's)"},
		&cli.BoolFlag{Name: "refresh", Usage: "fetch pages again even when the snapshot has them"},
		&cli.BoolFlag{Name: "dry-run", Usage: "count each query's results for free and print what a full collection would cost"},
		&cli.StringFlag{Name: "ranges", Usage: "cloud range feeds `DIR` (default: the cache written by 'orchex ranges update')"},
	}
	flags = append(flags, httpFlags()...)
	for _, s := range engineSpecs() {
		flags = append(flags, s.Flags...)
	}
	return &cli.Command{
		Name:      "collect",
		Usage:     "collect a snapshot from the Shodan and Censys APIs",
		UsageText: "orchex collect [--engine shodan|censys] [--snapshot LABEL] [--products ID,...] [--family NAME] [--max-pages N] [--max-credits N] [--refresh] [--dry-run]",
		Description: "Runs every catalog query of the chosen products on each engine, page by page, at the engine's\n" +
			"rate limit, and stores every page with its services in the snapshot. A page already stored is\n" +
			"never fetched again (unless --refresh): run the same command again to resume after an\n" +
			"interruption. --dry-run spends no credits. Keys: SHODAN_API_KEY (or --shodan-key-file, or\n" +
			"~/.config/shodan/api_key); CENSYS_PLATFORM_TOKEN and CENSYS_ORG_ID. See docs/collect.md.\n\n" +
			"Exit codes: 0 done, 1 failure, 2 usage error, 3 stopped at a limit or some records were bad.",
		Flags: flags,
		Action: func(c *cli.Context) error {
			opts, err := parseCollect(c, g)
			if err != nil {
				return err
			}
			engines, err := chooseEngines(c, g, opts.Engine)
			if err != nil {
				return err
			}
			cat, err := g.collectCatalog()
			if err != nil {
				return err
			}
			if opts.DryRun {
				return runDryRun(c.Context, g, opts, cat, engines)
			}
			tagger, feeds, err := g.tagger(opts.Ranges)
			if err != nil {
				return err
			}
			st, err := g.openStoreCreate(c.Context)
			if err != nil {
				return err
			}
			defer st.Close()
			err = runCollect(c.Context, g, opts, cat, tagger, st, engines)
			// Record the feeds and tag disagreements even after a failure:
			// the pages stored so far were tagged with them.
			merr := st.UpdateMeta(context.WithoutCancel(c.Context), opts.Snapshot, func(m *store.Meta) {
				for _, f := range feeds {
					m.AddFeed(f)
				}
				recordDisagreements(m, tagger)
			})
			if err == nil {
				err = merr
			}
			return err
		},
	}
}

// parseCollect validates the flags.
func parseCollect(c *cli.Context, g *globals) (collectOptions, error) {
	o := collectOptions{
		Engine: c.String("engine"), Snapshot: c.String("snapshot"), Family: c.String("family"),
		MaxPages: c.Int("max-pages"), MaxCredits: c.Int("max-credits"), Refresh: c.Bool("refresh"),
		DryRun: c.Bool("dry-run"), Ranges: c.String("ranges"),
	}
	if c.NArg() > 0 {
		return o, usagef("collect takes no arguments, got %q", c.Args().First())
	}
	if o.Engine != "" && !slices.ContainsFunc(engineSpecs(), func(s engineSpec) bool { return s.Name == o.Engine }) {
		return o, usagef("--engine %q: want shodan or censys", o.Engine)
	}
	if o.Snapshot == "" {
		o.Snapshot = quarterLabel(g.env.Now())
	}
	if err := store.CheckLabel(o.Snapshot); err != nil {
		return o, usagef("--snapshot: %v", err)
	}
	if o.MaxPages < 0 || o.MaxCredits < 0 {
		return o, usagef("--max-pages and --max-credits must be 0 (no limit) or positive")
	}
	for _, p := range strings.Split(c.String("products"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.Products = append(o.Products, p)
		}
	}
	return o, nil
}

// quarterLabel is the snapshot label of t's quarter: "2026Q4".
func quarterLabel(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%dQ%d", t.Year(), (int(t.Month())-1)/3+1)
}

// chooseEngines builds the adapters: the one named, which must have
// credentials, or every engine that has them.
func chooseEngines(c *cli.Context, g *globals, only string) ([]collectEngine, error) {
	var out []collectEngine
	for _, s := range engineSpecs() {
		if only != "" && s.Name != only {
			continue
		}
		e, ok, err := s.New(c, g)
		if err != nil {
			return nil, err
		}
		if !ok {
			if only != "" {
				return nil, usagef("%s: no credentials: %s", s.Name, credentialHint(s.Name))
			}
			g.logf("%s: skipped: no credentials (%s)", s.Name, credentialHint(s.Name))
			continue
		}
		out = append(out, collectEngine{Name: s.Name, Engine: e})
	}
	if len(out) == 0 {
		return nil, usagef("no engine has credentials: set SHODAN_API_KEY, or CENSYS_PLATFORM_TOKEN and CENSYS_ORG_ID")
	}
	return out, nil
}

func credentialHint(engine string) string {
	switch engine {
	case "shodan":
		return "set SHODAN_API_KEY, pass --shodan-key-file, or run 'shodan init'"
	case "censys":
		return "set CENSYS_PLATFORM_TOKEN and CENSYS_ORG_ID (or CENSYS_API_ID and CENSYS_API_SECRET with --censys-api v2)"
	}
	return "see 'orchex help collect'"
}

// collectCatalog loads the catalog from --catalog or the embedded one.
func (g *globals) collectCatalog() (*catalog.Catalog, error) {
	return g.loadCatalog()
}

// engineQueries returns the catalog queries of the selected products for
// one engine, in catalog order.
func engineQueries(cat *catalog.Catalog, opts collectOptions, e source.Engine) ([]source.Query, error) {
	selected := map[string]bool{}
	for _, id := range opts.Products {
		p, ok := cat.Product(id)
		if !ok {
			return nil, usagef("--products: unknown product %q (see 'orchex queries')", id)
		}
		selected[p.ID] = true
	}
	if opts.Family != "" {
		found := false
		for _, p := range cat.Products() {
			if p.Family == opts.Family {
				found = true
				if len(opts.Products) == 0 {
					selected[p.ID] = true
				}
			} else if len(opts.Products) > 0 {
				delete(selected, p.ID)
			}
		}
		if !found {
			return nil, usagef("--family %q: no product has it (families: %s)", opts.Family, strings.Join(cat.FamilyIDs(), ", "))
		}
	}
	all := len(opts.Products) == 0 && opts.Family == ""
	dialect := engineDialect(e)
	var out []source.Query
	for _, q := range cat.Queries() {
		if q.Engine != e.Name() || q.Dialect != dialect || !(all || selected[q.Product]) {
			continue
		}
		out = append(out, source.Query{ID: q.ID, Product: q.Product, Text: q.Text})
	}
	return out, nil
}

// engineDialect is the catalog dialect an adapter speaks.
func engineDialect(e source.Engine) string {
	switch e.(type) {
	case *censys.V2Client:
		return "censys-v2"
	}
	if e.Name() == model.Censys {
		return "cenql"
	}
	return string(e.Name())
}

// engineAPI names the API an adapter uses, for the snapshot's method.
func engineAPI(e source.Engine) string {
	switch e.(type) {
	case *censys.V2Client:
		return "v2"
	case *censys.Client:
		return "v3"
	}
	if e.Name() == model.Shodan {
		return "shodan-rest"
	}
	return ""
}

// pageSize is the results per full page of both engines.
const pageSize = 100

// runDryRun counts every query for free and prints what a full
// collection would cost.
func runDryRun(ctx context.Context, g *globals, opts collectOptions, cat *catalog.Catalog, engines []collectEngine) error {
	tw := tabwriter.NewWriter(g.env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tquery\ttotal\tpages\tcredits\t")
	var failed []error
	var notes []string
	for _, ce := range engines {
		acct := preflight(ctx, g.logf, ce)
		qs, err := engineQueries(cat, opts, ce.Engine)
		if err != nil {
			return err
		}
		var total, pages, credits int
		for _, q := range qs {
			n, err := ce.Engine.Count(ctx, q)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed = append(failed, fmt.Errorf("%s: count %s: %w", ce.Name, q.ID, err))
				fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t\n", ce.Name, sanitizeTerminal(q.ID), "error")
				if stopsEngine(err) {
					break
				}
				continue
			}
			p := (n + pageSize - 1) / pageSize
			if p == 0 {
				p = 1 // an empty query still costs its first page's request
			}
			if opts.MaxPages > 0 && p > opts.MaxPages {
				p = opts.MaxPages
			}
			c := 0
			for i := 1; i <= p; i++ {
				c += pageCostOf(ce.Engine, q, i)
			}
			total, pages, credits = total+n, pages+p, credits+c
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t\n", ce.Name, sanitizeTerminal(q.ID), n, p, c)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t\n", ce.Name, "total", total, pages, credits)
		note := ""
		if acct.Known {
			note = fmt.Sprintf("; the account has %d", acct.Credits)
		}
		if opts.MaxCredits > 0 && credits > opts.MaxCredits {
			note += fmt.Sprintf("; --max-credits %d would stop it early", opts.MaxCredits)
		}
		notes = append(notes, fmt.Sprintf("%s: a full collection would fetch %d pages for %d credits%s", ce.Name, pages, credits, note))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range notes {
		g.logf("%s", n)
	}
	if len(failed) > 0 {
		return errors.Join(failed...)
	}
	return nil
}

func pageCostOf(e source.Engine, q source.Query, page int) int {
	if c, ok := e.(source.PageCoster); ok {
		return c.PageCost(q, page)
	}
	return 1
}

// preflight runs the engine's free credentials check, when it has one,
// and shows the plan and credits with logf.
func preflight(ctx context.Context, logf func(string, ...any), ce collectEngine) account {
	pf, ok := ce.Engine.(preflighter)
	if !ok {
		return account{}
	}
	acct, err := pf.preflight(ctx)
	if err != nil {
		// The run itself will fail with the same cause where it matters
		// (free count endpoints may still work).
		logf("%s", sanitizeTerminal(err.Error()))
		return account{}
	}
	logf("%s: %s", ce.Name, sanitizeTerminal(acct.Text)) // the plan name is engine text
	return acct
}

// stopsEngine reports whether err makes every further call of the engine
// fail the same way.
func stopsEngine(err error) bool {
	// A query that failed after every retry (the API unreachable, or down)
	// would fail the same way for the next query: stop the engine rather
	// than spend minutes retrying each one; the rerun resumes.
	var re *source.RetryError
	return errors.Is(err, source.ErrUnauthorized) || errors.Is(err, source.ErrForbidden) || errors.Is(err, source.ErrQuota) ||
		errors.Is(err, context.Canceled) || errors.As(err, &re)
}

// engineRun is what one engine did in a run.
type engineRun struct {
	Name    string
	Results []source.Result
	Errs    []error // one per failed query
	Bad     int
	Skipped int // queries not run because the engine stopped
}

// runCollect collects every engine concurrently into the snapshot.
func runCollect(ctx context.Context, g *globals, opts collectOptions, cat *catalog.Catalog, tagger ingest.Tagger, st collectStore, engines []collectEngine) error {
	meta := store.Meta{CatalogVersion: cat.Version()}
	snap, err := st.EnsureSnapshot(ctx, opts.Snapshot, g.env.Now().UTC(), meta)
	if err != nil {
		return err
	}
	if snap.Meta.CatalogVersion != "" && snap.Meta.CatalogVersion != cat.Version() {
		g.logf("warning: snapshot %s was made with catalog %s, this collection uses catalog %s: the method changed within the snapshot",
			opts.Snapshot, snap.Meta.CatalogVersion, cat.Version())
	}
	pr := newProgress(g)
	runs := make([]engineRun, len(engines))
	queries := make([][]source.Query, len(engines))
	for i, ce := range engines {
		qs, err := engineQueries(cat, opts, ce.Engine)
		if err != nil {
			return err
		}
		queries[i] = qs
	}
	var metaMu sync.Mutex // UpdateMeta is read-modify-write: one at a time
	var wg sync.WaitGroup
	for i, ce := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i] = collectEngineRun(ctx, g, opts, cat, tagger, st, ce, queries[i], pr, &metaMu)
		}()
	}
	wg.Wait()
	printSummary(g.env.Stdout, runs)

	var errs []error
	var partial []string
	for _, r := range runs {
		errs = append(errs, r.Errs...)
		for _, res := range r.Results {
			if res.Stopped == source.StopMaxPages || res.Stopped == source.StopMaxCredits || res.Stopped == source.StopQuota {
				partial = append(partial, fmt.Sprintf("%s %s stopped at %s", r.Name, res.QueryID, res.Stopped))
			}
		}
		if r.Bad > 0 {
			partial = append(partial, fmt.Sprintf("%s: %d records could not be decoded (kept in the raw pages)", r.Name, r.Bad))
		}
		if r.Skipped > 0 {
			partial = append(partial, fmt.Sprintf("%s: %d queries not run", r.Name, r.Skipped))
		}
	}
	if ctx.Err() != nil {
		g.logf("collect: interrupted; run the same command again to resume (stored pages are not fetched again)")
		return ctx.Err()
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if len(partial) > 0 {
		if !g.quiet {
			for _, p := range partial {
				fmt.Fprintf(g.env.Stderr, "collect: %s\n", sanitizeTerminal(p))
			}
			fmt.Fprintf(g.env.Stderr, "collect: snapshot %s is incomplete; raise the limits and run the same command again to continue\n", opts.Snapshot)
		}
		return partialError{msg: "collection stopped early"}
	}
	return nil
}

// collectEngineRun runs one engine's queries one after the other (the
// engine's rate limit is the bottleneck).
func collectEngineRun(ctx context.Context, g *globals, opts collectOptions, cat *catalog.Catalog, tagger ingest.Tagger,
	st collectStore, ce collectEngine, qs []source.Query, pr *progress, metaMu *sync.Mutex) engineRun {
	run := engineRun{Name: ce.Name}
	acct := preflight(ctx, pr.logf, ce)
	if acct.Free {
		run.Errs = append(run.Errs, fmt.Errorf("%s: %s: free keys cannot search since 2023; a Membership or better is needed (--dry-run and 'orchex stats' still work)", ce.Name, acct.Text))
		run.Skipped = len(qs)
		return run
	}
	max := opts.MaxCredits
	if acct.Known && (max == 0 || acct.Credits < max) {
		if max != 0 {
			pr.logf("%s: --max-credits %d is more than the %d credits left; stopping at %d", ce.Name, max, acct.Credits, acct.Credits)
		}
		max = acct.Credits
	}
	budget := source.NewBudget(max)
	if acct.Known && acct.Credits == 0 {
		pr.logf("%s: no query credits left: only free pages can be fetched", ce.Name)
		budget = zeroBudget()
	}
	pipe := &ingest.Pipeline{Classifier: cat, Tagger: tagger, Sink: st, Snapshot: opts.Snapshot}
	pager := &source.Pager{Engine: ce.Engine, Store: st, Snapshot: opts.Snapshot, MaxPages: opts.MaxPages,
		Refresh: opts.Refresh, Budget: budget, Progress: pr.update,
		Retry: &source.Retrier{Seed: 1, OnRetry: func(n int, d time.Duration, err error) {
			pr.logf("%s: retry %d in %v: %s", ce.Name, n, d.Round(time.Millisecond), sanitizeTerminal(err.Error()))
		}}}
	bad := 0
	var qc queryCounts // this run's counts for the query being collected
	handler := func(ctx context.Context, p *source.Page) (source.Stored, error) {
		for _, e := range p.Bad {
			if bad < 5 {
				pr.logf("%s: bad record: %s", ce.Name, sanitizeTerminal(e.Error()))
			}
			bad++
		}
		s, err := pipe.Page(ctx, &p.Raw, p.Observations)
		if err == nil {
			qc.kept += s.Matched
			qc.skipped += s.Skipped
			qc.bad += len(p.Bad)
			if p.Raw.FetchedAt.After(qc.at) {
				qc.at = p.Raw.FetchedAt
			}
		}
		return source.Stored{NewServices: s.NewServices, MergedServices: s.MergedServices}, err
	}
	metaMu.Lock()
	err := st.UpdateMeta(ctx, opts.Snapshot, func(m *store.Meta) {
		m.AddEngine(store.EngineMeta{Name: ce.Name, API: engineAPI(ce.Engine)})
	})
	metaMu.Unlock()
	if err != nil {
		run.Errs = append(run.Errs, err)
		return run
	}
	for i, q := range qs {
		qc = queryCounts{}
		res, err := pager.Run(ctx, q, handler)
		pr.finish(res, err)
		run.Results = append(run.Results, res)
		metaMu.Lock()
		merr := st.UpdateMeta(context.WithoutCancel(ctx), opts.Snapshot, func(m *store.Meta) {
			recordQuery(m, ce, q, res, qc, opts.Refresh)
		})
		metaMu.Unlock()
		if merr != nil {
			run.Errs = append(run.Errs, merr)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			run.Errs = append(run.Errs, err)
			if stopsEngine(err) {
				run.Skipped = len(qs) - i - 1
				var re *source.RetryError
				switch {
				case errors.Is(err, source.ErrQuota):
					pr.logf("%s: no credits left; what was fetched is stored: run the same command when credits renew to resume", ce.Name)
				case errors.As(err, &re):
					pr.logf("%s: stopped after a query failed %d times; what was fetched is stored: check the connection or the engine's status and run the same command to resume", ce.Name, re.Attempts)
				}
				break
			}
		}
		if res.Stopped == source.StopMaxCredits {
			run.Skipped = len(qs) - i - 1
			pr.logf("%s: stopped before exceeding the credit budget (%d spent of %d); raise --max-credits and run again to continue", ce.Name, budget.Spent(), max)
			break
		}
	}
	run.Bad = bad
	return run
}

// zeroBudget is a budget that allows only pages that cost nothing.
func zeroBudget() *source.Budget {
	b := source.NewBudget(1)
	b.Reserve(1) // hold the only credit forever
	return b
}

// recordQuery writes one query's outcome into the snapshot metadata.
// queryCounts are one run's counts of a query's records.
type queryCounts struct {
	kept, skipped, bad int
	at                 time.Time
}

func recordQuery(m *store.Meta, ce collectEngine, q source.Query, res source.Result, qc queryCounts, refresh bool) {
	qm := store.QueryMeta{ID: q.ID, Engine: ce.Name, Text: q.Text, Total: res.Total,
		Pages: res.Pages + res.Resumed, Fetched: res.Results + res.ResumedResults,
		Kept: qc.kept, Skipped: qc.skipped, Bad: qc.bad, At: qc.at}
	if !refresh {
		// Pages stored by an earlier run were counted then.
		for _, old := range m.Queries {
			if old.ID == q.ID && old.Engine == ce.Name {
				qm.Kept += old.Kept
				qm.Skipped += old.Skipped
				qm.Bad += old.Bad
				if old.At.After(qm.At) {
					qm.At = old.At
				}
			}
		}
	}
	if res.Stopped != source.StopDone {
		qm.Truncated = string(res.Stopped)
	}
	if tr, ok := ce.Engine.(interface{ Truncations() []censys.Truncation }); ok {
		for _, t := range tr.Truncations() {
			if t.QueryID != q.ID {
				continue
			}
			if qm.Truncated == "" {
				qm.Truncated = "engine-limit"
			}
			note := fmt.Sprintf("%s %s: %q has %d results, the API pages only %d", ce.Name, q.ID, t.Query, t.Total, t.Reachable)
			if !slices.Contains(m.Notes, note) {
				m.Notes = append(m.Notes, note)
			}
		}
	}
	m.SetQuery(qm)
}

// printSummary prints one line per query and a total per engine.
func printSummary(w io.Writer, runs []engineRun) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tquery\ttotal\tpages\tstored\tresults\tnew\tmerged\tcredits\tstatus\t")
	for _, r := range runs {
		var t source.Result
		for _, res := range r.Results {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", r.Name, sanitizeTerminal(res.QueryID), res.Total,
				res.Pages, res.Resumed, res.Results, res.NewServices, res.MergedServices, res.Credits, res.Stopped)
			t.Total += res.Total
			t.Pages += res.Pages
			t.Resumed += res.Resumed
			t.Results += res.Results
			t.NewServices += res.NewServices
			t.MergedServices += res.MergedServices
			t.Credits += res.Credits
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", r.Name, "total", t.Total, t.Pages, t.Resumed, t.Results,
			t.NewServices, t.MergedServices, t.Credits, "")
	}
	tw.Flush()
}
