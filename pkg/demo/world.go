package demo

import (
	"fmt"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/orchex/orchex/pkg/source/shodan/shodantest"
)

// Credentials the simulated APIs accept, and nothing else. They are not
// secrets: `orchex demo --serve` prints them.
const (
	ShodanKey    = "demo-shodan-key-not-a-secret"
	CensysToken  = "demo-censys-token-not-a-secret"
	CensysOrg    = "00000000-0000-4000-8000-00000000demo"
	CensysAPIID  = "demo-censys-v2-id"
	CensysSecret = "demo-censys-v2-secret-not-a-secret"
)

// censysFields are the host fields the simulated Censys API keeps of each
// host for query splitting, scope filters and statistics (censystest
// Config.Fields): the address, place, network, ports and protocols.
func censysFields() []string {
	return []string{"ip", "location.country_code", "location.city", "autonomous_system.asn", "autonomous_system.name",
		"services.port", "services.protocol", "services.service_name"}
}

// World is a population served by simulated Shodan and Censys APIs on
// 127.0.0.1.
type World struct {
	Pop    *Population
	Shodan *shodantest.Server
	Censys *censystest.Server
}

// QueriesByProduct maps each catalog product to the Shodan and Censys
// queries that find it: its own, or those of the product it is found by.
func QueriesByProduct(cat *catalog.Catalog) (shodan, censys map[string][]string) {
	shodan, censys, _ = queriesByProduct(cat)
	return shodan, censys
}

func queriesByProduct(cat *catalog.Catalog) (shodan, censys, censysV2 map[string][]string) {
	shodan, censys, censysV2 = map[string][]string{}, map[string][]string{}, map[string][]string{}
	for _, p := range cat.Products() {
		src := p
		if p.FoundBy != "" {
			if q, ok := cat.Product(p.FoundBy); ok {
				src = q
			}
		}
		shodan[p.ID], censys[p.ID], censysV2[p.ID] = src.Shodan, src.Censys, src.CensysV2
	}
	return shodan, censys, censysV2
}

// NewWorld generates the population of cfg, keeps in it only what the
// catalog's queries can find on each engine, and serves it at rate
// requests a second from the simulated APIs. Their answers are dated by
// the population's clock, so that the same world gives the same data.
// Close stops the APIs.
func NewWorld(cfg Config, cat *catalog.Catalog, rate float64) *World {
	return Serve(Generate(cfg), cat, rate)
}

// Serve keeps in pop only what the catalog's queries can find on each
// engine and serves it as NewWorld does: for a population made another
// way (Earlier).
func Serve(pop *Population, cat *catalog.Catalog, rate float64) *World {
	shodanQs, censysQs, v2Qs := queriesByProduct(cat)
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(p string) bool { return len(censysQs[p]) > 0 })
	w := &World{Pop: pop}
	// Banners and hits are made when a page asks for them, from the
	// population's services: the simulated APIs hold no JSON.
	shodanLists := pop.ShodanLists(shodanQs)
	w.Shodan = shodantest.NewServer(shodantest.Config{
		Key: ShodanKey, Plan: "dev", Credits: -1, Rate: rate, Burst: 4,
		Results: func(q string) shodantest.Banners {
			if l, ok := shodanLists[q]; ok {
				return l
			}
			return shodantest.List(nil)
		},
	})
	n, hit, byQuery := pop.CensysHits(censysQs)
	n2, host2, byQuery2 := pop.CensysV2Hosts(v2Qs)
	for q, ips := range byQuery2 { // v2 and v3 query texts differ
		byQuery[q] = ips
	}
	w.Censys = censystest.NewServer(censystest.Config{
		Token: CensysToken, OrgID: CensysOrg, APIID: CensysAPIID, Secret: CensysSecret, Rate: rate, Burst: 4,
		Clock:         func() time.Time { return pop.Config.At },
		HitCount:      n,
		Hit:           hit,
		V2HostCount:   n2,
		V2Host:        host2,
		Fields:        censysFields(),
		WebProperties: WebProperties(3),
		Match: func(q string, doc map[string]any) bool {
			ip, _ := doc["ip"].(string)
			return byQuery[q][ip]
		},
	})
	return w
}

// Engines builds the adapter of every engine in reg (source/all's) for the
// simulated APIs, as a user would with their URLs, the demo credentials
// and rate requests a second: through the engines' own settings, never
// the user's environment or key files.
func (w *World) Engines(reg *source.Registry, rate float64, d source.Deps) ([]source.Engine, error) {
	flags := map[string]string{"shodan-url": w.Shodan.URL(), "shodan-rate": fmt.Sprint(rate),
		"censys-url": w.Censys.URL(), "censys-rate": fmt.Sprint(rate)}
	env := map[string]string{"SHODAN_API_KEY": ShodanKey, "CENSYS_PLATFORM_TOKEN": CensysToken, "CENSYS_ORG_ID": CensysOrg}
	l := source.Lookup{
		Flag:   func(name string) (string, bool) { v, ok := flags[name]; return v, ok },
		Getenv: func(k string) string { return env[k] },
		Warn:   d.Warn,
	}
	out, missing, err := reg.Build("", l, d)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, missing[0] // an engine whose credentials the demo does not know
	}
	return out, nil
}

// Close stops the simulated APIs.
func (w *World) Close() {
	w.Shodan.Close()
	w.Censys.Close()
}
