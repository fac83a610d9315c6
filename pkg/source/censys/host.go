package censys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/orchex/orchex/internal/jsonscan"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// Hit kinds returned by [DecodeV3Hit]: the key of the one-of wrapper.
const (
	HitHost        = "host_v1"
	HitWebProperty = "webproperty_v1"
	HitCertificate = "certificate_v1"
)

// DecodeV3Host decodes a Platform v3 Host resource (the "resource" of a
// host view or of a search hit's host_v1; a HostAsset {"resource": ...}
// is accepted too) into one observation per service, in the host's order:
// a host with five services is five observations, all with Engine
// model.Censys.
//
// Each service gives port, transport (lower case; QUIC is reported as
// "udp", the transport it runs on), protocol (upper case), software,
// labels, banner, the certificate's subject, issuer and SANs, etcd fields,
// and, from its endpoints, the HTTP response and the Kubernetes fields.
// When a service has several HTTP endpoints, the one for path "/" is used,
// else the first. Kubernetes fields are merged over all endpoints (largest
// node and pod counts, dashboard found on any). Host fields (location,
// autonomous system, DNS names) are copied to every observation; the
// autonomous system's name is the Org, else the WHOIS organization's.
// Services without a port in 1..65535 are dropped. Strings are capped as
// documented in [model]. A host without a valid ip is an error.
func DecodeV3Host(data []byte) ([]model.Observation, error) { return decodeV3Host(data, nil) }

func decodeV3Host(data []byte, c *cost) ([]model.Observation, error) {
	c.add(len(data))
	if len(data) > model.MaxRecord {
		return nil, fmt.Errorf("censys: v3 host is %d bytes, over the %d-byte record limit", len(data), model.MaxRecord)
	}
	var h struct {
		wireHost3
		Resource *wireHost3 `json:"resource"`
	}
	if err := unmarshalLenient(data, &h); err != nil {
		return nil, fmt.Errorf("censys: v3 host: %w", err)
	}
	host := &h.wireHost3
	if h.Resource != nil && host.IP == "" {
		host = h.Resource
	}
	return host.observations(nil, c)
}

// DecodeV3Hit decodes one v3 search hit, the one-of wrapper
// {"host_v1": {"resource", "matched_services"}} | {"webproperty_v1": ...}
// | {"certificate_v1": ...}. kind names the wrapper key (HitHost,
// HitWebProperty, HitCertificate); only host hits give observations.
//
// When a host hit lists matched_services, only those services (same port
// and transport) become observations: the host's other services did not
// match the catalog query that found it, and would otherwise be counted as
// exposures of a product they were never tested for. Without
// matched_services (a query on host fields only, such as host.ip) every
// service is kept.
func DecodeV3Hit(data []byte) (obs []model.Observation, kind string, err error) {
	return decodeV3Hit(data, nil)
}

func decodeV3Hit(data []byte, c *cost) (obs []model.Observation, kind string, err error) {
	c.add(len(data))
	if len(data) > model.MaxRecord {
		return nil, "", fmt.Errorf("censys: v3 hit is %d bytes, over the %d-byte record limit", len(data), model.MaxRecord)
	}
	var w struct {
		Host *struct {
			Resource *wireHost3 `json:"resource"`
			Matched  []struct {
				Port      jnum `json:"port"`
				Transport jstr `json:"transport_protocol"`
			} `json:"matched_services"`
		} `json:"host_v1"`
		Web  json.RawMessage `json:"webproperty_v1"`
		Cert json.RawMessage `json:"certificate_v1"`
	}
	if err := unmarshalLenient(data, &w); err != nil {
		return nil, "", fmt.Errorf("censys: v3 hit: %w", err)
	}
	switch {
	case w.Host != nil:
		if w.Host.Resource == nil {
			return nil, HitHost, errors.New("censys: v3 host_v1 hit has no resource")
		}
		var keep map[serviceKey]bool // nil: every service
		if len(w.Host.Matched) > 0 {
			keep = make(map[serviceKey]bool, len(w.Host.Matched))
			for _, m := range w.Host.Matched {
				c.add(1)
				keep[serviceKey{int(m.Port), transport(string(m.Transport))}] = true
			}
		}
		obs, err := w.Host.Resource.observations(keep, c)
		return obs, HitHost, err
	case len(w.Web) > 0 && string(w.Web) != "null":
		return nil, HitWebProperty, nil
	case len(w.Cert) > 0 && string(w.Cert) != "null":
		return nil, HitCertificate, nil
	}
	return nil, "", errors.New("censys: v3 hit has none of host_v1, webproperty_v1, certificate_v1")
}

