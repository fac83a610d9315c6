package demo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"
)

// pick returns a stable pseudo-random number in [0, n) for s and salt, so
// that which queries find a service does not depend on iteration order.
func (s *Service) pick(salt string, n int) int {
	h := fnv.New32a()
	h.Write(s.Addr.AsSlice())
	fmt.Fprintf(h, "%d/%s", s.Port, salt)
	return int(h.Sum32() % uint32(n))
}

// ShodanResults lays the population out as Shodan search results: for each
// query text, the banners it returns, in order. queries maps a catalog
// product id to its Shodan queries. A service is found by its product's
// first query and, one time in six, by a second one too (a duplicate the
// pipeline must merge); some services appear twice in one result list with
// a later banner; noise is returned by the Kubernetes queries.
func (p *Population) ShodanResults(queries map[string][]string) map[string][]json.RawMessage {
	out := make(map[string][]json.RawMessage)
	add := func(q string, s *Service) {
		out[q] = append(out[q], s.ShodanBanner(s.SeenAt))
		if s.Duplicate {
			out[q] = append(out[q], s.ShodanBanner(p.later(s.SeenAt, 6*time.Hour)))
		}
	}
	for i := range p.Services {
		s := &p.Services[i]
		qs := queries[s.Product]
		if !s.Shodan || len(qs) == 0 {
			continue
		}
		add(qs[0], s)
		if len(qs) > 1 && s.pick("shodan-second", 6) == 0 {
			add(qs[1+s.pick("shodan-which", len(qs)-1)], s)
		}
	}
	noiseQs := queries["kubernetes-api"]
	for i := range p.Noise {
		s := &p.Noise[i]
		if !s.Shodan || len(noiseQs) == 0 {
			continue
		}
		add(noiseQs[s.pick("noise", len(noiseQs))], s)
	}
	return out
}

// censysHit is a v3 search hit wrapper.
type censysHit struct {
	HostV1 *censysHostHit `json:"host_v1,omitempty"`
	WebV1  *censysWebHit  `json:"webproperty_v1,omitempty"`
}

type censysHostHit struct {
	Resource        json.RawMessage `json:"resource"`
	Extensions      struct{}        `json:"extensions"`
	MatchedServices []censysMatched `json:"matched_services"`
}

type censysMatched struct {
	Port              uint16 `json:"port"`
	Protocol          string `json:"protocol"`
	TransportProtocol string `json:"transport_protocol"`
}

type censysWebHit struct {
	Resource struct {
		Hostname string `json:"hostname"`
		Port     uint16 `json:"port"`
	} `json:"resource"`
	Extensions struct{} `json:"extensions"`
}

// CensysResults lays the population out as Censys Platform v3 search hits:
// one hit per host that Censys saw, carrying every service of the host that
// Censys saw in matched_services, and for each CenQL query text the set of
// host addresses it returns. A host is returned by the query of each of its
// services' products, so a host with an API server and a kubelet is found
// twice (a duplicate the pipeline must merge). Web properties, which a host
// inventory must skip, come from [WebProperties].
func (p *Population) CensysResults(queries map[string][]string) (hits [][]byte, byQuery map[string]map[string]bool) {
	byAddr := make(map[string][]*Service)
	var order []string
	for _, list := range [][]Service{p.Services, p.Noise} {
		for i := range list {
			s := &list[i]
			if !s.Censys {
				continue
			}
			k := s.Addr.String()
			if byAddr[k] == nil {
				order = append(order, k)
			}
			byAddr[k] = append(byAddr[k], s)
		}
	}
	byQuery = make(map[string]map[string]bool)
	for _, k := range order {
		svcs := byAddr[k]
		at := p.later(svcs[0].SeenAt, 3*time.Hour)
		var matched []censysMatched
		for _, s := range svcs {
			product := s.Product
			if product == "" {
				product = "kubernetes-api"
			}
			qs := queries[product]
			if len(qs) == 0 {
				continue
			}
			q := qs[s.pick("censys", len(qs))]
			if byQuery[q] == nil {
				byQuery[q] = make(map[string]bool)
			}
			byQuery[q][k] = true
			l := lookFor(s)
			matched = append(matched, censysMatched{Port: s.Port, Protocol: l.protocol, TransportProtocol: "tcp"})
		}
		hit, _ := json.Marshal(censysHit{HostV1: &censysHostHit{Resource: CensysHost(svcs, at), MatchedServices: matched}})
		hits = append(hits, hit)
	}
	return hits, byQuery
}

func timeOffset(n int64) time.Duration { return time.Duration(n) * 6 * time.Hour }

// WebProperties returns n Censys web-property resources (name-based
// assets) to mix into search results: a host inventory must skip them.
func WebProperties(n int) [][]byte {
	var out [][]byte
	for i := range n {
		w := censysWebHit{}
		w.Resource.Hostname = fmt.Sprintf("panel%d.example.com", i)
		w.Resource.Port = 443
		b, _ := json.Marshal(w.Resource)
		out = append(out, b)
	}
	return out
}

// later is d after t, but never after the end of the observation window
// (Config.At, the simulated engines' clock): an engine does not serve a
// banner from after the request, and orchex clamps one that claims to.
func (p *Population) later(t time.Time, d time.Duration) time.Time {
	if t = t.Add(d); t.After(p.Config.At) {
		return p.Config.At
	}
	return t
}
