package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Snapshot is one labelled measurement (a quarter, usually) with what
// produced it and its counts, computed when it is read.
type Snapshot struct {
	Label   string
	Created time.Time // UTC
	Meta    Meta

	Services     int // distinct (address, port, transport)
	Hosts        int // distinct addresses
	Observations int // engine observations stored
}

// Meta records what produced a snapshot, so that a report can state its
// method and a comparison can warn when methods differ. It is stored as
// JSON in snapshots.meta; CatalogVersion and Notes are mirrored in the
// catalog_version and notes columns for sqlite3 users. Its slices are
// kept sorted (Notes in the order added), so that the JSON is
// deterministic.
type Meta struct {
	CatalogVersion string       `json:"catalog_version"`
	Engines        []EngineMeta `json:"engines"`
	Feeds          []FeedMeta   `json:"feeds"`
	Queries        []QueryMeta  `json:"queries"`
	Inputs         []string     `json:"inputs"` // input files, as given
	Notes          []string     `json:"notes"`
	// CloudDisagreements counts services whose cloud tag sources
	// disagreed on the provider (the official feed won), summed over
	// every import and collection into the snapshot (AddDisagreements).
	CloudDisagreements int `json:"cloud_disagreements"`
	// Incomplete lists the runs that stopped before their end (an
	// interrupted import, a truncated file, a collection stopped by a
	// budget, a page cap or an engine failure), one entry per run, sorted
	// by run; empty when the snapshot is complete. MarkIncomplete and
	// ClearIncomplete keep it; every report of the snapshot says so.
	Incomplete []Incomplete `json:"incomplete,omitempty"`
	// Narrowings record the collections narrowed to one scope's networks
	// (collect --scope): a snapshot with any holds those networks' part
	// of the internet only, not a census. Empty (absent from the JSON)
	// for a census.
	Narrowings []NarrowingMeta `json:"narrowings,omitempty"`
	// ClampedObservations counts the observations stored with a time
	// later than when they were imported or collected (a banner dated
	// 9999), whose time was set to that time (ingest.Item.Clamped),
	// summed over every import and collection (AddClamped).
	ClampedObservations int `json:"clamped_observations"`
	// Exports lists the orchex export files imported into the snapshot
	// (base names, sorted): their services' classifications and cloud
	// tags were made by the orchex that wrote them, not derived here.
	Exports []string `json:"exports"`
}

// Incomplete is one run that filled part of a snapshot and stopped
// before its end, with the reasons: which queries did not run, which
// file broke at which record, which signal stopped it.
type Incomplete struct {
	// Run names the run, the same way each time it runs: "the import of
	// k8s.json.gz" (orchex import), "query k8s-api (shodan)" (a query of
	// a collection, collect.QueryRun). A later complete run of the same
	// name clears the mark (ClearIncomplete).
	Run     string    `json:"run"`
	Reasons []string  `json:"reasons"`
	At      time.Time `json:"at"` // when the run stopped, by the run's clock
}

// Complete reports whether no run into the snapshot stopped early.
func (m *Meta) Complete() bool { return len(m.Incomplete) == 0 }

// MarkIncomplete records that run in stopped early, replacing an earlier
// mark of the same run.
func (m *Meta) MarkIncomplete(in Incomplete) {
	m.ClearIncomplete(in.Run)
	in.Reasons = slices.Clone(in.Reasons)
	in.At = in.At.UTC()
	m.Incomplete = append(m.Incomplete, in)
	m.normalize()
}

// ClearIncomplete removes the mark of run (it has now completed).
func (m *Meta) ClearIncomplete(run string) {
	m.Incomplete = slices.DeleteFunc(m.Incomplete, func(x Incomplete) bool { return x.Run == run })
	if len(m.Incomplete) == 0 {
		m.Incomplete = nil
	}
}

// IncompleteReasons returns every reason of every mark, each prefixed
// with its run ("import of k8s.json.gz: k8s.json.gz:5121: the gzip stream
// is truncated"), in run order.
func (m *Meta) IncompleteReasons() []string {
	var out []string
	for _, in := range m.Incomplete {
		if len(in.Reasons) == 0 {
			out = append(out, in.Run+": stopped before its end")
		}
		for _, r := range in.Reasons {
			out = append(out, in.Run+": "+r)
		}
	}
	return out
}

