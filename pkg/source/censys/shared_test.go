package censys_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/orchex/orchex/internal/sharedtest"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
)

// sharedSamples returns ../shared/data/samples/censys next to the module
// root, or skips the test when it is absent.
func sharedSamples(t *testing.T) string {
	t.Helper()
	return sharedtest.Dir(t, "data/samples/censys") // skips, or fails in CI, when absent
}

func readShared(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestV3SharedSamples replays the real v3 search captures through the fake
// and checks the client gives exactly what the decoder gives for the
// captured hits.
func TestV3SharedSamples(t *testing.T) {
	dir := sharedSamples(t)
	for _, tt := range []struct {
		file     string
		ip       string
		services int // observations expected (matched_services filter included)
	}{
		{"v3/search_query_host.ip_1.1.1.1__mihari_vcr_2025-12-01.json", "1.1.1.1", 16},
		{"v3/search_query_demisto_sanitized_401_endpoint.json", "127.0.0.1", 1},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			var capture struct {
				Result struct {
					Hits []json.RawMessage `json:"hits"`
				} `json:"result"`
			}
			if err := json.Unmarshal(readShared(t, dir, tt.file), &capture); err != nil {
				t.Fatal(err)
			}
			var hits [][]byte
			var want int
			for _, h := range capture.Result.Hits {
				hits = append(hits, h)
				obs, kind, err := censys.DecodeV3Hit(h)
				if err != nil || kind != "host_v1" {
					t.Fatalf("DecodeV3Hit: kind %q, %v", kind, err)
				}
				want += len(obs)
			}
			if want != tt.services {
				t.Fatalf("decoder gives %d services for the capture, test expects %d", want, tt.services)
			}
			srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hits: hits,
				WebProperties: [][]byte{readFixture(t, "v3/webproperty.json")}})
			defer srv.Close()
			c := newV3(t, srv, nil)
			p, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "host.ip: " + tt.ip}, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if !p.Last || p.Raw.Next != "" || p.Raw.Total != len(hits)+1 || p.Ignored != 1 || len(p.Bad) != 0 {
				t.Errorf("page: last %v next %q total %d ignored %d bad %v", p.Last, p.Raw.Next, p.Raw.Total, p.Ignored, p.Bad)
			}
			if len(p.Observations) != tt.services {
				t.Fatalf("observations = %d, want %d", len(p.Observations), tt.services)
			}
			for _, o := range p.Observations {
				if o.Addr.String() != tt.ip || o.QueryID != "q" || o.Engine != "censys" {
					t.Errorf("observation %s:%d query %q engine %q", o.Addr, o.Port, o.QueryID, o.Engine)
				}
			}
			// The hit bytes went through the fake unchanged.
			for _, h := range hits {
				if !bytes.Contains(p.Raw.Body, h) {
					t.Errorf("raw page does not hold the captured hit verbatim")
				}
			}
		})
	}
}

// TestV2SharedSamples serves the real v2 search capture verbatim (its
// "links": {} crashes python3-censys 2.1.9) and replays its hits, the
// single-hit capture and the censys-python fixture's hits through the fake.
func TestV2SharedSamples(t *testing.T) {
	dir := sharedSamples(t)
	mihari := readShared(t, dir, "v2/hosts_search_ip_1.1.1.1__mihari_vcr_2023-05-20.json")

	t.Run("verbatim links {}", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id, sec, ok := r.BasicAuth(); !ok || id != canaryID || sec != canarySecret || r.URL.Query().Get("per_page") != "100" {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(mihari)
		}))
		defer ts.Close()
		c, err := censys.NewV2(censys.V2Config{BaseURL: ts.URL + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(canarySecret), Rate: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Fetch(context.Background(), source.Query{ID: "q", Text: "ip:1.1.1.1"}, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if !p.Last || p.Raw.Next != "" || p.Raw.Total != 1 || p.Raw.Hits != 1 || len(p.Bad) != 0 || len(p.Observations) == 0 {
			t.Errorf("page: last %v next %q total %d hits %d bad %v obs %d", p.Last, p.Raw.Next, p.Raw.Total, p.Raw.Hits, p.Bad, len(p.Observations))
		}
	})

	var env struct {
		Result struct {
			Hits  []json.RawMessage `json:"hits"`
			Links json.RawMessage   `json:"links"`
		} `json:"result"`
	}
	if err := json.Unmarshal(mihari, &env); err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Result struct {
			Hits []json.RawMessage `json:"hits"`
		} `json:"result"`
	}
	if err := json.Unmarshal(readShared(t, dir, "censys-python-test-fixtures/v2_hosts_search.json"), &fixture); err != nil {
		t.Fatal(err)
	}
	docs := [][]byte{env.Result.Hits[0], readShared(t, dir, "v2/hosts_search_single_hit__2024-10-27.json")}
	for _, h := range fixture.Result.Hits {
		docs = append(docs, h)
	}

	t.Run("through the fake", func(t *testing.T) {
		for _, perPage := range []int{100, 1} {
			srv := censystest.NewServer(censystest.Config{APIID: canaryID, Secret: canarySecret, V2Hosts: docs})
			c, err := censys.NewV2(censys.V2Config{BaseURL: srv.URL() + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(canarySecret), Rate: 1e6, PerPage: perPage})
			if err != nil {
				t.Fatal(err)
			}
			st := newMemStore()
			res, err := run(t, c, st, source.Query{ID: "q", Text: "services.port: 443"}, nil)
			srv.Close()
			if err != nil {
				t.Fatal(err)
			}
			wantPages := (len(docs) + perPage - 1) / perPage
			if res.Stopped != source.StopDone || res.Pages != wantPages || res.Results != len(docs) || st.bad != 0 {
				t.Errorf("per_page %d: result %+v, bad %d; want %d pages of %d hits", perPage, res, st.bad, wantPages, len(docs))
			}
			if perPage == 100 {
				var page struct {
					Result struct {
						Links json.RawMessage `json:"links"`
					} `json:"result"`
				}
				json.Unmarshal(st.pages["q"][1].Body, &page)
				if string(page.Result.Links) != string(bytes.ReplaceAll(env.Result.Links, []byte(" "), nil)) {
					t.Errorf("fake sent links %s for one page, the real API sent %s", page.Result.Links, env.Result.Links)
				}
			}
		}
	})
}

