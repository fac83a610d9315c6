package demo

import (
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/model"
)

// look is what a scanner saw on a service, engine-neutral; the Shodan and
// Censys renderers turn it into each engine's record shape. Bodies and
// headers are taken from the verbatim samples in the fingerprints document
// (shared/docs/fingerprints.md §17).
type look struct {
	status   int
	reason   string
	headers  [][2]string
	body     string
	title    string
	tls      bool
	certCN   string
	certO    string
	issuerCN string
	issuerOU string
	sans     []string

	shodanProduct string
	shodanModule  string
	protocol      string // Censys service protocol
	software      []model.Software

	k8s    *k8sLook
	etcd   *etcdLook
	docker *dockerLook
}

type k8sLook struct {
	version   string
	pods      []string
	nodes     []string
	dashboard bool
}

type etcdLook struct {
	version string
	v3auth  *bool
}

type dockerLook struct {
	version, api string
}

func boolp(b bool) *bool { return &b }

const (
	k8s403 = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/\"","reason":"Forbidden","details":{},"code":403}`
	k8s401 = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`
)

func k8sHeaders(id int) [][2]string {
	return [][2]string{
		{"Audit-Id", fmt.Sprintf("30151b30-%04x-4c2e-9a4b-%012x", id&0xffff, id)},
		{"Cache-Control", "no-cache, private"},
		{"Content-Type", "application/json"},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Kubernetes-Pf-Flowschema-Uid", "8914d77e-5b1a-4f0e-9f43-3c8d2b8a1c11"},
		{"X-Kubernetes-Pf-Prioritylevel-Uid", "c45a50ba-7e0f-4d42-8c57-2b3f0f6e9d02"},
	}
}

func kubeadmCert(l *look) {
	l.tls = true
	l.certCN = "kube-apiserver"
	l.issuerCN = "kubernetes"
	l.sans = []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
}

func htmlPage(title, extra string) string {
	return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
		"</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" + extra +
		"</head>\n<body>\n<noscript>You need to enable JavaScript to run this app.</noscript>\n<div id=\"root\"></div>\n" +
		"<script src=\"/static/js/main.4f1c2a7e.js\"></script>\n</body>\n</html>\n"
}

func (s *Service) id() int {
	b := s.Addr.As16()
	return int(b[12])<<24 | int(b[13])<<16 | int(b[14])<<8 | int(b[15]) ^ int(s.Port)
}