// NarrowingMeta is one scope a collection into the snapshot was narrowed
// to: its name, the scopes file's base name, how many values of each
// selector the engines' filters carried, and a digest of those values
// (two versions of a scope have different digests).
type NarrowingMeta struct {
	Scope      string `json:"scope"`
	ScopesFile string `json:"scopes_file"`
	CIDRs      int    `json:"cidrs"`
	ASNs       int    `json:"asns"`
	Orgs       int    `json:"orgs"`
	Domains    int    `json:"domains"`
	Countries  int    `json:"countries"`
	Digest     string `json:"digest"`
}

// String describes the narrowing for a report's method: "scope acme of
// scopes.yaml (2 networks, 1 ASN; digest 3f2a9c01)".
func (n NarrowingMeta) String() string {
	var parts []string
	for _, c := range []struct {
		n         int
		one, many string
	}{{n.CIDRs, "network", "networks"}, {n.ASNs, "ASN", "ASNs"}, {n.Orgs, "organisation", "organisations"},
		{n.Domains, "domain", "domains"}, {n.Countries, "country", "countries"}} {
		switch {
		case c.n == 1:
			parts = append(parts, "1 "+c.one)
		case c.n > 1:
			parts = append(parts, strconv.Itoa(c.n)+" "+c.many)
		}
	}
	d := n.Digest
	if len(d) > 8 {
		d = d[:8]
	}
	return "scope " + n.Scope + " of " + n.ScopesFile + " (" + strings.Join(parts, ", ") + "; digest " + d + ")"
}

// AddNarrowing records a narrowed collection, once.
func (m *Meta) AddNarrowing(n NarrowingMeta) { m.Narrowings = append(m.Narrowings, n); m.normalize() }

// legacyDisagreementsNote is how snapshots written before the typed
// CloudDisagreements field kept the count: a note "cloud-disagreements: N".
const legacyDisagreementsNote = "cloud-disagreements: "

// EngineMeta names an engine and the API version used ("v3", "v2",
// "shodan-rest").
type EngineMeta struct {
	Name string `json:"name"`
	API  string `json:"api"`
}

// FeedMeta names a cloud range feed, the date it was published and how
// many prefixes it listed.
type FeedMeta struct {
	Provider string `json:"provider"`
	Date     string `json:"date"` // YYYY-MM-DD as published; "" when the feed has none
	// Token is the feed's sync token or change number ("" when none):
	// what dates a feed that publishes no date (Azure service tags).
	Token string `json:"token,omitempty"`
	// Prefixes is the number of distinct prefixes (IPv4 and IPv6) the
	// feed listed; 0 in snapshots made before it was recorded.
	Prefixes int `json:"prefixes,omitempty"`
}

// QueryMeta is one catalog query run against an engine: the engine's
// total, pages and records fetched, and why it stopped early ("" when it
// ran to the end; "max-pages", "max-credits", "engine-limit", ...).
type QueryMeta struct {
	ID        string `json:"id"`
	Engine    string `json:"engine"`
	Text      string `json:"text"`
	Total     int    `json:"total"`
	Pages     int    `json:"pages"`
	Fetched   int    `json:"fetched"`
	Truncated string `json:"truncated"`
	// Kept, Skipped and Bad count the query's records that a catalog
	// product matched, that none matched, and that could not be decoded,
	// over every run that fetched its pages; At is when its last page was
	// fetched.
	Kept    int       `json:"kept"`
	Skipped int       `json:"skipped"`
	Bad     int       `json:"bad"`
	At      time.Time `json:"at"`
	// EngineTotal and Reachable are set when the engine could page only
	// part of the query (Truncated "engine-limit"): the hits it reported
	// for the (sub-)queries it cut short, and how many of those it let a
	// client fetch.
	EngineTotal int `json:"engine_total,omitempty"`
	Reachable   int `json:"reachable,omitempty"`
}

// AddEngine records an engine, once.
func (m *Meta) AddEngine(e EngineMeta) { m.Engines = append(m.Engines, e); m.normalize() }

// AddFeed records a range feed, once.
func (m *Meta) AddFeed(f FeedMeta) { m.Feeds = append(m.Feeds, f); m.normalize() }

// AddInput records an input file, once.
func (m *Meta) AddInput(file string) { m.Inputs = append(m.Inputs, file); m.normalize() }

// AddDisagreements adds n services whose cloud tag sources disagreed (a
// tagger's count after an import or a collection run). n <= 0 changes
// nothing.
func (m *Meta) AddDisagreements(n int) {
	if n > 0 {
		m.CloudDisagreements += n
	}
}

// AddClamped adds n observations whose time was clamped (the PutStats of
// an import or a collection run). n <= 0 changes nothing.
func (m *Meta) AddClamped(n int) {
	if n > 0 {
		m.ClampedObservations += n
	}
}

