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

// maxFeedBytes caps the size of one feed file (the largest, Azure's, is
// about 4.4 MB).
const maxFeedBytes = 64 << 20

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
	return p.Masked(), nil
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
