package jsonscan

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// MaxDepth is encoding/json's nesting limit: a value nested deeper than
// this many arrays and objects is a syntax error there, and here.
const MaxDepth = 10000

// maxName caps the length of a member name in a Schema (folded, in
// bytes): a key longer than the longest name is skipped unread.
const maxName = 32

// Kind says how a Schema keeps a member's value: as encoding/json keeps a
// value it decodes into a struct field of the Go type named, so that a
// Schema and encoding/json decoding into such a struct agree on every
// input (duplicate keys, null, values of another type).
type Kind uint8

// The kinds of member a Schema reads.
const (
	Text    Kind = iota + 1 // Str: every value replaces the last; read with Item.Text or Item.Clip
	Raw                     // json.RawMessage: every value replaces the last, kept as written
	List                    // Strs: every value but null and objects replaces the last; read with Item.Strs
	Number                  // Num: numbers and numeric strings set Item.Int; other scalars and containers leave it
	Counted                 // Count: a list sets Item.Int to its length, a number in 1..2^31-1 to itself
	Length                  // []struct{}: a list sets Item.Int to its length, null to 0; other values leave it
	Object                  // *struct: null resets it and every member below it; any other value sets Value.Set, and an object's members are read into it (merged)
	Struct                  // struct: an object's members are read into it (merged); other values leave it
	Objects                 // []struct: a list's objects are read into the elements in place (encoding/json reuses them, even beyond the length); null and [] empty it
)

func (k Kind) container() bool { return k == Object || k == Struct || k == Objects }

// Member declares one member a Schema reads, by its path from the
// top-level object: "http.title" is member "title" of member "http", which
// must be declared before it as an Object or Struct. The members of an
// Objects member are read in each element; they must be scalars.
//
// Names are matched as encoding/json matches a field's name: case folded
// (ASCII, and Unicode simple folding), escapes decoded.
type Member struct {
	Path string
	Kind Kind
}

// A Schema reads the declared members of a JSON object in one validating
// pass. It is immutable and safe for concurrent use.
type Schema struct {
	members []Member
	root    node
	nodes   []*node // by slot
}

// node is a compiled member.
type node struct {
	kind     Kind
	slot     int    // index of the member (and of its Value)
	name     string // folded
	children []*node
	byLen    [][]*node // children by name length, for lookups
	desc     []int     // Object: the slots below it, reset by null
	stride   int       // Objects: values per element
	elem     int       // member of an Objects element: its index in the element; -1 for others
}

