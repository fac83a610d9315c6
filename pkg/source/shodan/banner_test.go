package shodan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orchex/orchex/internal/sharedtest"
	"github.com/orchex/orchex/pkg/model"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeBannerFixtures(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, o model.Observation)
	}{
		{"kubernetes-403-anonymous.json", func(t *testing.T, o model.Observation) {
			want := model.Observation{
				Engine:    model.Shodan,
				RecordID:  "7f0d2d7e-1c7a-4b7e-9a53-5d0e2b1f0a01",
				Addr:      netip.MustParseAddr("52.15.3.7"),
				Port:      6443,
				Transport: "tcp",
				Hostnames: []string{"ec2-52-15-3-7.us-east-2.compute.amazonaws.com"},
				Org:       "Amazon Technologies Inc.",
				ASN:       16509,
				Country:   "US",
				City:      "Columbus",
				Cloud:     model.CloudHint{Provider: "Amazon", Region: "us-east-2", Service: "EC2"},
				Module:    "kubernetes",
				Labels:    []string{"cloud", "devops"},
				TLS: &model.TLS{
					Subject: "CN=kube-apiserver", SubjectCN: "kube-apiserver",
					Issuer: "CN=kubernetes", IssuerCN: "kubernetes",
					SANs: []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc",
						"kubernetes.default.svc.cluster.local", "10.96.0.1", "172.31.1.7"},
				},
				SeenAt: time.Date(2026, 10, 2, 8, 15, 42, 123456000, time.UTC),
			}
			if o.HTTP == nil {
				t.Fatal("HTTP is nil: the 403 head in data was not parsed")
			}
			if o.HTTP.Status != 403 {
				t.Errorf("status %d, want 403 from the status line", o.HTTP.Status)
			}
			if got := o.HTTP.Header("content-type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
			if len(o.HTTP.Headers) != 8 {
				t.Errorf("%d headers, want 8: %+v", len(o.HTTP.Headers), o.HTTP.Headers)
			}
			if !strings.Contains(o.HTTP.Body, `User \"system:anonymous\" cannot get path`) {
				t.Errorf("body %q lacks the system:anonymous message", o.HTTP.Body)
			}
			if !strings.HasPrefix(o.Banner, "HTTP/1.1 403 Forbidden\r\n") {
				t.Errorf("banner %q", o.Banner)
			}
			o.HTTP, o.Banner = nil, ""
			if !reflect.DeepEqual(o, want) {
				t.Errorf("got  %+v\nwant %+v", o, want)
			}
		}},
		{"kubernetes-open-nodes.json", func(t *testing.T, o model.Observation) {
			if o.Kubernetes == nil || o.Kubernetes.Nodes != 2 || o.Kubernetes.Version != "v1.33.2" {
				t.Errorf("kubernetes %+v, want 2 nodes v1.33.2", o.Kubernetes)
			}
			if o.Product != "Kubernetes" || o.Version != "v1.33.2" {
				t.Errorf("product %q version %q", o.Product, o.Version)
			}
			want := []model.Software{{Vendor: "kubernetes", Product: "kubernetes", Version: "1.33.2"}}
			if !reflect.DeepEqual(o.Software, want) {
				t.Errorf("software %+v", o.Software)
			}
			if o.Addr != netip.MustParseAddr("34.201.8.9") || o.Port != 10250 {
				t.Errorf("key %v", o.Key())
			}
		}},
		{"docker-version.json", func(t *testing.T, o model.Observation) {
			want := &model.Docker{Version: "27.3.1", APIVersion: "1.47", OS: "linux", Containers: 3}
			if !reflect.DeepEqual(o.Docker, want) {
				t.Errorf("docker %+v, want %+v", o.Docker, want)
			}
			if o.HTTP == nil || o.HTTP.Server != "Docker/27.3.1 (linux)" || o.HTTP.Status != 200 {
				t.Errorf("http %+v: want server from the Server header and status 200", o.HTTP)
			}
			if !strings.Contains(o.HTTP.Body, "Docker Containers:") {
				t.Errorf("body %q: want the text after the head of data", o.HTTP.Body)
			}
			if o.Cloud != (model.CloudHint{}) || o.Country != "DE" || o.ASN != 64500 {
				t.Errorf("cloud %+v country %q asn %d", o.Cloud, o.Country, o.ASN)
			}
			if o.Labels != nil || o.Hostnames != nil {
				t.Errorf("empty lists should stay nil: %q %q", o.Labels, o.Hostnames)
			}
		}},
		{"etcd-ipv6.json", func(t *testing.T, o model.Observation) {
			if o.Addr != netip.MustParseAddr("2001:db8:85a3::8a2e:370:7334") {
				t.Errorf("addr %v, want the ipv6 field", o.Addr)
			}
			if o.Etcd == nil || o.Etcd.Version != "3.5.16" || o.Etcd.V2Auth != nil || o.Etcd.V3Auth != nil {
				t.Errorf("etcd %+v", o.Etcd)
			}
			if o.Version != "3.5" {
				t.Errorf("numeric version decoded as %q, want 3.5", o.Version)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			o, err := DecodeBanner(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o)
		})
	}
}

