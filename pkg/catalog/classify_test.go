package catalog_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
)

// obs builds an observation the way the engine decoders do: Shodan puts the
// raw response head in the banner and parses status, server, title, headers
// and the body snippet; Censys fills endpoints[].http and the parsed
// service objects.
type obs struct {
	engine  model.Engine
	port    uint16
	status  int
	title   string
	body    string
	headers []string // "Name: value"
	product string
	version string
	proto   string
	tls     *model.TLS
	k8s     *model.Kubernetes
	etcd    *model.Etcd
	docker  *model.Docker
	banner  string
}

func (b obs) build() *model.Observation {
	o := &model.Observation{
		Engine:     b.engine,
		Addr:       netip.MustParseAddr("192.0.2.10"),
		Port:       b.port,
		Transport:  "tcp",
		Product:    b.product,
		Version:    b.version,
		Protocol:   b.proto,
		TLS:        b.tls,
		Kubernetes: b.k8s,
		Etcd:       b.etcd,
		Docker:     b.docker,
		Banner:     b.banner,
	}
	if o.Engine == "" {
		o.Engine = model.Shodan
	}
	if b.status != 0 || b.title != "" || b.body != "" || len(b.headers) > 0 {
		h := &model.HTTP{Status: b.status, Title: b.title, Body: b.body}
		var raw strings.Builder
		fmt.Fprintf(&raw, "HTTP/1.1 %d\r\n", b.status)
		for _, x := range b.headers {
			name, value, _ := strings.Cut(x, ": ")
			h.Headers = append(h.Headers, model.Header{Name: name, Value: value})
			if strings.EqualFold(name, "Server") {
				h.Server = value
			}
			fmt.Fprintf(&raw, "%s\r\n", x)
		}
		o.HTTP = h
		if o.Banner == "" && o.Engine == model.Shodan {
			o.Banner = raw.String()
		}
	}
	return o
}

// Samples from docs/fingerprints.md §17 and §15, for the variations,
// the fuzz seeds and the benchmarks.
const (
	k8s403 = `{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "forbidden: User \"system:anonymous\" cannot get path \"/\"",
  "reason": "Forbidden",
  "details": {},
  "code": 403
}`
	kongRoot    = `{"version":"3.4.2","tagline":"Welcome to kong","hostname":"kong-admin-7d9","node_id":"a1b2","lua_version":"LuaJIT 2.1.0-20230410","plugins":{"available_on_server":{"acl":true}},"configuration":{"admin_listen":["0.0.0.0:8001"]}}`
	swarmpitVer = `{"name":"swarmpit","version":"1.9","revision":"a1b2c3","initialized":false,"statistics":true,"instanceName":null,"docker":{"api":1.41,"engine":"20.10.7"}}`
)

type want struct {
	product string // "" = no match
	auth    model.Auth
	conf    model.Confidence
	version string
	// evidence, when set, must be contained in the auth evidence.
	evidence string
}

var apiserverCert = &model.TLS{SubjectCN: "kube-apiserver", Subject: "CN=kube-apiserver", IssuerCN: "kubernetes", Issuer: "CN=kubernetes",
	SANs: []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}}