// lookFor returns what a scanner sees on s.
func lookFor(s *Service) look {
	var l look
	l.status, l.reason = 200, "OK"
	switch s.Product {
	case "kubernetes-api":
		kubeadmCert(&l)
		l.shodanProduct, l.shodanModule, l.protocol = "Kubernetes", "kubernetes", "KUBERNETES"
		l.k8s = &k8sLook{version: s.Version}
		l.headers = k8sHeaders(s.id())
		switch s.Auth {
		case model.AuthOpen:
			l.body = `{"paths":["/api","/api/v1","/apis","/apis/","/apis/apps","/apis/apps/v1","/healthz","/livez","/metrics","/openapi/v2","/readyz","/version"]}`
			l.k8s.pods = []string{"coredns-5d78c9869d-7xk2p", "kube-proxy-9vq4m", "etcd-master-1"}
			l.k8s.nodes = []string{"ip-10-0-1-23.ec2.internal"}
		case model.AuthRequired:
			if s.Variant == 0 {
				l.status, l.reason, l.body = 401, "Unauthorized", k8s401
			} else {
				l.status, l.reason, l.body = 403, "Forbidden", k8s403
			}
		default:
			// Only the TLS certificate: the handshake answered, no HTTP.
			l.status, l.headers = 0, nil
		}
	case "kubernetes-healthz":
		// An API server whose /healthz answered: public by default, so it
		// proves the product but not open access.
		kubeadmCert(&l)
		l.shodanProduct, l.shodanModule, l.protocol = "Kubernetes", "kubernetes", "KUBERNETES"
		l.headers = append(k8sHeaders(s.id())[:3], [2]string{"X-Content-Type-Options", "nosniff"})
		l.headers[2] = [2]string{"Content-Type", "text/plain; charset=utf-8"}
		l.body = "ok"
	case "openshift-api":
		l.tls = true
		l.certCN, l.issuerOU, l.issuerCN = fmt.Sprintf("api.cluster%d.example.com", s.id()%97), "openshift", "kube-apiserver-lb-signer"
		l.shodanProduct, l.shodanModule, l.protocol = "Kubernetes", "kubernetes", "KUBERNETES"
		l.k8s = &k8sLook{version: s.Version}
		l.headers = k8sHeaders(s.id())
		l.status, l.reason, l.body = 403, "Forbidden", k8s403
	case "kubelet":
		l.tls = true
		l.certCN = fmt.Sprintf("ip-10-0-%d-%d@1700%06d", s.id()%250, s.id()%200, s.id()%1000000)
		l.shodanModule, l.protocol = "https", "HTTP"
		switch s.Auth {
		case model.AuthOpen:
			l.tls, l.certCN, l.shodanModule = false, "", "http"
			l.headers = [][2]string{{"Content-Type", "application/json"}}
			l.body = `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"kube-proxy-9vq4m","namespace":"kube-system"}}]}`
		case model.AuthRequired:
			l.headers = [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}
			if s.Variant%2 == 0 {
				l.status, l.reason, l.body = 401, "Unauthorized", "Unauthorized"
			} else {
				l.status, l.reason, l.body = 403, "Forbidden", "Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)"
			}
		default:
			l.headers = [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}
			l.status, l.reason, l.body = 404, "Not Found", "404 page not found"
		}
		if l.shodanModule != "" {
			l.shodanProduct = "Kubernetes"
		}
	case "kubernetes-dashboard":
		l.tls, l.certCN = true, "kubernetes-dashboard"
		l.shodanModule, l.protocol = "https", "HTTP"
		l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}, {"Cache-Control", "no-cache"}}
		l.title = "Kubernetes Dashboard"
		l.body = htmlPage(l.title, "<base href=\"/\">\n") + "<kd-root></kd-root>"
	case "etcd":
		l.shodanProduct, l.shodanModule, l.protocol = "etcd", "etcd", "ETCD"
		l.headers = [][2]string{{"Content-Type", "application/json"}}
		l.etcd = &etcdLook{version: s.Version}
		switch s.Auth {
		case model.AuthOpen:
			l.etcd.v3auth = boolp(false)
			l.body = `{"action":"get","node":{"dir":true,"nodes":[{"key":"/registry","dir":true,"modifiedIndex":4,"createdIndex":4}]}}`
		default:
			l.etcd.v3auth = boolp(true)
			l.status, l.reason, l.body = 401, "Unauthorized", `{"message":"Insufficient credentials"}`
		}
	case "docker-engine":
		l.shodanProduct, l.shodanModule, l.protocol = "Docker", "docker", "HTTP"
		l.docker = &dockerLook{version: s.Version, api: "1.43"}
		l.headers = [][2]string{{"Api-Version", "1.43"}, {"Content-Type", "application/json"}, {"Docker-Experimental", "false"},
			{"Ostype", "linux"}, {"Server", "Docker/" + s.Version + " (linux)"}}
		l.body = fmt.Sprintf(`{"Platform":{"Name":"Docker Engine - Community"},"Version":%q,"ApiVersion":"1.43","MinAPIVersion":"1.12","GitCommit":"311b9ff","GoVersion":"go1.21.3","Os":"linux","Arch":"amd64","KernelVersion":"5.15.0-1051-aws","BuildTime":"2023-10-26T09:08:02.000000000+00:00"}`, s.Version)
		l.software = []model.Software{{Vendor: "docker", Product: "docker", Version: s.Version}}
	case "docker-swarm":
		l.tls, l.certCN, l.certO, l.issuerCN = true, fmt.Sprintf("node-%x", s.id()), "swarm-manager", "swarm-ca"
		l.shodanModule, l.protocol = "https", "UNKNOWN"
		l.status = 0
	case "mesos-master":
		l.shodanModule, l.protocol = "http", "HTTP"
		switch s.Auth {
		case model.AuthRequired:
			l.status, l.reason = 401, "Unauthorized"
			l.headers = [][2]string{{"WWW-Authenticate", `Basic realm="mesos-master-readonly"`}, {"Content-Length", "0"}}
		case model.AuthOpen:
			// /master/state read without credentials: proof. (The UI
			// page is served whether or not authentication is on.)
			l.headers = [][2]string{{"Content-Type", "application/json"}}
			l.body = `{"version":"1.11.0","git_tag":"1.11.0","build_date":"2020-11-24","activated_slaves":3.0,"deactivated_slaves":0.0,"frameworks":[{"name":"marathon"}]}`
		default:
			l.title = "Mesos"
			l.headers = [][2]string{{"Content-Type", "text/html"}}
			l.body = htmlPage("Mesos", "<link href=\"/static/css/mesos.css\" rel=\"stylesheet\">\n") + "<!-- Licensed to the Apache Software Foundation -->"
		}
	case "marathon":
		l.shodanModule, l.protocol = "http", "HTTP"
		l.headers = [][2]string{{"X-Marathon-Leader", fmt.Sprintf("http://ip-10-253-%d-%d:8080", s.id()%250, s.id()%200)},
			{"X-Marathon-Via", "1.1 ip-10-253-103-2:8080"}, {"Server", "Jetty(9.4.z-SNAPSHOT)"}, {"X-Frame-Options", "DENY"}}
		switch s.Auth {
		case model.AuthRequired:
			l.status, l.reason = 401, "Unauthorized"
			l.headers = append(l.headers, [2]string{"WWW-Authenticate", `Basic realm="Mesosphere Marathon"`})
			l.body = `{"message":"Invalid username or password."}`
		case model.AuthOpen:
			// The /v2/apps list read without credentials: proof. (A 200
			// with the leader header alone is "likely open".)
			l.headers = append(l.headers, [2]string{"Content-Type", "application/json"})
			l.body = `{"apps":[{"id":"/web","cmd":"python3 -m http.server 8080","instances":2,"cpus":0.1,"mem":64}]}`
		default:
			l.title = "Marathon"
			l.body = htmlPage("Marathon", "<link rel=\"shortcut icon\" href=\"img/marathon-favicon.ico\">\n")
		}
	case "openshift-console":
		l.tls, l.certCN, l.issuerCN = true, "*.apps.cluster.example.com", "ingress-operator@1700000000"
		l.shodanModule, l.protocol = "https", "HTTP"
		l.title = "Red Hat OpenShift"
		l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}, {"Referrer-Policy", "strict-origin-when-cross-origin"}}
		l.body = htmlPage(l.title, "<script>window.SERVER_FLAGS = {\"releaseVersion\":\""+s.Version+"\",\"loginURL\":\"/auth/login\"};</script>\n")
	case "portainer":
		l.shodanModule, l.protocol = "http", "HTTP"
		if s.Auth == model.AuthOpen {
			l.status, l.reason = 404, "Not Found"
			l.headers = [][2]string{{"Content-Type", "application/json"}}
			l.body = `{"message":"No administrator account found inside the database","details":"Object not found inside the database"}`
			l.title = ""
		} else {
			l.title = "Portainer"
			l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}}
			l.body = htmlPage("Portainer", "") + `<div ng-app="portainer" class="page-wrapper"></div>`
		}
	case "swarmpit":
		l.shodanModule, l.protocol = "http", "HTTP"
		if s.Auth == model.AuthOpen {
			l.headers = [][2]string{{"Content-Type", "application/json"}}
			l.body = `{"name":"swarmpit","version":"1.9","revision":"510312b","initialized":false,"statistics":true,"instanceName":null,"docker":{"api":1.41,"engine":"20.10.7"}}`
		} else {
			l.title = "swarmpit"
			l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}}
			l.body = htmlPage("swarmpit", "<meta name=\"description\" content=\"Lightweight Docker Swarm management UI\">\n<meta name=\"theme-color\" content=\"#65519f\">\n")
		}
	case "rancher":
		l.tls, l.certCN, l.issuerCN = true, "rancher.example.com", "dynamiclistener-ca"
		l.shodanModule, l.protocol = "https", "HTTP"
		l.headers = [][2]string{{"X-Rancher-Version", s.Version}, {"Content-Type", "text/html; charset=utf-8"}}
		if s.Auth == model.AuthRequired {
			l.status, l.reason = 401, "Unauthorized"
			l.headers[1] = [2]string{"Content-Type", "application/json"}
			l.body = `{"type":"error","status":"401","message":"must authenticate"}`
		} else {
			l.title = "Loading&hellip;"
			l.body = htmlPage("Loading&hellip;", "<meta name=\"description\" content=\"Rancher Dashboard\">\n") + "<div class=\"ember-basic-dropdown-wormhole\"></div>"
		}
	case "nomad":
		l.shodanModule, l.protocol = "http", "HTTP"
		l.title = "Nomad"
		l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}}
		l.body = htmlPage("Nomad", "<link rel=\"stylesheet\" href=\"/ui/assets/nomad-ui-4c1ad0b6.css\">\n")
	case "argocd":
		l.tls, l.certCN, l.certO = true, "localhost", "Argo CD"
		l.shodanModule, l.protocol = "https", "HTTP"
		l.title = "Argo CD"
		l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}, {"X-Frame-Options", "sameorigin"}}
		l.body = htmlPage("Argo CD", "<base href=\"/\">\n")
	case "kong-admin":
		l.shodanModule, l.protocol = "http", "HTTP"
		l.headers = [][2]string{{"Content-Type", "application/json; charset=utf-8"}, {"Server", "kong/3.4.2"},
			{"X-Kong-Admin-Request-ID", fmt.Sprintf("49cd615d%024x", s.id())}, {"X-Kong-Admin-Latency", "6"}}
		switch s.Auth {
		case model.AuthOpen:
			l.body = `{"version":"3.4.2","tagline":"Welcome to kong","hostname":"kong-7f9c","node_id":"3c2b1a0e-1111-4a4a-9a9a-0123456789ab","lua_version":"LuaJIT 2.1.0-20230410","plugins":{"available_on_server":{"acl":{"priority":950}}},"configuration":{"admin_listen":["0.0.0.0:8001"],"database":"postgres"}}`
		case model.AuthRequired:
			l.status, l.reason = 401, "Unauthorized"
			l.headers[1] = [2]string{"Server", "kong/3.4.2.0-enterprise-edition"}
			l.body = `{"message":"Invalid credentials. Token or User credentials required"}`
		default:
			l.status, l.reason = 404, "Not Found"
			l.body = `{"message":"Not found"}`
		}
	case "swagger-ui":
		l.shodanModule, l.protocol = "http", "HTTP"
		l.title = "Swagger UI"
		l.headers = [][2]string{{"Content-Type", "text/html; charset=utf-8"}}
		l.body = htmlPage("Swagger UI", "<link rel=\"stylesheet\" type=\"text/css\" href=\"./swagger-ui.css\">\n") +
			"<div id=\"swagger-ui\"></div>\n<script src=\"./swagger-ui-bundle.js\" charset=\"UTF-8\"></script>"
	default: // noise
		l.shodanModule, l.protocol = "https", "HTTP"
		l.tls, l.certCN = s.Port != 8080, "localhost"
		l.title = "Welcome to nginx!"
		l.headers = [][2]string{{"Server", "nginx/1.24.0"}, {"Content-Type", "text/html"}}
		l.body = htmlPage("Welcome to nginx!", "") + "<h1>Welcome to nginx!</h1>"
	}
	if l.status == 0 {
		l.reason = ""
	}
	return l
}

// httpText renders the response head and body as a Shodan `data` string.
func (l *look) httpText() string {
	if l.status == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", l.status, l.reason)
	for _, h := range l.headers {
		b.WriteString(h[0])
		b.WriteString(": ")
		b.WriteString(h[1])
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(l.body))
	return b.String()
}
