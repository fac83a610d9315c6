package brief

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gaissmai/bart"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/scope"
)

// Brief is one scope's briefing: its figures, owners, products and
// notes, and its services, read from the scope's spill file in the
// briefing's order when written. Close it when written.
type Brief struct {
	Scope *scope.Scope
	// ScopesFile is the base name of the scopes file.
	ScopesFile string

	Snapshot        string
	SnapshotCreated time.Time
	// Since is the earlier snapshot's label; "" without one.
	Since        string
	SinceCreated time.Time

	Counts Counts
	// Honeypots counts the scope's services on hosts flagged as
	// honeypots or decoys, and those hosts, and says whether Counts and
	// every list include them (Config.IncludeHoneypots) or leave them out.
	Honeypots report.Honeypots
	Owners    []Owner
	Products  []ProductCount // open first (most open first), then by services
	// Support is the scope's support status per product, judged on the
	// snapshot's as-of day as the research report judges it; nil without
	// release data.
	Support *report.Support

	// Notes are the method notes of the snapshot (report.MethodNotes:
	// the same notes as the research report's), then the collection's
	// truncations and the method differences with the earlier snapshot.
	Notes []string
	// Warnings are notes a reader must see before any figure: the
	// snapshot is incomplete (report.Meta.Incomplete), or a snapshot was
	// collected for other scopes' networks only.
	Warnings []string
	// Method is how the snapshot was made.
	CatalogVersion string
	Engines        []string
	Differences    []string // with the earlier snapshot; empty when comparable

	judge   *eol.Tally // the run's verdicts; nil without release data
	src     io.ReaderAt
	closer  io.Closer
	entries []entry // current services, in the briefing's order
	gone    []entry // gone services, by address, port and transport
	blocks  []netip.Prefix
	owners  []string // owner names by rank
}

// Section is where a service is listed in a briefing: open services
// first, then the likely-open ones (inferred from the product's default
// configuration, not proven), then those demanding credentials, then
// those whose banner did not tell.
type Section uint8

// The sections of a briefing's services.
const (
	SectionOpen Section = iota
	SectionLikelyOpen
	SectionAuthRequired
	SectionUnknown
)

// Owner is a network owner of a briefing with its netblocks: an
// autonomous system when the engines gave one (Org is then the name the
// engines gave it most often: they spell one owner several ways), else an
// organisation name.
type Owner struct {
	ASN       uint32
	Org       string
	Services  int
	Open      int
	Netblocks []Netblock

	orgs map[string]int // names seen for an AS, and how often
}

// Name is how a briefing names the owner: "AS64500 ACME Corp", "AS64500",
// "ACME Corp", or "unknown owner".
func (o *Owner) Name() string { return ownerName(o.ASN, o.Org) }

func ownerName(asn uint32, org string) string {
	switch {
	case asn != 0 && org != "":
		return fmt.Sprintf("AS%d %s", asn, org)
	case asn != 0:
		return fmt.Sprintf("AS%d", asn)
	case org != "":
		return org
	}
	return "unknown owner"
}

// Netblock is a network of an owner: the longest network of the scope
// that holds the service's address or, for an address the scope selects
// by another selector, its /24 (IPv4) or /48 (IPv6).
type Netblock struct {
	Prefix   netip.Prefix
	Declared bool // one of the scope's own networks
	Services int
	Open     int
}

type ownerKey struct {
	asn uint32
	org string
}

// entry locates one record of the spill file and says where the
// briefing lists it.
type entry struct {
	off     int64
	size    uint32
	seq     uint32
	owner   int32 // rank of the owner, after sorting
	block   int32 // rank of the netblock, after sorting
	section Section
	change  Change
	now     uint8 // what the auth verdict proves now (authCode of evidence)
	before  uint8 // what it proved then (authCode of evidence), for persisting and gone services
	eol     bool  // a current service running a release past its end of life
}

// DefaultInMemory is the largest spill file a briefing reads into
// memory when Config.InMemory is 0.
const DefaultInMemory = 64 << 20

