package shodan

import (
	"context"
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// The settings of the Shodan engine, by name.
const (
	SettingURL  = "url"
	SettingKey  = "key"
	SettingRate = "rate"
)

// Factory describes the Shodan engine to a program: its settings and how
// to build a [Client] from them. The key comes from the key file setting,
// SHODAN_API_KEY, or the official CLI's key file (~/.config/shodan/api_key),
// in that order.
func Factory() source.Factory {
	return source.Factory{
		Name: model.Shodan,
		Settings: []source.Setting{
			{Name: SettingURL, Flag: "shodan-url", Env: []string{"ORCHEX_SHODAN_URL"}, Kind: source.String,
				Usage: "Shodan API base `URL` (default $ORCHEX_SHODAN_URL, else " + DefaultBaseURL + "; for proxies, tests and the demo)"},
			{Name: SettingKey, Flag: "shodan-key-file", Env: []string{"SHODAN_API_KEY"}, Secret: true, File: true,
				HomeFile: ".config/shodan/api_key",
				Usage:    "read the Shodan API key from `FILE` instead of SHODAN_API_KEY or ~/.config/shodan/api_key"},
			{Name: SettingRate, Flag: "shodan-rate", Kind: source.Float, Default: "1",
				Usage: "Shodan requests per `SECOND`, all calls of the process together (Shodan allows 1)"},
		},
		New: newFromSettings,
	}
}

func newFromSettings(v *source.Values, d source.Deps) (source.Engine, error) {
	key := v.Secret(SettingKey)
	if key.Empty() {
		return nil, v.Missing(SettingKey)
	}
	rate := v.Float(SettingRate)
	if rate <= 0 {
		return nil, v.Errorf(SettingRate, "want a positive number of requests per second")
	}
	return New(Options{BaseURL: v.String(SettingURL), Key: key, Rate: rate, Logger: d.Logger, Now: d.Now,
		HTTPClient: d.HTTPClient, Retry: &source.Retrier{Sleep: d.Sleep}}), nil
}

// Account implements [source.Accounter] with /api-info (free): the plan
// and query credits. The "oss" plan (free keys) cannot search.
func (c *Client) Account(ctx context.Context) (source.Account, error) {
	info, err := c.APIInfo(ctx)
	if err != nil {
		return source.Account{}, fmt.Errorf("shodan: checking the key with /api-info: %w", err)
	}
	plan := info.Plan
	if plan == "" {
		plan = "unknown"
	}
	a := source.Account{Plan: plan, Credits: info.QueryCredits,
		Text: fmt.Sprintf("plan %s, %d query credits, %d scan credits", plan, info.QueryCredits, info.ScanCredits)}
	if plan == "oss" {
		a.NoSearch = "free keys cannot search since 2023; a Membership or better is needed"
	}
	return a, nil
}

// DefaultFacets are the facets counted when none are named.
func (c *Client) DefaultFacets() []string {
	return []string{"country", "org", "port", "product", "version", "cloud.provider", "cloud.region"}
}

// FacetStats implements [source.Faceter] with /shodan/host/count, which
// costs no credits. Shodan knows many facets; a name it does not know is
// its error.
func (c *Client) FacetStats(ctx context.Context, q source.Query, names []string, n int) (*source.FacetStats, error) {
	spec := make([]string, len(names))
	for i, f := range names {
		spec[i] = fmt.Sprintf("%s:%d", strings.TrimSpace(f), n)
	}
	r, err := c.Facets(ctx, q.Text, spec)
	if err != nil {
		return nil, err
	}
	out := &source.FacetStats{Total: int64(r.Total)}
	for _, f := range names {
		fc := source.FacetCount{Name: f}
		for _, b := range r.Facets[f] {
			fc.Buckets = append(fc.Buckets, source.Bucket{Value: b.Value, Count: int64(b.Count)})
		}
		out.Facets = append(out.Facets, fc)
	}
	return out, nil
}
