package shodan_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"encoding/json"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/shodan"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
	"github.com/orchex/orchex/pkg/source/sourcetest"
)

const canary = "CANARYkey0123456789abcdefCANARY"

var faults = map[sourcetest.Fault]shodantest.Fault{
	sourcetest.None:           shodantest.None,
	sourcetest.Unauthorized:   shodantest.Unauthorized,
	sourcetest.Forbidden:      shodantest.Forbidden,
	sourcetest.BadQuery:       shodantest.BadQuery,
	sourcetest.RateLimit:      shodantest.RateLimit,
	sourcetest.RateLimitAfter: shodantest.RateLimitAfter,
	sourcetest.Unavailable:    shodantest.Unavailable,
	sourcetest.Reset:          shodantest.Reset,
	sourcetest.Truncated:      shodantest.Truncated,
	sourcetest.Error200:       shodantest.RateLimit200,
}

type fake struct {
	srv   *shodantest.Server
	query string
}

func (f fake) Inject(fs ...sourcetest.Fault) {
	for _, x := range fs {
		f.srv.Inject(faults[x])
	}
}
func (f fake) Served(page int) int { return f.srv.Served(f.query, page) }
func (f fake) Credits() int        { return f.srv.Stats().Credits }

// startFake starts a fake with n Kubernetes banners for every query at a
// test rate of 500 requests a second, checked on cleanup.
func startFake(t *testing.T, n int, key string) *shodantest.Server {
	t.Helper()
	pop := shodantest.Kubernetes(n, 7)
	srv := shodantest.NewServer(shodantest.Config{Key: key, Rate: 500, Burst: 2,
		Population: func(string) []json.RawMessage { return pop }})
	t.Cleanup(func() {
		srv.Close()
		if err := srv.Verify(); err != nil {
			t.Error(err)
		}
	})
	return srv
}

func newClient(url, key string, log *slog.Logger) *shodan.Client {
	return shodan.New(shodan.Options{BaseURL: url, Key: source.NewSecret(key), Rate: 250, Logger: log,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Retry:      &source.Retrier{Attempts: 3, Base: time.Millisecond, Max: 5 * time.Millisecond}})
}

func TestConformance(t *testing.T) {
	q := source.Query{ID: "kubernetes/shodan/0", Product: "kubernetes", Text: `product:"Kubernetes" port:6443`}
	sourcetest.Run(t, sourcetest.Harness{
		Query: q, PageSize: shodan.PageSize, Secret: canary, CostPerPage: 1,
		Start: func(t *testing.T, cfg sourcetest.Config) (source.Engine, sourcetest.Fake) {
			srv := startFake(t, cfg.Results, cfg.Secret)
			log := slog.New(slog.NewTextHandler(cfg.Log, &slog.HandlerOptions{Level: slog.LevelDebug}))
			url, hc := sourcetest.Serve(t, cfg, srv.Handler(), srv.URL())
			c := newClient(url, cfg.Secret, log)
			if hc != nil {
				c = shodan.New(shodan.Options{BaseURL: url, Key: source.NewSecret(cfg.Secret), Rate: 250, Logger: log, HTTPClient: hc,
					Retry: &source.Retrier{Attempts: 3, Base: time.Millisecond, Max: 5 * time.Millisecond}})
			}
			return c, fake{srv, q.Text}
		},
	})
}

func TestAPIInfo(t *testing.T) {
	srv := startFake(t, 0, canary)
	info, err := newClient(srv.URL(), canary, nil).APIInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Plan != "dev" || info.QueryCredits != 100000 || info.ScanCredits != 100 {
		t.Errorf("APIInfo = %+v", info)
	}
}

