package censys_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
)

const (
	canaryToken  = "censys_pat_CANARY_7f3e9a1b2c"
	canaryOrg    = "11111111-2222-3333-4444-555555555555"
	canaryID     = "api-id-CANARY-c0ffee"
	canarySecret = "api-secret-CANARY-d00dfeed"
)

// hostDoc returns a v3 Host resource in the real shape.
func hostDoc(ip, country string, asn int, ports ...int) []byte {
	var svcs []string
	for _, p := range ports {
		svcs = append(svcs, fmt.Sprintf(`{"port":%d,"protocol":"HTTP","transport_protocol":"tcp","scan_time":"2026-11-20T10:00:00Z",`+
			`"endpoints":[{"endpoint_type":"HTTP","path":"/","http":{"status_code":200,"html_title":"Portainer"}}]}`, p))
	}
	loc := `{}`
	if country != "" {
		loc = fmt.Sprintf(`{"country_code":%q,"country":"X"}`, country)
	}
	return []byte(fmt.Sprintf(`{"ip":%q,"location":%s,"autonomous_system":{"asn":%d,"name":"AS%d"},"service_count":%d,"services":[%s]}`,
		ip, loc, asn, asn, len(ports), strings.Join(svcs, ",")))
}

// v2Doc returns a v2 search hit in the real shape.
func v2Doc(ip string, ports ...int) []byte {
	var svcs []string
	for _, p := range ports {
		svcs = append(svcs, fmt.Sprintf(`{"port":%d,"service_name":"HTTP","extended_service_name":"HTTP","transport_protocol":"TCP"}`, p))
	}
	return []byte(fmt.Sprintf(`{"ip":%q,"services":[%s],"location":{"country_code":"DE"},"autonomous_system":{"asn":16509}}`, ip, strings.Join(svcs, ",")))
}

func population(n int, country func(i int) (string, int)) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		c, asn := country(i)
		out[i] = hostDoc(fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256), c, asn, 443)
	}
	return out
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// noSleep makes the pager's retries instant and records the waits.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (n *noSleep) sleep(_ context.Context, d time.Duration) error {
	n.mu.Lock()
	n.waits = append(n.waits, d)
	n.mu.Unlock()
	return nil
}

