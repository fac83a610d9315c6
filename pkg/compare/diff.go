package compare

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
)

// SchemaVersion is the version of the diff and trend JSON layouts in
// docs/compare.md. It changes when a key is renamed, removed or changes
// meaning; new keys may appear within a version. Version 2: honeypot
// services are left out of every count by default, unknown no longer
// holds likely-open services, and a change in percent says
// change_percent.
const SchemaVersion = 2

// Names and limits used by NewDiff.
const (
	// NoProvider stands for services in no known cloud.
	NoProvider = "none"
	// UnknownKey stands for an empty product, region or country.
	UnknownKey = "unknown"
	// AWS is the provider id of Amazon Web Services.
	AWS = "aws"

	// maxKeys caps the distinct keys counted per table, so that hostile
	// data cannot grow memory without bound; maxKeyLen caps a key.
	maxKeys   = 1 << 14
	maxKeyLen = 128
)

// Services streams a snapshot's services: it calls fn once per service,
// sorted by address, port and transport (the order of store.Services),
// and stops with fn's error when fn returns one.
type Services func(fn func(*model.Service) error) error

// Input is one side of a diff.
type Input struct {
	Label    string
	Created  time.Time
	Method   Method
	Services Services
	// Incomplete lists why the snapshot is not a complete observation
	// (store.Meta.IncompleteReasons); empty when it is.
	Incomplete []string
}

// Options are the reader's choices for a diff.
type Options struct {
	// IncludeAddresses fills Diff.Addresses with the per-service lists
	// (new, gone, auth changed, moved). Published diffs carry aggregates
	// only.
	IncludeAddresses bool
	// IncludeHoneypots counts the services of hosts flagged as honeypots
	// (model.Service.Honeypot); by default both sides leave them out and
	// the notes say how many.
	IncludeHoneypots bool
	// Support, when not nil, judges each side's versions by these release
	// calendars, A on AsOfA and B on AsOfB (each snapshot's newest
	// observation, as its report judges it): Diff.Support.
	Support      *eol.Data
	AsOfA, AsOfB time.Time
}

// Diff is what changed from snapshot A (earlier) to snapshot B (later).
// Its JSON encoding is the document of orchex diff --format json
// (docs/compare.md); slices are never nil.
type Diff struct {
	SchemaVersion int          `json:"schema_version"`
	A             Side         `json:"a"`
	B             Side         `json:"b"`
	Comparable    bool         `json:"comparable"` // the methods are the same
	Differences   []Difference `json:"method_differences"`

	Totals   Totals    `json:"totals"`
	Services Movement  `json:"services"`
	Auth     AuthMoves `json:"auth_changes"`

	ByProduct   []Delta `json:"by_product"`
	ByProvider  []Delta `json:"by_provider"`
	ByAWSRegion []Delta `json:"by_aws_region"`
	ByCountry   []Delta `json:"by_country"`

	// Support is the end of life of each side, each judged on its own
	// as-of day, and the persisting services that crossed it; absent
	// without release data.
	Support *SupportMoves `json:"support,omitempty"`

	Notes []string `json:"notes"`

	// Scope names the scope whose services alone are compared (diff
	// --scope); "" (absent from the JSON) for every service.
	Scope string `json:"scope,omitempty"`

	AddressesIncluded bool `json:"addresses_included"`
	// Addresses holds the per-service lists; nil (absent from the JSON)
	// unless Options.IncludeAddresses.
	Addresses *Addresses `json:"addresses,omitempty"`
}

// Side names one snapshot of a diff, its method, whether it is a
// complete observation and how many services of honeypot hosts it held
// (left out of every count unless Options.IncludeHoneypots).
type Side struct {
	Snapshot     string              `json:"snapshot"`
	Created      time.Time           `json:"created"`
	Completeness report.Completeness `json:"completeness"`
	Method       Method              `json:"method"`
	Honeypots    int                 `json:"honeypot_services"`
}

// Totals are the snapshot-wide counts then and now. Open, LikelyOpen,
// AuthRequired and Unknown partition Services.
type Totals struct {
	Services     Delta `json:"services"`
	Hosts        Delta `json:"hosts"`
	Open         Delta `json:"open"`
	LikelyOpen   Delta `json:"likely_open"`
	AuthRequired Delta `json:"auth_required"`
	Unknown      Delta `json:"unknown"`
}

