// The banner decoder: one table, one pass over the bytes, no encoding/json.
//
// DecodeBanner used to be json.Unmarshal into a tagged struct; at ~3 KB a
// banner (two thirds of it the PEM ssl.chain, which orchex never reads)
// that cost 40-50 µs a banner, most of it encoding/json's validating scan
// and per-member reflection. Now the banner members orchex reads are
// declared once, in a table (bannerMembers, fields.go), and
// internal/jsonscan reads them in one pass:
//
//   - It validates the whole record as encoding/json does (RFC 8259
//     grammar, control bytes and unknown escapes in strings rejected,
//     invalid UTF-8 accepted, nesting limited to 10000, nothing but white
//     space after the value), so that exactly the same records are
//     rejected. On that rare path encoding/json is run once more, only to
//     word the error exactly as before.
//   - Unused members (ssl.chain, serial, ...) are skipped without being
//     decoded: strings eight bytes at a time, containers iteratively.
//   - Used members are matched on keys folded as encoding/json folds them
//     (ASCII case, and Unicode simple folding: "IP_STR", "Ip_Str" and a
//     Kelvin sign for k all match). Strings and lists are kept as raw
//     spans of the input and only the last value of a key is decoded, a
//     string only as far as its cap keeps; numbers are decoded as met.
//   - encoding/json's quirks that change the observation are reproduced,
//     per member kind: a later duplicate key wins, or merges into a nested
//     object already decoded; null resets a nested object, a value of
//     another type allocates it empty (so "http":1 still yields an HTTP
//     block); a list decoded into a slice of structs reuses the old
//     elements.
//
// reference_test.go builds, from the same table, the struct encoding/json
// would decode a banner into, and FuzzDecodeBannerMatchesReference checks
// that both give the same observation and the same error for any input.
// docs/decisions.md records why the table replaced the hand-written
// scanner (the whole import costs the same).

package shodan

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/jsonscan"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// DecodeBanner decodes one Shodan banner (one line of a `shodan download`
// file, one element of a search response's matches or of a host
// response's data) into an observation with Engine set to model.Shodan.
//
// The address comes from ip_str, else ipv6, else the integer ip; a banner
// with none of them, or with a port outside 1..65535, is an error. Every
// other field is optional: a field of an unexpected JSON type is left
// empty rather than failing the banner, and string fields accept any JSON
// scalar (Shodan's product and version are sometimes numbers). Big
// integers (ssl.cert.serial) and negative hashes are never decoded.
// Strings are capped as documented in [model] (MaxBody, MaxTitle, ...);
// invalid UTF-8 is replaced with U+FFFD. A banner longer than
// model.MaxRecord bytes is rejected without being parsed.
//
// HTTP headers are parsed from the raw response head in data (Shodan keeps
// no header map); http.status, when absent (2021 data), is taken from the
// status line there.
func DecodeBanner(data []byte) (model.Observation, error) { return bannerTable.decode(data) }

// decode is DecodeBanner with the table t.
func (t *table) decode(data []byte) (model.Observation, error) {
	if len(data) > model.MaxRecord {
		return model.Observation{}, fmt.Errorf("shodan: banner is %d bytes, over the %d-byte record limit", len(data), model.MaxRecord)
	}
	var stack [maxStack]jsonscan.Value
	vals := stack[:]
	if n := len(t.members); n > len(stack) {
		vals = make([]jsonscan.Value, n)
	}
	if !t.schema.Scan(data, vals) {
		return model.Observation{}, syntaxError(data)
	}
	return t.observation(vals)
}

// observation builds the observation from the members' values: the table's
// setters, then what DecodeBanner combines itself.
func (t *table) observation(v []jsonscan.Value) (model.Observation, error) {
	o := model.Observation{Engine: model.Shodan}
	addr, err := t.addr(v)
	if err != nil {
		return model.Observation{}, err
	}
	o.Addr = addr
	if p := v[t.port].Int; p < 1 || p > 65535 {
		return model.Observation{}, fmt.Errorf("shodan: banner for %s: port %d is not in 1..65535", addr, p)
	}
	o.Port = uint16(v[t.port].Int)
	for _, i := range t.setters {
		if t.present(v, i) {
			t.members[i].set(&o, v[i])
		}
	}
	o.Software = software(v[t.cpe23].Strs(), v[t.cpe].Strs())

	raw := v[t.data].Text()
	o.Banner = clipStr(raw, model.MaxBanner)
	status, headers, body := parseHead(raw)
	if v[t.http].Set || status != 0 {
		h := &model.HTTP{Status: status, Headers: headers}
		if v[t.http].Set {
			if s := int(v[t.httpStatus].Int); s >= 100 && s <= 999 {
				h.Status = s
			}
			h.Title = v[t.httpTitle].Clip(model.MaxTitle)
			h.Server = v[t.httpServer].Clip(model.MaxText)
			h.Body = v[t.httpHTML].Clip(model.MaxBody)
		}
		if h.Server == "" {
			h.Server = clipStr(h.Header("Server"), model.MaxText)
		}
		if h.Body == "" {
			h.Body = clipStr(body, model.MaxBody)
		}
		o.HTTP = h
	}
	if v[t.ssl].Set && v[t.cert].Set {
		o.TLS = t.tls(v)
	}
	return o, nil
}

