package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Services calls fn for every service of snapshot, sorted by address
// (IPv4 before IPv6, each numerically), port and transport. Services are
// read one at a time, never all at once; fn gets a new value each call
// and may keep it. An error from fn stops the iteration and is returned
// as is.
func (s *Store) Services(ctx context.Context, snapshot string, fn func(*model.Service) error) error {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("read services of snapshot %q", snapshot)
	return s.eachService(ctx, op, fn, `SELECT `+serviceCols+` FROM services
		WHERE snapshot_id = ? ORDER BY addr, port, transport`, sid)
}

// eachService runs query, which selects serviceCols, and calls fn with
// each service it returns, stopping at fn's first error; op names the
// work in errors.
func (s *Store) eachService(ctx context.Context, op string, fn func(*model.Service) error, query string, args ...any) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return s.wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		sv := new(model.Service)
		if err := scanService(rows, nil, sv); err != nil {
			return s.wrapErr(op, err)
		}
		if err := fn(sv); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrapErr(op, err)
	}
	return nil
}

// Observation is one stored engine observation: who saw which service
// when, and what the catalog concluded from that one observation.
type Observation struct {
	Engine       model.Engine
	QueryID      string // "" for imports
	RecordID     string // the engine's record id, "" if none
	Key          model.Key
	SeenAt       time.Time
	Product      string // catalog product id
	Version      string
	Auth         model.Auth
	AuthEvidence string
	Confidence   model.Confidence
	Fingerprint  string // hex; identifies the observation's content
	// Honeypot holds the engine's honeypot markers of this observation
	// (not its host's: the service carries those).
	Honeypot model.Honeypot
}

// Observations calls fn for every observation of snapshot, sorted by
// engine, query id and fingerprint, reading one at a time. That is the
// order of the table's unique index, so SQLite streams the rows without
// sorting them first (a sort by service key held about 100 MB per million
// observations in memory). An error from fn stops the iteration and is
// returned as is.
func (s *Store) Observations(ctx context.Context, snapshot string, fn func(*Observation) error) error {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("read observations of snapshot %q", snapshot)
	rows, err := s.db.QueryContext(ctx, `SELECT engine, query_id, record_id, addr, port, transport, seen_at,
		product, version, auth, auth_evidence, confidence, fingerprint, honeypot, inferred
		FROM observations WHERE snapshot_id = ?
		ORDER BY engine, query_id, fingerprint`, sid)
	if err != nil {
		return s.wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			o                  Observation
			engine, auth, conf string
			addr, fp           []byte
			port, honey, infer int64
			seen               sql.NullString
		)
		if err := rows.Scan(&engine, &o.QueryID, &o.RecordID, &addr, &port, &o.Key.Transport, &seen,
			&o.Product, &o.Version, &auth, &o.AuthEvidence, &conf, &fp, &honey, &infer); err != nil {
			return s.wrapErr(op, err)
		}
		if o.Key.Addr, err = decodeAddr(addr); err != nil {
			return s.wrapErr(op, err)
		}
		if o.SeenAt, err = parseTime(seen); err != nil {
			return s.wrapErr(op, fmt.Errorf("seen_at: %w", err))
		}
		o.Engine, o.Auth, o.Confidence = model.Engine(engine), readAuth(auth, infer), model.Confidence(conf)
		o.Honeypot = model.Honeypot(honey)
		o.Key.Port = uint16(port)
		o.Fingerprint = hex.EncodeToString(fp)
		if err := fn(&o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrapErr(op, err)
	}
	return nil
}

const pageCols = `engine, query_id, query, page, token, next_token, total, hits, credits, fetched_at,
	body_size, body_sha256, body`

// scanPage reads pageCols and decompresses the body, checking its size
// and SHA-256 against what was stored.
func scanPage(sc interface{ Scan(...any) error }) (*model.RawPage, error) {
	var (
		p                         model.RawPage
		engine, sum               string
		page, total, hits, credit int64
		size                      int64
		fetched                   sql.NullString
		body                      []byte
	)
	if err := sc.Scan(&engine, &p.QueryID, &p.Query, &page, &p.Token, &p.Next, &total, &hits, &credit,
		&fetched, &size, &sum, &body); err != nil {
		return nil, err
	}
	p.Engine, p.Page, p.Total, p.Hits, p.Credits = model.Engine(engine), int(page), int(total), int(hits), int(credit)
	where := fmt.Sprintf("raw page %s query %q page %d", engine, p.QueryID, page)
	var err error
	if p.FetchedAt, err = parseTime(fetched); err != nil {
		return nil, fmt.Errorf("%s: fetched_at: %w", where, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: decompress: %w", where, err)
	}
	if p.Body, err = io.ReadAll(io.LimitReader(zr, size+1)); err != nil {
		return nil, fmt.Errorf("%s: decompress: %w", where, err)
	}
	got := sha256.Sum256(p.Body)
	if int64(len(p.Body)) != size || hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("%s: body does not match its stored size and SHA-256; the database is damaged", where)
	}
	return &p, nil
}