func newV3(t *testing.T, srv *censystest.Server, mod func(*censys.Config)) *censys.Client {
	t.Helper()
	cfg := censys.Config{BaseURL: srv.URL(), Token: source.NewSecret(canaryToken), OrgID: canaryOrg, Rate: 1e6}
	if mod != nil {
		mod(&cfg)
	}
	c, err := censys.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// memStore is an in-memory source.PageStore that also collects what the
// handler was given.
type memStore struct {
	mu    sync.Mutex
	pages map[string]map[int]model.RawPage
	obs   map[string]int // address:port → times seen
	bad   int
	ign   int
}

func newMemStore() *memStore {
	return &memStore{pages: map[string]map[int]model.RawPage{}, obs: map[string]int{}}
}

func (m *memStore) LastPage(_ context.Context, snap string, e model.Engine, qid string) (*model.RawPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var last *model.RawPage
	for _, p := range m.pages[qid] {
		if last == nil || p.Page > last.Page {
			p := p
			last = &p
		}
	}
	return last, nil
}

func (m *memStore) Page(_ context.Context, snap string, e model.Engine, qid string, n int) (*model.RawPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.pages[qid][n]; ok {
		return &p, nil
	}
	return nil, nil
}

func (m *memStore) handle(_ context.Context, p *source.Page) (source.Stored, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pages[p.Raw.QueryID] == nil {
		m.pages[p.Raw.QueryID] = map[int]model.RawPage{}
	}
	m.pages[p.Raw.QueryID][p.Raw.Page] = p.Raw
	var st source.Stored
	for _, o := range p.Observations {
		k := fmt.Sprintf("%s:%d", o.Addr, o.Port)
		if m.obs[k] == 0 {
			st.NewServices++
		} else {
			st.MergedServices++
		}
		m.obs[k]++
	}
	m.bad += len(p.Bad)
	m.ign += p.Ignored
	return st, nil
}

func run(t *testing.T, e source.Engine, st *memStore, q source.Query, mod func(*source.Pager)) (source.Result, error) {
	t.Helper()
	ns := &noSleep{}
	p := &source.Pager{Engine: e, Store: st, Snapshot: "2026Q4", Retry: &source.Retrier{Sleep: ns.sleep, Attempts: 6}}
	if mod != nil {
		mod(p)
	}
	return p.Run(context.Background(), q, st.handle)
}

func TestV3PagesToEnd(t *testing.T) {
	pop := population(250, func(int) (string, int) { return "US", 16509 })
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop,
		WebProperties: [][]byte{readFixture(t, "v3/webproperty.json")}})
	defer srv.Close()
	c := newV3(t, srv, nil)
	st := newMemStore()
	res, err := run(t, c, st, source.Query{ID: "portainer/censys/1", Text: `host.services.endpoints.http.html_title: "Portainer"`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != source.StopDone || res.Pages != 3 || res.Credits != 3 || res.Total != 251 {
		t.Errorf("result = %+v, want done after 3 pages, 3 credits, total 251", res)
	}
	if st.ign != 1 {
		t.Errorf("ignored = %d, want the 1 webproperty_v1 hit", st.ign)
	}
	if got := srv.Stats(); got.Credits != 3 || got.Pages != 3 {
		t.Errorf("fake charged %d credits for %d pages, want 3/3", got.Credits, got.Pages)
	}
	for _, r := range srv.Stats().Requests {
		if !r.Auth || r.Org != canaryOrg {
			t.Errorf("request %d: auth=%v org=%q, want the bearer token and organization_id", r.N, r.Auth, r.Org)
		}
	}
	if len(c.Truncations("portainer/censys/1")) != 0 {
		t.Errorf("truncations = %v, want none", c.Truncations("portainer/censys/1"))
	}
	// One service per host (port 443), none undecodable.
	if st.bad != 0 || len(st.obs) != 250 {
		t.Errorf("services = %d, bad = %d; want 250 and 0", len(st.obs), st.bad)
	}
}

func TestV3SplitsOverDepthCap(t *testing.T) {
	// reach = 10 per page × 5 pages = 50. US has 70 hosts (AS1 30, AS2 40),
	// DE 20, FR 15, 10 hosts have no country: 115 hosts.
	pop := population(115, func(i int) (string, int) {
		switch {
		case i < 30:
			return "US", 1
		case i < 70:
			return "US", 2
		case i < 90:
			return "DE", 3
		case i < 105:
			return "FR", 4
		}
		return "", 5
	})
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, PageCap: 5})
	defer srv.Close()
	c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages = 10, 5 })
	st := newMemStore()
	res, err := run(t, c, st, source.Query{ID: "q", Text: "host.services.port: 443"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != source.StopDone {
		t.Fatalf("stopped %s, want done", res.Stopped)
	}
	if tr := c.Truncations("q"); len(tr) != 0 {
		t.Errorf("truncations = %+v, want none: every part fits", tr)
	}
	seen := map[string]bool{}
	for _, p := range st.pages["q"] {
		if p.Credits < 1 {
			t.Errorf("page %d: credits %d", p.Page, p.Credits)
		}
		if !strings.HasPrefix(p.Query, "(host.services.port: 443)") && p.Page > 1 {
			t.Errorf("page %d query %q is not a part of the base query", p.Page, p.Query)
		}
		seen[p.Query] = true
	}
	for _, want := range []string{
		`(host.services.port: 443) and host.location.country_code: "US" and host.autonomous_system.asn: 2`,
		`(host.services.port: 443) and host.location.country_code: "US" and host.autonomous_system.asn: 1`,
		`(host.services.port: 443) and host.location.country_code: {"DE", "FR"}`,
		`(host.services.port: 443) and not host.location.country_code: {"DE", "FR", "US"}`,
	} {
		if !seen[want] {
			t.Errorf("no page for part %s; parts: %v", want, keysOf(seen))
		}
	}
	// Every host fetched once by a part, plus page 1 of the whole query.
	var hits int
	for _, p := range st.pages["q"] {
		hits += p.Hits
	}
	if hits != 115+10 {
		t.Errorf("hits fetched = %d, want 125 (115 hosts + the first page of the whole query)", hits)
	}
	fake := srv.Stats()
	if fake.Credits != res.Credits {
		t.Errorf("fake charged %d, pager counted %d", fake.Credits, res.Credits)
	}
}

func keysOf(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestV3TruncatesWhatCannotBeSplit(t *testing.T) {
	pop := population(80, func(int) (string, int) { return "US", 7 }) // one country, one AS
	for _, noSplit := range []bool{false, true} {
		t.Run(fmt.Sprintf("noSplit=%v", noSplit), func(t *testing.T) {
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, PageCap: 5})
			defer srv.Close()
			c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages, cfg.NoSplit = 10, 5, noSplit })
			st := newMemStore()
			res, err := run(t, c, st, source.Query{ID: "q", Text: "host.services.port: 443"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr := c.Truncations("q")
			if res.Stopped != source.StopDone || len(tr) != 1 || tr[0].Total != 80 || tr[0].Reachable != 50 {
				t.Fatalf("result %+v, truncations %+v: want done with one truncation 80 > 50", res, tr)
			}
		})
	}
}