// banner returns a minimal valid banner with extra top-level members.
func banner(extra string) []byte {
	s := `{"ip_str":"198.51.100.7","port":443,"transport":"tcp","data":"x"`
	if extra != "" {
		s += "," + extra
	}
	return []byte(s + "}")
}

func TestDecodeBannerHostile(t *testing.T) {
	bigTitle := strings.Repeat("é", 600_000) // 1.2 MB, two bytes a rune
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	manyHeaders := "HTTP/1.1 200 OK\r\n"
	for i := range 40 {
		manyHeaders += fmt.Sprintf("X-H%d: v\r\n", i)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr string
		check   func(t *testing.T, o model.Observation)
	}{
		{"invalid UTF-8 replaced", []byte("{\"ip_str\":\"198.51.100.7\",\"port\":80,\"org\":\"a\xff\xfeb\",\"http\":{\"title\":\"t\xc3\"}}"), "",
			func(t *testing.T, o model.Observation) {
				if o.Org != "a\uFFFD\uFFFDb" || o.HTTP.Title != "t\uFFFD" {
					t.Errorf("org %q title %q", o.Org, o.HTTP.Title)
				}
			}},
		{"1 MB title capped on a rune boundary", banner(`"http":{"title":"` + bigTitle + `","html":"` + bigTitle + `"}`), "",
			func(t *testing.T, o model.Observation) {
				if len(o.HTTP.Title) > model.MaxTitle || len(o.HTTP.Title) < model.MaxTitle-1 || !utf8.ValidString(o.HTTP.Title) {
					t.Errorf("title is %d bytes, valid %v", len(o.HTTP.Title), utf8.ValidString(o.HTTP.Title))
				}
				if len(o.HTTP.Body) > model.MaxBody || !utf8.ValidString(o.HTTP.Body) {
					t.Errorf("body is %d bytes", len(o.HTTP.Body))
				}
			}},
		{"NUL, bidi and markup kept as bytes", banner(`"http":{"title":"a\u0000b\u202e|<script>` + "`x`" + `"}`), "",
			func(t *testing.T, o model.Observation) {
				if o.HTTP.Title != "a\x00b\u202e|<script>`x`" {
					t.Errorf("title %q", o.HTTP.Title)
				}
			}},
		{"numbers and booleans where strings are expected", banner(`"product":7,"version":1.5,"org":true,"hostnames":"one.example","http":{"title":404,"server":["x"]}`), "",
			func(t *testing.T, o model.Observation) {
				if o.Product != "7" || o.Version != "1.5" || o.Org != "true" || o.HTTP.Title != "404" || o.HTTP.Server != "" {
					t.Errorf("product %q version %q org %q title %q server %q", o.Product, o.Version, o.Org, o.HTTP.Title, o.HTTP.Server)
				}
				if !reflect.DeepEqual(o.Hostnames, []string{"one.example"}) {
					t.Errorf("hostnames %q", o.Hostnames)
				}
			}},
		{"40-digit serial and negative hashes", banner(`"hash":-1426855437,"http":{"html_hash":-2,"favicon":{"hash":-99}},"ssl":{"cert":{"serial":4078390253650771860632090738631147547596041,"subject":{"CN":"x","O":["a","b"]}}}`), "",
			func(t *testing.T, o model.Observation) {
				if o.TLS == nil || o.TLS.Subject != "CN=x, O=a+b" || o.TLS.SubjectCN != "x" {
					t.Errorf("tls %+v", o.TLS)
				}
			}},
		{"wrong types skipped, the rest kept", banner(`"location":"nowhere","cloud":[1],"tags":{"a":1},"asn":15169,"_shodan":{"module":"http","id":"i"}`), "",
			func(t *testing.T, o model.Observation) {
				if o.Country != "" || o.Cloud != (model.CloudHint{}) || o.Labels != nil || o.ASN != 15169 || o.Module != "http" {
					t.Errorf("%+v", o)
				}
			}},
		{"integer ip when ip_str is missing", []byte(`{"ip":3559303514,"port":8443}`), "",
			func(t *testing.T, o model.Observation) {
				if o.Addr != netip.MustParseAddr("212.38.169.90") || o.Transport != "tcp" {
					t.Errorf("addr %v transport %q", o.Addr, o.Transport)
				}
			}},
		{"IPv4-mapped IPv6 unmapped", []byte(`{"ipv6":"::ffff:192.0.2.1","port":"8080","transport":"UDP"}`), "",
			func(t *testing.T, o model.Observation) {
				if o.Addr != netip.MustParseAddr("192.0.2.1") || o.Port != 8080 || o.Transport != "udp" {
					t.Errorf("addr %v port %d transport %q", o.Addr, o.Port, o.Transport)
				}
			}},
		{"headers capped", banner(`"data":` + jsonString(manyHeaders+"X-Long: "+strings.Repeat("v", 5000)+"\r\n\r\n")), "",
			func(t *testing.T, o model.Observation) {
				if len(o.HTTP.Headers) != model.MaxHeaders {
					t.Errorf("%d headers, want %d", len(o.HTTP.Headers), model.MaxHeaders)
				}
				if len(o.Banner) != model.MaxBanner {
					t.Errorf("banner is %d bytes", len(o.Banner))
				}
			}},
		{"long header value and folded line", banner(`"data":` + jsonString("HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic\r\n realm=\"x\"\r\nX-Long: "+strings.Repeat("v", 5000)+"\r\n\r\n")), "",
			func(t *testing.T, o model.Observation) {
				if o.HTTP.Status != 401 || o.HTTP.Header("WWW-Authenticate") != `Basic realm="x"` {
					t.Errorf("status %d auth %q", o.HTTP.Status, o.HTTP.Header("WWW-Authenticate"))
				}
				if v := o.HTTP.Header("X-Long"); len(v) != model.MaxHeaderValue {
					t.Errorf("long header is %d bytes", len(v))
				}
			}},
		{"timestamp with zone", banner(`"timestamp":"2026-01-02T03:04:05+02:00"`), "",
			func(t *testing.T, o model.Observation) {
				if !o.SeenAt.Equal(time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC)) || o.SeenAt.Location() != time.UTC {
					t.Errorf("seen %v", o.SeenAt)
				}
			}},
		{"nesting within the decoder's depth", banner(`"opts":` + strings.Repeat(`{"a":`, 500) + "1" + strings.Repeat("}", 500)), "", nil},
		{"nesting past the decoder's depth", banner(`"opts":` + deep), "not valid JSON", nil},
		{"no address", []byte(`{"port":80}`), "no address", nil},
		{"bad address", []byte(`{"ip_str":"999.1.1.1<b>","port":80}`), `"999.1.1.1<b>" is not an IP address`, nil},
		{"port 0", []byte(`{"ip_str":"192.0.2.1","port":0}`), "port 0 is not in 1..65535", nil},
		{"port too big", []byte(`{"ip_str":"192.0.2.1","port":70000}`), "port 70000", nil},
		{"not JSON", []byte(`{"ip_str":"192.0.2.1",`), "not valid JSON", nil},
		{"over the record limit", append(banner(""), bytes.Repeat([]byte(" "), model.MaxRecord)...), "record limit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := DecodeBanner(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestParseSAN(t *testing.T) {
	// 0x30 with a long-form length, a DNS name, an IPv6 address, an email
	// (ignored), then a truncated entry that ends the list.
	body := []byte{0x82, 0x03, 'a', '.', 'b', 0x87, 0x10}
	body = append(body, netip.MustParseAddr("2001:db8::1").AsSlice()...)
	body = append(body, 0x81, 0x01, 'x', 0x82, 0x09, 'c')
	der := append([]byte{0x30, 0x81, byte(len(body))}, body...)
	got := parseSAN(der)
	want := []string{"a.b", "2001:db8::1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if parseSAN([]byte{0x04, 0x00}) != nil || parseSAN(nil) != nil {
		t.Error("non-SEQUENCE input gave SANs")
	}
	if got := unescapePython(`0\x07\x82\x05a'b\\c\t\'`); string(got) != "0\x07\x82\x05a'b\\c\t'" {
		t.Errorf("unescape gave %q", got)
	}
}

// sharedSamples returns the Shodan samples directory, skipping when it is
// absent.
func sharedSamples(t *testing.T) string {
	t.Helper()
	return sharedtest.Dir(t, "data/samples/shodan") // skips, or fails in CI, when absent
}

func TestDecodeBannerSharedSamples(t *testing.T) {
	dir := sharedSamples(t)
	tests := []struct {
		file  string
		check func(t *testing.T, o model.Observation)
	}{
		{"generic-https_cloud-linode-us-ga_sekoia-automation-library.json", func(t *testing.T, o model.Observation) {
			if o.Addr != netip.MustParseAddr("50.116.39.56") || o.Port != 443 || o.ASN != 63949 || o.City != "Atlanta" {
				t.Errorf("%v %d %d %q", o.Addr, o.Port, o.ASN, o.City)
			}
			if o.Cloud != (model.CloudHint{Provider: "Linode", Region: "us-ga"}) {
				t.Errorf("cloud %+v", o.Cloud)
			}
			if o.TLS == nil || !reflect.DeepEqual(o.TLS.SANs, []string{"*.burpcol.versprite.services", "burpcol.versprite.services"}) ||
				o.TLS.Issuer != "C=US, CN=R3, O=Let's Encrypt" {
				t.Errorf("tls %+v", o.TLS)
			}
			if o.HTTP.Status != 200 || o.HTTP.Server != "Burp Collaborator https://burpcollaborator.net/" {
				t.Errorf("http status %d server %q (2021 data: status from the status line)", o.HTTP.Status, o.HTTP.Server)
			}
		}},
		{"generic-http_cloud-amazon-us-east-1_sekoia-automation-library.json", func(t *testing.T, o model.Observation) {
			if o.Addr != netip.MustParseAddr("34.231.154.247") || o.Port != 80 ||
				o.Cloud != (model.CloudHint{Provider: "Amazon", Region: "us-east-1", Service: "AMAZON"}) {
				t.Errorf("%v:%d cloud %+v", o.Addr, o.Port, o.Cloud)
			}
		}},
		{"generic-https_cloud-azure-centralus_sekoia-automation-library.json", func(t *testing.T, o model.Observation) {
			if o.Cloud != (model.CloudHint{Provider: "Azure", Region: "centralus", Service: "AzureCloud"}) {
				t.Errorf("cloud %+v", o.Cloud)
			}
		}},
		{"generic-https_cloud-google-us-east1_sekoia-automation-library.json", func(t *testing.T, o model.Observation) {
			if o.Cloud != (model.CloudHint{Provider: "Google", Region: "us-east1"}) {
				t.Errorf("cloud %+v", o.Cloud)
			}
		}},
		{"generic-http_no-cloud_shodan-region-na_mihari.json", func(t *testing.T, o model.Observation) {
			if o.Addr != netip.MustParseAddr("1.1.1.1") || o.Port != 80 || o.HTTP.Status != 301 ||
				o.HTTP.Title != "301 Moved Permanently" || o.Product != "CloudFlare" || o.Cloud != (model.CloudHint{}) {
				t.Errorf("%+v http %+v", o, o.HTTP)
			}
			if o.HTTP.Header("CF-RAY") != "7a5ee186e821255a-SJC" || o.Module != "http" {
				t.Errorf("headers %+v module %q", o.HTTP.Headers, o.Module)
			}
			if !o.SeenAt.Equal(time.Date(2023, 3, 10, 22, 9, 15, 354282000, time.UTC)) {
				t.Errorf("seen %v", o.SeenAt)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			o, err := DecodeBanner(b)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o)
		})
	}
}

// BenchmarkDecodeBanner decodes realistic banners: a Kubernetes 403 with a
// certificate, and a 2021 HTTPS banner of ~14 KB with a PEM chain.
func BenchmarkDecodeBanner(b *testing.B) {
	in := readFixture(b, "kubernetes-403-anonymous.json")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBanner(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBannerFloor is encoding/json's bare scan of the same
// banner (into an empty struct): the floor DecodeBanner is measured against.
func BenchmarkDecodeBannerFloor(b *testing.B) {
	in := readFixture(b, "kubernetes-403-anonymous.json")
	b.ReportAllocs()
	for b.Loop() {
		var v struct{}
		if err := json.Unmarshal(in, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecodeBanner checks that no input panics and that every decoded
// observation respects the caps and holds valid UTF-8.
func FuzzDecodeBanner(f *testing.F) {
	for _, name := range []string{"kubernetes-403-anonymous.json", "docker-version.json", "etcd-ipv6.json"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte("{\"ip_str\":\"1.2.3.4\",\"port\":1,\"data\":\"HTTP/1.1 200\\r\\nA:\\xff\\r\\n \\r\\n\",\"http\":{\"title\":\"\\ud800\"}}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := DecodeBanner(in)
		if err != nil {
			return
		}
		strs := []string{o.Org, o.City, o.Product, o.Version, o.Module, o.Banner, o.RecordID}
		strs = append(strs, o.Hostnames...)
		strs = append(strs, o.Labels...)
		if o.HTTP != nil {
			strs = append(strs, o.HTTP.Title, o.HTTP.Server, o.HTTP.Body)
			if len(o.HTTP.Headers) > model.MaxHeaders || len(o.HTTP.Title) > model.MaxTitle || len(o.HTTP.Body) > model.MaxBody {
				t.Fatalf("caps exceeded: %+v", o.HTTP)
			}
			for _, h := range o.HTTP.Headers {
				strs = append(strs, h.Name, h.Value)
			}
		}
		if o.TLS != nil {
			strs = append(strs, o.TLS.Subject, o.TLS.Issuer)
			strs = append(strs, o.TLS.SANs...)
		}
		for _, s := range strs {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		if len(o.Banner) > model.MaxBanner || !o.Addr.IsValid() || o.Port == 0 {
			t.Fatalf("bad observation %+v", o)
		}
	})
}
