package shodan

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/source/internal/jsonx"
)

// maxDepth is encoding/json's nesting limit: a value nested deeper than
// this many arrays and objects is a syntax error there, and here.
const maxDepth = 10000

// span is the raw JSON text of one value of the banner (a sub-slice of the
// input, not a copy), decoded only once the whole banner is known to be
// valid and only if the observation uses it. nil means absent.
type span []byte

// str is the span read as a jsonx.Str (what encoding/json stored through
// Str.UnmarshalJSON): jsonx.Scalar, with a faster unquote for the long
// strings (data, http.html).
func (s span) str() string { return s.clip(math.MaxInt) }

// clip is clipStr(s.str(), n) without decoding more of a long string than
// the clip keeps: a string is unquoted only until its text is longer than
// n bytes, which is all jsonx.Clip looks at.
func (s span) clip(n int) string {
	if len(s) > 0 && s[0] == '"' {
		return clipStr(unquote(s, n), n)
	}
	return clipStr(jsonx.Scalar(s), n)
}

// unquote decodes the valid JSON string literal q exactly as jsonx.Unquote
// does (invalid UTF-8 and lone surrogates become U+FFFD), copying runs of
// plain bytes at once and building the string without a second copy. It
// may stop once the text is longer than limit bytes: the result is then a
// prefix of the text, of more than limit bytes.
func unquote(q []byte, limit int) string {
	b := q[1 : len(q)-1]
	i := plain(b, 0)
	if i == len(b) {
		if limit < len(b) {
			b = b[:limit+1] // ASCII: any prefix is a prefix of the text
		}
		return string(b)
	}
	var out strings.Builder
	out.Grow(min(len(b), limit) + 2*utf8.UTFMax)
	out.Write(b[:i])
	for i < len(b) && out.Len() <= limit {
		switch c := b[i]; {
		case c == '\\':
			i = unescape(&out, b, i)
		case c < utf8.RuneSelf:
			j := plain(b, i)
			out.Write(b[i:j])
			i = j
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				out.WriteRune(utf8.RuneError)
			} else {
				out.Write(b[i : i+n])
			}
			i += n
		}
	}
	return out.String()
}

// plain returns the index of the first backslash or non-ASCII byte of b
// at or after i, or len(b).
func plain(b []byte, i int) int {
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		bs := x ^ (lsb * '\\')
		m := ((bs-lsb)&^bs | x) & msb
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(b) && b[i] != '\\' && b[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// unescape writes the escape sequence at b[i] (valid: the scanner checked
// it) and returns the index after it; \u escapes as in jsonx.Unquote.
func unescape(out *strings.Builder, b []byte, i int) int {
	switch e := b[i+1]; e {
	case 'n':
		out.WriteByte('\n')
	case 'r':
		out.WriteByte('\r')
	case 't':
		out.WriteByte('\t')
	case 'b':
		out.WriteByte('\b')
	case 'f':
		out.WriteByte('\f')
	case 'u':
		r := hex4(b[i+2:])
		i += 6
		if r < utf8.RuneSelf {
			out.WriteByte(byte(r))
			return i
		}
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
				r2 = hex4(b[i+2:])
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				r = d
				i += 6
			} else {
				r = utf8.RuneError
			}
		}
		out.WriteRune(r)
		return i
	default: // \" \\ \/
		out.WriteByte(e)
	}
	return i + 2
}

// hex4 reads the four hex digits at the start of b (valid: the scanner
// checked them).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// strs is the span read as a jsonx.Strs.
func (s span) strs() jstrs {
	var l jstrs
	_ = l.UnmarshalJSON(s)
	return l
}

// wireBanner holds the banner fields orchex uses, as the scanner found
// them. Its shape mirrors the encoding/json struct it replaces (see
// reference_test.go); its pointers to nested structs are opt values here
// (see open for their rules). String fields are spans, decoded after the
// scan; number fields are decoded as they are met.
type wireBanner struct {
	IP, Port  jnum
	IPStr     span // jstr
	IPv6      span // jstr
	Transport span // jstr
	Hostnames span // jstrs: the last value that replaced the list
	Org       span
	ASN       span
	Product   span
	Version   span
	Tags      span // jstrs
	CPE23     span // jstrs
	CPE       span // jstrs
	Data      span
	Timestamp span
	Shodan    struct{ ID, Module span }
	Location  opt[struct{ CountryCode, City span }]
	Cloud     opt[struct{ Provider, Region, Service span }]
	HTTP      opt[wireHTTP]
	SSL       opt[struct{ Cert opt[wireCert] }]
	Kube      opt[wireKube]
	Docker    opt[wireDocker]
	Etcd      opt[struct{ Version span }]
}

