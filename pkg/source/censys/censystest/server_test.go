package censystest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func hosts(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf(`{"ip":"10.0.%d.%d","location":{"country_code":%q},"autonomous_system":{"asn":%d},"services":[{"port":443},{"port":%d}]}`,
			i/256, i%256, []string{"US", "DE", "FR"}[i%3], 100+i%2, 8000+i%4))
	}
	return out
}

type searchAnswer struct {
	Result struct {
		Hits      []map[string]json.RawMessage `json:"hits"`
		Next      string                       `json:"next_page_token"`
		TotalHits int                          `json:"total_hits"`
	} `json:"result"`
}

func post(t *testing.T, s *Server, path, token, org string, body any) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.URL()+path+"?organization_id="+org, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestV3PagingAndCap(t *testing.T) {
	s := NewServer(Config{Token: "tok", OrgID: "org", Hosts: hosts(250), PageCap: 2, WebProperties: [][]byte{[]byte(`{"hostname":"x.example"}`)}})
	defer s.Close()
	var tok string
	var got, web int
	for page := 1; ; page++ {
		status, body := post(t, s, "/v3/global/search/query", "tok", "org", map[string]any{"query": "q", "page_size": 100, "page_token": tok})
		if status != 200 {
			t.Fatalf("page %d: %d %s", page, status, body)
		}
		var a searchAnswer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		if a.Result.TotalHits != 251 {
			t.Errorf("total_hits = %d, want 251 (250 hosts + 1 web property)", a.Result.TotalHits)
		}
		for _, h := range a.Result.Hits {
			if _, ok := h["webproperty_v1"]; ok {
				web++
			}
		}
		got += len(a.Result.Hits)
		if a.Result.Next == "" {
			if page != 2 {
				t.Errorf("last page %d, want the cap of 2", page)
			}
			break
		}
		tok = a.Result.Next
	}
	if got != 200 || web != 1 {
		t.Errorf("served %d hits (%d web properties) over the cap, want 200 and 1", got, web)
	}
	// A token is bound to its query.
	status, _ := post(t, s, "/v3/global/search/query", "tok", "org", map[string]any{"query": "other", "page_token": tok})
	if status != 400 {
		t.Errorf("foreign page token: status %d, want 400", status)
	}
	if st := s.Stats(); st.Pages != 2 || st.Credits != 2 {
		t.Errorf("stats %+v, want 2 pages, 2 credits", st)
	}
}

func TestV3AuthAndOrg(t *testing.T) {
	s := NewServer(Config{Token: "tok", OrgID: "org"})
	defer s.Close()
	for _, tt := range []struct {
		token, org string
		status     int
		ctype      string
	}{{"bad", "org", 401, "application/json"}, {"tok", "", 403, "application/problem+json"}, {"tok", "other", 403, "application/problem+json"}, {"tok", "org", 200, "application/json"}} {
		status, body := post(t, s, "/v3/global/search/query", tt.token, tt.org, map[string]any{"query": "q"})
		if status != tt.status {
			t.Errorf("token %q org %q: %d %s, want %d", tt.token, tt.org, status, body, tt.status)
		}
		if status == 401 && !bytes.Contains(body, []byte(`"reason":"INVALID_TOKEN"`)) {
			t.Errorf("401 body %s lacks the v3 error shape", body)
		}
	}
	if st := s.Stats(); st.Credits != 1 {
		t.Errorf("credits %d, want 1: refused requests are free", st.Credits)
	}
}