func TestFacets(t *testing.T) {
	pop := []json.RawMessage{
		shodantest.Banner{IP: "1.2.3.4", Port: 6443, Country: "US", Cloud: &shodantest.Cloud{Provider: "Amazon", Region: "us-east-1"}}.JSON(),
		shodantest.Banner{IP: "1.2.3.5", Port: 6443, Country: "US"}.JSON(),
		shodantest.Banner{IP: "1.2.3.6", Port: 8443, Country: "DE"}.JSON(),
	}
	srv := shodantest.NewServer(shodantest.Config{Key: canary, Rate: 500, Population: func(string) []json.RawMessage { return pop }})
	defer srv.Close()
	c := newClient(srv.URL(), canary, nil)
	r, err := c.Facets(context.Background(), "port:6443,8443", []string{"country:10", "port", "cloud.region"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]shodan.Facet{
		"country":      {{"US", 2}, {"DE", 1}},
		"port":         {{"6443", 2}, {"8443", 1}}, // numbers become text
		"cloud.region": {{"us-east-1", 1}},
	}
	if r.Total != 3 {
		t.Errorf("total = %d", r.Total)
	}
	for k, w := range want {
		got := r.Facets[k]
		if len(got) != len(w) {
			t.Errorf("facet %s = %v, want %v", k, got, w)
			continue
		}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("facet %s[%d] = %v, want %v", k, i, got[i], w[i])
			}
		}
	}
	if n, err := c.Count(context.Background(), source.Query{Text: "x"}); err != nil || n != 3 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if st := srv.Stats(); st.Credits != 0 || st.Counts != 2 {
		t.Errorf("stats = %+v; want count free", st)
	}
}

func TestFetchPage(t *testing.T) {
	srv := startFake(t, 150, canary)
	c := newClient(srv.URL(), canary, nil)
	q := source.Query{ID: "k/shodan/0", Text: "product:Kubernetes"}
	p1, err := c.Fetch(context.Background(), q, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	if p1.Raw.Hits != 100 || p1.Raw.Total != 150 || p1.Last || p1.Raw.Credits != 1 || p1.Raw.Next != "" {
		t.Errorf("page 1 raw = hits %d total %d last %v credits %d", p1.Raw.Hits, p1.Raw.Total, p1.Last, p1.Raw.Credits)
	}
	if !bytes.HasPrefix(p1.Raw.Body, []byte(`{"matches": [`)) {
		t.Errorf("raw body is not the response bytes: %.40q", p1.Raw.Body)
	}
	if len(p1.Observations)+len(p1.Bad) != 100 {
		t.Errorf("%d observations + %d bad, want 100", len(p1.Observations), len(p1.Bad))
	}
	for _, o := range p1.Observations {
		if o.QueryID != q.ID || o.Port != 6443 {
			t.Fatalf("observation %+v: want QueryID %s, port 6443", o, q.ID)
		}
	}
	p2, err := c.Fetch(context.Background(), q, 2, "")
	if err != nil || !p2.Last || p2.Raw.Hits != 50 {
		t.Errorf("page 2 = %+v, %v; want last with 50 hits", p2.Raw, err)
	}
	if !c.Done(&p2.Raw) || c.Done(&p1.Raw) {
		t.Error("Done disagrees with Last")
	}
}

func TestErrorsShodan(t *testing.T) {
	for _, tc := range []struct {
		fault shodantest.Fault
		want  error
		text  string
	}{
		{shodantest.Unauthorized, source.ErrUnauthorized, "check the API key"},
		{shodantest.Forbidden, source.ErrForbidden, "Membership"},
		{shodantest.InsufficientCreds, source.ErrQuota, "stored pages are kept"},
		{shodantest.RateLimit200, source.ErrRateLimited, "rate limit"},
		{shodantest.Timeout200, source.ErrTransient, "check the query"},
		{shodantest.BadGateway, source.ErrTransient, "502 Bad Gateway"},
		{shodantest.BadQuery, source.ErrBadQuery, "Invalid search query"},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			srv := startFake(t, 10, canary)
			srv.Inject(tc.fault)
			_, err := newClient(srv.URL(), canary, nil).Fetch(context.Background(), source.Query{ID: "q", Text: "port:1"}, 1, "")
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error = %v; want %v mentioning %q", err, tc.want, tc.text)
			}
			if strings.Contains(err.Error(), canary) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestWrongKey(t *testing.T) {
	srv := startFake(t, 10, canary)
	_, err := newClient(srv.URL(), "wrong-key-"+canary[:6], nil).APIInfo(context.Background())
	var he *source.HTTPError
	if !errors.As(err, &he) || he.Status != 401 || !errors.Is(err, source.ErrUnauthorized) {
		t.Errorf("error = %v; want HTTP 401 ErrUnauthorized", err)
	}
}

func TestTransportErrorRedacted(t *testing.T) {
	srv := startFake(t, 10, canary)
	url := srv.URL()
	srv.Close() // nothing listens any more
	_, err := newClient(url, canary, nil).Fetch(context.Background(), source.Query{ID: "q", Text: "port:1"}, 1, "")
	if err == nil || !errors.Is(err, source.ErrTransient) {
		t.Fatalf("error = %v; want transient", err)
	}
	if strings.Contains(err.Error(), canary) || !strings.Contains(err.Error(), "key=REDACTED") {
		t.Errorf("transport error not redacted: %v", err)
	}
}

func TestSlowResponseTimesOut(t *testing.T) {
	pop := shodantest.Kubernetes(5, 1)
	srv := shodantest.NewServer(shodantest.Config{Key: canary, Rate: 500, SlowDelay: time.Second,
		Population: func(string) []json.RawMessage { return pop }})
	defer srv.Close()
	srv.Inject(shodantest.Slow)
	c := shodan.New(shodan.Options{BaseURL: srv.URL(), Key: source.NewSecret(canary), Rate: 250, HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}})
	_, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "port:1"}, 1, "")
	if !errors.Is(err, source.ErrTransient) || !source.IsTimeout(err) || strings.Contains(err.Error(), canary) {
		t.Errorf("error = %v; want a redacted transient timeout", err)
	}
}

