package censys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// DefaultURL is the Platform API's base URL.
const DefaultURL = "https://api.platform.censys.io"

// Platform API limits (../shared/docs/censys-api.md §1.5).
const (
	// PageSize is the largest page the search endpoint returns.
	PageSize = 100
	// MaxPages is the depth cap: the API serves at most this many pages of
	// one query, so at most PageSize*MaxPages hits.
	MaxPages = 100
)

// Config configures a Platform API v3 [Client].
type Config struct {
	// BaseURL is the API root; "" means [DefaultURL].
	BaseURL string
	// Token is the personal access token, sent as "Bearer <Token>".
	Token source.Secret
	// OrgID is the organization whose credits pay for searches, sent as
	// ?organization_id= as the official SDKs do. "" uses the user's free
	// wallet, which cannot search.
	OrgID string
	// HTTPClient is the client to use; nil means one with a 60 s timeout.
	HTTPClient *http.Client
	// Limiter is shared by every call of the engine in the process; nil
	// means one of Rate requests a second.
	Limiter *rate.Limiter
	// Rate is the request rate when Limiter is nil; 0 means 1 a second
	// (Censys publishes no number; one request in flight is the safe
	// reading of ../shared/docs/censys-api.md §1.7).
	Rate float64
	// PageSize is the page_size sent (1..100); 0 means 100.
	PageSize int
	// MaxPages is the API's depth cap; 0 means 100.
	MaxPages int
	// CreditsPerPage is what one search page costs: 1 on Core and
	// Enterprise (the default), 5 on Starter.
	CreditsPerPage int
	// AggregateCredits is what one aggregate call costs; 0 means 1.
	AggregateCredits int
	// NoSplit keeps a query whole even when it has more hits than the
	// depth cap allows; the rest is then reported as truncated.
	NoSplit bool
	// MaxBody caps a response body; 0 means source.DefaultMaxBody.
	MaxBody int64
	// Now is the clock for Retry-After dates and fetch times when a
	// response has no Date header; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request at debug level (path,
	// status, size, duration; never a credential); nil logs nothing.
	Logger *slog.Logger
}

// Client is the Platform API v3 adapter. It implements [source.Engine]
// and the capabilities checked below; it is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	lim  *rate.Limiter

	mu     sync.Mutex
	truncs map[string]source.Truncation
}

var (
	_ source.Engine             = (*Client)(nil)
	_ source.PageCoster         = (*Client)(nil)
	_ source.PageSizer          = (*Client)(nil)
	_ source.Finisher           = (*Client)(nil)
	_ source.Dialecter          = (*Client)(nil)
	_ source.Faceter            = (*Client)(nil)
	_ source.TruncationReporter = (*Client)(nil)
)