// Compile checks the members and builds a Schema. Member i's value is
// vals[i] after Scan.
func Compile(members []Member) (*Schema, error) {
	s := &Schema{members: slices.Clone(members), root: node{kind: Struct, slot: -1}, nodes: make([]*node, len(members))}
	byPath := map[string]*node{}
	var errs []error
	for i, m := range members {
		parentPath, name := "", m.Path
		if j := strings.LastIndexByte(m.Path, '.'); j >= 0 {
			parentPath, name = m.Path[:j], m.Path[j+1:]
		}
		parent := &s.root
		if parentPath != "" {
			parent = byPath[parentPath]
		}
		folded := string(appendFolded(nil, name))
		switch {
		case name == "" || m.Kind < Text || m.Kind > Objects:
			errs = append(errs, fmt.Errorf("member %d (%q): empty name or unknown kind %d", i, m.Path, m.Kind))
			continue
		case len(folded) > maxName:
			errs = append(errs, fmt.Errorf("member %q: name longer than %d bytes", m.Path, maxName))
			continue
		case byPath[m.Path] != nil:
			errs = append(errs, fmt.Errorf("member %q declared twice", m.Path))
			continue
		case parent == nil || !parent.kind.container():
			errs = append(errs, fmt.Errorf("member %q: %q is not declared before it as an Object, Struct or Objects", m.Path, parentPath))
			continue
		case parent.kind == Objects && m.Kind.container():
			errs = append(errs, fmt.Errorf("member %q: the members of an Objects element must be scalars", m.Path))
			continue
		}
		for _, c := range parent.children {
			if c.name == folded {
				errs = append(errs, fmt.Errorf("member %q folds to the name of another member of %q", m.Path, parentPath))
			}
		}
		n := &node{kind: m.Kind, slot: i, name: folded, elem: -1}
		if parent.kind == Objects {
			n.elem = parent.stride
			parent.stride++
		}
		parent.children = append(parent.children, n)
		byPath[m.Path] = n
		s.nodes[i] = n
		for p := parentPath; p != ""; {
			if a := byPath[p]; a != nil && a.kind == Object {
				a.desc = append(a.desc, i)
			}
			j := strings.LastIndexByte(p, '.')
			if j < 0 {
				break
			}
			p = p[:j]
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("jsonscan: %w", errors.Join(errs...))
	}
	for _, n := range append([]*node{&s.root}, s.nodes...) {
		for _, c := range n.children {
			for len(n.byLen) <= len(c.name) {
				n.byLen = append(n.byLen, nil)
			}
			n.byLen[len(c.name)] = append(n.byLen[len(c.name)], c)
		}
	}
	return s, nil
}

// Members returns the declared members, in order (member i is Value i).
func (s *Schema) Members() []Member { return slices.Clone(s.members) }

// Stride returns the number of values an element of the Objects member i
// holds in Value.Elems (its members, in order), or 0 for another kind.
func (s *Schema) Stride(i int) int { return s.nodes[i].stride }

// Elem returns the index in an element of member i, a member of the
// elements of an Objects member (Value.Elems[e*stride+Elem(i)]), or -1.
func (s *Schema) Elem(i int) int { return s.nodes[i].elem }

// Value is what a Scan kept of one member (see Kind).
type Value struct {
	Item         // a scalar member's value
	Set   bool   // Object: the member was present and not null
	Elems []Item // Objects: the members of each element in turn (Stride values an element)
}

// Item is what a Scan kept of a scalar member.
type Item struct {
	Raw []byte // Text, Raw, List: the JSON text of the value kept (a sub-slice of the input); nil when absent
	Int int64  // Number, Counted, Length
}

// Text is the value read as a Str: a string unquoted, another scalar as
// its JSON text, null or a container as "".
func (v *Item) Text() string { return v.Clip(math.MaxInt) }

// Clip is Clip(v.Text(), n), without decoding more of a long string than
// it keeps.
func (v *Item) Clip(n int) string {
	if len(v.Raw) > 0 && v.Raw[0] == '"' {
		return Clip(unquoteLimit(v.Raw, n), n)
	}
	return Clip(Scalar(v.Raw), n)
}

// Strs is the value read as a Strs.
func (v *Item) Strs() Strs {
	var l Strs
	_ = l.UnmarshalJSON(v.Raw)
	return l
}

// Scan validates data as one JSON document, as encoding/json does (the
// grammar of RFC 8259; control bytes and unknown escapes in strings
// rejected; invalid UTF-8 accepted; nesting limited to MaxDepth; nothing
// but white space after the value) and keeps the declared members of its
// top-level object in vals (len(vals) ≥ the number of members; vals should
// be zero). It reports whether data is valid JSON. A top-level value that
// is not an object keeps nothing. Unused members are validated without
// being decoded: strings eight bytes at a time, containers iteratively.
func (s *Schema) Scan(data []byte, vals []Value) bool {
	if len(vals) < len(s.members) {
		panic(fmt.Sprintf("jsonscan: Scan given %d values for %d members", len(vals), len(s.members)))
	}
	sc := scanner{b: data}
	i := WS(data, 0)
	if i >= len(data) {
		return false
	}
	if data[i] == '{' {
		i = sc.object(i, 1, &s.root, vals)
	} else {
		i = sc.skip(i, 0)
	}
	return !sc.bad && WS(data, i) == len(data)
}

// Valid reports whether data is one valid JSON document, as encoding/json
// checks it (see Scan).
func Valid(data []byte) bool {
	sc := scanner{b: data}
	i := WS(data, 0)
	if i >= len(data) {
		return false
	}
	i = sc.skip(i, 0)
	return !sc.bad && WS(data, i) == len(data)
}

// scanner is one pass over one document. It validates the whole input
// while it keeps the declared members; bad is set at the first syntax
// error, after which positions are meaningless and every caller unwinds.
type scanner struct {
	b   []byte
	bad bool
	key [maxName]byte // the folded key of the member being read
}

// fail records a syntax error; the returned index is never used.
func (s *scanner) fail() int {
	s.bad = true
	return len(s.b)
}

// object reads the object at b[i] ('{'), whose members are n's children,
// into dst at each child's slot. depth counts the arrays and objects open
// around its members, the object included. It returns the index after
// the '}'.
func (s *scanner) object(i, depth int, n *node, dst []Value) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		if c := n.child(key); c != nil {
			i = s.value(v, depth, c, dst)
		} else {
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

// element is object for an element of the Objects member n: its members
// (scalars) are kept in dst at their index in the element.
func (s *scanner) element(i, depth int, n *node, dst []Item) int {
	i++
	for first := true; ; first = false {
		key, v, more := s.member(i, first)
		if !more {
			return v
		}
		if c := n.child(key); c != nil {
			i = s.scalar(v, depth, c.kind, &dst[c.elem])
		} else {
			i = s.skip(v, depth)
		}
		if s.bad {
			return i
		}
	}
}

// child returns the child of n named key (folded), or nil.
func (n *node) child(key []byte) *node {
	if len(key) >= len(n.byLen) {
		return nil
	}
	for _, c := range n.byLen[len(key)] {
		if string(key) == c.name {
			return c
		}
	}
	return nil
}

// value reads the value at b[v] of member c into vals (the values of
// every member, for the members below an Object or Struct).
func (s *scanner) value(v, depth int, c *node, vals []Value) int {
	d := &vals[c.slot]
	switch c.kind {
	case Struct:
		if s.b[v] == '{' {
			return s.object(v, depth+1, c, vals)
		}
		return s.skip(v, depth)
	case Object:
		if s.b[v] == 'n' { // null resets the pointer
			*d = Value{}
			for _, j := range c.desc {
				vals[j] = Value{}
			}
			return s.skip(v, depth)
		}
		d.Set = true // any other value allocates it, keeping what it held
		if s.b[v] == '{' {
			return s.object(v, depth+1, c, vals)
		}
		return s.skip(v, depth)
	case Objects:
		return s.elements(v, depth, c, d)
	}
	return s.scalar(v, depth, c.kind, &d.Item)
}

// scalar reads the value at b[v] of a scalar member of kind k into d.
func (s *scanner) scalar(v, depth int, k Kind, d *Item) int {
	switch k {
	case List:
		end := s.skip(v, depth)
		if ch := s.b[v]; ch != 'n' && ch != '{' {
			d.Raw = s.b[v:end]
		}
		return end
	case Number:
		end := s.skip(v, depth)
		if ch := s.b[v]; !s.bad && ch != '{' && ch != '[' {
			n := Num(d.Int)
			_ = n.UnmarshalJSON(s.b[v:end])
			d.Int = int64(n)
		}
		return end
	case Counted:
		end := s.skip(v, depth)
		if !s.bad {
			n := Count(d.Int)
			_ = n.UnmarshalJSON(s.b[v:end])
			d.Int = int64(n)
		}
		return end
	case Length:
		return s.length(v, depth, d)
	}
	end := s.skip(v, depth) // Text, Raw
	d.Raw = s.b[v:end]
	return end
}

// length reads a Length member: null empties it, a list sets its length,
// any other type leaves it as is.
func (s *scanner) length(v, depth int, d *Item) int {
	switch s.b[v] {
	case 'n':
		d.Int = 0
		return s.skip(v, depth)
	case '[':
	default:
		return s.skip(v, depth)
	}
	b := s.b
	count := 0
	i := WS(b, v+1)
	if i < len(b) && b[i] == ']' {
		d.Int = 0
		return i + 1
	}
	if depth+1 > MaxDepth {
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
		i = WS(b, i)
		if i >= len(b) {
			return s.fail()
		}
		if b[i] == ']' {
			d.Int = int64(count)
			return i + 1
		}
		if b[i] != ',' {
			return s.fail()
		}
		i = WS(b, i+1)
	}
}

// elements reads an Objects member as encoding/json decodes a list into a
// slice of structs: the existing elements (even those beyond the length,
// within the capacity) are decoded into, not replaced; null sets the
// slice to nil; an empty list to an empty slice; any other type leaves it
// as is. d.Elems holds c.stride values an element.
func (s *scanner) elements(v, depth int, c *node, d *Value) int {
	switch s.b[v] {
	case 'n':
		d.Elems = nil
		return s.skip(v, depth)
	case '[':
	default:
		return s.skip(v, depth)
	}
	b := s.b
	i := WS(b, v+1)
	if i < len(b) && b[i] == ']' {
		d.Elems = []Item{}
		return i + 1
	}
	if depth+1 > MaxDepth {
		return s.fail()
	}
	k := max(c.stride, 1)
	l := d.Elems
	n := 0
	for {
		if i >= len(b) {
			return s.fail()
		}
		if n >= cap(l)/k {
			// Any growth gives encoding/json's result: growing happens
			// only when the elements fill the capacity, and every
			// element written since the last reset stays in place.
			l = slices.Grow(l, max(8, n)*k)
		}
		if n >= len(l)/k {
			l = l[:(n+1)*k]
		}
		if b[i] == '{' {
			i = s.element(i, depth+2, c, l[n*k:(n+1)*k])
		} else { // null or a wrong type: the element is left as is
			i = s.skip(i, depth+1)
		}
		if s.bad {
			return i
		}
		n++
		i = WS(b, i)
		if i >= len(b) {
			return s.fail()
		}
		if b[i] == ']' {
			d.Elems = l[:n*k]
			return i + 1
		}
		if b[i] != ',' {
			return s.fail()
		}
		i = WS(b, i+1)
	}
}

// member reads the next member of an object from i: just after its '{'
// when first, else just after the previous value. It returns the key
// folded as encoding/json folds field names, and the index of the value.
// At the closing brace more is false and v is the index after it.
func (s *scanner) member(i int, first bool) (key []byte, v int, more bool) {
	b := s.b
	i = WS(b, i)
	if i >= len(b) {
		return nil, s.fail(), false
	}
	switch c := b[i]; {
	case c == '}':
		return nil, i + 1, false
	case first:
	case c == ',':
		i = WS(b, i+1)
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
	i = WS(b, end)
	if i >= len(b) || b[i] != ':' {
		return nil, s.fail(), false
	}
	v = WS(b, i+1)
	if v >= len(b) {
		return nil, s.fail(), false
	}
	return key, v, true
}

// fold returns the key (the JSON string literal, quoted) folded as
// encoding/json folds keys. The result is only valid until the next call.
// A plain key longer than any member name comes back empty.
func (s *scanner) fold(quoted []byte) []byte {
	n := 0
	for _, c := range quoted[1 : len(quoted)-1] {
		if c >= 0x80 || c == '\\' {
			// Escapes or non-ASCII: rare, so unquote and fold rune by
			// rune (this allocates).
			return appendFolded(s.key[:0], Unquote(quoted))
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
			if depth+n+1 > MaxDepth {
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
			i = WS(b, i+1)
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
			i = WS(b, i)
			if i >= len(b) {
				return s.fail()
			}
			obj := stack[(n-1)/64]&(1<<((n-1)%64)) != 0
			if c := b[i]; c == ',' {
				i = WS(b, i+1)
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
	i = WS(b, i)
	if i >= len(b) || b[i] != ':' {
		return s.fail()
	}
	return WS(b, i+1)
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