// Movement counts services by identity (address, port, transport).
// New + Persisting is B's total; Gone + Persisting is A's.
type Movement struct {
	New        int `json:"new"`        // in B, not in A
	Gone       int `json:"gone"`       // in A, not in B
	Persisting int `json:"persisting"` // in both
	// Moved counts persisting services whose provider or region changed.
	Moved int `json:"moved"`
	// Reclassified counts persisting services whose product changed.
	Reclassified int `json:"reclassified"`
}

// AuthMoves counts the auth status changes of persisting services.
// Regressions (auth_required → open) and remediations (open →
// auth_required) are the changes with evidence on both sides; a change to
// or from unknown says that a banner stopped or started telling, not that
// the service changed, so those are counted apart.
type AuthMoves struct {
	Regressions           int `json:"regressions"`  // auth_required → open
	Remediations          int `json:"remediations"` // open → auth_required
	OpenToUnknown         int `json:"open_to_unknown"`
	AuthRequiredToUnknown int `json:"auth_required_to_unknown"`
	UnknownToOpen         int `json:"unknown_to_open"`
	UnknownToAuthRequired int `json:"unknown_to_auth_required"`
	Unchanged             int `json:"unchanged"`
}

// SupportMoves is the support status of a diff's two sides: how many
// services named a version, how many of them ran a release past its end
// of life (and were open) in A on its as-of day and in B on its own, and
// how many persisting services crossed the line: end of life in B and
// not in A (their cycle's end passed, or they were downgraded), or the
// reverse (upgraded to a supported release).
type SupportMoves struct {
	AsOfA         string `json:"as_of_a"`
	AsOfB         string `json:"as_of_b"`
	WithVersion   Delta  `json:"with_version"`
	EndOfLife     Delta  `json:"end_of_life"`
	OpenEndOfLife Delta  `json:"open_end_of_life"`
	// BecameEndOfLife counts persisting services with a version on both
	// sides, end of life in B and not in A; LeftEndOfLife the reverse.
	BecameEndOfLife int `json:"became_end_of_life"`
	LeftEndOfLife   int `json:"left_end_of_life"`
}

// Delta is a count in A (Before) and in B (After). Percent is the change
// in percent of Before (a percentage, hence the key change_percent), nil
// (null) when Before is 0.
type Delta struct {
	Key     string   `json:"key,omitempty"` // the row's product, provider, region or country
	Before  int      `json:"before"`
	After   int      `json:"after"`
	Change  int      `json:"change"`
	Percent *float64 `json:"change_percent"`
}

// newDelta computes the change once, with report.NewChange, the
// computation report --compare uses too; Percent is rounded to two
// decimals for the JSON only, and text is written from Counts.
func newDelta(key string, before, after int) Delta {
	c := report.NewChange(before, after)
	d := Delta{Key: key, Before: before, After: after, Change: c.Delta}
	if c.HasPercent {
		p := math.Round(c.Percent*100) / 100
		d.Percent = &p
	}
	return d
}

// Counts returns the change as report.Change, from which every output
// writes it ("+1", "+12.5%", "new").
func (d Delta) Counts() report.Change { return report.NewChange(d.Before, d.After) }

// Addresses are the per-service lists a security team needs, sorted by
// address, port and transport.
type Addresses struct {
	New         []ServiceChange `json:"new"`
	Gone        []ServiceChange `json:"gone"`
	AuthChanged []ServiceChange `json:"auth_changed"`
	Moved       []ServiceChange `json:"moved"`
}

// ServiceChange is one service in a per-service list. Fields of a side
// the service is not in are empty.
type ServiceChange struct {
	Address   string `json:"address"`
	Port      int    `json:"port"`
	Transport string `json:"transport"`
	Product   string `json:"product"` // in B, or in A for a gone service
	// Change is "new", "gone", "regression", "remediation",
	// "open_to_unknown", "auth_required_to_unknown", "unknown_to_open",
	// "unknown_to_auth_required" or "moved".
	Change         string `json:"change"`
	AuthBefore     string `json:"auth_before"`
	AuthAfter      string `json:"auth_after"`
	ProviderBefore string `json:"provider_before"`
	RegionBefore   string `json:"region_before"`
	ProviderAfter  string `json:"provider_after"`
	RegionAfter    string `json:"region_after"`
	Country        string `json:"country"` // in B, or in A for a gone service
}