func classifyCases() []struct {
	name string
	in   obs
	want want
} {
	apf := []string{"Audit-Id: 30151b30-0f9c-4d2c-8d47-7a6c0a8a6c54", "Cache-Control: no-cache, private", "Content-Type: application/json",
		"X-Content-Type-Options: nosniff", "X-Kubernetes-Pf-Flowschema-Uid: 8914d77e-2b3e", "X-Kubernetes-Pf-Prioritylevel-Uid: c45a50ba-1f2c"}
	return []struct {
		name string
		in   obs
		want want
	}{
		// The documented banners of each product are its examples in
		// queries/*.yaml (run by Load); these are variations and hostile input.
		{"k8s 403 anonymous indented", obs{port: 6443, status: 403, body: k8s403, headers: apf, tls: apiserverCert},
			want{"kubernetes-api", model.AuthRequired, model.High, "", "403 system:anonymous"}},
		{"kong body says both open and denied: denied wins", obs{port: 8001, status: 200, body: kongRoot + ` Invalid credentials`},
			want{"kong-admin", model.AuthRequired, model.High, "3.4.2", "Invalid credentials"}},

		{"random nginx page", obs{port: 443, status: 200, title: "Welcome to nginx!", body: `<h1>Welcome to nginx!</h1>`, headers: []string{"Server: nginx/1.25.3"}},
			want{}},
		{"page quoting kong and k8s strings without product signals", obs{port: 80, status: 200, title: "blog",
			body: `I saw "Welcome to kong" and "configuration" and system:anonymous and PodList in a talk`},
			want{}},
		{"empty observation", obs{}, want{}},
		{"hostile version strings are dropped", obs{engine: model.Censys, port: 6443, proto: "KUBERNETES",
			k8s: &model.Kubernetes{Version: "v1.2\x1b[2J\u202e", Pods: 1}},
			want{"kubernetes-api", model.AuthOpen, model.High, "", "pod names"}},
		{"megabyte of hostile body around a 403", obs{port: 6443, status: 403, tls: apiserverCert,
			body: strings.Repeat("\x00\u202e|`<script>ok", 50000) + k8s403 + strings.Repeat("\xff", 1<<20)},
			want{"kubernetes-api", model.AuthRequired, model.High, "", "system:anonymous"}},
		{"huge version is dropped", obs{engine: model.Censys, port: 6443, proto: "KUBERNETES",
			k8s: &model.Kubernetes{Version: strings.Repeat("9", 10000)}},
			want{"kubernetes-api", model.AuthUnknown, model.High, "", ""}},
		{"invalid UTF-8 and control bytes in title", obs{port: 443, status: 200, title: "\xff\xfe\x00<script>", body: "\xff\x00<title>Kubernetes Dashboard</title>\xfe"},
			want{"kubernetes-dashboard", model.AuthUnknown, model.High, "", ""}},
	}
}

func TestClassify(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range classifyCases() {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := c.Classify(tc.in.build())
			if tc.want.product == "" {
				if ok {
					t.Fatalf("Classify matched %+v, want no match", got)
				}
				return
			}
			if !ok {
				t.Fatalf("Classify did not match, want %s", tc.want.product)
			}
			if got.Product != tc.want.product || got.Auth != tc.want.auth || got.Confidence != tc.want.conf || got.Version != tc.want.version {
				t.Errorf("got product=%s auth=%s conf=%s version=%q (auth evidence %q, product evidence %q)\nwant product=%s auth=%s conf=%s version=%q",
					got.Product, got.Auth, got.Confidence, got.Version, got.AuthEvidence, got.ProductEvidence,
					tc.want.product, tc.want.auth, tc.want.conf, tc.want.version)
			}
			if !strings.Contains(got.AuthEvidence, tc.want.evidence) {
				t.Errorf("auth evidence %q does not contain %q", got.AuthEvidence, tc.want.evidence)
			}
			if got.ProductEvidence == "" || got.AuthEvidence == "" {
				t.Errorf("empty evidence: %+v", got)
			}
		})
	}
}

// TestClassifyNeverOpenWithoutEvidence strips the observations of every
// case down to what cannot prove access (ports, certificates, titles,
// engine product fields) and checks that none is then open.
func TestClassifyNeverOpenWithoutEvidence(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range classifyCases() {
		in := tc.in
		in.body, in.status, in.headers, in.docker, in.banner = "", 0, nil, nil, ""
		if in.k8s != nil {
			in.k8s = &model.Kubernetes{Version: in.k8s.Version, DashboardFound: in.k8s.DashboardFound}
		}
		in.etcd = nil
		o := in.build()
		if o.HTTP != nil {
			o.HTTP.Title = tc.in.title
		}
		if got, ok := c.Classify(o); ok && got.Auth == model.AuthOpen {
			t.Errorf("%s: stripped observation classified open: %+v", tc.name, got)
		}
	}
}

