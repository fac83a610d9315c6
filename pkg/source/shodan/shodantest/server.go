package shodantest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Shodan's real error texts.
const (
	MsgInvalidKey = "Invalid API key"
	MsgRateLimit  = "Request rate limit reached (1 request/ second). Please wait a second before trying again and slow down your API calls."
	MsgTimeout    = "The search request timed out or your query was invalid."
	MsgForbidden  = "Access denied (403 Forbidden)"
	MsgNoCredits  = "Insufficient query credits, please upgrade your API plan or wait for the monthly limit to reset"
	MsgBadQuery   = "Invalid search query"
)

// Fault is a failure the server can inject into a response.
type Fault string

// The faults. Each applies to one request.
const (
	None              Fault = ""
	RateLimit         Fault = "429"             // 429 with the rate-limit JSON, no Retry-After
	RateLimitAfter    Fault = "429-retry-after" // 429 with Retry-After: 1
	RateLimit200      Fault = "rate-limit-200"  // the rate-limit JSON with status 200
	Unavailable       Fault = "503"             // 503 with an HTML page
	BadGateway        Fault = "502"             // 502 nginx HTML page
	Slow              Fault = "slow"            // the right answer after Config.SlowDelay
	Truncated         Fault = "truncated"       // Content-Length of the full body, half of it sent, connection closed
	Reset             Fault = "reset"           // connection reset before any response
	Unauthorized      Fault = "401"             // 401 {"error": "Invalid API key"}
	Forbidden         Fault = "403"             // 403, as for free plans
	BadQuery          Fault = "400"             // 400 {"error": "Invalid search query"}
	Timeout200        Fault = "timeout-200"     // {"error": "The search request timed out..."} with status 200
	InsufficientCreds Fault = "no-credits"      // 403 {"error": "Insufficient query credits..."}
)

// Config configures a [Server].
type Config struct {
	Key  string // the one accepted key; "" accepts any non-empty key
	Plan string // reported by /api-info; "oss" (free) gets 403 on search. Default "dev"
	// Credits is the starting query-credit balance; < 0 means unlimited.
	// 0 means 100000.
	Credits int
	// Rate is the allowed requests a second (Shodan: 1) and Burst how
	// many may come back to back (default 1). Tolerance is the fraction of
	// the interval 1/Rate by which a request may arrive early, for network
	// and scheduling jitter (default 0.1): a client that keeps to Rate on
	// average is never caught, one that exceeds it for long is. A request
	// beyond them is answered with the rate-limit error and recorded as a
	// violation (the cell algorithm, GCRA).
	Rate      float64
	Burst     int
	Tolerance float64
	// Population returns the banners matching a query (JSON objects as
	// Shodan returns them). nil means none.
	Population func(query string) []json.RawMessage
	// Results, when set, replaces Population with banners made on demand:
	// a search page asks only for its hundred, so that a large simulated
	// population need not be held as JSON (the demo).
	Results func(query string) Banners
	// FaultRate is the probability that a request gets a fault drawn from
	// Faults, with Seed. Queued faults (Inject) come first.
	FaultRate float64
	Faults    []Fault
	Seed      uint64
	SlowDelay time.Duration // default 2 s
	// OnRequest, if set, is called with each request's number (from 1)
	// and fault before it is answered: tests wait on it instead of
	// polling Stats.
	OnRequest func(n int, fault Fault)
}

// Stats are the server's counters.
type Stats struct {
	Requests    int // every request
	Searches    int // /shodan/host/search requests
	Counts      int // /shodan/host/count requests
	PagesServed int // search pages answered with results
	Credits     int // query credits charged
	Faults      int // faults injected
	Violations  int // requests faster than the rate
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	cfg Config
	ts  *httptest.Server

	mu         sync.Mutex
	tat        time.Time // theoretical arrival time of the next request (GCRA)
	rnd        *rand.Rand
	queue      []Fault
	stats      Stats
	credits    int
	served     map[string]map[int]int
	violations []string
	last       time.Time
}

// NewServer starts a fake on 127.0.0.1.
func NewServer(cfg Config) *Server {
	s := newServer(cfg)
	s.ts = httptest.NewServer(s.Handler())
	return s
}

// NewHandler returns a fake that is not listening, for callers that serve
// Handler themselves.
func NewHandler(cfg Config) *Server { return newServer(cfg) }