// AddExport records an orchex export file imported into the snapshot,
// once.
func (m *Meta) AddExport(file string) { m.Exports = append(m.Exports, file); m.normalize() }

// SetQuery records q, replacing the entry with the same engine and id.
func (m *Meta) SetQuery(q QueryMeta) {
	m.Queries = slices.DeleteFunc(m.Queries, func(x QueryMeta) bool { return x.Engine == q.Engine && x.ID == q.ID })
	m.Queries = append(m.Queries, q)
	m.normalize()
}

// normalize sorts and deduplicates, so that equal metadata has equal JSON.
func (m *Meta) normalize() {
	slices.SortFunc(m.Engines, func(a, b EngineMeta) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.API, b.API))
	})
	m.Engines = slices.Compact(m.Engines)
	// One entry per provider and date: the one with a token and the
	// largest prefix count (a feed recorded again by a newer orchex).
	slices.SortFunc(m.Feeds, func(a, b FeedMeta) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Date, b.Date),
			cmp.Compare(b.Prefixes, a.Prefixes), cmp.Compare(b.Token, a.Token))
	})
	m.Feeds = slices.CompactFunc(m.Feeds, func(a, b FeedMeta) bool { return a.Provider == b.Provider && a.Date == b.Date })
	slices.SortFunc(m.Incomplete, func(a, b Incomplete) int { return cmp.Compare(a.Run, b.Run) })
	slices.SortStableFunc(m.Queries, func(a, b QueryMeta) int {
		return cmp.Or(cmp.Compare(a.Engine, b.Engine), cmp.Compare(a.ID, b.ID))
	})
	m.Queries = slices.Compact(m.Queries)
	slices.Sort(m.Inputs)
	m.Inputs = slices.Compact(m.Inputs)
	slices.SortFunc(m.Narrowings, func(a, b NarrowingMeta) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.ScopesFile, b.ScopesFile), cmp.Compare(a.Digest, b.Digest))
	})
	m.Narrowings = slices.Compact(m.Narrowings)
	slices.Sort(m.Exports)
	m.Exports = slices.Compact(m.Exports)
	// Notes keep the order in which they were added.
}

func (m Meta) encode() (string, error) {
	m.Engines = slices.Clone(m.Engines)
	m.Feeds = slices.Clone(m.Feeds)
	m.Queries = slices.Clone(m.Queries)
	m.Inputs = slices.Clone(m.Inputs)
	m.Incomplete = slices.Clone(m.Incomplete)
	m.Narrowings = slices.Clone(m.Narrowings)
	m.Exports = slices.Clone(m.Exports)
	m.normalize()
	// Empty lists are [] in the JSON, never null, so that equal metadata
	// has equal text and json_each() works on every key.
	m.Engines, m.Feeds, m.Queries = orEmpty(m.Engines), orEmpty(m.Feeds), orEmpty(m.Queries)
	m.Inputs, m.Notes, m.Exports = orEmpty(m.Inputs), orEmpty(m.Notes), orEmpty(m.Exports)
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode snapshot metadata: %w", err)
	}
	return string(b), nil
}

// decodeMeta reads stored metadata; empty lists become nil. A note
// "cloud-disagreements: N", the form of metadata written before the
// CloudDisagreements field, is moved into that field, so an old database
// keeps its count and the note never reaches a report; the next write
// stores the typed form.
func decodeMeta(js string) (Meta, error) {
	var m Meta
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return Meta{}, err
	}
	m.Engines, m.Feeds, m.Queries = orNil(m.Engines), orNil(m.Feeds), orNil(m.Queries)
	m.Inputs, m.Notes, m.Exports = orNil(m.Inputs), orNil(m.Notes), orNil(m.Exports)
	m.Incomplete = orNil(m.Incomplete)
	m.Narrowings = orNil(m.Narrowings)
	m.Notes = slices.DeleteFunc(m.Notes, func(n string) bool {
		rest, ok := strings.CutPrefix(n, legacyDisagreementsNote)
		if !ok {
			return false
		}
		k, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil {
			return false // not the form orchex wrote: keep it as a note
		}
		m.AddDisagreements(k)
		return true
	})
	m.Notes = orNil(m.Notes)
	return m, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// CheckLabel reports whether label is a valid snapshot label: 1 to 64
