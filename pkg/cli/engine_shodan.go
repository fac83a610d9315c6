package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/urfave/cli/v2"
)

// shodanSpec is the Shodan engine for collect and stats. The key comes
// from --shodan-key-file, SHODAN_API_KEY, or the official CLI's key file
// (~/.config/shodan/api_key), in that order.
func shodanSpec() engineSpec {
	return engineSpec{
		Name: "shodan",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "shodan-url",
				Usage: "Shodan API base `URL` (default $ORCHEX_SHODAN_URL, else " + shodan.DefaultBaseURL + "; for proxies, tests and the demo)"},
			&cli.StringFlag{Name: "shodan-key-file", Usage: "read the Shodan API key from `FILE` instead of SHODAN_API_KEY or ~/.config/shodan/api_key"},
			&cli.Float64Flag{Name: "shodan-rate", Value: 1, Usage: "Shodan requests per `SECOND`, all calls of the process together (Shodan allows 1)"},
		},
		New: newShodan,
	}
}

// shodanEngine is the Shodan client with what collect and stats ask of an
// engine beyond source.Engine.
type shodanEngine struct{ *shodan.Client }

// newShodan builds the Shodan client; ok is false when no key was found.
func newShodan(c *cli.Context, g *globals) (source.Engine, bool, error) {
	key, err := shodanKey(c.String("shodan-key-file"), g)
	if err != nil {
		return nil, false, err
	}
	if key == "" {
		return nil, false, nil
	}
	rate := c.Float64("shodan-rate")
	if rate <= 0 {
		return nil, false, usagef("--shodan-rate %g: want a positive number of requests per second", rate)
	}
	level := slog.LevelInfo
	if g.verbose && !g.quiet {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(g.env.Stderr, &slog.HandlerOptions{Level: level}))
	base := c.String("shodan-url")
	if base == "" {
		base = strings.TrimSpace(g.env.Getenv("ORCHEX_SHODAN_URL"))
	}
	hc, err := httpClient(c)
	if err != nil {
		return nil, false, err
	}
	cl := shodan.New(shodan.Options{BaseURL: base, Key: key, Rate: rate, Logger: log, Now: g.env.Now, HTTPClient: hc})
	return shodanEngine{cl}, true, nil
}

// shodanKey finds the API key. A key file readable by others gets a
// warning; the key itself is never printed.
func shodanKey(file string, g *globals) (string, error) {
	if file != "" {
		return readKeyFile(file, "--shodan-key-file", g)
	}
	if k := strings.TrimSpace(g.env.Getenv("SHODAN_API_KEY")); k != "" {
		return k, nil
	}
	home := g.env.Getenv("HOME")
	if home == "" {
		return "", nil
	}
	path := filepath.Join(home, ".config", "shodan", "api_key")
	if _, err := os.Stat(path); err != nil {
		return "", nil
	}
	return readKeyFile(path, "the Shodan CLI key file", g)
}

func readKeyFile(path, what string, g *globals) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("shodan: reading %s: %w", what, err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		g.logf("shodan: warning: %s %s has permissions %04o; others can read the key (chmod 600 %s)", what, path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("shodan: reading %s: %w", what, err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" || strings.ContainsAny(key, " \t\r\n") {
		return "", fmt.Errorf("shodan: %s %s: want one key on one line", what, path)
	}
	return key, nil
}

// preflight shows the plan and query credits (/api-info, free) and
// returns the credits left.
func (e shodanEngine) preflight(ctx context.Context) (account, error) {
	info, err := e.APIInfo(ctx)
	if err != nil {
		return account{}, fmt.Errorf("shodan: checking the key with /api-info: %w", err)
	}
	plan := info.Plan
	if plan == "" {
		plan = "unknown"
	}
	return account{Text: fmt.Sprintf("plan %s, %d query credits, %d scan credits", plan, info.QueryCredits, info.ScanCredits),
		Credits: info.QueryCredits, Known: true, Free: plan == "oss"}, nil
}

// stats implements statser with /shodan/host/count and facets (free).
func (e shodanEngine) stats(ctx context.Context, q source.Query, facets []string, n int) (statsRow, error) {
	spec := make([]string, len(facets))
	for i, f := range facets {
		spec[i] = fmt.Sprintf("%s:%d", f, n)
	}
	r, err := e.Facets(ctx, q.Text, spec)
	if err != nil {
		return statsRow{}, err
	}
	row := statsRow{QueryID: q.ID, Query: q.Text, Total: int64(r.Total)}
	for _, f := range facets {
		sf := statsFacet{Name: f}
		for _, b := range r.Facets[f] {
			sf.Buckets = append(sf.Buckets, statsBucket{Value: b.Value, Count: int64(b.Count)})
		}
		row.Facets = append(row.Facets, sf)
	}
	return row, nil
}