// DecodeV2Host decodes a legacy Search v2 host, either the result of a
// host view (GET /v2/hosts/{ip}) or one search hit (a summary whose
// services have only port, service_name and transport), into one
// observation per service.
//
// v2 differences handled: service_name is the Protocol; transport is upper
// case (TCP, UDP, QUIC) and is lower-cased, with QUIC reported as "udp"
// and a missing transport as "tcp"; response header names use underscores
// (Content_Type) and are given back with dashes (Content-Type), the
// "_encoding" entry skipped; the seen time is the service's observed_at,
// else the host's last_updated_at. Summary hits have no HTTP part.
func DecodeV2Host(data []byte) ([]model.Observation, error) { return decodeV2Host(data, nil) }

func decodeV2Host(data []byte, c *cost) ([]model.Observation, error) {
	c.add(len(data))
	if len(data) > model.MaxRecord {
		return nil, fmt.Errorf("censys: v2 host is %d bytes, over the %d-byte record limit", len(data), model.MaxRecord)
	}
	var h wireHost2
	if err := unmarshalLenient(data, &h); err != nil {
		return nil, fmt.Errorf("censys: v2 host: %w", err)
	}
	base, err := h.base()
	if err != nil {
		return nil, err
	}
	seen := parseTime(string(h.LastUpdated))
	out := make([]model.Observation, 0, len(h.Services))
	for i := range h.Services {
		c.add(1)
		s := &h.Services[i]
		if s.Port < 1 || s.Port > 65535 {
			continue
		}
		o := base
		o.Port = uint16(s.Port)
		o.Transport = transport(string(s.Transport))
		o.Protocol = strings.ToUpper(clipStr(string(s.ServiceName), model.MaxText))
		o.Banner = clipStr(string(s.Banner), model.MaxBanner)
		o.Software = s.Software.list()
		o.Labels = s.Labels.list()
		o.Honeypot |= s.Labels.honeypot()
		o.SeenAt = parseTime(string(s.ObservedAt))
		if o.SeenAt.IsZero() {
			o.SeenAt = seen
		}
		if r := s.HTTP; r != nil && r.Response != nil {
			o.HTTP = r.Response.http()
		}
		if s.TLS != nil && s.TLS.Certificates != nil && s.TLS.Certificates.Leaf != nil {
			o.TLS = s.TLS.Certificates.Leaf.tls()
		}
		if s.Kubernetes != nil {
			o.Kubernetes = mergeKubernetes(nil, s.Kubernetes)
		}
		if s.Etcd != nil {
			o.Etcd = s.Etcd.etcd()
		}
		out = append(out, o)
	}
	return out, nil
}

// serviceKey identifies a service within a host for matched_services.
type serviceKey struct {
	port      int
	transport string
}

// cost counts the steps of one decode: the bytes handed to encoding/json
// (linear by construction), and each service, endpoint and matched
// service visited. The tests that hold every decoder to linear work
// (TestDecodersLinear) read it, without timing anything; the exported
// decoders pass nil, which counts nothing.
type cost struct{ steps int }

func (c *cost) add(n int) {
	if c != nil {
		c.steps += n
	}
}

