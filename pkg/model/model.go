package model

import (
	"net/netip"
	"time"
)

// Engine names a search engine that produced an observation.
type Engine string

// The engines orchex knows.
const (
	Shodan Engine = "shodan"
	Censys Engine = "censys"
)

// Auth is the authentication status of a service.
//
// A service is [AuthOpen] only when its banner proves that unauthenticated
// access worked; it is [AuthRequired] only when the banner proves that
// credentials were demanded; it is [AuthLikelyOpen] when a banner shows
// a product whose default configuration has no authentication and
// nothing proves access either way (an inference, never counted as
// open); everything else is [AuthUnknown].
type Auth string

// The authentication states.
const (
	AuthOpen     Auth = "open"
	AuthRequired Auth = "auth_required"
	AuthUnknown  Auth = "unknown"
	// AuthLikelyOpen is "likely open, inferred from defaults": the
	// product answered in a way its default, unauthenticated
	// configuration answers (Marathon's leader header on a 200, a Nomad
	// index header, an engine's claim that an etcd is unauthenticated),
	// with no proof that unauthenticated access worked. Reports count it
	// apart from open and never add it to open.
	AuthLikelyOpen Auth = "likely_open"
)

// Verdict is the verdict every figure counts a service of auth a under:
// open, likely_open and auth_required as they are, anything else (empty,
// a value from a newer or older orchex) unknown.
func (a Auth) Verdict() Auth {
	switch a {
	case AuthOpen, AuthRequired, AuthLikelyOpen:
		return a
	}
	return AuthUnknown
}

// Evidence is what the verdict proves: open, auth_required or unknown,
// likely_open counting as unknown. Changes between snapshots are judged
// on it, so that open → likely_open is a banner that stopped telling,
// never a fix.
func (a Auth) Evidence() Auth {
	if v := a.Verdict(); v != AuthLikelyOpen {
		return v
	}
	return AuthUnknown
}

// Honeypot is the set of reasons for which a service's host looks like a
// honeypot or a decoy rather than real exposed panels. A service carries
// the reasons of its host: a host flagged by any engine, or by the
// orchex rule, has all of its services flagged. Reports leave such
// services out of every figure unless asked to keep them.
type Honeypot uint8

// The honeypot reasons. The engine markers are set by the decoders; the
// last is orchex's own rule, computed by the store over each host.
const (
	// HoneypotShodanTag: Shodan tagged a banner of the host "honeypot".
	HoneypotShodanTag Honeypot = 1 << iota
	// HoneypotCensysTarpit: Censys labelled the host or a service a
	// tarpit (it answers on every port).
	HoneypotCensysTarpit
	// HoneypotCensysTruncated: Censys labelled the host truncated (so
	// many services that Censys stopped recording them).
	HoneypotCensysTruncated
	// HoneypotManyFamilies: the host's services name implausibly many
	// unrelated product families at once (normalize.ManyFamilies).
	HoneypotManyFamilies
)

// HoneypotEngineMarks are the reasons engines give; the others are
// computed by orchex.
const HoneypotEngineMarks = HoneypotShodanTag | HoneypotCensysTarpit | HoneypotCensysTruncated

// Reasons returns the names of the reasons in h, in a fixed order:
// "shodan-tag", "censys-tarpit", "censys-truncated", "many-families".
func (h Honeypot) Reasons() []string {
	var out []string
	for _, r := range []struct {
		bit  Honeypot
		name string
	}{
		{HoneypotShodanTag, "shodan-tag"}, {HoneypotCensysTarpit, "censys-tarpit"},
		{HoneypotCensysTruncated, "censys-truncated"}, {HoneypotManyFamilies, "many-families"},
	} {
		if h&r.bit != 0 {
			out = append(out, r.name)
		}
	}
	return out
}

// Confidence says how far a classification rests on verified signals.
// A rule built on a signal marked [U] (uncertain) in docs/fingerprints is Low.
type Confidence string

// Confidence levels.
const (
	High Confidence = "high"
	Low  Confidence = "low"
)

// Header is one HTTP response header as the engine reported it.
type Header struct {
	Name  string
	Value string
}

// HTTP is the HTTP part of a banner.
type HTTP struct {
	Status  int // 0 when the engine did not record it
	Title   string
	Server  string
	Headers []Header
	Body    string // a snippet, capped by the decoder
}

