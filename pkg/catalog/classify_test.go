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

func boolp(b bool) *bool { return &b }

// Verbatim and near-verbatim samples from fingerprints.md §17 and the
// sources it cites.
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
	k8s403Compact = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/\"","reason":"Forbidden","details":{},"code":403}`
	k8s401        = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`
	k8sVersion    = `{"major":"1","minor":"21","gitVersion":"v1.21.2","gitCommit":"092fbfbf53427de67cac1e9fa54aaa09a28371d7","gitTreeState":"clean","buildDate":"2021-06-16T12:53:14Z","goVersion":"go1.16.5","compiler":"gc","platform":"linux/amd64"}`
	k8sPaths      = `{
  "paths": [
    "/.well-known/openid-configuration",
    "/api",
    "/api/v1",
    "/apis",
    "/apis/",
    "/healthz",
    "/version"
  ]
}`
	k8sPodList      = `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5121"},"items":[{"metadata":{"name":"coredns-78fcd69978-7b4gq","namespace":"kube-system"}}]}`
	kubelet403      = `Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)`
	etcdVersion     = `{"etcdserver":"3.5.9","etcdcluster":"3.5.0"}`
	dockerVersion   = `{"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"20.10.7"}],"Version":"20.10.7","ApiVersion":"1.41","MinAPIVersion":"1.12","GitCommit":"b0f5bc3","GoVersion":"go1.13.15","Os":"linux","Arch":"amd64","KernelVersion":"5.4.0-77-generic","BuildTime":"2021-06-02T11:54:50.000000000+00:00"}`
	dockerInfoSwarm = `{"ID":"7TRN:IPZB","Containers":14,"ServerVersion":"24.0.5","Swarm":{"NodeID":"qgz3","NodeAddr":"10.0.0.4","LocalNodeState":"active","ControlAvailable":true,"Error":"","RemoteManagers":[{"NodeID":"qgz3","Addr":"10.0.0.4:2377"}]}}`
	kongRoot        = `{"version":"3.4.2","tagline":"Welcome to kong","hostname":"kong-admin-7d9","node_id":"a1b2","lua_version":"LuaJIT 2.1.0-20230410","plugins":{"available_on_server":{"acl":true}},"configuration":{"admin_listen":["0.0.0.0:8001"]}}`
	kong05Root      = `{"version":"0.5.2","lua_version":"LuaJIT 2.1.0-alpha","tagline":"Welcome to Kong","hostname":"precise64","plugins":{"enabled_in_cluster":{},"available_on_server":["ssl"]}}`
	kongRBAC        = `{"message":"Invalid credentials. Token or User credentials required"}`
	portainerShell  = `<!DOCTYPE html><html lang="en" ng-app="portainer" ng-strict-di data-edition="CE"><head><meta charset="utf-8" /><title>Portainer</title>`
	swarmpitVer     = `{"name":"swarmpit","version":"1.9","revision":"a1b2c3","initialized":false,"statistics":true,"instanceName":null,"docker":{"api":1.41,"engine":"20.10.7"}}`
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
		// Kubernetes API server (fp §1).
		{"k8s 403 anonymous indented", obs{port: 6443, status: 403, body: k8s403, headers: apf, tls: apiserverCert},
			want{"kubernetes-api", model.AuthRequired, model.High, "", "403 system:anonymous"}},
		{"k8s 403 anonymous compact (nmap)", obs{port: 8443, status: 403, body: k8s403Compact, headers: []string{"Content-Type: application/json"}},
			want{"kubernetes-api", model.AuthRequired, model.High, "", "system:anonymous"}},
		{"k8s 401 anonymous auth disabled", obs{port: 443, status: 401, body: k8s401, headers: []string{"Audit-Id: 1", "Content-Type: application/json"}},
			want{"kubernetes-api", model.AuthRequired, model.High, "", "401 Unauthorized"}},
		{"k8s 200 paths list is open", obs{port: 8080, status: 200, body: k8sPaths, headers: []string{"Content-Type: application/json"}},
			want{"kubernetes-api", model.AuthOpen, model.High, "", "paths list"}},
		{"k8s PodList is open", obs{port: 6443, status: 200, body: k8sPodList, headers: apf, tls: apiserverCert},
			want{"kubernetes-api", model.AuthOpen, model.High, "", "resource list"}},
		{"k8s /version 200 is not open", obs{port: 443, status: 200, body: k8sVersion, product: "Kubernetes", version: "1.21.2",
			headers: []string{"Content-Type: application/json"}},
			want{"kubernetes-api", model.AuthUnknown, model.High, "v1.21.2", "/version readable"}},
		{"censys KUBERNETES with pod names is open", obs{engine: model.Censys, port: 6443, proto: "KUBERNETES",
			k8s: &model.Kubernetes{Version: "v1.27.3-eks-a5565ad", Pods: 12}},
			want{"kubernetes-api", model.AuthOpen, model.High, "v1.27.3-eks-a5565ad", "pod names"}},
		{"censys KUBERNETES with nodes is open", obs{engine: model.Censys, port: 443, proto: "KUBERNETES",
			k8s: &model.Kubernetes{Version: "v1.29.1", Nodes: 3}},
			want{"kubernetes-api", model.AuthOpen, model.High, "v1.29.1", "nodes"}},
		{"censys KUBERNETES version only is unknown", obs{engine: model.Censys, port: 443, proto: "KUBERNETES",
			k8s: &model.Kubernetes{Version: "v1.28.2-gke.1157000"}},
			want{"kubernetes-api", model.AuthUnknown, model.High, "v1.28.2-gke.1157000", "/version readable"}},
		{"kubeadm cert only", obs{engine: model.Censys, port: 6443, tls: apiserverCert},
			want{"kubernetes-api", model.AuthUnknown, model.Low, "", "no auth rule matched"}},
		{"k3s cert", obs{port: 6443, tls: &model.TLS{SubjectCN: "k3s", IssuerCN: "k3s-server-ca@1700000000"}, status: 401, body: k8s401},
			want{"kubernetes-api", model.AuthRequired, model.High, "", "401"}},

		// Kubernetes healthz (fp §2).
		{"healthz ok with apiserver cert", obs{port: 6443, status: 200, body: "ok", tls: apiserverCert, headers: []string{"Content-Type: text/plain; charset=utf-8", "X-Content-Type-Options: nosniff"}},
			want{"kubernetes-healthz", model.AuthUnknown, model.High, "", "healthz ok"}},
		{"bare healthz ok is no product", obs{port: 6443, status: 200, body: "ok", headers: []string{"Content-Type: text/plain; charset=utf-8"}},
			want{}},
		{"kube-proxy healthz", obs{port: 10256, status: 200, body: `{"lastUpdated": "2026-11-27 10:00:00 +0000 UTC","currentTime": "2026-11-27 10:00:01 +0000 UTC", "nodeEligible": true}`},
			want{"kubernetes-healthz", model.AuthUnknown, model.Low, "", "kube-proxy"}},

		// Kubernetes Dashboard (fp §3).
		{"dashboard title", obs{port: 443, status: 200, title: "Kubernetes Dashboard", body: `<!doctype html><html lang="en" dir="ltr"><head><title>Kubernetes Dashboard</title>`},
			want{"kubernetes-dashboard", model.AuthUnknown, model.High, "", "HTML shell"}},
		{"dashboard v7 behind kong gateway is not kong admin", obs{port: 8443, status: 200, title: "Kubernetes Dashboard",
			body:    `<title>Kubernetes Dashboard</title>`,
			headers: []string{"Server: kong/3.6.1", "Via: kong/3.6.1", "X-Kong-Upstream-Latency: 2", "X-Kong-Proxy-Latency: 1"}},
			want{"kubernetes-dashboard", model.AuthUnknown, model.High, "", "HTML shell"}},
		{"dashboard v7 kong proxy 404 is nothing", obs{port: 8443, status: 404, body: `{"message":"no Route matched with those values"}`,
			headers: []string{"Server: kong/3.6.1", "X-Kong-Response-Latency: 0"}},
			want{}},
		{"censys dashboard_found is low and not open", obs{engine: model.Censys, port: 443, proto: "KUBERNETES",
			k8s: &model.Kubernetes{Version: "v1.25.0", DashboardFound: true}},
			want{"kubernetes-dashboard", model.AuthUnknown, model.Low, "", ""}},

		// kubelet (fp §4).
		{"kubelet PodList is open", obs{port: 10250, status: 200, body: k8sPodList, product: "Kubernetes"},
			want{"kubelet", model.AuthOpen, model.High, "", "PodList"}},
		{"kubelet read-only port PodList", obs{port: 10255, status: 200, body: k8sPodList},
			want{"kubelet", model.AuthOpen, model.High, "", "PodList"}},
		{"kubelet webhook denial", obs{port: 10250, status: 403, body: kubelet403, headers: []string{"Content-Type: text/plain; charset=utf-8"}},
			want{"kubelet", model.AuthRequired, model.High, "", "Forbidden (user=system:anonymous)"}},
		{"kubelet 401", obs{port: 10250, status: 401, body: "Unauthorized", product: "Kubernetes"},
			want{"kubelet", model.AuthRequired, model.High, "", "401"}},
		{"kubelet 404 at /", obs{port: 10250, status: 404, body: "404 page not found", product: "Kubernetes",
			tls: &model.TLS{SubjectCN: "steamcloud@1782765951", IssuerCN: "steamcloud-ca@1782765951"}},
			want{"kubelet", model.AuthUnknown, model.High, "", "404 on /"}},

		// etcd (fp §5).
		{"censys etcd v3 auth off", obs{engine: model.Censys, port: 2379, etcd: &model.Etcd{Version: "3.5.9", V3Auth: boolp(false)}},
			want{"etcd", model.AuthOpen, model.High, "3.5.9", "v3 auth.enabled=false"}},
		{"censys etcd v2 auth on", obs{engine: model.Censys, port: 2379, etcd: &model.Etcd{Version: "3.4.27", V2Auth: boolp(true)}},
			want{"etcd", model.AuthRequired, model.High, "3.4.27", "v2 auth.enabled=true"}},
		{"etcd v2 off but v3 on is auth_required", obs{engine: model.Censys, port: 2379, etcd: &model.Etcd{V2Auth: boolp(false), V3Auth: boolp(true)}},
			want{"etcd", model.AuthRequired, model.High, "", "v3 auth.enabled=true"}},
		{"etcd insufficient credentials", obs{port: 2379, status: 401, body: `{"message":"Insufficient credentials"}`, product: "etcd"},
			want{"etcd", model.AuthRequired, model.High, "", "Insufficient credentials"}},
		{"shodan product etcd with version banner is open low", obs{port: 2379, status: 200, body: etcdVersion, product: "etcd", version: "3.5.9"},
			want{"etcd", model.AuthOpen, model.Low, "3.5.9", "essentially unauthenticated"}},
		{"etcd v2 keys readable", obs{port: 2379, status: 200, body: `{"action":"get","node":{"key":"/","dir":true,"nodes":[{"key":"/registry","dir":true}]}}`, product: "etcd"},
			want{"etcd", model.AuthOpen, model.High, "", "/v2/keys"}},
		{"etcd mTLS cert only", obs{engine: model.Censys, port: 2379, tls: &model.TLS{SubjectCN: "steamcloud", IssuerCN: "etcd-ca"}},
			want{"etcd", model.AuthRequired, model.Low, "", "client certificate"}},

		// Docker Engine API (fp §6).
		{"shodan docker property is open", obs{port: 2375, status: 200, body: dockerVersion, product: "Docker", version: "20.10.7",
			docker:  &model.Docker{Version: "20.10.7", APIVersion: "1.41", OS: "linux", Containers: 3},
			headers: []string{"Api-Version: 1.41", "Content-Type: application/json", "Docker-Experimental: false", "Ostype: linux", "Server: Docker/20.10.7 (linux)"}},
			want{"docker-engine", model.AuthOpen, model.High, "20.10.7", "Shodan docker property"}},
		{"docker /version 200 without property", obs{engine: model.Censys, port: 2375, status: 200, body: dockerVersion,
			headers: []string{"Content-Type: application/json"}},
			want{"docker-engine", model.AuthOpen, model.High, "20.10.7", "/version JSON"}},
		{"docker /_ping with headers", obs{port: 2375, status: 200, body: "OK",
			headers: []string{"Api-Version: 1.41", "Docker-Experimental: false", "Ostype: linux", "Server: Docker/20.10.8 (linux)"}},
			want{"docker-engine", model.AuthOpen, model.High, "20.10.8", "Api-Version"}},
		{"docker 404 on / is unknown", obs{port: 2375, status: 404, body: `{"message":"page not found"}`, headers: []string{"Content-Type: application/json"}},
			want{"docker-engine", model.AuthUnknown, model.Low, "", "404 on /"}},
		{"docker behind an auth proxy", obs{port: 2376, status: 401, body: "401 Authorization Required",
			headers: []string{"Server: Docker/24.0.7 (linux)", `WWW-Authenticate: Basic realm="docker"`}},
			want{"docker-engine", model.AuthRequired, model.High, "24.0.7", "WWW-Authenticate"}},

		// Docker Swarm manager (fp §7).
		{"swarm manager via open engine API", obs{port: 2375, status: 200, body: dockerInfoSwarm,
			docker: &model.Docker{Version: "24.0.5", APIVersion: "1.43"}, headers: []string{"Server: Docker/24.0.5 (linux)", "Api-Version: 1.43"}},
			want{"docker-swarm", model.AuthOpen, model.Low, "", "docker property"}},
		{"swarm cluster port cert", obs{engine: model.Censys, port: 2377, tls: &model.TLS{SubjectCN: "qgz3", Subject: "CN=qgz3, OU=swarm-manager, O=abc", IssuerCN: "swarm-ca"}},
			want{"docker-swarm", model.AuthUnknown, model.Low, "", "mutual TLS"}},

		// Mesos and Marathon (fp §11).
		{"mesos UI 200 is open low", obs{port: 5050, status: 200, title: "Mesos", body: `<html ng-app="mesos"><title>Mesos</title> Apache Software Foundation`},
			want{"mesos-master", model.AuthOpen, model.Low, "", "Mesos UI"}},
		{"mesos 401 realm", obs{port: 5050, status: 401, headers: []string{`WWW-Authenticate: Basic realm="mesos-master-readonly"`}},
			want{"mesos-master", model.AuthRequired, model.High, "", "mesos-master realm"}},
		{"marathon 200 with leader header (lower-case name)", obs{port: 8080, status: 200, title: "Marathon",
			headers: []string{"x-marathon-leader: http://ip-10-253-103-2:8080", "Server: Jetty(9.3.z-SNAPSHOT)"}},
			want{"marathon", model.AuthOpen, model.Low, "", "X-Marathon-Leader"}},
		{"marathon 401", obs{port: 8080, status: 401, headers: []string{"X-Marathon-Leader: http://10.0.0.5:8080"}},
			want{"marathon", model.AuthRequired, model.High, "", "401"}},

		// OpenShift (fp §12).
		{"openshift API cert with anonymous 403", obs{port: 6443, status: 403, body: k8s403, headers: apf,
			tls: &model.TLS{SubjectCN: "api.build01.ci.devcluster.openshift.com", Issuer: "OU=openshift, CN=kube-apiserver-lb-signer", IssuerCN: "kube-apiserver-lb-signer"}},
			want{"openshift-api", model.AuthRequired, model.High, "", "system:anonymous"}},
		{"openshift 4 console", obs{port: 443, status: 200, title: "Red Hat OpenShift", body: `<title>Red Hat OpenShift</title><script>window.SERVER_FLAGS = {"releaseVersion":"4.13.4"}</script>`},
			want{"openshift-console", model.AuthUnknown, model.High, "4.13.4", "shell"}},
		{"openshift console oauth redirect", obs{port: 443, status: 302,
			headers: []string{"Location: https://oauth-openshift.apps.c1.example.com/oauth/authorize?client_id=openshift-web-console&response_type=code"}},
			want{"openshift-console", model.AuthRequired, model.Low, "", "OAuth"}},

		// Portainer (fp §8).
		{"portainer first run is open", obs{port: 9000, status: 404, body: `{"message":"No administrator account found inside the database","details":"object not found inside the database"}`,
			headers: []string{"Content-Type: application/json"}},
			want{"portainer", model.AuthOpen, model.High, "", "No administrator account"}},
		{"portainer token missing", obs{port: 9443, status: 401, body: `{"message":"A valid authorisation token is missing","details":"Unauthorized"}`},
			want{"portainer", model.AuthRequired, model.High, "", "authorisation token"}},
		{"portainer SPA shell", obs{port: 9443, status: 200, title: "Portainer", body: portainerShell},
			want{"portainer", model.AuthUnknown, model.High, "", "SPA shell"}},

		// Swarmpit (fp §9).
		{"swarmpit uninitialized is open", obs{port: 888, status: 200, body: swarmpitVer, headers: []string{"Content-Type: application/json"}},
			want{"swarmpit", model.AuthOpen, model.High, "1.9", "initialized"}},
		{"swarmpit initialized", obs{port: 888, status: 200, body: strings.Replace(swarmpitVer, `"initialized":false`, `"initialized":true`, 1)},
			want{"swarmpit", model.AuthRequired, model.High, "1.9", "initialized"}},

		// Rancher (fp §10).
		{"rancher must authenticate", obs{port: 443, status: 401, body: `{"type":"error","status":"401","message":"must authenticate"}`,
			headers: []string{"X-Rancher-Version: v2.7.5", "Content-Type: application/json"}},
			want{"rancher", model.AuthRequired, model.High, "2.7.5", "must authenticate"}},
		{"rancher loading shell", obs{port: 443, status: 200, title: "Loading&hellip;", body: `<div id="ember-basic-dropdown-wormhole"></div><!-- 2.4.8 -->`},
			want{"rancher", model.AuthUnknown, model.High, "2.4.8", "shell"}},

		// Nomad (fp §13).
		{"nomad 200 list with index is open low", obs{port: 4646, status: 200, body: `[{"ID":"example","Name":"example","Type":"service"}]`,
			headers: []string{"X-Nomad-Index: 42", "X-Nomad-Knownleader: true", "X-Nomad-Lastcontact: 0"}},
			want{"nomad", model.AuthOpen, model.Low, "", "X-Nomad-Index"}},
		{"nomad UI", obs{port: 4646, status: 200, title: "Nomad", body: `<link rel="stylesheet" href="/ui/assets/nomad-ui-3f4.css">`},
			want{"nomad", model.AuthUnknown, model.High, "", "UI shell"}},

		// Argo CD (fp §14).
		{"argocd title", obs{port: 443, status: 200, title: "Argo CD", body: `<title>Argo CD</title>`},
			want{"argocd", model.AuthUnknown, model.High, "", "SPA shell"}},

		// Kong Admin API (fp §15).
		{"kong admin root is open", obs{port: 8001, status: 200, body: kongRoot, headers: []string{"Server: kong/3.4.2", "X-Kong-Admin-Latency: 1", "X-Kong-Admin-Request-Id: 9f"}},
			want{"kong-admin", model.AuthOpen, model.High, "3.4.2", "Welcome to kong"}},
		{"kong 0.5 root without configuration is open low", obs{port: 8001, status: 200, body: kong05Root},
			want{"kong-admin", model.AuthOpen, model.Low, "0.5.2", "Welcome to kong"}},
		{"kong EE RBAC", obs{port: 8001, status: 401, body: kongRBAC,
			headers: []string{"X-Kong-Admin-Request-ID: 49cd615d", "X-Kong-Admin-Latency: 6", "Server: kong/3.11.0.0-enterprise-edition"}},
			want{"kong-admin", model.AuthRequired, model.High, "3.11.0.0-enterprise-edition", "Invalid credentials"}},
		{"kong admin behind basic auth", obs{port: 8444, status: 401, body: `{"message":"Unauthorized"}`,
			headers: []string{"X-Kong-Admin-Request-ID: 1", `WWW-Authenticate: Basic realm="kong"`}},
			want{"kong-admin", model.AuthRequired, model.High, "", "401 with WWW-Authenticate"}},
		{"kong body says both open and denied: denied wins", obs{port: 8001, status: 200, body: kongRoot + ` Invalid credentials`},
			want{"kong-admin", model.AuthRequired, model.High, "3.4.2", "Invalid credentials"}},

		// Swagger UI (fp §16).
		{"swagger ui", obs{port: 8080, status: 200, title: "Swagger UI", body: `<link rel="stylesheet" type="text/css" href="./swagger-ui.css" /><div id="swagger-ui"></div>`},
			want{"swagger-ui", model.AuthUnknown, model.High, "", "documentation"}},

		// Negatives and hostile input.
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
		{"invalid UTF-8 and control bytes in title", obs{port: 443, status: 200, title: "Kubernetes Dashboard\xff\xfe\x00<script>", body: "\xff"},
			want{"kubernetes-dashboard", model.AuthUnknown, model.High, "", ""}},
	}
}

func TestClassify(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
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
			seen[got.Product] = true
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
	for _, p := range c.Products() {
		if !seen[p.ID] {
			t.Errorf("no Classify case names product %s", p.ID)
		}
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
