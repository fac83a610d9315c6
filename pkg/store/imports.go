package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Import records one input file imported into a snapshot: where it came
// from and what became of its records.
type Import struct {
	File    string       // path as given on the command line
	SHA256  string       // hex SHA-256 of the file's bytes; identifies the file
	Engine  model.Engine // engine the records came from
	Format  string       // detected format ("shodan-download", "censys-v3-search", ...)
	Read    int          // records read
	Kept    int          // records a catalog product matched
	Bad     int          // malformed records reported and skipped
	Skipped int          // records no catalog product matched
	At      time.Time    // when the import finished
}

// RecordImport records im in snapshot. It returns false, and changes
// nothing, when a file with the same SHA-256 was already imported into
// the snapshot.
func (s *Store) RecordImport(ctx context.Context, snapshot string, im Import) (bool, error) {
	op := fmt.Sprintf("record import of %s into snapshot %q", im.File, snapshot)
	if im.SHA256 == "" {
		return false, fmt.Errorf("store: %s: empty SHA-256", op)
	}
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return false, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO imports (snapshot_id, file, sha256, engine, format,
		records_read, records_kept, records_bad, records_skipped, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (snapshot_id, sha256) DO NOTHING`,
		sid, im.File, im.SHA256, string(im.Engine), im.Format, im.Read, im.Kept, im.Bad, im.Skipped, timeArg(im.At))
	if err != nil {
		return false, s.wrapErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrapErr(op, err)
	}
	return n == 1, nil
}

// HasImport reports whether a file with this SHA-256 was imported into
// snapshot.
func (s *Store) HasImport(ctx context.Context, snapshot, sha256 string) (bool, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return false, err
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM imports WHERE snapshot_id = ? AND sha256 = ?`, sid, sha256).Scan(&n)
	if err != nil {
		return false, s.wrapErr(fmt.Sprintf("look up import %s in snapshot %q", sha256, snapshot), err)
	}
	return n > 0, nil
}

// Imports returns the imports of snapshot in the order they were made
// (by time, then file name).
func (s *Store) Imports(ctx context.Context, snapshot string) ([]Import, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return nil, err
	}
	op := fmt.Sprintf("list imports of snapshot %q", snapshot)
	rows, err := s.db.QueryContext(ctx, `SELECT file, sha256, engine, format, records_read, records_kept,
		records_bad, records_skipped, imported_at FROM imports WHERE snapshot_id = ?
		ORDER BY imported_at, file, sha256`, sid)
	if err != nil {
		return nil, s.wrapErr(op, err)
	}
	defer rows.Close()
	var out []Import
	for rows.Next() {
		var (
			im     Import
			engine string
			at     sql.NullString
		)
		if err := rows.Scan(&im.File, &im.SHA256, &engine, &im.Format, &im.Read, &im.Kept, &im.Bad, &im.Skipped, &at); err != nil {
			return nil, s.wrapErr(op, err)
		}
		im.Engine = model.Engine(engine)
		if im.At, err = parseTime(at); err != nil {
			return nil, s.wrapErr(op, fmt.Errorf("imported_at: %w", err))
		}
		out = append(out, im)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrapErr(op, err)
	}
	return out, nil
}