// NewDiff computes the diff from a (earlier) to b (later) in one pass
// over both service streams, merge-joined on (address, port, transport).
// Both streams must be sorted as the store sorts them; NewDiff returns an
// error naming the snapshot and position when one is not. Memory is
// bounded by the distinct products, providers, regions and countries,
// plus, with Options.IncludeAddresses, the changed services.
func NewDiff(ctx context.Context, a, b Input, o Options) (*Diff, error) {
	d := &Diff{
		SchemaVersion:     SchemaVersion,
		A:                 Side{Snapshot: a.Label, Created: a.Created.UTC(), Method: a.Method, Completeness: completeness(a.Incomplete)},
		B:                 Side{Snapshot: b.Label, Created: b.Created.UTC(), Method: b.Method, Completeness: completeness(b.Incomplete)},
		Differences:       Differences(a.Method, b.Method),
		Notes:             []string{},
		AddressesIncluded: o.IncludeAddresses,
	}
	d.Comparable = len(d.Differences) == 0
	if d.Differences == nil {
		d.Differences = []Difference{}
	}
	if o.IncludeAddresses {
		d.Addresses = &Addresses{New: []ServiceChange{}, Gone: []ServiceChange{}, AuthChanged: []ServiceChange{}, Moved: []ServiceChange{}}
	}
	j := &joiner{d: d, ctx: ctx}
	for i := range j.sides {
		j.sides[i] = newCounts()
	}
	if o.Support != nil && !o.AsOfA.IsZero() && !o.AsOfB.IsZero() {
		j.judges[0], _ = eol.NewTally(o.Support, o.AsOfA) // the days are not zero
		j.judges[1], _ = eol.NewTally(o.Support, o.AsOfB)
		d.Support = &SupportMoves{AsOfA: eol.Day(o.AsOfA), AsOfB: eol.Day(o.AsOfB)}
	}
	ca, stopA := Pull(a.Label, withoutHoneypots(a.Services, o.IncludeHoneypots, &d.A.Honeypots))
	defer stopA()
	cb, stopB := Pull(b.Label, withoutHoneypots(b.Services, o.IncludeHoneypots, &d.B.Honeypots))
	defer stopB()
	if err := j.run(ca, cb); err != nil {
		return nil, fmt.Errorf("compare: diff %s → %s: %w", a.Label, b.Label, err)
	}
	j.finish()
	if sm := d.Support; sm != nil {
		a, b := j.judges[0].Support().Total, j.judges[1].Support().Total
		sm.WithVersion = newDelta("", a.WithVersion, b.WithVersion)
		sm.EndOfLife = newDelta("", a.EndOfLife, b.EndOfLife)
		sm.OpenEndOfLife = newDelta("", a.OpenEndOfLife, b.OpenEndOfLife)
	}
	for _, s := range []Side{d.A, d.B} {
		if s.Honeypots == 0 {
			continue
		}
		what := "left out of every count (a diff asked to include honeypots counts them)"
		if o.IncludeHoneypots {
			what = "counted in every figure, as asked"
		}
		d.Notes = append(d.Notes, fmt.Sprintf("Snapshot %s holds %d %s on hosts flagged as honeypots or decoys, %s.",
			s.Snapshot, s.Honeypots, report.Plural(s.Honeypots, "service", "services"), what))
	}
	return d, nil
}

// completeness is the Completeness of a snapshot with these reasons.
func completeness(reasons []string) report.Completeness {
	return report.Completeness{Complete: len(reasons) == 0, Reasons: append([]string{}, reasons...)}
}

// withoutHoneypots returns s without the services of honeypot hosts
// (unless include), counting every honeypot service in *n.
func withoutHoneypots(s Services, include bool, n *int) Services {
	return func(fn func(*model.Service) error) error {
		return s(func(sv *model.Service) error {
			if sv.Honeypot != 0 {
				*n++
				if !include {
					return nil
				}
			}
			return fn(sv)
		})
	}
}

func keyString(k model.Key) string {
	return fmt.Sprintf("%s port %d/%s", k.Addr, k.Port, clip(k.Transport))
}

// counts are one side's per-table counters.
type counts struct {
	product, provider, awsRegion, country tally
	services, hosts, open, required       int
	likely, unknown                       int
	lastAddr                              *model.Service
}

func newCounts() counts {
	return counts{product: newTally(), provider: newTally(), awsRegion: newTally(), country: newTally()}
}

