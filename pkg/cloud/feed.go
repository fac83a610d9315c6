package cloud

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Record is one prefix of a feed with what the feed says about it. Fields
// a feed does not carry are "".
type Record struct {
	Prefix      netip.Prefix // masked
	Region      string       // provider's region code, or the city for geofeeds without a mapping
	Service     string       // AWS service, Azure system service or tag, GCP service, Oracle tag
	BorderGroup string       // AWS network_border_group
	Country     string       // ISO 3166-1 alpha-2 (geofeeds)
	Subdivision string       // ISO 3166-2 (geofeeds)
	City        string       // geofeeds
}

// Feed is one parsed range file. Records holds one record per distinct
// prefix: rows of the file that repeat a prefix are resolved by the
// loader's rule (see each Parse function).
type Feed struct {
	Provider string // canonical provider id: aws, gcp, azure, ...
	Format   string // aws, gcp, azure, oracle, geofeed, vultr, list
	File     string // base name of the file it was read from, "" if none
	Date     string // the feed's own date, YYYY-MM-DD, "" if it has none
	Token    string // the feed's sync token or change number, "" if none
	Records  []Record
}

// Count returns the number of IPv4 and IPv6 prefixes in f.
func (f *Feed) Count() (v4, v6 int) {
	for i := range f.Records {
		if f.Records[i].Prefix.Addr().Is4() {
			v4++
		} else {
			v6++
		}
	}
	return v4, v6
}

// FeedError reports a feed file that could not be read or parsed.
type FeedError struct {
	File   string // file name or URL
	Format string // format it was read as, "" when not recognised
	Err    error
}

// Error returns "cloud: feed FILE: FORMAT feed: what is wrong".
func (e *FeedError) Error() string {
	if e.Format != "" {
		return "cloud: feed " + e.File + ": " + e.Format + " feed: " + e.Err.Error()
	}
	return "cloud: feed " + e.File + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *FeedError) Unwrap() error { return e.Err }

// maxFeedBytes caps the size of one feed file before its provider is
// known (the largest, Azure's, is about 4.4 MB); Bounds sets each
// provider's own, lower, cap.
const maxFeedBytes = 64 << 20

// The broadest prefix a feed may list, per family: no provider announces
// more than a /8 of IPv4 (the real feeds' broadest is AWS's /11) or a /20
// of IPv6 (Cloudflare's /29), so a broader one is an error or an attack
// (a Cloudflare list holding 0.0.0.0/0 tagged every address Cloudflare).
const (
	BroadestV4 = 8
	BroadestV6 = 20
)

// Bounds are what a provider's feed file may plausibly hold: about ten
// times what the published feeds held in 2026 (docs/cloud.md). A feed
// beyond them is refused as a whole, like a malformed one, so that a
// broken or hostile file cannot claim a large part of the internet for
// one provider or exhaust memory.
type Bounds struct {
	MaxBytes    int64  // size of the file
	MaxPrefixes int    // distinct prefixes
	MaxAddrs4   uint64 // IPv4 addresses covered (a nested prefix counts again)
	MaxBlocks6  uint64 // IPv6 /32 blocks covered, in /64 units (2^32 a block)
}

// BoundsOf returns the bounds of provider's feed; a provider orchex has no
// figures for gets the largest (AWS's).
func BoundsOf(provider string) Bounds {
	const block6 = 1 << 32 // /64s in a /32
	switch provider {
	case Azure: // 4.4 MB, 56,725 prefixes, 51 million IPv4 addresses
		return Bounds{48 << 20, 500_000, 1 << 28, 64 * block6}
	case GCP: // 96 KB, 937 prefixes, 17 million
		return Bounds{8 << 20, 50_000, 1 << 27, 64 * block6}
	case Oracle: // 155 KB, 896 prefixes, 3.7 million
		return Bounds{8 << 20, 50_000, 1 << 25, 64 * block6}
	case DigitalOcean: // 51 KB, 1,182 prefixes, 3 million
		return Bounds{8 << 20, 50_000, 1 << 25, 64 * block6}
	case Linode: // 160 KB, 4,552 prefixes, 1.1 million, 33 /32s
		return Bounds{8 << 20, 100_000, 1 << 24, 256 * block6}
	case Vultr: // 82 KB, 513 prefixes, 1 million
		return Bounds{8 << 20, 50_000, 1 << 24, 64 * block6}
	case Cloudflare: // 230 B, 15 prefixes, 1.5 million; 7 prefixes, 14 /32s
		return Bounds{64 << 10, 1_000, 1 << 23, 128 * block6}
	}
	// AWS: 2.6 MB, 11,013 prefixes, 102 million addresses, 21 /32s
	return Bounds{32 << 20, 200_000, 1 << 29, 256 * block6}
}

