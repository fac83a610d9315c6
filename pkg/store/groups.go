package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

// The service_groups table counts a snapshot's services by every
// attribute a report counts (model.ServiceGroup). Put keeps it in step
// with the services table inside the same transaction: a new service adds
// one to its group, a merge moves the service from its old group to the
// merged one. A report then reads a few thousand groups instead of a
// million services. TestGroupsMatchServices checks the invariant.

// groupCols are the service_groups columns that identify a group, in the
// order of groupKey.args.
const groupCols = `product, version, auth, auth_conflict, confidence, engines, country,
	cloud_provider, cloud_region, cloud_source, honeypot`

const upsertGroup = `INSERT INTO service_groups (snapshot_id, ` + groupCols + `, services, first_seen, last_seen)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (snapshot_id, ` + groupCols + `) DO UPDATE SET
		services = services + excluded.services,
		first_seen = coalesce(min(first_seen, excluded.first_seen), first_seen, excluded.first_seen),
		last_seen = coalesce(max(last_seen, excluded.last_seen), last_seen, excluded.last_seen)`

// shrinkGroup takes services out of a group. (An upsert cannot: SQLite
// checks services >= 0 on the row it would insert before it sees the
// conflict.)
const shrinkGroup = `UPDATE service_groups SET services = services + ?1,
		first_seen = coalesce(min(first_seen, ?2), first_seen, ?2),
		last_seen = coalesce(max(last_seen, ?3), last_seen, ?3)
	WHERE snapshot_id = ?4 AND (` + groupCols + `) = (?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)`

// groupKey is a group's identity in stored form. Its auth is the model's
// verdict ("likely_open" included: service_groups has no constraint on
// it, unlike services).
type groupKey struct {
	product, version, auth string
	conflict               int64
	confidence, engines    string
	country                string
	provider, region, src  string
	honeypot               int64
}

func serviceGroupKey(sv *model.Service) groupKey {
	auth := sv.Auth
	if auth == "" {
		auth = model.AuthUnknown
	}
	k := groupKey{
		product: sv.Product, version: sv.Version, auth: string(auth), confidence: string(sv.Confidence),
		engines: enginesText(sv.Engines), country: sv.Country,
		provider: sv.Cloud.Provider, region: sv.Cloud.Region, src: sv.Cloud.Source,
		honeypot: int64(sv.Honeypot),
	}
	if sv.AuthConflict {
		k.conflict = 1
	}
	return k
}

func (k *groupKey) args(dst []any) []any {
	return append(dst, k.product, k.version, k.auth, k.conflict, k.confidence, k.engines, k.country,
		k.provider, k.region, k.src, k.honeypot)
}

func compareGroupKey(a, b groupKey) int {
	return cmp.Or(cmp.Compare(a.product, b.product), cmp.Compare(a.version, b.version),
		cmp.Compare(a.auth, b.auth), cmp.Compare(a.conflict, b.conflict),
		cmp.Compare(a.confidence, b.confidence), cmp.Compare(a.engines, b.engines),
		cmp.Compare(a.country, b.country), cmp.Compare(a.provider, b.provider),
		cmp.Compare(a.region, b.region), cmp.Compare(a.src, b.src), cmp.Compare(a.honeypot, b.honeypot))
}

// groupDelta is the change of one group within a Put.
type groupDelta struct {
	n           int
	first, last time.Time // of the services added; a removal never narrows them
}

// groupDeltas collects the group changes of one Put.
type groupDeltas map[groupKey]*groupDelta

// add counts sv into its group (n = 1) or out of it (n = -1).
func (d groupDeltas) add(sv *model.Service, n int) {
	k := serviceGroupKey(sv)
	g := d[k]
	if g == nil {
		g = new(groupDelta)
		d[k] = g
	}
	g.n += n
	if n > 0 {
		g.first = normalize.Earliest(g.first, sv.FirstSeen)
		g.last = normalize.Latest(g.last, sv.LastSeen)
	}
}

