package demo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Shodan banner shape (shared/docs/shodan-api.md §7).
type shodanBanner struct {
	Hash       int32             `json:"hash"`
	IP         uint32            `json:"ip,omitempty"`
	IPStr      string            `json:"ip_str,omitempty"`
	IPv6       string            `json:"ipv6,omitempty"`
	Port       uint16            `json:"port"`
	Transport  string            `json:"transport"`
	Product    string            `json:"product,omitempty"`
	Version    string            `json:"version,omitempty"`
	Hostnames  []string          `json:"hostnames"`
	Domains    []string          `json:"domains"`
	Org        string            `json:"org"`
	ISP        string            `json:"isp"`
	ASN        string            `json:"asn"`
	OS         *string           `json:"os"`
	Timestamp  string            `json:"timestamp"`
	Location   shodanLocation    `json:"location"`
	Cloud      *shodanCloud      `json:"cloud,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	Meta       shodanMeta        `json:"_shodan"`
	Data       string            `json:"data"`
	HTTP       *shodanHTTP       `json:"http,omitempty"`
	SSL        *shodanSSL        `json:"ssl,omitempty"`
	Kubernetes *shodanKubernetes `json:"kubernetes,omitempty"`
	Docker     *shodanDocker     `json:"docker,omitempty"`
	Etcd       *shodanEtcd       `json:"etcd,omitempty"`
}

type shodanLocation struct {
	City        string  `json:"city"`
	RegionCode  *string `json:"region_code"`
	CountryCode string  `json:"country_code"`
	CountryName string  `json:"country_name"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
}

type shodanCloud struct {
	Provider string  `json:"provider"`
	Region   *string `json:"region"`
	Service  *string `json:"service"`
}

type shodanMeta struct {
	Crawler string `json:"crawler"`
	ID      string `json:"id"`
	Module  string `json:"module"`
	Region  string `json:"region"`
}

type shodanHTTP struct {
	Status   int    `json:"status"`
	Title    string `json:"title"`
	Server   string `json:"server"`
	HTML     string `json:"html"`
	HTMLHash int32  `json:"html_hash"`
	Host     string `json:"host"`
	Location string `json:"location"`
}

type shodanSSL struct {
	Cert  shodanCert `json:"cert"`
	Chain []string   `json:"chain"`
	JARM  string     `json:"jarm"`
}

type shodanCert struct {
	Subject    map[string]string `json:"subject"`
	Issuer     map[string]string `json:"issuer"`
	Expired    bool              `json:"expired"`
	Expires    string            `json:"expires"`
	Issued     string            `json:"issued"`
	Serial     json.Number       `json:"serial"`
	SigAlg     string            `json:"sig_alg"`
	Version    int               `json:"version"`
	Extensions []shodanExt       `json:"extensions"`
}

type shodanExt struct {
	Name     string `json:"name"`
	Data     string `json:"data"`
	Critical bool   `json:"critical,omitempty"`
}

type shodanKubernetes struct {
	Version   string           `json:"version,omitempty"`
	GoVersion string           `json:"go_version,omitempty"`
	Platform  string           `json:"platform,omitempty"`
	Nodes     []shodanKubeNode `json:"nodes,omitempty"`
}

type shodanKubeNode struct {
	Name       string              `json:"name"`
	Containers []map[string]string `json:"containers"`
}

type shodanDocker struct {
	APIVersion    string `json:"ApiVersion"`
	Arch          string `json:"Arch"`
	BuildTime     string `json:"BuildTime"`
	GitCommit     string `json:"GitCommit"`
	GoVersion     string `json:"GoVersion"`
	KernelVersion string `json:"KernelVersion"`
	MinAPIVersion string `json:"MinAPIVersion"`
	Os            string `json:"Os"`
	Version       string `json:"Version"`
}

