package censys

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orchex/orchex/internal/sharedtest"
	"github.com/orchex/orchex/pkg/model"
)

func decodeFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "decode", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func byKey(obs []model.Observation) map[string]model.Observation {
	m := map[string]model.Observation{}
	for _, o := range obs {
		m[netip.AddrPortFrom(o.Addr, o.Port).String()+"/"+o.Transport] = o
	}
	return m
}

func TestDecodeV3HostKubernetesEtcd(t *testing.T) {
	obs, err := DecodeV3Host(decodeFixture(t, "v3-host-kubernetes-etcd.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Six services, one without a port (ICMP): five observations, QUIC as udp.
	var keys []string
	for _, o := range obs {
		keys = append(keys, netip.AddrPortFrom(o.Addr, o.Port).String()+"/"+o.Transport)
	}
	wantKeys := []string{"3.88.12.34:6443/tcp", "3.88.12.34:10250/tcp", "3.88.12.34:2379/tcp", "3.88.12.34:443/tcp", "3.88.12.34:443/udp"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("keys %q, want %q", keys, wantKeys)
	}
	m := byKey(obs)

	api := m["3.88.12.34:6443/tcp"]
	if api.Engine != model.Censys || api.Protocol != "KUBERNETES" || api.Country != "US" || api.City != "Ashburn" ||
		api.ASN != 14618 || api.Org != "AMAZON-AES" {
		t.Errorf("host fields: %+v", api)
	}
	if !reflect.DeepEqual(api.Hostnames, []string{"ec2-3-88-12-34.compute-1.amazonaws.com", "k8s.example.com"}) {
		t.Errorf("hostnames %q", api.Hostnames)
	}
	if !api.SeenAt.Equal(time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("seen %v", api.SeenAt)
	}
	if api.HTTP == nil || api.HTTP.Status != 403 || !strings.Contains(api.HTTP.Body, `system:anonymous`) {
		t.Errorf("the endpoint for path / should be chosen: %+v", api.HTTP)
	}
	if api.Kubernetes == nil || *api.Kubernetes != (model.Kubernetes{Version: "v1.31.4"}) {
		t.Errorf("kubernetes %+v", api.Kubernetes)
	}
	if !reflect.DeepEqual(api.Software, []model.Software{{Vendor: "kubernetes", Product: "kubernetes", Version: "1.31.4"}}) ||
		!reflect.DeepEqual(api.Labels, []string{"DEVOPS"}) {
		t.Errorf("software %+v labels %q", api.Software, api.Labels)
	}
	wantTLS := &model.TLS{Subject: "CN=kube-apiserver", SubjectCN: "kube-apiserver", Issuer: "CN=kubernetes", IssuerCN: "kubernetes",
		SANs: []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "10.96.0.1", "3.88.12.34"}}
	if !reflect.DeepEqual(api.TLS, wantTLS) {
		t.Errorf("tls %+v", api.TLS)
	}

	kubelet := m["3.88.12.34:10250/tcp"]
	if kubelet.Kubernetes == nil || *kubelet.Kubernetes != (model.Kubernetes{Nodes: 3, Pods: 2, DashboardFound: true}) {
		t.Errorf("kubelet kubernetes %+v", kubelet.Kubernetes)
	}

	etcd := m["3.88.12.34:2379/tcp"]
	if etcd.Etcd == nil || etcd.Etcd.Version != "3.5.15" || etcd.Etcd.V2Auth == nil || *etcd.Etcd.V2Auth ||
		etcd.Etcd.V3Auth == nil || !*etcd.Etcd.V3Auth {
		t.Errorf("etcd %+v", etcd.Etcd)
	}

	panel := m["3.88.12.34:443/tcp"]
	if panel.HTTP == nil || panel.HTTP.Status != 401 || panel.HTTP.Title != "Portainer" || panel.HTTP.Server != "nginx" ||
		panel.HTTP.Header("www-authenticate") != `Basic realm="admin"` {
		t.Errorf("panel http %+v", panel.HTTP)
	}
	if quic := m["3.88.12.34:443/udp"]; quic.Protocol != "UNKNOWN" || quic.HTTP != nil {
		t.Errorf("quic %+v", quic)
	}
}

func TestDecodeV3Hit(t *testing.T) {
	obs, kind, err := DecodeV3Hit(decodeFixture(t, "v3-hit-matched-services.json"))
	if err != nil || kind != HitHost {
		t.Fatalf("kind %q err %v", kind, err)
	}
	var ports []uint16
	for _, o := range obs {
		ports = append(ports, o.Port)
	}
	if !reflect.DeepEqual(ports, []uint16{6443, 2379}) {
		t.Errorf("ports %v: only the matched services should be kept", ports)
	}

	obs, kind, err = DecodeV3Hit(decodeFixture(t, "v3-hit-webproperty.json"))
	if err != nil || kind != HitWebProperty || obs != nil {
		t.Errorf("webproperty: %v %q %v", obs, kind, err)
	}
	obs, kind, err = DecodeV3Hit([]byte(`{"certificate_v1":{"resource":{}}}`))
	if err != nil || kind != HitCertificate || obs != nil {
		t.Errorf("certificate: %v %q %v", obs, kind, err)
	}
	// A host with matched_services none of which exists gives nothing.
	obs, _, err = DecodeV3Hit([]byte(`{"host_v1":{"resource":{"ip":"192.0.2.1","services":[{"port":80}]},"matched_services":[{"port":81}]}}`))
	if err != nil || len(obs) != 0 {
		t.Errorf("unmatched: %v %v", obs, err)
	}
	// Without matched_services every service is kept.
	obs, _, err = DecodeV3Hit([]byte(`{"host_v1":{"resource":{"ip":"192.0.2.1","services":[{"port":80},{"port":81}]}}}`))
	if err != nil || len(obs) != 2 {
		t.Errorf("no matched_services: %v %v", obs, err)
	}
	for _, in := range []string{`{"tags":[]}`, `{"host_v1":{}}`, `[1]`, `{`} {
		if _, _, err := DecodeV3Hit([]byte(in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

func TestDecodeV2Host(t *testing.T) {
	obs, err := DecodeV2Host(decodeFixture(t, "v2-host-view-kubernetes.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 4 {
		t.Fatalf("%d observations, want 4", len(obs))
	}
	k := obs[0]
	if k.Addr != netip.MustParseAddr("198.51.100.20") || k.Port != 6443 || k.Transport != "tcp" || k.Protocol != "KUBERNETES" ||
		k.Country != "DE" || k.ASN != 24940 || k.Org != "HETZNER-AS" {
		t.Errorf("%+v", k)
	}
	wantHeaders := []model.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Content-Type-Options", Value: "nosniff"}, {Name: "Audit-Id", Value: "abc"}}
	if k.HTTP == nil || k.HTTP.Status != 200 || !reflect.DeepEqual(k.HTTP.Headers, wantHeaders) || !strings.Contains(k.HTTP.Body, "/api/v1") {
		t.Errorf("http %+v", k.HTTP)
	}
	if k.Kubernetes == nil || *k.Kubernetes != (model.Kubernetes{Version: "v1.24.2", Nodes: 1, Pods: 3}) {
		t.Errorf("kubernetes %+v", k.Kubernetes)
	}
	if !reflect.DeepEqual(k.Labels, []string{"devops"}) || len(k.Software) != 1 || k.Software[0].Version != "1.24.2" {
		t.Errorf("labels %q software %+v", k.Labels, k.Software)
	}
	if k.TLS == nil || k.TLS.SubjectCN != "kube-apiserver" || !reflect.DeepEqual(k.TLS.SANs, []string{"kubernetes", "kubernetes.default"}) {
		t.Errorf("tls %+v", k.TLS)
	}
	if !k.SeenAt.Equal(time.Date(2024, 10, 27, 14, 44, 1, 811676766, time.UTC)) {
		t.Errorf("seen %v", k.SeenAt)
	}
	if p := obs[1]; p.HTTP == nil || p.HTTP.Title != "Portainer" || p.HTTP.Server != "nginx/1.25" {
		t.Errorf("portainer %+v", p.HTTP)
	}
	if d := obs[2]; d.Transport != "udp" || d.Protocol != "DNS" || !d.SeenAt.Equal(time.Date(2024, 10, 27, 16, 39, 12, 343000000, time.UTC)) {
		t.Errorf("dns %+v (seen falls back to last_updated_at)", d)
	}
	if q := obs[3]; q.Transport != "udp" {
		t.Errorf("QUIC transport %q", q.Transport)
	}

	hit, err := DecodeV2Host(decodeFixture(t, "v2-search-hit.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(hit) != 2 || hit[0].Port != 2375 || hit[0].Protocol != "DOCKER" || hit[0].HTTP != nil || hit[1].Transport != "tcp" ||
		hit[0].Country != "FR" {
		t.Errorf("summary hit %+v", hit)
	}
}

func TestDecodeCensysHostile(t *testing.T) {
	big := strings.Repeat("\u202e", 400_000) // 1.2 MB of bidi overrides
	tests := []struct {
		name    string
		v2      bool
		in      string
		wantErr string
		check   func(t *testing.T, obs []model.Observation)
	}{
		{name: "no ip", in: `{"services":[{"port":80}]}`, wantErr: "no ip"},
		{name: "bad ip", in: `{"ip":"1.2.3","services":[]}`, wantErr: `"1.2.3" is not an IP address`},
		{name: "not JSON", in: `{"ip":`, wantErr: "not valid JSON"},
		{name: "v2 no ip", v2: true, in: `{"services":[]}`, wantErr: "no ip"},
		{name: "ports out of range dropped", in: `{"ip":"192.0.2.1","services":[{"port":0},{"port":65536},{"port":"22"},{"port":-1}]}`,
			check: func(t *testing.T, obs []model.Observation) {
				if len(obs) != 1 || obs[0].Port != 22 {
					t.Errorf("%+v", obs)
				}
			}},
		{name: "huge title and headers capped", in: `{"ip":"192.0.2.1","services":[{"port":80,"endpoints":[{"path":"/","http":{"status_code":"200","html_title":"` + big + `","body":"` + big + `","headers":{"X":{"headers":["` + big + `"]},"Y":{"headers":[1,true,null]}}}}]}]}`,
			check: func(t *testing.T, obs []model.Observation) {
				h := obs[0].HTTP
				if len(h.Title) > model.MaxTitle || len(h.Body) > model.MaxBody || len(h.Headers[0].Value) > model.MaxHeaderValue ||
					!utf8.ValidString(h.Title) || h.Status != 200 {
					t.Errorf("title %d body %d header %d status %d", len(h.Title), len(h.Body), len(h.Headers[0].Value), h.Status)
				}
				if len(h.Headers) != 4 || h.Headers[1].Value != "1" || h.Headers[2].Value != "true" {
					t.Errorf("headers %+v", h.Headers[1:])
				}
			}},
		{name: "invalid UTF-8 and NUL", in: "{\"ip\":\"192.0.2.1\",\"autonomous_system\":{\"name\":\"a\xffb\\u0000\"},\"services\":[{\"port\":80,\"protocol\":7}]}",
			check: func(t *testing.T, obs []model.Observation) {
				if obs[0].Org != "a\uFFFDb\x00" || obs[0].Protocol != "7" {
					t.Errorf("org %q protocol %q", obs[0].Org, obs[0].Protocol)
				}
			}},
		{name: "many headers capped", in: `{"ip":"192.0.2.1","services":[{"port":80,"endpoints":[{"http":{"headers":{` + manyHeaders(50) + `}}}]}]}`,
			check: func(t *testing.T, obs []model.Observation) {
				if len(obs[0].HTTP.Headers) != model.MaxHeaders {
					t.Errorf("%d headers", len(obs[0].HTTP.Headers))
				}
			}},
		{name: "wrong types skipped", in: `{"ip":"192.0.2.1","location":"x","dns":{"names":"one.example"},"services":[{"port":80,"software":"x","labels":[{"value":["a"]},"b"],"etcd":{"v2":{"auth":{"enabled":"true"}}}}]}`,
			check: func(t *testing.T, obs []model.Observation) {
				o := obs[0]
				if !reflect.DeepEqual(o.Hostnames, []string{"one.example"}) || !reflect.DeepEqual(o.Labels, []string{"b"}) ||
					o.Etcd == nil || o.Etcd.V2Auth == nil || !*o.Etcd.V2Auth || o.Etcd.V3Auth != nil {
					t.Errorf("%+v etcd %+v", o, o.Etcd)
				}
			}},
		{name: "deep nesting rejected", in: `{"ip":"192.0.2.1","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, wantErr: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := DecodeV3Host
			if tt.v2 {
				dec = DecodeV2Host
			}
			obs, err := dec([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, obs)
		})
	}
}

func manyHeaders(n int) string {
	var parts []string
	for i := range n {
		b, _ := json.Marshal(map[string]any{"headers": []string{"v"}})
		parts = append(parts, `"H`+strings.Repeat("x", i)+`":`+string(b))
	}
	return strings.Join(parts, ",")
}

// censysSamples returns the shared Censys samples directory, skipping when
// it is absent.
func censysSamples(t *testing.T) string {
	t.Helper()
	return sharedtest.Dir(t, "data/samples/censys") // skips, or fails in CI, when absent
}

func TestDecodeCensysSharedSamples(t *testing.T) {
	dir := censysSamples(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("v3 mihari 1.1.1.1", func(t *testing.T) {
		var env struct {
			Result struct{ Hits []json.RawMessage }
		}
		if err := json.Unmarshal(read("v3/search_query_host.ip_1.1.1.1__mihari_vcr_2025-12-01.json"), &env); err != nil {
			t.Fatal(err)
		}
		obs, kind, err := DecodeV3Hit(env.Result.Hits[0])
		if err != nil || kind != HitHost || len(obs) != 16 {
			t.Fatalf("%d observations, kind %q, err %v; want 16 host services", len(obs), kind, err)
		}
		m := byKey(obs)
		o, ok := m["1.1.1.1:443/tcp"]
		if !ok || o.HTTP == nil || o.HTTP.Status != 301 || o.HTTP.Header("Location") != "https://one.one.one.one/" || o.ASN != 13335 || o.Country != "HK" {
			t.Errorf("443/tcp %+v http %+v", o, o.HTTP)
		}
		if o.TLS == nil || o.TLS.SubjectCN != "cloudflare-dns.com" || !slices.Contains(o.TLS.SANs, "one.one.one.one") {
			t.Errorf("tls %+v", o.TLS)
		}
		if _, ok := m["1.1.1.1:443/udp"]; !ok {
			t.Error("the QUIC service on 443 is missing")
		}
		if len(o.Labels) != 1 || o.Labels[0] != "WAF" || len(o.Software) != 2 {
			t.Errorf("labels %q software %+v", o.Labels, o.Software)
		}
	})
	t.Run("v3 demisto 401", func(t *testing.T) {
		var env struct {
			Result struct{ Hits []json.RawMessage }
		}
		if err := json.Unmarshal(read("v3/search_query_demisto_sanitized_401_endpoint.json"), &env); err != nil {
			t.Fatal(err)
		}
		obs, _, err := DecodeV3Hit(env.Result.Hits[0])
		if err != nil || len(obs) != 1 {
			t.Fatalf("%v %v", obs, err)
		}
		o := obs[0]
		if o.Port != 1024 || o.HTTP == nil || o.HTTP.Status != 401 || o.HTTP.Header("WWW-Authenticate") == "" || o.Country != "TR" {
			t.Errorf("%+v http %+v", o, o.HTTP)
		}
	})
	t.Run("v2 view 8.8.8.8", func(t *testing.T) {
		obs, err := DecodeV2Host(read("v2/hosts_view_8.8.8.8__result_only__2024-10-27.json"))
		if err != nil || len(obs) != 4 {
			t.Fatalf("%d %v", len(obs), err)
		}
		o := byKey(obs)["8.8.8.8:443/tcp"]
		if o.HTTP == nil || o.HTTP.Status != 302 || o.HTTP.Header("Content-Type") != "text/html; charset=UTF-8" || o.HTTP.Title != "302 Moved" {
			t.Errorf("http %+v", o.HTTP)
		}
		if o.TLS == nil || o.TLS.Subject != "CN=dns.google" || o.ASN != 15169 {
			t.Errorf("tls %+v asn %d", o.TLS, o.ASN)
		}
	})
}

// BenchmarkDecodeV3Host decodes a five-service host with Kubernetes,
// etcd and HTTP endpoints.
func BenchmarkDecodeV3Host(b *testing.B) {
	in := decodeFixture(b, "v3-host-kubernetes-etcd.json")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeV3Host(in); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecodeHost checks that no input panics either decoder and that
// decoded observations respect the caps and hold valid UTF-8.
func FuzzDecodeHost(f *testing.F) {
	for _, name := range []string{"v3-host-kubernetes-etcd.json", "v2-host-view-kubernetes.json", "v3-hit-matched-services.json"} {
		f.Add(decodeFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var all []model.Observation
		for _, dec := range []func([]byte) ([]model.Observation, error){DecodeV3Host, DecodeV2Host} {
			obs, _ := dec(in)
			all = append(all, obs...)
		}
		obs, _, _ := DecodeV3Hit(in)
		all = append(all, obs...)
		for _, o := range all {
			strs := append([]string{o.Org, o.City, o.Protocol, o.Banner}, o.Hostnames...)
			strs = append(strs, o.Labels...)
			if h := o.HTTP; h != nil {
				if len(h.Headers) > model.MaxHeaders || len(h.Title) > model.MaxTitle || len(h.Body) > model.MaxBody {
					t.Fatalf("caps exceeded: %+v", h)
				}
				strs = append(strs, h.Title, h.Body, h.Server)
				for _, x := range h.Headers {
					strs = append(strs, x.Name, x.Value)
				}
			}
			for _, s := range strs {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 %q", s)
				}
			}
			if !o.Addr.IsValid() || o.Port == 0 || len(o.Banner) > model.MaxBanner || len(o.Hostnames) > model.MaxList {
				t.Fatalf("bad observation %+v", o)
			}
		}
	})
}
