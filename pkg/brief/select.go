package brief

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/scope"
)

// Side is one snapshot of a briefing.
type Side struct {
	Label   string
	Created time.Time
	// Services calls fn once per service, sorted by address, port and
	// transport (store.Services), and stops with fn's error.
	Services func(fn func(*model.Service) error) error
}

// Config is one run of briefings: the scopes to brief, the snapshot and
// the earlier one, and what the notes need to say.
type Config struct {
	Scopes *scope.Set
	// Select lists the indexes of the scopes to brief; nil briefs every
	// scope of the set.
	Select []int
	Now    Side
	// Since is the earlier snapshot the changes are counted from; nil for
	// briefings without changes.
	Since *Side
	// Dir is where a temporary directory of spill files is made (one
	// file per scope); "" uses the system's temporary directory. The
	// directory is removed by [Run.Close].
	Dir string
	// Catalog gives product names and remediation; nil shows ids only.
	Catalog *catalog.Catalog
	// Meta is the snapshot's provenance (assemble.Meta): its notes,
	// range feeds, inputs and truncations make the briefing's notes.
	Meta report.Meta
	// Differences state, one line each, how the earlier snapshot's
	// method differs from the snapshot's (compare.Differences).
	Differences []string
	// NarrowedTo names the scopes the snapshot was collected for when
	// the collection was narrowed (collect --scope); nil for a census.
	NarrowedTo []string
	// SinceNarrowedTo is NarrowedTo of the earlier snapshot. A scope
	// that both snapshots were collected for (or a census) compares
	// alike, so a narrowing is not among Differences: a briefing warns
	// only when a snapshot was not collected for its scope.
	SinceNarrowedTo []string
	// Buffer is the most spill data held in memory before it is written
	// out; 0 means DefaultBuffer.
	Buffer int
	// InMemory is the largest spill file a briefing reads into memory; a
	// larger one is read record by record from the disk. 0 means
	// DefaultInMemory.
	InMemory int64
	// Support is the release data that judges each service's version
	// (docs/support.md); nil leaves the support status out. AsOf is the
	// day to judge on: the snapshot's newest observation, the day the
	// research report judges on (assemble.AsOf).
	Support *eol.Data
	AsOf    time.Time
	// IncludeHoneypots keeps the services of hosts flagged as honeypots
	// or decoys (model.Service.Honeypot) in every list and count, marked;
	// by default each snapshot leaves them out (as compare's diff does)
	// and each briefing's notes count those of its scope it left out.
	IncludeHoneypots bool
	// SinceIncomplete are the earlier snapshot's incomplete reasons
	// (store.Meta.IncompleteReasons), as Meta.Incomplete are the
	// snapshot's: services its runs did not reach would count as new,
	// so each briefing warns.
	SinceIncomplete []string
}

// Counts are a briefing's figures. Services, Hosts and the auth counts
// are of the snapshot; the rest need an earlier snapshot.
type Counts struct {
	Services int `json:"services"`
	Hosts    int `json:"hosts"`
	Open     int `json:"open"`
	// LikelyOpen counts the services likely open: inferred from the
	// product's default configuration, not proven; never among Open.
	LikelyOpen   int `json:"likely_open"`
	AuthRequired int `json:"auth_required"`
	Unknown      int `json:"unknown"`

	// WithVersion, EndOfLife and OpenEndOfLife count the services that
	// named a version, those of them running a release past its end of
	// life on the as-of day, and those both open and end of life (0
	// without release data).
	WithVersion   int `json:"with_version"`
	EndOfLife     int `json:"end_of_life"`
	OpenEndOfLife int `json:"open_end_of_life"`

	New           int `json:"new"`             // in the scope now, not then
	NewOpen       int `json:"new_open"`        // new and open
	Gone          int `json:"gone"`            // in the scope then, not now
	GoneOpen      int `json:"gone_open"`       // gone, and open then
	Persisting    int `json:"persisting"`      // in the scope then and now
	NowOpen       int `json:"now_open"`        // persisting, open now and not then
	NowClosed     int `json:"now_closed"`      // persisting, open then and auth_required now (fixed)
	OpenToUnknown int `json:"open_to_unknown"` // persisting, open then and unknown now
	OpenBoth      int `json:"open_both"`       // persisting, open then and now
}