// New returns a v3 client. It fails when BaseURL does not parse or the
// token is empty.
func New(cfg Config) (*Client, error) {
	if cfg.Token.Empty() {
		return nil, fmt.Errorf("censys: %w: no personal access token", source.ErrNoCredentials)
	}
	base, err := parseBase(cfg.BaseURL, DefaultURL)
	if err != nil {
		return nil, err
	}
	if cfg.PageSize <= 0 || cfg.PageSize > PageSize {
		cfg.PageSize = PageSize
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = MaxPages
	}
	if cfg.CreditsPerPage <= 0 {
		cfg.CreditsPerPage = 1
	}
	if cfg.AggregateCredits <= 0 {
		cfg.AggregateCredits = 1
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
	return &Client{cfg: cfg, base: base, lim: lim, truncs: map[string]source.Truncation{}}, nil
}

func parseBase(raw, def string) (*url.URL, error) {
	u, why := baseURL(raw, def)
	if why != "" {
		return nil, fmt.Errorf("censys: base URL %q: %s", source.RedactURL(raw), why)
	}
	return u, nil
}

// baseURL parses an API root; why says what is wrong with it.
func baseURL(raw, def string) (u *url.URL, why string) {
	if raw == "" {
		raw = def
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "want http(s)://host[/path]"
	}
	if u.User != nil {
		return nil, "credentials do not belong in the URL"
	}
	return u, ""
}

// Name returns model.Censys.
func (c *Client) Name() model.Engine { return model.Censys }

// Dialect returns "cenql", the Platform API's query language.
func (c *Client) Dialect() string { return "cenql" }

// API returns "v3".
func (c *Client) API() string { return "v3" }

// Narrow implements [source.Narrower] for CenQL queries with [Narrow] and
// its default limits.
func (c *Client) Narrow(q source.Query, n source.Narrowing) ([]source.Narrowed, error) {
	return Narrow(q.Text, n, source.Limits{})
}

// PageSize returns the page_size sent.
func (c *Client) PageSize() int { return c.cfg.PageSize }

// PageCost returns the credits of one search page. The first page of a
// query that must be split also pays for the aggregate calls that plan the
// split; RawPage.Credits reports what was actually spent.
func (c *Client) PageCost(source.Query, int) int { return c.cfg.CreditsPerPage }

// Done reports whether a stored page was its query's last: it has no next
// cursor (a split query's cursor runs through its sub-queries).
func (c *Client) Done(raw *model.RawPage) bool { return raw.Next == "" }

// Truncations implements [source.TruncationReporter]: the (sub-)queries of
// queryID seen so far whose hits exceeded the depth cap, sorted by text.
func (c *Client) Truncations(queryID string) []source.Truncation {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []source.Truncation
	for _, t := range c.truncs {
		if t.QueryID == queryID {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Query < out[j].Query })
	return out
}

func (c *Client) truncated(t source.Truncation) {
	c.mu.Lock()
	c.truncs[t.QueryID+"\x00"+t.Query] = t
	c.mu.Unlock()
}

// searchResult is result of POST /v3/global/search/query.
type searchResult struct {
	Result struct {
		Hits          []json.RawMessage `json:"hits"`
		NextPageToken string            `json:"next_page_token"`
		TotalHits     float64           `json:"total_hits"`
	} `json:"result"`
}

// Fetch fetches one page of q. Errors name the query text sent (the
// pager adds the query id and page). token is "" for the first page, then the
// previous page's RawPage.Next: the API's next_page_token, or, once the
// query has been split (see [Client.Plan]), an orchex cursor that also
// names the sub-query. Hits that are not hosts are counted in
// Page.Ignored; records that do not decode go to Page.Bad.
func (c *Client) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	st, err := decodeCursor(token, page)
	if err != nil {
		return nil, fmt.Errorf("censys: search %q page %d: %w", q.Text, page, err)
	}
	out := &source.Page{}
	credits := 0
	if st.Plan {
		// Page 1 said the query is over the cap, and is stored: plan the
		// split now, so that a failure here retries only the aggregate
		// calls and a credit stop keeps page 1.
		subs, spent, err := c.Plan(ctx, q.Text, st.Total)
		credits += spent
		switch {
		case err == nil && len(subs) > 1:
			st = cursor{Subs: subs}
		case err == nil || errors.Is(err, source.ErrBadQuery):
			// Nothing to split on (or the aggregate refused the field):
			// page on and report the truncation at the cap.
			st = cursor{Token: st.Token, N: st.N}
		default:
			return nil, fmt.Errorf("planning the split of %d hits: %w", st.Total, err)
		}
	}
	for {
		text := st.text(q.Text)
		res, body, at, err := c.search(ctx, text, st.Token)
		if err != nil {
			return nil, err // says "censys: search <text>: ..."; the pager adds query id and page
		}
		credits += c.cfg.CreditsPerPage
		st.N++
		r := &res.Result
		total := int(r.TotalHits)
		out.Raw = model.RawPage{Engine: model.Censys, QueryID: q.ID, Query: text, Page: page, Token: token,
			Total: total, Hits: len(r.Hits), FetchedAt: at, Body: body}
		out.Observations, out.Ignored, out.Bad = c.decodeHits(q, text, r.Hits)

		switch {
		case len(st.Subs) == 0 && st.N == 1 && r.NextPageToken != "" && total > c.reach() && !c.cfg.NoSplit:
			// Over the depth cap: the next Fetch plans the split. This
			// page's hosts are kept; the parts fetch them again and the
			// store merges the duplicates.
			st = cursor{Plan: true, Total: total, Token: r.NextPageToken, N: 1}
			out.Raw.Next = st.encode()
		case r.NextPageToken != "" && len(r.Hits) > 0 && st.N < c.cfg.MaxPages:
			st.Token = r.NextPageToken
			out.Raw.Next = st.encode()
		default:
			// The (sub-)query ends with fewer pages than its total needs:
			// the depth cap, or the API stopped early. Either way the
			// rest was not fetched.
			if reached := st.N * c.cfg.PageSize; total > reached {
				c.truncated(source.Truncation{QueryID: q.ID, Query: text, Total: total, Reachable: reached})
			}
			if st.Sub+1 < len(st.Subs) {
				st = cursor{Subs: st.Subs, Sub: st.Sub + 1}
				if len(r.Hits) == 0 {
					continue // an empty part: go on, the pager stops on empty pages
				}
				out.Raw.Next = st.encode()
				break
			}
			out.Last = true
		}
		out.Raw.Credits = credits
		return out, nil
	}
}