func TestV3TruncationWhenTheAPIStopsEarly(t *testing.T) {
	// The fake caps at 2 pages while the client expects 100: the API
	// stops before its own total, which is reported as a truncation.
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, PageCap: 2,
		Hosts: population(300, func(int) (string, int) { return "US", 1 })})
	defer srv.Close()
	c := newV3(t, srv, nil)
	res, err := run(t, c, newMemStore(), source.Query{ID: "q", Text: "host.services.port: 443"}, nil)
	if err != nil || res.Pages != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	want := []source.Truncation{{QueryID: "q", Query: "host.services.port: 443", Total: 300, Reachable: 200}}
	if got := c.Truncations("q"); !reflect.DeepEqual(got, want) {
		t.Errorf("truncations = %+v, want %+v", got, want)
	}
}

func TestV3Errors(t *testing.T) {
	pop := population(5, func(int) (string, int) { return "US", 1 })
	tests := []struct {
		name    string
		cfg     censystest.Config
		token   string
		org     string
		query   string
		want    error
		status  int
		says    []string
		retryIn time.Duration
	}{
		{name: "bad token", token: "wrong-" + canaryToken, want: source.ErrUnauthorized, status: 401,
			says: []string{"personal access token", "revoked", "INVALID_TOKEN"}},
		{name: "wrong organization", org: "other-org", want: source.ErrForbidden, status: 403,
			says: []string{"organization ID", "API Access", "other-org"}},
		{name: "bad query", query: "host.services.port: (443", want: source.ErrBadQuery, status: 422,
			says: []string{`"host.services.port: (443"`, "unbalanced parentheses", "body.query"}},
		{name: "no credits", cfg: censystest.Config{Credits: 0, Faults: censystest.Faults{Schedule: map[int]censystest.Fault{1: censystest.QuotaExhausted}}},
			want: source.ErrQuota, status: 402, says: []string{"credits", "what was fetched is kept"}},
		{name: "credits as 403", cfg: censystest.Config{CreditStatus: 403, Faults: censystest.Faults{Schedule: map[int]censystest.Fault{1: censystest.QuotaExhausted}}},
			want: source.ErrQuota, status: 403, says: []string{"credits", "what was fetched is kept"}},
		{name: "rate limited", cfg: censystest.Config{Faults: censystest.Faults{RetryAfter: 7, Schedule: map[int]censystest.Fault{1: censystest.TooMany}}},
			want: source.ErrRateLimited, status: 429, retryIn: 7 * time.Second},
		{name: "rate limited, no Retry-After", cfg: censystest.Config{Faults: censystest.Faults{Schedule: map[int]censystest.Fault{1: censystest.TooManyNoRetry}}},
			want: source.ErrRateLimited, status: 429},
		{name: "503", cfg: censystest.Config{Faults: censystest.Faults{Schedule: map[int]censystest.Fault{1: censystest.Unavailable}}},
			want: source.ErrTransient, status: 503},
		{name: "truncated body", cfg: censystest.Config{Faults: censystest.Faults{Schedule: map[int]censystest.Fault{1: censystest.Truncated}}},
			want: source.ErrTransient},
		{name: "connection reset", cfg: censystest.Config{Faults: censystest.Faults{Schedule: map[int]censystest.Fault{1: censystest.Reset}}},
			want: source.ErrTransient},
		{name: "hostile message", cfg: censystest.Config{Validate: func(string) string { return "bad\x1b[31m query\u202e" + strings.Repeat("x", 5000) }},
			want: source.ErrBadQuery, status: 422, says: []string{"bad [31m query", "…"}},
		{name: "echoed token", token: canaryToken, cfg: censystest.Config{Validate: func(string) string { return "token " + canaryToken + " is not a query" }},
			want: source.ErrBadQuery, status: 422, says: []string{"REDACTED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Token, cfg.OrgID, cfg.Hosts = canaryToken, canaryOrg, pop
			srv := censystest.NewServer(cfg)
			defer srv.Close()
			c := newV3(t, srv, func(c *censys.Config) {
				if tt.token != "" {
					c.Token = source.NewSecret(tt.token)
				}
				if tt.org != "" {
					c.OrgID = tt.org
				}
			})
			q := tt.query
			if q == "" {
				q = "host.services.port: 443"
			}
			_, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: q}, 1, "")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var he *source.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err %T is not a *source.HTTPError", err)
			}
			if tt.status != 0 && he.Status != tt.status {
				t.Errorf("status = %d, want %d", he.Status, tt.status)
			}
			if he.RetryAfter != tt.retryIn {
				t.Errorf("RetryAfter = %v, want %v", he.RetryAfter, tt.retryIn)
			}
			msg := err.Error()
			if !strings.Contains(msg, q) {
				t.Errorf("error %q does not name the query", msg)
			}
			for _, s := range tt.says {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q does not say %q", msg, s)
				}
			}
			if strings.ContainsAny(msg, "\x1b\u202e") || len(msg) > 2000 {
				t.Errorf("error holds control or bidi characters, or is %d bytes long", len(msg))
			}
			for _, secret := range []string{canaryToken, "CANARY"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks %q: %s", secret, msg)
				}
			}
		})
	}
}

