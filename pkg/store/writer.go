package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
)

var (
	_ ingest.Committer = (*Writer)(nil)
	_ ingest.Preparer  = (*Writer)(nil)
)

// DefaultCommitItems is the number of items a [Writer] stores in one
// transaction before it commits by itself.
const DefaultCommitItems = 50_000

// Writer stores the Puts of a long import in few transactions. An import
// adds its observations and services at random places in their unique
// indexes, and a commit writes every page its transaction changed to the
// WAL: with a transaction per batch of 5,000 items, most index pages were
// written again at every commit (a fifth of the writer's time in the
// profile of a 200,000-banner import).
//
// A Writer's Put stores what [Store.Put] stores, in the Writer's open
// transaction (begun by the first Put), and commits when the transaction
// holds CommitItems items; Commit commits earlier. A Put whose context
// has ended stores nothing; one that has begun runs to its end (a
// canceled Put could only be undone with the transaction). A Put that
// fails rolls the open transaction back: the uncommitted
// Puts before it are undone with it, and the error says how many items
// that was. A run killed before a commit loses the uncommitted Puts whole,
// never part of one; importing the same input again stores them, as after
// a killed Store.Put.
//
// While its transaction is open the Writer holds the Store's write lock:
// other writes through the same Store, and other processes' writes, wait
// for Commit. Commit when the input pauses and at the end
// ([ingest.Pipeline] does both). A Writer is used by one goroutine at a
// time.
type Writer struct {
	s *Store
	// CommitItems is the number of items after which Put commits; 0 means
	// DefaultCommitItems.
	CommitItems int

	conn *sql.Conn
	tx   *sql.Tx
	n    int // items stored in the open transaction
}

// Writer returns a Writer storing into s.
func (s *Store) Writer() *Writer { return &Writer{s: s} }

// Prepare is [Store.Prepare].
func (w *Writer) Prepare(it *ingest.Item) { w.s.Prepare(it) }

// Put stores items and page (nil for imports) in snapshot within the
// Writer's transaction; see [Store.Put] for what is stored and [Writer]
// for when it is committed.
func (w *Writer) Put(ctx context.Context, snapshot string, items []ingest.Item, page *model.RawPage) (ingest.PutStats, error) {
	op, batch, err := preparePut(snapshot, items, page)
	if batch == nil || err != nil {
		return ingest.PutStats{}, err
	}
	if err := ctx.Err(); err != nil {
		return ingest.PutStats{}, fmt.Errorf("store: %s: %w", op, err)
	}
	ctx = context.WithoutCancel(ctx)
	if w.tx == nil {
		if err := w.begin(ctx); err != nil {
			return ingest.PutStats{}, w.s.wrapErr(op, err)
		}
	}
	st, err := w.s.put(ctx, w.tx, op, snapshot, batch, page)
	if err != nil {
		if w.n > 0 {
			err = fmt.Errorf("%w (the %d items stored since the last commit were undone with it)", err, w.n)
		}
		rollback(w.tx)
		w.end()
		return ingest.PutStats{}, err
	}
	w.n += len(items)
	limit := w.CommitItems
	if limit <= 0 {
		limit = DefaultCommitItems
	}
	if w.n >= limit {
		if err := w.Commit(ctx); err != nil {
			return ingest.PutStats{}, err
		}
	}
	return st, nil
}

// Commit commits what the Puts since the last commit stored, and lets
// other writers in. It does nothing when no transaction is open.
func (w *Writer) Commit(ctx context.Context) error {
	if w.tx == nil {
		return nil
	}
	n := w.n
	err := w.tx.Commit()
	w.end()
	if err != nil {
		return w.s.wrapErr(fmt.Sprintf("commit %d items", n), err)
	}
	return nil
}

// begin takes the write lock and opens a transaction.
func (w *Writer) begin(ctx context.Context) error {
	w.s.wmu.Lock()
	conn, err := w.s.writeConn(ctx)
	if err != nil {
		w.s.wmu.Unlock()
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		restoreTempStore(conn)
		w.s.wmu.Unlock()
		return err
	}
	w.conn, w.tx, w.n = conn, tx, 0
	return nil
}

// end hands back the connection of a transaction that was committed or
// rolled back, and the write lock.
func (w *Writer) end() {
	restoreTempStore(w.conn)
	w.conn, w.tx, w.n = nil, nil, 0
	w.s.wmu.Unlock()
}
