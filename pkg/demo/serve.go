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
			out[q] = append(out[q], s.ShodanBanner(s.SeenAt.Add(6*time.Hour)))
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
// for each CenQL query text, the hits it returns. A hit is a whole host with
// the services that matched the query in matched_services; hosts seen by
// Censys carry every service of theirs that Censys saw. Every fiftieth hit
// is followed by a web-property hit, which a host inventory must skip.
func (p *Population) CensysResults(queries map[string][]string) map[string][]json.RawMessage {
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
	out := make(map[string][]json.RawMessage)
	n := 0
	for _, k := range order {
		svcs := byAddr[k]
		at := svcs[0].SeenAt.Add(3 * time.Hour)
		host := json.RawMessage(CensysHost(svcs, at))
		// Group the host's services by the query that finds them.
		byQuery := make(map[string][]censysMatched)
		var qorder []string
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
				qorder = append(qorder, q)
			}
			l := lookFor(s)
			byQuery[q] = append(byQuery[q], censysMatched{Port: s.Port, Protocol: l.protocol, TransportProtocol: "tcp"})
		}
		for _, q := range qorder {
			hit, _ := json.Marshal(censysHit{HostV1: &censysHostHit{Resource: host, MatchedServices: byQuery[q]}})
			out[q] = append(out[q], hit)
			n++
			if n%50 == 0 {
				w := &censysWebHit{}
				w.Resource.Hostname = fmt.Sprintf("panel%d.example.com", n)
				w.Resource.Port = 443
				web, _ := json.Marshal(censysHit{WebV1: w})
				out[q] = append(out[q], web)
			}
		}
	}
	return out
}
