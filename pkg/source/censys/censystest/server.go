package censystest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config describes the fake's population, credentials and behaviour.
// The zero value serves an empty population to anyone who sends the empty
// token; set at least Token (v3) or APIID/Secret (v2).
type Config struct {
	// Token is the v3 personal access token expected as "Bearer <Token>".
	Token string
	// OrgID, when set, is the organization every v3 request must name with
	// ?organization_id= (or the X-Organization-ID header).
	OrgID string
	// APIID and Secret are the v2 basic-auth credentials.
	APIID, Secret string

	// Hosts are v3 Host resources (the "resource" object of a host_v1 hit)
	// as raw JSON, served in this order. A document that does not parse is
	// still served verbatim (to test decoders), but is left out of
	// aggregates and of the built-in filters.
	Hosts [][]byte
	// Hits are whole v3 search hits ({"host_v1": {"resource", "extensions",
	// "matched_services"}}), served verbatim after Hosts; their resource is
	// used for matching and aggregates. Use it to replay real captures.
	Hits [][]byte
	// HitCount and Hit, when set, are hits made on demand, served after
	// Hits: the fake decodes each once for matching and aggregates and
	// asks for its bytes again when it serves it, so that a large
	// simulated population is not held as JSON (the demo).
	HitCount int
	Hit      func(i int) []byte
	// Fields, when set, are the only dotted host fields (without "host.")
	// the fake keeps of each decoded document, for Match, the split
	// filters and aggregates: a memory bound for large populations.
	Fields []string
	// WebProperties are v3 WebProperty resources mixed into every v3
	// search result as webproperty_v1 hits, spread evenly over the hosts.
	WebProperties [][]byte
	// V2Hosts are v2 host documents, served as search hits and host views.
	V2Hosts [][]byte
	// V2HostCount and V2Host, when set, are v2 host documents made on
	// demand, after V2Hosts (as HitCount and Hit for v3).
	V2HostCount int
	V2Host      func(i int) []byte
	// Match says whether a host document (decoded, nil when it does not
	// parse) matches a query, after the fake has removed the filters the
	// censys client adds when it splits a query (country, ASN, port).
	// Nil matches every host.
	Match func(query string, doc map[string]any) bool
	// Validate returns a non-empty message when the API must reject a query
	// with 422. Nil rejects only empty queries and unbalanced parentheses.
	Validate func(query string) string

	// PageCap is the depth cap in pages per query (default 100). The page
	// at the cap carries an empty next_page_token even when more hits exist.
	PageCap int

	// Rate is the allowed request rate per second (0: unlimited) and Burst
	// the bucket size (default 1). A request that arrives faster is counted
	// in Stats.Violations and, with Enforce, answered with 429.
	Rate    float64
	Burst   int
	Enforce bool

	// Credits is the credit budget (0: unlimited). CreditsPerPage (default
	// 1) is charged per v3 search page and per v2 search page,
	// AggregateCredits (default 1) per aggregate, and 1 per host view.
	// When a request would exceed the budget, v3 answers CreditStatus
	// (default 402) with a problem+json body and v2 answers the real
	// "full quota" 429 body.
	Credits          int
	CreditsPerPage   int
	AggregateCredits int
	CreditStatus     int

	// Faults injects failures.
	Faults Faults

	// Clock, when set, dates every answer (the Date header, which the
	// client records as the fetch time), so that a demo run on a fixed
	// clock stores the same fetch times every time.
	Clock func() time.Time
}

// Fault is one kind of injected failure.
type Fault string

// The faults the server can inject.
const (
	None             Fault = ""
	TooMany          Fault = "429"             // 429 with Retry-After
	TooManyNoRetry   Fault = "429-no-retry"    // 429 without Retry-After
	Unavailable      Fault = "503"             // 503 with a problem body
	Internal         Fault = "500"             // 500 with the API's error body
	Slow             Fault = "slow"            // answer after Faults.Delay
	Truncated        Fault = "truncated"       // half the body, then close
	Reset            Fault = "reset"           // connection reset, no answer
	InvalidPageToken Fault = "bad-page-token"  // 400: the page token is rejected
	QuotaExhausted   Fault = "quota-exhausted" // credits or quota gone
	Unauthorized     Fault = "401"             // credentials refused whatever was sent
	Forbidden        Fault = "403"             // plan or organization refuses
	Rejected         Fault = "422"             // the query is rejected
	Error200         Fault = "error-200"       // an error body (rate-limit text) with status 200
)