// ASCII letters, digits, '.', '_' or '-', starting with a letter or digit
// ("2026Q4", "2026Q4-k8s"). Labels name report directories, so nothing
// else is allowed.
func CheckLabel(label string) error {
	if label == "" || len(label) > 64 {
		return fmt.Errorf("%w %q: want 1 to 64 characters, e.g. 2026Q4", ErrBadLabel, label)
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			i > 0 && (c == '.' || c == '_' || c == '-')
		if !ok {
			return fmt.Errorf("%w %q: use letters, digits, '.', '_' and '-' (starting with a letter or digit), e.g. 2026Q4", ErrBadLabel, label)
		}
	}
	return nil
}

// EnsureSnapshot returns the snapshot label, creating it with created and
// m when it does not exist. An existing snapshot is returned unchanged
// (use UpdateMeta to change its metadata).
func (s *Store) EnsureSnapshot(ctx context.Context, label string, created time.Time, m Meta) (Snapshot, error) {
	if err := CheckLabel(label); err != nil {
		return Snapshot{}, fmt.Errorf("store: %w", err)
	}
	if created.IsZero() {
		return Snapshot{}, fmt.Errorf("store: create snapshot %q: zero creation time", label)
	}
	js, err := m.encode()
	if err != nil {
		return Snapshot{}, fmt.Errorf("store: create snapshot %q: %w", label, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err = s.db.ExecContext(ctx, `INSERT INTO snapshots (label, created, notes, catalog_version, meta)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (label) DO NOTHING`,
		label, timeArg(created), strings.Join(m.Notes, "\n"), m.CatalogVersion, js)
	if err != nil {
		return Snapshot{}, s.wrapErr(fmt.Sprintf("create snapshot %q", label), err)
	}
	return s.Snapshot(ctx, label)
}

// snapshotSelect counts hosts on the services' unique index (snapshot, addr,
// port, transport), already in address order: 0.15 s for a million
// services, where an index on other columns first would need a sort.
const snapshotSelect = `SELECT s.label, s.created, s.meta,
	(SELECT count(*) FROM services WHERE snapshot_id = s.id),
	(SELECT count(DISTINCT addr) FROM services INDEXED BY sqlite_autoindex_services_1 WHERE snapshot_id = s.id),
	(SELECT count(*) FROM observations WHERE snapshot_id = s.id)
	FROM snapshots s`

func scanSnapshot(sc interface{ Scan(...any) error }) (Snapshot, error) {
	var (
		sn      Snapshot
		created sql.NullString
		meta    string
	)
	if err := sc.Scan(&sn.Label, &created, &meta, &sn.Services, &sn.Hosts, &sn.Observations); err != nil {
		return Snapshot{}, err
	}
	var err error
	if sn.Created, err = parseTime(created); err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %q: created: %w", sn.Label, err)
	}
	if sn.Meta, err = decodeMeta(meta); err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %q: meta: %w", sn.Label, err)
	}
	return sn, nil
}

// Snapshot returns the snapshot label, or an error wrapping ErrNoSnapshot.
func (s *Store) Snapshot(ctx context.Context, label string) (Snapshot, error) {
	sn, err := scanSnapshot(s.db.QueryRowContext(ctx, snapshotSelect+` WHERE s.label = ?`, label))
	if errors.Is(err, sql.ErrNoRows) {
		return Snapshot{}, s.noSnapshot(label)
	}
	if err != nil {
		return Snapshot{}, s.wrapErr(fmt.Sprintf("read snapshot %q", label), err)
	}
	return sn, nil
}

func (s *Store) noSnapshot(label string) error {
	return fmt.Errorf("store: %s: %w %q", s.path, ErrNoSnapshot, label)
}

// Snapshots returns every snapshot, oldest first (ties by label).
func (s *Store) Snapshots(ctx context.Context) ([]Snapshot, error) {
	rows, err := s.db.QueryContext(ctx, snapshotSelect+` ORDER BY s.created, s.label`)
	if err != nil {
		return nil, s.wrapErr("list snapshots", err)
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		sn, err := scanSnapshot(rows)
		if err != nil {
			return nil, s.wrapErr("list snapshots", err)
		}
		out = append(out, sn)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrapErr("list snapshots", err)
	}
	return out, nil
}