// opt is a nested object that encoding/json decoded into a pointer field:
// ok is whether the pointer would be non-nil. Holding the struct inline
// saves an allocation; open() keeps the pointer semantics.
type opt[T any] struct {
	ok bool
	v  T
}

// get returns the struct, or nil where encoding/json's pointer was nil.
func (o *opt[T]) get() *T {
	if !o.ok {
		return nil
	}
	return &o.v
}

type wireKube struct {
	Version span
	Nodes   int // length of the nodes list
}

type wireDocker struct {
	Version, APIVersion, OS span
	Containers              jcount
}

type wireHTTP struct {
	Status              jnum
	Title, Server, HTML span
}

// wireCert is the part of ssl.cert orchex uses. subject and issuer are
// kept raw so that their attributes stay in the engine's order; serial
// (an arbitrary-precision integer) is skipped like any unused member.
type wireCert struct {
	Subject, Issuer span // raw JSON, the last value
	Extensions      []wireExt
}

type wireExt struct{ Name, Data span }

// scanner is one pass over one banner. It validates the whole input as
// JSON (the grammar of RFC 8259 as encoding/json checks it) while it
// fills a wireBanner; bad is set at the first syntax error, after which
// positions are meaningless and every caller unwinds.
type scanner struct {
	b   []byte
	bad bool
	key [16]byte // the folded key of the member being read
}

// scanBanner fills w from data, reporting whether data is valid JSON.
// A top-level value that is not an object decodes to nothing, as it did
// with encoding/json (whose type error the decoder ignored).
func scanBanner(data []byte, w *wireBanner) bool {
	s := scanner{b: data}
	i := ws(data, 0)
	if i >= len(data) {
		return false
	}
	if data[i] == '{' {
		i = s.banner(i, 1, w)
	} else {
		i = s.skip(i, 0)
	}
	return !s.bad && ws(data, i) == len(data)
}