// check refuses a feed outside its provider's bounds.
func (b Bounds) check(provider string, recs []Record) error {
	if len(recs) > b.MaxPrefixes {
		return fmt.Errorf("%d prefixes, more than the %d plausible for the %s feed", len(recs), b.MaxPrefixes, provider)
	}
	var v4, v6 uint64
	for i := range recs {
		p := recs[i].Prefix
		if p.Addr().Is4() {
			v4 += 1 << (32 - p.Bits())
		} else {
			v6 += 1 << (64 - min(p.Bits(), 64))
		}
	}
	if v4 > b.MaxAddrs4 {
		return fmt.Errorf("its prefixes cover %d IPv4 addresses, more than the %d plausible for the %s feed (a list that claims much of the internet)",
			v4, b.MaxAddrs4, provider)
	}
	if v6 > b.MaxBlocks6 {
		return fmt.Errorf("its prefixes cover %.1f IPv6 /32 blocks, more than the %d plausible for the %s feed",
			float64(v6)/(1<<32), b.MaxBlocks6>>32, provider)
	}
	return nil
}

// maxField caps the length of a string taken from a feed.
const maxField = 64

// errNoPrefixes is returned by loaders for a file that parsed but held no
// prefix at all.
var errNoPrefixes = errors.New("no prefixes (is this the right file?)")

// clean makes a feed string safe to store and display: invalid UTF-8,
// control and bidi characters are dropped, space is trimmed and the length
// capped at maxField bytes on a rune boundary.
func clean(s string) string {
	ok := len(s) <= maxField
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			ok = false
		}
	}
	if ok {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if (r == utf8.RuneError && n == 1) || unicode.IsControl(r) || isBidi(r) {
			continue
		}
		if b.Len()+utf8.RuneLen(r) > maxField {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func isBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// parsePrefix parses a CIDR from a feed and masks it. A bare address is a
// host prefix. IPv4-mapped IPv6 prefixes and zones are refused.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" || a.Is4In6() {
			return netip.Prefix{}, fmt.Errorf("bad prefix %q", clean(s))
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("bad prefix %q", clean(s))
	}
	return broad(p.Masked())
}

// broad refuses a prefix broader than its family's limit.
func broad(p netip.Prefix) (netip.Prefix, error) {
	if p.Addr().Is4() && p.Bits() < BroadestV4 {
		return netip.Prefix{}, fmt.Errorf("prefix %s is broader than /%d, the broadest an IPv4 feed may list", p, BroadestV4)
	}
	if p.Addr().Is6() && p.Bits() < BroadestV6 {
		return netip.Prefix{}, fmt.Errorf("prefix %s is broader than /%d, the broadest an IPv6 feed may list", p, BroadestV6)
	}
	return p, nil
}

// dedup keeps one record per prefix, choosing with better(a, b) (true when
// a should replace b), and keeps the first-seen order.
type dedup struct {
	idx  map[netip.Prefix]int
	recs []Record
}

func (d *dedup) add(r Record, better func(a, b *Record) bool) {
	if d.idx == nil {
		d.idx = make(map[netip.Prefix]int)
	}
	if i, ok := d.idx[r.Prefix]; ok {
		if better != nil && better(&r, &d.recs[i]) {
			d.recs[i] = r
		}
		return
	}
	d.idx[r.Prefix] = len(d.recs)
	d.recs = append(d.recs, r)
}

// interner shares identical strings between records to keep a loaded set
// small (Azure repeats its region and service names tens of thousands of
// times).
type interner map[string]string

func (in interner) get(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}
