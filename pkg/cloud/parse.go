package cloud

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/jsonscan"
)

// ParseAWS reads AWS's ip-ranges.json
// (https://ip-ranges.amazonaws.com/ip-ranges.json), IPv4 and IPv6. Region
// is the row's region ("GLOBAL" becomes "global"), Service its service,
// BorderGroup its network_border_group. The file lists a prefix once per
// service, AMAZON being the superset: a specific service wins over AMAZON,
// EC2 (where customers run their own services) over other services, then
// the alphabetically first, so the result does not depend on row order. Date is createDate's day, Token the
// syncToken.
func ParseAWS(r io.Reader) (*Feed, error) {
	f := &Feed{Provider: "aws", Format: "aws"}
	w := jsonscan.NewStream(r, clean)
	var d dedup
	in := interner{}
	type row struct {
		IPv4    string `json:"ip_prefix"`
		IPv6    string `json:"ipv6_prefix"`
		Region  string `json:"region"`
		Service string `json:"service"`
		NBG     string `json:"network_border_group"`
	}
	rows := func(key string) error {
		return w.Array(key, func(i int) error {
			var x row
			what := fmt.Sprintf("%s[%d]", key, i)
			if err := w.Decode(what, &x); err != nil {
				return err
			}
			s := x.IPv4
			if key == "ipv6_prefixes" {
				s = x.IPv6
			}
			p, err := parsePrefix(s)
			if err != nil {
				return w.Errorf("%s: %w", what, err)
			}
			if (key == "prefixes") != p.Addr().Is4() {
				return w.Errorf("%s: %s is in the wrong list", what, p)
			}
			d.add(Record{
				Prefix:      p,
				Region:      in.get(CanonicalRegion("aws", clean(x.Region))),
				Service:     in.get(clean(x.Service)),
				BorderGroup: in.get(clean(x.NBG)),
			}, awsBetter)
			return nil
		})
	}
	err := w.Object("document", func(key string) error {
		switch key {
		case "syncToken":
			return w.Decode(key, &f.Token)
		case "createDate":
			var s string
			if err := w.Decode(key, &s); err != nil {
				return err
			}
			f.Date = day(s, "2006-01-02-15-04-05")
			if f.Date == "" {
				return w.Errorf("createDate %q is not YYYY-MM-DD-hh-mm-ss", clean(s))
			}
			return nil
		case "prefixes", "ipv6_prefixes":
			return rows(key)
		}
		return w.Skip(key)
	})
	if err == nil {
		err = w.End()
	}
	return finish(f, d.recs, err)
}

// awsBetter says whether AWS row a should replace row b for the same
// prefix: a specific service over AMAZON, then EC2 (where customers run
// their own services) over other services, then alphabetical order.
func awsBetter(a, b *Record) bool {
	if (a.Service == "AMAZON") != (b.Service == "AMAZON") {
		return b.Service == "AMAZON"
	}
	if (a.Service == "EC2") != (b.Service == "EC2") {
		return a.Service == "EC2"
	}
	if a.Service != b.Service {
		return a.Service < b.Service
	}
	return a.Region < b.Region
}

// ParseGCP reads Google Cloud's cloud.json
// (https://www.gstatic.com/ipranges/cloud.json). Region is the row's scope
// ("global" for global addresses), Service its service. Date is
// creationTime's day, Token the syncToken.
func ParseGCP(r io.Reader) (*Feed, error) {
	f := &Feed{Provider: "gcp", Format: "gcp"}
	w := jsonscan.NewStream(r, clean)
	var d dedup
	in := interner{}
	err := w.Object("document", func(key string) error {
		switch key {
		case "syncToken":
			return w.Decode(key, &f.Token)
		case "creationTime":
			var s string
			if err := w.Decode(key, &s); err != nil {
				return err
			}
			f.Date = day(s, "2006-01-02T15:04:05")
			if f.Date == "" {
				return w.Errorf("creationTime %q is not an ISO 8601 time", clean(s))
			}
			return nil
		case "prefixes":
			return w.Array(key, func(i int) error {
				var x struct {
					IPv4    string `json:"ipv4Prefix"`
					IPv6    string `json:"ipv6Prefix"`
					Service string `json:"service"`
					Scope   string `json:"scope"`
				}
				what := fmt.Sprintf("prefixes[%d]", i)
				if err := w.Decode(what, &x); err != nil {
					return err
				}
				s := x.IPv4
				if s == "" {
					s = x.IPv6
				}
				p, err := parsePrefix(s)
				if err != nil {
					return w.Errorf("%s: %w", what, err)
				}
				d.add(Record{
					Prefix:  p,
					Region:  in.get(CanonicalRegion("gcp", clean(x.Scope))),
					Service: in.get(clean(x.Service)),
				}, func(a, b *Record) bool { return a.Region < b.Region })
				return nil
			})
		}
		return w.Skip(key)
	})
	if err == nil {
		err = w.End()
	}
	return finish(f, d.recs, err)
}