// addr reads the address from ip_str, else ipv6, else the integer ip.
func (t *table) addr(v []jsonscan.Value) (netip.Addr, error) {
	for _, i := range []int{t.ipStr, t.ipv6} {
		s := v[i].Text()
		if s == "" {
			continue
		}
		a, err := source.ParseAddr(s)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("shodan: banner address %q is not an IP address", clipStr(s, 64))
		}
		return a, nil
	}
	if ip := v[t.ip].Int; ip > 0 && ip <= 0xFFFFFFFF {
		x := uint32(ip)
		return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}), nil
	}
	return netip.Addr{}, errors.New("shodan: banner has no address (no ip_str, ipv6 or ip)")
}

// tls reads ssl.cert: subject, issuer and the subjectAltName extension.
func (t *table) tls(v []jsonscan.Value) *model.TLS {
	c := &model.TLS{}
	c.Subject, c.SubjectCN = distinguishedName(v[t.subject].Raw)
	c.Issuer, c.IssuerCN = distinguishedName(v[t.issuer].Raw)
	exts := v[t.extensions].Elems
	for k, j := t.extStride, 0; j+k <= len(exts); j += k {
		if exts[j+t.extName].Text() == "subjectAltName" {
			c.SANs = parseSAN(unescapePython(exts[j+t.extData].Text()))
			break
		}
	}
	if c.Subject == "" && c.Issuer == "" && len(c.SANs) == 0 {
		return nil
	}
	return c
}

// distinguishedName renders a Shodan name object ({"CN": "x", "O": "y"})
// as "CN=x, O=y" in the object's order and returns its CN. Attribute
// values that are lists are joined with "+"; other non-string values are
// rendered as their JSON text.
func distinguishedName(b []byte) (dn, cn string) {
	// b is valid JSON: the scanner checked it.
	if len(b) == 0 || b[0] != '{' {
		return "", ""
	}
	var sb strings.Builder
	jsonscan.Members(b, func(k, raw []byte) bool {
		key := jsonscan.Unquote(k)
		var v jstrs
		_ = v.UnmarshalJSON(raw)
		val := strings.Join(v.Strings(model.MaxList), "+")
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(key)
		sb.WriteByte('=')
		sb.WriteString(val)
		if key == "CN" && cn == "" {
			cn = val
		}
		return sb.Len() <= model.MaxText
	})
	return clipStr(sb.String(), model.MaxText), clipStr(cn, model.MaxText)
}

// unescapePython turns Shodan's rendering of raw extension bytes, which is
// Python's bytes repr without the b” quotes ("0:\x82\x1c*.example.com"),
// back into bytes.
func unescapePython(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch s[i] {
		case 'x':
			if i+3 <= len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			out = append(out, '\\', 'x')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '\\', '\'', '"':
			out = append(out, s[i])
		default:
			out = append(out, '\\', s[i])
		}
	}
	return out
}

// parseSAN reads the DER of a subjectAltName extension (a SEQUENCE of
// GeneralName) and returns its DNS names and IP addresses, at most
// model.MaxSANs of them. Anything malformed ends the list.
func parseSAN(der []byte) []string {
	tag, body, _, ok := derTLV(der)
	if !ok || tag != 0x30 {
		return nil
	}
	var out []string
	for len(body) > 0 && len(out) < model.MaxSANs {
		tag, val, rest, ok := derTLV(body)
		if !ok {
			break
		}
		switch tag {
		case 0x82: // dNSName
			out = append(out, clipStr(strings.ToValidUTF8(string(val), "\uFFFD"), model.MaxText))
		case 0x87: // iPAddress
			if a, ok := netip.AddrFromSlice(val); ok {
				out = append(out, a.Unmap().String())
			}
		}
		body = rest
	}
	return out
}