// TestV2ErrorSharedSamples serves censys-python's error fixtures and the
// official aggregate example verbatim, and checks the fake sends the same
// bodies.
func TestV2ErrorSharedSamples(t *testing.T) {
	dir := sharedSamples(t)
	for _, tt := range []struct {
		file   string
		status int
		want   error
		fault  censystest.Fault
	}{
		{"censys-python-test-fixtures/v2_error_429_quota_exhausted.json", 429, source.ErrQuota, censystest.QuotaExhausted},
		{"censys-python-test-fixtures/v2_error_429_rate_limit_exceeded.json", 429, source.ErrRateLimited, censystest.TooManyNoRetry},
		{"censys-python-test-fixtures/v2_error_500.json", 500, source.ErrTransient, censystest.Internal},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			body := readShared(t, dir, tt.file)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				w.Write(body)
			}))
			defer ts.Close()
			c, err := censys.NewV2(censys.V2Config{BaseURL: ts.URL + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(canarySecret), Rate: 1e6})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Fetch(context.Background(), source.Query{ID: "q", Text: "services.port: 443"}, 3, "cursor")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == source.ErrQuota && !bytes.Contains([]byte(err.Error()), []byte("what was fetched is kept")) {
				t.Errorf("quota error %q does not say how to resume", err)
			}
			// The fake's body for the same fault is the same JSON.
			srv := censystest.NewServer(censystest.Config{APIID: canaryID, Secret: canarySecret})
			defer srv.Close()
			srv.Inject(tt.fault)
			req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/api/v2/hosts/search?q=x", nil)
			req.SetBasicAuth(canaryID, canarySecret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got, want any
			json.NewDecoder(resp.Body).Decode(&got)
			json.Unmarshal(body, &want)
			if resp.StatusCode != tt.status || !reflect.DeepEqual(got, want) {
				t.Errorf("fake answered %d %v, the real fixture is %d %v", resp.StatusCode, got, tt.status, want)
			}
		})
	}
	t.Run("aggregate", func(t *testing.T) {
		for _, f := range []string{"censys-python-test-fixtures/v2_hosts_aggregate.json", "v2/hosts_aggregate__official_doc_example.json"} {
			body := readShared(t, dir, f)
			var want struct {
				Result struct {
					Total   int64           `json:"total"`
					Omitted int64           `json:"total_omitted"`
					Buckets []censys.Bucket `json:"buckets"`
					Field   string          `json:"field"`
				} `json:"result"`
			}
			json.Unmarshal(body, &want)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
			c, _ := censys.NewV2(censys.V2Config{BaseURL: ts.URL + "/api", APIID: source.NewSecret(canaryID), Secret: source.NewSecret(canarySecret), Rate: 1e6})
			a, err := c.Aggregate(context.Background(), "q", want.Result.Field, 4)
			ts.Close()
			if err != nil {
				t.Fatal(err)
			}
			if a.Total != want.Result.Total || a.Other != want.Result.Omitted || !reflect.DeepEqual(a.Buckets, want.Result.Buckets) || a.Total == 0 {
				t.Errorf("%s: aggregate = %+v, want %+v", f, a, want.Result)
			}
		}
	})
}