// Brief opens the k-th scope's briefing (0 ≤ k < Len): it reads the
// scope's spill file once, groups the services by owner and netblock and
// orders them. Only one briefing need be open at a time.
func (r *Run) Brief(ctx context.Context, k int) (*Brief, error) {
	a := r.accs[k]
	sc := r.cfg.Scopes.Scope(a.id)
	b := &Brief{
		Scope: sc, ScopesFile: baseName(r.cfg.Scopes.File()),
		Snapshot: r.cfg.Now.Label, SnapshotCreated: r.cfg.Now.Created,
		Counts: a.t, Products: r.products(a), Honeypots: a.honey,
		CatalogVersion: r.cfg.Meta.CatalogVersion, Engines: slices.Clone(r.cfg.Meta.Engines),
		Differences: slices.Clone(r.cfg.Differences),
		judge:       r.judge,
	}
	if a.sup != nil {
		b.Support = report.NewSupport(a.sup.Support())
		names := b.names()
		for i := range b.Support.Products {
			p := &b.Support.Products[i]
			p.Name = cmp.Or(names[p.Product], p.Product)
		}
		b.Support.Total.Name = "All products"
	}
	if r.cfg.Since != nil {
		b.Since, b.SinceCreated = r.cfg.Since.Label, r.cfg.Since.Created
	}
	b.Notes, b.Warnings = r.notes(a, sc, b.Support)
	if a.records == 0 {
		b.src = bytes.NewReader(nil)
		return b, nil
	}
	limit := r.cfg.InMemory
	if limit <= 0 {
		limit = DefaultInMemory
	}
	if err := b.open(a.file, limit); err != nil {
		return nil, err
	}
	if err := b.index(ctx, a.records, sc); err != nil {
		b.Close()
		return nil, fmt.Errorf("brief: scope %s: %w", sc.Name, err)
	}
	return b, nil
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// open makes the spill file readable: in memory when it is small enough.
func (b *Brief) open(path string, limit int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("brief: spill file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("brief: spill file: %w", err)
	}
	if st.Size() <= limit {
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("brief: spill file %s: %w", path, err)
		}
		b.src = bytes.NewReader(data)
		return nil
	}
	b.src, b.closer = f, f
	return nil
}

// Close releases the spill file.
func (b *Brief) Close() error {
	if b.closer == nil {
		return nil
	}
	err := b.closer.Close()
	b.closer = nil
	return err
}

