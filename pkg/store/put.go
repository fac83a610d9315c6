package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

var _ ingest.Sink = (*Store)(nil)

// serviceCols are the services columns that hold a model.Service, in the
// order of serviceArgs and scanService.
const serviceCols = `addr, ip, port, transport, product, product_evidence, version, auth, auth_evidence,
	confidence, auth_seen_at, auth_conflict, engines, first_seen, last_seen, hostnames, org, asn, country,
	city, title, cloud_provider, cloud_region, cloud_service, cloud_source, family, honeypot, inferred`

const (
	// A page stored again (--refresh) replaces the stored one and adds
	// its credits; the identical page stored again changes nothing.
	insertPage = `INSERT INTO raw_pages (snapshot_id, engine, query_id, query, page, token, next_token,
	total, hits, credits, fetches, fetched_at, body_size, body_sha256, encoding, body)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 'gzip', ?)
	ON CONFLICT (snapshot_id, engine, query_id, page) DO UPDATE SET
		query = excluded.query, token = excluded.token, next_token = excluded.next_token,
		total = excluded.total, hits = excluded.hits, credits = credits + excluded.credits,
		fetches = fetches + 1, fetched_at = excluded.fetched_at, body_size = excluded.body_size,
		body_sha256 = excluded.body_sha256, body = excluded.body
	WHERE fetched_at IS NOT excluded.fetched_at OR body_sha256 IS NOT excluded.body_sha256`
)

// chunkRows is the number of rows one multi-row INSERT or lookup carries.
// Binding is per value either way; what a chunk saves is the per-statement
// cost (database/sql's call, the VDBE's start, the cursors opened on the
// table and its indexes, the reset), which was half of Put's CPU time with
// one statement per row. 64 rows of 26 columns stay far below SQLite's
// limit of 32,766 parameters.
const chunkRows = 64

// obsCols is the number of values of one observations row (insertObsRow).
const obsCols = 17