// wireHostCommon is what v2 and v3 hosts share.
type wireHostCommon struct {
	IP       jstr `json:"ip"`
	Location struct {
		CountryCode jstr `json:"country_code"`
		City        jstr `json:"city"`
	} `json:"location"`
	AS struct {
		ASN  jnum `json:"asn"`
		Name jstr `json:"name"`
	} `json:"autonomous_system"`
	Whois struct {
		Organization struct {
			Name jstr `json:"name"`
		} `json:"organization"`
	} `json:"whois"`
	DNS struct {
		Names      jstrs `json:"names"`
		ReverseDNS struct {
			Names jstrs `json:"names"`
		} `json:"reverse_dns"`
	} `json:"dns"`
	Labels wireLabels `json:"labels"` // host labels: v3 objects, v2 strings
}

// base returns the observation fields shared by all services of the host.
func (h *wireHostCommon) base() (model.Observation, error) {
	if h.IP == "" {
		return model.Observation{}, errors.New("censys: host has no ip")
	}
	a, err := source.ParseAddr(string(h.IP))
	if err != nil {
		return model.Observation{}, fmt.Errorf("censys: host ip %q is not an IP address", clipStr(string(h.IP), 64))
	}
	o := model.Observation{Engine: model.Censys, Addr: a}
	o.Country = strings.ToUpper(clipStr(string(h.Location.CountryCode), 8))
	o.City = clipStr(string(h.Location.City), model.MaxText)
	if h.AS.ASN > 0 && h.AS.ASN <= 0xFFFFFFFF {
		o.ASN = uint32(h.AS.ASN)
	}
	o.Org = clipStr(string(h.AS.Name), model.MaxText)
	if o.Org == "" {
		o.Org = clipStr(string(h.Whois.Organization.Name), model.MaxText)
	}
	names := append(append(jstrs{}, h.DNS.ReverseDNS.Names...), h.DNS.Names...)
	o.Hostnames = names.Dedup(model.MaxList)
	o.Honeypot = h.Labels.honeypot()
	return o, nil
}

// wireHost3 is the part of a v3 Host resource orchex uses.
type wireHost3 struct {
	wireHostCommon
	Services []wireService3 `json:"services"`
}

type wireService3 struct {
	Port       jnum          `json:"port"`
	Protocol   jstr          `json:"protocol"`
	Transport  jstr          `json:"transport_protocol"`
	ScanTime   jstr          `json:"scan_time"`
	Banner     jstr          `json:"banner"`
	Software   wireSoftwares `json:"software"`
	Labels     wireLabels    `json:"labels"`
	Cert       *wireCert3    `json:"cert"`
	Etcd       *wireEtcd     `json:"etcd"`
	Kubernetes *wireK8s      `json:"kubernetes"`
	Endpoints  []struct {
		Path       jstr      `json:"path"`
		ScanTime   jstr      `json:"scan_time"`
		HTTP       *wireHTTP `json:"http"`
		Kubernetes *wireK8s  `json:"kubernetes"`
	} `json:"endpoints"`
}

// observations gives one observation per service; when keep is not nil
// only services whose key is in keep are given. Its work is linear in the
// services and their endpoints: keep is a set, and the endpoint chosen
// for the HTTP part is settled in one pass.
func (h *wireHost3) observations(keep map[serviceKey]bool, c *cost) ([]model.Observation, error) {
	base, err := h.base()
	if err != nil {
		return nil, err
	}
	out := make([]model.Observation, 0, len(h.Services))
	for i := range h.Services {
		c.add(1)
		s := &h.Services[i]
		if s.Port < 1 || s.Port > 65535 {
			continue
		}
		o := base
		o.Port = uint16(s.Port)
		o.Transport = transport(string(s.Transport))
		if keep != nil && !keep[serviceKey{int(s.Port), o.Transport}] {
			continue
		}
		o.Protocol = strings.ToUpper(clipStr(string(s.Protocol), model.MaxText))
		o.Banner = clipStr(string(s.Banner), model.MaxBanner)
		o.Software = s.Software.list()
		o.Labels = s.Labels.list()
		o.Honeypot |= s.Labels.honeypot()
		o.SeenAt = parseTime(string(s.ScanTime))
		if s.Cert != nil {
			o.TLS = s.Cert.tls()
		}
		if s.Etcd != nil {
			o.Etcd = s.Etcd.etcd()
		}
		if s.Kubernetes != nil {
			o.Kubernetes = mergeKubernetes(o.Kubernetes, s.Kubernetes)
		}
		// The HTTP part: the first endpoint with path "/", else the
		// first endpoint with one.
		var chosen *wireHTTP
		root := false
		for j := range s.Endpoints {
			c.add(1)
			e := &s.Endpoints[j]
			if e.Kubernetes != nil {
				o.Kubernetes = mergeKubernetes(o.Kubernetes, e.Kubernetes)
			}
			if e.HTTP != nil && (chosen == nil || (e.Path == "/" && !root)) {
				chosen, root = e.HTTP, e.Path == "/"
			}
			if o.SeenAt.IsZero() {
				o.SeenAt = parseTime(string(e.ScanTime))
			}
		}
		if chosen != nil {
			o.HTTP = chosen.http()
		}
		out = append(out, o)
	}
	return out, nil
}