func TestV3AggregateAndFilters(t *testing.T) {
	s := NewServer(Config{Token: "tok", Hosts: hosts(30)})
	defer s.Close()
	status, body := post(t, s, "/v3/global/search/aggregate", "tok", "", map[string]any{"query": "q", "field": "host.services.port", "number_of_buckets": 3})
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var a struct {
		Result struct {
			Buckets    []bucket `json:"buckets"`
			TotalCount int      `json:"total_count"`
			OtherCount int      `json:"other_count"`
			More       bool     `json:"is_more_than_total_hits"`
		} `json:"result"`
	}
	json.Unmarshal(body, &a)
	want := []bucket{{"443", 30}, {"8000", 8}, {"8001", 8}}
	if !reflect.DeepEqual(a.Result.Buckets, want) || a.Result.TotalCount != 30 || a.Result.OtherCount != 14 || !a.Result.More {
		t.Errorf("aggregate = %+v, want %v, total 30, other 14, more", a.Result, want)
	}
	// The clauses the client appends when it splits.
	for _, tt := range []struct {
		query string
		n     int
	}{
		{`(q) and host.location.country_code: "US"`, 10},
		{`(q) and host.location.country_code: {"US", "DE"}`, 20},
		{`(q) and not host.location.country_code: {"US", "DE"}`, 10},
		{`(q) and host.location.country_code: "US" and host.autonomous_system.asn: 100`, 5},
		{`(q) and host.location.country_code: "US" and not host.autonomous_system.asn: {100}`, 5},
		{`(a) or (b)`, 30}, // not a split: all base, every host matches
	} {
		_, body := post(t, s, "/v3/global/search/query", "tok", "", map[string]any{"query": tt.query})
		var sa searchAnswer
		json.Unmarshal(body, &sa)
		if sa.Result.TotalHits != tt.n {
			t.Errorf("%s: %d hits, want %d", tt.query, sa.Result.TotalHits, tt.n)
		}
	}
	status, _ = post(t, s, "/v3/global/search/aggregate", "tok", "", map[string]any{"query": "q", "field": "host.services.port", "number_of_buckets": 2001})
	if status != 422 {
		t.Errorf("2001 buckets: %d, want 422", status)
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	draw := func() []Fault {
		s := NewHandler(Config{Faults: Faults{Seed: 42, P429: 0.2, P5xx: 0.2, PReset: 0.1}})
		var out []Fault
		for i := 1; i <= 50; i++ {
			out = append(out, s.faultLocked(i))
		}
		return out
	}
	a, b := draw(), draw()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed drew different faults")
	}
	n := 0
	for _, f := range a {
		if f != None {
			n++
		}
	}
	if n == 0 || n == 50 {
		t.Errorf("%d faults in 50 draws at p=0.5", n)
	}
}

func TestRateViolations(t *testing.T) {
	s := NewHandler(Config{Rate: 1})
	t0 := time.Unix(0, 0)
	for i, at := range []time.Duration{0, time.Second, 1950 * time.Millisecond, 2200 * time.Millisecond, 4 * time.Second} {
		s.rateLocked(t0.Add(at))
		_ = i
	}
	// 0 ok, 1s ok, 1.95s ok (5% early), 2.2s too early, 4s ok.
	if s.stats.Violations != 1 {
		t.Errorf("violations = %d, want 1", s.stats.Violations)
	}
}

func TestV2Links(t *testing.T) {
	s := NewServer(Config{APIID: "id", Secret: "sec", V2Hosts: hosts(3)})
	defer s.Close()
	get := func(q string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v2/hosts/search?"+q, nil)
		req.SetBasicAuth("id", "sec")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if _, body := get("q=x&per_page=100"); !strings.Contains(body, `"links":{}`) {
		t.Errorf("one page: %s, want links {}", body)
	}
	_, body := get("q=x&per_page=2")
	var a struct {
		Result struct {
			Links struct{ Prev, Next string } `json:"links"`
		} `json:"result"`
	}
	json.Unmarshal([]byte(body), &a)
	if a.Result.Links.Next == "" || a.Result.Links.Prev != "" {
		t.Fatalf("first of two pages: links %+v", a.Result.Links)
	}
	if _, body := get("q=x&per_page=2&cursor=" + a.Result.Links.Next); !strings.Contains(body, `"next":""`) || strings.Contains(body, `"prev":""`) {
		t.Errorf("last page: %s, want an empty next and a prev", body)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v2/hosts/search?q=x", nil)
	req.SetBasicAuth("id", "wrong")
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong secret: %d", resp.StatusCode)
	}
}

func TestEnforcedRate(t *testing.T) {
	s := NewServer(Config{Token: "tok", Rate: 0.5, Enforce: true})
	defer s.Close()
	first, _ := post(t, s, "/v3/global/search/query", "tok", "", map[string]any{"query": "q"})
	second, _ := post(t, s, "/v3/global/search/query", "tok", "", map[string]any{"query": "q"})
	if first != 200 || second != 429 {
		t.Errorf("statuses %d, %d; want 200 then 429", first, second)
	}
	if st := s.Stats(); st.Violations != 1 || st.Requests[1].Fault != TooMany {
		t.Errorf("stats %+v, want one violation answered with 429", st)
	}
}
