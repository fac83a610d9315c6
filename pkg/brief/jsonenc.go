package brief

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/orchex/orchex/internal/safejson"
)

// appendServiceJSON appends r exactly as safejson.Escape(json.MarshalIndent(r,
// prefix, "  ")) writes it (TestServiceJSONEncoding holds the two
// together), without reflection: brief.json lists every service of a
// scope, and encoding/json's reflection and indenting were most of a
// briefing's time.
func appendServiceJSON(dst []byte, r *ServiceJSON, prefix string) []byte {
	in := prefix + "  "
	first := true
	key := func(k string) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '\n')
		dst = append(dst, in...)
		dst = append(dst, '"')
		dst = append(dst, k...)
		dst = append(dst, `": `...)
	}
	str := func(k, v string) {
		key(k)
		dst = appendJSONString(dst, v)
	}
	num := func(k string, v int64) {
		key(k)
		dst = strconv.AppendInt(dst, v, 10)
	}
	strs := func(k string, vs []string) {
		key(k)
		if len(vs) == 0 {
			dst = append(dst, "[]"...)
			return
		}
		dst = append(dst, '[')
		for i, v := range vs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '\n')
			dst = append(dst, in...)
			dst = append(dst, "  "...)
			dst = appendJSONString(dst, v)
		}
		dst = append(dst, '\n')
		dst = append(dst, in...)
		dst = append(dst, ']')
	}
	tm := func(k string, t *time.Time) {
		key(k)
		if t == nil {
			dst = append(dst, "null"...)
			return
		}
		dst = append(dst, '"')
		dst = t.AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, '"')
	}
	dst = append(dst, '{')
	str("address", r.Address)
	num("port", int64(r.Port))
	str("transport", r.Transport)
	str("product", r.Product)
	str("product_name", r.ProductName)
	str("product_evidence", r.ProductEvidence)
	str("version", r.Version)
	str("auth", r.Auth)
	str("evidence", r.Evidence)
	str("confidence", r.Confidence)
	key("auth_conflict")
	dst = strconv.AppendBool(dst, r.AuthConflict)
	key("honeypot")
	dst = strconv.AppendBool(dst, r.Honeypot)
	tm("first_seen", r.FirstSeen)
	tm("last_seen", r.LastSeen)
	strs("engines", r.Engines)
	key("asn")
	if r.ASN == nil {
		dst = append(dst, "null"...)
	} else {
		dst = strconv.AppendUint(dst, uint64(*r.ASN), 10)
	}
	str("org", r.Org)
	str("owner", r.Owner)
	str("netblock", r.Netblock)
	strs("hostnames", r.Hostnames)
	str("country", r.Country)
	str("city", r.City)
	str("provider", r.Provider)
	str("region", r.Region)
	str("title", r.Title)
	for _, f := range []struct{ k, v string }{{"change", r.Change}, {"auth_before", r.AuthBefore}, {"auth_change", r.AuthChange},
		{"support", r.Support}, {"support_calendar", r.SupportCalendar}, {"support_cycle", r.SupportCycle}, {"support_end", r.SupportEnd}} {
		if f.v != "" {
			str(f.k, f.v)
		}
	}
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes (HTML-safe: <, > and & as \u escapes; invalid UTF-8 as
// U+FFFD; U+2028 and U+2029 escaped) and as safejson escapes (bidi
// controls as \u escapes).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || safejson.IsBidi(r):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
