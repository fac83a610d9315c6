package scope

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/gaissmai/bart"
	"golang.org/x/net/idna"

	"github.com/orchex/orchex/pkg/model"
)

// Set is a validated scopes file, indexed for matching. It is read-only
// and safe for concurrent use.
type Set struct {
	file     string
	scopes   []Scope
	warnings []*Problem
	byName   map[string]int // lower-case name → index

	// nets maps each network of any scope to an entry of idsets: the
	// scopes naming that network or any network containing it, so that one
	// longest-prefix lookup gives every scope an address is in.
	nets      bart.Fast[uint32]
	idsets    [][]int32
	asns      map[uint32][]int32
	orgs      map[string][]int32 // by orgKey
	domains   map[string][]int32 // by lower-case ASCII domain
	countries map[string][]int32 // by upper-case code
}

func newSet(file string, scopes []Scope, warnings []*Problem) *Set {
	s := &Set{file: file, scopes: scopes, warnings: warnings, byName: make(map[string]int, len(scopes)),
		asns: map[uint32][]int32{}, orgs: map[string][]int32{}, domains: map[string][]int32{}, countries: map[string][]int32{}}
	own := map[netip.Prefix][]int32{}
	for i := range scopes {
		sc := &scopes[i]
		id := int32(i)
		s.byName[strings.ToLower(sc.Name)] = i
		for _, p := range sc.CIDRs {
			own[p] = append(own[p], id)
		}
		for _, a := range sc.ASNs {
			s.asns[a] = append(s.asns[a], id)
		}
		for _, o := range sc.Orgs {
			k := orgKey(o)
			if !slices.Contains(s.orgs[k], id) { // "ACME" and "acme" in one scope
				s.orgs[k] = append(s.orgs[k], id)
			}
		}
		for _, d := range sc.Domains {
			s.domains[d] = append(s.domains[d], id)
		}
		for _, c := range sc.Countries {
			s.countries[c] = append(s.countries[c], id)
		}
	}
	// Insert networks shortest first: when a network is inserted, every
	// network containing it is already in the table, and the longest of
	// them carries the scopes of all of them.
	ps := make([]netip.Prefix, 0, len(own))
	for p := range own {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := cmp.Compare(a.Bits(), b.Bits()); c != 0 {
			return c
		}
		return a.Addr().Compare(b.Addr())
	})
	interned := map[string]uint32{}
	var key []byte
	for _, p := range ps {
		ids := own[p] // ascending: scopes were visited in order
		if v, ok := s.nets.LookupPrefix(p); ok {
			ids = union(s.idsets[v], ids)
		}
		key = key[:0]
		for _, id := range ids {
			key = append(key, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
		}
		v, ok := interned[string(key)]
		if !ok {
			v = uint32(len(s.idsets))
			s.idsets = append(s.idsets, ids)
			interned[string(key)] = v
		}
		s.nets.Insert(p, v)
	}
	return s
}

// union merges two ascending id lists.
func union(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// File returns the name the set was loaded from.
func (s *Set) File() string { return s.file }

// Len returns the number of scopes.
func (s *Set) Len() int { return len(s.scopes) }

// Scope returns the scope at index i (0 ≤ i < Len), in file order. The
// caller must not modify it.
func (s *Set) Scope(i int) *Scope { return &s.scopes[i] }

// Index returns the index of the scope named name, compared ignoring case.
func (s *Set) Index(name string) (int, bool) {
	i, ok := s.byName[strings.ToLower(name)]
	return i, ok
}

// Names lists the scopes' names, comma-separated, the first limit of
// them and then "and N more": for a message naming the scopes a file
// holds.
func (s *Set) Names(limit int) string {
	var names []string
	for i := 0; i < len(s.scopes) && i < limit; i++ {
		names = append(names, s.scopes[i].Name)
	}
	if len(s.scopes) > limit {
		names = append(names, fmt.Sprintf("and %d more", len(s.scopes)-limit))
	}
	return strings.Join(names, ", ")
}

// Warnings returns the problems that did not make the file unusable (a
// value listed twice, a network inside another of the same scope, a
// top-level domain), in line order.
func (s *Set) Warnings() []*Problem { return s.warnings }

// Networks returns the number of distinct networks over all scopes.
func (s *Set) Networks() int { return s.nets.Size() }

// Facts are what scope matching looks at in a service. The zero value is
// in no scope.
type Facts struct {
	Addr    netip.Addr // IPv4, IPv6, or IPv4-mapped IPv6 (matched as IPv4)
	ASN     uint32     // 0 when unknown
	Org     string     // the engine's organisation name
	Country string     // ISO 3166-1 alpha-2
	Names   []string   // hostnames and TLS names (subject CN, SANs)
}

// ServiceFacts returns the facts of a stored service. A service keeps its
// hostnames, not its certificate's names: TLS names count for a service
// only when the store keeps them (see ObservationFacts).
func ServiceFacts(svc *model.Service) Facts {
	return Facts{Addr: svc.Addr, ASN: svc.ASN, Org: svc.Org, Country: svc.Country, Names: svc.Hostnames}
}

// ObservationFacts returns the facts of an engine observation, with the
// TLS subject CN and SANs among its names.
func ObservationFacts(o *model.Observation) Facts {
	f := Facts{Addr: o.Addr, ASN: o.ASN, Org: o.Org, Country: o.Country, Names: o.Hostnames}
	if o.TLS != nil {
		f.Names = make([]string, 0, len(o.Hostnames)+1+len(o.TLS.SANs))
		f.Names = append(append(append(f.Names, o.Hostnames...), o.TLS.SubjectCN), o.TLS.SANs...)
	}
	return f
}

// Match returns the names of the scopes f is in, in file order, or nil.
func (s *Set) Match(f *Facts) []string {
	var buf [8]int
	ids := s.AppendMatches(buf[:0], f)
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.scopes[id].Name
	}
	return out
}