// apply writes the deltas in key order and drops groups left empty.
// first_seen and last_seen of a group only widen: a merged service's
// times are the union of its parts', so the snapshot's earliest and
// latest sightings stay exact.
func (d groupDeltas) apply(ctx context.Context, tx *sql.Tx, sid int64) error {
	if len(d) == 0 {
		return nil
	}
	keys := make([]groupKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareGroupKey)
	up, err := tx.PrepareContext(ctx, upsertGroup)
	if err != nil {
		return err
	}
	defer up.Close()
	var shrink *sql.Stmt
	defer func() {
		if shrink != nil {
			shrink.Close()
		}
	}()
	args := make([]any, 0, 15)
	removed := false
	for _, k := range keys {
		g := d[k]
		if g.n >= 0 {
			args = append(k.args(append(args[:0], sid)), int64(g.n), timeArg(g.first), timeArg(g.last))
			if _, err := up.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("count service group (product %q, auth %s): %w", k.product, k.auth, err)
			}
			continue
		}
		// Services left the group (merges) and maybe others joined it:
		// the times widen with those that joined.
		removed = true
		if shrink == nil {
			if shrink, err = tx.PrepareContext(ctx, shrinkGroup); err != nil {
				return err
			}
		}
		res, err := shrink.ExecContext(ctx, k.args(append(args[:0], int64(g.n), timeArg(g.first), timeArg(g.last), sid))...)
		if err != nil {
			return fmt.Errorf("uncount service group (product %q, auth %s): %w", k.product, k.auth, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fmt.Errorf("uncount service group (product %q, auth %s): the group is not stored; the snapshot's service_groups table is inconsistent", k.product, k.auth)
		}
	}
	if removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_groups WHERE snapshot_id = ? AND services = 0`, sid); err != nil {
			return fmt.Errorf("drop empty service groups: %w", err)
		}
	}
	return nil
}

// Groups calls fn for every service group of snapshot (model.ServiceGroup),
// sorted by product, version, auth, conflict, confidence, engines,
// country, provider, region and tag source. The groups' Services sum to
// the snapshot's services. fn gets a new value each call and may keep it;
// an error from fn stops the iteration and is returned as is.
func (s *Store) Groups(ctx context.Context, snapshot string, fn func(*model.ServiceGroup) error) error {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("read service groups of snapshot %q", snapshot)
	rows, err := s.db.QueryContext(ctx, `SELECT `+groupCols+`, services, first_seen, last_seen
		FROM service_groups WHERE snapshot_id = ? ORDER BY `+groupCols, sid)
	if err != nil {
		return s.wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			g                   model.ServiceGroup
			auth, conf, engines string
			conflict, n, honey  int64
			first, last         sql.NullString
		)
		if err := rows.Scan(&g.Product, &g.Version, &auth, &conflict, &conf, &engines, &g.Country,
			&g.Cloud.Provider, &g.Cloud.Region, &g.Cloud.Source, &honey, &n, &first, &last); err != nil {
			return s.wrapErr(op, err)
		}
		g.Honeypot = model.Honeypot(honey)
		g.Auth, g.Confidence, g.AuthConflict = model.Auth(auth), model.Confidence(conf), conflict != 0
		g.Engines, g.Services = parseEngines(engines), int(n)
		if g.FirstSeen, err = parseTime(first); err != nil {
			return s.wrapErr(op, fmt.Errorf("group of product %q: first_seen: %w", g.Product, err))
		}
		if g.LastSeen, err = parseTime(last); err != nil {
			return s.wrapErr(op, fmt.Errorf("group of product %q: last_seen: %w", g.Product, err))
		}
		if err := fn(&g); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrapErr(op, err)
	}
	return nil
}

// ProductHosts returns, for each product of snapshot, the number of
// distinct addresses with at least one service of it. It reads the
// product_hosts table (kept by Put, see hostDeltas), not the services.
func (s *Store) ProductHosts(ctx context.Context, snapshot string) (map[string]int, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return nil, err
	}
	op := fmt.Sprintf("count hosts by product in snapshot %q", snapshot)
	return s.countsBy(ctx, op, `SELECT product, hosts FROM product_hosts WHERE snapshot_id = ? AND hosts > 0`, sid)
}

// countsBy runs query, whose rows are a key and a count, and returns the
// counts by key; op names the work in errors.
func (s *Store) countsBy(ctx context.Context, op, query string, args ...any) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrapErr(op, err)
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var (
			p string
			n int64
		)
		if err := rows.Scan(&p, &n); err != nil {
			return nil, s.wrapErr(op, err)
		}
		out[p] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrapErr(op, err)
	}
	return out, nil
}

// The product_hosts table counts, per snapshot and product, the distinct
// addresses with at least one service of the product. Put keeps it in
// step with the services table inside the same transaction: before
// writing, it reads the product of every stored service at the
// addresses it touches (hostLookup), and after merging it compares, per
// address, the set of products before the Put with the set after
// (hostDeltas.addr). An address gains a product when its first service
// of it is added or merged into it; it loses one when a merge moves its
// last service of the product to another (normalize.Merge: the product
// follows the winning verdict).

const (
	upsertHosts = `INSERT INTO product_hosts (snapshot_id, product, hosts) VALUES (?, ?, ?)
	ON CONFLICT (snapshot_id, product) DO UPDATE SET hosts = hosts + excluded.hosts`
	// shrinkHosts takes addresses out of a product's count (an upsert
	// cannot: SQLite checks hosts >= 0 on the row it would insert before
	// it sees the conflict).
	shrinkHosts = `UPDATE product_hosts SET hosts = hosts + ? WHERE snapshot_id = ? AND product = ?`
)

// hostDeltas collects the change of product_hosts of one Put: product to
// the number of addresses gained (negative: lost).
type hostDeltas map[string]int

// addr records the change at one address, given the products of its
// services before the Put and after it (with repeats, in any order; both
// are sorted in place).
func (d hostDeltas) addr(before, after []string) {
	if len(before) == 1 && len(after) == 1 && before[0] == after[0] {
		return // the common case: one service, product unchanged
	}
	slices.Sort(before)
	slices.Sort(after)
	before, after = slices.Compact(before), slices.Compact(after)
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || (i < len(before) && before[i] < after[j]):
			d[before[i]]--
			i++
		case i == len(before) || after[j] < before[i]:
			d[after[j]]++
			j++
		default:
			i++
			j++
		}
	}
}

// apply writes the deltas in product order and drops products left
// without hosts.
func (d hostDeltas) apply(ctx context.Context, tx *sql.Tx, sid int64) error {
	products := make([]string, 0, len(d))
	for p, n := range d {
		if n != 0 {
			products = append(products, p)
		}
	}
	if len(products) == 0 {
		return nil
	}
	slices.Sort(products)
	removed := false
	for _, p := range products {
		n := d[p]
		if n > 0 {
			if _, err := tx.ExecContext(ctx, upsertHosts, sid, p, int64(n)); err != nil {
				return fmt.Errorf("count hosts of product %q: %w", p, err)
			}
			continue
		}
		removed = true
		res, err := tx.ExecContext(ctx, shrinkHosts, int64(n), sid, p)
		if err != nil {
			return fmt.Errorf("uncount %d hosts of product %q: %w", -n, p, err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k != 1 {
			return fmt.Errorf("uncount %d hosts of product %q: the product is not stored; the snapshot's product_hosts table is inconsistent", -n, p)
		}
	}
	if removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM product_hosts WHERE snapshot_id = ? AND hosts = 0`, sid); err != nil {
			return fmt.Errorf("drop products without hosts: %w", err)
		}
	}
	return nil
}
