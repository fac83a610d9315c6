package store

import (
	"context"
	"fmt"
)

// A service's honeypot column holds its host's reasons (model.Honeypot):
// Put gives every service at an address the union of the engines'
// markers there and orchex's own rule over the address's families
// (mergeServices). A report leaves those services out by default; these
// reads, on the partial index services_honeypot (only flagged services
// are in it), say how many it left out.

// HoneypotCounts returns the number of distinct addresses of snapshot
// whose services are flagged as a honeypot's, and the number of those
// services.
func (s *Store) HoneypotCounts(ctx context.Context, snapshot string) (hosts, services int, err error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return 0, 0, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(DISTINCT addr), count(*) FROM services INDEXED BY services_honeypot
		WHERE snapshot_id = ? AND honeypot != 0`, sid).Scan(&hosts, &services)
	if err != nil {
		return 0, 0, s.wrapErr(fmt.Sprintf("count honeypot services of snapshot %q", snapshot), err)
	}
	return hosts, services, nil
}

// HoneypotProductHosts returns, for each product of snapshot, the number
// of distinct flagged addresses with a service of it: what a report that
// leaves honeypots out takes from ProductHosts.
func (s *Store) HoneypotProductHosts(ctx context.Context, snapshot string) (map[string]int, error) {
	sid, err := s.snapshotID(ctx, s.db, snapshot)
	if err != nil {
		return nil, err
	}
	op := fmt.Sprintf("count honeypot hosts by product in snapshot %q", snapshot)
	return s.countsBy(ctx, op, `SELECT product, count(DISTINCT addr) FROM services INDEXED BY services_honeypot
		WHERE snapshot_id = ? AND honeypot != 0 GROUP BY product`, sid)
}
