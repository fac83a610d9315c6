package shodan

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/orchex/orchex/pkg/model"
)

// decodeBannerReference is DecodeBanner as it was before the scanner
// (encoding/json into tagged structs), moved here verbatim but for the
// names (wireBanner and wireCert became refWireBanner and refWireCert),
// as the reference the scanner must match: see scan_test.go. It shares
// the unchanged helpers (distinguishedName, parseHead, parseSAN,
// software, ...) with DecodeBanner.
//
// It decodes one Shodan banner (one line of a `shodan download`
// file, one element of a search response's matches or of a host
// response's data) into an observation with Engine set to model.Shodan.
//
// The address comes from ip_str, else ipv6, else the integer ip; a banner
// with none of them, or with a port outside 1..65535, is an error. Every
// other field is optional: a field of an unexpected JSON type is left
// empty rather than failing the banner, and string fields accept any JSON
// scalar (Shodan's product and version are sometimes numbers). Big
// integers (ssl.cert.serial) and negative hashes are never decoded.
// Strings are capped as documented in [model] (MaxBody, MaxTitle, ...);
// invalid UTF-8 is replaced with U+FFFD. A banner longer than
// model.MaxRecord bytes is rejected without being parsed.
//
// HTTP headers are parsed from the raw response head in data (Shodan keeps
// no header map); http.status, when absent (2021 data), is taken from the
// status line there.
func decodeBannerReference(data []byte) (model.Observation, error) {
	if len(data) > model.MaxRecord {
		return model.Observation{}, fmt.Errorf("shodan: banner is %d bytes, over the %d-byte record limit", len(data), model.MaxRecord)
	}
	var b refWireBanner
	if err := json.Unmarshal(data, &b); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return model.Observation{}, fmt.Errorf("shodan: banner is not valid JSON: %w", err)
		}
		// A field of the wrong type was skipped; the rest was decoded.
	}
	o := model.Observation{Engine: model.Shodan}
	addr, err := b.addr()
	if err != nil {
		return model.Observation{}, err
	}
	o.Addr = addr
	if b.Port < 1 || b.Port > 65535 {
		return model.Observation{}, fmt.Errorf("shodan: banner for %s: port %d is not in 1..65535", addr, b.Port)
	}
	o.Port = uint16(b.Port)
	o.Transport = transport(string(b.Transport))
	o.RecordID = clipStr(string(b.Shodan.ID), model.MaxText)

	o.Hostnames = b.Hostnames.Strings(model.MaxList)
	o.Org = clipStr(string(b.Org), model.MaxText)
	o.ASN = parseASN(string(b.ASN))
	if b.Location != nil {
		o.Country = strings.ToUpper(clipStr(string(b.Location.CountryCode), 8))
		o.City = clipStr(string(b.Location.City), model.MaxText)
	}
	if b.Cloud != nil {
		o.Cloud = model.CloudHint{
			Provider: clipStr(string(b.Cloud.Provider), model.MaxText),
			Region:   clipStr(string(b.Cloud.Region), model.MaxText),
			Service:  clipStr(string(b.Cloud.Service), model.MaxText),
		}
	}
	o.Product = clipStr(string(b.Product), model.MaxText)
	o.Version = clipStr(string(b.Version), model.MaxText)
	o.Module = clipStr(string(b.Shodan.Module), model.MaxText)
	o.Labels = b.Tags.Strings(model.MaxList)
	o.Software = software(b.CPE23, b.CPE)

	raw := string(b.Data)
	o.Banner = clipStr(raw, model.MaxBanner)
	status, headers, body := parseHead(raw)
	if b.HTTP != nil || status != 0 {
		h := &model.HTTP{Status: status, Headers: headers}
		if b.HTTP != nil {
			if s := int(b.HTTP.Status); s >= 100 && s <= 999 {
				h.Status = s
			}
			h.Title = clipStr(string(b.HTTP.Title), model.MaxTitle)
			h.Server = clipStr(string(b.HTTP.Server), model.MaxText)
			h.Body = clipStr(string(b.HTTP.HTML), model.MaxBody)
		}
		if h.Server == "" {
			h.Server = clipStr(h.Header("Server"), model.MaxText)
		}
		if h.Body == "" {
			h.Body = clipStr(body, model.MaxBody)
		}
		o.HTTP = h
	}
	if b.SSL != nil && b.SSL.Cert != nil {
		o.TLS = b.SSL.Cert.tls()
	}
	if k := b.Kubernetes; k != nil {
		o.Kubernetes = &model.Kubernetes{Version: clipStr(string(k.Version), model.MaxText), Nodes: len(k.Nodes)}
	}
	if d := b.Docker; d != nil {
		o.Docker = &model.Docker{
			Version:    clipStr(string(d.Version), model.MaxText),
			APIVersion: clipStr(string(d.APIVersion), model.MaxText),
			OS:         clipStr(string(d.OS), model.MaxText),
			Containers: int(d.Containers),
		}
	}
	if e := b.Etcd; e != nil {
		o.Etcd = &model.Etcd{Version: clipStr(string(e.Version), model.MaxText)}
	}
	o.SeenAt = parseTime(string(b.Timestamp))
	return o, nil
}

