package demo

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// DefaultSize is the number of exposed services in the default population,
// the count of the 2018 study.
const DefaultSize = 22672

// DefaultSeed seeds the default population.
const DefaultSeed = 2018

// Config describes a population.
type Config struct {
	Seed int64
	Size int       // recognised services (the truth), not counting noise
	At   time.Time // end of the observation window; default 2026-11-15
}

func (c Config) withDefaults() Config {
	if c.Size <= 0 {
		c.Size = DefaultSize
	}
	if c.At.IsZero() {
		c.At = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	}
	return c
}

// Service is one synthetic service and what it really is.
type Service struct {
	Addr      netip.Addr
	Port      uint16
	Product   string // catalog product id; "" for noise
	Auth      model.Auth
	Variant   int // which banner of the product and auth state
	Version   string
	Provider  string // canonical provider id, "" when not in a cloud
	Region    string
	Country   string
	City      string
	ASN       uint32
	Org       string
	Shodan    bool // seen by Shodan
	Censys    bool // seen by Censys
	SeenAt    time.Time
	Duplicate bool // Shodan returns this service twice (a later banner)
}

// Population is a generated set of services with its truth.
type Population struct {
	Config   Config
	Services []Service // recognised services, unique by address and port
	Noise    []Service // services no catalog rule recognises
	Blocks   []Block   // address blocks and where they are hosted
}

// Block is an address block the demo's range feeds assign to a provider
// region.
type Block struct {
	Prefix   netip.Prefix
	Provider string
	Region   string
}

type weighted[T any] struct {
	v T
	w float64
}

func choose[T any](r *rand.Rand, xs []weighted[T]) T {
	var sum float64
	for _, x := range xs {
		sum += x.w
	}
	f := r.Float64() * sum
	for _, x := range xs {
		if f < x.w {
			return x.v
		}
		f -= x.w
	}
	return xs[len(xs)-1].v
}

type place struct {
	provider, region, country, city string
	asn                             uint32
	org                             string
}

func places() []weighted[place] {
	aws := func(region, country, city string, w float64) weighted[place] {
		return weighted[place]{place{"aws", region, country, city, 16509, "Amazon.com, Inc."}, w}
	}
	return []weighted[place]{
		aws("us-east-1", "US", "Ashburn", 31),
		aws("us-east-2", "US", "Columbus", 9),
		aws("us-west-2", "US", "Boardman", 13),
		aws("us-west-1", "US", "San Jose", 4),
		aws("eu-west-1", "IE", "Dublin", 10),
		aws("eu-central-1", "DE", "Frankfurt am Main", 8),
		aws("eu-west-2", "GB", "London", 3),
		aws("ap-northeast-1", "JP", "Tokyo", 6),
		aws("ap-southeast-1", "SG", "Singapore", 5),
		aws("ap-southeast-2", "AU", "Sydney", 4),
		aws("ap-south-1", "IN", "Mumbai", 3),
		aws("ca-central-1", "CA", "Montreal", 2.5),
		aws("sa-east-1", "BR", "Sao Paulo", 1.5),
		{place{"gcp", "us-central1", "US", "Council Bluffs", 396982, "Google LLC"}, 1.0},
		{place{"gcp", "europe-west1", "BE", "Brussels", 396982, "Google LLC"}, 0.4},
		{place{"azure", "eastus", "US", "Boydton", 8075, "Microsoft Corporation"}, 0.8},
		{place{"azure", "westeurope", "NL", "Amsterdam", 8075, "Microsoft Corporation"}, 0.3},
		{place{"digitalocean", "fra1", "DE", "Frankfurt am Main", 14061, "DigitalOcean, LLC"}, 0.6},
		{place{"", "", "CN", "Hangzhou", 4134, "Chinanet"}, 0.4},
		// Hetzner publishes no range feed: orchex tags its addresses by ASN
		// (no region), and the truth says so.
		{place{"hetzner", "", "DE", "Nuremberg", 24940, "Hetzner Online GmbH"}, 0.3},
		{place{"", "", "KR", "Seoul", 4766, "Korea Telecom"}, 0.2},
	}
}

// productMix gives each catalog product its share of the population and its
// probability of each auth state. Kubernetes is a little over three
// quarters, and about 1.3% of services are open, as in the study.
type productSpec struct {
	id          string
	family      string
	weight      float64
	open, authz float64 // P(open), P(auth_required); the rest is unknown
	ports       []uint16
}