// Header returns the first value of the named header, compared
// case-insensitively, or "".
func (h *HTTP) Header(name string) string {
	if h == nil {
		return ""
	}
	for _, x := range h.Headers {
		if equalFold(x.Name, name) {
			return x.Value
		}
	}
	return ""
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// TLS is the certificate part of a banner.
type TLS struct {
	Subject   string // "CN=kube-apiserver, O=..." in the engine's order
	SubjectCN string
	Issuer    string
	IssuerCN  string
	SANs      []string
}

// Software is one product the engine recognised on a service (Censys
// software[], Shodan cpe23).
type Software struct {
	Vendor  string
	Product string
	Version string
}

// Kubernetes holds the engine's parsed Kubernetes fields (Censys
// endpoints[].kubernetes, Shodan's kubernetes property).
type Kubernetes struct {
	Version        string
	Nodes          int  // nodes listed; > 0 means anonymous read worked
	Pods           int  // pod names listed; > 0 means anonymous read worked
	DashboardFound bool // Censys kubernetes_dashboard_found
}

// Etcd holds the engine's parsed etcd fields.
type Etcd struct {
	Version string
	// V2Auth and V3Auth are the auth.enabled flags; nil when not reported.
	V2Auth *bool
	V3Auth *bool
}

// Docker holds the engine's parsed Docker Engine fields (Shodan's docker
// property, which Shodan emits only for daemons that answered without
// authentication).
type Docker struct {
	Version    string
	APIVersion string
	OS         string
	Containers int
}

// CloudHint is the engine's own cloud field (Shodan cloud.provider,
// cloud.region, cloud.service). Censys has none.
type CloudHint struct {
	Provider string
	Region   string
	Service  string
}

// Observation is one service as one engine saw it at one time, decoded from
// an engine record into engine-neutral fields. Strings come from the
// internet: they are hostile and must be escaped before display.
type Observation struct {
	Engine   Engine
	QueryID  string // catalog query that found it ("" for imports)
	RecordID string // engine id of the record (_shodan.id), "" if none

	Addr      netip.Addr
	Port      uint16
	Transport string // "tcp" or "udp", lower case

	Hostnames []string
	Org       string
	ASN       uint32
	Country   string // ISO 3166-1 alpha-2, upper case
	City      string
	Cloud     CloudHint

	Product  string // engine's product field (Shodan product)
	Version  string // engine's version field
	Module   string // Shodan _shodan.module
	Protocol string // Censys service protocol / v2 service_name, upper case
	Software []Software
	Labels   []string // Censys labels[].value, Shodan tags
	// Honeypot holds the engine's honeypot markers for the record's host
	// (Shodan tag "honeypot", Censys tarpit or truncated labels on the
	// host or the service), set by the decoders.
	Honeypot Honeypot

	HTTP       *HTTP
	TLS        *TLS
	Kubernetes *Kubernetes
	Etcd       *Etcd
	Docker     *Docker
	Banner     string // raw banner text snippet

	SeenAt time.Time // when the engine saw it (UTC)

	// Known carries a classification made earlier (orchex's own export,
	// re-imported); the pipeline then keeps it instead of classifying.
	Known *Classification
	// KnownCloud carries a cloud tag made earlier (orchex's own export);
	// the tagger's answer replaces it only when the tagger knows better.
	KnownCloud *CloudTag
	// KnownConflict carries an auth conflict found earlier (orchex's own
	// export): the observations behind Known disagreed on open against
	// auth_required. The service built from the observation keeps it.
	KnownConflict bool
}

// Key is the identity of a service within a snapshot.
type Key struct {
	Addr      netip.Addr
	Port      uint16
	Transport string
}

// Compare orders keys as the store keeps services: by address
// (netip.Addr.Compare: IPv4 before IPv6, then numerically), then port, then
// transport. It returns -1, 0 or +1.
func (k Key) Compare(o Key) int {
	if c := k.Addr.Compare(o.Addr); c != 0 {
		return c
	}
	switch {
	case k.Port < o.Port:
		return -1
	case k.Port > o.Port:
		return 1
	case k.Transport < o.Transport:
		return -1
	case k.Transport > o.Transport:
		return 1
	}
	return 0
}

// Key returns the service identity of o.
func (o *Observation) Key() Key { return Key{o.Addr, o.Port, o.Transport} }

// Classification is what the catalog says about one observation.
type Classification struct {
	Product         string // catalog product id
	Family          string // the product's catalog family ("" when unknown)
	ProductEvidence string
	Version         string
	Auth            Auth
	AuthEvidence    string
	Confidence      Confidence // of the auth verdict
}

// CloudTag is the hosting provider and region of an address, with the
// source that said so: "ranges:aws@2026-08-22", "engine:shodan",
// "asn:16509", or "" when untagged.
type CloudTag struct {
	Provider string // canonical id: aws, gcp, azure, oracle, ...
	Region   string // provider's region code, "" if unknown
	Service  string // provider's service name (EC2, AzureCloud), "" if unknown
	Source   string
}

// Engines is a set of engines, kept as a bit mask so that merging is cheap.
type Engines uint8

// Engine bits.
const (
	SeenShodan Engines = 1 << iota
	SeenCensys
)

// EngineBit returns the bit of e, or 0 for an unknown engine.
func EngineBit(e Engine) Engines {
	switch e {
	case Shodan:
		return SeenShodan
	case Censys:
		return SeenCensys
	}
	return 0
}

// Has reports whether e is in the set.
func (s Engines) Has(e Engine) bool { return s&EngineBit(e) != 0 }

// List returns the engines in the set in a fixed order.
func (s Engines) List() []Engine {
	var out []Engine
	if s&SeenShodan != 0 {
		out = append(out, Shodan)
	}
	if s&SeenCensys != 0 {
		out = append(out, Censys)
	}
	return out
}

// Service is one exposed service in a snapshot: the merge of every
// observation with the same [Key].
type Service struct {
	Key
	Product         string
	Family          string // the product's catalog family; "" when unknown
	ProductEvidence string
	Version         string
	Auth            Auth
	AuthEvidence    string
	Confidence      Confidence
	AuthSeenAt      time.Time // when the observation behind Auth was made
	AuthConflict    bool      // engines or observations disagreed on open vs auth_required

	Engines   Engines
	FirstSeen time.Time
	LastSeen  time.Time

	Hostnames []string // sorted, capped
	Org       string
	ASN       uint32
	Country   string
	City      string
	Title     string // HTTP title, for per-service listings
	Cloud     CloudTag

	// Honeypot holds the reasons the service's host looks like a
	// honeypot (the union over the host, see [Honeypot]); 0 for none.
	Honeypot Honeypot
}

// ServiceGroup is a number of services of one snapshot that share every
// attribute a report counts: product, version, auth verdict, engines,
// country and cloud tag. A snapshot's groups sum to its services, so a
// report can be built from a few thousand groups instead of a million
// services (store.Groups, report.BuildGrouped). FirstSeen and LastSeen
// bound the services' own first and last sightings.
type ServiceGroup struct {
	Product      string
	Version      string
	Auth         Auth
	AuthConflict bool
	Confidence   Confidence
	Engines      Engines
	Country      string
	Cloud        CloudTag // Service is not part of a group and is left empty
	Honeypot     Honeypot // the hosts' honeypot reasons
	Services     int
	FirstSeen    time.Time
	LastSeen     time.Time
}

// Group returns the group of the single service s.
func (s *Service) Group() ServiceGroup {
	return ServiceGroup{
		Product: s.Product, Version: s.Version, Auth: s.Auth, AuthConflict: s.AuthConflict,
		Confidence: s.Confidence, Engines: s.Engines, Country: s.Country,
		Cloud:    CloudTag{Provider: s.Cloud.Provider, Region: s.Cloud.Region, Source: s.Cloud.Source},
		Honeypot: s.Honeypot, Services: 1, FirstSeen: s.FirstSeen, LastSeen: s.LastSeen,
	}
}

// RawPage is one page of an engine's response, kept with the snapshot so
// that a report can be re-derived offline and audited. Body is the response
// exactly as received (the store compresses it). It never holds a key.
type RawPage struct {
	Engine    Engine
	QueryID   string
	Query     string // the query text sent
	Page      int    // 1-based
	Token     string // cursor sent to fetch this page ("" for the first)
	Next      string // cursor for the next page ("" when last)
	Total     int    // the engine's total for the query, as reported
	Hits      int    // records on the page
	Credits   int    // credits the page cost
	FetchedAt time.Time
	Body      []byte
}