// ProductCount is one product of a briefing.
type ProductCount struct {
	ID       string
	Name     string
	Services int
	Open     int
	// Remediation is the catalog's advice for the product; nil when the
	// catalog has none (or was not given).
	Remediation *catalog.Remediation
}

// acc is one scope's pass-1 state: its counts and its spill buffer.
type acc struct {
	id       int
	t        Counts
	products map[string]*ProductCount
	last     netip.Addr
	awsNone  int
	noEngine int
	sup      *eol.Tally // the scope's support figures; nil without release data
	// honey counts the scope's services on honeypot hosts in the
	// snapshot, and their distinct hosts (lastHoney: the stream is
	// sorted by address), whether left out or included.
	honey     report.Honeypots
	lastHoney netip.Addr

	buf     []byte
	file    string
	records int
	flushed bool
}

// Run holds the selected services of every scope of a run, spilled to
// one temporary file per scope, and their counts. Open each scope's
// briefing with [Run.Brief], one at a time; Close removes the files.
type Run struct {
	cfg    Config
	dir    string
	accs   []*acc
	byID   map[int]*acc
	held   int // bytes buffered over all scopes
	budget int
	// judge judges each version once for every scope (nil without
	// release data or an as-of day).
	judge *eol.Tally
}

// DefaultBuffer is the spill data held in memory before it is written
// out, when Config.Buffer is 0.
const DefaultBuffer = 32 << 20