func TestV3RetriesThroughPager(t *testing.T) {
	pop := population(250, func(int) (string, int) { return "US", 1 })
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop,
		Faults: censystest.Faults{RetryAfter: 3, Schedule: map[int]censystest.Fault{
			1: censystest.TooMany, 2: censystest.Unavailable, 4: censystest.Reset, 6: censystest.TooManyNoRetry, 7: censystest.Truncated,
		}}})
	defer srv.Close()
	c := newV3(t, srv, nil)
	st := newMemStore()
	ns := &noSleep{}
	res, err := run(t, c, st, source.Query{ID: "q", Text: "host.services.port: 443"}, func(p *source.Pager) {
		p.Retry = &source.Retrier{Sleep: ns.sleep, Attempts: 5}
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != source.StopDone || res.Pages != 3 || res.Retries != 5 {
		t.Errorf("result %+v, want 3 pages after 5 retries", res)
	}
	if len(ns.waits) == 0 || ns.waits[0] < 3*time.Second {
		t.Errorf("first wait %v, want at least the Retry-After of 3s", ns.waits)
	}
	if got := srv.Stats(); got.Credits != 3 {
		t.Errorf("fake charged %d credits, want 3: one per page, none for the answer cut short", got.Credits)
	}
}

func TestV3ResumeWithoutRefetch(t *testing.T) {
	for _, split := range []bool{false, true} {
		t.Run(fmt.Sprintf("split=%v", split), func(t *testing.T) {
			pop := population(120, func(i int) (string, int) { return []string{"US", "DE", "FR"}[i%3], 1 })
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, PageCap: 5})
			defer srv.Close()
			c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages, cfg.NoSplit = 10, 5, !split })
			st := newMemStore()
			q := source.Query{ID: "q", Text: "host.services.port: 443"}
			first, err := run(t, c, st, q, func(p *source.Pager) { p.Budget = source.NewBudget(4) })
			if err != nil || first.Stopped != source.StopMaxCredits {
				t.Fatalf("first run: %+v, %v; want a stop on the credit budget", first, err)
			}
			paid := srv.Stats().Credits
			second, err := run(t, newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages, cfg.NoSplit = 10, 5, !split }), st, q, nil)
			if err != nil || second.Stopped != source.StopDone {
				t.Fatalf("second run: %+v, %v", second, err)
			}
			if second.Resumed != first.Pages {
				t.Errorf("resumed %d pages, want %d", second.Resumed, first.Pages)
			}
			if got := srv.Stats().Credits; got != paid+second.Credits {
				t.Errorf("fake charged %d in total, want %d + %d: a stored page was fetched again", got, paid, second.Credits)
			}
			seen := map[string]bool{}
			for _, r := range srv.Stats().Requests {
				if r.Endpoint != "search" {
					continue
				}
				k := fmt.Sprintf("%s#%d", r.Query, r.Page)
				if seen[k] {
					t.Errorf("page %s fetched twice", k)
				}
				seen[k] = true
			}
		})
	}
}