// wireHTTP is a v3 endpoint's http, or a v2 service's http.response.
type wireHTTP struct {
	StatusCode jnum            `json:"status_code"`
	Title      jstr            `json:"html_title"`
	Headers    json.RawMessage `json:"headers"`
	Body       jstr            `json:"body"`
}

func (w *wireHTTP) http() *model.HTTP {
	h := &model.HTTP{
		Title:   clipStr(string(w.Title), model.MaxTitle),
		Body:    clipStr(string(w.Body), model.MaxBody),
		Headers: headers(w.Headers),
	}
	if w.StatusCode >= 100 && w.StatusCode <= 999 {
		h.Status = int(w.StatusCode)
	}
	h.Server = clipStr(h.Header("Server"), model.MaxText)
	return h
}

// headers reads a header map in the object's order: v3 gives
// {"Name": {"headers": [values]}}, v2 gives {"Name_With_Underscores":
// [values], "_encoding": {...}}. Each value is one header; v2 names get
// dashes for underscores. At most model.MaxHeaders are kept.
func headers(raw json.RawMessage) []model.Header {
	b := []byte(raw) // valid JSON: the decoder checked it
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var out []model.Header
	jsonscan.Members(b, func(key, v []byte) bool {
		if len(out) == model.MaxHeaders {
			return false
		}
		name := jsonscan.Unquote(key)
		if name == "" || name == "_encoding" {
			return true
		}
		var values jstrs
		if len(v) > 0 && v[0] == '{' {
			var w struct {
				Headers jstrs `json:"headers"`
			}
			_ = json.Unmarshal(v, &w)
			values = w.Headers
		} else {
			_ = values.UnmarshalJSON(v)
			name = strings.ReplaceAll(name, "_", "-")
		}
		name = clipStr(name, model.MaxHeaderName)
		for _, val := range values {
			if len(out) == model.MaxHeaders {
				break
			}
			out = append(out, model.Header{Name: name, Value: clipStr(string(val), model.MaxHeaderValue)})
		}
		return true
	})
	return out
}

// wireK8s is a v3 endpoint's kubernetes or a v2 service's kubernetes.
type wireK8s struct {
	VersionInfo struct {
		GitVersion jstr `json:"git_version"`
	} `json:"version_info"`
	Nodes          jcount `json:"nodes"`
	PodNames       jcount `json:"pod_names"`
	DashboardFound jbool  `json:"kubernetes_dashboard_found"`
}

func mergeKubernetes(k *model.Kubernetes, w *wireK8s) *model.Kubernetes {
	if k == nil {
		k = &model.Kubernetes{}
	}
	if k.Version == "" {
		k.Version = clipStr(string(w.VersionInfo.GitVersion), model.MaxText)
	}
	k.Nodes = max(k.Nodes, int(w.Nodes))
	k.Pods = max(k.Pods, int(w.PodNames))
	k.DashboardFound = k.DashboardFound || bool(w.DashboardFound)
	return k
}

