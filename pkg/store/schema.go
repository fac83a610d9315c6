package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SchemaVersion is the schema version this orchex writes (PRAGMA
// user_version): the number of migrations.
const SchemaVersion = 3

// migrations returns the schema migrations in order; migration i brings
// the schema from version i to i+1. Append only: never edit a migration
// that has been released, add a new one. docs/schema.md documents the
// result.
func migrations() []string {
	return []string{schemaV1, schemaV2, schemaV3}
}

// schemaV1 is the first schema. Times are UTC text of fixed width
// (timeFormat), NULL when unknown. STRICT tables reject values of the
// wrong type.
const schemaV1 = `
CREATE TABLE snapshots (
	id              INTEGER PRIMARY KEY,
	label           TEXT NOT NULL UNIQUE,
	created         TEXT NOT NULL,
	notes           TEXT NOT NULL DEFAULT '',
	catalog_version TEXT NOT NULL DEFAULT '',
	meta            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta))
) STRICT;

CREATE TABLE services (
	id               INTEGER PRIMARY KEY,
	snapshot_id      INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	addr             BLOB NOT NULL CHECK (length(addr) = 17),
	ip               TEXT NOT NULL,
	port             INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
	transport        TEXT NOT NULL,
	product          TEXT NOT NULL,
	product_evidence TEXT NOT NULL,
	version          TEXT NOT NULL,
	auth             TEXT NOT NULL CHECK (auth IN ('open', 'auth_required', 'unknown')),
	auth_evidence    TEXT NOT NULL,
	confidence       TEXT NOT NULL CHECK (confidence IN ('high', 'low')),
	auth_seen_at     TEXT,
	auth_conflict    INTEGER NOT NULL CHECK (auth_conflict IN (0, 1)),
	engines          TEXT NOT NULL,
	first_seen       TEXT,
	last_seen        TEXT,
	hostnames        TEXT NOT NULL CHECK (json_valid(hostnames)),
	org              TEXT NOT NULL,
	asn              INTEGER NOT NULL,
	country          TEXT NOT NULL,
	city             TEXT NOT NULL,
	title            TEXT NOT NULL,
	cloud_provider   TEXT NOT NULL,
	cloud_region     TEXT NOT NULL,
	cloud_service    TEXT NOT NULL,
	cloud_source     TEXT NOT NULL,
	UNIQUE (snapshot_id, addr, port, transport)
) STRICT;

CREATE TABLE observations (
	id            INTEGER PRIMARY KEY,
	snapshot_id   INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	engine        TEXT NOT NULL,
	query_id      TEXT NOT NULL,
	record_id     TEXT NOT NULL,
	addr          BLOB NOT NULL CHECK (length(addr) = 17),
	ip            TEXT NOT NULL,
	port          INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
	transport     TEXT NOT NULL,
	seen_at       TEXT,
	product       TEXT NOT NULL,
	version       TEXT NOT NULL,
	auth          TEXT NOT NULL CHECK (auth IN ('open', 'auth_required', 'unknown')),
	auth_evidence TEXT NOT NULL,
	confidence    TEXT NOT NULL CHECK (confidence IN ('high', 'low')),
	fingerprint   BLOB NOT NULL CHECK (length(fingerprint) = 16),
	UNIQUE (snapshot_id, engine, query_id, fingerprint)
) STRICT;

CREATE INDEX observations_service ON observations (snapshot_id, addr, port, transport);

CREATE TABLE raw_pages (
	id          INTEGER PRIMARY KEY,
	snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	engine      TEXT NOT NULL,
	query_id    TEXT NOT NULL,
	query       TEXT NOT NULL,
	page        INTEGER NOT NULL CHECK (page >= 1),
	token       TEXT NOT NULL,
	next_token  TEXT NOT NULL,
	total       INTEGER NOT NULL,
	hits        INTEGER NOT NULL,
	credits     INTEGER NOT NULL,
	fetches     INTEGER NOT NULL DEFAULT 1,
	fetched_at  TEXT,
	body_size   INTEGER NOT NULL,
	body_sha256 TEXT NOT NULL,
	encoding    TEXT NOT NULL CHECK (encoding = 'gzip'),
	body        BLOB NOT NULL,
	UNIQUE (snapshot_id, engine, query_id, page)
) STRICT;

CREATE TABLE imports (
	id              INTEGER PRIMARY KEY,
	snapshot_id     INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	file            TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	engine          TEXT NOT NULL,
	format          TEXT NOT NULL,
	records_read    INTEGER NOT NULL,
	records_kept    INTEGER NOT NULL,
	records_bad     INTEGER NOT NULL,
	records_skipped INTEGER NOT NULL,
	imported_at     TEXT,
	UNIQUE (snapshot_id, sha256)
) STRICT;
`

// schemaV2 adds service_groups, the services counted by every attribute a
// report counts, and product_hosts, the distinct addresses per product
// (both kept by Put, see groups.go), filled for the snapshots already
// there. It drops observations_service: every index is written at a
// random position by an import (addresses come in random order), and
// nothing read that one (Observations sorts); BenchmarkPutImport: 8% of
// Put's time. product_hosts replaces an index (snapshot_id, product,
// addr) on services for the same reason: 13% of Put's time.
const schemaV2 = `
CREATE TABLE service_groups (
	snapshot_id    INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	product        TEXT NOT NULL,
	version        TEXT NOT NULL,
	auth           TEXT NOT NULL,
	auth_conflict  INTEGER NOT NULL,
	confidence     TEXT NOT NULL,
	engines        TEXT NOT NULL,
	country        TEXT NOT NULL,
	cloud_provider TEXT NOT NULL,
	cloud_region   TEXT NOT NULL,
	cloud_source   TEXT NOT NULL,
	services       INTEGER NOT NULL CHECK (services >= 0),
	first_seen     TEXT,
	last_seen      TEXT,
	PRIMARY KEY (snapshot_id, product, version, auth, auth_conflict, confidence, engines, country,
		cloud_provider, cloud_region, cloud_source)
) STRICT, WITHOUT ROWID;

INSERT INTO service_groups
SELECT snapshot_id, product, version, auth, auth_conflict, confidence, engines, country,
	cloud_provider, cloud_region, cloud_source, count(*), min(first_seen), max(last_seen)
FROM services
GROUP BY snapshot_id, product, version, auth, auth_conflict, confidence, engines, country,
	cloud_provider, cloud_region, cloud_source;

CREATE TABLE product_hosts (
	snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	product     TEXT NOT NULL,
	hosts       INTEGER NOT NULL CHECK (hosts >= 0),
	PRIMARY KEY (snapshot_id, product)
) STRICT, WITHOUT ROWID;

INSERT INTO product_hosts
SELECT snapshot_id, product, count(DISTINCT addr) FROM services GROUP BY snapshot_id, product;

DROP INDEX observations_service;
`

// schemaV3 adds what figures need beyond the verdict (docs/figures.md):
// the family of each service's product and its host's honeypot reasons
// (model.Honeypot, a bit set; orchex's own rule over the host's families
// is computed by Put), and "likely open" verdicts, stored as auth
// 'unknown' with inferred = 1, so that a reader of the file who counts
// auth = 'open' still counts proof only. service_groups gets the
// honeypot reasons in its key (a table without row ids keyed by its
// columns is rebuilt; its auth holds 'likely_open' itself). The partial
// index finds a snapshot's honeypot hosts without touching the others:
// Put writes to it only for flagged services.
const schemaV3 = `
ALTER TABLE services ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN honeypot INTEGER NOT NULL DEFAULT 0 CHECK (honeypot BETWEEN 0 AND 255);
ALTER TABLE services ADD COLUMN inferred INTEGER NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1));
ALTER TABLE observations ADD COLUMN honeypot INTEGER NOT NULL DEFAULT 0 CHECK (honeypot BETWEEN 0 AND 255);
ALTER TABLE observations ADD COLUMN inferred INTEGER NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1));

CREATE TABLE service_groups_v3 (
	snapshot_id    INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	product        TEXT NOT NULL,
	version        TEXT NOT NULL,
	auth           TEXT NOT NULL,
	auth_conflict  INTEGER NOT NULL,
	confidence     TEXT NOT NULL,
	engines        TEXT NOT NULL,
	country        TEXT NOT NULL,
	cloud_provider TEXT NOT NULL,
	cloud_region   TEXT NOT NULL,
	cloud_source   TEXT NOT NULL,
	honeypot       INTEGER NOT NULL,
	services       INTEGER NOT NULL CHECK (services >= 0),
	first_seen     TEXT,
	last_seen      TEXT,
	PRIMARY KEY (snapshot_id, product, version, auth, auth_conflict, confidence, engines, country,
		cloud_provider, cloud_region, cloud_source, honeypot)
) STRICT, WITHOUT ROWID;

INSERT INTO service_groups_v3
SELECT snapshot_id, product, version, auth, auth_conflict, confidence, engines, country,
	cloud_provider, cloud_region, cloud_source, 0, services, first_seen, last_seen
FROM service_groups;

DROP TABLE service_groups;
ALTER TABLE service_groups_v3 RENAME TO service_groups;

CREATE INDEX services_honeypot ON services (snapshot_id, addr) WHERE honeypot != 0;
`

// migrate brings the schema to SchemaVersion, in one transaction, and
// refuses files of newer orchex versions or of other applications.
func (s *Store) migrate(ctx context.Context) error {
	ms := migrations()
	v, app, tables, err := s.schemaState(ctx, s.db)
	if err != nil {
		return s.wrapErr("open", err)
	}
	if err := s.checkSchema(v, app, tables, len(ms)); err != nil {
		return err
	}
	if v == len(ms) {
		return nil
	}
	if s.ro {
		return fmt.Errorf("store: open %s: %w: the file has schema version %d and needs migrating to %d, which a read-only open cannot do; run a command that writes (orchex import) on a writable copy once", s.path, ErrOldSchema, v, len(ms))
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrapErr("open: begin migration", err)
	}
	defer rollback(tx)
	// Another process may have migrated between the check and BEGIN.
	if v, app, tables, err = s.schemaState(ctx, tx); err != nil {
		return s.wrapErr("open", err)
	}
	if err := s.checkSchema(v, app, tables, len(ms)); err != nil {
		return err
	}
	for i := v; i < len(ms); i++ {
		if _, err := tx.ExecContext(ctx, ms[i]); err != nil {
			return s.wrapErr(fmt.Sprintf("open: schema migration %d to %d", i, i+1), err)
		}
	}
	pragmas := fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d;", len(ms), applicationID)
	if _, err := tx.ExecContext(ctx, pragmas); err != nil {
		return s.wrapErr("open: set schema version", err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrapErr("open: commit schema migration", err)
	}
	return nil
}

// rowQueryer is *sql.DB or *sql.Tx.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaState reads the schema version, the application id and the
// number of tables.
func (s *Store) schemaState(ctx context.Context, q rowQueryer) (version, app, tables int, err error) {
	if err = q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return
	}
	if err = q.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return
	}
	err = q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables)
	return
}

func (s *Store) checkSchema(version, app, tables, known int) error {
	switch {
	case app != 0 && app != applicationID:
		return fmt.Errorf("store: open %s: %w: it is an SQLite database of another application (application_id %#x)", s.path, ErrNotDatabase, app)
	case version == 0 && tables > 0:
		return fmt.Errorf("store: open %s: %w: it is an SQLite database with tables orchex did not create", s.path, ErrNotDatabase)
	case version > known:
		return fmt.Errorf("store: open %s: %w: the file has schema version %d, this orchex knows up to %d; upgrade orchex", s.path, ErrNewerSchema, version, known)
	}
	return nil
}
