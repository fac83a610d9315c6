package demo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/netip"
	"time"

	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
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
	for q, l := range p.ShodanLists(queries) {
		for i := range l.Len() {
			out[q] = append(out[q], l.At(i))
		}
	}
	return out
}

// ShodanLists is ShodanResults with each banner made when it is asked for
// (shodantest.Config.Results): the lists hold references to the
// population's services, not JSON.
func (p *Population) ShodanLists(queries map[string][]string) map[string]shodantest.Banners {
	lists := make(map[string]shodanList)
	add := func(q string, s *Service) {
		lists[q] = append(lists[q], shodanRef{s, false})
		if s.Duplicate {
			lists[q] = append(lists[q], shodanRef{s, true})
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
	out := make(map[string]shodantest.Banners, len(lists))
	for q, l := range lists {
		out[q] = shodanBanners{l, p.Config.At}
	}
	return out
}

// shodanRef is one banner of a result list: a service, or its later
// duplicate banner.
type shodanRef struct {
	s   *Service
	dup bool
}

// shodanList is a result list whose banners are made on demand.
type shodanList []shodanRef

// shodanBanners serves a shodanList, a duplicate banner dated 6 hours
// later but never after end (the engine's clock).
type shodanBanners struct {
	refs shodanList
	end  time.Time
}

func (l shodanBanners) Len() int { return len(l.refs) }

func (l shodanBanners) At(i int) json.RawMessage {
	r := l.refs[i]
	if r.dup {
		return r.s.ShodanBanner(later(r.s.SeenAt, 6*time.Hour, l.end))
	}
	return r.s.ShodanBanner(r.s.SeenAt)
}

// later is d after t, but never after end, the end of the observation
// window (Config.At, the simulated engines' clock): an engine does not
// serve a banner from after the request, and orchex clamps one that
// claims to.
func later(t time.Time, d time.Duration, end time.Time) time.Time {
	if t = t.Add(d); t.After(end) {
		return end
	}
	return t
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
	n, hit, byQuery := p.CensysHits(queries)
	for i := range n {
		hits = append(hits, hit(i))
	}
	return hits, byQuery
}

// CensysHits is CensysResults with each hit made when it is asked for
// (censystest.Config.Hit): n hits, hit(i) the i-th.
func (p *Population) CensysHits(queries map[string][]string) (n int, hit func(i int) []byte, byQuery map[string]map[string]bool) {
	hosts := p.censysHosts()
	hit = func(i int) []byte {
		svcs := hosts[i]
		matched, _ := censysMatches(svcs, queries)
		b, _ := json.Marshal(censysHit{HostV1: &censysHostHit{Resource: CensysHost(svcs, later(svcs[0].SeenAt, 3*time.Hour, p.Config.At)), MatchedServices: matched}})
		return b
	}
	return len(hosts), hit, hostsByQuery(hosts, queries)
}

// CensysV2Hosts lays the population out as legacy Censys Search v2 host
// views made on demand (censystest.Config.V2Host), with the addresses each
// v2 query returns: the hosts of CensysHits, for --censys-api v2.
func (p *Population) CensysV2Hosts(queries map[string][]string) (n int, host func(i int) []byte, byQuery map[string]map[string]bool) {
	hosts := p.censysHosts()
	host = func(i int) []byte { return CensysV2Host(hosts[i], later(hosts[i][0].SeenAt, 3*time.Hour, p.Config.At)) }
	return len(hosts), host, hostsByQuery(hosts, queries)
}

// censysHosts groups the services Censys saw by address, in population
// order (noise last).
func (p *Population) censysHosts() [][]*Service {
	byAddr := make(map[netip.Addr][]*Service)
	var order []netip.Addr
	for _, list := range [][]Service{p.Services, p.Noise} {
		for i := range list {
			s := &list[i]
			if !s.Censys {
				continue
			}
			if byAddr[s.Addr] == nil {
				order = append(order, s.Addr)
			}
			byAddr[s.Addr] = append(byAddr[s.Addr], s)
		}
	}
	hosts := make([][]*Service, len(order))
	for i, a := range order {
		hosts[i] = byAddr[a]
	}
	return hosts
}

// hostsByQuery is, for each query text, the addresses it returns.
func hostsByQuery(hosts [][]*Service, queries map[string][]string) map[string]map[string]bool {
	byQuery := make(map[string]map[string]bool)
	for _, svcs := range hosts {
		_, qs := censysMatches(svcs, queries)
		for _, q := range qs {
			if byQuery[q] == nil {
				byQuery[q] = make(map[string]bool)
			}
			byQuery[q][svcs[0].Addr.String()] = true
		}
	}
	return byQuery
}

// censysMatches returns the services of a host that Censys's queries find
// (matched_services) and the query that finds each.
func censysMatches(svcs []*Service, queries map[string][]string) (matched []censysMatched, qs []string) {
	for _, s := range svcs {
		product := s.Product
		if product == "" {
			product = "kubernetes-api"
		}
		pq := queries[product]
		if len(pq) == 0 {
			continue
		}
		qs = append(qs, pq[s.pick("censys", len(pq))])
		l := lookFor(s)
		matched = append(matched, censysMatched{Port: s.Port, Protocol: l.protocol, TransportProtocol: "tcp"})
	}
	return matched, qs
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