// derTLV splits one DER tag-length-value off b.
func derTLV(b []byte) (tag byte, val, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag, n := b[0], int(b[1])
	b = b[2:]
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b) < k {
			return 0, nil, nil, false
		}
		n = 0
		for _, c := range b[:k] {
			n = n<<8 | int(c)
		}
		b = b[k:]
	}
	if n > len(b) {
		return 0, nil, nil, false
	}
	return tag, b[:n], b[n:], true
}

// parseHead parses the HTTP response head at the start of a raw banner:
// the status code, the header lines (at most model.MaxHeaders, names and
// values capped, folded lines joined) and what follows the blank line.
// A banner that does not start with "HTTP/" has none of them.
func parseHead(data string) (status int, headers []model.Header, body string) {
	if !strings.HasPrefix(data, "HTTP/") {
		return 0, nil, ""
	}
	line, rest := cutLine(data)
	if f := strings.Fields(line); len(f) >= 2 && len(f[1]) == 3 {
		if n, err := strconv.Atoi(f[1]); err == nil && n >= 100 {
			status = n
		}
	}
	for rest != "" {
		line, rest = cutLine(rest)
		if line == "" {
			return status, headers, rest
		}
		if line[0] == ' ' || line[0] == '\t' {
			if n := len(headers); n > 0 {
				headers[n-1].Value = clipStr(headers[n-1].Value+" "+strings.TrimSpace(line), model.MaxHeaderValue)
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || len(headers) >= model.MaxHeaders {
			continue
		}
		headers = append(headers, model.Header{
			Name:  clipStr(name, model.MaxHeaderName),
			Value: clipStr(strings.TrimSpace(value), model.MaxHeaderValue),
		})
	}
	return status, headers, ""
}

func cutLine(s string) (line, rest string) {
	line, rest, _ = strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r"), rest
}

// software turns CPE 2.3 names (cpe23), or the deprecated CPE 2.2 URIs
// (cpe) when there are none, into software entries.
func software(cpe23, cpe jstrs) []model.Software {
	var out []model.Software
	add := func(parts []string) {
		if len(out) >= model.MaxList {
			return
		}
		get := func(i int) string {
			if i >= len(parts) {
				return ""
			}
			v := strings.ReplaceAll(parts[i], `\`, "")
			if v == "*" || v == "-" {
				return ""
			}
			return clipStr(v, model.MaxText)
		}
		s := model.Software{Vendor: get(0), Product: get(1), Version: get(2)}
		if s.Vendor != "" || s.Product != "" {
			out = append(out, s)
		}
	}
	for _, c := range cpe23 {
		if rest, ok := strings.CutPrefix(string(c), "cpe:2.3:"); ok && len(rest) > 2 {
			add(splitCPE(rest[2:])) // skip the part ("a:", "o:", "h:")
		}
	}
	if len(out) == 0 {
		for _, c := range cpe {
			if rest, ok := strings.CutPrefix(string(c), "cpe:/"); ok && len(rest) > 2 {
				add(strings.Split(rest[2:], ":"))
			}
		}
	}
	return out
}

// splitCPE splits a CPE 2.3 formatted string on colons that are not
// escaped with a backslash.
func splitCPE(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func transport(s string) string {
	switch strings.ToLower(s) {
	case "udp":
		return "udp"
	default:
		return "tcp" // Shodan's default; absent in some minified banners
	}
}

// parseASN reads "AS15169", "as15169" or "15169".
func parseASN(s string) uint32 {
	s = strings.TrimSpace(s)
	if len(s) > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's') {
		s = s[2:]
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0
	}
	return uint32(n)
}

// parseTime reads Shodan's timestamp, which is UTC without a zone suffix
// ("2023-03-10T22:09:15.354282"); RFC 3339 with a zone is accepted too.
// An unreadable timestamp gives the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t.UTC()
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// The decoders' lenient JSON types and clipping are shared with the other
// engine's decoder (package jsonscan).
type jstrs = jsonscan.Strs

func clipStr(s string, n int) string { return jsonscan.Clip(s, n) }

// syntaxError says why data, which the scanner rejected, is not valid
// JSON, in encoding/json's words (and so as before the scanner): its
// scanner is run again, on this rare path only.
func syntaxError(data []byte) error {
	var v struct{}
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		err = errors.New("malformed record") // not expected: the two scanners agree
	}
	return fmt.Errorf("shodan: banner is not valid JSON: %w", err)
}