func TestV3CountAndStats(t *testing.T) {
	pop := population(30, func(i int) (string, int) { return []string{"US", "DE"}[i%2], 100 + i%3 })
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop})
	defer srv.Close()
	c := newV3(t, srv, nil)
	n, err := c.Count(context.Background(), source.Query{ID: "q", Text: "host.services.port: 443"})
	if err != nil || n != 30 {
		t.Fatalf("Count = %d, %v; want 30", n, err)
	}
	s, err := c.FacetStats(context.Background(), source.Query{ID: "q", Text: "host.services.port: 443"}, c.DefaultFacets(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.Total != 30 || len(s.Facets) != 4 || s.Credits != 4 {
		t.Fatalf("stats = %+v", s)
	}
	country := s.Facets[0]
	if country.Name != "country" || len(country.Buckets) != 2 || country.Buckets[0] != (source.Bucket{Value: "DE", Count: 15}) {
		t.Errorf("country facet = %+v", country)
	}
	asn := s.Facets[1]
	if len(asn.Buckets) != 2 || asn.Other != 10 {
		t.Errorf("asn facet = %+v, want 2 buckets and 10 other", asn)
	}
}

func TestV3Host(t *testing.T) {
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: [][]byte{readFixture(t, "v3/kubernetes_host.json")}})
	defer srv.Close()
	c := newV3(t, srv, nil)
	obs, body, err := c.Host(context.Background(), "203.0.113.10")
	if err != nil {
		t.Fatalf("Host: %v", err)
	}
	if len(obs) != 2 || len(body) == 0 || obs[0].Engine != model.Censys {
		t.Errorf("Host gave %d observations (%d bytes), want 2", len(obs), len(body))
	}
	var k8s bool
	for _, o := range obs {
		if o.Port == 6443 && o.Kubernetes != nil && o.Kubernetes.Pods == 2 && o.Kubernetes.Version == "v1.29.3" {
			k8s = true
		}
	}
	if !k8s {
		t.Errorf("no 6443 observation with the Kubernetes fields: %+v", obs)
	}
	_, _, err = c.Host(context.Background(), "192.0.2.1")
	if !errors.Is(err, source.ErrNotFound) {
		t.Errorf("unknown host: err = %v, want ErrNotFound", err)
	}
}