// index reads every record once: it places each in its owner, netblock
// and section, counts the owners and netblocks, and sorts.
func (b *Brief) index(ctx context.Context, n int, sc *scope.Scope) error {
	var nets bart.Table[int32]
	for i, p := range sc.CIDRs {
		nets.Insert(p, int32(i))
	}
	type blockAcc struct {
		owner, block int32
	}
	ownerIDs := map[ownerKey]int32{}
	blockIDs := map[netip.Prefix]int32{}
	var owners []Owner
	var blocks []Netblock
	ownerBlock := map[blockAcc]int{} // (owner, block) → index in owners[owner].Netblocks
	var rec record
	var hdr [4]byte
	var buf []byte
	off := int64(0)
	b.entries = make([]entry, 0, n)
	for seq := 0; ; seq++ {
		if seq&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := b.src.ReadAt(hdr[:], off); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("reading the spill file: %w", err)
		}
		size := binary.BigEndian.Uint32(hdr[:])
		if size > 1<<26 {
			return errCorrupt
		}
		buf = slices.Grow(buf[:0], int(size))[:size]
		if _, err := b.src.ReadAt(buf, off+4); err != nil {
			return fmt.Errorf("reading the spill file: %w", err)
		}
		if err := decodeRecord(buf, &rec); err != nil {
			return err
		}
		e := entry{off: off + 4, size: size, seq: uint32(seq), change: rec.change,
			now: authCode(rec.svc.Auth.Evidence()), before: authCode(rec.before.Evidence())}
		off += 4 + int64(size)
		if rec.change == Gone {
			b.gone = append(b.gone, e)
			continue
		}
		if b.judge != nil {
			e.eol = b.judge.Judge(supportFacts(&rec.svc)).Status == eol.EndOfLife
		}
		s := &rec.svc
		ok := ownerKey{s.ASN, s.Org}
		if s.ASN != 0 {
			ok.org = ""
		}
		oid, seen := ownerIDs[ok]
		if !seen {
			oid = int32(len(owners))
			ownerIDs[ok] = oid
			owners = append(owners, Owner{ASN: s.ASN, Org: strings.Clone(s.Org)})
		}
		if s.ASN != 0 && s.Org != "" {
			o := &owners[oid]
			if o.orgs == nil {
				o.orgs = map[string]int{}
			}
			if _, known := o.orgs[s.Org]; known || len(o.orgs) < 64 {
				o.orgs[strings.Clone(s.Org)]++
			}
		}
		pfx, declared := netblock(&nets, sc, s.Addr)
		bid, seen := blockIDs[pfx]
		if !seen {
			bid = int32(len(blocks))
			blockIDs[pfx] = bid
			blocks = append(blocks, Netblock{Prefix: pfx, Declared: declared})
		}
		open := s.Auth.Verdict() == model.AuthOpen
		o := &owners[oid]
		o.Services++
		k, seen := ownerBlock[blockAcc{oid, bid}]
		if !seen {
			k = len(o.Netblocks)
			ownerBlock[blockAcc{oid, bid}] = k
			o.Netblocks = append(o.Netblocks, blocks[bid])
		}
		o.Netblocks[k].Services++
		if open {
			o.Open++
			o.Netblocks[k].Open++
		}
		e.owner, e.block = oid, bid
		switch s.Auth.Verdict() {
		case model.AuthOpen:
			e.section = SectionOpen
		case model.AuthLikelyOpen:
			e.section = SectionLikelyOpen
		case model.AuthRequired:
			e.section = SectionAuthRequired
		default:
			e.section = SectionUnknown
		}
		b.entries = append(b.entries, e)
	}
	// An AS is named by the name its services give most often.
	for i := range owners {
		o := &owners[i]
		best := 0
		for name, n := range o.orgs {
			if n > best || n == best && name < o.Org {
				o.Org, best = name, n
			}
		}
		o.orgs = nil
	}
	// Owners: most open services first, then most services, then by
	// ASN and name; netblocks by address.
	order := make([]int32, len(owners))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		a, c := &owners[x], &owners[y]
		return cmp.Or(cmp.Compare(c.Open, a.Open), cmp.Compare(c.Services, a.Services),
			cmp.Compare(a.ASN, c.ASN), cmp.Compare(a.Org, c.Org))
	})
	ownerRank := make([]int32, len(owners))
	b.Owners = make([]Owner, len(owners))
	b.owners = make([]string, len(owners))
	for r, id := range order {
		ownerRank[id] = int32(r)
		o := owners[id]
		slices.SortFunc(o.Netblocks, func(x, y Netblock) int { return comparePrefix(x.Prefix, y.Prefix) })
		b.Owners[r] = o
		b.owners[r] = o.Name()
	}
	border := make([]int32, len(blocks))
	for i := range border {
		border[i] = int32(i)
	}
	slices.SortFunc(border, func(x, y int32) int { return comparePrefix(blocks[x].Prefix, blocks[y].Prefix) })
	blockRank := make([]int32, len(blocks))
	b.blocks = make([]netip.Prefix, len(blocks))
	for r, id := range border {
		blockRank[id] = int32(r)
		b.blocks[r] = blocks[id].Prefix
	}
	for i := range b.entries {
		e := &b.entries[i]
		e.owner, e.block = ownerRank[e.owner], blockRank[e.block]
	}
	slices.SortFunc(b.entries, func(x, y entry) int {
		return cmp.Or(cmp.Compare(x.section, y.section), cmp.Compare(x.owner, y.owner),
			cmp.Compare(x.block, y.block), cmp.Compare(x.seq, y.seq))
	})
	return nil
}

// netblock returns the netblock of addr in scope sc: the longest of the
// scope's networks holding it, else its /24 or /48.
func netblock(nets *bart.Table[int32], sc *scope.Scope, addr netip.Addr) (netip.Prefix, bool) {
	addr = addr.Unmap().WithZone("")
	if i, ok := nets.Lookup(addr); ok {
		return sc.CIDRs[i], true
	}
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, _ := addr.Prefix(bits)
	return p, false
}

// comparePrefix orders networks IPv4 first, by address, shorter first.
func comparePrefix(a, b netip.Prefix) int {
	return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
}

