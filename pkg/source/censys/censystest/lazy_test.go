package censystest

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"
)

// TestHitsOnDemand: hits made on demand (HitCount, Hit) and kept fields
// (Fields) serve the same pages, split filters and aggregates as the same
// hits held in memory, and only a served page's hits are made again.
func TestHitsOnDemand(t *testing.T) {
	hs := hosts(250)
	var hits [][]byte
	for _, h := range hs {
		hits = append(hits, wrapHit("host_v1", h))
	}
	var made atomic.Int64
	lazy := NewServer(Config{Token: "tok", HitCount: len(hits), Fields: []string{"ip", "location.country_code", "autonomous_system.asn", "services.port"},
		Hit: func(i int) []byte { made.Add(1); return hits[i] }, V2HostCount: len(hs), V2Host: func(i int) []byte { return hs[i] }})
	defer lazy.Close()
	held := NewServer(Config{Token: "tok", Hits: hits, V2Hosts: hs})
	defer held.Close()
	made.Store(0)
	for _, q := range []map[string]any{
		{"query": "q", "page_size": 100},
		{"query": `(q) and host.location.country_code: "US" and host.autonomous_system.asn: 100`, "page_size": 100},
	} {
		_, a := post(t, lazy, "/v3/global/search/query", "tok", "", q)
		_, b := post(t, held, "/v3/global/search/query", "tok", "", q)
		if string(a) != string(b) {
			t.Errorf("%v: on demand\n%s\nheld\n%s", q["query"], a, b)
		}
	}
	if n := made.Load(); n != 100+42 {
		t.Errorf("%d hits made for two pages of 100 and 42, want 142", n)
	}
	agg := map[string]any{"query": "q", "field": "host.services.port", "number_of_buckets": 5}
	_, a := post(t, lazy, "/v3/global/search/aggregate", "tok", "", agg)
	_, b := post(t, held, "/v3/global/search/aggregate", "tok", "", agg)
	if string(a) != string(b) {
		t.Errorf("aggregate: on demand %s, held %s", a, b)
	}
	get := func(s *Server, path string) string {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return string(out)
	}
	if a, b := get(lazy, "/v3/global/asset/host/10.0.0.7"), get(held, "/v3/global/asset/host/10.0.0.7"); a != b {
		t.Errorf("host view: %s vs %s", a, b)
	}
}

func TestPrune(t *testing.T) {
	m := decodeDocs([][]byte{[]byte(`{"ip":"1.2.3.4","location":{"country_code":"US","city":"X"},"services":[{"port":1,"banner":"b"},{"port":2}],"big":"x"}`)},
		[]string{"ip", "location.country_code", "services.port"})[0].m
	want := map[string]any{"ip": "1.2.3.4", "location": map[string]any{"country_code": "US"},
		"services": []any{map[string]any{"port": json.Number("1")}, map[string]any{"port": json.Number("2")}}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("prune = %v, want %v", m, want)
	}
}
