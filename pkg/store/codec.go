package store

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// timeFormat is how times are stored: UTC, fixed width, so that text
// order is time order and sqlite3's date functions read them.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// timeArg returns t as stored, or nil (NULL) for the zero time.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// formatTime is t.UTC().Format(timeFormat), written digit by digit: it
// runs four times per stored banner, and Format was 3% of an import.
func formatTime(t time.Time) string {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format(timeFormat)
	}
	h, mi, s := t.Clock()
	var b [len(timeFormat)]byte
	put := func(at, v, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = 'T'
	put(11, h, 2)
	b[13] = ':'
	put(14, mi, 2)
	b[16] = ':'
	put(17, s, 2)
	b[19] = '.'
	put(20, t.Nanosecond(), 9)
	b[29] = 'Z'
	return string(b[:])
}

func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	if t, ok := parseFixedTime(s.String); ok {
		return t, nil
	}
	t, err := time.Parse(timeFormat, s.String)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// parseFixedTime parses timeFormat without the generality (and the cost)
// of time.Parse; ok is false when s is not exactly in that form.
func parseFixedTime(s string) (t time.Time, ok bool) {
	// 2006-01-02T15:04:05.000000000Z
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, j int) int {
		n := 0
		for ; i < j; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	ok = true
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, nsec := num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if !ok || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 April and the like: let time.Parse say why
		return time.Time{}, false
	}
	return t, true
}

// addrLen is the stored address length: family byte + 16 bytes.
const addrLen = 17

// normAddr is the address as stored: IPv4-mapped IPv6 addresses become
// IPv4 (they are the same host) and zones are dropped.
func normAddr(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

// appendAddr appends the 17-byte stored form of a: 4 or 6, then As16.
// Byte order equals netip.Addr.Compare order for zone-less addresses.
func appendAddr(dst []byte, a netip.Addr) []byte {
	fam := byte(6)
	if a.Is4() {
		fam = 4
	}
	b := a.As16()
	dst = append(dst, fam)
	return append(dst, b[:]...)
}

func decodeAddr(b []byte) (netip.Addr, error) {
	if len(b) != addrLen || (b[0] != 4 && b[0] != 6) {
		return netip.Addr{}, fmt.Errorf("bad stored address %x", b)
	}
	a := netip.AddrFrom16([16]byte(b[1:]))
	if b[0] == 4 {
		a = a.Unmap()
	}
	return a, nil
}

// enginesText is the stored form of an engine set: names in model order,
// comma separated ("shodan,censys").
func enginesText(e model.Engines) string {
	var b strings.Builder
	for i, x := range e.List() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(x))
	}
	return b.String()
}

func parseEngines(s string) model.Engines {
	var e model.Engines
	for s != "" {
		var name string
		name, s, _ = strings.Cut(s, ",")
		e |= model.EngineBit(model.Engine(name))
	}
	return e
}