// ParseAzure reads an Azure ServiceTags_Public_YYYYMMDD.json file, IPv4 and
// IPv6, one tag at a time. Region is the tag's properties.region (regional
// tags such as AzureCloud.westeurope or Storage.WestEurope), Service its
// systemService, or the tag's name before the dot when that is empty
// (AzureCloud). A prefix listed by several tags takes a regional tag over
// a global one, then a tag with a system service over one without, then
// the alphabetically first tag name. Token is the file's changeNumber; the
// file holds no date (LoadDir takes it from a YYYYMMDD in the file name).
func ParseAzure(r io.Reader) (*Feed, error) {
	f := &Feed{Provider: "azure", Format: "azure"}
	w := jsonscan.NewStream(r, clean)
	var d dedup
	in := interner{}
	// meta keeps, per record index, the tag that gave it, for the
	// tie-break between tags listing the same prefix.
	type tagMeta struct {
		name string
		sys  bool // the tag has a systemService
	}
	var meta []tagMeta // parallel to d.recs
	better := func(a *Record, am tagMeta, b *Record, bm tagMeta) bool {
		if (a.Region != "") != (b.Region != "") {
			return a.Region != ""
		}
		if am.sys != bm.sys {
			return am.sys
		}
		return am.name < bm.name
	}
	err := w.Object("document", func(key string) error {
		switch key {
		case "changeNumber":
			var n json.Number
			if err := w.Decode(key, &n); err != nil {
				return err
			}
			f.Token = n.String()
			return nil
		case "values":
			return w.Array(key, func(i int) error {
				var x struct {
					Name       string `json:"name"`
					Properties struct {
						Region          string     `json:"region"`
						SystemService   string     `json:"systemService"`
						AddressPrefixes prefixList `json:"addressPrefixes"`
					} `json:"properties"`
				}
				what := fmt.Sprintf("values[%d]", i)
				if err := w.Decode(what, &x); err != nil {
					return err
				}
				name := in.get(clean(x.Name))
				svc := clean(x.Properties.SystemService)
				m := tagMeta{name: name, sys: svc != ""}
				if svc == "" {
					svc = serviceBase(name)
				}
				region := in.get(CanonicalRegion("azure", clean(x.Properties.Region)))
				svc = in.get(svc)
				if x.Properties.AddressPrefixes.err != nil {
					return w.Errorf("%s (%s) addressPrefixes%w", what, name, x.Properties.AddressPrefixes.err)
				}
				for _, p := range x.Properties.AddressPrefixes.list {
					rec := Record{Prefix: p, Region: region, Service: svc}
					k, seen := d.idx[p]
					if !seen {
						meta = append(meta, m)
						d.add(rec, nil)
						continue
					}
					if better(&rec, m, &d.recs[k], meta[k]) {
						d.recs[k] = rec
						meta[k] = m
					}
				}
				return nil
			})
		}
		return w.Skip(key)
	})
	if err == nil {
		err = w.End()
	}
	return finish(f, d.recs, err)
}

// serviceBase returns an Azure tag name up to its first dot
// ("AzureCloud.westeurope" → "AzureCloud").
func serviceBase(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}

// ParseOracle reads Oracle Cloud's public_ip_ranges.json
// (https://docs.oracle.com/iaas/tools/public_ip_ranges.json). Region is
// regions[].region, Service the CIDR's tags joined with "+" (OCI,
// OBJECT_STORAGE, OSN). Date is last_updated_timestamp's day.
func ParseOracle(r io.Reader) (*Feed, error) {
	f := &Feed{Provider: "oracle", Format: "oracle"}
	w := jsonscan.NewStream(r, clean)
	var d dedup
	in := interner{}
	err := w.Object("document", func(key string) error {
		switch key {
		case "last_updated_timestamp":
			var s string
			if err := w.Decode(key, &s); err != nil {
				return err
			}
			f.Date = day(s, "2006-01-02T15:04:05")
			if f.Date == "" {
				return w.Errorf("last_updated_timestamp %q is not an ISO 8601 time", clean(s))
			}
			return nil
		case "regions":
			return w.Array(key, func(i int) error {
				var x struct {
					Region string `json:"region"`
					CIDRs  []struct {
						CIDR string   `json:"cidr"`
						Tags []string `json:"tags"`
					} `json:"cidrs"`
				}
				what := fmt.Sprintf("regions[%d]", i)
				if err := w.Decode(what, &x); err != nil {
					return err
				}
				region := in.get(CanonicalRegion("oracle", clean(x.Region)))
				for j, c := range x.CIDRs {
					p, err := parsePrefix(c.CIDR)
					if err != nil {
						return w.Errorf("%s (%s) cidrs[%d]: %w", what, region, j, err)
					}
					tags := make([]string, 0, len(c.Tags))
					for _, t := range c.Tags {
						tags = append(tags, clean(t))
					}
					d.add(Record{Prefix: p, Region: region, Service: in.get(clean(strings.Join(tags, "+")))},
						func(a, b *Record) bool { return a.Region < b.Region })
				}
				return nil
			})
		}
		return w.Skip(key)
	})
	if err == nil {
		err = w.End()
	}
	return finish(f, d.recs, err)
}