// TestV3FakeRateLimit: the fake counts a client faster than its rate as
// violating it, and a paced client as not.
func TestV3FakeRateLimit(t *testing.T) {
	// Margins wide enough for a loaded machine: the fast client sends 30
	// pages back to back (one pair closer than 22.5 ms is a violation);
	// the paced one leaves 100 ms between its 3 pages, over four times
	// the server's 22.5 ms.
	pop := population(30, func(int) (string, int) { return "US", 1 })
	for _, tt := range []struct {
		client     float64
		pageSize   int
		violations bool
	}{{1e6, 1, true}, {10, 10, false}} {
		t.Run(fmt.Sprintf("client %g/s", tt.client), func(t *testing.T) {
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, Rate: 40})
			defer srv.Close()
			c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.Rate = tt.pageSize, tt.client })
			if _, err := run(t, c, newMemStore(), source.Query{ID: "q", Text: "x"}, nil); err != nil {
				t.Fatal(err)
			}
			if v := srv.Stats().Violations; (v > 0) != tt.violations {
				t.Errorf("violations = %d, want any: %v", v, tt.violations)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []censys.Config{
		{},
		{Token: source.NewSecret(canaryToken), BaseURL: "ftp://x"},
		{Token: source.NewSecret(canaryToken), BaseURL: "http://user:" + canarySecret + "@127.0.0.1"},
	} {
		_, err := censys.New(cfg)
		if err == nil {
			t.Errorf("New(%+v) succeeded", cfg.BaseURL)
			continue
		}
		if strings.Contains(err.Error(), canaryToken) || strings.Contains(err.Error(), canarySecret) {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
}

func TestFetchRejectsCorruptCursor(t *testing.T) {
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg})
	defer srv.Close()
	c := newV3(t, srv, nil)
	_, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "x"}, 2, "orchex-split-1:eyJzIjpbeyJjIjpbIlVTIikgb3IgMT0xIl19XX0")
	if !errors.Is(err, source.ErrBadCursor) || strings.Contains(err.Error(), "--") {
		t.Errorf("err = %v, want source.ErrBadCursor, naming no flag", err)
	}
	if n := len(srv.Stats().Requests); n != 0 {
		t.Errorf("%d requests sent with a corrupt cursor", n)
	}
}

func TestV2Errors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		fault  censystest.Fault
		secret string
		want   error
		says   string
	}{
		{"bad secret", censystest.None, "wrong-" + canarySecret, source.ErrUnauthorized, "API ID and secret"},
		{"forbidden", censystest.Forbidden, "", source.ErrForbidden, "Platform API (v3)"},
		{"quota", censystest.QuotaExhausted, "", source.ErrQuota, "wait for the quota to reset"},
		{"rate limit with 200", censystest.Error200, "", source.ErrRateLimited, "Rate limit exceeded"},
		{"bad query", censystest.Rejected, "", source.ErrBadQuery, "could not be parsed"},
		{"server error", censystest.Internal, "", source.ErrTransient, "unexpected error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := censystest.NewServer(censystest.Config{APIID: canaryID, Secret: canarySecret, V2Hosts: [][]byte{v2Doc("192.0.2.1", 443)}})
			defer srv.Close()
			srv.Inject(tt.fault)
			secret := canarySecret
			if tt.secret != "" {
				secret = tt.secret
			}
			c, err := censys.NewV2(censys.V2Config{BaseURL: srv.URL() + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(secret), Rate: 1e6})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Fetch(context.Background(), source.Query{ID: "q", Text: "services.port: 443"}, 1, "")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.says) || !strings.Contains(msg, `"services.port: 443"`) {
				t.Errorf("error %q does not say %q and the query", msg, tt.says)
			}
			if strings.Contains(msg, "CANARY") {
				t.Errorf("error leaks a credential: %s", msg)
			}
		})
	}
}