// hostnamesJSON is json.Marshal(h), "[]" for none. Names of printable
// ASCII that encoding/json would not escape (every real host name) are
// written as they are; json.Marshal was 4% of an import's allocations.
func hostnamesJSON(h []string) (string, error) {
	if len(h) == 0 {
		return "[]", nil
	}
	n := 1
	for _, s := range h {
		if !plainJSON(s) {
			b, err := json.Marshal(h)
			return string(b), err
		}
		n += len(s) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range h {
		if i == 0 {
			b.WriteString(`["`)
		} else {
			b.WriteString(`","`)
		}
		b.WriteString(s)
	}
	b.WriteString(`"]`)
	return b.String(), nil
}

// plainJSON reports whether encoding/json writes s between quotes as it
// is: printable ASCII without the characters it escapes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

func parseHostnames(s string) ([]string, error) {
	if s == "[]" || s == "" {
		return nil, nil
	}
	// Fast path: without a backslash, json.Marshal wrote no escapes, so
	// no element holds a quote and `","` only separates elements.
	if len(s) >= 4 && s[:2] == `["` && s[len(s)-2:] == `"]` && !strings.ContainsRune(s, '\\') {
		return strings.Split(s[2:len(s)-2], `","`), nil
	}
	var h []string
	err := json.Unmarshal([]byte(s), &h)
	return h, err
}

// fingerprintLen is the stored length of an observation fingerprint.
const fingerprintLen = 16

// fingerprint returns the first 16 bytes of the SHA-256 of a canonical,
// length-prefixed encoding of everything the engine observed: two
// observations with the same fingerprint are the same observation.
// QueryID is left out (it is part of the unique key beside the
// fingerprint), and so are Known, KnownCloud and KnownConflict
// (conclusions, not observations). buf is scratch space, returned for
// reuse.
func fingerprint(o *model.Observation, buf []byte) ([fingerprintLen]byte, []byte) {
	e := enc{b: buf[:0]}
	e.str(string(o.Engine))
	e.str(o.RecordID)
	e.b = appendAddr(e.b, normAddr(o.Addr))
	e.uint(uint64(o.Port))
	e.str(o.Transport)
	e.strs(o.Hostnames)
	e.str(o.Org)
	e.uint(uint64(o.ASN))
	e.str(o.Country)
	e.str(o.City)
	e.str(o.Cloud.Provider)
	e.str(o.Cloud.Region)
	e.str(o.Cloud.Service)
	e.str(o.Product)
	e.str(o.Version)
	e.str(o.Module)
	e.str(o.Protocol)
	e.uint(uint64(len(o.Software)))
	for _, s := range o.Software {
		e.str(s.Vendor)
		e.str(s.Product)
		e.str(s.Version)
	}
	e.strs(o.Labels)
	if h := o.HTTP; e.present(h != nil) {
		e.int(int64(h.Status))
		e.str(h.Title)
		e.str(h.Server)
		e.uint(uint64(len(h.Headers)))
		for _, x := range h.Headers {
			e.str(x.Name)
			e.str(x.Value)
		}
		e.str(h.Body)
	}
	if t := o.TLS; e.present(t != nil) {
		e.str(t.Subject)
		e.str(t.SubjectCN)
		e.str(t.Issuer)
		e.str(t.IssuerCN)
		e.strs(t.SANs)
	}
	if k := o.Kubernetes; e.present(k != nil) {
		e.str(k.Version)
		e.int(int64(k.Nodes))
		e.int(int64(k.Pods))
		e.bool(k.DashboardFound)
	}
	if x := o.Etcd; e.present(x != nil) {
		e.str(x.Version)
		e.optBool(x.V2Auth)
		e.optBool(x.V3Auth)
	}
	if d := o.Docker; e.present(d != nil) {
		e.str(d.Version)
		e.str(d.APIVersion)
		e.str(d.OS)
		e.int(int64(d.Containers))
	}
	e.str(o.Banner)
	if e.present(!o.SeenAt.IsZero()) {
		e.int(o.SeenAt.Unix())
		e.int(int64(o.SeenAt.Nanosecond()))
	}
	// Honeypot markers that did not come from the labels above (Censys
	// host labels) make another observation; appended only when set, so
	// that the fingerprints of observations stored before schema 3 stay
	// the same and re-importing their files changes nothing.
	if h := o.Honeypot & model.HoneypotEngineMarks; h != 0 {
		e.uint(uint64(h))
	}
	sum := sha256.Sum256(e.b)
	return [fingerprintLen]byte(sum[:fingerprintLen]), e.b
}

// enc is a canonical binary encoder: every variable-length value is
// length-prefixed, so that no two different observations encode alike.
type enc struct{ b []byte }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *enc) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *enc) present(ok bool) bool { e.bool(ok); return ok }

func (e *enc) optBool(p *bool) {
	if e.present(p != nil) {
		e.bool(*p)
	}
}
