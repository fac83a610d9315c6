package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/progress"
	"github.com/orchex/orchex/internal/suggest"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/store"
	"github.com/urfave/cli/v2"
)

func collectCommand(g *globals) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "engine", Usage: "collect from `ENGINE` only (shodan or censys); default every engine with credentials, concurrently"},
		&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL` to collect into", DefaultText: "the current quarter, e.g. 2026Q4"},
		&cli.StringFlag{Name: "products", Usage: "comma-separated product `IDS` (default all; see 'orchex queries')"},
		&cli.StringFlag{Name: "family", Usage: "only the products of `FAMILY` (kubernetes, docker, ...)"},
		&cli.IntFlag{Name: "max-pages", Usage: "at most `N` pages per query (0: no limit)"},
		&cli.IntFlag{Name: "max-credits", Usage: "spend at most `N` credits per engine in this run; stops before exceeding (0: no limit but the account's)"},
		&cli.BoolFlag{Name: "refresh", Usage: "fetch pages again even when the snapshot has them"},
		&cli.BoolFlag{Name: "dry-run", Usage: "count each query's results and print the pages and credits a full collection would take; Shodan's counts are free, each Censys count is an aggregate call that costs a credit (a query over Censys's 100-page cap takes more, to plan its split)"},
		&cli.StringFlag{Name: "ranges", Usage: "cloud range feeds `DIR` (default: the cache written by 'orchex ranges update')"},
		&cli.StringFlag{Name: "scopes", Usage: "scopes `FILE`: with --scope, narrow every query to that scope's networks (docs/scopes.md)"},
		&cli.StringFlag{Name: "scope", Usage: "narrow every query to scope `NAME` of --scopes with the engines' own filters: fewer credits"},
	}
	return &cli.Command{
		Name:  "collect",
		Usage: "collect a snapshot from the Shodan and Censys APIs",
		UsageText: "orchex collect [--engine shodan|censys] [--snapshot LABEL] [--products ID,...] [--family NAME] [--max-pages N] [--max-credits N] [--refresh] [--dry-run]\n" +
			"orchex collect --scopes scopes.yaml --scope acme --snapshot acme-2026-12-03\n" +
			"orchex collect --scopes scopes.yaml --scope acme --dry-run",
		Description: "Runs every catalog query of the chosen products on each engine, page by page, at the engine's\n" +
			"rate limit, and stores every page with its services in the snapshot. A page already stored is\n" +
			"never fetched again (unless --refresh): run the same command again to resume after an\n" +
			"interruption. --dry-run spends no Shodan credits and one Censys credit per query (more for a\n" +
			"query over Censys's 100-page cap), and says so. Keys: SHODAN_API_KEY (or --shodan-key-file, or\n" +
			"~/.config/shodan/api_key); CENSYS_PLATFORM_TOKEN and CENSYS_ORG_ID. See docs/collect.md.\n" +
			"--scopes FILE --scope NAME narrows every query to that scope's networks with the engines' own filters\n" +
			"(Shodan net:, asn:, org:, hostname:, country:; Censys host.ip, host.autonomous_system.asn, ...), split\n" +
			"into several queries when a scope is too long for one; the snapshot records the narrowing, so its\n" +
			"reports say it is not a census. With --dry-run it shows the credits the narrowing saves.\n\n" +
			"Exit codes: 0 done, 1 failure, 2 usage error, 3 stopped at a limit or some records were bad.",
		Flags: append(flags, engineFlags()...),
		Action: func(c *cli.Context) error {
			cfg, err := parseCollect(c, g)
			if err != nil {
				return err
			}
			if cfg.Engines, err = g.engines(c, c.String("engine")); err != nil {
				return err
			}
			if cfg.Catalog, err = g.loadCatalog(); err != nil {
				return err
			}
			if c.Bool("dry-run") {
				return runDryRun(c.Context, g, cfg)
			}
			tagger, feeds, err := g.tagger(c.String("ranges"))
			if err != nil {
				return err
			}
			st, err := g.openStoreCreate(c.Context)
			if err != nil {
				return err
			}
			defer st.Close()
			cfg.Store, cfg.Tagger, cfg.Feeds = st, tagger, feeds
			return runCollect(c.Context, g, cfg, true)
		},
	}
}

// parseCollect validates the flags and returns the collection they ask
// for, without its engines, catalog and store.
func parseCollect(c *cli.Context, g *globals) (collect.Config, error) {
	cfg := collect.Config{Snapshot: c.String("snapshot"), Select: selection(c), MaxPages: c.Int("max-pages"),
		MaxCredits: c.Int("max-credits"), Refresh: c.Bool("refresh"), Sleep: g.env.Sleep, Now: g.env.Now}
	if c.NArg() > 0 {
		return cfg, usagef("collect takes no arguments, got %q", c.Args().First())
	}
	if err := engineNames(c.String("engine")); err != nil {
		return cfg, err
	}
	if cfg.Snapshot == "" {
		cfg.Snapshot = quarterLabel(g.env.Now())
	}
	if err := store.CheckLabel(cfg.Snapshot); err != nil {
		return cfg, usagef("--snapshot: %v", err)
	}
	if cfg.MaxPages < 0 || cfg.MaxCredits < 0 {
		return cfg, usagef("--max-pages and --max-credits must be 0 (no limit) or positive")
	}
	sc, err := g.chooseScope("collect", c.String("scopes"), c.String("scope"))
	if err != nil {
		return cfg, err
	}
	if sc != nil {
		cfg.Scope = &collect.Scope{Name: sc.scope.Name, File: filepath.Base(c.String("scopes")), Narrowing: sc.scope.Narrowing()}
	}
	return cfg, nil
}

// selection reads --products and --family.
func selection(c *cli.Context) collect.Selection {
	return collect.Selection{Family: c.String("family"), Products: commaList(c.String("products"))}
}

// quarterLabel is the snapshot label of t's quarter: "2026Q4".
func quarterLabel(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%dQ%d", t.Year(), (int(t.Month())-1)/3+1)
}

// runCollect runs the collection (which records the range feeds and
// tag disagreements in the snapshot) and prints its progress, notices
// and, with summary, its summary.
func runCollect(ctx context.Context, g *globals, cfg collect.Config, summary bool) error {
	m := g.meter("collect "+cfg.Snapshot, "pages", 0)
	pages := &collect.Pages{}
	cfg.Events = g.collectEvents(m, pages, cfg.MaxCredits)
	g.guard.OnInterrupt(func() string {
		return fmt.Sprintf("the %d pages fetched in this run are stored in snapshot %s; run the same command again to resume (stored pages are not fetched again)",
			pages.Fetched(), cfg.Snapshot)
	})
	sum, err := collect.Run(ctx, cfg)
	m.Stop()
	if len(sum.Engines) > 0 && summary && !g.quiet {
		terminal.Table(g.env.Stdout, sum.Table(), terminal.Options{Right: true})
	}
	if err != nil {
		return g.collectError(ctx, err, cfg.Snapshot)
	}
	return nil
}

// collectError maps a collection's error to what the user sees: usage
// errors for a bad selection, resume advice after an interruption, the
// reasons of an incomplete snapshot (exit 3).
func (g *globals) collectError(ctx context.Context, err error, snapshot string) error {
	var se *collect.SelectionError
	var partial *collect.Partial
	switch {
	case errors.As(err, &se):
		return selectionError(se)
	case errors.Is(err, source.ErrCannotNarrow):
		return narrowError(err)
	case ctx.Err() != nil:
		return err // pkg/collect marked the queries it did not finish
	case errors.As(err, &partial):
		if !g.quiet {
			for _, r := range partial.Reasons {
				fmt.Fprintf(g.env.Stderr, "collect: %s\n", terminal.Sanitize(r))
			}
			if partial.EngineLimit {
				fmt.Fprintf(g.env.Stderr, "collect: snapshot %s is incomplete: the engine would not page these queries to their end; narrow them (smaller queries, --scope) to reach the rest\n", snapshot)
			} else {
				fmt.Fprintf(g.env.Stderr, "collect: snapshot %s is incomplete; raise the limits and run the same command again to continue\n", snapshot)
			}
		}
		return partialError{msg: "collection stopped early"}
	}
	return err // hint adds what to do about a stored page or a free plan
}

// narrowError says what to do when a collection cannot be narrowed to
// the scope: nothing was fetched.
func narrowError(err error) error {
	return fmt.Errorf("collect --scope: %w\nnothing was fetched: collect without --scope (a census), or with --engine naming an engine that can narrow this query", err)
}

// selectionError names the flag of an unknown product or family.
func selectionError(se *collect.SelectionError) error {
	if errors.Is(se, collect.ErrUnknownFamily) {
		return usagef("--family %q: no product has it%s (families: %s)", se.Value, suggest.DidYouMean(se.Value, se.Known), strings.Join(se.Known, ", "))
	}
	return usagef("--products: unknown product %q%s (see 'orchex queries list')", se.Value, suggest.DidYouMean(se.Value, se.Known))
}

// collectEvents prints a run's events: pages through the meter m,
// notices (unless --quiet) with the flag or command that helps.
// maxCredits is --max-credits: a budget other than it is the account's
// credits, which no flag raises.
func (g *globals) collectEvents(m *progress.Meter, pages *collect.Pages, maxCredits int) func(collect.Event) {
	say := func(format string, args ...any) {
		if !g.quiet {
			m.Printf(format, args...)
		}
	}
	return func(ev collect.Event) {
		switch e := ev.(type) {
		case collect.PageDone:
			done, want, info := pages.Add(e.Progress)
			m.Update(done, want, terminal.Sanitize(info))
		case collect.QueryDone:
			if e.Err != nil {
				say("%s", terminal.Sanitize(e.String()))
			}
		case collect.AccountChecked:
			if line := terminal.Sanitize(e.String()); !g.accounts[line] {
				if g.accounts == nil {
					g.accounts = map[string]bool{}
				}
				g.accounts[line] = true
				say("%s", line)
			}
		case collect.CreditsCapped:
			say("%s: --max-credits %d is more than the %d credits left; stopping at %d", e.Engine, e.Asked, e.Left, e.Left)
		case collect.EngineStopped:
			switch e.Reason {
			case collect.StoppedQuota, collect.StoppedGaveUp:
				say("%s", e.String())
			case collect.StoppedBudget:
				if maxCredits > 0 && e.Budget == maxCredits {
					say("%s: stopped before exceeding the credit budget (%d spent of %d); raise --max-credits and run again to continue", e.Engine, e.Spent, e.Budget)
				} else {
					say("%s: stopped before exceeding the account's query credits (%d spent of the %d left); what was fetched is stored: run the same command when they renew to continue", e.Engine, e.Spent, e.Budget)
				}
			case collect.StoppedRefused:
				say("%s: the engine refused the credentials or the plan: check %s", e.Engine, credentials(e.Engine))
			}
		case fmt.Stringer:
			say("%s", terminal.Sanitize(e.String()))
		}
	}
}

// runDryRun counts every query for free and prints what a full
// collection would cost.
func runDryRun(ctx context.Context, g *globals, cfg collect.Config) error {
	m := g.meter("dry run", "queries", 0)
	cfg.Events = g.collectEvents(m, &collect.Pages{}, cfg.MaxCredits)
	plan, err := collect.DryRun(ctx, cfg)
	m.Stop()
	if errors.As(err, new(*collect.SelectionError)) || errors.Is(err, source.ErrCannotNarrow) || ctx.Err() != nil {
		return g.collectError(ctx, err, cfg.Snapshot)
	}
	if werr := terminal.Table(g.env.Stdout, plan.Table("total without --scope"), terminal.Options{Right: true}); werr != nil {
		return werr
	}
	for _, ep := range plan.Engines {
		note := ""
		if ep.Account != nil {
			note = fmt.Sprintf("; the account has %d", ep.Account.Credits)
		}
		if cfg.MaxCredits > 0 && ep.Credits > cfg.MaxCredits {
			note += fmt.Sprintf("; --max-credits %d would stop it early", cfg.MaxCredits)
		}
		if ep.Uncounted > 0 {
			note += fmt.Sprintf("; these figures leave out the queries that could not be counted (%d)", ep.Uncounted)
		}
		spent := "no credits (its counts are free)"
		if ep.Spent > 0 {
			spent = fmt.Sprintf("%d credits (its counts are paid aggregate calls)", ep.Spent)
		}
		if f := ep.Full; f != nil {
			g.logf("%s: narrowed to scope %s, a collection would fetch %d results in %d pages for %d credits%s; without the narrowing, %d results in %d pages for %d credits: the narrowing saves %d credits",
				ep.Name, terminal.Sanitize(cfg.Scope.Name), ep.Total, ep.Pages, ep.Credits, note, f.Total, f.Pages, f.Credits, f.Credits-ep.Credits)
			continue
		}
		g.logf("%s: a full collection would fetch %d pages for %d credits%s; the dry run spent %s", ep.Name, ep.Pages, ep.Credits, note, spent)
	}
	return err
}
