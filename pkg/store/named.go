package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/orchex/orchex/pkg/model"
)

// ServicesNamed calls fn for every service of snapshot whose host names
// contain text (ASCII case ignored), in no particular order, and stops
// with fn's error. It is for what a report built from the service groups
// needs of the host names, which groups do not keep: the AKS API servers
// among a snapshot's Kubernetes services (text eol.AKSZone), whose
// versions the AKS calendar judges. The caller checks each service's
// names exactly: a name that merely contains text is passed too.
//
// It reads the range of row ids the snapshot's services occupy (from
// the covering unique index), then those rows in table order, one at a
// time, decoding only those that match: about 0.7 s per million services
// of the snapshot, whatever the other snapshots hold
// (BenchmarkServicesNamed).
func (s *Store) ServicesNamed(ctx context.Context, snapshot, text string, fn func(*model.Service) error) error {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("read services of snapshot %q named *%s*", snapshot, text)
	var lo, hi sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM services WHERE snapshot_id = ?`, sid).Scan(&lo, &hi); err != nil {
		return s.wrapErr(op, err)
	}
	if !lo.Valid {
		return nil // no service
	}
	pattern := "%" + likeEscape(text) + "%"
	// "+snapshot_id" keeps SQLite on the row id range rather than the
	// index, whose order would read the rows at random.
	return s.eachService(ctx, op, fn, `SELECT `+serviceCols+` FROM services
		WHERE id BETWEEN ? AND ? AND +snapshot_id = ? AND hostnames LIKE ? ESCAPE '\'`, lo.Int64, hi.Int64, sid, pattern)
}

// likeEscape escapes LIKE's wildcards and its escape character.
func likeEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\\' || r == '%' || r == '_' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