func (c *counts) add(s *model.Service) {
	c.services++
	if c.lastAddr == nil || c.lastAddr.Addr != s.Addr {
		c.hosts++
	}
	c.lastAddr = s
	switch s.Auth.Verdict() {
	case model.AuthOpen:
		c.open++
	case model.AuthLikelyOpen:
		c.likely++
	case model.AuthRequired:
		c.required++
	default:
		c.unknown++
	}
	c.product.add(keyOr(s.Product, UnknownKey))
	c.provider.add(keyOr(s.Cloud.Provider, NoProvider))
	if s.Cloud.Provider == AWS {
		c.awsRegion.add(keyOr(s.Cloud.Region, UnknownKey))
	}
	c.country.add(keyOr(s.Country, UnknownKey))
}

// tally counts by key, holding at most maxKeys keys; the rest are counted
// in dropped.
type tally struct {
	m       map[string]int
	dropped int
}

func newTally() tally { return tally{m: map[string]int{}} }

func (t *tally) add(k string) {
	if n, ok := t.m[k]; ok {
		t.m[k] = n + 1
		return
	}
	if len(t.m) >= maxKeys {
		t.dropped++
		return
	}
	t.m[strings.Clone(k)] = 1
}

type joiner struct {
	ctx   context.Context
	d     *Diff
	sides [2]counts
	steps int
	// judges judge and count each side's versions on its as-of day; nil
	// without release data.
	judges [2]*eol.Tally
}

// judge counts s on side i (0 is A) for the support figures and returns
// its verdict; the zero verdict without release data.
func (j *joiner) judge(i int, s *model.Service) eol.Verdict {
	if j.judges[i] == nil {
		return eol.Verdict{}
	}
	return j.judges[i].Add(eol.Facts{Product: s.Product, Version: s.Version, Auth: s.Auth.Verdict(), Names: s.Hostnames}, 1)
}

func (j *joiner) run(a, b *Cursor) error {
	if err := a.Advance(); err != nil {
		return err
	}
	if err := b.Advance(); err != nil {
		return err
	}
	for a.Cur != nil || b.Cur != nil {
		if j.steps++; j.steps&1023 == 0 {
			if err := j.ctx.Err(); err != nil {
				return err
			}
		}
		c := 0
		switch {
		case a.Cur == nil:
			c = 1
		case b.Cur == nil:
			c = -1
		default:
			c = a.Cur.Key.Compare(b.Cur.Key)
		}
		switch {
		case c < 0: // only in A
			j.sides[0].add(a.Cur)
			j.judge(0, a.Cur)
			j.gone(a.Cur)
			if err := a.Advance(); err != nil {
				return err
			}
		case c > 0: // only in B
			j.sides[1].add(b.Cur)
			j.judge(1, b.Cur)
			j.added(b.Cur)
			if err := b.Advance(); err != nil {
				return err
			}
		default:
			j.sides[0].add(a.Cur)
			j.sides[1].add(b.Cur)
			va, vb := j.judge(0, a.Cur), j.judge(1, b.Cur)
			if sm := j.d.Support; sm != nil && va.Status != eol.NoVersion && vb.Status != eol.NoVersion {
				switch ea, eb := va.Status == eol.EndOfLife, vb.Status == eol.EndOfLife; {
				case eb && !ea:
					sm.BecameEndOfLife++
				case ea && !eb:
					sm.LeftEndOfLife++
				}
			}
			j.both(a.Cur, b.Cur)
			if err := a.Advance(); err != nil {
				return err
			}
			if err := b.Advance(); err != nil {
				return err
			}
		}
	}
	return j.ctx.Err()
}

func (j *joiner) gone(s *model.Service) {
	j.d.Services.Gone++
	if j.d.Addresses != nil {
		r := row(s, nil, "gone")
		j.d.Addresses.Gone = append(j.d.Addresses.Gone, r)
	}
}

func (j *joiner) added(s *model.Service) {
	j.d.Services.New++
	if j.d.Addresses != nil {
		j.d.Addresses.New = append(j.d.Addresses.New, row(nil, s, "new"))
	}
}

