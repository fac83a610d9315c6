package reporttest

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
)

// Stream returns a services function, as report.Build takes, that serves
// ss sorted by (address, port, transport). ss is not modified.
func Stream(ss []model.Service) func(fn func(*model.Service) error) error {
	sorted := slices.Clone(ss)
	slices.SortStableFunc(sorted, func(a, b model.Service) int { return a.Key.Compare(b.Key) })
	return func(fn func(*model.Service) error) error {
		var s model.Service // reused, as a store cursor would
		for i := range sorted {
			s = sorted[i]
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

// Products is the catalog part of the fixtures' Meta.
func Products() []report.ProductInfo {
	return []report.ProductInfo{
		{ID: "kubernetes-api", Name: "Kubernetes API server", Family: "kubernetes", Category: "orchestration"},
		{ID: "kubelet", Name: "kubelet", Family: "kubernetes", Category: "orchestration"},
		{ID: "docker-swarm", Name: "Docker Swarm manager", Family: "docker", Category: "orchestration"},
		{ID: "portainer", Name: "Portainer", Family: "docker", Category: "orchestration"},
		{ID: "kong-admin", Name: "Kong Admin API", Family: "kong", Category: "api-management"},
		{ID: "swarmpit", Name: "Swarmpit", Family: "docker", Category: "orchestration"},
	}
}

// Day is the date the fixtures' services were last seen.
func Day() time.Time { return time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC) }

// Meta returns the Meta of the Ten fixture, judged by the embedded
// release calendars (pkg/eol) on the day the services were last seen.
func Meta() report.Meta {
	data, err := eol.Embedded()
	if err != nil {
		panic("reporttest: " + err.Error()) // the embedded file is checked by pkg/eol's tests
	}
	return report.Meta{
		Support:        data,
		Snapshot:       "2026Q4",
		Created:        Day().Add(36 * time.Hour),
		CatalogVersion: "3",
		Products:       Products(),
		Engines:        []string{"shodan", "censys"},
		Observations:   14,
		Inputs: []report.Input{
			{Name: "censys-hits.json", Engine: "censys", Format: "censys-v3-search", Read: 6, Kept: 5, Bad: 0, Skipped: 1, At: Day().Add(2 * time.Hour)},
			{Name: "k8s.json.gz", Engine: "shodan", Format: "shodan-download", Read: 12, Kept: 9, Bad: 1, Skipped: 2, At: Day().Add(time.Hour), Truncated: "gzip stream ended after record 12"},
		},
		CloudFeeds: []report.CloudFeed{
			{Provider: "gcp", Date: "2026-09-30", Prefixes: 1021},
			{Provider: "aws", Date: "2026-09-29", Prefixes: 9876},
		},
		Disagreements: 1,
		Clamped:       2,
		Exports:       []string{"2026Q3-export.ndjson"},
		Notes:         []string{"Synthetic snapshot for tests."},
	}
}

// Ten is a snapshot of ten services whose figures are known:
//
//	services 10, hosts 8 (two hosts carry two services each)
//	open 3, auth_required 4, unknown 3
//	Kubernetes family (kubernetes-api, kubelet) 6, of them open 1
//	AWS 7 (share 0.7): US regions 4 (us-east-1 ×2, us-gov-west-1,
//	  us-west-2; share of AWS 4/7), non-US 1 (eu-north-1), no region 2
//	gcp 1, none 2
//	countries US 6, DE 2, KR 1, SE 1
//	engines: Shodan only 5, Censys only 3, both 2
//	low confidence 1, auth conflicts 1; observations 14 → 4 merged
//	versions: kubernetes-api v1.27.3 ×2 (1 open), v1.28.0 ×1;
//	  docker-swarm 24.0.5 ×1 (open); portainer 2.19.4 ×1
//	support on 2026-10-01 (embedded calendars): kubernetes-api 3 of 3
//	  with a version end of life (1.27, 1.28; 1 open); docker-swarm 1
//	  of 1 (Docker 24.0; open); portainer no calendar
func Ten() []model.Service {
	return []model.Service{
		svc("3.5.140.2", 443, "kubernetes-api", "v1.27.3", model.AuthOpen, "aws", "us-east-1", "US", model.SeenShodan),
		svc("3.5.140.2", 10250, "kubelet", "", model.AuthRequired, "aws", "us-east-1", "US", model.SeenShodan|model.SeenCensys),
		svc("13.48.0.1", 6443, "kubernetes-api", "v1.27.3", model.AuthRequired, "aws", "eu-north-1", "SE", model.SeenCensys),
		svc("18.60.0.1", 6443, "kubernetes-api", "v1.28.0", model.AuthUnknown, "aws", "us-gov-west-1", "US", model.SeenShodan),
		svc("34.64.0.5", 2375, "docker-swarm", "24.0.5", model.AuthOpen, "gcp", "asia-northeast3", "KR", model.SeenShodan),
		svc("52.0.0.9", 9000, "portainer", "", model.AuthUnknown, "aws", "", "US", model.SeenShodan),
		svc("52.0.0.9", 8001, "kong-admin", "", model.AuthOpen, "aws", "", "US", model.SeenCensys),
		conflict(svc("2600:1f18::1", 443, "kubernetes-api", "", model.AuthRequired, "aws", "us-west-2", "US", model.SeenShodan|model.SeenCensys)),
		low(svc("203.0.113.7", 8443, "kubernetes-api", "", model.AuthUnknown, "", "", "DE", model.SeenShodan)),
		svc("198.51.100.20", 9000, "portainer", "2.19.4", model.AuthRequired, "", "", "DE", model.SeenCensys),
	}
}

func svc(addr string, port uint16, product, version string, auth model.Auth, provider, region, country string, engines model.Engines) model.Service {
	s := model.Service{
		Key:          model.Key{Addr: netip.MustParseAddr(addr), Port: port, Transport: "tcp"},
		Product:      product,
		Version:      version,
		Auth:         auth,
		AuthEvidence: evidence(auth),
		Confidence:   model.High,
		Engines:      engines,
		FirstSeen:    Day().Add(-72 * time.Hour),
		LastSeen:     Day(),
		Country:      country,
		Org:          "Example Org",
		Title:        product + " panel",
		Cloud:        model.CloudTag{Provider: provider, Region: region},
	}
	s.AuthSeenAt = s.LastSeen
	switch {
	case provider != "" && region == "":
		s.Cloud.Source = "asn:16509"
	case provider != "":
		s.Cloud.Source = "ranges:" + provider + "@2026-09-29"
	}
	if port == 443 {
		s.Hostnames = []string{"api." + product + ".example.net"}
	}
	return s
}

func evidence(a model.Auth) string {
	switch a {
	case model.AuthOpen:
		return `200 {"paths":[...]} on /`
	case model.AuthRequired:
		return `403 system:anonymous on /`
	}
	return ""
}

func conflict(s model.Service) model.Service { s.AuthConflict = true; return s }

func low(s model.Service) model.Service { s.Confidence = model.Low; return s }

// Hostile strings that a banner or file may hold. Each must come out of
// every renderer without changing the report's structure.
func Hostile() []string {
	return []string{
		"pipe | in | cell",
		"back`tick``` and *bold* _em_ [link](http://x) ![img](x)",
		"<script>alert(1)</script> &amp; <b>bold</b>",
		"line one\nline two\r\n\n| --- | --- |\n# heading",
		"\x1b[31mred\x1b[0m \x1b]0;title\x07 and bell\x07",
		"bidi \u202Eevil\u202C \u2066iso\u2069 \u200Fmark\u061C",
		strings.Repeat("A very long title ", 556) + "end", // about 10,000 characters
		"bad utf8 \xff\xfe\xc3 end",
		"- list item",
		"1. numbered",
		"=HYPERLINK(\"http://evil\")",
		"+cmd|' /C calc'!A0",
		"@SUM(1+1)",
		"\ttab start",
		"zero\u200Bwidth\uFEFF",
		"\\| escaped pipe \\",
		"",
	}
}

// Poisoned returns the Ten fixture and its Meta with s in every field a
// banner, a tag or a file name can fill: each service's title, org, city,
// auth evidence, version, hostnames and cloud service, the report title,
// an input name and a note; addresses are included. Regions and countries
// are left as they are (regions are normalized before they reach a view).
func Poisoned(s string) (report.Meta, []model.Service) {
	ss := Ten()
	for i := range ss {
		x := &ss[i]
		x.Title, x.Org, x.City, x.AuthEvidence, x.Version = s, s, s, s, s
		x.Hostnames = []string{s, s + ".example"}
		x.Cloud.Service = s
	}
	m := Meta()
	m.Title = s
	m.IncludeAddresses = true
	m.Inputs = append(m.Inputs, report.Input{Name: s, Engine: "shodan", Format: "shodan-download", Read: 1, At: Day()})
	m.Notes = append(m.Notes, s)
	return m, ss
}

// HostileMeta returns the Meta of the HostileServices fixture, with
// hostile strings in the title, notes and inputs.
func HostileMeta() report.Meta {
	m := Meta()
	h := Hostile()
	m.Title = h[6] + h[0]
	m.Snapshot = "2026|Q4\n# x"
	m.CatalogVersion = "<b>3</b>"
	m.Notes = h
	m.Truncations = []string{h[3], h[5]}
	m.Inputs = append(m.Inputs, report.Input{Name: h[3], Engine: h[0], Format: h[2], Read: 1, At: Day()})
	m.CloudFeeds = append(m.CloudFeeds, report.CloudFeed{Provider: h[1], Date: h[4]})
	return m
}

// HostileServices returns one service per hostile string, with that
// string in every string field a banner or a tag can fill.
func HostileServices() []model.Service {
	var out []model.Service
	for i, h := range Hostile() {
		s := svc("192.0.2.1", uint16(1000+i), h, h, model.AuthOpen, h, h, h, model.SeenShodan)
		s.Title, s.Org, s.City, s.AuthEvidence = h, h, h, h
		s.Hostnames = []string{h, h + ".example"}
		s.Cloud.Source, s.Cloud.Service = h, h
		out = append(out, s)
	}
	return out
}

// Grouped summarizes ss as report.BuildGrouped takes it, the slow way: one
// group per distinct combination of the counted attributes (in an order
// unlike the services'), distinct addresses overall and per product. It
// is the reference the store's service_groups must match.
func Grouped(ss []model.Service) report.Grouped {
	var groups []model.ServiceGroup
	idx := map[model.ServiceGroup]int{}
	hosts := map[netip.Addr]bool{}
	productHosts := map[string]map[netip.Addr]bool{}
	honeyHosts := map[netip.Addr]bool{}
	honeyProducts := map[string]map[netip.Addr]bool{}
	for i := range ss {
		s := &ss[i]
		g := s.Group()
		k := g
		k.Services, k.FirstSeen, k.LastSeen = 0, time.Time{}, time.Time{}
		j, ok := idx[k]
		if !ok {
			j = len(groups)
			idx[k] = j
			groups = append(groups, k)
		}
		x := &groups[j]
		x.Services++
		if x.FirstSeen.IsZero() || (!s.FirstSeen.IsZero() && s.FirstSeen.Before(x.FirstSeen)) {
			x.FirstSeen = s.FirstSeen
		}
		if s.LastSeen.After(x.LastSeen) {
			x.LastSeen = s.LastSeen
		}
		hosts[s.Addr] = true
		if productHosts[s.Product] == nil {
			productHosts[s.Product] = map[netip.Addr]bool{}
		}
		productHosts[s.Product][s.Addr] = true
		if s.Honeypot != 0 {
			honeyHosts[s.Addr] = true
			if honeyProducts[s.Product] == nil {
				honeyProducts[s.Product] = map[netip.Addr]bool{}
			}
			honeyProducts[s.Product][s.Addr] = true
		}
	}
	slices.Reverse(groups)
	ph := map[string]int{}
	for p, m := range productHosts {
		ph[p] = len(m)
	}
	hph := map[string]int{}
	for p, m := range honeyProducts {
		hph[p] = len(m)
	}
	return report.Grouped{
		Groups: func(fn func(*model.ServiceGroup) error) error {
			for i := range groups {
				g := groups[i]
				if err := fn(&g); err != nil {
					return err
				}
			}
			return nil
		},
		Hosts:                len(hosts),
		ProductHosts:         ph,
		Services:             Stream(ss),
		HoneypotHosts:        len(honeyHosts),
		HoneypotProductHosts: hph,
		Named: func(fn func(*model.Service) error) error {
			// As store.ServicesNamed: every service with a name holding
			// the AKS zone, case ignored, in reverse order.
			for i := len(ss) - 1; i >= 0; i-- {
				s := ss[i]
				if slices.ContainsFunc(s.Hostnames, func(h string) bool { return strings.Contains(strings.ToLower(h), eol.AKSZone) }) {
					if err := fn(&s); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}
