package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/render"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/scope"
	"github.com/orchex/orchex/pkg/source"
)

type briefOptions struct {
	Scopes   string
	Scope    []string
	Snapshot string
	Since    string
	Formats  map[string]bool
	Out      string
	Webhook  source.Secret
	EOL      string // --eol DIR
	// IncludeHoneypots keeps the services of hosts flagged as honeypots
	// (--include-honeypots), marked.
	IncludeHoneypots bool
}

// briefFormats are the formats of --format; md and json are always
// written.
func briefFormats() []string { return []string{"md", "json", "csv", "pdf", "html"} }

func briefCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "brief",
		Usage: "write a briefing per scope of a scopes file: its exposed services, what changed, what to do, a feed",
		UsageText: "orchex brief --scopes scopes.yaml --snapshot 2026Q4 --since 2026Q3 --out briefs/2026Q4\n" +
			"orchex brief --scopes scopes.yaml --scope acme --format md,pdf,html,json,csv --out briefs/acme\n" +
			"orchex brief --scopes scopes.yaml --since 2026Q3 --out briefs/2026Q4 --webhook https://hooks.slack.com/services/...",
		Description: "For each scope of the scopes file (or each --scope), writes OUT/NAME/brief.md and OUT/NAME/brief.json,\n" +
			"plus services.csv, brief.pdf and brief.html as --format asks, and OUT/index.md and OUT/index.json with\n" +
			"one line per scope. A briefing lists the scope's services with their addresses, open services first,\n" +
			"grouped by owner (ASN and organisation) and netblock, each with its auth verdict and evidence; with\n" +
			"--since, what changed (new, gone, became open, fixed); what to do per product, with links to the\n" +
			"vendors' documentation; and the method notes of the research report. services.csv is a feed with\n" +
			"Shadowserver-style columns and the scope's contacts on every row. Briefings list addresses: they are\n" +
			"for the owners of these networks, not for publication. See docs/brief-json.md and docs/scopes.md.\n" +
			"Likely-open services (inferred from a product's defaults, not proven) are listed after the open ones\n" +
			"and never counted as open. Services of hosts flagged as honeypots are left out of every list and\n" +
			"count, and counted in the notes, unless --include-honeypots keeps them, marked.\n\n" +
			"--webhook URL (or a scope's webhook key, or ORCHEX_WEBHOOK) posts, per scope, one JSON message with\n" +
			"the services new or newly open since --since, with a Slack-compatible text field; rate limits,\n" +
			"5xx answers and network failures are retried with back-off. The URL's path and query (its token)\n" +
			"are never printed.\n\n" +
			"Exit codes: 0 done, 1 failure, 2 usage error, 3 briefings written but a webhook could not be posted.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "scopes", Usage: "scopes `FILE` (docs/scopes.md; required)"},
			&cli.StringSliceFlag{Name: "scope", Usage: "brief only scope `NAME` (repeat, or separate with commas; default every scope)"},
			&cli.StringFlag{Name: "snapshot", Aliases: []string{"s"}, Usage: "snapshot `LABEL` (default: the newest)"},
			&cli.StringFlag{Name: "since", Usage: "the earlier snapshot `LABEL` to count changes from"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "md,json", Usage: "comma-separated `FORMATS` among md, json, csv, pdf, html (md and json are always written)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR`: one directory per scope, and the index (required)"},
			&cli.StringFlag{Name: "webhook", EnvVars: []string{"ORCHEX_WEBHOOK"}, Usage: "post each scope's new and newly open services to `URL` (https; needs --since)"},
			&cli.BoolFlag{Name: "include-honeypots", Usage: "keep the services of hosts flagged as honeypots in every list and count, marked (otherwise left out)"},
			eolFlag(),
		},
		Action: noArgs("brief", func(c *cli.Context) error {
			o, err := parseBrief(c)
			if err != nil {
				return err
			}
			return runBrief(c.Context, g, o)
		}),
	}
}

func parseBrief(c *cli.Context) (briefOptions, error) {
	o := briefOptions{Scopes: c.String("scopes"), Snapshot: c.String("snapshot"), Since: c.String("since"), Out: c.String("out"),
		Formats: map[string]bool{"md": true, "json": true}, EOL: c.String("eol"), IncludeHoneypots: c.Bool("include-honeypots")}
	o.Scope = commaList(c.StringSlice("scope")...)
	for _, name := range commaList(c.String("format")) {
		f, ok := render.Parse(name)
		if !ok {
			return o, usagef("brief: unknown --format %q (want a comma-separated list of %s)", strings.ToLower(name), strings.Join(briefFormats(), ", "))
		}
		o.Formats[string(f)] = true
	}
	if o.Scopes == "" {
		return o, usagef("brief: --scopes FILE is required: the scopes file that names the networks to brief (docs/scopes.md)")
	}
	if o.Out == "" {
		return o, usagef("brief: --out DIR is required: a run writes one directory per scope and an index")
	}
	if o.Out == "-" {
		return o, usagef("brief: --out must be a directory: a run writes several files per scope")
	}
	if fi, err := os.Stat(o.Out); err == nil && !fi.IsDir() {
		return o, usagef("brief: --out %s is a file, not a directory: a run writes OUT/NAME/ per scope and an index; give a new or existing directory", terminal.Sanitize(o.Out))
	}
	if o.Since != "" && o.Since == o.Snapshot {
		return o, usagef("brief: --since %s is the snapshot being briefed", o.Since)
	}
	if w := c.String("webhook"); w != "" {
		if why := scope.CheckWebhook(w); why != "" {
			return o, usagef("brief: --webhook %s %s", scope.WebhookHost(w), why)
		}
		o.Webhook = source.NewSecret(w)
	}
	if !o.Webhook.Empty() && o.Since == "" {
		return o, usagef("brief: --webhook posts the services new or newly open since --since: give --since LABEL")
	}
	return o, nil
}