// MatchService returns the names of the scopes svc is in.
func (s *Set) MatchService(svc *model.Service) []string {
	f := ServiceFacts(svc)
	return s.Match(&f)
}

// AppendMatches appends the indexes of the scopes f is in to dst, in
// ascending order without duplicates, and returns the extended slice. With
// a dst of enough capacity it does not allocate, except for a name or
// organisation outside ASCII.
func (s *Set) AppendMatches(dst []int, f *Facts) []int {
	start := len(dst)
	s.lists(f, func(ids []int32) bool {
		for _, id := range ids {
			dst = append(dst, int(id))
		}
		return true
	})
	if len(dst)-start > 1 {
		m := dst[start:]
		slices.Sort(m)
		dst = dst[:start+len(slices.Compact(m))]
	}
	return dst
}

// Contains reports whether f is in the scope at index i.
func (s *Set) Contains(i int, f *Facts) bool {
	found := false
	s.lists(f, func(ids []int32) bool {
		_, found = slices.BinarySearch(ids, int32(i))
		return !found
	})
	return found
}

// lists calls yield with the ascending scope-id list of each selector
// value f matches, until yield returns false.
func (s *Set) lists(f *Facts, yield func([]int32) bool) {
	if f.Addr.IsValid() {
		if v, ok := s.nets.Lookup(f.Addr.Unmap().WithZone("")); ok && !yield(s.idsets[v]) {
			return
		}
	}
	if f.ASN != 0 && len(s.asns) > 0 {
		if ids, ok := s.asns[f.ASN]; ok && !yield(ids) {
			return
		}
	}
	var buf [256]byte
	if f.Org != "" && len(s.orgs) > 0 {
		var ids []int32
		if b, ok := foldASCII(buf[:0], strings.TrimSpace(f.Org)); ok {
			ids = s.orgs[string(b)]
		} else {
			ids = s.orgs[orgKey(f.Org)]
		}
		if ids != nil && !yield(ids) {
			return
		}
	}
	if len(f.Country) == 2 && len(s.countries) > 0 {
		b := [2]byte{upper(f.Country[0]), upper(f.Country[1])}
		if ids, ok := s.countries[string(b[:])]; ok && !yield(ids) {
			return
		}
	}
	if len(s.domains) == 0 {
		return
	}
	for _, name := range f.Names {
		name = strings.TrimPrefix(strings.TrimSuffix(name, "."), "*.")
		if name == "" {
			continue
		}
		b, ok := foldASCII(buf[:0], name)
		if !ok {
			a, err := idna.Lookup.ToASCII(name)
			if err != nil {
				continue
			}
			b = append(buf[:0], a...)
		}
		// The name, then each suffix after a dot: api.acme.example,
		// acme.example, example.
		for i := 0; i < len(b); i++ {
			if i > 0 && b[i-1] != '.' {
				continue
			}
			if ids, ok := s.domains[string(b[i:])]; ok && !yield(ids) {
				return
			}
		}
	}
}

// foldASCII appends s lower-cased to dst; ok is false when s is not ASCII.
func foldASCII(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return dst, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