func newServer(cfg Config) *Server {
	if cfg.Plan == "" {
		cfg.Plan = "dev"
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 1
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 0.1
	}
	if cfg.SlowDelay <= 0 {
		cfg.SlowDelay = 2 * time.Second
	}
	credits := cfg.Credits
	if credits == 0 {
		credits = 100000
	}
	seed := cfg.Seed
	return &Server{
		cfg:     cfg,
		rnd:     rand.New(rand.NewPCG(seed, seed+1)),
		credits: credits,
		served:  map[string]map[int]int{},
	}
}

// URL returns the base URL ("" for a server made with NewHandler).
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

// Inject queues faults for the next requests, one each, in order.
func (s *Server) Inject(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, f...)
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Served returns how many times page of query was answered with results.
func (s *Server) Served(query string, page int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[query][page]
}

// Refetched returns "query page N ×k" for every page answered more than
// once, sorted; empty when no page was served twice.
func (s *Server) Refetched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for q, pages := range s.served {
		for p, n := range pages {
			if n > 1 {
				out = append(out, fmt.Sprintf("%q page %d ×%d", q, p, n))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Verify returns an error listing the rate violations, nil when every
// request respected the rate.
func (s *Server) Verify() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) == 0 {
		return nil
	}
	shown := s.violations
	if len(shown) > 5 {
		shown = shown[:5]
	}
	return fmt.Errorf("shodantest: %d requests faster than %g/s: %s", len(s.violations), s.cfg.Rate, strings.Join(shown, "; "))
}

// Handler returns the fake API as an http.Handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api-info", s.wrap(s.apiInfo))
	mux.HandleFunc("GET /shodan/host/count", s.wrap(s.count))
	mux.HandleFunc("GET /shodan/host/search", s.wrap(s.search))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stats.Requests++
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	})
	return mux
}

type endpoint func(w http.ResponseWriter, r *http.Request, fault Fault)

// wrap applies what every endpoint shares: counting, the rate check, the
// key check and fault injection.
func (s *Server) wrap(h endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		s.mu.Lock()
		s.stats.Requests++
		if !s.allow(now) {
			s.stats.Violations++
			gap := time.Duration(0)
			if !s.last.IsZero() {
				gap = now.Sub(s.last)
			}
			s.violations = append(s.violations, fmt.Sprintf("request %d %s %s after %v", s.stats.Requests, r.Method, r.URL.Path, gap.Round(time.Microsecond)))
			s.last = now
			s.mu.Unlock()
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": MsgRateLimit})
			return
		}
		s.last = now
		fault := s.nextFault()
		if fault != None {
			s.stats.Faults++
		}
		n := s.stats.Requests
		s.mu.Unlock()
		if s.cfg.OnRequest != nil {
			s.cfg.OnRequest(n, fault)
		}

		key := r.URL.Query().Get("key")
		if key == "" || (s.cfg.Key != "" && key != s.cfg.Key) || fault == Unauthorized {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": MsgInvalidKey})
			return
		}
		switch fault {
		case RateLimit:
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": MsgRateLimit})
			return
		case RateLimitAfter:
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": MsgRateLimit})
			return
		case RateLimit200:
			writeJSON(w, http.StatusOK, map[string]string{"error": MsgRateLimit})
			return
		case Timeout200:
			writeJSON(w, http.StatusOK, map[string]string{"error": MsgTimeout})
			return
		case Unavailable:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<html><head><title>503 Service Temporarily Unavailable</title></head><body></body></html>")
			return
		case BadGateway:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
			return
		case Forbidden:
			writeJSON(w, http.StatusForbidden, map[string]string{"error": MsgForbidden})
			return
		case BadQuery:
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": MsgBadQuery})
			return
		case InsufficientCreds:
			writeJSON(w, http.StatusForbidden, map[string]string{"error": MsgNoCredits})
			return
		case Reset:
			reset(w)
			return
		case Slow:
			t := time.NewTimer(s.cfg.SlowDelay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		h(w, r, fault)
	}
}

// allow applies the generic cell rate algorithm: with T = 1/Rate, a
// request at t conforms unless t < tat - ((Burst-1)·T + Tolerance·T); a
// conforming request moves tat to max(tat, t) + T. s.mu is held.
func (s *Server) allow(t time.Time) bool {
	interval := time.Duration(float64(time.Second) / s.cfg.Rate)
	tau := time.Duration(s.cfg.Burst-1)*interval + time.Duration(s.cfg.Tolerance*float64(interval))
	if !s.tat.IsZero() && t.Before(s.tat.Add(-tau)) {
		return false
	}
	if t.After(s.tat) {
		s.tat = t
	}
	s.tat = s.tat.Add(interval)
	return true
}

// nextFault pops a queued fault or draws one; s.mu is held.
func (s *Server) nextFault() Fault {
	if len(s.queue) > 0 {
		f := s.queue[0]
		s.queue = s.queue[1:]
		return f
	}
	if s.cfg.FaultRate > 0 && len(s.cfg.Faults) > 0 && s.rnd.Float64() < s.cfg.FaultRate {
		return s.cfg.Faults[s.rnd.IntN(len(s.cfg.Faults))]
	}
	return None
}

func (s *Server) apiInfo(w http.ResponseWriter, r *http.Request, _ Fault) {
	s.mu.Lock()
	credits := s.credits
	s.mu.Unlock()
	if credits < 0 {
		credits = 1 << 30
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"plan": s.cfg.Plan, "query_credits": credits, "scan_credits": 100, "unlocked_left": credits,
		"unlocked": true, "https": false, "telnet": false, "usage_limits": map[string]int{"query_credits": credits, "scan_credits": 100, "monitored_ips": 16},
	})
}