// ParseGeofeed reads an RFC 8805 geofeed in CSV
// (prefix,country,subdivision,city,postal), as DigitalOcean and Linode
// publish them, for the named provider. Lines starting with '#' are
// comments; Linode's "# Last modified: 2025-07-24 ..." gives Date. Region
// is the provider's region code where the city maps to one (see
// GeoRegion), else the city. A malformed line is an error naming the line.
func ParseGeofeed(r io.Reader, provider string) (*Feed, error) {
	f := &Feed{Provider: provider, Format: "geofeed"}
	var d dedup
	in := interner{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if text == "" {
			continue
		}
		if text[0] == '#' {
			if rest, ok := strings.CutPrefix(text, "# Last modified:"); ok && f.Date == "" {
				f.Date = day(strings.TrimSpace(rest), "2006-01-02")
			}
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) < 2 {
			return nil, fmt.Errorf("line %d: want prefix,country,subdivision,city,postal; found %d field(s)", line, len(fields))
		}
		p, err := parsePrefix(fields[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		get := func(i int) string {
			if i < len(fields) {
				return clean(fields[i])
			}
			return ""
		}
		rec := Record{Prefix: p, Country: in.get(strings.ToUpper(get(1))), Subdivision: in.get(strings.ToUpper(get(2))), City: in.get(get(3))}
		rec.Region = in.get(GeoRegion(provider, rec.Country, rec.City))
		d.add(rec, nil)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return finish(f, d.recs, nil)
}

// ParseVultr reads Vultr's JSON geofeed (https://geofeed.constant.com/?json):
// subnets[] with ip_prefix, alpha2code, region (ISO 3166-2), city. Region is
// Vultr's location code where the city maps to one, else the city. Date is
// "updated"'s day as written.
func ParseVultr(r io.Reader) (*Feed, error) {
	f := &Feed{Provider: "vultr", Format: "vultr"}
	w := jsonscan.NewStream(r, clean)
	var d dedup
	in := interner{}
	err := w.Object("document", func(key string) error {
		switch key {
		case "updated":
			var s string
			if err := w.Decode(key, &s); err != nil {
				return err
			}
			f.Date = day(s, time.RFC3339)
			if f.Date == "" {
				return w.Errorf("updated %q is not an RFC 3339 time", clean(s))
			}
			return nil
		case "subnets":
			return w.Array(key, func(i int) error {
				var x struct {
					Prefix  string `json:"ip_prefix"`
					Country string `json:"alpha2code"`
					Region  string `json:"region"`
					City    string `json:"city"`
				}
				what := fmt.Sprintf("subnets[%d]", i)
				if err := w.Decode(what, &x); err != nil {
					return err
				}
				p, err := parsePrefix(x.Prefix)
				if err != nil {
					return w.Errorf("%s: %w", what, err)
				}
				rec := Record{Prefix: p, Country: in.get(strings.ToUpper(clean(x.Country))), Subdivision: in.get(strings.ToUpper(clean(x.Region))), City: in.get(clean(x.City))}
				rec.Region = in.get(GeoRegion("vultr", rec.Country, rec.City))
				d.add(rec, nil)
				return nil
			})
		}
		return w.Skip(key)
	})
	if err == nil {
		err = w.End()
	}
	return finish(f, d.recs, err)
}

// ParseList reads a plain list of prefixes, one per line, such as
// Cloudflare's ips-v4 and ips-v6, for the named provider. Blank lines and
// '#' comments are skipped; anything else must be a prefix. The records
// carry no region.
func ParseList(r io.Reader, provider string) (*Feed, error) {
	f := &Feed{Provider: provider, Format: "list"}
	var d dedup
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		p, err := parsePrefix(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		d.add(Record{Prefix: p}, nil)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return finish(f, d.recs, nil)
}

func finish(f *Feed, recs []Record, err error) (*Feed, error) {
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			var pe *jsonscan.PosError
			if errors.As(err, &pe) {
				pe.Err = fmt.Errorf("%w (the file is truncated)", pe.Err)
				return nil, err
			}
			return nil, fmt.Errorf("%w (the file is truncated)", err)
		}
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errNoPrefixes
	}
	if err := BoundsOf(f.Provider).check(f.Provider, recs); err != nil {
		return nil, err
	}
	f.Token = clean(f.Token)
	if f.Token != "" {
		if _, err := strconv.ParseUint(f.Token, 10, 64); err != nil {
			return nil, fmt.Errorf("sync token %q is not a number", f.Token)
		}
	}
	f.Records = recs
	return f, nil
}

// day returns the YYYY-MM-DD day of s read with layout (extra fractional
// seconds allowed), or "" when s does not parse.
func day(s, layout string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 && layout != time.RFC3339 {
		s = s[:i]
	}
	if len(s) > len(layout)+10 {
		return ""
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		if layout == "2006-01-02" && len(s) >= 10 {
			if t2, err2 := time.Parse(layout, s[:10]); err2 == nil {
				return t2.Format("2006-01-02")
			}
		}
		return ""
	}
	return t.Format("2006-01-02")
}

// prefixList decodes a JSON array of CIDR strings straight into prefixes,
// without a string per element (Azure lists 100,000 of them). A bad
// element is kept in err, with its index, so that the caller can name the
// tag.
type prefixList struct {
	list []netip.Prefix
	err  error
}

// UnmarshalJSON implements json.Unmarshaler.
func (l *prefixList) UnmarshalJSON(b []byte) error {
	l.list, l.err = l.list[:0], nil
	if string(b) == "null" {
		return nil
	}
	var strs []string
	if bytes.IndexByte(b, '\\') >= 0 { // escapes: let encoding/json unquote
		if err := json.Unmarshal(b, &strs); err != nil {
			return err
		}
	} else {
		b = bytes.TrimSpace(b)
		if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
			return fmt.Errorf("addressPrefixes: not an array")
		}
		for rest := b[1 : len(b)-1]; ; {
			rest = bytes.TrimLeft(rest, " \t\r\n,")
			if len(rest) == 0 {
				break
			}
			if rest[0] != '"' {
				return fmt.Errorf("addressPrefixes[%d]: not a string", len(strs))
			}
			end := bytes.IndexByte(rest[1:], '"')
			if end < 0 {
				return fmt.Errorf("addressPrefixes[%d]: unterminated string", len(strs))
			}
			if p, ok := parseV4Bytes(rest[1 : 1+end]); ok {
				l.list = append(l.list, p)
			} else {
				strs = append(strs, string(rest[1:1+end]))
				// keep the order of prefixes: parse what came so far later
				l.list = append(l.list, netip.Prefix{})
			}
			rest = rest[2+end:]
		}
	}
	if len(l.list) == 0 { // escaped input: every element is in strs
		l.list = make([]netip.Prefix, len(strs))
	}
	j := 0
	for i := range l.list {
		if l.list[i].IsValid() {
			continue
		}
		p, err := parsePrefix(strs[j])
		if err != nil {
			l.err = fmt.Errorf("[%d]: %w", i, err)
			return nil
		}
		l.list[i] = p
		j++
	}
	return nil
}

// parseV4Bytes parses a canonical IPv4 CIDR ("20.42.0.0/17") without
// allocating; ok is false for anything else (IPv6, leading zeros, bad
// values), which the caller then parses with netip and its error
// messages.
func parseV4Bytes(b []byte) (netip.Prefix, bool) {
	var a [4]byte
	i := 0
	for k := 0; k < 4; k++ {
		n, d := 0, 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if d > 0 && n == 0 { // leading zero
				return netip.Prefix{}, false
			}
			n = n*10 + int(b[i]-'0')
			d++
			i++
		}
		if d == 0 || d > 3 || n > 255 {
			return netip.Prefix{}, false
		}
		a[k] = byte(n)
		want := byte('.')
		if k == 3 {
			want = '/'
		}
		if i >= len(b) || b[i] != want {
			return netip.Prefix{}, false
		}
		i++
	}
	bits, d := 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if d > 0 && bits == 0 {
			return netip.Prefix{}, false
		}
		bits = bits*10 + int(b[i]-'0')
		d++
	}
	if i != len(b) || d == 0 || d > 2 || bits > 32 || bits < BroadestV4 {
		return netip.Prefix{}, false // a broad prefix gets parsePrefix's error
	}
	return netip.PrefixFrom(netip.AddrFrom4(a), bits).Masked(), true
}