// Faults says which requests fail. Schedule (1-based request number across
// every endpoint → fault) wins; otherwise each probability is drawn from a
// PCG generator seeded with Seed, so a run is reproducible.
type Faults struct {
	Seed     uint64
	Schedule map[int]Fault
	// Probabilities per request.
	P429, P429NoRetry, P5xx, PSlow, PTruncated, PReset float64
	// RetryAfter is the Retry-After value in seconds (default 1).
	RetryAfter int
	// Delay is how long a Slow answer waits (default 2s).
	Delay time.Duration
}

// Request is one request the server received.
type Request struct {
	N        int    // 1-based arrival number
	API      string // "v3" or "v2"
	Endpoint string // "search", "aggregate", "host"
	Query    string // the search query, "" for host views
	Page     int    // 1-based page served, 0 when not a search page
	Status   int    // status answered (0 for a reset connection)
	Fault    Fault
	Org      string // organization_id sent
	Auth     bool   // credentials were right
}

// Stats is what the server saw.
type Stats struct {
	Requests    []Request
	Violations  int // requests faster than Rate allows
	MaxInFlight int // most requests served at once
	Credits     int // credits charged
	Pages       int // search pages served with 200
}

// Server is a running fake. Close it when done.
type Server struct {
	cfg    Config
	ts     *httptest.Server
	hosts  []doc
	webs   [][]byte
	v2     []doc // v2Docs
	v2Once sync.Once

	mu       sync.Mutex
	queue    []Fault
	rng      *rand.Rand
	n        int
	tokens   float64
	last     time.Time
	inFlight int
	stats    Stats
}

type doc struct {
	raw []byte
	hit []byte         // the whole hit, when given as Config.Hits
	m   map[string]any // nil when raw does not parse
	ip  string
	n   int // index for Config.Hit when the bytes are made on demand; -1 when held
}

// NewServer starts a fake on a loopback port.
func NewServer(cfg Config) *Server {
	s := newServer(cfg)
	s.ts = httptest.NewServer(s.Handler())
	return s
}

// NewHandler returns a fake that is not listening, for callers that serve
// [Server.Handler] themselves (the demo mounts it on its own listener).
func NewHandler(cfg Config) *Server { return newServer(cfg) }