func TestClassifyDoesNotModify(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	o := obs{port: 6443, status: 403, body: k8s403, tls: apiserverCert}.build()
	before := fmt.Sprintf("%+v %+v %+v", *o, *o.HTTP, *o.TLS)
	c.Classify(o)
	if after := fmt.Sprintf("%+v %+v %+v", *o, *o.HTTP, *o.TLS); after != before {
		t.Errorf("Classify modified the observation:\n%s\n%s", before, after)
	}
	if _, ok := c.Classify(nil); ok {
		t.Error("Classify(nil) matched")
	}
}

func BenchmarkClassify(b *testing.B) {
	c, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	nginx := obs{port: 443, status: 200, title: "Welcome to nginx!", body: strings.Repeat("<p>Welcome to nginx! lorem ipsum</p>\n", 55),
		headers: []string{"Server: nginx/1.25.3", "Content-Type: text/html", "Content-Length: 615", "Connection: keep-alive", "ETag: \"64dbafc8-267\""},
		tls:     &model.TLS{SubjectCN: "www.example.com", IssuerCN: "R3", SANs: []string{"www.example.com", "example.com"}}}.build()
	k8s := obs{port: 6443, status: 403, body: k8s403, tls: apiserverCert, headers: []string{"Audit-Id: 1", "Content-Type: application/json"}}.build()
	for _, bc := range []struct {
		name string
		o    *model.Observation
	}{{"nomatch-nginx", nginx}, {"match-k8s-403", k8s}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Classify(bc.o)
			}
		})
	}
}

func TestClassifyNoMatchDoesNotAllocate(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	o := obs{port: 443, status: 200, title: "Welcome to nginx!", body: "<h1>Welcome to nginx!</h1>",
		headers: []string{"Server: nginx/1.25.3"}, tls: &model.TLS{SubjectCN: "example.com", SANs: []string{"example.com"}}}.build()
	if n := testing.AllocsPerRun(100, func() { c.Classify(o) }); n != 0 {
		t.Errorf("Classify of a non-matching observation allocates %v times, want 0", n)
	}
}

// FuzzClassify feeds hostile banners to the embedded catalog: Classify must
// not panic, must return a known product with evidence, and must keep the
// version clean of control and bidi characters.
func FuzzClassify(f *testing.F) {
	c, err := catalog.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint16(6443), 403, "", k8s403, "Audit-Id", "x")
	f.Add(uint16(8001), 200, "", kongRoot, "Server", "kong/3.4.2")
	f.Add(uint16(888), 200, "swarmpit", swarmpitVer, "X", "\x1b[31m")
	f.Add(uint16(443), 200, "Kubernetes Dashboard\u202e", "\xff\xfe", "X-Kong-Proxy-Latency", "1")
	f.Fuzz(func(t *testing.T, port uint16, status int, title, body, hname, hvalue string) {
		o := obs{port: port, status: status, title: title, body: body, headers: []string{hname + ": " + hvalue}, banner: body}.build()
		cl, ok := c.Classify(o)
		if !ok {
			return
		}
		if _, known := c.Product(cl.Product); !known || cl.ProductEvidence == "" || cl.AuthEvidence == "" {
			t.Fatalf("bad classification %+v", cl)
		}
		switch cl.Auth {
		case model.AuthOpen, model.AuthRequired, model.AuthUnknown:
		default:
			t.Fatalf("auth %q", cl.Auth)
		}
		if len(cl.Version) > 64 || strings.ContainsFunc(cl.Version, func(r rune) bool { return r < 0x20 || r == 0x7f || r == 0x202e }) {
			t.Fatalf("unclean version %q", cl.Version)
		}
	})
}