// UpdateMeta changes the metadata of snapshot label with fn, atomically.
// fn must not call the Store.
func (s *Store) UpdateMeta(ctx context.Context, label string, fn func(*Meta)) error {
	op := fmt.Sprintf("update snapshot %q", label)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrapErr(op, err)
	}
	defer rollback(tx)
	var js string
	err = tx.QueryRowContext(ctx, `SELECT meta FROM snapshots WHERE label = ?`, label).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return s.noSnapshot(label)
	}
	if err != nil {
		return s.wrapErr(op, err)
	}
	m, err := decodeMeta(js)
	if err != nil {
		return s.wrapErr(op, fmt.Errorf("meta: %w", err))
	}
	fn(&m)
	if js, err = m.encode(); err != nil {
		return s.wrapErr(op, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE snapshots SET meta = ?, notes = ?, catalog_version = ? WHERE label = ?`,
		js, strings.Join(m.Notes, "\n"), m.CatalogVersion, label)
	if err != nil {
		return s.wrapErr(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrapErr(op, err)
	}
	return nil
}

// MarkIncomplete records in snapshot label that run in stopped before
// its end (see Meta.Incomplete), replacing an earlier mark of the same
// run. Every report of the snapshot then says so, at the top.
func (s *Store) MarkIncomplete(ctx context.Context, label string, in Incomplete) error {
	if in.Run == "" {
		return fmt.Errorf("store: mark snapshot %q incomplete: the run has no name", label)
	}
	return s.UpdateMeta(ctx, label, func(m *Meta) { m.MarkIncomplete(in) })
}

// ClearIncomplete removes the mark of run from snapshot label: the run
// has now completed (a resumed collection, a file imported again).
func (s *Store) ClearIncomplete(ctx context.Context, label, run string) error {
	return s.UpdateMeta(ctx, label, func(m *Meta) { m.ClearIncomplete(run) })
}

// RemoveIfEmpty deletes snapshot label when it holds nothing (no
// service, observation, import record or raw page) and reports whether
// it did: a run that stored nothing must not leave a snapshot behind,
// which would read as the newest census with every count zero. A
// snapshot that holds anything is left alone. A missing snapshot is no
// error (removed is false).
func (s *Store) RemoveIfEmpty(ctx context.Context, label string) (removed bool, err error) {
	op := fmt.Sprintf("remove empty snapshot %q", label)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, s.wrapErr(op, err)
	}
	defer rollback(tx)
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM snapshots WHERE label = ?`, label).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.wrapErr(op, err)
	}
	var held int
	err = tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM services WHERE snapshot_id = ?1) +
		EXISTS (SELECT 1 FROM observations WHERE snapshot_id = ?1) +
		EXISTS (SELECT 1 FROM imports WHERE snapshot_id = ?1) +
		EXISTS (SELECT 1 FROM raw_pages WHERE snapshot_id = ?1)`, id).Scan(&held)
	if err != nil {
		return false, s.wrapErr(op, err)
	}
	if held > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM snapshots WHERE id = ?`, id); err != nil {
		return false, s.wrapErr(op, err)
	}
	if err := tx.Commit(); err != nil {
		return false, s.wrapErr(op, err)
	}
	return true, nil
}

// Rename changes a snapshot's label. It fails with ErrNoSnapshot when from
// does not exist and ErrSnapshotExists when to does.
func (s *Store) Rename(ctx context.Context, from, to string) error {
	if err := CheckLabel(to); err != nil {
		return fmt.Errorf("store: rename %q: %w", from, err)
	}
	op := fmt.Sprintf("rename snapshot %q to %q", from, to)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrapErr(op, err)
	}
	defer rollback(tx)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM snapshots WHERE label = ?`, to).Scan(&n); err != nil {
		return s.wrapErr(op, err)
	}
	if n > 0 {
		return fmt.Errorf("store: %s: %s: %w; remove it or choose another label", s.path, op, ErrSnapshotExists)
	}
	res, err := tx.ExecContext(ctx, `UPDATE snapshots SET label = ? WHERE label = ?`, to, from)
	if err != nil {
		return s.wrapErr(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.noSnapshot(from)
	}
	if err := tx.Commit(); err != nil {
		return s.wrapErr(op, err)
	}
	return nil
}

// Remove deletes snapshot label and everything in it: services,
// observations, raw pages and import records.
func (s *Store) Remove(ctx context.Context, label string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM snapshots WHERE label = ?`, label)
	if err != nil {
		return s.wrapErr(fmt.Sprintf("remove snapshot %q", label), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.noSnapshot(label)
	}
	return nil
}

// snapshotID returns the row id of label within q.
func (s *Store) snapshotID(ctx context.Context, q rowQueryer, label string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM snapshots WHERE label = ?`, label).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, s.noSnapshot(label)
	}
	if err != nil {
		return 0, s.wrapErr(fmt.Sprintf("find snapshot %q", label), err)
	}
	return id, nil
}
