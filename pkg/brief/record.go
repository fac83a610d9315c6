package brief

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Change says how a service of a briefing changed since the earlier
// snapshot, from the scope's point of view: the diff of the two
// snapshots restricted to the scope.
type Change uint8

// The changes of a service.
const (
	// Unchanged is every service of a briefing without an earlier
	// snapshot.
	Unchanged Change = iota
	// New is a service in the scope now that was not in it then (not in
	// the earlier snapshot, or not in the scope there).
	New
	// Persisting is a service in the scope in both snapshots.
	Persisting
	// Gone is a service in the scope then that is not in it now.
	Gone
)

// String returns "new", "persisting", "gone" or "".
func (c Change) String() string {
	switch c {
	case New:
		return "new"
	case Persisting:
		return "persisting"
	case Gone:
		return "gone"
	}
	return ""
}

// record is one service of one scope's briefing: the service as the
// snapshot has it (the earlier snapshot's, for a gone service), how it
// changed, and its auth verdict in the earlier snapshot (persisting
// services only). The record keeps the verdict (open, likely_open,
// auth_required or unknown: authCode) and the honeypot flags.
type record struct {
	change Change
	before model.Auth
	svc    model.Service
}

// errCorrupt means a spill file does not decode: it was changed or cut
// while the briefing was made.
var errCorrupt = errors.New("brief: spill file is corrupt")

// appendRecord appends the binary form of r to dst: a length prefix,
// then every field a briefing shows, strings length-prefixed.
func appendRecord(dst []byte, r *record) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0) // length, filled below
	s := &r.svc
	dst = append(dst, byte(r.change), authCode(r.before), authCode(s.Auth), confCode(s.Confidence), byte(s.Engines), byte(s.Honeypot))
	if s.AuthConflict {
		dst = append(dst, 1)
	} else {
		dst = append(dst, 0)
	}
	a := s.Addr.Unmap().WithZone("")
	if a.Is4() {
		b := a.As4()
		dst = append(append(dst, 4), b[:]...)
	} else {
		b := a.As16()
		dst = append(append(dst, 6), b[:]...)
	}
	dst = binary.BigEndian.AppendUint16(dst, s.Port)
	dst = binary.AppendUvarint(dst, uint64(s.ASN))
	dst = appendTime(dst, s.FirstSeen)
	dst = appendTime(dst, s.LastSeen)
	for _, x := range []string{s.Transport, s.Product, s.ProductEvidence, s.Version, s.AuthEvidence, s.Org, s.Country,
		s.City, s.Title, s.Cloud.Provider, s.Cloud.Region, s.Cloud.Service, s.Cloud.Source} {
		dst = appendString(dst, x)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s.Hostnames)))
	for _, h := range s.Hostnames {
		dst = appendString(dst, h)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendTime(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, 0)
	}
	dst = append(dst, 1)
	dst = binary.AppendVarint(dst, t.Unix())
	return binary.AppendUvarint(dst, uint64(t.Nanosecond()))
}

// decoder reads the fields of one record body. Strings are slices of
// one copy of the body (str), so that a record costs one allocation for
// all its strings.
type decoder struct {
	b   []byte
	str string // the body, as a string
	off int    // offset of b in str
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) bytes(n int) []byte {
	if len(d.b) < n {
		d.fail()
		return make([]byte, n)
	}
	out := d.b[:n]
	d.b = d.b[n:]
	d.off += n
	return out
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	d.off += n
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	start := d.off
	d.bytes(int(n))
	if d.err != nil {
		return ""
	}
	return d.str[start : start+int(n)]
}

func (d *decoder) time() time.Time {
	if d.bytes(1)[0] == 0 {
		return time.Time{}
	}
	sec := d.varint()
	nsec := d.uvarint()
	if nsec >= 1e9 {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

// decodeRecord decodes a record body (without its length prefix) into r.
func decodeRecord(body []byte, r *record) error {
	d := decoder{b: body, str: string(body)}
	h := d.bytes(7)
	r.change = Change(h[0])
	r.before = authOf(h[1])
	s := &r.svc
	*s = model.Service{Auth: authOf(h[2]), Confidence: confOf(h[3]), Engines: model.Engines(h[4]), Honeypot: model.Honeypot(h[5]),
		AuthConflict: h[6] == 1}
	switch fam := d.bytes(1)[0]; fam {
	case 4:
		s.Addr = netip.AddrFrom4([4]byte(d.bytes(4)))
	case 6:
		s.Addr = netip.AddrFrom16([16]byte(d.bytes(16)))
	default:
		d.fail()
	}
	s.Port = binary.BigEndian.Uint16(d.bytes(2))
	asn := d.uvarint()
	if asn > 1<<32-1 {
		d.fail()
	}
	s.ASN = uint32(asn)
	s.FirstSeen = d.time()
	s.LastSeen = d.time()
	for _, p := range []*string{&s.Transport, &s.Product, &s.ProductEvidence, &s.Version, &s.AuthEvidence, &s.Org, &s.Country,
		&s.City, &s.Title, &s.Cloud.Provider, &s.Cloud.Region, &s.Cloud.Service, &s.Cloud.Source} {
		*p = d.string()
	}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		n = 0
	}
	if n > 0 {
		s.Hostnames = make([]string, n)
		for i := range s.Hostnames {
			s.Hostnames[i] = d.string()
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return fmt.Errorf("%w (record of %d bytes)", d.err, len(body))
	}
	return nil
}

func authCode(a model.Auth) byte {
	switch a {
	case model.AuthOpen:
		return 1
	case model.AuthRequired:
		return 2
	case model.AuthUnknown:
		return 3
	case model.AuthLikelyOpen:
		return 4
	}
	return 0
}

func authOf(b byte) model.Auth {
	switch b {
	case 1:
		return model.AuthOpen
	case 2:
		return model.AuthRequired
	case 3:
		return model.AuthUnknown
	case 4:
		return model.AuthLikelyOpen
	}
	return ""
}

func confCode(c model.Confidence) byte {
	switch c {
	case model.High:
		return 1
	case model.Low:
		return 2
	}
	return 0
}

func confOf(b byte) model.Confidence {
	switch b {
	case 1:
		return model.High
	case 2:
		return model.Low
	}
	return ""
}
