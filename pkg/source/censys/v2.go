package censys

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// DefaultV2URL is the legacy Search API's base URL (the /v2/... paths
// hang below it).
const DefaultV2URL = "https://search.censys.io/api"

// V2Config configures a legacy Search API v2 [V2Client].
type V2Config struct {
	// BaseURL is the API root including "/api"; "" means [DefaultV2URL].
	BaseURL string
	// APIID and Secret are the basic-auth credentials.
	APIID, Secret source.Secret
	// HTTPClient, Limiter, Rate, MaxBody, Now and Logger are as in [Config].
	HTTPClient *http.Client
	Limiter    *rate.Limiter
	Rate       float64
	MaxBody    int64
	Now        func() time.Time
	Logger     *slog.Logger
	// PerPage is per_page (1..100); 0 means 100.
	PerPage int
	// CreditsPerPage is the quota one page uses; 0 means 1.
	CreditsPerPage int
}

// V2Client is the legacy Search API v2 adapter. It implements
// [source.Engine] and the capabilities checked below; it is safe for
// concurrent use.
type V2Client struct {
	cfg  V2Config
	base *url.URL
	lim  *rate.Limiter
}

var (
	_ source.Engine     = (*V2Client)(nil)
	_ source.PageCoster = (*V2Client)(nil)
	_ source.PageSizer  = (*V2Client)(nil)
	_ source.Finisher   = (*V2Client)(nil)
	_ source.Dialecter  = (*V2Client)(nil)
	_ source.Faceter    = (*V2Client)(nil)
)

// NewV2 returns a v2 client. It fails when a credential is missing or
// BaseURL does not parse.
func NewV2(cfg V2Config) (*V2Client, error) {
	if cfg.APIID.Empty() || cfg.Secret.Empty() {
		return nil, fmt.Errorf("censys: %w: the legacy API needs an API ID and secret", source.ErrNoCredentials)
	}
	base, err := parseBase(cfg.BaseURL, DefaultV2URL)
	if err != nil {
		return nil, err
	}
	if cfg.PerPage <= 0 || cfg.PerPage > PageSize {
		cfg.PerPage = PageSize
	}
	if cfg.CreditsPerPage <= 0 {
		cfg.CreditsPerPage = 1
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	lim := cfg.Limiter
	if lim == nil {
		lim = source.NewLimiter(cfg.Rate)
	}
	return &V2Client{cfg: cfg, base: base, lim: lim}, nil
}

// Name returns model.Censys.
func (c *V2Client) Name() model.Engine { return model.Censys }

// Dialect returns "censys-v2", the legacy search language.
func (c *V2Client) Dialect() string { return "censys-v2" }

// API returns "v2".
func (c *V2Client) API() string { return "v2" }

// Narrow implements [source.Narrower] for legacy v2 queries with
// [NarrowV2] and its default limits.
func (c *V2Client) Narrow(q source.Query, n source.Narrowing) ([]source.Narrowed, error) {
	return NarrowV2(q.Text, n, source.Limits{})
}

// PageSize returns the per_page sent.
func (c *V2Client) PageSize() int { return c.cfg.PerPage }

// PageCost returns the quota one page uses.
func (c *V2Client) PageCost(source.Query, int) int { return c.cfg.CreditsPerPage }

// Done reports whether a stored page was the last: no links.next.
func (c *V2Client) Done(raw *model.RawPage) bool { return raw.Next == "" }

// v2Envelope is {"code","status","result"} plus the error fields an
// answer may carry even with status 200.
type v2Envelope struct {
	Error  json.RawMessage `json:"error"`
	Result json.RawMessage `json:"result"`
}

// Fetch fetches one page of q: GET /v2/hosts/search?q=&per_page=&cursor=.
// links.next is the next cursor; "links": {} (what the API sends for a
// one-page answer) and an empty or null next end the query.
func (c *V2Client) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	v := url.Values{"q": {q.Text}, "per_page": {strconv.Itoa(c.cfg.PerPage)}}
	if token != "" {
		v.Set("cursor", token)
	}
	op := fmt.Sprintf("v2 search %q", q.Text)
	body, at, err := c.get(ctx, op, "/v2/hosts/search", v)
	if err != nil {
		return nil, err // the pager adds query id and page
	}
	var res struct {
		Total int               `json:"total"`
		Hits  []json.RawMessage `json:"hits"`
		Links struct {
			Next *string `json:"next"`
		} `json:"links"`
	}
	if err := json.Unmarshal(body.result, &res); err != nil {
		return nil, badBody(op, body.resp, err, c.secrets())
	}
	next := ""
	if res.Links.Next != nil {
		next = *res.Links.Next
	}
	out := &source.Page{Raw: model.RawPage{Engine: model.Censys, QueryID: q.ID, Query: q.Text, Page: page, Token: token,
		Next: next, Total: res.Total, Hits: len(res.Hits), Credits: c.cfg.CreditsPerPage, FetchedAt: at, Body: body.raw}}
	for i, h := range res.Hits {
		obs, err := DecodeV2Host(h)
		if err != nil {
			out.Bad = append(out.Bad, fmt.Errorf("censys: v2 search %q page %d hit %d: %w", q.Text, page, i+1, err))
			continue
		}
		for j := range obs {
			obs[j].Engine = model.Censys
			obs[j].QueryID = q.ID
		}
		out.Observations = append(out.Observations, obs...)
	}
	out.Last = next == "" || len(res.Hits) == 0
	if out.Last {
		out.Raw.Next = ""
	}
	return out, nil
}

