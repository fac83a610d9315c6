package shodan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is Shodan's REST API.
const DefaultBaseURL = "https://api.shodan.io"

// PageSize is the number of banners on a full search page.
const PageSize = 100

// Options configure a [Client].
type Options struct {
	BaseURL    string        // default DefaultBaseURL
	Key        source.Secret // API key, sent as the key query parameter and redacted everywhere
	HTTPClient *http.Client  // default: a client with a 60 s timeout
	// Limiter is shared by every call of the client; nil means a new one at
	// Rate requests a second. Share one Limiter between clients of the
	// same key.
	Limiter *rate.Limiter
	Rate    float64 // requests a second when Limiter is nil; 0 means 1 (Shodan's limit)
	// Retry retries Count, Facets and APIInfo; Fetch makes one request
	// (the pager retries it). nil means the zero Retrier.
	Retry   *source.Retrier
	Logger  *slog.Logger // request log at debug level; nil discards
	MaxBody int64        // response size limit; 0 means source.DefaultMaxBody
	Now     func() time.Time
}

// Client is a Shodan REST client and orchex's [source.Engine] for Shodan.
// It is safe for concurrent use; all its calls share one rate limiter.
type Client struct {
	base    string
	key     source.Secret
	http    *http.Client
	lim     *rate.Limiter
	retry   *source.Retrier
	log     *slog.Logger
	maxBody int64
	now     func() time.Time
}

var (
	_ source.Engine    = (*Client)(nil)
	_ source.Accounter = (*Client)(nil)
	_ source.Faceter   = (*Client)(nil)
	_ source.Dialecter = (*Client)(nil)
)