// wireEtcd is a service's etcd object.
type wireEtcd struct {
	Version struct {
		Server jstr `json:"server"`
	} `json:"version"`
	V2 struct {
		Auth struct {
			Enabled *jbool `json:"enabled"`
		} `json:"auth"`
	} `json:"v2"`
	V3 struct {
		Auth struct {
			Enabled *jbool `json:"enabled"`
		} `json:"auth"`
	} `json:"v3"`
}

func (w *wireEtcd) etcd() *model.Etcd {
	e := &model.Etcd{Version: clipStr(string(w.Version.Server), model.MaxText)}
	if p := w.V2.Auth.Enabled; p != nil {
		v := bool(*p)
		e.V2Auth = &v
	}
	if p := w.V3.Auth.Enabled; p != nil {
		v := bool(*p)
		e.V3Auth = &v
	}
	return e
}

// wireCert3 is the part of a v3 cert orchex uses.
type wireCert3 struct {
	Names  jstrs `json:"names"`
	Parsed struct {
		SubjectDN  jstr     `json:"subject_dn"`
		IssuerDN   jstr     `json:"issuer_dn"`
		Subject    wireName `json:"subject"`
		Issuer     wireName `json:"issuer"`
		Extensions struct {
			SAN struct {
				DNSNames    jstrs `json:"dns_names"`
				IPAddresses jstrs `json:"ip_addresses"`
			} `json:"subject_alt_name"`
		} `json:"extensions"`
	} `json:"parsed"`
}

type wireName struct {
	CommonName jstrs `json:"common_name"`
}

func (n *wireName) cn() string {
	if len(n.CommonName) == 0 {
		return ""
	}
	return clipStr(string(n.CommonName[0]), model.MaxText)
}

func (c *wireCert3) tls() *model.TLS {
	p := &c.Parsed
	t := &model.TLS{
		Subject:   clipStr(string(p.SubjectDN), model.MaxText),
		SubjectCN: p.Subject.cn(),
		Issuer:    clipStr(string(p.IssuerDN), model.MaxText),
		IssuerCN:  p.Issuer.cn(),
	}
	sans := append(append(jstrs{}, p.Extensions.SAN.DNSNames...), p.Extensions.SAN.IPAddresses...)
	if len(sans) == 0 {
		sans = c.Names
	}
	t.SANs = sans.Dedup(model.MaxSANs)
	if t.Subject == "" && t.Issuer == "" && len(t.SANs) == 0 && t.SubjectCN == "" {
		return nil
	}
	return t
}

// wireLeaf2 is a v2 tls.certificates.leaf_data.
type wireLeaf2 struct {
	Names     jstrs    `json:"names"`
	SubjectDN jstr     `json:"subject_dn"`
	IssuerDN  jstr     `json:"issuer_dn"`
	Subject   wireName `json:"subject"`
	Issuer    wireName `json:"issuer"`
}

func (l *wireLeaf2) tls() *model.TLS {
	t := &model.TLS{
		Subject:   clipStr(string(l.SubjectDN), model.MaxText),
		SubjectCN: l.Subject.cn(),
		Issuer:    clipStr(string(l.IssuerDN), model.MaxText),
		IssuerCN:  l.Issuer.cn(),
		SANs:      l.Names.Dedup(model.MaxSANs),
	}
	if t.Subject == "" && t.Issuer == "" && len(t.SANs) == 0 && t.SubjectCN == "" {
		return nil
	}
	return t
}

// wireHost2 is the part of a v2 host (view result or search hit) orchex
// uses.
type wireHost2 struct {
	wireHostCommon
	LastUpdated jstr           `json:"last_updated_at"`
	Services    []wireService2 `json:"services"`
}