// refWireBanner holds the banner fields orchex uses; everything else in a
// banner is skipped by the JSON decoder without being stored.
type refWireBanner struct {
	IP        jnum  `json:"ip"`
	IPStr     jstr  `json:"ip_str"`
	IPv6      jstr  `json:"ipv6"`
	Port      jnum  `json:"port"`
	Transport jstr  `json:"transport"`
	Hostnames jstrs `json:"hostnames"`
	Org       jstr  `json:"org"`
	ASN       jstr  `json:"asn"`
	Product   jstr  `json:"product"`
	Version   jstr  `json:"version"`
	Tags      jstrs `json:"tags"`
	CPE23     jstrs `json:"cpe23"`
	CPE       jstrs `json:"cpe"`
	Data      jstr  `json:"data"`
	Timestamp jstr  `json:"timestamp"`
	Shodan    struct {
		ID     jstr `json:"id"`
		Module jstr `json:"module"`
	} `json:"_shodan"`
	Location *struct {
		CountryCode jstr `json:"country_code"`
		City        jstr `json:"city"`
	} `json:"location"`
	Cloud *struct {
		Provider jstr `json:"provider"`
		Region   jstr `json:"region"`
		Service  jstr `json:"service"`
	} `json:"cloud"`
	HTTP *struct {
		Status jnum `json:"status"`
		Title  jstr `json:"title"`
		Server jstr `json:"server"`
		HTML   jstr `json:"html"`
	} `json:"http"`
	SSL *struct {
		Cert *refWireCert `json:"cert"`
	} `json:"ssl"`
	Kubernetes *struct {
		Version jstr       `json:"version"`
		Nodes   []struct{} `json:"nodes"`
	} `json:"kubernetes"`
	Docker *struct {
		Version    jstr   `json:"Version"`
		APIVersion jstr   `json:"ApiVersion"`
		OS         jstr   `json:"Os"`
		Containers jcount `json:"Containers"`
	} `json:"docker"`
	Etcd *struct {
		Version jstr `json:"version"`
	} `json:"etcd"`
}

func (b *refWireBanner) addr() (netip.Addr, error) {
	for _, s := range []jstr{b.IPStr, b.IPv6} {
		if s == "" {
			continue
		}
		a, err := netip.ParseAddr(strings.TrimSpace(string(s)))
		if err != nil {
			return netip.Addr{}, fmt.Errorf("shodan: banner address %q is not an IP address", clipStr(string(s), 64))
		}
		return a.Unmap().WithZone(""), nil
	}
	if b.IP > 0 && b.IP <= 0xFFFFFFFF {
		v := uint32(b.IP)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), nil
	}
	return netip.Addr{}, errors.New("shodan: banner has no address (no ip_str, ipv6 or ip)")
}

// refWireCert is the part of ssl.cert orchex uses. subject and issuer are
// kept raw so that their attributes stay in the engine's order; serial
// (an arbitrary-precision integer) is not decoded at all.
type refWireCert struct {
	Subject    json.RawMessage `json:"subject"`
	Issuer     json.RawMessage `json:"issuer"`
	Extensions []struct {
		Name jstr `json:"name"`
		Data jstr `json:"data"`
	} `json:"extensions"`
}

func (c *refWireCert) tls() *model.TLS {
	t := &model.TLS{}
	t.Subject, t.SubjectCN = distinguishedName(c.Subject)
	t.Issuer, t.IssuerCN = distinguishedName(c.Issuer)
	for _, e := range c.Extensions {
		if e.Name == "subjectAltName" {
			t.SANs = parseSAN(unescapePython(string(e.Data)))
			break
		}
	}
	if t.Subject == "" && t.Issuer == "" && len(t.SANs) == 0 {
		return nil
	}
	return t
}