func TestV2Count(t *testing.T) {
	srv := censystest.NewServer(censystest.Config{APIID: canaryID, Secret: canarySecret,
		V2Hosts: [][]byte{v2Doc("192.0.2.1", 443, 80), v2Doc("192.0.2.2", 443), readFixture(t, "v2/kubernetes_hit.json")}})
	defer srv.Close()
	c, err := censys.NewV2(censys.V2Config{BaseURL: srv.URL() + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(canarySecret), Rate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.Count(context.Background(), source.Query{ID: "q", Text: "services.port: 443"})
	if err != nil || n != 3 {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}
	s, err := c.FacetStats(context.Background(), source.Query{ID: "q", Text: "services.port: 443"}, c.DefaultFacets(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if s.Facets[2].Name != "port" || s.Facets[2].Buckets[0] != (source.Bucket{Value: "443", Count: 3}) {
		t.Errorf("port facet = %+v", s.Facets[2])
	}
	p, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "services.port: 443"}, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Observations) != 5 || !p.Last {
		t.Errorf("observations = %d (last %v), want 5 services of 3 hosts", len(p.Observations), p.Last)
	}
}

// TestV3SplitPlanFailures checks that a failure while planning a split
// neither refetches page 1 nor loses it.
func TestV3SplitPlanFailures(t *testing.T) {
	pop := population(120, func(i int) (string, int) { return []string{"US", "DE", "FR"}[i%3], 1 })
	for _, tt := range []struct {
		name  string
		fault censystest.Fault
		stop  source.Stop
	}{
		{"rate limited", censystest.TooMany, source.StopDone},
		{"reset", censystest.Reset, source.StopDone},
		{"out of credits", censystest.QuotaExhausted, source.StopQuota},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Request 1 is page 1; request 2 the plan's first aggregate.
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, PageCap: 5,
				Faults: censystest.Faults{Schedule: map[int]censystest.Fault{2: tt.fault}}})
			defer srv.Close()
			c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages = 10, 5 })
			st := newMemStore()
			res, err := run(t, c, st, source.Query{ID: "q", Text: "host.services.port: 443"}, nil)
			if res.Stopped != tt.stop {
				t.Fatalf("stopped %s (%v), want %s", res.Stopped, err, tt.stop)
			}
			if _, ok := st.pages["q"][1]; !ok {
				t.Error("page 1 was not kept")
			}
			if n := srv.Served("host.services.port: 443", 1); n != 1 {
				t.Errorf("page 1 served %d times, want 1", n)
			}
			if tt.stop == source.StopDone && len(st.obs) != 120 {
				t.Errorf("services = %d, want 120", len(st.obs))
			}
		})
	}
}

func TestV3SlowAnswerTimesOut(t *testing.T) {
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg,
		Faults: censystest.Faults{Delay: 300 * time.Millisecond, Schedule: map[int]censystest.Fault{1: censystest.Slow}}})
	defer srv.Close()
	c := newV3(t, srv, func(cfg *censys.Config) { cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond} })
	_, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "x"}, 1, "")
	if !errors.Is(err, source.ErrTransient) || !source.IsTimeout(err) {
		t.Fatalf("err = %v, want a transient timeout", err)
	}
	if strings.Contains(err.Error(), canaryToken) {
		t.Errorf("error leaks the token: %v", err)
	}
	// The next request is answered at once.
	if _, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "x"}, 1, ""); err != nil {
		t.Fatalf("after the slow answer: %v", err)
	}
}

// TestV3SplitIgnoresHostileKeys checks that aggregate values that are not
// country codes never reach a query, and their hosts are still collected
// by the "other countries" part.
func TestV3SplitIgnoresHostileKeys(t *testing.T) {
	hostile := `US\") or host.ip: \"0.0.0.0/0`
	pop := population(60, func(i int) (string, int) {
		if i%2 == 0 {
			return "US", 1
		}
		return hostile, 2
	})
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop, PageCap: 5})
	defer srv.Close()
	c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.MaxPages = 10, 5 })
	st := newMemStore()
	res, err := run(t, c, st, source.Query{ID: "q", Text: "host.services.port: 443"}, nil)
	if err != nil || res.Stopped != source.StopDone {
		t.Fatalf("%+v, %v", res, err)
	}
	for _, r := range srv.Stats().Requests {
		if strings.Contains(r.Query, "0.0.0.0") || strings.Contains(r.Query, "or host.ip") {
			t.Errorf("engine value reached a query: %s", r.Query)
		}
	}
	if len(st.obs) != 60 || len(c.Truncations("q")) != 0 {
		t.Errorf("services = %d, truncations %v; want 60 and none", len(st.obs), c.Truncations("q"))
	}
}