// reach is the number of hits one query can page through.
func (c *Client) reach() int { return c.cfg.PageSize * c.cfg.MaxPages }

// decodeHits decodes a page's hits: hosts become observations, other hit
// kinds are counted, undecodable records are reported with their index.
func (c *Client) decodeHits(q source.Query, text string, hits []json.RawMessage) (obs []model.Observation, ignored int, bad []error) {
	for i, h := range hits {
		o, kind, err := DecodeV3Hit(h)
		if err != nil {
			bad = append(bad, fmt.Errorf("censys: search %q hit %d: %w", text, i+1, err))
			continue
		}
		if kind != "host_v1" {
			ignored++
			continue
		}
		for j := range o {
			o[j].Engine = model.Censys
			o[j].QueryID = q.ID
		}
		obs = append(obs, o...)
	}
	return obs, ignored, bad
}

// search posts one search request.
func (c *Client) search(ctx context.Context, query, token string) (*searchResult, []byte, time.Time, error) {
	in := struct {
		Query     string `json:"query"`
		PageSize  int    `json:"page_size"`
		PageToken string `json:"page_token,omitempty"`
	}{query, c.cfg.PageSize, token}
	var out searchResult
	body, at, err := c.post(ctx, fmt.Sprintf("search %q", query), "/v3/global/search/query", in, &out)
	return &out, body, at, err
}

// Count returns the number of hosts matching q, from the aggregate
// endpoint's total_count (one aggregate call, 1 credit on Core).
func (c *Client) Count(ctx context.Context, q source.Query) (int, error) {
	a, err := c.Aggregate(ctx, q.Text, "host.services.port", 1)
	if err != nil {
		return 0, err
	}
	return int(a.Total), nil
}

// Aggregate is the answer of an aggregate call: Total hosts match the
// query, Buckets are the most frequent values of Field, Other counts the
// values left out.
type Aggregate struct {
	Query   string
	Field   string
	Total   int64
	Other   int64
	Buckets []Bucket
	// Credits is what the call cost.
	Credits int
}

// Bucket is one value of an aggregated field and its count.
type Bucket struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// Aggregate calls POST /v3/global/search/aggregate for field (a CenQL
// path such as "host.services.port") with n buckets (1..2000).
func (c *Client) Aggregate(ctx context.Context, query, field string, n int) (*Aggregate, error) {
	in := struct {
		Query           string `json:"query"`
		Field           string `json:"field"`
		NumberOfBuckets int    `json:"number_of_buckets"`
	}{query, field, n}
	var out struct {
		Result struct {
			Buckets    []Bucket `json:"buckets"`
			TotalCount int64    `json:"total_count"`
			OtherCount int64    `json:"other_count"`
		} `json:"result"`
	}
	if _, _, err := c.post(ctx, fmt.Sprintf("aggregate %q by %s", query, field), "/v3/global/search/aggregate", in, &out); err != nil {
		return nil, err
	}
	return &Aggregate{Query: query, Field: field, Total: out.Result.TotalCount, Other: out.Result.OtherCount,
		Buckets: out.Result.Buckets, Credits: c.cfg.AggregateCredits}, nil
}

// Host looks one address up (GET /v3/global/asset/host/{ip}) and returns
// its services and the raw body.
func (c *Client) Host(ctx context.Context, ip string) ([]model.Observation, []byte, error) {
	u := c.endpoint("/v3/global/asset/host/" + url.PathEscape(ip))
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("censys: host %q: %w", ip, err)
	}
	c.headers(req)
	req.Header.Set("Accept", "application/vnd.censys.api.v3.host.v1+json")
	op := fmt.Sprintf("host %q", ip)
	resp, body, err := c.do(ctx, op, req)
	if err != nil {
		return nil, nil, err
	}
	var env struct {
		Result struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Result.Resource) == 0 {
		return nil, body, badBody(op, resp, err, c.secrets())
	}
	obs, err := DecodeV3Host(env.Result.Resource)
	if err != nil {
		return nil, body, fmt.Errorf("censys: host %q: %w", ip, err)
	}
	for i := range obs {
		obs[i].Engine = model.Censys
	}
	return obs, body, nil
}