// New returns a client. It does no I/O.
func New(opts Options) *Client {
	c := &Client{
		base:    strings.TrimRight(opts.BaseURL, "/"),
		key:     opts.Key,
		http:    opts.HTTPClient,
		lim:     opts.Limiter,
		retry:   opts.Retry,
		log:     opts.Logger,
		maxBody: opts.MaxBody,
		now:     opts.Now,
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	if c.lim == nil {
		c.lim = source.NewLimiter(opts.Rate)
	}
	if c.retry == nil {
		c.retry = &source.Retrier{}
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Name returns model.Shodan.
func (c *Client) Name() model.Engine { return model.Shodan }

// Dialect returns "shodan", the catalog dialect of Shodan queries.
func (c *Client) Dialect() string { return "shodan" }

// API returns "shodan-rest".
func (c *Client) API() string { return "shodan-rest" }

// Narrow implements [source.Narrower] with [Narrow] and its default
// limits.
func (c *Client) Narrow(q source.Query, n source.Narrowing) ([]source.Narrowed, error) {
	return Narrow(q.Text, n, source.Limits{})
}

// APIInfo is the account's plan and balance (GET /api-info).
type APIInfo struct {
	Plan         string `json:"plan"`
	QueryCredits int    `json:"query_credits"`
	ScanCredits  int    `json:"scan_credits"`
	UnlockedLeft int    `json:"unlocked_left"`
}

// APIInfo returns the key's plan and credits. It costs no credits.
func (c *Client) APIInfo(ctx context.Context) (*APIInfo, error) {
	var info APIInfo
	_, err := c.retry.Do(ctx, func(ctx context.Context) error {
		body, err := c.get(ctx, "api-info", "/api-info", nil)
		if err != nil {
			return err
		}
		return c.decode("api-info", body, &info)
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// Facet is one bucket of a facet: Value is the engine's value as text
// (numbers, such as ports, are formatted as Shodan sent them).
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// CountResult is the answer of /shodan/host/count.
type CountResult struct {
	Total  int                `json:"total"`
	Facets map[string][]Facet `json:"facets,omitempty"`
}

// Count returns the number of banners matching q. It costs no credits.
func (c *Client) Count(ctx context.Context, q source.Query) (int, error) {
	r, err := c.Facets(ctx, q.Text, nil)
	if err != nil {
		return 0, err
	}
	return r.Total, nil
}

// Facets returns the total of query and the requested facets (each
// "name" or "name:count", e.g. "country:10"). It costs no credits.
func (c *Client) Facets(ctx context.Context, query string, facets []string) (*CountResult, error) {
	params := url.Values{"query": {query}}
	if len(facets) > 0 {
		params.Set("facets", strings.Join(facets, ","))
	}
	var out CountResult
	_, err := c.retry.Do(ctx, func(ctx context.Context) error {
		body, err := c.get(ctx, "count", "/shodan/host/count", params)
		if err != nil {
			return err
		}
		var raw struct {
			Total  int `json:"total"`
			Facets map[string][]struct {
				Count int             `json:"count"`
				Value json.RawMessage `json:"value"`
			} `json:"facets"`
		}
		if err := c.decode("count", body, &raw); err != nil {
			return err
		}
		out = CountResult{Total: raw.Total}
		if len(raw.Facets) > 0 {
			out.Facets = make(map[string][]Facet, len(raw.Facets))
		}
		for name, items := range raw.Facets {
			list := make([]Facet, 0, len(items))
			for _, it := range items {
				list = append(list, Facet{Value: facetValue(it.Value), Count: it.Count})
			}
			out.Facets[name] = list
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count %q: %w", query, err)
	}
	return &out, nil
}

// facetValue formats a facet value: strings as they are, numbers as
// written, anything else as its JSON text.
func facetValue(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	return string(bytes.TrimSpace(v))
}

// PageCost implements [source.PageCoster] with Shodan's documented rule:
// a search page costs 1 query credit when the query uses a filter or the
// page is 2 or beyond, else nothing.
func (c *Client) PageCost(q source.Query, page int) int {
	if page >= 2 || HasFilter(q.Text) {
		return 1
	}
	return 0
}

// HasFilter reports whether a Shodan query uses a filter (name:value
// outside double quotes), which makes every page cost a credit.
func HasFilter(query string) bool {
	inQuote := false
	start := true // at the start of a term
	for i := 0; i < len(query); i++ {
		ch := query[i]
		switch {
		case ch == '"':
			inQuote = !inQuote
			start = false
		case inQuote:
		case ch == ' ' || ch == '\t' || ch == '\n':
			start = true
		case start:
			j := i
			if query[j] == '-' || query[j] == '+' {
				j++
			}
			k := j
			for k < len(query) && isFilterByte(query[k]) {
				k++
			}
			if k > j && k < len(query) && query[k] == ':' {
				return true
			}
			start = false
		}
	}
	return false
}

func isFilterByte(b byte) bool {
	return b == '.' || b == '_' || b == '-' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}

// Done implements [source.Finisher]: a stored page is the last when it
// was empty or reached the total.
func (c *Client) Done(raw *model.RawPage) bool {
	return raw.Hits == 0 || raw.Page*PageSize >= raw.Total
}

// Fetch fetches one search page (GET /shodan/host/search, minify=false) in
// one request. The RawPage holds the exact response bytes; Observations
// are the banners decoded with [DecodeBanner] (banners that fail are
// listed in Page.Bad and stay in the raw page).
func (c *Client) Fetch(ctx context.Context, q source.Query, page int, token string) (*source.Page, error) {
	if page < 1 {
		return nil, fmt.Errorf("shodan: search %q: page %d: pages start at 1", q.ID, page)
	}
	params := url.Values{"query": {q.Text}, "page": {strconv.Itoa(page)}, "minify": {"false"}}
	fetched := c.now().UTC()
	body, err := c.get(ctx, "search", "/shodan/host/search", params)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Matches []json.RawMessage `json:"matches"`
		Total   int               `json:"total"`
	}
	if err := c.decode("search", body, &resp); err != nil {
		return nil, err
	}
	p := &source.Page{
		Raw: model.RawPage{
			Engine: model.Shodan, QueryID: q.ID, Query: q.Text, Page: page, Token: token,
			Total: resp.Total, Hits: len(resp.Matches), Credits: c.PageCost(q, page),
			FetchedAt: fetched, Body: body,
		},
	}
	p.Last = len(resp.Matches) == 0 || page*PageSize >= resp.Total
	p.Observations = make([]model.Observation, 0, len(resp.Matches))
	for i, m := range resp.Matches {
		o, err := DecodeBanner(m)
		if err != nil {
			p.Bad = append(p.Bad, fmt.Errorf("shodan: query %s page %d match %d: %w", q.ID, page, i, err))
			continue
		}
		o.Engine = model.Shodan
		o.QueryID = q.ID
		p.Observations = append(p.Observations, o)
	}
	return p, nil
}

// get is the one place where request URLs are built: it adds the key,
// sends the request, and turns every failure into a redacted error.
func (c *Client) get(ctx context.Context, op, path string, params url.Values) ([]byte, error) {
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("key", c.key.Reveal())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("shodan: %s: building request for %s: %w", op, source.RedactURL(c.base, c.key), source.RedactError(err, c.key))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "orchex")
	resp, body, err := source.Do(ctx, source.Request{Engine: "shodan", Op: op, Client: c.http, Limiter: c.lim, MaxBody: c.maxBody,
		Secrets: []source.Secret{c.key}, Log: c.log, Now: c.now}, req)
	if err != nil {
		return nil, err
	}
	if err := c.check(op, resp, body); err != nil {
		return nil, err
	}
	return body, nil
}

// check turns a non-200 status, or an error JSON with any status, into a
// *source.HTTPError.
func (c *Client) check(op string, resp *http.Response, body []byte) error {
	msg, isErr := errorText(body)
	if resp.StatusCode == http.StatusOK && !isErr {
		return nil
	}
	if isErr {
		msg = source.Redact(msg, c.key)
	} else {
		msg = snippet(body, c.key)
	}
	he := &source.HTTPError{Engine: model.Shodan, Op: op, Status: resp.StatusCode, Message: msg,
		RetryAfter: source.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now())}
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "rate limit"):
		he.Err = source.ErrRateLimited
		if he.RetryAfter == 0 {
			he.RetryAfter = time.Second
		}
	case strings.Contains(lower, "insufficient") && strings.Contains(lower, "credit"),
		strings.Contains(lower, "no query credits"):
		he.Err = source.ErrQuota
		he.Message = msg + " (query credits renew at the start of the month; stored pages are kept)"
	case resp.StatusCode == http.StatusUnauthorized:
		he.Err = source.ErrUnauthorized
		he.Message = msg + " (check the API key)"
	case resp.StatusCode == http.StatusForbidden:
		he.Err = source.ErrForbidden
		he.Message = msg + " (the key's plan may not do this: free keys cannot search since 2023; a Membership or better is needed)"
	case strings.Contains(lower, "timed out or your query was invalid"):
		// Shodan's one message for both: retry, and say what to check.
		he.Err = source.ErrTransient
		he.Message = msg + " (if it persists, check the query syntax)"
	default:
		he.Err = source.StatusErr(resp.StatusCode)
		if he.Err == nil {
			if resp.StatusCode == http.StatusOK {
				he.Err = source.ErrBadQuery
			} else {
				he.Err = fmt.Errorf("unexpected HTTP status %d", resp.StatusCode)
			}
		}
	}
	return he
}

// decode parses a 200 body. A body cut short is transient (a proxy or the
// connection dropped it); other syntax errors are reported as they are.
func (c *Client) decode(op string, body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= int64(len(body)) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &source.HTTPError{Engine: model.Shodan, Op: op, Status: http.StatusOK, Err: source.ErrTransient,
			Message: fmt.Sprintf("response cut short after %d bytes", len(body))}
	}
	return &source.HTTPError{Engine: model.Shodan, Op: op, Status: http.StatusOK,
		Err: fmt.Errorf("unable to parse JSON response: %w", err), Message: snippet(body, c.key)}
}

// errorText returns the "error" member of a JSON error body. An HTML body
// (nginx/Cloudflare error pages) is not an error JSON.
func errorText(body []byte) (string, bool) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return "", false
	}
	var e struct {
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Error == nil {
		return "", false
	}
	return *e.Error, true
}

// snippet is a short, printable excerpt of a body for error messages,
// with key redacted before the body is cut, so that a cut cannot leave
// part of the key behind.
func snippet(body []byte, key source.Secret) string {
	const max = 200
	b := source.RedactBytes(bytes.TrimSpace(body), key)
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xFFFD {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), ""))
	if cut {
		s += "…"
	}
	return s
}