func productMix() []productSpec {
	return []productSpec{
		{"kubernetes-api", "kubernetes", 66, 0.0030, 0.95, []uint16{6443, 443, 8443}},
		{"kubelet", "kubernetes", 6, 0.025, 0.90, []uint16{10250}},
		{"kubernetes-healthz", "kubernetes", 0.2, 0, 0, []uint16{6443, 443}},
		{"kubernetes-dashboard", "kubernetes", 3, 0, 0, []uint16{443, 8443, 30000}},
		{"etcd", "kubernetes", 1.5, 0.20, 0.80, []uint16{2379}},
		{"docker-engine", "docker", 0.4, 1, 0, []uint16{2375}},
		{"docker-swarm", "docker", 1.6, 0, 0, []uint16{2377}},
		{"mesos-master", "mesos", 0.5, 0.06, 0.94, []uint16{5050}},
		{"marathon", "mesos", 0.6, 0.06, 0.94, []uint16{8080}},
		{"openshift-console", "openshift", 2.5, 0, 0, []uint16{443}},
		{"openshift-api", "openshift", 1.5, 0, 1, []uint16{6443}},
		{"portainer", "portainer", 3, 0.01, 0, []uint16{9000, 9443}},
		{"swarmpit", "swarmpit", 0.5, 0.02, 0, []uint16{888}},
		{"rancher", "rancher", 2, 0, 0.5, []uint16{443}},
		{"nomad", "nomad", 1, 0, 0, []uint16{4646}},
		{"argocd", "argocd", 1, 0, 0, []uint16{443}},
		{"kong-admin", "kong", 0.8, 0.15, 0.5, []uint16{8001}},
		{"swagger-ui", "swagger", 2, 0, 0, []uint16{443, 8080}},
	}
}

// versions are the versions a product's services run: a mix, as on the
// internet, of releases past their end of life and supported ones on the
// demo's date (2026-11-15, by the embedded endoflife.date calendars), so
// that the report's support section has something to say. Managed
// Kubernetes builds carry their provider's suffix; an OpenShift API
// server reports the Kubernetes release its OpenShift is built on.
func versions(product string) []string {
	switch product {
	case "kubernetes-api":
		return []string{"v1.27.16-eks-a737599", "v1.28.15-eks-7f9249a", "v1.31.2-eks-7f9249a", "v1.33.5-eks-3c1f2a9",
			"v1.29.8-gke.1211000", "v1.35.0-gke.1795000", "v1.30.5", "v1.34.2", "v1.35.1", "v1.26.15-eks-adc7111"}
	case "openshift-api":
		return []string{"v1.27.16+03a907c", "v1.30.10+a4d2e2b", "v1.32.7+b2c9d1e", "v1.33.4+e5f6a7b"}
	case "kubelet":
		return []string{"v1.28.13", "v1.29.9", "v1.30.5", "v1.34.1", "v1.35.0"}
	case "etcd":
		return []string{"3.5.9", "3.5.12", "3.4.27", "3.6.4"}
	case "docker-engine":
		return []string{"20.10.24", "24.0.7", "26.1.4", "28.5.1", "29.1.0"}
	}
	return nil
}

// variantVersion is the version of a product whose look states one of
// four by the service's variant (Rancher's header, the OpenShift
// console's releaseVersion).
func variantVersion(product string, variant int) string {
	switch product {
	case "rancher":
		return [...]string{"v2.8.5", "v2.9.3", "v2.11.3", "v2.12.1"}[variant%4]
	case "openshift-console":
		return [...]string{"4.14.8", "4.16.21", "4.18.14", "4.19.9"}[variant%4]
	}
	return ""
}