func (c *Client) endpoint(path string) string {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	if c.cfg.OrgID != "" {
		u.RawQuery = url.Values{"organization_id": {c.cfg.OrgID}}.Encode()
	}
	return u.String()
}

func (c *Client) headers(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token.Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "orchex (+https://github.com/orchex/orchex)")
}

// post sends a JSON body and decodes a 2xx JSON answer into out. It
// returns the raw body and the server's Date (or now).
func (c *Client) post(ctx context.Context, op, path string, in, out any) ([]byte, time.Time, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, time.Time{}, err
	}
	req, err := http.NewRequest(http.MethodPost, c.endpoint(path), bytes.NewReader(payload))
	if err != nil {
		return nil, time.Time{}, err
	}
	c.headers(req)
	req.Header.Set("Content-Type", "application/json")
	resp, body, err := c.do(ctx, op, req)
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, time.Time{}, badBody(op, resp, err, c.secrets())
	}
	return body, fetchedAt(resp, c.cfg.Now), nil
}

// do sends req through the shared limiter and classifies the answer.
func (c *Client) do(ctx context.Context, op string, req *http.Request) (*http.Response, []byte, error) {
	resp, body, err := source.Do(ctx, source.Request{Engine: string(model.Censys), Op: op, Client: c.cfg.HTTPClient,
		Limiter: c.lim, MaxBody: c.cfg.MaxBody, Secrets: c.secrets(), Log: c.cfg.Logger, Now: c.cfg.Now}, req)
	if err != nil {
		return nil, nil, err
	}
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	if resp.StatusCode/100 != 2 || (json.Unmarshal(body, &env) == nil && len(env.Error) > 0 && string(env.Error) != "null") {
		// An error body with status 200 is an error too.
		return nil, nil, classify("v3", op, resp, body, c.cfg.Now(), c.secrets())
	}
	return resp, body, nil
}

func (c *Client) secrets() []source.Secret { return []source.Secret{c.cfg.Token} }

// badBody is the error of a 2xx answer that is not the expected JSON (a
// captive portal, a proxy's HTML page): worth another try.
func badBody(op string, resp *http.Response, err error, secrets []source.Secret) error {
	if err == nil {
		err = errors.New("missing result")
	}
	return &source.HTTPError{Engine: model.Censys, Op: op, Status: resp.StatusCode, Err: source.ErrTransient,
		Message: fmt.Sprintf("response (%s) is not the expected JSON: %v", clean(resp.Header.Get("Content-Type"), secrets), err)}
}

// fetchedAt is the server's Date header, or now.
func fetchedAt(resp *http.Response, now func() time.Time) time.Time {
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		return t.UTC()
	}
	return now().UTC()
}

// Balance is a credit balance: the organization's (Org true) or, without
// an organization, the user's free wallet, which ResetsAt renews.
type Balance struct {
	Credits  int64
	Org      bool
	ResetsAt time.Time // zero for organizations
}

// Balance returns the credits left: GET
// /v3/accounts/organizations/{org}/credits, or /v3/accounts/users/credits
// without an organization. collect can show it before a run, as it shows
// Shodan's /api-info.
func (c *Client) Balance(ctx context.Context) (*Balance, error) {
	path := "/v3/accounts/users/credits"
	if c.cfg.OrgID != "" {
		path = "/v3/accounts/organizations/" + url.PathEscape(c.cfg.OrgID) + "/credits"
	}
	req, err := http.NewRequest(http.MethodGet, c.endpoint(path), nil)
	if err != nil {
		return nil, err
	}
	c.headers(req)
	resp, body, err := c.do(ctx, "credit balance", req)
	if err != nil {
		return nil, err
	}
	var out struct {
		Result struct {
			Balance  *int64 `json:"balance"`
			ResetsAt string `json:"resets_at"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Result.Balance == nil {
		return nil, badBody("credit balance", resp, err, c.secrets())
	}
	b := &Balance{Credits: *out.Result.Balance, Org: c.cfg.OrgID != ""}
	if t, err := time.Parse(time.RFC3339, out.Result.ResetsAt); err == nil {
		b.ResetsAt = t.UTC()
	}
	return b, nil
}
