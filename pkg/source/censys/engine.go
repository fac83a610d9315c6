package censys

import (
	"net/url"
	"strings"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// The settings of the Censys engine, by name.
const (
	SettingURL         = "url"
	SettingAPI         = "api"
	SettingToken       = "token"
	SettingOrg         = "org"
	SettingAPIID       = "api-id"
	SettingAPISecret   = "api-secret"
	SettingPageCredits = "page-credits"
	SettingRate        = "rate"
	SettingNoSplit     = "no-split"
)

// Factory describes the Censys engine to a program: the Platform API v3
// by default (a personal access token and an organization ID), the legacy
// Search API v2 when the API setting says "v2" (an API ID and secret).
func Factory() source.Factory {
	return source.Factory{
		Name: model.Censys,
		Settings: []source.Setting{
			{Name: SettingURL, Flag: "censys-url", Env: []string{"ORCHEX_CENSYS_URL"},
				Usage: "Censys API base `URL` (default $ORCHEX_CENSYS_URL, else v3: " + DefaultURL + "; v2: " + DefaultV2URL + ", \"/api\" is added when the URL has no path)"},
			{Name: SettingAPI, Flag: "censys-api", Default: "v3", Usage: "Censys API: v3 (Platform) or v2 (legacy Search)"},
			{Name: SettingToken, Flag: "censys-token-file", Env: []string{"CENSYS_PLATFORM_TOKEN"}, Secret: true, File: true,
				Usage: "read the Censys personal access token from `FILE` instead of CENSYS_PLATFORM_TOKEN"},
			{Name: SettingOrg, Env: []string{"CENSYS_ORG_ID"}, Usage: "the organization whose credits pay for v3 searches"},
			{Name: SettingAPIID, Env: []string{"CENSYS_API_ID"}, Secret: true, Usage: "legacy v2 API ID"},
			{Name: SettingAPISecret, Env: []string{"CENSYS_API_SECRET"}, Secret: true, Usage: "legacy v2 API secret"},
			{Name: SettingPageCredits, Flag: "censys-page-credits", Kind: source.Int, Default: "1",
				Usage: "credits one Censys search page costs: 1 on Core/Enterprise, 5 on Starter"},
			{Name: SettingRate, Flag: "censys-rate", Kind: source.Float, Default: "1",
				Usage: "Censys requests per `SECOND` (the token's limit is on its Personal Access Tokens page)"},
			{Name: SettingNoSplit, Flag: "censys-no-split", Kind: source.Bool,
				Usage: "do not split queries with more than 10,000 hits; collect the first 10,000 and report the truncation"},
		},
		New: newFromSettings,
	}
}

func newFromSettings(v *source.Values, d source.Deps) (source.Engine, error) {
	base := v.String(SettingURL)
	api := v.String(SettingAPI)
	def := DefaultURL
	if api == "v2" {
		def = DefaultV2URL
	}
	if _, why := baseURL(base, def); why != "" {
		return nil, &source.SettingError{Engine: model.Censys, Setting: v.Setting(SettingURL), Value: source.RedactURL(base),
			Err: errorString(why)}
	}
	rate, credits := v.Float(SettingRate), v.Int(SettingPageCredits)
	if rate <= 0 {
		return nil, v.Errorf(SettingRate, "want a positive number of requests per second")
	}
	if credits < 1 {
		return nil, v.Errorf(SettingPageCredits, "want 1 or more credits a page")
	}
	switch api {
	case "v3", "":
		token := v.Secret(SettingToken)
		if token.Empty() {
			return nil, v.Missing(SettingToken)
		}
		org := v.String(SettingOrg)
		if org == "" {
			d.Warnf("censys: CENSYS_ORG_ID is not set: requests use the token owner's free wallet, which cannot search")
		}
		c, err := New(Config{BaseURL: base, Token: token, OrgID: org, CreditsPerPage: credits, Rate: rate,
			NoSplit: v.Bool(SettingNoSplit), HTTPClient: d.HTTPClient, Now: d.Now, Logger: d.Logger})
		if err != nil {
			return nil, err
		}
		return c, nil
	case "v2":
		id, secret := v.Secret(SettingAPIID), v.Secret(SettingAPISecret)
		if id.Empty() || secret.Empty() {
			return nil, v.Missing(SettingAPIID, SettingAPISecret)
		}
		if base != "" {
			if u, err := url.Parse(base); err == nil && strings.Trim(u.Path, "/") == "" {
				base = strings.TrimRight(base, "/") + "/api"
			}
		}
		c, err := NewV2(V2Config{BaseURL: base, APIID: id, Secret: secret, CreditsPerPage: credits, Rate: rate, HTTPClient: d.HTTPClient, Now: d.Now, Logger: d.Logger})
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, v.Errorf(SettingAPI, "want v3 or v2")
}

type errorString string

func (e errorString) Error() string { return string(e) }
