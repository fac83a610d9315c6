package cli

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/urfave/cli/v2"
)

// censysSpec is the Censys engine for collect and stats: the Platform API
// v3 by default (CENSYS_PLATFORM_TOKEN or --censys-token-file, and
// CENSYS_ORG_ID), the legacy Search API v2 with --censys-api v2
// (CENSYS_API_ID, CENSYS_API_SECRET).
func censysSpec() engineSpec {
	return engineSpec{
		Name: "censys",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "censys-url", EnvVars: []string{"ORCHEX_CENSYS_URL"},
				Usage: "Censys API base `URL` (v3: " + censys.DefaultURL + "; v2: " + censys.DefaultV2URL + ", \"/api\" is added when the URL has no path)"},
			&cli.StringFlag{Name: "censys-api", Value: "v3", Usage: "Censys API: v3 (Platform) or v2 (legacy Search)"},
			&cli.StringFlag{Name: "censys-token-file", Usage: "read the Censys personal access token from `FILE` instead of CENSYS_PLATFORM_TOKEN"},
			&cli.IntFlag{Name: "censys-page-credits", Value: 1, Usage: "credits one Censys search page costs: 1 on Core/Enterprise, 5 on Starter"},
			&cli.Float64Flag{Name: "censys-rate", Value: 1, Usage: "Censys requests per `SECOND` (the token's limit is on its Personal Access Tokens page)"},
			&cli.BoolFlag{Name: "censys-no-split", Usage: "do not split queries with more than 10,000 hits; collect the first 10,000 and report the truncation"},
		},
		New: newCensys,
	}
}

// newCensys builds the Censys adapter from the flags and environment. ok
// is false when the chosen API has no credentials.
func newCensys(c *cli.Context, g *globals) (source.Engine, bool, error) {
	base := c.String("censys-url")
	hc, err := httpClient(c)
	if err != nil {
		return nil, false, err
	}
	switch api := c.String("censys-api"); api {
	case "v3", "":
		token, err := censysToken(c.String("censys-token-file"), g)
		if err != nil {
			return nil, false, err
		}
		if token == "" {
			return nil, false, nil
		}
		org := strings.TrimSpace(g.env.Getenv("CENSYS_ORG_ID"))
		if org == "" {
			g.logf("censys: CENSYS_ORG_ID is not set: requests use the token owner's free wallet, which cannot search")
		}
		e, err := censys.New(censys.Config{BaseURL: base, Token: token, OrgID: org,
			CreditsPerPage: c.Int("censys-page-credits"), Rate: c.Float64("censys-rate"), NoSplit: c.Bool("censys-no-split"),
			HTTPClient: hc})
		if err != nil {
			return nil, false, usagef("%w", err)
		}
		return e, true, nil
	case "v2":
		id, secret := strings.TrimSpace(g.env.Getenv("CENSYS_API_ID")), strings.TrimSpace(g.env.Getenv("CENSYS_API_SECRET"))
		if id == "" || secret == "" {
			return nil, false, nil
		}
		if base != "" {
			if u, err := url.Parse(base); err == nil && strings.Trim(u.Path, "/") == "" {
				base = strings.TrimRight(base, "/") + "/api"
			}
		}
		e, err := censys.NewV2(censys.V2Config{BaseURL: base, APIID: id, Secret: secret,
			CreditsPerPage: c.Int("censys-page-credits"), Rate: c.Float64("censys-rate"), HTTPClient: hc})
		if err != nil {
			return nil, false, usagef("%w", err)
		}
		return e, true, nil
	default:
		return nil, false, usagef("--censys-api %q: want v3 or v2", api)
	}
}

// censysToken returns the personal access token from file (when given) or
// CENSYS_PLATFORM_TOKEN. The token never appears in an error; a token file
// that others can read gets a warning, as the Shodan key file does.
func censysToken(file string, g *globals) (string, error) {
	if file == "" {
		return strings.TrimSpace(g.env.Getenv("CENSYS_PLATFORM_TOKEN")), nil
	}
	fi, err := os.Stat(file)
	if err != nil {
		return "", fmt.Errorf("censys: reading --censys-token-file: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		g.logf("censys: warning: --censys-token-file %s has permissions %04o; others can read the token (chmod 600 %s)", file, perm, file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("censys: reading --censys-token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" || strings.ContainsAny(tok, "\r\n\t ") {
		return "", fmt.Errorf("censys: --censys-token-file %s: want one token on one line", file)
	}
	return tok, nil
}
