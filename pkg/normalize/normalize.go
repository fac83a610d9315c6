package normalize

import (
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/version"
	"github.com/orchex/orchex/pkg/model"
)

// MaxHostnames caps the hostnames kept per service.
const MaxHostnames = 16

// Service builds the service that one classified observation describes.
func Service(o *model.Observation, c model.Classification, tag model.CloudTag) model.Service {
	s := model.Service{
		Key:             o.Key(),
		Product:         c.Product,
		Family:          c.Family,
		ProductEvidence: c.ProductEvidence,
		Version:         c.Version,
		Auth:            c.Auth,
		AuthEvidence:    c.AuthEvidence,
		Confidence:      c.Confidence,
		AuthSeenAt:      o.SeenAt,
		AuthConflict:    o.KnownConflict,
		Engines:         model.EngineBit(o.Engine),
		FirstSeen:       o.SeenAt,
		LastSeen:        o.SeenAt,
		Org:             o.Org,
		ASN:             o.ASN,
		Country:         o.Country,
		City:            o.City,
		Cloud:           tag,
		Honeypot:        o.Honeypot & model.HoneypotEngineMarks,
	}
	if s.Auth == "" {
		s.Auth = model.AuthUnknown
	}
	if s.Confidence == "" {
		s.Confidence = model.High
	}
	if o.HTTP != nil {
		s.Title = o.HTTP.Title
	}
	s.Hostnames = mergeNames(nil, o.Hostnames)
	return s
}

// Merge returns the merge of two services with the same key. It is
// commutative and associative; see the package documentation for the rules.
func Merge(a, b model.Service) model.Service {
	out := a
	win, lose := a, b
	if verdictLess(a, b) {
		win, lose = b, a
	}
	out.Auth, out.AuthEvidence, out.Confidence, out.AuthSeenAt = win.Auth, win.AuthEvidence, win.Confidence, win.AuthSeenAt
	out.AuthConflict = a.AuthConflict || b.AuthConflict ||
		(a.Auth == model.AuthOpen && b.Auth == model.AuthRequired) ||
		(a.Auth == model.AuthRequired && b.Auth == model.AuthOpen)

	// Product follows the winning verdict; an empty product never wins.
	pw, pl := win, lose
	if pw.Product == "" {
		pw, pl = lose, win
	}
	out.Product, out.ProductEvidence, out.Family = pw.Product, pw.ProductEvidence, pw.Family
	out.Version = pw.Version
	if pl.Product == pw.Product {
		// One product on both sides: keep the greatest version named, as
		// versions ("v1.28.3" beats "v1.9.0"), so that a record without a
		// version never erases one with it.
		out.Version = version.Greatest(pw.Version, pl.Version)
		if out.Family == "" {
			out.Family = pl.Family
		}
	}
	out.Honeypot = a.Honeypot | b.Honeypot

	out.Engines = a.Engines | b.Engines
	out.FirstSeen = Earliest(a.FirstSeen, b.FirstSeen)
	out.LastSeen = Latest(a.LastSeen, b.LastSeen)
	out.Hostnames = mergeNames(a.Hostnames, b.Hostnames)

	// Descriptive fields: a value beats no value, then the greater value
	// wins. Taking "the newer one" would not be associative (the merged
	// service's last-seen time is not the time of each field), and the
	// snapshot must not depend on merge order.
	out.Org = greater(a.Org, b.Org)
	out.Country = greater(a.Country, b.Country)
	out.City = greater(a.City, b.City)
	out.Title = greater(a.Title, b.Title)
	out.ASN = max(a.ASN, b.ASN)
	out.Cloud = betterCloud(a.Cloud, b.Cloud)
	return out
}

func verdictLess(a, b model.Service) bool {
	if x, y := weight(a.Auth), weight(b.Auth); x != y {
		return x < y
	}
	if x, y := a.Confidence == model.High, b.Confidence == model.High; x != y {
		return y
	}
	if !a.AuthSeenAt.Equal(b.AuthSeenAt) {
		return a.AuthSeenAt.Before(b.AuthSeenAt)
	}
	if a.Auth != b.Auth {
		return a.Auth == model.AuthOpen // auth_required beats open on a tie
	}
	if a.AuthEvidence != b.AuthEvidence {
		return a.AuthEvidence < b.AuthEvidence
	}
	if a.Product != b.Product {
		return a.Product < b.Product
	}
	return a.Version < b.Version
}

// weight ranks what a verdict says: evidence either way (open,
// auth_required) over an inference from defaults (likely_open) over
// nothing (unknown).
func weight(a model.Auth) int {
	switch a {
	case model.AuthOpen, model.AuthRequired:
		return 2
	case model.AuthLikelyOpen:
		return 1
	}
	return 0
}

func greater(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// CloudRank orders cloud tags by their source: 3 for an official range
// feed, 2 for the engine's own cloud field, 1 for the ASN table (or any
// other source), 0 for no provider. Merge keeps the tag of higher rank.
func CloudRank(t model.CloudTag) int {
	switch {
	case t.Provider == "":
		return 0
	case strings.HasPrefix(t.Source, "ranges:"):
		return 3
	case strings.HasPrefix(t.Source, "engine:"):
		return 2
	default:
		return 1
	}
}

func betterCloud(a, b model.CloudTag) model.CloudTag {
	ra, rb := CloudRank(a), CloudRank(b)
	switch {
	case ra > rb:
		return a
	case rb > ra:
		return b
	}
	if a.Region == "" && b.Region != "" {
		return b
	}
	if b.Region == "" && a.Region != "" {
		return a
	}
	if a.Provider+a.Region+a.Service+a.Source >= b.Provider+b.Region+b.Service+b.Source {
		return a
	}
	return b
}

func mergeNames(a, b []string) []string {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	if len(out) > MaxHostnames {
		out = out[:MaxHostnames]
	}
	return out
}

// Earliest returns the earlier of two times, a zero time meaning unknown:
// how Merge combines FirstSeen (and the store its service groups').
func Earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}

// Latest returns the later of two times: how Merge combines LastSeen.
func Latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// MinDecoyFamilies is the number of distinct product families on one
// address from which ManyFamilies calls the host a decoy. See
// ManyFamilies and docs/figures.md ("Honeypots and decoys").
const MinDecoyFamilies = 5

// GenericFamily is the family of products that other products embed
// (Swagger UI documentation pages), which ManyFamilies does not count.
const GenericFamily = "swagger"

// ManyFamilies reports whether the product families of a host's services
// (one entry per service, in any order, with repeats) are implausibly
// many for real panels: at least MinDecoyFamilies distinct families, not
// counting GenericFamily or an unknown family (""). This is the classic
// shape of a multi-service honeypot that answers as Kubernetes, Docker,
// Mesos, Portainer... on one address. Real hosts run several products of
// one family (a Kubernetes node's API server, kubelet, etcd and healthz
// are one family) and sometimes a management UI beside them (OpenShift,
// Argo CD, Portainer, Rancher: three or four families at most on a
// single-node lab); five unrelated families on one address is past that.
// It does not allocate, and reads each entry once.
func ManyFamilies(families []string) bool {
	var seen [MinDecoyFamilies]string
	n := 0
	for _, f := range families {
		if f == "" || f == GenericFamily || slices.Contains(seen[:n], f) {
			continue
		}
		seen[n] = f
		if n++; n == MinDecoyFamilies {
			return true
		}
	}
	return false
}