// Generate builds the population of cfg deterministically: the same
// config gives the same population.
func Generate(cfg Config) *Population {
	cfg = cfg.withDefaults()
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6f72636865780001))
	p := &Population{Config: cfg}
	alloc := newAllocator()
	pl := places()
	mix := productMix()
	var wmix []weighted[productSpec]
	for _, m := range mix {
		wmix = append(wmix, weighted[productSpec]{m, m.weight})
	}
	taken := make(map[model.Key]bool, cfg.Size)
	window := 30 * 24 * time.Hour

	newService := func(spec productSpec, host *Service) Service {
		s := Service{Product: spec.id}
		if host != nil {
			s.Addr, s.Provider, s.Region, s.Country, s.City, s.ASN, s.Org =
				host.Addr, host.Provider, host.Region, host.Country, host.City, host.ASN, host.Org
		} else {
			where := choose(r, pl)
			s.Provider, s.Region, s.Country, s.City, s.ASN, s.Org =
				where.provider, where.region, where.country, where.city, where.asn, where.org
			s.Addr = alloc.next(s.Provider, s.Region, r.Float64() < 0.02)
		}
		s.Port = spec.ports[r.IntN(len(spec.ports))]
		f := r.Float64()
		switch {
		case f < spec.open:
			s.Auth = model.AuthOpen
		case f < spec.open+spec.authz:
			s.Auth = model.AuthRequired
		default:
			s.Auth = model.AuthUnknown
		}
		s.Variant = r.IntN(4)
		if vs := versions(spec.id); len(vs) > 0 {
			s.Version = vs[r.IntN(len(vs))]
		} else if v := variantVersion(spec.id, s.Variant); v != "" {
			s.Version = v
		}
		switch f := r.Float64(); {
		case f < 0.70:
			s.Shodan, s.Censys = true, true
		case f < 0.90:
			s.Shodan = true
		default:
			s.Censys = true
		}
		s.SeenAt = cfg.At.Add(-time.Duration(r.Int64N(int64(window)))).Truncate(time.Second)
		s.Duplicate = s.Shodan && r.Float64() < 0.03
		return s
	}

	for len(p.Services) < cfg.Size {
		spec := choose(r, wmix)
		var host *Service
		// About one service in eight shares its host with an earlier one
		// (an API server with its kubelet, a Docker host with Portainer).
		if len(p.Services) > 0 && r.Float64() < 0.12 {
			h := p.Services[r.IntN(len(p.Services))]
			host = &h
		}
		s := newService(spec, host)
		if s.Product == "kubelet" && s.Auth == model.AuthOpen {
			s.Port = 10255 // the read-only port answers without authentication
		}
		k := model.Key{Addr: s.Addr, Port: s.Port, Transport: "tcp"}
		if taken[k] {
			continue
		}
		taken[k] = true
		p.Services = append(p.Services, s)
	}
	// Noise: services that a catalog query returns but no rule recognises
	// (a default nginx page on 6443, a login page of something else).
	noise := cfg.Size / 25
	for range noise {
		s := newService(productSpec{id: "", ports: []uint16{443, 6443, 8080, 8443}}, nil)
		s.Auth = model.AuthUnknown
		s.Version = ""
		k := model.Key{Addr: s.Addr, Port: s.Port, Transport: "tcp"}
		if taken[k] {
			continue
		}
		taken[k] = true
		p.Noise = append(p.Noise, s)
	}
	p.Blocks = alloc.blocks()
	return p
}

// allocator hands out addresses in /24 blocks (IPv4, from 198.18.0.0/15)
// or /120 blocks (IPv6, from 2001:db8::/32), one open block per provider
// region, so that the range feeds stay compact.
type allocator struct {
	open  map[string]*openBlock
	all   []Block
	next4 int // next /24 index in 198.18.0.0/15 (512 of them)
	next6 uint32
}

type openBlock struct {
	base netip.Addr
	used int
	size int
}

func newAllocator() *allocator { return &allocator{open: map[string]*openBlock{}} }

func (a *allocator) next(provider, region string, v6 bool) netip.Addr {
	key := fmt.Sprintf("%s/%s/%v", provider, region, v6 || a.next4 >= 512)
	b := a.open[key]
	if b == nil || b.used == b.size {
		var pfx netip.Prefix
		if !v6 && a.next4 < 512 {
			base := netip.AddrFrom4([4]byte{198, byte(18 + a.next4/256), byte(a.next4 % 256), 0})
			pfx = netip.PrefixFrom(base, 24)
			a.next4++
			b = &openBlock{base: base, size: 254}
		} else {
			var x [16]byte
			x[0], x[1], x[2], x[3] = 0x20, 0x01, 0x0d, 0xb8
			x[8], x[9], x[10], x[11] = byte(a.next6>>24), byte(a.next6>>16), byte(a.next6>>8), byte(a.next6)
			base := netip.AddrFrom16(x)
			pfx = netip.PrefixFrom(base, 120)
			a.next6++
			b = &openBlock{base: base, size: 254}
		}
		a.open[key] = b
		a.all = append(a.all, Block{Prefix: pfx, Provider: provider, Region: region})
	}
	b.used++
	addr := b.base
	for range b.used {
		addr = addr.Next()
	}
	return addr
}

func (a *allocator) blocks() []Block {
	out := slices.Clone(a.all)
	slices.SortFunc(out, func(x, y Block) int { return x.Prefix.Addr().Compare(y.Prefix.Addr()) })
	return out
}