func TestHasFilter(t *testing.T) {
	for q, want := range map[string]bool{
		`product:"Kubernetes"`:           true,
		`"Docker Containers:" port:2375`: true,
		`"Docker Containers:"`:           false,
		`apache`:                         false,
		`-port:80 nginx`:                 true,
		`http.title:"Portainer"`:         true,
		`title "a:b"`:                    false,
	} {
		if got := shodan.HasFilter(q); got != want {
			t.Errorf("HasFilter(%q) = %v, want %v", q, got, want)
		}
		if c := shodantest.Cost(q, 1); (c == 1) != want {
			t.Errorf("fake Cost(%q, 1) = %d, disagrees with HasFilter", q, c)
		}
	}
	c := shodan.New(shodan.Options{})
	if c.PageCost(source.Query{Text: "apache"}, 1) != 0 || c.PageCost(source.Query{Text: "apache"}, 3) != 1 {
		t.Error("PageCost does not follow the documented rule")
	}
}

// TestRandomFaultsStillComplete runs a collection through the fake with
// 30% of requests failing transiently (seeded): it completes, fetches no
// page twice and spends one credit per page needed.
func TestRandomFaultsStillComplete(t *testing.T) {
	pop := shodantest.Kubernetes(1000, 9)
	srv := shodantest.NewServer(shodantest.Config{Key: canary, Rate: 500, Burst: 2, Seed: 42, FaultRate: 0.3,
		Faults:     []shodantest.Fault{shodantest.RateLimit, shodantest.RateLimitAfter, shodantest.RateLimit200, shodantest.Unavailable, shodantest.BadGateway, shodantest.Reset, shodantest.Truncated, shodantest.Timeout200},
		Population: func(string) []json.RawMessage { return pop }})
	defer srv.Close()
	// Slow answers are left out (TestSlowResponseTimesOut has them): a
	// client timeout can fire after the fake served and charged a page,
	// which is a real double charge, not a pager fault.
	c := shodan.New(shodan.Options{BaseURL: srv.URL(), Key: source.NewSecret(canary), Rate: 250, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	st := sourcetest.NewMemStore("R")
	var waits int
	p := &source.Pager{Engine: c, Store: st, Snapshot: "R",
		Retry: &source.Retrier{Attempts: 10, Seed: 3, Sleep: func(ctx context.Context, d time.Duration) error { waits++; return nil }}}
	res, err := p.Run(context.Background(), source.Query{ID: "k/shodan/1", Text: "product:Kubernetes"}, st.Put)
	if err != nil {
		t.Fatalf("Run: %v (stats %+v)", err, srv.Stats())
	}
	s := srv.Stats()
	if res.Stopped != source.StopDone || res.Pages != 10 || s.Credits != 10 || len(srv.Refetched()) > 0 {
		t.Errorf("result %+v, fake %+v, refetched %v", res, s, srv.Refetched())
	}
	if s.Faults == 0 || res.Retries == 0 || waits != res.Retries {
		t.Errorf("faults %d, retries %d, waits %d: the faults were not exercised", s.Faults, res.Retries, waits)
	}
	if err := srv.Verify(); err != nil {
		t.Error(err)
	}
}