func (j *joiner) both(a, b *model.Service) {
	j.d.Services.Persisting++
	if a.Product != b.Product {
		j.d.Services.Reclassified++
	}
	m := &j.d.Auth
	change := ""
	// A likely-open verdict is an inference, not evidence: between
	// snapshots it counts as unknown, so open → likely_open is a banner
	// that stopped telling, never a remediation.
	switch from, to := a.Auth.Evidence(), b.Auth.Evidence(); {
	case from == to:
		m.Unchanged++
	case from == model.AuthRequired && to == model.AuthOpen:
		m.Regressions++
		change = "regression"
	case from == model.AuthOpen && to == model.AuthRequired:
		m.Remediations++
		change = "remediation"
	case from == model.AuthOpen:
		m.OpenToUnknown++
		change = "open_to_unknown"
	case from == model.AuthRequired:
		m.AuthRequiredToUnknown++
		change = "auth_required_to_unknown"
	case to == model.AuthOpen:
		m.UnknownToOpen++
		change = "unknown_to_open"
	default:
		m.UnknownToAuthRequired++
		change = "unknown_to_auth_required"
	}
	moved := a.Cloud.Provider != b.Cloud.Provider || a.Cloud.Region != b.Cloud.Region
	if moved {
		j.d.Services.Moved++
	}
	if j.d.Addresses == nil {
		return
	}
	if change != "" {
		j.d.Addresses.AuthChanged = append(j.d.Addresses.AuthChanged, row(a, b, change))
	}
	if moved {
		j.d.Addresses.Moved = append(j.d.Addresses.Moved, row(a, b, "moved"))
	}
}

// row is the list row of a service in A (a), B (b) or both.
func row(a, b *model.Service, change string) ServiceChange {
	s := b
	if s == nil {
		s = a
	}
	r := ServiceChange{
		Address: s.Addr.String(), Port: int(s.Port), Transport: s.Transport,
		Product: s.Product, Change: change, Country: s.Country,
	}
	if a != nil {
		r.AuthBefore = string(a.Auth.Verdict())
		r.ProviderBefore = keyOr(a.Cloud.Provider, NoProvider)
		r.RegionBefore = a.Cloud.Region
	}
	if b != nil {
		r.AuthAfter = string(b.Auth.Verdict())
		r.ProviderAfter = keyOr(b.Cloud.Provider, NoProvider)
		r.RegionAfter = b.Cloud.Region
	}
	return r
}

func (j *joiner) finish() {
	a, b := &j.sides[0], &j.sides[1]
	d := j.d
	d.Totals = Totals{
		Services:     newDelta("", a.services, b.services),
		Hosts:        newDelta("", a.hosts, b.hosts),
		Open:         newDelta("", a.open, b.open),
		LikelyOpen:   newDelta("", a.likely, b.likely),
		AuthRequired: newDelta("", a.required, b.required),
		Unknown:      newDelta("", a.unknown, b.unknown),
	}
	d.ByProduct = deltas(a.product, b.product)
	d.ByProvider = deltas(a.provider, b.provider)
	d.ByAWSRegion = deltas(a.awsRegion, b.awsRegion)
	d.ByCountry = deltas(a.country, b.country)
	for _, t := range []struct {
		name   string
		ta, tb tally
	}{
		{"products", a.product, b.product}, {"providers", a.provider, b.provider},
		{"AWS regions", a.awsRegion, b.awsRegion}, {"countries", a.country, b.country},
	} {
		if n := t.ta.dropped + t.tb.dropped; n > 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("The %s table holds at most %d distinct values per snapshot; %d services with other values are left out of it (totals still count them).", t.name, maxKeys, n))
		}
	}
	if n := d.Services.Moved; n > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d persisting %s provider or region: hosts moved, or the range feeds changed.", n, report.Plural(n, "service changed", "services changed")))
	}
	if n := d.Services.Reclassified; n > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d persisting %s product: the banner changed, or the catalog did.", n, report.Plural(n, "service changed", "services changed")))
	}
}

// deltas returns one row per key of either side, sorted by B's count
// descending, then A's descending, then key.
func deltas(a, b tally) []Delta {
	out := []Delta{}
	for k, n := range a.m {
		out = append(out, newDelta(k, n, b.m[k]))
	}
	for k, n := range b.m {
		if _, ok := a.m[k]; !ok {
			out = append(out, newDelta(k, 0, n))
		}
	}
	slices.SortFunc(out, func(x, y Delta) int {
		if c := cmp.Compare(y.After, x.After); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Before, x.Before); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
	return out
}

func keyOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return clip(s)
}

// clip caps a key at maxKeyLen bytes on a rune boundary, so that hostile
// values cannot grow the tables' memory.
func clip(s string) string {
	if len(s) > maxKeyLen {
		i := maxKeyLen
		for i > 0 && s[i]&0xC0 == 0x80 {
			i--
		}
		s = s[:i]
	}
	return s
}