// ws returns the index of the first byte at or after i that is not JSON
// white space.
func ws(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// fail records a syntax error; the returned index is never used.
func (s *scanner) fail() int {
	s.bad = true
	return len(s.b)
}

// member reads the next member of an object from i: just after its '{'
// when first, else just after the previous value. It returns the key
// folded as encoding/json folds field names, and the index of the value.
// At the closing brace more is false and v is the index after it.
func (s *scanner) member(i int, first bool) (key []byte, v int, more bool) {
	b := s.b
	i = ws(b, i)
	if i >= len(b) {
		return nil, s.fail(), false
	}
	switch c := b[i]; {
	case c == '}':
		return nil, i + 1, false
	case first:
	case c == ',':
		i = ws(b, i+1)
	default:
		return nil, s.fail(), false
	}
	if i >= len(b) || b[i] != '"' {
		return nil, s.fail(), false
	}
	end := s.str(i)
	if s.bad {
		return nil, end, false
	}
	key = s.fold(b[i:end])
	i = ws(b, end)
	if i >= len(b) || b[i] != ':' {
		return nil, s.fail(), false
	}
	v = ws(b, i+1)
	if v >= len(b) {
		return nil, s.fail(), false
	}
	return key, v, true
}

// fold returns the key, the JSON string literal quoted, folded as
// encoding/json folds keys before it matches them to field names (ASCII
// upper case, every other rune to the smallest rune of its Unicode
// simple-fold orbit, so that the Kelvin sign matches K and ſ matches S).
// The result is only valid until the next call. A plain key longer than
// any field name comes back empty.
func (s *scanner) fold(quoted []byte) []byte {
	n := 0
	for _, c := range quoted[1 : len(quoted)-1] {
		if c >= utf8.RuneSelf || c == '\\' {
			// Escapes or non-ASCII: rare, so unquote and fold rune by
			// rune (this allocates).
			return appendFoldedName(s.key[:0], jsonx.Unquote(quoted))
		}
		if n < len(s.key) {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			s.key[n] = c
		}
		n++
	}
	if n > len(s.key) {
		return nil
	}
	return s.key[:n]
}

// appendFoldedName is encoding/json's key folding (encoding/json/fold.go).
func appendFoldedName(out []byte, in string) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

// foldRune returns the smallest rune of r's simple-fold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// The object readers below all have the same shape: b[i] is the object's
// '{', depth the number of arrays and objects open around its members
// (the object included); they return the index after the '}'. Unknown
// members are validated and skipped. The member loop is written out in
// each on purpose: a shared loop taking a callback (tried) makes escape
// analysis move the scanner and the wireBanner to the heap through the
// recursion, +2 allocations and +944 bytes a banner on the import's
// hottest path.

// banner reads the top-level object into w.
func (s *scanner) banner(i, depth int, w *wireBanner) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "IP":
			i = s.num(v, depth, &w.IP)
		case "IP_STR":
			i = s.span(v, depth, &w.IPStr)
		case "IPV6":
			i = s.span(v, depth, &w.IPv6)
		case "PORT":
			i = s.num(v, depth, &w.Port)
		case "TRANSPORT":
			i = s.span(v, depth, &w.Transport)
		case "HOSTNAMES":
			i = s.list(v, depth, &w.Hostnames)
		case "ORG":
			i = s.span(v, depth, &w.Org)
		case "ASN":
			i = s.span(v, depth, &w.ASN)
		case "PRODUCT":
			i = s.span(v, depth, &w.Product)
		case "VERSION":
			i = s.span(v, depth, &w.Version)
		case "TAGS":
			i = s.list(v, depth, &w.Tags)
		case "CPE23":
			i = s.list(v, depth, &w.CPE23)
		case "CPE":
			i = s.list(v, depth, &w.CPE)
		case "DATA":
			i = s.span(v, depth, &w.Data)
		case "TIMESTAMP":
			i = s.span(v, depth, &w.Timestamp)
		case "_SHODAN":
			// A struct, not a pointer: null and other types leave it as is.
			if s.b[v] == '{' {
				i = s.shodan(v, depth+1, w)
			} else {
				i = s.skip(v, depth)
			}
		case "LOCATION":
			if open(s, v, &w.Location) {
				i = s.location(v, depth+1, w)
			} else {
				i = s.skip(v, depth)
			}
		case "CLOUD":
			if open(s, v, &w.Cloud) {
				i = s.cloud(v, depth+1, w)
			} else {
				i = s.skip(v, depth)
			}
		case "HTTP":
			if open(s, v, &w.HTTP) {
				i = s.http(v, depth+1, &w.HTTP.v)
			} else {
				i = s.skip(v, depth)
			}
		case "SSL":
			if open(s, v, &w.SSL) {
				i = s.ssl(v, depth+1, &w.SSL.v.Cert)
			} else {
				i = s.skip(v, depth)
			}
		case "KUBERNETES":
			if open(s, v, &w.Kube) {
				i = s.kube(v, depth+1, &w.Kube.v)
			} else {
				i = s.skip(v, depth)
			}
		case "DOCKER":
			if open(s, v, &w.Docker) {
				i = s.docker(v, depth+1, &w.Docker.v)
			} else {
				i = s.skip(v, depth)
			}
		case "ETCD":
			if open(s, v, &w.Etcd) {
				i = s.etcd(v, depth+1, &w.Etcd.v.Version)
			} else {
				i = s.skip(v, depth)
			}
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

// open applies encoding/json's rules for a pointer to a struct to the
// value at b[v]: null sets the pointer to nil (here: zero, not ok); any
// other value allocates it if nil (here: sets ok, keeping what an earlier
// value of the key decoded). It reports whether the value is an object,
// whose members are then read into the struct, merging with it.
func open[T any](s *scanner, v int, p *opt[T]) bool {
	if s.b[v] == 'n' {
		*p = opt[T]{}
		return false
	}
	p.ok = true
	return s.b[v] == '{'
}

func (s *scanner) shodan(i, depth int, w *wireBanner) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "ID":
			i = s.span(v, depth, &w.Shodan.ID)
		case "MODULE":
			i = s.span(v, depth, &w.Shodan.Module)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) location(i, depth int, w *wireBanner) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "COUNTRY_CODE":
			i = s.span(v, depth, &w.Location.v.CountryCode)
		case "CITY":
			i = s.span(v, depth, &w.Location.v.City)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) cloud(i, depth int, w *wireBanner) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "PROVIDER":
			i = s.span(v, depth, &w.Cloud.v.Provider)
		case "REGION":
			i = s.span(v, depth, &w.Cloud.v.Region)
		case "SERVICE":
			i = s.span(v, depth, &w.Cloud.v.Service)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) http(i, depth int, h *wireHTTP) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "STATUS":
			i = s.num(v, depth, &h.Status)
		case "TITLE":
			i = s.span(v, depth, &h.Title)
		case "SERVER":
			i = s.span(v, depth, &h.Server)
		case "HTML":
			i = s.span(v, depth, &h.HTML)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) ssl(i, depth int, cert *opt[wireCert]) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		if string(key) == "CERT" && open(s, v, cert) {
			i = s.cert(v, depth+1, &cert.v)
		} else {
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) cert(i, depth int, c *wireCert) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "SUBJECT":
			i = s.span(v, depth, &c.Subject)
		case "ISSUER":
			i = s.span(v, depth, &c.Issuer)
		case "EXTENSIONS":
			i = s.extensions(v, depth, c)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) extension(i, depth int, e *wireExt) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "NAME":
			i = s.span(v, depth, &e.Name)
		case "DATA":
			i = s.span(v, depth, &e.Data)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) kube(i, depth int, k *wireKube) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "VERSION":
			i = s.span(v, depth, &k.Version)
		case "NODES":
			i = s.nodes(v, depth, &k.Nodes)
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) docker(i, depth int, d *wireDocker) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		switch string(key) {
		case "VERSION":
			i = s.span(v, depth, &d.Version)
		case "APIVERSION":
			i = s.span(v, depth, &d.APIVersion)
		case "OS":
			i = s.span(v, depth, &d.OS)
		case "CONTAINERS":
			i = s.skip(v, depth)
			if !s.bad {
				_ = d.Containers.UnmarshalJSON(s.b[v:i])
			}
		default:
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

func (s *scanner) etcd(i, depth int, version *span) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		if string(key) == "VERSION" {
			i = s.span(v, depth, version)
		} else {
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

// span reads the value at b[v] as the raw text of a jsonx.Str or
// json.RawMessage field: every value replaces the previous one.
func (s *scanner) span(v, depth int, dst *span) int {
	end := s.skip(v, depth)
	*dst = s.b[v:end]
	return end
}

// list reads the value at b[v] for a jsonx.Strs field, which null and
// objects leave as is.
func (s *scanner) list(v, depth int, dst *span) int {
	end := s.skip(v, depth)
	if c := s.b[v]; c != 'n' && c != '{' {
		*dst = s.b[v:end]
	}
	return end
}

// num reads the value at b[v] for a jsonx.Num field.
func (s *scanner) num(v, depth int, dst *jnum) int {
	end := s.skip(v, depth)
	if c := s.b[v]; !s.bad && c != '{' && c != '[' {
		_ = dst.UnmarshalJSON(s.b[v:end])
	}
	return end
}

// nodes reads kubernetes.nodes, a list whose length only is kept: null
// empties it, a list sets it, any other type leaves it as is.
func (s *scanner) nodes(v, depth int, n *int) int {
	switch s.b[v] {
	case 'n':
		*n = 0
		return s.skip(v, depth)
	case '[':
	default:
		return s.skip(v, depth)
	}
	b := s.b
	count := 0
	i := ws(b, v+1)
	if i < len(b) && b[i] == ']' {
		*n = 0
		return i + 1
	}
	if depth+1 > maxDepth {
		return s.fail()
	}
	for {
		if i >= len(b) {
			return s.fail()
		}
		if i = s.skip(i, depth+1); s.bad {
			return i
		}
		count++
		i = ws(b, i)
		if i >= len(b) {
			return s.fail()
		}
		if b[i] == ']' {
			*n = count
			return i + 1
		}
		if b[i] != ',' {
			return s.fail()
		}
		i = ws(b, i+1)
	}
}

// extensions reads ssl.cert.extensions into c.Extensions as encoding/json
// decodes a list into a slice of structs: the existing elements (even
// those beyond the length, within the capacity) are decoded into, not
// replaced; null sets the slice to nil; an empty list to an empty slice;
// any other type leaves it as is.
func (s *scanner) extensions(v, depth int, c *wireCert) int {
	switch s.b[v] {
	case 'n':
		c.Extensions = nil
		return s.skip(v, depth)
	case '[':
	default:
		return s.skip(v, depth)
	}
	b := s.b
	i := ws(b, v+1)
	if i < len(b) && b[i] == ']' {
		c.Extensions = []wireExt{}
		return i + 1
	}
	if depth+1 > maxDepth {
		return s.fail()
	}
	l := c.Extensions
	n := 0
	for {
		if i >= len(b) {
			return s.fail()
		}
		if n >= cap(l) {
			// Any growth gives encoding/json's result: growing happens
			// only at len == cap, and every element written since the
			// last reset stays in place.
			l = slices.Grow(l, max(8, n))
		}
		if n >= len(l) {
			l = l[:n+1]
		}
		if b[i] == '{' {
			i = s.extension(i, depth+2, &l[n])
		} else { // null or a wrong type: the element is left as is
			i = s.skip(i, depth+1)
		}
		if s.bad {
			return i
		}
		n++
		i = ws(b, i)
		if i >= len(b) {
			return s.fail()
		}
		if b[i] == ']' {
			c.Extensions = l[:n]
			return i + 1
		}
		if b[i] != ',' {
			return s.fail()
		}
		i = ws(b, i+1)
	}
}

// skip validates the value at b[i] (not white space), a value inside
// depth open arrays and objects, and returns the index after it.
func (s *scanner) skip(i, depth int) int {
	b := s.b
	if i >= len(b) {
		return s.fail()
	}
	switch b[i] {
	case '"':
		return s.str(i)
	case '{', '[':
		return s.container(i, depth)
	case 't':
		return s.literal(i, "true")
	case 'f':
		return s.literal(i, "false")
	case 'n':
		return s.literal(i, "null")
	}
	return s.number(i)
}

// container validates the array or object at b[i]. It is iterative: its
// nesting is kept in a bit stack (1 = object), one word for the first 64
// levels, so that hostile nesting costs no Go stack.
func (s *scanner) container(i, depth int) int {
	b := s.b
	var first [1]uint64
	stack := first[:]
	n := 0 // open containers
	for {
		// b[i] is a value.
		switch c := b[i]; c {
		case '{', '[':
			if depth+n+1 > maxDepth {
				return s.fail()
			}
			if n/64 == len(stack) {
				stack = append(stack, 0)
			}
			if c == '{' {
				stack[n/64] |= 1 << (n % 64)
			} else {
				stack[n/64] &^= 1 << (n % 64)
			}
			n++
			i = ws(b, i+1)
			if i >= len(b) {
				return s.fail()
			}
			if b[i] == '}' && c == '{' || b[i] == ']' && c == '[' {
				i++
				n--
				break
			}
			if c == '{' {
				i = s.colon(i)
			}
			if s.bad {
				return i
			}
			if i >= len(b) {
				return s.fail()
			}
			continue
		default:
			if i = s.skip(i, depth+n); s.bad {
				return i
			}
		}
		// After a value: close containers or move to the next one.
		for {
			if n == 0 {
				return i
			}
			i = ws(b, i)
			if i >= len(b) {
				return s.fail()
			}
			obj := stack[(n-1)/64]&(1<<((n-1)%64)) != 0
			if c := b[i]; c == ',' {
				i = ws(b, i+1)
				if obj {
					if i = s.colon(i); s.bad {
						return i
					}
				}
				if i >= len(b) {
					return s.fail()
				}
				break
			} else if obj && c == '}' || !obj && c == ']' {
				i++
				n--
				continue
			}
			return s.fail()
		}
	}
}

// colon reads an object key at b[i] and the colon after it, and returns
// the index of the value.
func (s *scanner) colon(i int) int {
	b := s.b
	if i >= len(b) || b[i] != '"' {
		return s.fail()
	}
	if i = s.str(i); s.bad {
		return i
	}
	i = ws(b, i)
	if i >= len(b) || b[i] != ':' {
		return s.fail()
	}
	return ws(b, i+1)
}

func (s *scanner) literal(i int, lit string) int {
	if len(s.b)-i < len(lit) || string(s.b[i:i+len(lit)]) != lit {
		return s.fail()
	}
	return i + len(lit)
}

// number validates a JSON number at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number(i int) int {
	b := s.b
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return s.fail()
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return s.fail()
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return s.fail()
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return s.fail()
		}
		i = j
	}
	return i
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// str validates the JSON string at b[i] ('"') and returns the index after
// its closing quote. Bytes of 0x80 and above are not checked (invalid
// UTF-8 is accepted, as by encoding/json, and replaced when unquoted);
// control bytes and unknown escapes are errors. Eight bytes are tested at
// a time for a quote, a backslash or a control byte, so that long strings
// (PEM chains, HTML) are skipped at close to memory speed.
func (s *scanner) str(i int) int {
	b := s.b
	i++
	for {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q := x ^ (lsb * '"')
			bs := x ^ (lsb * '\\')
			m := ((x - lsb*0x20) | (q - lsb) | (bs - lsb)) &^ x & msb
			// (q-lsb)&^q flags a zero byte of q; &^x instead of &^q is
			// the same test here, because a byte of x below 0x80 is
			// exactly when the byte of q or bs is below 0x80.
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8
			break
		}
		if i >= len(b) {
			return s.fail()
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(b) {
				return s.fail()
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return s.fail()
				}
				i += 6
			default:
				return s.fail()
			}
		case c < 0x20:
			return s.fail()
		default:
			i++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