// Service is one service of a briefing as every output shows it.
type Service struct {
	model.Service
	Change Change
	// Before is the auth verdict in the earlier snapshot, for persisting
	// and gone services; "" otherwise.
	Before model.Auth
	// Section is where the briefing lists it; Owner and Netblock the
	// group it is listed under.
	Section  Section
	Owner    string
	Netblock netip.Prefix
	// Support is the verdict on the service's version, for a current
	// service of a briefing made with release data; zero (Status "")
	// otherwise.
	Support eol.Verdict
}

// AuthChange names how a persisting service's auth verdict changed:
// "now_open", "now_closed" (open to auth_required: fixed),
// "open_to_unknown", "auth_required_to_unknown",
// "unknown_to_auth_required", or "" when it did not (or the service is
// not persisting). It is judged on what each verdict proves (evidence):
// likely_open counts as unknown, so open → likely_open is
// "open_to_unknown" and likely_open ↔ unknown no change.
func (s *Service) AuthChange() string {
	if s.Change != Persisting {
		return ""
	}
	now, before := s.Auth.Evidence(), s.Before.Evidence()
	switch {
	case now == before:
		return ""
	case now == model.AuthOpen:
		return "now_open"
	case before == model.AuthOpen && now == model.AuthRequired:
		return "now_closed"
	case before == model.AuthOpen:
		return "open_to_unknown"
	case before == model.AuthRequired:
		return "auth_required_to_unknown"
	}
	return "unknown_to_auth_required"
}

// Filter picks services of a briefing: All, WithChange, NowOpen,
// NowClosed, OpenToUnknown, EndOfLife.
type Filter func(e *entry) bool

// All picks every current service.
func All(*entry) bool { return true }

// WithChange picks the services whose change is c.
func WithChange(c Change) Filter { return func(e *entry) bool { return e.change == c } }

// NowOpen picks persisting services open now and not before.
func NowOpen(e *entry) bool {
	return e.change == Persisting && e.now == authCode(model.AuthOpen) && e.before != authCode(model.AuthOpen)
}

// NowClosed picks persisting services open before and auth_required now.
func NowClosed(e *entry) bool {
	return e.change == Persisting && e.before == authCode(model.AuthOpen) && e.now == authCode(model.AuthRequired)
}

// EndOfLife picks the services running a release past its end of life.
func EndOfLife(e *entry) bool { return e.eol }

// OpenToUnknown picks persisting services open before whose banner no
// longer proves either way (unknown or likely_open now).
func OpenToUnknown(e *entry) bool {
	return e.change == Persisting && e.before == authCode(model.AuthOpen) && e.now == authCode(model.AuthUnknown)
}

// Each calls fn with each current service f picks, in the briefing's
// order (open services first, then likely_open, auth_required, unknown; within
// each, by owner, netblock, address, port and transport), and stops with
// fn's error. The *Service is reused between calls.
func (b *Brief) Each(f Filter, fn func(*Service) error) error {
	return b.each(b.entries, f, fn)
}

// eachGroup calls fn with the first k services of group g.
func (b *Brief) eachGroup(g group, k int, fn func(*Service) error) error {
	return b.each(b.entries[g.start:g.start+min(k, g.n)], All, fn)
}

// EachGone calls fn with each gone service, by address, port and
// transport.
func (b *Brief) EachGone(fn func(*Service) error) error {
	return b.each(b.gone, func(*entry) bool { return true }, fn)
}

func (b *Brief) each(es []entry, f Filter, fn func(*Service) error) error {
	var rec record
	var buf []byte
	var sv Service
	var nets bart.Table[int32]
	nb := false
	for i := range es {
		e := &es[i]
		if !f(e) {
			continue
		}
		buf = slices.Grow(buf[:0], int(e.size))[:e.size]
		if _, err := b.src.ReadAt(buf, e.off); err != nil {
			return fmt.Errorf("brief: scope %s: reading the spill file: %w", b.Scope.Name, err)
		}
		if err := decodeRecord(buf, &rec); err != nil {
			return fmt.Errorf("brief: scope %s: %w", b.Scope.Name, err)
		}
		sv = Service{Service: rec.svc, Change: rec.change, Before: rec.before, Section: e.section}
		if rec.change == Gone {
			if !nb {
				for i, p := range b.Scope.CIDRs {
					nets.Insert(p, int32(i))
				}
				nb = true
			}
			sv.Owner = ownerName(rec.svc.ASN, rec.svc.Org)
			sv.Netblock, _ = netblock(&nets, b.Scope, rec.svc.Addr)
		} else {
			sv.Owner = b.owners[e.owner]
			sv.Netblock = b.blocks[e.block]
			if b.judge != nil {
				sv.Support = b.judge.Judge(supportFacts(&rec.svc))
			}
		}
		if err := fn(&sv); err != nil {
			return err
		}
	}
	return nil
}

