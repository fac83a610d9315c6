package collect

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/store"
)

// Scope narrows a collection to one scope's networks (pkg/scope:
// Scope.Narrowing): every catalog query is restricted with the engine's
// own filters, so that the engine returns, and charges for, that part of
// the internet only. The filters decide what is fetched; the scope's
// matching rules decide what a briefing counts.
type Scope struct {
	Name      string // the scope's name
	File      string // the scopes file's base name
	Narrowing source.Narrowing
}

func (s *Scope) norm() source.Narrowing { return s.Narrowing.Normalized() }

// Digest returns the SHA-256 of the normalized narrowing, in hex: two
// versions of a scope have different digests.
func (s *Scope) Digest() string {
	n := s.norm()
	var b strings.Builder
	for _, p := range n.CIDRs {
		fmt.Fprintf(&b, "cidr %s\n", p)
	}
	for _, a := range n.ASNs {
		fmt.Fprintf(&b, "asn %d\n", a)
	}
	for _, x := range n.Orgs {
		fmt.Fprintf(&b, "org %q\n", x)
	}
	for _, x := range n.Domains {
		fmt.Fprintf(&b, "domain %q\n", x)
	}
	for _, x := range n.Countries {
		fmt.Fprintf(&b, "country %q\n", x)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// meta is the narrowing as the snapshot records it.
func (s *Scope) meta() store.NarrowingMeta {
	n := s.norm()
	return store.NarrowingMeta{Scope: s.Name, ScopesFile: s.File, CIDRs: len(n.CIDRs), ASNs: len(n.ASNs), Orgs: len(n.Orgs),
		Domains: len(n.Domains), Countries: len(n.Countries), Digest: s.Digest()}
}

// QueryID returns the id of the k-th (1-based) narrowed query of the
// catalog query id: "kubernetes-api/shodan/1@acme/2". Its pages are kept
// apart from the catalog query's, so a snapshot can resume either.
func (s *Scope) QueryID(id string, k int) string { return fmt.Sprintf("%s@%s/%d", id, s.Name, k) }

// narrow returns the narrowed queries of qs on e, in order. An engine
// without narrowing, or a query it cannot narrow safely, fails the whole
// collection before anything is fetched: a snapshot half narrowed would
// be neither a census nor the scope's.
func (s *Scope) narrow(e source.Engine, qs []source.Query) ([]source.Query, error) {
	c := source.CapsOf(e)
	if c.Narrower == nil {
		return nil, fmt.Errorf("%s: %w: the engine cannot filter queries by network", e.Name(), source.ErrCannotNarrow)
	}
	var out []source.Query
	for _, q := range qs {
		ns, err := c.Narrower.Narrow(q, s.Narrowing)
		if err != nil {
			return nil, fmt.Errorf("%s: narrowing %s to scope %s: %w", e.Name(), q.ID, s.Name, err)
		}
		for k, n := range ns {
			out = append(out, source.Query{ID: s.QueryID(q.ID, k+1), Product: q.Product, Text: n.Text})
		}
	}
	return out, nil
}