type wireService2 struct {
	Port        jnum          `json:"port"`
	ServiceName jstr          `json:"service_name"`
	Transport   jstr          `json:"transport_protocol"`
	ObservedAt  jstr          `json:"observed_at"`
	Banner      jstr          `json:"banner"`
	Software    wireSoftwares `json:"software"`
	Labels      wireLabels    `json:"labels"`
	HTTP        *struct {
		Response *wireHTTP `json:"response"`
	} `json:"http"`
	TLS *struct {
		Certificates *struct {
			Leaf *wireLeaf2 `json:"leaf_data"`
		} `json:"certificates"`
	} `json:"tls"`
	Kubernetes *wireK8s  `json:"kubernetes"`
	Etcd       *wireEtcd `json:"etcd"`
}

// wireSoftwares is software[]: v3 Attribute or v2 software entries.
type wireSoftwares []struct {
	Vendor  jstr `json:"vendor"`
	Product jstr `json:"product"`
	Version jstr `json:"version"`
}

func (ws wireSoftwares) list() []model.Software {
	var out []model.Software
	for _, w := range ws {
		if len(out) == model.MaxList {
			break
		}
		s := model.Software{
			Vendor:  clipStr(string(w.Vendor), model.MaxText),
			Product: clipStr(string(w.Product), model.MaxText),
			Version: clipStr(string(w.Version), model.MaxText),
		}
		if s.Vendor != "" || s.Product != "" {
			out = append(out, s)
		}
	}
	return out
}

// wireLabels is labels[]: v3 objects {"value": ...} or v2 strings.
type wireLabels []wireLabel

type wireLabel string

// UnmarshalJSON implements json.Unmarshaler.
func (l *wireLabel) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var v struct {
			Value jstr `json:"value"`
		}
		_ = json.Unmarshal(b, &v)
		*l = wireLabel(v.Value)
		return nil
	}
	var s jstr
	_ = s.UnmarshalJSON(b)
	*l = wireLabel(s)
	return nil
}

func (ls wireLabels) list() []string {
	var out []string
	for _, l := range ls {
		if l == "" {
			continue
		}
		if len(out) == model.MaxList {
			break
		}
		out = append(out, clipStr(string(l), model.MaxText))
	}
	return out
}

// honeypot returns the decoy markers among the labels: Censys labels a
// host that answers on every port a tarpit and one with too many
// services to record truncated, and gives both as the query for
// honeypots (../shared/docs/censys-api.md §6). The v3 spelling of the two
// labels is unverified, so tarpit, tarpits and truncated are matched
// ignoring case, and surrounding spaces, dashes and underscores
// ("TARPIT", "tar-pits").
func (ls wireLabels) honeypot() model.Honeypot {
	var h model.Honeypot
	for _, l := range ls {
		if len(l) > 24 {
			continue // longer than any spelling of the two
		}
		v := strings.Map(func(r rune) rune {
			switch r {
			case '-', '_', ' ':
				return -1
			}
			return unicode.ToLower(r)
		}, string(l))
		switch v {
		case "tarpit", "tarpits":
			h |= model.HoneypotCensysTarpit
		case "truncated":
			h |= model.HoneypotCensysTruncated
		}
	}
	return h
}

// unmarshalLenient decodes data into v, accepting fields of the wrong type
// (they are left empty): only malformed JSON is an error.
func unmarshalLenient(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	return nil
}

func transport(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "udp", "quic":
		return "udp"
	case "icmp":
		return "icmp"
	default:
		return "tcp"
	}
}

// parseTime reads RFC 3339 times (Censys scan_time, observed_at,
// last_updated_at); anything else gives the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// The decoders' lenient JSON types and clipping are shared with the other
// engine's decoder (package jsonscan).
type (
	jstr   = jsonscan.Str
	jstrs  = jsonscan.Strs
	jnum   = jsonscan.Num
	jcount = jsonscan.Count
)

func clipStr(s string, n int) string { return jsonscan.Clip(s, n) }

// jbool is a JSON boolean; the strings "true"/"false" are accepted too,
// anything else is false.
type jbool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *jbool) UnmarshalJSON(b []byte) error {
	*v = jbool(string(bytes.Trim(b, `"`)) == "true")
	return nil
}
