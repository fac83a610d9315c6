package censystest

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestMatch(t *testing.T) {
	v3 := decodeDocs([][]byte{[]byte(`{"ip":"203.0.113.10","location":{"country_code":"US"},"autonomous_system":{"asn":14618},
		"services":[{"port":6443,"protocol":"KUBERNETES","transport_protocol":"tcp","software":[{"product":"kubernetes"}],
		  "endpoints":[{"http":{"status_code":200},"kubernetes":{"version_info":{"git_version":"v1.29.3"},"pod_names":["a","b"]}}]},
		 {"port":443,"protocol":"HTTP","endpoints":[{"http":{"status_code":401,"html_title":"Portainer"}}]}]}`)}, nil)[0].m
	v2 := decodeDocs([][]byte{[]byte(`{"ip":"198.51.100.7","services":[{"port":10250,"service_name":"KUBERNETES"},{"port":443,"service_name":"HTTP","http":{"response":{"html_title":"Swagger UI - x"}}}]}`)}, nil)[0].m
	for _, tt := range []struct {
		query string
		doc   map[string]any
		want  bool
	}{
		{`host.services.endpoints.http.html_title: "Portainer"`, v3, true},
		{`host.services.endpoints.http.html_title: "portainer"`, v3, true}, // ":" ignores case
		{`host.services.endpoints.http.html_title="portainer"`, v3, false}, // "=" does not
		{`host.services.protocol="KUBERNETES"`, v3, true},
		{`host.services: (port: {10250, 10255} and protocol="KUBERNETES")`, v3, false},
		{`host.services: (port: {6443, 10250} and protocol="KUBERNETES")`, v3, true},
		{`host.services: (port: 443 and protocol="KUBERNETES")`, v3, false}, // two services, no one has both
		{`host.services.endpoints.kubernetes.version_info.git_version=~"^v1\\.29"`, v3, true},
		{`host.services.endpoints.kubernetes.pod_names=~".+"`, v3, true},
		{`host.services.software.product: "docker"`, v3, false},
		{`host.autonomous_system.asn: 14618 and not host.location.country_code: "DE"`, v3, true},
		{`(host.services.port: 22) or host.services.port: 443`, v3, true},
		{`services.kubernetes.pod_names: *`, v2, false},
		{`services.service_name: KUBERNETES`, v2, true},
		{`same_service(services.port: {10250, 10255} and services.service_name: KUBERNETES)`, v2, true},
		{`same_service(services.port: 443 and services.service_name: KUBERNETES)`, v2, false},
		{`services.http.response.html_title: "Swagger UI - "`, v2, true},
		{`host.services.port: (443`, v3, false}, // does not parse
		{`"unterminated`, v3, false},
	} {
		if got := Match(tt.query, tt.doc); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestMatchThroughServer(t *testing.T) {
	s := NewServer(Config{Token: "tok", Match: Match, Hosts: [][]byte{
		[]byte(`{"ip":"192.0.2.1","location":{"country_code":"US"},"services":[{"port":9000,"endpoints":[{"http":{"html_title":"Portainer"}}]}]}`),
		[]byte(`{"ip":"192.0.2.2","location":{"country_code":"DE"},"services":[{"port":8080,"endpoints":[{"http":{"html_title":"Swarmpit"}}]}]}`),
	}})
	defer s.Close()
	for q, want := range map[string]int{
		`host.services.endpoints.http.html_title: "Portainer"`:                                        1,
		`(host.services.endpoints.http.html_title: "Portainer") and host.location.country_code: "DE"`: 0,
		`(host.services.port: {9000, 8080}) and not host.location.country_code: {"US"}`:               1,
	} {
		_, body := post(t, s, "/v3/global/search/query", "tok", "", map[string]any{"query": q})
		var a searchAnswer
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&a); err != nil {
			t.Fatal(err)
		}
		if a.Result.TotalHits != want {
			t.Errorf("%s: %d hits, want %d", q, a.Result.TotalHits, want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, q := range []string{`host.services: (port: {1, 2} and protocol="X")`, `same_service(services.port: 1)`, `a=~"("`, `not (a: "b" or c: *)`} {
		f.Add(q)
	}
	doc := decodeDocs([][]byte{[]byte(`{"services":[{"port":1,"protocol":"X"}],"a":"b"}`)}, nil)[0].m
	f.Fuzz(func(t *testing.T, q string) {
		Match(q, doc) // must not panic
		splitFilters(q, false)
	})
}
