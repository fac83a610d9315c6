package normalize

import (
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// MaxHostnames caps the hostnames kept per service.
const MaxHostnames = 16

// Service builds the service that one classified observation describes.
func Service(o *model.Observation, c model.Classification, tag model.CloudTag) model.Service {
	s := model.Service{
		Key:             o.Key(),
		Product:         c.Product,
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
	out.Product, out.ProductEvidence = pw.Product, pw.ProductEvidence
	out.Version = pw.Version
	if pl.Product == pw.Product && pl.Version > out.Version {
		// One product on both sides: keep the greatest version named, so
		// that a record without a version never erases one with it.
		out.Version = pl.Version
	}

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
	if x, y := definite(a.Auth), definite(b.Auth); x != y {
		return y
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

func definite(a model.Auth) bool { return a == model.AuthOpen || a == model.AuthRequired }

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