// Count returns the total of q from GET /v2/hosts/aggregate.
// CountCost implements [source.CountCoster]: a count is an aggregate
// call, one query of the account's quota.
func (c *V2Client) CountCost() int { return 1 }

func (c *V2Client) Count(ctx context.Context, q source.Query) (int, error) {
	a, err := c.Aggregate(ctx, q.Text, "services.port", 1)
	if err != nil {
		return 0, err
	}
	return int(a.Total), nil
}

// Aggregate calls GET /v2/hosts/aggregate for field (a legacy path such
// as "services.port") with n buckets.
func (c *V2Client) Aggregate(ctx context.Context, query, field string, n int) (*Aggregate, error) {
	op := fmt.Sprintf("v2 aggregate %q by %s", query, field)
	body, _, err := c.get(ctx, op, "/v2/hosts/aggregate",
		url.Values{"q": {query}, "field": {field}, "num_buckets": {strconv.Itoa(n)}})
	if err != nil {
		return nil, err
	}
	var res struct {
		Total        int64    `json:"total"`
		TotalOmitted int64    `json:"total_omitted"`
		Buckets      []Bucket `json:"buckets"`
	}
	if err := json.Unmarshal(body.result, &res); err != nil {
		return nil, badBody(op, body.resp, err, c.secrets())
	}
	return &Aggregate{Query: query, Field: field, Total: res.Total, Other: res.TotalOmitted, Buckets: res.Buckets, Credits: 1}, nil
}

// Host looks one address up (GET /v2/hosts/{ip}).
func (c *V2Client) Host(ctx context.Context, ip string) ([]model.Observation, []byte, error) {
	body, _, err := c.get(ctx, fmt.Sprintf("v2 host %q", ip), "/v2/hosts/"+url.PathEscape(ip), nil)
	if err != nil {
		return nil, nil, err
	}
	obs, err := DecodeV2Host(body.result)
	if err != nil {
		return nil, body.raw, fmt.Errorf("censys: v2 host %q: %w", ip, err)
	}
	for i := range obs {
		obs[i].Engine = model.Censys
	}
	return obs, body.raw, nil
}

// secrets are the v2 credentials and the basic-auth value made of them,
// all redacted from whatever an answer echoes.
func (c *V2Client) secrets() []source.Secret {
	basic := base64.StdEncoding.EncodeToString([]byte(c.cfg.APIID.Reveal() + ":" + c.cfg.Secret.Reveal()))
	return []source.Secret{c.cfg.Secret, c.cfg.APIID, source.NewSecret(basic)}
}

type v2Answer struct {
	resp   *http.Response
	raw    []byte
	result json.RawMessage
}

// get sends one GET and returns the envelope's result. A 2xx answer with
// an "error" field is an error, as the official client treats it.
func (c *V2Client) get(ctx context.Context, op, path string, v url.Values) (*v2Answer, time.Time, error) {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawQuery = v.Encode()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, time.Time{}, err
	}
	req.SetBasicAuth(c.cfg.APIID.Reveal(), c.cfg.Secret.Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "orchex (+https://github.com/orchex/orchex)")
	secrets := c.secrets()
	resp, body, err := source.Do(ctx, source.Request{Engine: string(model.Censys), Op: op, Client: c.cfg.HTTPClient,
		Limiter: c.lim, MaxBody: c.cfg.MaxBody, Secrets: secrets, Log: c.cfg.Logger, Now: c.cfg.Now}, req)
	if err != nil {
		return nil, time.Time{}, err
	}
	var env v2Envelope
	jsonErr := json.Unmarshal(body, &env)
	if resp.StatusCode/100 != 2 || (jsonErr == nil && len(env.Error) > 0 && string(env.Error) != "null") {
		return nil, time.Time{}, classify("v2", op, resp, body, c.cfg.Now(), secrets)
	}
	if jsonErr != nil || len(env.Result) == 0 {
		return nil, time.Time{}, badBody(op, resp, jsonErr, secrets)
	}
	return &v2Answer{resp: resp, raw: body, result: env.Result}, fetchedAt(resp, c.cfg.Now), nil
}