// Banners is the result list of one query: Len banners, At(i) made when
// asked for.
type Banners interface {
	Len() int
	At(i int) json.RawMessage
}

// List is Banners held in memory.
type List []json.RawMessage

// Len implements Banners.
func (l List) Len() int { return len(l) }

// At implements Banners.
func (l List) At(i int) json.RawMessage { return l[i] }

// population returns the banners of query; a narrowing filter at its
// end (shodan.Narrow) is evaluated here, on the base query's banners.
func (s *Server) population(query string) Banners {
	get := s.cfg.Results
	if get == nil {
		get = func(q string) Banners {
			if s.cfg.Population == nil {
				return List(nil)
			}
			return List(s.cfg.Population(q))
		}
	}
	if base, f, ok := splitNarrowing(query); ok {
		return f.keep(get(base))
	}
	return get(query)
}

func (s *Server) count(w http.ResponseWriter, r *http.Request, _ Fault) {
	s.mu.Lock()
	s.stats.Counts++
	s.mu.Unlock()
	query := r.URL.Query().Get("query")
	if strings.TrimSpace(query) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Empty search query"})
		return
	}
	pop := s.population(query)
	out := map[string]any{"matches": []any{}, "total": pop.Len()}
	if f := r.URL.Query().Get("facets"); f != "" {
		facets, err := countFacets(pop, f)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		out["facets"] = facets
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, fault Fault) {
	q := r.URL.Query()
	query := q.Get("query")
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid page"})
			return
		}
		page = n
	}
	if strings.TrimSpace(query) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Empty search query"})
		return
	}
	if s.cfg.Plan == "oss" {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": MsgForbidden})
		return
	}
	cost := Cost(query, page)
	s.mu.Lock()
	s.stats.Searches++
	if s.credits >= 0 && cost > s.credits {
		s.mu.Unlock()
		writeJSON(w, http.StatusForbidden, map[string]string{"error": MsgNoCredits})
		return
	}
	s.mu.Unlock()

	pop := s.population(query)
	lo := (page - 1) * 100
	var b bytes.Buffer
	b.WriteString(`{"matches": [`)
	for i := lo; i < min(lo+100, pop.Len()); i++ {
		if i > lo {
			b.WriteString(", ")
		}
		b.Write(pop.At(i))
	}
	fmt.Fprintf(&b, `], "total": %d}`, pop.Len())

	if fault == Truncated {
		truncate(w, b.Bytes())
		return
	}
	s.mu.Lock()
	if s.credits >= 0 {
		s.credits -= cost
	}
	s.stats.Credits += cost
	if lo < pop.Len() {
		s.stats.PagesServed++
		if s.served[query] == nil {
			s.served[query] = map[int]int{}
		}
		s.served[query][page]++
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// Cost is Shodan's documented credit rule for one search page: 1 when the
// query has a filter or the page is 2 or beyond.
func Cost(query string, page int) int {
	if page >= 2 {
		return 1
	}
	// Drop quoted phrases, then look for name:value terms.
	var b strings.Builder
	for i, part := range strings.Split(query, `"`) {
		if i%2 == 0 {
			b.WriteString(part)
		}
		b.WriteByte(' ')
	}
	for _, term := range strings.Fields(b.String()) {
		term = strings.TrimLeft(term, "-+")
		if i := strings.IndexByte(term, ':'); i > 0 {
			return 1
		}
	}
	return 0
}

// truncate sends the headers for the whole body, half of it, and closes
// the connection.
func truncate(w http.ResponseWriter, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		reset(w)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n", len(body))
	buf.Write(body[:len(body)/2])
	buf.Flush()
}

// reset closes the connection with a TCP RST before any response.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
