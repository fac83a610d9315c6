package shodantest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Banner describes one synthetic banner; zero fields get defaults.
type Banner struct {
	IP        string // dotted quad, or an IPv6 address (sent as "ipv6", without ip and ip_str)
	Port      int
	Transport string // default "tcp"
	Product   string // Shodan's product field, "" for none
	Version   string
	Title     string // http.title
	Status    int    // http.status, default 200
	HTML      string // http.html
	Server    string // Server header
	Data      string // raw banner; default built from Status and Server
	Org       string
	ASN       string // "AS16509"
	Country   string // location.country_code
	City      string
	Cloud     *Cloud // nil: not a cloud address
	Module    string // _shodan.module, default "http"
	Timestamp time.Time
	ID        string // _shodan.id; default derived from IP and port
	Hostnames []string
	Tags      []string // tags ("honeypot", ...); a cloud banner adds "cloud"
}

// Cloud is the banner's cloud object.
type Cloud struct{ Provider, Region, Service string }

// JSON renders b as Shodan's search API would return it (minify=false),
// with the field names and types of the real responses.
func (b Banner) JSON() json.RawMessage {
	if b.Transport == "" {
		b.Transport = "tcp"
	}
	if b.Status == 0 {
		b.Status = 200
	}
	if b.Module == "" {
		b.Module = "http"
	}
	if b.Timestamp.IsZero() {
		b.Timestamp = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	}
	if b.Data == "" {
		b.Data = fmt.Sprintf("HTTP/1.1 %d OK\r\nServer: %s\r\nContent-Type: text/html\r\n\r\n", b.Status, b.Server)
	}
	if b.ID == "" {
		b.ID = fmt.Sprintf("00000000-0000-4000-8000-%012x", ipNum(b.IP)<<16|uint64(b.Port))
	}
	m := map[string]any{
		"ip_str": b.IP, "ip": ipNum(b.IP), "port": b.Port, "transport": b.Transport,
		"hash": int32(ipNum(b.IP)) ^ int32(b.Port), "data": b.Data, "org": b.Org, "isp": b.Org, "asn": b.ASN,
		"hostnames": []string{}, "domains": []string{}, "os": nil, "tags": []string{},
		"timestamp": b.Timestamp.UTC().Format("2006-01-02T15:04:05.000000"),
		"location": map[string]any{"country_code": b.Country, "city": b.City, "country_name": nil, "region_code": nil,
			"latitude": 0.0, "longitude": 0.0, "postal_code": nil, "area_code": nil},
		"_shodan": map[string]any{"crawler": "0123456789abcdef0123456789abcdef01234567", "id": b.ID, "module": b.Module,
			"options": map[string]any{}, "ptr": false},
		"http": map[string]any{"status": b.Status, "title": b.Title, "server": b.Server, "html": b.HTML,
			"host": b.IP, "location": "/", "redirects": []any{}, "components": map[string]any{}},
	}
	if b.Product != "" {
		m["product"] = b.Product
	}
	if b.Version != "" {
		m["version"] = b.Version
	}
	if len(b.Hostnames) > 0 {
		m["hostnames"] = b.Hostnames
	}
	if strings.Contains(b.IP, ":") {
		delete(m, "ip")
		delete(m, "ip_str")
		m["ipv6"] = b.IP
	}
	tags := append([]string{}, b.Tags...)
	if b.Cloud != nil {
		m["cloud"] = map[string]any{"provider": b.Cloud.Provider, "region": b.Cloud.Region, "service": nullable(b.Cloud.Service)}
		tags = append(tags, "cloud")
	}
	m["tags"] = tags
	out, err := json.Marshal(m)
	if err != nil {
		panic(err) // only strings, numbers and maps: cannot fail
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ipNum(ip string) uint64 {
	var a, b, c, d uint64
	fmt.Sscanf(ip, "%d.%d.%d.%d", &a, &b, &c, &d)
	return a<<24 | b<<16 | c<<8 | d
}

// Kubernetes returns n distinct banners of Kubernetes API servers (port
// 6443, the JSON 403 of an anonymous request, or the /version answer of an
// open one), spread over clouds and countries with a fixed seed.
func Kubernetes(n int, seed uint64) []json.RawMessage {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	clouds := []*Cloud{{"Amazon", "us-east-1", "EC2"}, {"Amazon", "eu-west-1", "EC2"}, {"Google", "us-east1", ""}, {"Azure", "westeurope", "AzureCloud"}, nil}
	countries := []string{"US", "DE", "IE", "JP", "BR"}
	out := make([]json.RawMessage, 0, n)
	for i := 0; i < n; i++ {
		b := Banner{
			IP:      fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255),
			Port:    6443,
			Product: "Kubernetes", Version: "1.29.3",
			Org: "Example Cloud", ASN: "AS16509",
			Country: countries[r.IntN(len(countries))],
			Cloud:   clouds[r.IntN(len(clouds))],
			Module:  "https",
		}
		if r.IntN(10) == 0 {
			b.Data = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
			b.HTML = `{"major": "1", "minor": "29", "gitVersion": "v1.29.3"}`
		} else {
			b.Status = 403
			b.Data = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n\r\n"
			b.HTML = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/\"","reason":"Forbidden","details":{},"code":403}`
		}
		out = append(out, b.JSON())
	}
	return out
}