func TestV3Balance(t *testing.T) {
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Credits: 50,
		Hosts: population(10, func(int) (string, int) { return "US", 1 })})
	defer srv.Close()
	c := newV3(t, srv, nil)
	if _, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "x"}, 1, ""); err != nil {
		t.Fatal(err)
	}
	b, err := c.Balance(context.Background())
	if err != nil || b.Credits != 49 || !b.Org {
		t.Errorf("Balance = %+v, %v; want 49 credits of the organization", b, err)
	}
	free := newV3(t, srv, func(cfg *censys.Config) { cfg.OrgID = "" })
	b, err = free.Balance(context.Background())
	if err != nil || b.Org || b.ResetsAt.IsZero() {
		t.Errorf("free wallet Balance = %+v, %v", b, err)
	}
	other := newV3(t, srv, func(cfg *censys.Config) { cfg.OrgID = "other" })
	if _, err := other.Balance(context.Background()); !errors.Is(err, source.ErrForbidden) {
		t.Errorf("other organization: %v, want ErrForbidden", err)
	}
}

// TestPlanCostMatchesRun: the dry run's estimate of a query over the depth
// cap (split by country, then AS) is the pages and credits the collection
// then takes, web properties and the "other countries" part included; so
// is that of a query within the cap, of one that cannot be split, and of
// one capped by --max-pages.
func TestPlanCostMatchesRun(t *testing.T) {
	pop := population(140, func(i int) (string, int) {
		switch {
		case i < 45:
			return "US", 1
		case i < 90:
			return "US", 2
		case i < 110:
			return "DE", 3
		case i < 125:
			return "FR", 4
		}
		return "", 5
	})
	webs := [][]byte{readFixture(t, "v3/webproperty.json"), readFixture(t, "v3/webproperty.json")}
	for _, tc := range []struct {
		name     string
		hosts    [][]byte
		noSplit  bool
		maxPages int
	}{
		{"split", pop, false, 0},
		{"within the cap", pop[:35], false, 0},
		{"no split", pop, true, 0},
		{"max pages", pop, false, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: tc.hosts, PageCap: 5,
				WebProperties: webs, AggregateCredits: 2, CreditsPerPage: 3})
			defer srv.Close()
			c := newV3(t, srv, func(cfg *censys.Config) {
				cfg.PageSize, cfg.MaxPages, cfg.NoSplit, cfg.AggregateCredits, cfg.CreditsPerPage = 10, 5, tc.noSplit, 2, 3
			})
			q := source.Query{ID: "q", Text: "host.services.port: 443"}
			total, err := c.Count(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			pages, credits, spent, err := c.PlanCost(context.Background(), q, total, tc.maxPages)
			if err != nil {
				t.Fatal(err)
			}
			before := srv.Stats().Credits
			res, err := run(t, c, newMemStore(), q, func(p *source.Pager) { p.MaxPages = tc.maxPages })
			if err != nil {
				t.Fatal(err)
			}
			if pages != res.Pages || credits != res.Credits || srv.Stats().Credits-before != credits {
				t.Errorf("estimate %d pages for %d credits; the run took %d pages for %d credits (the fake charged %d)",
					pages, credits, res.Pages, res.Credits, srv.Stats().Credits-before)
			}
			if split := tc.name == "split" || tc.name == "max pages"; split != (spent > 0) {
				t.Errorf("the estimate spent %d credits planning", spent)
			}
		})
	}
}