type shodanEtcd struct {
	API     string `json:"api"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	State   string `json:"state"`
}

func strp(s string) *string { return &s }

func hash32(parts ...string) int32 {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return int32(h.Sum32())
}

// shodanCloudName is how Shodan spells each provider in cloud.provider.
func shodanCloudName(provider string) string {
	switch provider {
	case "aws":
		return "Amazon"
	case "gcp":
		return "Google"
	case "azure":
		return "Azure"
	case "digitalocean":
		return "DigitalOcean"
	}
	return ""
}

func countryName(cc string) string {
	names := map[string]string{"US": "United States", "IE": "Ireland", "DE": "Germany", "GB": "United Kingdom",
		"JP": "Japan", "SG": "Singapore", "AU": "Australia", "IN": "India", "CA": "Canada", "BR": "Brazil",
		"BE": "Belgium", "NL": "Netherlands", "CN": "China", "KR": "Korea, Republic of"}
	return names[cc]
}

// pemChain is a certificate-sized PEM block, so that banners have the size
// of real ones; its content is filler, not a certificate.
func pemChain(seed string) string {
	var b strings.Builder
	b.WriteString("-----BEGIN CERTIFICATE-----\n")
	h := fnv.New64a()
	h.Write([]byte(seed))
	x := h.Sum64()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for line := 0; line < 18; line++ {
		for i := 0; i < 64; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b.WriteByte(alphabet[x%64])
		}
		b.WriteByte('\n')
	}
	b.WriteString("-----END CERTIFICATE-----\n")
	return b.String()
}

// ShodanBanner renders s as Shodan would return it in a search result or a
// `shodan download` file, seen at the given time.
func (s *Service) ShodanBanner(at time.Time) []byte {
	l := lookFor(s)
	b := shodanBanner{
		Port:      s.Port,
		Transport: "tcp",
		Hostnames: []string{},
		Domains:   []string{},
		Org:       s.Org,
		ISP:       s.Org,
		ASN:       fmt.Sprintf("AS%d", s.ASN),
		Timestamp: at.UTC().Format("2006-01-02T15:04:05.000000"),
		Location: shodanLocation{City: s.City, CountryCode: s.Country, CountryName: countryName(s.Country),
			Latitude: 39.04, Longitude: -77.49},
		Meta: shodanMeta{Crawler: fmt.Sprintf("%040x", s.id()), Module: l.shodanModule, Region: "na",
			ID: fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(s.id()), s.Port, s.id()%4096, at.Unix()%4096, at.Unix())},
		Product: l.shodanProduct,
		Version: strings.TrimPrefix(s.Version, "v"),
	}
	if s.Addr.Is4() {
		a := s.Addr.As4()
		b.IP = uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
		b.IPStr = s.Addr.String()
	} else {
		b.IPv6 = s.Addr.String()
	}
	if name := shodanCloudName(s.Provider); name != "" {
		b.Cloud = &shodanCloud{Provider: name, Region: strp(s.Region)}
		if s.Provider == "aws" {
			b.Cloud.Service = strp("EC2")
		}
		b.Tags = []string{"cloud"}
	}
	if l.tls {
		b.Tags = append(b.Tags, "self-signed")
	}
	head := l.httpText()
	b.Data = head + l.body
	if l.status != 0 {
		b.HTTP = &shodanHTTP{Status: l.status, Title: l.title, HTML: l.body, HTMLHash: hash32(l.body), Host: s.Addr.String()}
		for _, h := range l.headers {
			if strings.EqualFold(h[0], "Server") {
				b.HTTP.Server = h[1]
			}
		}
	}
	if l.tls {
		subj := map[string]string{"CN": l.certCN}
		if l.certO != "" {
			subj["O"] = l.certO
		}
		iss := map[string]string{"CN": l.issuerCN}
		if l.issuerCN == "" {
			iss = subj
		}
		if l.issuerOU != "" {
			iss["OU"] = l.issuerOU
		}
		cert := shodanCert{Subject: subj, Issuer: iss, Expires: "20271115000000Z", Issued: "20261115000000Z",
			Serial: json.Number(fmt.Sprintf("4078390253650771860632090738631%010d", s.id()%10000000000)), SigAlg: "sha256WithRSAEncryption", Version: 2}
		if len(l.sans) > 0 {
			var sans []string
			for _, n := range l.sans {
				sans = append(sans, "DNS:"+n)
			}
			cert.Extensions = append(cert.Extensions, shodanExt{Name: "subjectAltName", Data: strings.Join(sans, ", ")})
		}
		b.SSL = &shodanSSL{Cert: cert, Chain: []string{pemChain(s.Addr.String())}, JARM: "2ad2ad0002ad2ad0002ad2ad2ad2ad"}
	}
	if l.k8s != nil && (l.k8s.version != "" || len(l.k8s.nodes) > 0) {
		k := &shodanKubernetes{Version: l.k8s.version, GoVersion: "go1.21.13", Platform: "linux/amd64"}
		for _, n := range l.k8s.nodes {
			var cs []map[string]string
			for _, p := range l.k8s.pods {
				cs = append(cs, map[string]string{"name": p, "image": "registry.k8s.io/" + strings.SplitN(p, "-", 2)[0] + ":v1"})
			}
			k.Nodes = append(k.Nodes, shodanKubeNode{Name: n, Containers: cs})
		}
		b.Kubernetes = k
	}
	if l.docker != nil {
		b.Docker = &shodanDocker{APIVersion: l.docker.api, Arch: "amd64", BuildTime: "2023-10-26T09:08:02.000000000+00:00",
			GitCommit: "311b9ff", GoVersion: "go1.21.3", KernelVersion: "5.15.0-1051-aws", MinAPIVersion: "1.12", Os: "linux", Version: l.docker.version}
		b.Data = fmt.Sprintf("Docker: Version: %s\nApiVersion: 1.43\nOs: linux\nArch: amd64\nKernelVersion: 5.15.0-1051-aws\n\nDocker Containers:\n", l.docker.version)
	}
	if l.etcd != nil && s.Auth == model.AuthOpen {
		b.Etcd = &shodanEtcd{API: "v2", ID: fmt.Sprintf("%016x", s.id()), Name: "etcd-0", Version: l.etcd.version, State: "StateLeader"}
	}
	b.Hash = hash32(b.Data)
	out, err := json.Marshal(b)
	if err != nil {
		panic(err) // every field is a plain value: cannot fail
	}
	return out
}

// Censys v3 host shape (shared/docs/censys-api.md §1.4, real capture in
// shared/data/samples/censys/v3).
type censysHost struct {
	IP               string          `json:"ip"`
	Location         censysLocation  `json:"location"`
	AutonomousSystem censysAS        `json:"autonomous_system"`
	Services         []censysService `json:"services"`
	ServiceCount     int             `json:"service_count"`
}

type censysLocation struct {
	Continent   string `json:"continent,omitempty"`
	Country     string `json:"country"`
	CountryCode string `json:"country_code"`
	City        string `json:"city"`
}

type censysAS struct {
	ASN         uint32 `json:"asn"`
	Name        string `json:"name"`
	Description string `json:"description"`
	BGPPrefix   string `json:"bgp_prefix"`
	CountryCode string `json:"country_code"`
}

type censysService struct {
	Port              uint16           `json:"port"`
	Protocol          string           `json:"protocol"`
	TransportProtocol string           `json:"transport_protocol"`
	IP                string           `json:"ip"`
	ScanTime          string           `json:"scan_time"`
	Banner            string           `json:"banner,omitempty"`
	Cert              *censysCert      `json:"cert,omitempty"`
	Software          []censysSoftware `json:"software,omitempty"`
	Endpoints         []censysEndpoint `json:"endpoints,omitempty"`
	Etcd              *censysEtcd      `json:"etcd,omitempty"`
}

type censysCert struct {
	FingerprintSHA256 string           `json:"fingerprint_sha256"`
	Parsed            censysCertParsed `json:"parsed"`
	Names             []string         `json:"names,omitempty"`
}

type censysCertParsed struct {
	SubjectDN  string              `json:"subject_dn"`
	IssuerDN   string              `json:"issuer_dn"`
	Subject    map[string][]string `json:"subject"`
	Issuer     map[string][]string `json:"issuer"`
	Extensions *censysCertExt      `json:"extensions,omitempty"`
}

type censysCertExt struct {
	SubjectAltName struct {
		DNSNames []string `json:"dns_names"`
	} `json:"subject_alt_name"`
}

type censysSoftware struct {
	Source  string `json:"source"`
	Part    string `json:"part"`
	Vendor  string `json:"vendor"`
	Product string `json:"product"`
	Version string `json:"version,omitempty"`
}

type censysEndpoint struct {
	Hostname          string      `json:"hostname"`
	Port              uint16      `json:"port"`
	Path              string      `json:"path"`
	EndpointType      string      `json:"endpoint_type"`
	TransportProtocol string      `json:"transport_protocol"`
	ScanTime          string      `json:"scan_time"`
	HTTP              *censysHTTP `json:"http,omitempty"`
	Kubernetes        *censysKube `json:"kubernetes,omitempty"`
}

type censysHTTP struct {
	URI          string                        `json:"uri"`
	Protocol     string                        `json:"protocol"`
	StatusCode   int                           `json:"status_code"`
	StatusReason string                        `json:"status_reason"`
	Headers      map[string]censysHeaderValues `json:"headers"`
	HTMLTitle    string                        `json:"html_title,omitempty"`
	Body         string                        `json:"body"`
	BodySize     int                           `json:"body_size"`
}

type censysHeaderValues struct {
	Headers []string `json:"headers"`
}

type censysKube struct {
	VersionInfo *struct {
		GitVersion string `json:"git_version"`
		Platform   string `json:"platform"`
	} `json:"version_info,omitempty"`
	PodNames                 []string         `json:"pod_names,omitempty"`
	Nodes                    []censysKubeNode `json:"nodes,omitempty"`
	KubernetesDashboardFound bool             `json:"kubernetes_dashboard_found"`
}

type censysKubeNode struct {
	Name           string `json:"name"`
	KubeletVersion string `json:"kubelet_version"`
}

type censysEtcd struct {
	Version struct {
		Server  string `json:"server"`
		Cluster string `json:"cluster"`
	} `json:"version"`
	V3 struct {
		Auth struct {
			Enabled bool `json:"enabled"`
		} `json:"auth"`
	} `json:"v3"`
}

func (s *Service) censysService(at time.Time) censysService {
	l := lookFor(s)
	scheme := "http"
	if l.tls {
		scheme = "https"
	}
	cs := censysService{Port: s.Port, Protocol: l.protocol, TransportProtocol: "tcp", IP: s.Addr.String(),
		ScanTime: at.UTC().Format(time.RFC3339)}
	if l.tls {
		dn := "CN=" + l.certCN
		if l.certO != "" {
			dn = "O=" + l.certO + ", " + dn
		}
		issuer := "CN=" + l.issuerCN
		if l.issuerOU != "" {
			issuer = "OU=" + l.issuerOU + ", " + issuer
		}
		if l.issuerCN == "" {
			issuer = dn
		}
		c := &censysCert{FingerprintSHA256: fmt.Sprintf("%064x", s.id()),
			Parsed: censysCertParsed{SubjectDN: dn, IssuerDN: issuer,
				Subject: map[string][]string{"common_name": {l.certCN}}, Issuer: map[string][]string{"common_name": {l.issuerCN}}}}
		if l.certO != "" {
			c.Parsed.Subject["organization"] = []string{l.certO}
		}
		if l.issuerOU != "" {
			c.Parsed.Issuer["organizational_unit"] = []string{l.issuerOU}
		}
		if len(l.sans) > 0 {
			c.Parsed.Extensions = &censysCertExt{}
			c.Parsed.Extensions.SubjectAltName.DNSNames = l.sans
			c.Names = slices.Clone(l.sans)
		}
		cs.Cert = c
	}
	for _, sw := range l.software {
		cs.Software = append(cs.Software, censysSoftware{Source: "recog", Part: "a", Vendor: sw.Vendor, Product: sw.Product, Version: sw.Version})
	}
	if l.status != 0 {
		cs.Banner = l.httpText()
		hs := map[string]censysHeaderValues{}
		for _, h := range l.headers {
			v := hs[h[0]]
			v.Headers = append(v.Headers, h[1])
			hs[h[0]] = v
		}
		ep := censysEndpoint{Hostname: s.Addr.String(), Port: s.Port, Path: "/", EndpointType: "HTTP", TransportProtocol: "tcp",
			ScanTime: cs.ScanTime, HTTP: &censysHTTP{URI: fmt.Sprintf("%s://%s:%d/", scheme, s.Addr, s.Port), Protocol: "HTTP/1.1",
				StatusCode: l.status, StatusReason: l.reason, Headers: hs, HTMLTitle: l.title, Body: l.body, BodySize: len(l.body)}}
		if l.k8s != nil {
			k := &censysKube{PodNames: l.k8s.pods}
			if l.k8s.version != "" {
				k.VersionInfo = &struct {
					GitVersion string `json:"git_version"`
					Platform   string `json:"platform"`
				}{l.k8s.version, "linux/amd64"}
			}
			for _, n := range l.k8s.nodes {
				k.Nodes = append(k.Nodes, censysKubeNode{Name: n, KubeletVersion: l.k8s.version})
			}
			ep.Kubernetes = k
		}
		cs.Endpoints = []censysEndpoint{ep}
	}
	if l.etcd != nil && l.etcd.v3auth != nil {
		e := &censysEtcd{}
		e.Version.Server, e.Version.Cluster = l.etcd.version, l.etcd.version[:3]+".0"
		e.V3.Auth.Enabled = *l.etcd.v3auth
		cs.Etcd = e
	}
	return cs
}

// CensysHost renders the services of one address as a Censys Platform v3
// Host resource, as a search hit would carry it.
func CensysHost(svcs []*Service, at time.Time) []byte {
	s0 := svcs[0]
	h := censysHost{IP: s0.Addr.String(),
		Location:         censysLocation{Country: countryName(s0.Country), CountryCode: s0.Country, City: s0.City},
		AutonomousSystem: censysAS{ASN: s0.ASN, Name: strings.ToUpper(strings.Fields(s0.Org + " X")[0]), Description: s0.Org, CountryCode: "US"}}
	for _, s := range svcs {
		h.Services = append(h.Services, s.censysService(at))
	}
	h.ServiceCount = len(h.Services)
	out, err := json.Marshal(h)
	if err != nil {
		panic(err)
	}
	return out
}

// censysV2Host is a legacy Censys Search v2 host view.
type censysV2Host struct {
	IP               string            `json:"ip"`
	Location         censysLocation    `json:"location"`
	AutonomousSystem censysAS          `json:"autonomous_system"`
	LastUpdated      string            `json:"last_updated_at"`
	Services         []censysV2Service `json:"services"`
}

type censysV2Service struct {
	Port        uint16           `json:"port"`
	ServiceName string           `json:"service_name"`
	Transport   string           `json:"transport_protocol"`
	ObservedAt  string           `json:"observed_at"`
	Banner      string           `json:"banner,omitempty"`
	Software    []censysSoftware `json:"software,omitempty"`
	HTTP        *struct {
		Response censysV2Response `json:"response"`
	} `json:"http,omitempty"`
	TLS *struct {
		Certificates struct {
			Leaf censysV2Leaf `json:"leaf_data"`
		} `json:"certificates"`
	} `json:"tls,omitempty"`
	Kubernetes *censysKube `json:"kubernetes,omitempty"`
	Etcd       *censysEtcd `json:"etcd,omitempty"`
}

type censysV2Leaf struct {
	censysCertParsed
	Names []string `json:"names,omitempty"`
}

type censysV2Response struct {
	StatusCode int                 `json:"status_code"`
	HTMLTitle  string              `json:"html_title,omitempty"`
	Headers    map[string][]string `json:"headers"`
	Body       string              `json:"body"`
}

// CensysV2Host renders the services of one address as a legacy Censys
// Search v2 host view, the same facts as CensysHost in v2's shape
// (service_name, http.response, headers with underscores, leaf_data).
func CensysV2Host(svcs []*Service, at time.Time) []byte {
	s0 := svcs[0]
	h := censysV2Host{IP: s0.Addr.String(), LastUpdated: at.UTC().Format(time.RFC3339),
		Location:         censysLocation{Country: countryName(s0.Country), CountryCode: s0.Country, City: s0.City},
		AutonomousSystem: censysAS{ASN: s0.ASN, Name: strings.ToUpper(strings.Fields(s0.Org + " X")[0]), Description: s0.Org, CountryCode: "US"}}
	for _, s := range svcs {
		v3 := s.censysService(at)
		v2 := censysV2Service{Port: v3.Port, ServiceName: v3.Protocol, Transport: v3.TransportProtocol, ObservedAt: v3.ScanTime,
			Banner: v3.Banner, Software: v3.Software, Etcd: v3.Etcd}
		if v3.Cert != nil {
			v2.TLS = &struct {
				Certificates struct {
					Leaf censysV2Leaf `json:"leaf_data"`
				} `json:"certificates"`
			}{}
			v2.TLS.Certificates.Leaf = censysV2Leaf{v3.Cert.Parsed, v3.Cert.Names}
		}
		for _, ep := range v3.Endpoints {
			if ep.HTTP == nil {
				continue
			}
			r := censysV2Response{StatusCode: ep.HTTP.StatusCode, HTMLTitle: ep.HTTP.HTMLTitle, Body: ep.HTTP.Body, Headers: map[string][]string{}}
			for name, v := range ep.HTTP.Headers {
				r.Headers[strings.ReplaceAll(name, "-", "_")] = v.Headers
			}
			v2.HTTP = &struct {
				Response censysV2Response `json:"response"`
			}{r}
			v2.Kubernetes = ep.Kubernetes
		}
		h.Services = append(h.Services, v2)
	}
	out, err := json.Marshal(h)
	if err != nil {
		panic(err)
	}
	return out
}