// Multi-row statements: the head, one row (repeated, comma separated, up to
// chunkRows times) and the tail. ?1 is the snapshot id in every row.
const (
	insertObsHead = `INSERT INTO observations (snapshot_id, engine, query_id, record_id, addr, ip, port,
	transport, seen_at, product, version, auth, auth_evidence, confidence, fingerprint, honeypot, inferred) VALUES `
	insertObsRow  = `(?1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertObsTail = ` ON CONFLICT (snapshot_id, engine, query_id, fingerprint) DO NOTHING`

	// The rows of a chunk's keys already stored: the services table is
	// searched once per key on its unique index (CROSS JOIN keeps the
	// keys the outer loop; the planner, without statistics, would rather
	// scan the snapshot's services).
	selectServicesHead = `SELECT %s FROM (VALUES `
	selectServicesRow  = `(?, ?, ?)`
	selectServicesTail = `) AS k CROSS JOIN services AS s INDEXED BY sqlite_autoindex_services_1
	ON s.snapshot_id = ?1 AND s.addr = k.column1 AND s.port = k.column2 AND s.transport = k.column3`

	// The key, product, family and honeypot reasons of every service
	// stored at a chunk's addresses (for product_hosts and the host
	// honeypot rule), on the prefix (snapshot_id, addr) of the same unique
	// index.
	selectAddrsHead = `SELECT s.addr, s.port, s.transport, s.product, s.family, s.honeypot FROM (VALUES `
	selectAddrsRow  = `(?)`
	selectAddrsTail = `) AS k CROSS JOIN services AS s INDEXED BY sqlite_autoindex_services_1
	ON s.snapshot_id = ?1 AND s.addr = k.column1`

	insertServiceHead = `INSERT INTO services (snapshot_id, ` + serviceCols + `) VALUES `
	insertServiceRow  = `(?1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	updateService = `UPDATE services SET (` + serviceCols + `) =
	(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	WHERE snapshot_id = ? AND addr = ? AND port = ? AND transport = ?`

	// The observations a statement added: it added some but not all of
	// its rows, so which ones is read back. New rows get row ids above
	// the largest before (SQLite's rule for tables without AUTOINCREMENT).
	selectNewObservations = `SELECT engine, query_id, fingerprint FROM observations WHERE id > ?`
)

// serviceColCount is the number of serviceCols.
const serviceColCount = 28

// qualifiedServiceCols is serviceCols of the services table aliased s.
func qualifiedServiceCols() string {
	return "s." + strings.Join(strings.Split(strings.Join(strings.Fields(serviceCols), " "), ", "), ", s.")
}

// multiRowSQL is head, then rows copies of row separated by commas, then
// tail.
func multiRowSQL(head, row, tail string, rows int) string {
	var b strings.Builder
	b.Grow(len(head) + rows*(len(row)+2) + len(tail))
	b.WriteString(head)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(tail)
	return b.String()
}

// stmts prepares the multi-row statements of one transaction, one per
// statement kind and row count (a Put needs the full chunk and one
// remainder of each kind), and closes them at the end.
type stmts struct {
	tx   *sql.Tx
	ctx  context.Context
	byID map[stmtID]*sql.Stmt
}

type stmtID struct {
	kind byte // 'o' observations, 's' services lookup, 'a' address lookup, 'i' services
	rows int
}

func (p *stmts) get(kind byte, rows int) (*sql.Stmt, error) {
	id := stmtID{kind, rows}
	if st := p.byID[id]; st != nil {
		return st, nil
	}
	var q string
	switch kind {
	case 'o':
		q = multiRowSQL(insertObsHead, insertObsRow, insertObsTail, rows)
	case 's':
		// ?1 (the snapshot id) comes first, the keys after it.
		q = multiRowSQL(fmt.Sprintf(selectServicesHead, qualifiedServiceCols()), selectServicesRow, selectServicesTail, rows)
		q = strings.Replace(q, "(VALUES (?, ", "(VALUES (?2, ", 1)
	case 'a':
		q = multiRowSQL(selectAddrsHead, selectAddrsRow, selectAddrsTail, rows)
		q = strings.Replace(q, "(VALUES (?)", "(VALUES (?2)", 1)
	case 'i':
		q = multiRowSQL(insertServiceHead, insertServiceRow, "", rows)
	}
	st, err := p.tx.PrepareContext(p.ctx, q)
	if err != nil {
		return nil, err
	}
	if p.byID == nil {
		p.byID = make(map[stmtID]*sql.Stmt)
	}
	p.byID[id] = st
	return st, nil
}

// failedRow finds which row of a failed multi-row statement of kind
// (args: the snapshot id, then perRow values for each of rows rows)
// SQLite refuses, by storing the rows again one at a time, so that the
// error can name the item. SQLite undid the failed statement; the rows
// stored here are undone with the transaction, which the error ends. It
// returns -1 when every row goes in on its own.
func (p *stmts) failedRow(kind byte, args []any, perRow, rows int) (int, error) {
	one, err := p.get(kind, 1)
	if err != nil {
		return -1, err
	}
	row := make([]any, 1+perRow)
	row[0] = args[0]
	for r := range rows {
		copy(row[1:], args[1+r*perRow:1+(r+1)*perRow])
		if _, err := one.ExecContext(p.ctx, row...); err != nil {
			return r, err
		}
	}
	return -1, nil
}

func (p *stmts) close() {
	for _, st := range p.byID {
		st.Close()
	}
}

// obsKey is an observation's unique key within a snapshot.
type obsKey struct {
	engine, queryID string
	fp              [fingerprintLen]byte
}

// putBatch is a Put's items prepared for storing before the write lock
// is taken: the observations to insert (the first of each key; a repeat
// within the same Put would change nothing) with their values.
type putBatch struct {
	items []ingest.Item
	keys  []obsKey // of the observations to insert, in item order
	idx   []int    // item index of each key
	args  []any    // obsCols-1 values per key (the snapshot id is ?1)
}

// prepareBatch validates items and computes their fingerprints and
// observation values.
func prepareBatch(op string, items []ingest.Item) (*putBatch, error) {
	b := &putBatch{
		items: items,
		keys:  make([]obsKey, 0, len(items)),
		idx:   make([]int, 0, len(items)),
		args:  make([]any, 0, len(items)*(obsCols-1)),
	}
	var (
		scratch []byte
		seen    = make(map[obsKey]struct{}, len(items))
		blobs   []byte // addresses and fingerprints, sliced per value
	)
	for i := range items {
		it := &items[i]
		o := &it.Obs
		if !o.Addr.IsValid() {
			return nil, fmt.Errorf("store: %s: item %d: invalid address", op, i)
		}
		addr := normAddr(o.Addr)
		if k := o.Key(); addr != normAddr(it.Service.Addr) || k.Port != it.Service.Port || k.Transport != it.Service.Transport {
			return nil, fmt.Errorf("store: %s: item %d: service key %v differs from its observation's %v", op, i, it.Service.Key, k)
		}
		var k obsKey
		if it.Fingerprint != ([fingerprintLen]byte{}) {
			k.fp = it.Fingerprint // computed by Prepare
		} else {
			k.fp, scratch = fingerprint(o, scratch)
		}
		k.engine, k.queryID = string(o.Engine), o.QueryID
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		b.keys = append(b.keys, k)
		b.idx = append(b.idx, i)
		auth, inferred := storedAuth(it.Class.Auth)
		conf := it.Class.Confidence
		if conf == "" {
			conf = model.High
		}
		if cap(blobs)-len(blobs) < addrLen+fingerprintLen {
			blobs = make([]byte, 0, 64*(addrLen+fingerprintLen))
		}
		start := len(blobs)
		blobs = appendAddr(blobs, addr)
		blobs = append(blobs, k.fp[:]...)
		ab, fb := blobs[start:start+addrLen:start+addrLen], blobs[start+addrLen:len(blobs):len(blobs)]
		b.args = append(b.args, k.engine, k.queryID, o.RecordID, ab, addr.String(), int64(o.Port),
			o.Transport, timeArg(o.SeenAt), it.Class.Product, it.Class.Version, auth,
			it.Class.AuthEvidence, string(conf), fb, int64(it.Service.Honeypot&model.HoneypotEngineMarks), inferred)
	}
	return b, nil
}

// group is the merge of the new observations of one service in a Put.
type group struct {
	svc model.Service
	n   int // items merged into svc
}

// Put stores items and page (nil for imports) in snapshot, in one
// transaction: either everything is stored or nothing is. Each item's
// observation is stored unless the snapshot already holds it (same
// engine, query id and fingerprint); the service of each new observation
// is merged, with normalize.Merge, into the snapshot's service with the
// same key, or added. Items whose observation was already stored change
// nothing, so a Put repeated with the same items returns zero stats and
// leaves the snapshot as it was. The snapshot must exist (EnsureSnapshot).
// IPv4-mapped IPv6 addresses are stored as IPv4 and zones are dropped.
func (s *Store) Put(ctx context.Context, snapshot string, items []ingest.Item, page *model.RawPage) (ingest.PutStats, error) {
	op, batch, err := preparePut(snapshot, items, page)
	if batch == nil || err != nil {
		return ingest.PutStats{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	conn, err := s.writeConn(ctx)
	if err != nil {
		return ingest.PutStats{}, s.wrapErr(op, err)
	}
	defer restoreTempStore(conn)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return ingest.PutStats{}, s.wrapErr(op, err)
	}
	defer rollback(tx)
	st, err := s.put(ctx, tx, op, snapshot, batch, page)
	if err != nil {
		return ingest.PutStats{}, err
	}
	if err := ctx.Err(); err != nil {
		return ingest.PutStats{}, fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return ingest.PutStats{}, s.wrapErr(op+": commit", err)
	}
	return st, nil
}

// preparePut checks a Put's arguments, names the operation for errors
// and computes the fingerprints and values of its observations, before
// the write lock (another goroutine's Put may be writing meanwhile).
// batch is nil when there is nothing to store.
func preparePut(snapshot string, items []ingest.Item, page *model.RawPage) (op string, batch *putBatch, err error) {
	if len(items) == 0 && page == nil {
		return "", nil, nil
	}
	op = fmt.Sprintf("put %d items into snapshot %q", len(items), snapshot)
	if page != nil {
		op = fmt.Sprintf("put %s query %q page %d (%d items) into snapshot %q", page.Engine, page.QueryID, page.Page, len(items), snapshot)
		if page.Engine == "" || page.Page < 1 {
			return op, nil, fmt.Errorf("store: %s: raw page needs an engine and a page number >= 1", op)
		}
	}
	batch, err = prepareBatch(op, items)
	return op, batch, err
}

// writeConn takes a connection for a write transaction; the caller holds
// s.wmu and hands it back with restoreTempStore.
//
// SQLite gives every multi-row INSERT a statement journal (a copy of
// each page it changes, to undo the statement alone should it fail
// midway), by default in a temporary file: 8% of Put's time went to its
// write calls. In memory it costs a copy. The pragma is refused inside a
// transaction, hence before BEGIN and after COMMIT or ROLLBACK.
func (s *Store) writeConn(ctx context.Context) (*sql.Conn, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = MEMORY`); err != nil {
		restoreTempStore(conn)
		return nil, err
	}
	return conn, nil
}

// put is the body of a Put, in the transaction tx.
func (s *Store) put(ctx context.Context, tx *sql.Tx, op, snapshot string, batch *putBatch, page *model.RawPage) (ingest.PutStats, error) {
	var st ingest.PutStats
	// Statements run without ctx's cancellation (the driver would start a
	// watcher goroutine per statement); ctx is checked between chunks and
	// cancels the transaction itself.
	sctx := context.WithoutCancel(ctx)
	sid, err := s.snapshotID(sctx, tx, snapshot)
	if err != nil {
		return st, err
	}
	ps := &stmts{tx: tx, ctx: sctx}
	defer ps.close()

	groups, err := putObservations(ctx, tx, ps, sid, batch, &st)
	if err != nil {
		return ingest.PutStats{}, s.wrapErr(op, err)
	}
	deltas := make(groupDeltas)
	if err := mergeServices(ctx, tx, ps, sid, groups, deltas, &st); err != nil {
		return ingest.PutStats{}, s.wrapErr(op, err)
	}
	if err := deltas.apply(sctx, tx, sid); err != nil {
		return ingest.PutStats{}, s.wrapErr(op, err)
	}
	if page != nil {
		if err := putPage(sctx, tx, sid, page); err != nil {
			return ingest.PutStats{}, s.wrapErr(op, err)
		}
	}
	return st, nil
}

// restoreTempStore puts conn's temporary storage (sorts, statement
// journals) back in files, out of its transaction, and closes it; a
// connection that cannot be restored is discarded, not returned to the
// pool (its sorts would then stay in memory).
func restoreTempStore(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	conn.Close()
}

// putObservations inserts the batch's observations, chunkRows a statement,
// and returns the services of the new ones, merged per key (in item order)
// and sorted by key. A statement that adds all its rows (a fresh import)
// needs nothing more; one that adds fewer (a repeated or resumed import)
// reads back which it added.
func putObservations(ctx context.Context, tx *sql.Tx, ps *stmts, sid int64, b *putBatch, st *ingest.PutStats) ([]group, error) {
	sctx := context.WithoutCancel(ctx)
	var maxID int64
	if len(b.keys) > 0 {
		if err := tx.QueryRowContext(sctx, `SELECT coalesce(max(id), 0) FROM observations`).Scan(&maxID); err != nil {
			return nil, fmt.Errorf("read the last observation id: %w", err)
		}
	}
	isNew := make([]bool, len(b.keys))
	args := make([]any, 0, 1+chunkRows*(obsCols-1))
	for lo := 0; lo < len(b.keys); lo += chunkRows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+chunkRows, len(b.keys))
		ins, err := ps.get('o', hi-lo)
		if err != nil {
			return nil, err
		}
		args = append(append(args[:0], sid), b.args[lo*(obsCols-1):hi*(obsCols-1)]...)
		res, err := ins.ExecContext(sctx, args...)
		if err != nil {
			if r, rerr := ps.failedRow('o', args, obsCols-1, hi-lo); r >= 0 {
				i := b.idx[lo+r]
				o := &b.items[i].Obs
				return nil, fmt.Errorf("item %d (%s %s port %d): store observation: %w", i, o.Engine, normAddr(o.Addr), o.Port, rerr)
			}
			return nil, fmt.Errorf("items %d to %d: store observations: %w", b.idx[lo], b.idx[hi-1], err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		switch {
		case n == int64(hi-lo):
			for i := lo; i < hi; i++ {
				isNew[i] = true
			}
		case n > 0:
			if err := readNewObservations(sctx, tx, maxID, b.keys[lo:hi], isNew[lo:hi], n); err != nil {
				return nil, err
			}
		}
		if n > 0 {
			if maxID, err = res.LastInsertId(); err != nil {
				return nil, err
			}
		}
	}

	var (
		index  = make(map[model.Key]int, len(b.keys))
		groups = make([]group, 0, len(b.keys))
	)
	for j, ok := range isNew {
		if !ok {
			continue // stored before: changes nothing
		}
		st.Observations++
		it := &b.items[b.idx[j]]
		if it.Clamped {
			st.Clamped++
		}
		sv := it.Service
		sv.Addr = normAddr(it.Obs.Addr)
		if g, ok := index[sv.Key]; ok {
			groups[g].svc = normalize.Merge(groups[g].svc, sv)
			groups[g].n++
			continue
		}
		index[sv.Key] = len(groups)
		groups = append(groups, group{svc: sv, n: 1})
	}
	// Sort positions, not the groups: a group holds a whole service.
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return groups[a].svc.Key.Compare(groups[b].svc.Key) })
	sorted := make([]group, len(groups))
	for i, j := range order {
		sorted[i] = groups[j]
	}
	return sorted, nil
}

// readNewObservations marks in isNew which of keys the last statement
// added: the n rows with ids above maxID.
func readNewObservations(ctx context.Context, tx *sql.Tx, maxID int64, keys []obsKey, isNew []bool, n int64) error {
	rows, err := tx.QueryContext(ctx, selectNewObservations, maxID)
	if err != nil {
		return fmt.Errorf("read the observations just stored: %w", err)
	}
	defer rows.Close()
	added := make(map[obsKey]struct{}, n)
	for rows.Next() {
		var (
			k  obsKey
			fp []byte
		)
		if err := rows.Scan(&k.engine, &k.queryID, &fp); err != nil {
			return fmt.Errorf("read the observations just stored: %w", err)
		}
		copy(k.fp[:], fp)
		added[k] = struct{}{}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the observations just stored: %w", err)
	}
	found := 0
	for i, k := range keys {
		if _, ok := added[k]; ok {
			isNew[i] = true
			found++
		}
	}
	if found != int(n) || len(added) != int(n) {
		return fmt.Errorf("read the observations just stored: %d added, %d read back, %d of them sent; the observations table changed during the transaction", n, len(added), found)
	}
	return nil
}

// mergeServices merges each group into the stored service with its key,
// or adds it, applies the host honeypot rule to every address it touches,
// and records the change of service groups in deltas and writes that of
// product_hosts. The stored services at the groups' addresses are listed
// (key, product, family, honeypot reasons) chunkRows addresses a
// statement; the full rows of those among the groups (a few percent in
// an import) are read chunkRows keys a statement. The new services are
// added chunkRows a statement; the stored ones are merged and updated one
// by one.
//
// The honeypot reasons of every service at an address are those of the
// host after the Put: the union of the engines' markers of all its
// services, plus model.HoneypotManyFamilies when their families are
// implausibly many (normalize.ManyFamilies). Both are functions of the
// set of services at the address, which Put reads whole, so the result
// does not depend on the order of Puts, and a Put that changes nothing
// changes no reason. A stored service of a touched address whose reasons
// change (rare: a host turns out to be a honeypot) is read, moved to its
// new group and updated.
func mergeServices(ctx context.Context, tx *sql.Tx, ps *stmts, sid int64, groups []group, deltas groupDeltas, st *ingest.PutStats) error {
	if len(groups) == 0 {
		return nil
	}
	sctx := context.WithoutCancel(ctx)
	stored, err := storedAtAddrs(ctx, ps, sid, groups)
	if err != nil {
		return err
	}
	// Groups whose service is stored (both lists are in key order).
	var merging []*group
	for i, j := 0, 0; i < len(groups) && j < len(stored); {
		switch c := groups[i].svc.Key.Compare(stored[j].key); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			merging = append(merging, &groups[i])
			i++
			j++
		}
	}
	old := make(map[model.Key]model.Service, len(merging))
	if err := readServices(ctx, ps, sid, merging, old); err != nil {
		return err
	}
	if len(old) != len(merging) {
		return fmt.Errorf("read services: %d of %d listed services found; the services table changed during the transaction", len(old), len(merging))
	}

	// The services after the Put, in group order: added, or merged into
	// the stored one. A merge may change the product (normalize.Merge).
	after := make([]model.Service, len(groups))
	for i := range groups {
		after[i] = groups[i].svc
		if o, ok := old[groups[i].svc.Key]; ok {
			after[i] = normalize.Merge(o, groups[i].svc)
		}
	}
	hosts := make(hostDeltas)
	var rehost []storedService // untouched stored services whose reasons change
	var before, products, families []string
	eachAddr(groups, stored, func(gs, ss []int, touched []bool) {
		before, products, families = before[:0], products[:0], families[:0]
		marks := model.Honeypot(0)
		for _, i := range gs {
			products = append(products, after[i].Product)
			families = append(families, after[i].Family)
			marks |= after[i].Honeypot
		}
		for k, j := range ss {
			before = append(before, stored[j].product)
			if !touched[k] {
				products = append(products, stored[j].product)
				families = append(families, stored[j].family)
				marks |= stored[j].honeypot
			}
		}
		reasons := marks & model.HoneypotEngineMarks
		if normalize.ManyFamilies(families) {
			reasons |= model.HoneypotManyFamilies
		}
		for _, i := range gs {
			after[i].Honeypot = reasons
		}
		for k, j := range ss {
			if !touched[k] && stored[j].honeypot != reasons {
				sv := stored[j]
				sv.honeypot = reasons
				rehost = append(rehost, sv)
			}
		}
		hosts.addr(before, products)
	})

	// New services, in key order.
	args := make([]any, 0, 1+chunkRows*(serviceColCount))
	var fresh []int
	for i := range groups {
		if _, ok := old[groups[i].svc.Key]; !ok {
			fresh = append(fresh, i)
		}
	}
	for lo := 0; lo < len(fresh); lo += chunkRows {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+chunkRows, len(fresh))
		ins, err := ps.get('i', hi-lo)
		if err != nil {
			return err
		}
		args = append(args[:0], sid)
		for _, i := range fresh[lo:hi] {
			if args, err = serviceArgs(args, &after[i]); err != nil {
				return err
			}
		}
		if _, err := ins.ExecContext(sctx, args...); err != nil {
			if r, rerr := ps.failedRow('i', args, serviceColCount, hi-lo); r >= 0 {
				return fmt.Errorf("add service %s: %w", svcName(&after[fresh[lo+r]]), rerr)
			}
			return fmt.Errorf("add services %s to %s: %w", svcName(&after[fresh[lo]]), svcName(&after[fresh[hi-1]]), err)
		}
		for _, i := range fresh[lo:hi] {
			deltas.add(&after[i], 1)
			st.NewServices++
			st.MergedServices += groups[i].n - 1
		}
	}

	// Services already stored: merged and updated, in key order; then the
	// untouched ones whose host's reasons changed.
	var upd *sql.Stmt
	if len(old) > 0 || len(rehost) > 0 {
		if upd, err = tx.PrepareContext(sctx, updateService); err != nil {
			return err
		}
		defer upd.Close()
	}
	update := func(was, now *model.Service) error {
		deltas.add(was, -1)
		deltas.add(now, 1)
		var err error
		if args, err = serviceArgs(args[:0], now); err != nil {
			return err
		}
		args = append(args, sid, appendAddr(nil, was.Addr), int64(was.Port), was.Transport)
		if _, err := upd.ExecContext(sctx, args...); err != nil {
			return fmt.Errorf("update service %s: %w", svcName(now), err)
		}
		return nil
	}
	for i := range groups {
		o, ok := old[groups[i].svc.Key]
		if !ok {
			continue
		}
		st.MergedServices += groups[i].n
		if err := update(&o, &after[i]); err != nil {
			return err
		}
	}
	if len(rehost) > 0 {
		if err := rehostServices(ctx, ps, sid, rehost, update); err != nil {
			return err
		}
	}
	return hosts.apply(sctx, tx, sid)
}

// readServices reads into old the stored services with the keys of
// groups, chunkRows keys a statement.
func readServices(ctx context.Context, ps *stmts, sid int64, groups []*group, old map[model.Key]model.Service) error {
	sctx := context.WithoutCancel(ctx)
	args := make([]any, 0, 1+chunkRows*3)
	for lo := 0; lo < len(groups); lo += chunkRows {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+chunkRows, len(groups))
		sel, err := ps.get('s', hi-lo)
		if err != nil {
			return err
		}
		args = append(args[:0], sid)
		for _, g := range groups[lo:hi] {
			args = append(args, appendAddr(nil, g.svc.Addr), int64(g.svc.Port), g.svc.Transport)
		}
		if err := lookupServices(sctx, sel, args, old); err != nil {
			return fmt.Errorf("read services %s to %s: %w", svcName(&groups[lo].svc), svcName(&groups[hi-1].svc), err)
		}
	}
	return nil
}

// rehostServices gives the stored services of list, which the Put does
// not otherwise touch, their host's new honeypot reasons, through update.
func rehostServices(ctx context.Context, ps *stmts, sid int64, list []storedService, update func(was, now *model.Service) error) error {
	gs := make([]*group, len(list))
	for i := range list {
		gs[i] = &group{svc: model.Service{Key: list[i].key}}
	}
	old := make(map[model.Key]model.Service, len(list))
	if err := readServices(ctx, ps, sid, gs, old); err != nil {
		return err
	}
	for _, sv := range list {
		o, ok := old[sv.key]
		if !ok {
			return fmt.Errorf("read service %s port %d/%s: listed but not found; the services table changed during the transaction", sv.key.Addr, sv.key.Port, sv.key.Transport)
		}
		now := o
		now.Honeypot = sv.honeypot
		if err := update(&o, &now); err != nil {
			return err
		}
	}
	return nil
}

// storedService is a service stored before a Put, as product_hosts and
// the host honeypot rule need it.
type storedService struct {
	key      model.Key
	product  string
	family   string
	honeypot model.Honeypot
}

// storedAtAddrs lists the services stored at the addresses of groups (in
// key order, as groups), sorted by key.
func storedAtAddrs(ctx context.Context, ps *stmts, sid int64, groups []group) ([]storedService, error) {
	sctx := context.WithoutCancel(ctx)
	var addrs []netip.Addr
	for i := range groups {
		if a := groups[i].svc.Addr; len(addrs) == 0 || addrs[len(addrs)-1] != a {
			addrs = append(addrs, a)
		}
	}
	var out []storedService
	args := make([]any, 0, 1+chunkRows)
	for lo := 0; lo < len(addrs); lo += chunkRows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+chunkRows, len(addrs))
		sel, err := ps.get('a', hi-lo)
		if err != nil {
			return nil, err
		}
		args = append(args[:0], sid)
		for _, a := range addrs[lo:hi] {
			args = append(args, appendAddr(nil, a))
		}
		if out, err = lookupAddrs(sctx, sel, args, out); err != nil {
			return nil, fmt.Errorf("read services at %s to %s: %w", addrs[lo], addrs[hi-1], err)
		}
	}
	slices.SortFunc(out, func(a, b storedService) int { return a.key.Compare(b.key) })
	return out, nil
}

// lookupAddrs appends to out the services at the addresses in args.
func lookupAddrs(ctx context.Context, sel *sql.Stmt, args []any, out []storedService) ([]storedService, error) {
	rows, err := sel.QueryContext(ctx, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			sv             storedService
			addr           []byte
			port, honeypot int64
		)
		if err := rows.Scan(&addr, &port, &sv.key.Transport, &sv.product, &sv.family, &honeypot); err != nil {
			return out, err
		}
		if sv.key.Addr, err = decodeAddr(addr); err != nil {
			return out, err
		}
		sv.key.Port = uint16(port)
		sv.honeypot = model.Honeypot(honeypot)
		out = append(out, sv)
	}
	return out, rows.Err()
}

// eachAddr calls fn once per address of groups (in key order), with the
// indices of the groups at the address (gs), of the services stored there
// before the Put (ss, indices of stored, in key order) and, for each of
// ss, whether a group has its key (touched: merged by the Put). The
// slices are reused between calls.
func eachAddr(groups []group, stored []storedService, fn func(gs, ss []int, touched []bool)) {
	var gs, ss []int
	var touched []bool
	for i, j := 0, 0; i < len(groups); {
		a := groups[i].svc.Addr
		for j < len(stored) && stored[j].key.Addr.Less(a) {
			j++ // not at an address of groups: cannot happen
		}
		gs, ss, touched = gs[:0], ss[:0], touched[:0]
		for ; i < len(groups) && groups[i].svc.Addr == a; i++ {
			gs = append(gs, i)
		}
		for ; j < len(stored) && stored[j].key.Addr == a; j++ {
			ss = append(ss, j)
			touched = append(touched, false)
		}
		for x, y := 0, 0; x < len(gs) && y < len(ss); {
			switch c := groups[gs[x]].svc.Key.Compare(stored[ss[y]].key); {
			case c < 0:
				x++
			case c > 0:
				y++
			default:
				touched[y] = true
				x++
				y++
			}
		}
		fn(gs, ss, touched)
	}
}

// lookupServices adds to old the stored services among the keys in args.
func lookupServices(ctx context.Context, sel *sql.Stmt, args []any, old map[model.Key]model.Service) error {
	rows, err := sel.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sv model.Service
		if err := scanService(rows, nil, &sv); err != nil {
			return err
		}
		old[sv.Key] = sv
	}
	return rows.Err()
}

func svcName(sv *model.Service) string {
	return fmt.Sprintf("%s port %d/%s", sv.Addr, sv.Port, sv.Transport)
}

// serviceArgs appends the values of serviceCols for sv.
func serviceArgs(args []any, sv *model.Service) ([]any, error) {
	hn, err := hostnamesJSON(sv.Hostnames)
	if err != nil {
		return nil, fmt.Errorf("service %s port %d: hostnames: %w", sv.Addr, sv.Port, err)
	}
	conflict := int64(0)
	if sv.AuthConflict {
		conflict = 1
	}
	auth, inferred := storedAuth(sv.Auth)
	return append(args,
		appendAddr(nil, sv.Addr), sv.Addr.String(), int64(sv.Port), sv.Transport,
		sv.Product, sv.ProductEvidence, sv.Version, auth, sv.AuthEvidence,
		string(sv.Confidence), timeArg(sv.AuthSeenAt), conflict, enginesText(sv.Engines),
		timeArg(sv.FirstSeen), timeArg(sv.LastSeen), hn, sv.Org, int64(sv.ASN), sv.Country,
		sv.City, sv.Title, sv.Cloud.Provider, sv.Cloud.Region, sv.Cloud.Service, sv.Cloud.Source,
		sv.Family, int64(sv.Honeypot), inferred,
	), nil
}

// storedAuth is the auth column and the inferred flag of a verdict: a
// "likely open" verdict is stored as unknown with inferred 1 (so that
// counting auth = 'open' in the file counts proof only), an empty one as
// unknown.
func storedAuth(a model.Auth) (string, int64) {
	switch a {
	case model.AuthLikelyOpen:
		return string(model.AuthUnknown), 1
	case "":
		return string(model.AuthUnknown), 0
	}
	return string(a), 0
}

// readAuth is the verdict of a stored auth column and inferred flag.
func readAuth(auth string, inferred int64) model.Auth {
	if inferred != 0 && auth == string(model.AuthUnknown) {
		return model.AuthLikelyOpen
	}
	return model.Auth(auth)
}

// scanService reads id (when not nil) and serviceCols into sv.
func scanService(sc interface{ Scan(...any) error }, id *int64, sv *model.Service) error {
	var (
		addr                         []byte
		ip, auth, conf, engines, hn  string
		port, asn, conflict          int64
		honeypot, inferred           int64
		authSeen, firstSeen, lastSee sql.NullString
	)
	dest := []any{&addr, &ip, &port, &sv.Transport, &sv.Product, &sv.ProductEvidence, &sv.Version,
		&auth, &sv.AuthEvidence, &conf, &authSeen, &conflict, &engines, &firstSeen, &lastSee, &hn,
		&sv.Org, &asn, &sv.Country, &sv.City, &sv.Title,
		&sv.Cloud.Provider, &sv.Cloud.Region, &sv.Cloud.Service, &sv.Cloud.Source,
		&sv.Family, &honeypot, &inferred}
	if id != nil {
		dest = append([]any{id}, dest...)
	}
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	var err error
	if sv.Addr, err = decodeAddr(addr); err != nil {
		return fmt.Errorf("service %s: %w", ip, err)
	}
	sv.Port, sv.ASN = uint16(port), uint32(asn)
	sv.Auth, sv.Confidence = readAuth(auth, inferred), model.Confidence(conf)
	sv.Honeypot = model.Honeypot(honeypot)
	sv.AuthConflict = conflict != 0
	sv.Engines = parseEngines(engines)
	if sv.AuthSeenAt, err = parseTime(authSeen); err != nil {
		return fmt.Errorf("service %s port %d: auth_seen_at: %w", ip, port, err)
	}
	if sv.FirstSeen, err = parseTime(firstSeen); err != nil {
		return fmt.Errorf("service %s port %d: first_seen: %w", ip, port, err)
	}
	if sv.LastSeen, err = parseTime(lastSee); err != nil {
		return fmt.Errorf("service %s port %d: last_seen: %w", ip, port, err)
	}
	if sv.Hostnames, err = parseHostnames(hn); err != nil {
		return fmt.Errorf("service %s port %d: hostnames: %w", ip, port, err)
	}
	return nil
}

// putPage stores a raw page, gzip-compressed.
func putPage(ctx context.Context, tx *sql.Tx, sid int64, p *model.RawPage) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := zw.Write(p.Body); err != nil {
		return fmt.Errorf("compress raw page: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress raw page: %w", err)
	}
	sum := sha256.Sum256(p.Body)
	_, err = tx.ExecContext(ctx, insertPage, sid, string(p.Engine), p.QueryID, p.Query, int64(p.Page),
		p.Token, p.Next, int64(p.Total), int64(p.Hits), int64(p.Credits), timeArg(p.FetchedAt),
		int64(len(p.Body)), hex.EncodeToString(sum[:]), buf.Bytes())
	if err != nil {
		return fmt.Errorf("store raw page: %w", err)
	}
	return nil
}