// group is a run of entries of one section, owner and netblock:
// b.entries[start:start+n].
type group struct {
	section      Section
	owner, block int32
	start, n     int
	open         int
}

// groups returns the runs of the sorted entries of section s.
func (b *Brief) groups(s Section) []group {
	var out []group
	for i := range b.entries {
		e := &b.entries[i]
		if e.section != s {
			continue
		}
		if n := len(out); n == 0 || out[n-1].owner != e.owner || out[n-1].block != e.block {
			out = append(out, group{section: s, owner: e.owner, block: e.block, start: i})
		}
		g := &out[len(out)-1]
		g.n++
		if e.now == authCode(model.AuthOpen) {
			g.open++
		}
	}
	return out
}

// notes returns a scope's method notes and its warnings.
func (r *Run) notes(a *acc, sc *scope.Scope, sup *report.Support) (notes, warnings []string) {
	m := r.cfg.Meta
	notes = report.MethodNotes(m, report.NoteCounts{Services: a.t.Services, AWSNoRegion: a.awsNone, NoEngine: a.noEngine, Support: sup,
		Honeypots: a.honey, LikelyOpen: a.t.LikelyOpen})
	for _, t := range m.Truncations {
		notes = append(notes, "Collection stopped early: "+t+"; services it did not reach are missing from this briefing.")
	}
	for _, in := range m.Inputs {
		if in.Truncated != "" {
			notes = append(notes, "Collection stopped early: "+in.Name+": "+in.Truncated+"; services it did not reach are missing from this briefing.")
		}
	}
	if r.cfg.Since != nil {
		for _, d := range r.cfg.Differences {
			notes = append(notes, "Compared with snapshot "+r.cfg.Since.Label+", the method changed ("+d+"): a change in method is not a change in the internet.")
		}
	}
	if len(m.Incomplete) > 0 {
		warnings = append(warnings, "Snapshot "+r.cfg.Now.Label+" is incomplete: "+report.Plural(len(m.Incomplete), "a run", "runs")+
			" that filled it did not finish ("+strings.Join(m.Incomplete, "; ")+"). This briefing counts what was observed until then: "+
			"its figures are lower bounds, and services of "+sc.Name+" the runs did not reach are missing.")
	}
	if r.cfg.Since != nil && len(r.cfg.SinceIncomplete) > 0 {
		in := r.cfg.SinceIncomplete
		warnings = append(warnings, "Snapshot "+r.cfg.Since.Label+", the earlier snapshot, is incomplete: "+report.Plural(len(in), "a run", "runs")+
			" that filled it did not finish ("+strings.Join(in, "; ")+"). Services of "+sc.Name+" those runs did not reach count as new here "+
			"(and are not counted as gone or as changed): the new services and their counts may hold services that were already exposed then.")
	}
	covers := func(names []string) bool {
		return len(names) == 0 || slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, sc.Name) })
	}
	if !covers(r.cfg.NarrowedTo) {
		warnings = append(warnings, "Snapshot "+r.cfg.Now.Label+" was collected for scope "+strings.Join(r.cfg.NarrowedTo, ", ")+
			" only, not for "+sc.Name+": services of "+sc.Name+" outside those networks are missing.")
	}
	if r.cfg.Since != nil && !covers(r.cfg.SinceNarrowedTo) {
		warnings = append(warnings, "Snapshot "+r.cfg.Since.Label+" was collected for scope "+strings.Join(r.cfg.SinceNarrowedTo, ", ")+
			" only, not for "+sc.Name+": services of "+sc.Name+" it did not collect count as new.")
	}
	return notes, warnings
}
