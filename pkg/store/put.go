package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

var _ ingest.Sink = (*Store)(nil)

// serviceCols are the services columns that hold a model.Service, in the
// order of serviceArgs and scanService.
const serviceCols = `addr, ip, port, transport, product, product_evidence, version, auth, auth_evidence,
	confidence, auth_seen_at, auth_conflict, engines, first_seen, last_seen, hostnames, org, asn, country,
	city, title, cloud_provider, cloud_region, cloud_service, cloud_source`

const (
	insertObservation = `INSERT INTO observations (snapshot_id, engine, query_id, record_id, addr, ip, port,
	transport, seen_at, product, version, auth, auth_evidence, confidence, fingerprint)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (snapshot_id, engine, query_id, fingerprint) DO NOTHING`

	selectService = `SELECT id, ` + serviceCols + ` FROM services
	WHERE snapshot_id = ? AND addr = ? AND port = ? AND transport = ?`

	// A new service is inserted; one already there is read, merged in Go
	// and updated.
	insertService = `INSERT INTO services (snapshot_id, ` + serviceCols + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (snapshot_id, addr, port, transport) DO NOTHING`

	updateService = `UPDATE services SET (` + serviceCols + `) =
	(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?`

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
	var st ingest.PutStats
	if len(items) == 0 && page == nil {
		return st, nil
	}
	op := fmt.Sprintf("put %d items into snapshot %q", len(items), snapshot)
	if page != nil {
		op = fmt.Sprintf("put %s query %q page %d (%d items) into snapshot %q", page.Engine, page.QueryID, page.Page, len(items), snapshot)
		if page.Engine == "" || page.Page < 1 {
			return st, fmt.Errorf("store: %s: raw page needs an engine and a page number >= 1", op)
		}
	}
	for i := range items {
		it := &items[i]
		if !it.Obs.Addr.IsValid() {
			return st, fmt.Errorf("store: %s: item %d: invalid address", op, i)
		}
		if k := it.Obs.Key(); normAddr(k.Addr) != normAddr(it.Service.Addr) || k.Port != it.Service.Port || k.Transport != it.Service.Transport {
			return st, fmt.Errorf("store: %s: item %d: service key %v differs from its observation's %v", op, i, it.Service.Key, k)
		}
	}

	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return st, s.wrapErr(op, err)
	}
	defer rollback(tx)
	// Statements run without ctx's cancellation (the driver would start a
	// watcher goroutine per statement); ctx is checked between items and
	// cancels the transaction itself.
	sctx := context.WithoutCancel(ctx)
	sid, err := s.snapshotID(sctx, tx, snapshot)
	if err != nil {
		return st, err
	}

	groups, err := s.putObservations(ctx, tx, sid, items, &st)
	if err != nil {
		return ingest.PutStats{}, s.wrapErr(op, err)
	}
	deltas := make(groupDeltas)
	if err := s.mergeServices(ctx, tx, sid, groups, deltas, &st); err != nil {
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
	if err := ctx.Err(); err != nil {
		return ingest.PutStats{}, fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return ingest.PutStats{}, s.wrapErr(op+": commit", err)
	}
	return st, nil
}

// putObservations inserts the observations and returns the services of
// the new ones, merged per key and sorted by key.
func (s *Store) putObservations(ctx context.Context, tx *sql.Tx, sid int64, items []ingest.Item, st *ingest.PutStats) ([]group, error) {
	sctx := context.WithoutCancel(ctx)
	ins, err := tx.PrepareContext(sctx, insertObservation)
	if err != nil {
		return nil, err
	}
	defer ins.Close()
	var (
		scratch []byte
		fp      [fingerprintLen]byte
		index   = make(map[model.Key]int)
		groups  []group
	)
	for i := range items {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		it := &items[i]
		o := &it.Obs
		addr := normAddr(o.Addr)
		fp, scratch = fingerprint(o, scratch)
		auth, conf := it.Class.Auth, it.Class.Confidence
		if auth == "" {
			auth = model.AuthUnknown
		}
		if conf == "" {
			conf = model.High
		}
		res, err := ins.ExecContext(sctx, sid, string(o.Engine), o.QueryID, o.RecordID,
			appendAddr(nil, addr), addr.String(), int64(o.Port), o.Transport, timeArg(o.SeenAt),
			it.Class.Product, it.Class.Version, string(auth), it.Class.AuthEvidence, string(conf), fp[:])
		if err != nil {
			return nil, fmt.Errorf("item %d (%s %s port %d): store observation: %w", i, o.Engine, addr, o.Port, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			continue // stored before: changes nothing
		}
		st.Observations++
		sv := it.Service
		sv.Addr = addr
		if j, ok := index[sv.Key]; ok {
			groups[j].svc = normalize.Merge(groups[j].svc, sv)
			groups[j].n++
			continue
		}
		index[sv.Key] = len(groups)
		groups = append(groups, group{svc: sv, n: 1})
	}
	slices.SortFunc(groups, func(a, b group) int { return compareKey(a.svc.Key, b.svc.Key) })
	return groups, nil
}

// mergeServices merges each group into the stored service with its key,
// or adds it, and records the change of service groups in deltas.
func (s *Store) mergeServices(ctx context.Context, tx *sql.Tx, sid int64, groups []group, deltas groupDeltas, st *ingest.PutStats) error {
	if len(groups) == 0 {
		return nil
	}
	sctx := context.WithoutCancel(ctx)
	ins, err := tx.PrepareContext(sctx, insertService)
	if err != nil {
		return err
	}
	defer ins.Close()
	var sel, upd *sql.Stmt // prepared when a service is already there
	defer func() {
		if sel != nil {
			sel.Close()
			upd.Close()
		}
	}()

	args := make([]any, 0, 27)
	var addr []byte
	for i := range groups {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		g := &groups[i]
		args = append(args[:0], sid)
		if args, err = serviceArgs(args, &g.svc); err != nil {
			return err
		}
		res, err := ins.ExecContext(sctx, args...)
		if err != nil {
			return fmt.Errorf("add service %s: %w", svcName(&g.svc), err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			deltas.add(&g.svc, 1)
			st.NewServices++
			st.MergedServices += g.n - 1
			continue
		}
		if sel == nil {
			if sel, err = tx.PrepareContext(sctx, selectService); err != nil {
				return err
			}
			if upd, err = tx.PrepareContext(sctx, updateService); err != nil {
				sel.Close()
				sel = nil
				return err
			}
		}
		var (
			id  int64
			old model.Service
		)
		addr = appendAddr(addr[:0], g.svc.Addr)
		if err := scanService(sel.QueryRowContext(sctx, sid, addr, int64(g.svc.Port), g.svc.Transport), &id, &old); err != nil {
			return fmt.Errorf("read service %s: %w", svcName(&g.svc), err)
		}
		st.MergedServices += g.n
		merged := normalize.Merge(old, g.svc)
		deltas.add(&old, -1)
		deltas.add(&merged, 1)
		if args, err = serviceArgs(args[:0], &merged); err != nil {
			return err
		}
		args = append(args, id)
		if _, err := upd.ExecContext(sctx, args...); err != nil {
			return fmt.Errorf("update service %s: %w", svcName(&g.svc), err)
		}
	}
	return nil
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
	return append(args,
		appendAddr(nil, sv.Addr), sv.Addr.String(), int64(sv.Port), sv.Transport,
		sv.Product, sv.ProductEvidence, sv.Version, string(sv.Auth), sv.AuthEvidence,
		string(sv.Confidence), timeArg(sv.AuthSeenAt), conflict, enginesText(sv.Engines),
		timeArg(sv.FirstSeen), timeArg(sv.LastSeen), hn, sv.Org, int64(sv.ASN), sv.Country,
		sv.City, sv.Title, sv.Cloud.Provider, sv.Cloud.Region, sv.Cloud.Service, sv.Cloud.Source,
	), nil
}

// scanService reads id (when not nil) and serviceCols into sv.
func scanService(sc interface{ Scan(...any) error }, id *int64, sv *model.Service) error {
	var (
		addr                         []byte
		ip, auth, conf, engines, hn  string
		port, asn, conflict          int64
		authSeen, firstSeen, lastSee sql.NullString
	)
	dest := []any{&addr, &ip, &port, &sv.Transport, &sv.Product, &sv.ProductEvidence, &sv.Version,
		&auth, &sv.AuthEvidence, &conf, &authSeen, &conflict, &engines, &firstSeen, &lastSee, &hn,
		&sv.Org, &asn, &sv.Country, &sv.City, &sv.Title,
		&sv.Cloud.Provider, &sv.Cloud.Region, &sv.Cloud.Service, &sv.Cloud.Source}
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
	sv.Auth, sv.Confidence = model.Auth(auth), model.Confidence(conf)
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

// compareKey orders keys as the store does: address (netip order), port,
// transport.
func compareKey(a, b model.Key) int {
	if c := a.Addr.Compare(b.Addr); c != 0 {
		return c
	}
	if a.Port != b.Port {
		if a.Port < b.Port {
			return -1
		}
		return 1
	}
	switch {
	case a.Transport < b.Transport:
		return -1
	case a.Transport > b.Transport:
		return 1
	}
	return 0
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
