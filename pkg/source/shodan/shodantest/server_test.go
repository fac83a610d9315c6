package shodantest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServerContract(t *testing.T) {
	pop := shodantest.Kubernetes(150, 1)
	srv := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 1000, Burst: 10, Credits: 2,
		Population: func(q string) []json.RawMessage {
			if q == "none" {
				return nil
			}
			return pop
		}})
	defer srv.Close()
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/api-info?key=bad", 401, `{"error":"Invalid API key"}`},
		{"/api-info", 401, `{"error":"Invalid API key"}`},
		{"/api-info?key=k", 200, `"query_credits":2`},
		{"/shodan/host/count?key=k&query=x&facets=port:3", 200, `"total":150`},
		{"/shodan/host/count?key=k&query=x&facets=port:3", 200, `"value":6443`},
		{"/shodan/host/search?key=k&query=x&page=9", 200, `{"matches": [], "total": 150}`},
		{"/shodan/host/search?key=k&query=product:x&page=1", 200, `"total": 150}`},
		{"/shodan/host/search?key=k&query=product:x&page=2", 403, "Insufficient query credits"},
		{"/shodan/host/search?key=k&query=&page=1", 400, "Empty search query"},
		{"/nope?key=k", 404, "Not found"},
	} {
		status, body := get(t, srv.URL()+tc.path)
		if status != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("GET %s = %d %.120q; want %d with %q", tc.path, status, body, tc.status, tc.body)
		}
	}
	st := srv.Stats()
	if st.Credits != 2 || st.PagesServed != 1 || st.Counts != 2 || srv.Served("product:x", 1) != 1 {
		t.Errorf("stats = %+v", st)
	}
	if err := srv.Verify(); err != nil {
		t.Error(err)
	}
}

func TestServerCatchesFastClients(t *testing.T) {
	srv := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 1})
	defer srv.Close()
	get(t, srv.URL()+"/api-info?key=k")
	status, body := get(t, srv.URL()+"/api-info?key=k") // well within a second
	if status != 429 || !strings.Contains(body, "rate limit reached") {
		t.Errorf("second request = %d %s; want the rate-limit error", status, body)
	}
	if err := srv.Verify(); err == nil || !strings.Contains(err.Error(), "1 requests faster than 1/s") {
		t.Errorf("Verify = %v; want one violation", err)
	}
}

func TestServerFaultShapes(t *testing.T) {
	srv := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 1000, Burst: 10})
	defer srv.Close()
	srv.Inject(shodantest.RateLimitAfter, shodantest.RateLimit200, shodantest.BadGateway, shodantest.Reset)
	resp, err := http.Get(srv.URL() + "/api-info?key=k")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("429 fault = %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, body := get(t, srv.URL()+"/api-info?key=k"); status != 200 || !strings.Contains(body, `"error"`) {
		t.Errorf("error-with-200 fault = %d %s", status, body)
	}
	if status, body := get(t, srv.URL()+"/api-info?key=k"); status != 502 || !strings.Contains(body, "nginx") {
		t.Errorf("502 fault = %d %s", status, body)
	}
	// A fresh connection: net/http retries a GET reset on a reused one.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := fresh.Get(srv.URL() + "/api-info?key=k"); err == nil {
		t.Error("reset fault answered")
	}
	if st := srv.Stats(); st.Faults != 4 {
		t.Errorf("faults = %d", st.Faults)
	}
}

func TestHandlerWithoutListener(t *testing.T) {
	s := shodantest.NewHandler(shodantest.Config{Key: "k"})
	if s.URL() != "" || s.Handler() == nil {
		t.Error("NewHandler: want no URL and a handler")
	}
	s.Close() // no-op
}

// counted is Banners that counts the banners made.
type counted struct {
	l    shodantest.List
	made *int
}

func (c counted) Len() int { return c.l.Len() }
func (c counted) At(i int) json.RawMessage {
	*c.made++
	return c.l.At(i)
}

// TestResultsOnDemand: Config.Results serves the same pages as
// Population and makes only the banners of the page asked for.
func TestResultsOnDemand(t *testing.T) {
	pop := shodantest.Kubernetes(250, 3)
	made := 0
	lazy := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 1000, Burst: 10, Credits: -1,
		Results: func(string) shodantest.Banners { return counted{pop, &made} }})
	defer lazy.Close()
	held := shodantest.NewServer(shodantest.Config{Key: "k", Rate: 1000, Burst: 10, Credits: -1,
		Population: func(string) []json.RawMessage { return pop }})
	defer held.Close()
	for _, page := range []string{"1", "3"} {
		_, a := get(t, lazy.URL()+"/shodan/host/search?key=k&query=x&page="+page)
		_, b := get(t, held.URL()+"/shodan/host/search?key=k&query=x&page="+page)
		if a != b {
			t.Errorf("page %s differs", page)
		}
	}
	if made != 150 {
		t.Errorf("%d banners made for pages of 100 and 50, want 150", made)
	}
}