// Select reads the snapshot (and the earlier one, merge-joined on
// address, port and transport) once, matches each service against the
// scope index once, and spills every service of a selected scope to that
// scope's file in the store's order, counting as it goes. Memory is
// bounded by Config.Buffer plus the counts, whatever the snapshot's size.
func Select(ctx context.Context, cfg Config) (*Run, error) {
	if cfg.Scopes == nil || cfg.Now.Services == nil {
		return nil, errors.New("brief: a run needs scopes and a snapshot")
	}
	sel := cfg.Select
	if sel == nil {
		sel = make([]int, cfg.Scopes.Len())
		for i := range sel {
			sel[i] = i
		}
	}
	dir, err := os.MkdirTemp(cfg.Dir, ".orchex-brief-*")
	if err != nil {
		return nil, fmt.Errorf("brief: spill directory: %w", err)
	}
	r := &Run{cfg: cfg, dir: dir, byID: make(map[int]*acc, len(sel)), budget: cmpOr(cfg.Buffer, DefaultBuffer)}
	if cfg.Support != nil && !cfg.AsOf.IsZero() {
		r.judge, _ = eol.NewTally(cfg.Support, cfg.AsOf) // the as-of day is not zero
	}
	for k, id := range sel {
		if id < 0 || id >= cfg.Scopes.Len() {
			r.Close()
			return nil, fmt.Errorf("brief: scope index %d out of range", id)
		}
		if _, dup := r.byID[id]; dup {
			continue
		}
		a := &acc{id: id, products: map[string]*ProductCount{}, file: filepath.Join(dir, strconv.Itoa(k)+".spill"),
			honey: report.Honeypots{Included: cfg.IncludeHoneypots}}
		if r.judge != nil {
			a.sup, _ = eol.NewTally(cfg.Support, cfg.AsOf)
		}
		r.accs = append(r.accs, a)
		r.byID[id] = a
	}
	if err := r.pass(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func cmpOr(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

// Close removes the spill files.
func (r *Run) Close() error {
	if r.dir == "" {
		return nil
	}
	err := os.RemoveAll(r.dir)
	r.dir = ""
	return err
}

// Len returns the number of scopes of the run.
func (r *Run) Len() int { return len(r.accs) }

// Scope returns the k-th scope of the run (0 ≤ k < Len), in the order
// selected.
func (r *Run) Scope(k int) *scope.Scope { return r.cfg.Scopes.Scope(r.accs[k].id) }

// Counts returns the k-th scope's figures.
func (r *Run) Counts(k int) Counts { return r.accs[k].t }

// pass is the one streaming pass over both snapshots.
func (r *Run) pass(ctx context.Context) error {
	now, stopNow := compare.Pull(r.cfg.Now.Label, r.cfg.Now.Services)
	defer stopNow()
	var then *compare.Cursor
	if r.cfg.Since != nil {
		var stop func()
		then, stop = compare.Pull(r.cfg.Since.Label, r.cfg.Since.Services)
		defer stop()
		if err := then.Advance(); err != nil {
			return fmt.Errorf("brief: %w", err)
		}
	}
	if err := now.Advance(); err != nil {
		return fmt.Errorf("brief: %w", err)
	}
	var mn, mt []int
	var rec record
	steps := 0
	for now.Cur != nil || (then != nil && then.Cur != nil) {
		if steps++; steps&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c := -1 // only now
		switch {
		case then == nil || then.Cur == nil:
		case now.Cur == nil:
			c = 1
		default:
			c = now.Cur.Key.Compare(then.Cur.Key)
		}
		mn, mt = mn[:0], mt[:0]
		// Each side leaves out its honeypot hosts' services on its own
		// (unless included), as compare's diff does: a service flagged
		// in one snapshot only is new or gone.
		if c <= 0 {
			f := scope.ServiceFacts(now.Cur)
			mn = r.cfg.Scopes.AppendMatches(mn, &f)
			if now.Cur.Honeypot != 0 {
				r.countHoneypot(mn, now.Cur.Addr)
				if !r.cfg.IncludeHoneypots {
					mn = mn[:0]
				}
			}
		}
		if c >= 0 && (then.Cur.Honeypot == 0 || r.cfg.IncludeHoneypots) {
			f := scope.ServiceFacts(then.Cur)
			mt = r.cfg.Scopes.AppendMatches(mt, &f)
		}
		// Both lists are ascending: walk them together.
		i, j := 0, 0
		for i < len(mn) || j < len(mt) {
			var id int
			var inNow, inThen bool
			switch {
			case j == len(mt) || i < len(mn) && mn[i] < mt[j]:
				id, inNow = mn[i], true
				i++
			case i == len(mn) || mt[j] < mn[i]:
				id, inThen = mt[j], true
				j++
			default:
				id, inNow, inThen = mn[i], true, true
				i++
				j++
			}
			a := r.byID[id]
			if a == nil {
				continue
			}
			switch {
			case inNow && inThen:
				rec = record{change: Persisting, before: then.Cur.Auth.Verdict(), svc: *now.Cur}
			case inNow && r.cfg.Since != nil:
				rec = record{change: New, svc: *now.Cur}
			case inNow:
				rec = record{change: Unchanged, svc: *now.Cur}
			default:
				rec = record{change: Gone, before: then.Cur.Auth.Verdict(), svc: *then.Cur}
			}
			if err := r.add(a, &rec); err != nil {
				return err
			}
		}
		if c <= 0 {
			if err := now.Advance(); err != nil {
				return fmt.Errorf("brief: %w", err)
			}
		}
		if c >= 0 {
			if err := then.Advance(); err != nil {
				return fmt.Errorf("brief: %w", err)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return r.flush()
}

// countHoneypot counts a honeypot host's service at addr in each
// selected scope of ids.
func (r *Run) countHoneypot(ids []int, addr netip.Addr) {
	for _, id := range ids {
		a := r.byID[id]
		if a == nil {
			continue
		}
		a.honey.Services++
		if !a.lastHoney.IsValid() || a.lastHoney != addr {
			a.honey.Hosts++
			a.lastHoney = addr
		}
	}
}

// add counts rec in a and spills it.
func (r *Run) add(a *acc, rec *record) error {
	s := &rec.svc
	t := &a.t
	auth := s.Auth.Verdict()
	switch rec.change {
	case Gone:
		t.Gone++
		if rec.before == model.AuthOpen {
			t.GoneOpen++
		}
	default:
		t.Services++
		if !a.last.IsValid() || a.last != s.Addr {
			t.Hosts++
			a.last = s.Addr
		}
		switch auth {
		case model.AuthOpen:
			t.Open++
		case model.AuthLikelyOpen:
			t.LikelyOpen++
		case model.AuthRequired:
			t.AuthRequired++
		default:
			t.Unknown++
		}
		switch rec.change {
		case New:
			t.New++
			if auth == model.AuthOpen {
				t.NewOpen++
			}
		case Persisting:
			t.Persisting++
			switch {
			case rec.before == model.AuthOpen && auth == model.AuthOpen:
				t.OpenBoth++
			case auth == model.AuthOpen:
				t.NowOpen++
			case rec.before == model.AuthOpen && auth == model.AuthRequired:
				t.NowClosed++
			case rec.before == model.AuthOpen:
				t.OpenToUnknown++
			}
		}
		p := a.products[s.Product]
		if p == nil {
			p = &ProductCount{ID: s.Product}
			a.products[s.Product] = p
		}
		p.Services++
		if auth == model.AuthOpen {
			p.Open++
		}
		if r.judge != nil {
			f := supportFacts(s)
			v := r.judge.Judge(f)
			a.sup.AddJudged(f, v, 1)
			if v.Status != eol.NoVersion {
				t.WithVersion++
			}
			if v.Status == eol.EndOfLife {
				t.EndOfLife++
				if auth == model.AuthOpen {
					t.OpenEndOfLife++
				}
			}
		}
		if s.Cloud.Provider == report.AWS {
			if _, known := cloud.InUS(report.AWS, s.Cloud.Region); !known {
				a.awsNone++
			}
		}
		if s.Engines&(model.SeenShodan|model.SeenCensys) == 0 {
			a.noEngine++
		}
	}
	before := len(a.buf)
	a.buf = appendRecord(a.buf, rec)
	a.records++
	r.held += len(a.buf) - before
	if r.held > r.budget {
		return r.flush()
	}
	return nil
}

// flush writes every scope's buffered records to its file.
func (r *Run) flush() error {
	for _, a := range r.accs {
		if len(a.buf) == 0 {
			continue
		}
		flag := os.O_WRONLY | os.O_CREATE | os.O_APPEND
		if !a.flushed {
			flag |= os.O_EXCL
		}
		f, err := os.OpenFile(a.file, flag, 0o600)
		if err != nil {
			return fmt.Errorf("brief: spill file: %w", err)
		}
		_, err = f.Write(a.buf)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("brief: spill file %s: %w (is the disk full?)", a.file, err)
		}
		a.flushed = true
		// Keep a buffer no larger than the scope's share of the budget:
		// capacities kept by hundreds of scopes would add up.
		if cap(a.buf) > r.budget/len(r.accs) {
			a.buf = nil
		} else {
			a.buf = a.buf[:0]
		}
	}
	r.held = 0
	return nil
}

// products returns a scope's products, those with open services first
// (most open first), then by services, then by name, with names and
// remediation from the catalog.
func (r *Run) products(a *acc) []ProductCount {
	out := make([]ProductCount, 0, len(a.products))
	for _, p := range a.products {
		q := *p
		q.Name = q.ID
		if q.ID == "" {
			q.Name = report.UnknownKey
		}
		if r.cfg.Catalog != nil {
			if cp, ok := r.cfg.Catalog.Product(q.ID); ok {
				q.Name = cp.Name
				q.Remediation = cp.Remediation
			}
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(x, y ProductCount) int {
		if x.Open != y.Open {
			return y.Open - x.Open
		}
		if x.Services != y.Services {
			return y.Services - x.Services
		}
		if x.Name != y.Name {
			if x.Name < y.Name {
				return -1
			}
			return 1
		}
		if x.ID < y.ID {
			return -1
		}
		if x.ID > y.ID {
			return 1
		}
		return 0
	})
	return out
}

// supportFacts are what the release calendars judge of a service.
func supportFacts(s *model.Service) eol.Facts {
	return eol.Facts{Product: s.Product, Version: s.Version, Auth: s.Auth.Verdict(), Names: s.Hostnames}
}