// Page returns the raw page stored for (snapshot, engine, queryID, page),
// with its body decompressed, or nil and no error when there is none.
func (s *Store) Page(ctx context.Context, snapshot string, engine model.Engine, queryID string, page int) (*model.RawPage, error) {
	return s.onePage(ctx, snapshot, fmt.Sprintf("read %s query %q page %d of snapshot %q", engine, queryID, page, snapshot),
		`SELECT `+pageCols+` FROM raw_pages WHERE snapshot_id = ? AND engine = ? AND query_id = ? AND page = ?`,
		string(engine), queryID, page)
}

// LastPage returns the stored page of (snapshot, engine, queryID) with the
// highest page number, or nil and no error when none is stored. A
// collection resumes after it.
func (s *Store) LastPage(ctx context.Context, snapshot string, engine model.Engine, queryID string) (*model.RawPage, error) {
	return s.onePage(ctx, snapshot, fmt.Sprintf("read last %s query %q page of snapshot %q", engine, queryID, snapshot),
		`SELECT `+pageCols+` FROM raw_pages WHERE snapshot_id = ? AND engine = ? AND query_id = ?
		ORDER BY page DESC LIMIT 1`, string(engine), queryID)
}

func (s *Store) onePage(ctx context.Context, snapshot, op, query string, args ...any) (*model.RawPage, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return nil, err
	}
	p, err := scanPage(s.db.QueryRowContext(ctx, query, append([]any{sid}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrapErr(op, err)
	}
	return p, nil
}

// Pages calls fn for every raw page of snapshot, sorted by engine, query
// id and page number, one at a time (for audits and re-derivation). An
// error from fn stops the iteration and is returned as is.
func (s *Store) Pages(ctx context.Context, snapshot string, fn func(*model.RawPage) error) error {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("read raw pages of snapshot %q", snapshot)
	rows, err := s.db.QueryContext(ctx, `SELECT `+pageCols+` FROM raw_pages WHERE snapshot_id = ?
		ORDER BY engine, query_id, page`, sid)
	if err != nil {
		return s.wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return s.wrapErr(op, err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrapErr(op, err)
	}
	return nil
}

// CreditsSpent returns the credits spent on engine's pages in snapshot,
// counting every fetch of a page (a page fetched again with --refresh
// counts twice).
func (s *Store) CreditsSpent(ctx context.Context, snapshot string, engine model.Engine) (int, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.QueryRowContext(ctx, `SELECT coalesce(sum(credits), 0) FROM raw_pages WHERE snapshot_id = ? AND engine = ?`,
		sid, string(engine)).Scan(&n)
	if err != nil {
		return 0, s.wrapErr(fmt.Sprintf("sum %s credits of snapshot %q", engine, snapshot), err)
	}
	return int(n), nil
}

// EngineCount is what one engine contributed to a snapshot.
type EngineCount struct {
	Engine       model.Engine
	Observations int // observations stored
	Services     int // services the engine saw
	Only         int // services only this engine saw
	Pages        int // raw pages stored
	Credits      int // credits spent on them
}

// EngineCounts returns, for each engine with observations or pages in
// snapshot, what it contributed, sorted by engine name.
func (s *Store) EngineCounts(ctx context.Context, snapshot string) ([]EngineCount, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return nil, err
	}
	op := fmt.Sprintf("count engines of snapshot %q", snapshot)
	rows, err := s.db.QueryContext(ctx, `
		WITH e(engine) AS (
			SELECT DISTINCT engine FROM observations WHERE snapshot_id = ?1
			UNION SELECT DISTINCT engine FROM raw_pages WHERE snapshot_id = ?1)
		SELECT e.engine,
			(SELECT count(*) FROM observations o WHERE o.snapshot_id = ?1 AND o.engine = e.engine),
			(SELECT count(*) FROM services v WHERE v.snapshot_id = ?1
				AND instr(',' || v.engines || ',', ',' || e.engine || ',') > 0),
			(SELECT count(*) FROM services v WHERE v.snapshot_id = ?1 AND v.engines = e.engine),
			(SELECT count(*) FROM raw_pages p WHERE p.snapshot_id = ?1 AND p.engine = e.engine),
			(SELECT coalesce(sum(credits), 0) FROM raw_pages p WHERE p.snapshot_id = ?1 AND p.engine = e.engine)
		FROM e ORDER BY e.engine`, sid)
	if err != nil {
		return nil, s.wrapErr(op, err)
	}
	defer rows.Close()
	var out []EngineCount
	for rows.Next() {
		var c EngineCount
		var engine string
		if err := rows.Scan(&engine, &c.Observations, &c.Services, &c.Only, &c.Pages, &c.Credits); err != nil {
			return nil, s.wrapErr(op, err)
		}
		c.Engine = model.Engine(engine)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrapErr(op, err)
	}
	return out, nil
}