func runBrief(ctx context.Context, g *globals, o briefOptions) error {
	set, err := g.loadScopes("brief", o.Scopes)
	if err != nil {
		return err
	}
	sel, err := selectScopes(set, o)
	if err != nil {
		return err
	}
	st, label, cat, err := g.openSnapshot(ctx, o.Snapshot)
	if err != nil {
		return err
	}
	defer st.Close()
	if label == o.Since {
		return usagef("brief: --since %s is the snapshot being briefed", o.Since)
	}
	if err := compareIsEarlier(ctx, st, "brief: --since", o.Since, label, "brief the later snapshot with --snapshot and give the earlier one to --since"); err != nil {
		return err
	}
	cfg, diffs, err := assemble.Brief(ctx, st, cat, label, o.Since, o.IncludeHoneypots)
	if err != nil {
		return err
	}
	g.warnMethod(o.Since, label, diffs)
	if cfg.Support, err = g.loadEOL(o.EOL); err != nil {
		return err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("brief: %w", err)
	}
	cfg.Scopes, cfg.Select, cfg.Dir = set, sel, o.Out
	start := time.Now()
	var written atomic.Int64 // files written whole, for what an interrupt kept
	g.guard.OnInterrupt(func() string {
		if n := written.Load(); n > 0 {
			return fmt.Sprintf("%d briefing files were written whole to %s, but not every scope's, and the index may be an earlier run's; run the same command again to write them all", n, o.Out)
		}
		return "no briefing file was written"
	})
	w, err := brief.Write(ctx, cfg, brief.Output{CSV: o.Formats["csv"], PDF: o.Formats["pdf"], HTML: o.Formats["html"], Webhook: o.Webhook,
		Create: func(name string, fn func(io.Writer) error) error {
			err := g.writeQuiet(ctx, "--out", filepath.Join(o.Out, name), fn)
			if err == nil {
				written.Add(1)
			}
			return err
		},
		Poster: &brief.Poster{UserAgent: "orchex", Retry: &source.Retrier{Seed: 1, Sleep: g.env.Sleep},
			OnRetry: func(host string, n int, d time.Duration, why string) {
				g.logf("brief: webhook %s: retry %d in %v: %s", host, n, d.Round(time.Millisecond), terminal.Sanitize(why))
			}},
		NoSince: func(name string) {
			g.logf("brief: scope %s has a webhook, but without --since there is nothing new to post", terminal.Sanitize(name))
		}})
	if err != nil {
		return err
	}
	return g.logBriefs(w, label, o.Out, time.Since(start))
}

// logBriefs says what a run of briefings wrote and posted; a webhook
// message that could not be posted makes it a partial error (exit 3).
func (g *globals) logBriefs(w brief.Written, label, dir string, took time.Duration) error {
	g.logf("wrote %d %s of snapshot %s to %s in %s: %d open %s in %d %s",
		w.Briefings, report.Plural(w.Briefings, "briefing", "briefings"), label, filepath.Clean(dir), took.Round(100*time.Millisecond),
		w.Open, report.Plural(w.Open, "service", "services"), w.WithOpen, report.Plural(w.WithOpen, "scope", "scopes"))
	if w.Posted > 0 {
		g.logf("posted %d webhook %s", w.Posted, report.Plural(w.Posted, "message", "messages"))
	}
	if len(w.Failed) > 0 {
		for _, f := range w.Failed {
			fmt.Fprintf(g.env.Stderr, "brief: %s\n", terminal.Sanitize(f))
		}
		return partialError{msg: "some webhook messages could not be posted"}
	}
	return nil
}

// selectScopes returns the indexes of the scopes of --scope, in the
// order named, or nil for every scope.
func selectScopes(set *scope.Set, o briefOptions) ([]int, error) {
	// The index files sit beside the scopes' directories.
	for i := range set.Len() {
		if n := set.Scope(i).Name; strings.EqualFold(n, "index.md") || strings.EqualFold(n, "index.json") {
			return nil, usagef("brief: scope %q (%s line %d) would be written over the index %s: rename the scope", n, o.Scopes, set.Scope(i).Line, n)
		}
	}
	var sel []int
	for _, n := range o.Scope {
		i, ok := set.Index(n)
		if !ok {
			return nil, usagef("brief: --scope %q is not in %s (scopes: %s)", n, o.Scopes, set.Names(10))
		}
		if !slices.Contains(sel, i) {
			sel = append(sel, i)
		}
	}
	return sel, nil
}