func newServer(cfg Config) *Server {
	if cfg.PageCap <= 0 {
		cfg.PageCap = 100
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	if cfg.CreditsPerPage <= 0 {
		cfg.CreditsPerPage = 1
	}
	if cfg.AggregateCredits <= 0 {
		cfg.AggregateCredits = 1
	}
	if cfg.CreditStatus == 0 {
		cfg.CreditStatus = http.StatusPaymentRequired
	}
	if cfg.Faults.RetryAfter <= 0 {
		cfg.Faults.RetryAfter = 1
	}
	if cfg.Faults.Delay <= 0 {
		cfg.Faults.Delay = 2 * time.Second
	}
	s := &Server{
		cfg:    cfg,
		webs:   cfg.WebProperties,
		rng:    rand.New(rand.NewPCG(cfg.Faults.Seed, cfg.Faults.Seed^0x9e3779b97f4a7c15)),
		tokens: float64(cfg.Burst),
	}
	s.hosts = decodeDocs(cfg.Hosts, cfg.Fields)
	for _, h := range cfg.Hits {
		d := decodeDocs([][]byte{hitResource(h)}, cfg.Fields)[0]
		d.hit = h // a hit that does not parse is served as is
		s.hosts = append(s.hosts, d)
	}
	for i := range cfg.HitCount {
		d := decodeDocs([][]byte{hitResource(cfg.Hit(i))}, cfg.Fields)[0]
		d.raw, d.n = nil, i
		s.hosts = append(s.hosts, d)
	}
	return s
}

// v2Docs returns the v2 documents, decoded at the first v2 request: a
// fake serving v3 only (the demo) never holds them.
func (s *Server) v2Docs() []doc {
	s.v2Once.Do(func() {
		s.v2 = decodeDocs(s.cfg.V2Hosts, s.cfg.Fields)
		for i := range s.cfg.V2HostCount {
			d := decodeDocs([][]byte{s.cfg.V2Host(i)}, s.cfg.Fields)[0]
			d.raw, d.n = nil, i
			s.v2 = append(s.v2, d)
		}
	})
	return s.v2
}

// v2Raw returns a v2 host document.
func (s *Server) v2Raw(d *doc) []byte {
	if d.n >= 0 {
		return s.cfg.V2Host(d.n)
	}
	return d.raw
}

// hitResource returns the resource of a host_v1 hit.
func hitResource(hit []byte) []byte {
	var w struct {
		Host struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"host_v1"`
	}
	_ = json.Unmarshal(hit, &w)
	return w.Host.Resource
}

func decodeDocs(raws [][]byte, fields []string) []doc {
	out := make([]doc, 0, len(raws))
	for _, raw := range raws {
		d := doc{raw: raw, n: -1}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) == nil {
			d.m = m
			if ip, ok := m["ip"].(string); ok {
				d.ip = ip
			}
			if fields != nil {
				d.m = prune(m, fields)
			}
		}
		out = append(out, d)
	}
	return out
}

// prune returns the parts of m at the dotted paths, through arrays.
func prune(m map[string]any, paths []string) map[string]any {
	out := map[string]any{}
	for _, p := range paths {
		head, rest, deep := strings.Cut(p, ".")
		v, ok := m[head]
		if !ok {
			continue
		}
		if !deep {
			out[head] = v
			continue
		}
		var sub any
		switch x := v.(type) {
		case map[string]any:
			sub = prune(x, []string{rest})
		case []any:
			var arr []any
			for _, e := range x {
				if em, ok := e.(map[string]any); ok {
					arr = append(arr, prune(em, []string{rest}))
				}
			}
			sub = arr
		default:
			continue
		}
		out[head] = merge(out[head], sub)
	}
	return out
}

// merge joins two pruned parts of the same value.
func merge(a, b any) any {
	switch x := a.(type) {
	case map[string]any:
		for k, v := range b.(map[string]any) {
			x[k] = merge(x[k], v)
		}
		return x
	case []any:
		y := b.([]any)
		for i := range x {
			if i < len(y) {
				x[i] = merge(x[i], y[i])
			}
		}
		return x
	}
	return b
}

// hitBytes returns d as a v3 host_v1 hit.
func (s *Server) hitBytes(d *doc) []byte {
	switch {
	case d.n >= 0:
		return s.cfg.Hit(d.n)
	case d.hit != nil:
		return d.hit
	}
	return wrapHit("host_v1", d.raw)
}

// resource returns d's host resource.
func (s *Server) resource(d *doc) []byte {
	if d.n >= 0 {
		return hitResource(s.cfg.Hit(d.n))
	}
	return d.raw
}

// URL returns the base URL (no trailing slash), "" for a server made with
// [NewHandler]. The v3 client takes it as is; the v2 endpoints live under
// URL()+"/api".
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Close shuts the server down.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler returns the fake's handler, to mount on another server.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/global/search/query", s.wrap("v3", "search", s.v3Search))
	mux.HandleFunc("POST /v3/global/search/aggregate", s.wrap("v3", "aggregate", s.v3Aggregate))
	mux.HandleFunc("GET /v3/global/asset/host/{ip}", s.wrap("v3", "host", s.v3Host))
	mux.HandleFunc("GET /v3/accounts/organizations/{org}/credits", s.wrap("v3", "credits", s.v3Credits))
	mux.HandleFunc("GET /v3/accounts/users/credits", s.wrap("v3", "credits", s.v3Credits))
	mux.HandleFunc("GET /api/v2/hosts/search", s.wrap("v2", "search", s.v2Search))
	mux.HandleFunc("GET /api/v2/hosts/aggregate", s.wrap("v2", "aggregate", s.v2Aggregate))
	mux.HandleFunc("GET /api/v2/hosts/{ip}", s.wrap("v2", "host", s.v2Host))
	return mux
}

// Stats returns a copy of what the server saw so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = append([]Request(nil), s.stats.Requests...)
	return st
}

// call is the state of one request while it is handled.
type call struct {
	req     *Request
	fault   Fault
	charged int // credits charged for this request
}

type handler func(w http.ResponseWriter, r *http.Request, c *call)

// wrap does what every endpoint shares: arrival accounting, the rate
// check, fault injection and the credentials check.
func (s *Server) wrap(api, endpoint string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Clock != nil {
			w.Header().Set("Date", s.cfg.Clock().UTC().Format(http.TimeFormat))
		}
		s.mu.Lock()
		s.n++
		rec := Request{N: s.n, API: api, Endpoint: endpoint, Org: orgOf(r)}
		tooFast := s.rateLocked(time.Now())
		fault := s.faultLocked(s.n)
		s.inFlight++
		if s.inFlight > s.stats.MaxInFlight {
			s.stats.MaxInFlight = s.inFlight
		}
		s.mu.Unlock()

		c := &call{req: &rec, fault: fault}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			s.mu.Lock()
			s.inFlight--
			rec.Status = sw.status
			rec.Fault = c.fault
			s.stats.Requests = append(s.stats.Requests, rec)
			s.mu.Unlock()
		}()

		if tooFast && s.cfg.Enforce {
			c.fault = TooMany
			s.tooMany(sw, api, true)
			return
		}
		if !s.inject(sw, r, api, c) {
			return
		}
		if api == "v3" {
			if !s.v3Auth(sw, r, c) {
				return
			}
		} else if !s.v2Auth(sw, r, c) {
			return
		}
		h(sw, r, c)
	}
}

// rateLocked refills the token bucket and reports whether this arrival
// exceeds the configured rate. A request may arrive up to 10% early
// (network and scheduling jitter); a client at twice the rate is caught.
func (s *Server) rateLocked(now time.Time) bool {
	if s.cfg.Rate <= 0 {
		return false
	}
	if !s.last.IsZero() {
		s.tokens += now.Sub(s.last).Seconds() * s.cfg.Rate
		if b := float64(s.cfg.Burst); s.tokens > b {
			s.tokens = b
		}
	}
	s.last = now
	if s.tokens < 0.9 {
		s.stats.Violations++
		return true
	}
	s.tokens--
	return false
}

// Inject queues faults for the next requests, one per request, whatever
// their endpoint; None lets a request through. Faults.Schedule wins over
// the queue.
func (s *Server) Inject(f ...Fault) {
	s.mu.Lock()
	s.queue = append(s.queue, f...)
	s.mu.Unlock()
}

// Served returns how many times page (1-based) of query was answered in
// full (status 200, not cut short).
func (s *Server) Served(query string, page int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.stats.Requests {
		if r.Endpoint == "search" && r.Query == query && r.Page == page && r.Status == http.StatusOK && r.Fault != Truncated && r.Fault != Error200 {
			n++
		}
	}
	return n
}

func (s *Server) faultLocked(n int) Fault {
	f := s.cfg.Faults
	if k, ok := f.Schedule[n]; ok {
		return k
	}
	if len(s.queue) > 0 {
		k := s.queue[0]
		s.queue = s.queue[1:]
		return k
	}
	r := s.rng.Float64()
	for _, p := range []struct {
		p float64
		k Fault
	}{{f.P429, TooMany}, {f.P429NoRetry, TooManyNoRetry}, {f.P5xx, Unavailable}, {f.PSlow, Slow}, {f.PTruncated, Truncated}, {f.PReset, Reset}} {
		if r < p.p {
			return p.k
		}
		r -= p.p
	}
	return None
}

// inject applies the fault of this request. It reports whether the
// request should go on to its handler.
func (s *Server) inject(w *statusWriter, r *http.Request, api string, c *call) bool {
	switch c.fault {
	case TooMany:
		s.tooMany(w, api, true)
	case TooManyNoRetry:
		s.tooMany(w, api, false)
	case Unavailable:
		problem(w, http.StatusServiceUnavailable, "Service Unavailable", "The service is temporarily unavailable. Please try again later.", nil)
	case Internal:
		if api == "v2" {
			writeJSON(w, http.StatusInternalServerError, "application/json", v2Error500)
		} else {
			problem(w, http.StatusInternalServerError, "Internal Server Error", "An unexpected error occurred.", nil)
		}
	case Slow:
		t := time.NewTimer(s.cfg.Faults.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
		return true
	case Reset:
		resetConn(w)
	case QuotaExhausted:
		s.noCredits(w, api)
	case Unauthorized:
		if api == "v2" {
			writeJSON(w, http.StatusUnauthorized, "application/json", v2Unauthorized)
		} else {
			writeJSON(w, http.StatusUnauthorized, "application/json", v3Unauthorized)
		}
	case Forbidden:
		if api == "v2" {
			v2Fail(w, http.StatusForbidden, "Access was denied for this resource or feature.")
		} else {
			problem(w, http.StatusForbidden, "Forbidden", "Your role does not permit this action in this organization.", nil)
		}
	case Rejected:
		if api == "v2" {
			v2Fail(w, http.StatusUnprocessableEntity, "Invalid search. Your query could not be parsed.")
		} else {
			problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "validation failed",
				[]map[string]string{{"location": "body.query", "message": "Field not found"}})
		}
	case Error200:
		if api == "v2" {
			writeJSON(w, http.StatusOK, "application/json", v2RateLimited)
		} else {
			writeJSON(w, http.StatusOK, "application/json", []byte(`{"error":{"code":429,"status":"Too Many Requests","message":"rate limit exceeded","reason":"RATE_LIMIT_EXCEEDED"}}`))
		}
	case Truncated, InvalidPageToken:
		return true // applied by the handler, which has a body to cut
	default:
		return true
	}
	return false
}

func (s *Server) tooMany(w http.ResponseWriter, api string, retryAfter bool) {
	if retryAfter {
		w.Header().Set("Retry-After", itoa(s.cfg.Faults.RetryAfter))
	}
	if api == "v2" {
		writeJSON(w, http.StatusTooManyRequests, "application/json", v2RateLimited)
		return
	}
	writeJSON(w, http.StatusTooManyRequests, "application/json", []byte(`{"error":{"code":429,"status":"Too Many Requests","message":"rate limit exceeded","reason":"RATE_LIMIT_EXCEEDED"}}`))
}

// charge takes n credits from the budget; false when the budget is spent
// (the answer has then been written).
func (s *Server) charge(w http.ResponseWriter, c *call, api string, n int) bool {
	s.mu.Lock()
	ok := s.cfg.Credits <= 0 || s.stats.Credits+n <= s.cfg.Credits
	if ok {
		s.stats.Credits += n
		c.charged += n
	}
	s.mu.Unlock()
	if !ok {
		s.noCredits(w, api)
	}
	return ok
}

func (s *Server) noCredits(w http.ResponseWriter, api string) {
	if api == "v2" {
		writeJSON(w, http.StatusTooManyRequests, "application/json", v2QuotaExhausted)
		return
	}
	problem(w, s.cfg.CreditStatus, http.StatusText(s.cfg.CreditStatus),
		"Your organization does not have enough credits to complete this request.", nil)
}

// write sends a 200 body, or half of it with a closed connection when the
// request's fault is Truncated.
//
// A cut answer is not charged: whether Censys bills a page the client
// never received in full is not documented, and orchex's accounting
// (credits spent = pages needed) is measured against complete answers.
func (s *Server) write(w http.ResponseWriter, c *call, ctype string, body []byte) {
	if c.fault == Truncated {
		s.mu.Lock()
		s.stats.Credits -= c.charged
		if c.req.Page > 0 {
			s.stats.Pages--
		}
		s.mu.Unlock()
		truncate(w, ctype, body)
		return
	}
	writeJSON(w, http.StatusOK, ctype, body)
}

func writeJSON(w http.ResponseWriter, status int, ctype string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Request-Id", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	w.Write(body)
}

// problem writes an RFC 7807 body as the v3 API does for 4xx and 5xx.
func problem(w http.ResponseWriter, status int, title, detail string, errs []map[string]string) {
	b, _ := json.Marshal(struct {
		Type   string              `json:"type"`
		Title  string              `json:"title"`
		Status int                 `json:"status"`
		Detail string              `json:"detail"`
		Errors []map[string]string `json:"errors,omitempty"`
	}{"about:blank", title, status, detail, errs})
	writeJSON(w, status, "application/problem+json", b)
}

// truncate announces the whole body, sends half of it and drops the
// connection, as a proxy that dies mid-answer does.
func truncate(w http.ResponseWriter, ctype string, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: " + ctype + "\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n")
	buf.Write(body[:len(body)/2])
	buf.Flush()
	if sw, ok := w.(*statusWriter); ok {
		sw.status = http.StatusOK
	}
}

// resetConn closes the connection with SO_LINGER 0, so the client reads
// a connection reset.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func orgOf(r *http.Request) string {
	if o := r.URL.Query().Get("organization_id"); o != "" {
		return o
	}
	return r.Header.Get("X-Organization-ID")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// matching returns the documents of pop that match query, in order.
func (s *Server) matching(pop []doc, query string, v2 bool) []doc {
	base, filters := splitFilters(query, v2)
	var out []doc
	for _, d := range pop {
		if !filters.match(d.m) {
			continue
		}
		if s.cfg.Match != nil && !s.cfg.Match(base, d.m) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// validate applies Config.Validate or the default rules.
func (s *Server) validate(query string) string {
	if s.cfg.Validate != nil {
		return s.cfg.Validate(query)
	}
	if strings.TrimSpace(query) == "" {
		return "query is required"
	}
	depth := 0
	for _, r := range query {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth < 0 {
			break
		}
	}
	if depth != 0 {
		return "Failed to parse query: unbalanced parentheses"
	}
	return ""
}

// buckets counts, for each value of field, the documents that have it.
func buckets(docs []doc, field string) (all []bucket) {
	counts := map[string]int{}
	for _, d := range docs {
		if d.m == nil {
			continue
		}
		seen := map[string]bool{}
		for _, v := range values(d.m, field) {
			if !seen[v] {
				seen[v] = true
				counts[v]++
			}
		}
	}
	for k, n := range counts {
		all = append(all, bucket{Key: k, Count: n})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Key < all[j].Key
	})
	return all
}

type bucket struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}
