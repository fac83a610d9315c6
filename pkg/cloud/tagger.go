package cloud

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/orchex/orchex/pkg/model"
)

// Tagger tags observations with provider, region and service. Precedence:
// the official feeds (Ranges) first, then the engine's own cloud field,
// then the ASN table. It counts the tags each source gave and the
// disagreements between sources, for the report's method section. A
// Tagger is safe for concurrent use.
type Tagger struct {
	ranges *Ranges
	asn    map[uint32]string

	fromRanges, fromEngine, fromASN, untagged atomic.Int64

	mu    sync.Mutex
	count map[disKey]int
}

// NewTagger returns a Tagger over r; r may be nil (no feeds), and tags
// then come from the engine and the ASN only.
func NewTagger(r *Ranges) *Tagger {
	return &Tagger{ranges: r, asn: asnProviders(), count: map[disKey]int{}}
}

// Disagreement counts observations where two sources named different
// providers, or the same provider but different regions. Kept is the value
// of the source that takes precedence, Other the value it overrode.
type Disagreement struct {
	Sources string // "ranges/engine", "ranges/asn" or "engine/asn"
	Field   string // "provider" or "region"
	Kept    string // e.g. "aws", or "aws us-east-1" for regions
	Other   string // e.g. "azure"
	Count   int
}

type disKey struct{ sources, field, kept, other string }

// TagStats counts the tags a Tagger gave, by source.
type TagStats struct {
	Ranges   int64 // tagged from an official feed
	Engine   int64 // from the engine's cloud field
	ASN      int64 // from the ASN table
	Untagged int64
}

// Stats returns the counts of tags by source so far.
func (t *Tagger) Stats() TagStats {
	return TagStats{t.fromRanges.Load(), t.fromEngine.Load(), t.fromASN.Load(), t.untagged.Load()}
}

// Disagreements returns the disagreements counted so far, most frequent
// first, then by sources, field and values.
func (t *Tagger) Disagreements() []Disagreement {
	t.mu.Lock()
	out := make([]Disagreement, 0, len(t.count))
	for k, n := range t.count {
		out = append(out, Disagreement{k.sources, k.field, k.kept, k.other, n})
	}
	t.mu.Unlock()
	slices.SortFunc(out, func(a, b Disagreement) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Sources, b.Sources), cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Kept, b.Kept), cmp.Compare(a.Other, b.Other))
	})
	return out
}

// DisagreementCount is the number of times the sources disagreed, the
// sum of Disagreements' counts (a snapshot's method records it); 0 for a
// nil Tagger.
func (t *Tagger) DisagreementCount() int {
	if t == nil {
		return 0
	}
	n := 0
	for _, d := range t.Disagreements() {
		n += d.Count
	}
	return n
}

// Tag returns the cloud tag of o's address. Source is
// "ranges:<provider>@<feed date>" (without "@<date>" for a feed that has
// no date), "engine:<engine>", "asn:<number>", or "" when no source knows
// the address. Engine strings are reduced to canonical ids (see
// CanonicalProvider and CanonicalRegion).
func (t *Tagger) Tag(o *model.Observation) model.CloudTag {
	var feed, eng, asn model.CloudTag
	if m, ok := t.ranges.Lookup(o.Addr); ok {
		src := "ranges:" + m.Provider
		if m.FeedDate != "" {
			src += "@" + m.FeedDate
		}
		feed = model.CloudTag{Provider: m.Provider, Region: m.Region, Service: m.Service, Source: src}
	}
	if p := CanonicalProvider(o.Cloud.Provider); p != "" {
		e := slug(string(o.Engine), 16)
		if e == "" {
			e = "unknown"
		}
		eng = model.CloudTag{Provider: p, Region: CanonicalRegion(p, o.Cloud.Region), Service: clean(o.Cloud.Service), Source: "engine:" + e}
	}
	if p := t.asn[o.ASN]; p != "" && o.ASN != 0 {
		asn = model.CloudTag{Provider: p, Source: "asn:" + strconv.FormatUint(uint64(o.ASN), 10)}
	}
	t.compare("ranges/engine", &feed, &eng)
	t.compare("ranges/asn", &feed, &asn)
	if feed.Provider == "" {
		t.compare("engine/asn", &eng, &asn)
	}
	switch {
	case feed.Provider != "":
		t.fromRanges.Add(1)
		return feed
	case eng.Provider != "":
		t.fromEngine.Add(1)
		return eng
	case asn.Provider != "":
		t.fromASN.Add(1)
		return asn
	}
	t.untagged.Add(1)
	return model.CloudTag{}
}

// compare counts a disagreement between a (kept) and b.
func (t *Tagger) compare(sources string, a, b *model.CloudTag) {
	if a.Provider == "" || b.Provider == "" {
		return
	}
	var k disKey
	switch {
	case a.Provider != b.Provider:
		k = disKey{sources, "provider", a.Provider, b.Provider}
	case !regionsAgree(a.Region, b.Region):
		k = disKey{sources, "region", a.Provider + " " + a.Region, b.Provider + " " + b.Region}
	default:
		return
	}
	t.mu.Lock()
	t.count[k]++
	t.mu.Unlock()
}

// regionsAgree reports whether two region codes of the same provider can
// be the same place: equal, either unknown or global, or one a datacenter
// of the other ("nyc" and "nyc3").
func regionsAgree(a, b string) bool {
	if a == b || a == "" || b == "" || a == "global" || b == "global" {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b) <= len(a) || b[:len(a)] != a {
		return false
	}
	for i := len(a); i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return true
}
