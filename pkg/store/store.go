package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// Errors that callers can test with errors.Is. The errors returned wrap
// one of these and say which file or snapshot failed and what to do.
var (
	// ErrNoPath: no database file was named (an empty path or an
	// in-memory database).
	ErrNoPath = errors.New("no database file named")
	// ErrNoDirectory: the database's directory does not exist.
	ErrNoDirectory = errors.New("no such directory")
	// ErrNoDatabase: the database file does not exist and
	// Options.NoCreate was set.
	ErrNoDatabase = errors.New("no database")
	// ErrNotDatabase: the file is not an SQLite database, is corrupt, or
	// is an SQLite database of another application.
	ErrNotDatabase = errors.New("not an orchex database")
	// ErrNewerSchema: the file was written by a newer orchex.
	ErrNewerSchema = errors.New("database schema is newer than this orchex")
	// ErrOldSchema: the file needs a schema migration and was opened
	// read-only.
	ErrOldSchema = errors.New("database schema is older than this orchex")
	// ErrLocked: another process held the database longer than the busy
	// timeout.
	ErrLocked = errors.New("database is locked by another process")
	// ErrNoSnapshot: the snapshot label is not in the database.
	ErrNoSnapshot = errors.New("no such snapshot")
	// ErrSnapshotExists: the label is taken (Rename).
	ErrSnapshotExists = errors.New("snapshot already exists")
	// ErrBadLabel: the label is not a valid snapshot label.
	ErrBadLabel = errors.New("invalid snapshot label")
)

// DefaultBusyTimeout is how long a write waits for another process's
// transaction to finish before failing with [ErrLocked].
const DefaultBusyTimeout = 5 * time.Second

// applicationID marks an orchex database in the SQLite header
// (PRAGMA application_id): "orcx".
const applicationID = 0x6f726378

// SQLite primary result codes the store maps to its own errors.
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeCorrupt  = 11
	codeFull     = 13
	codeCantOpen = 14
	codeNotADB   = 26
)

// Options tune [OpenWith].
type Options struct {
	// BusyTimeout is how long to wait for a lock held by another process;
	// 0 means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// NoCreate makes opening a missing file fail with ErrNoDatabase
	// instead of creating it (read-only verbs such as snapshots list).
	NoCreate bool
	// ReadOnly opens the file for reading only (SQLite mode=ro; implies
	// NoCreate): it works on a file the user may only read, and on a
	// read-only mount, where the database is opened immutable when its
	// -shm file cannot be created beside it. Writes fail, and a database
	// of an older schema is an error (it would need a migration).
	ReadOnly bool
}

// Store is an open orchex database. It is safe for concurrent use by
// several goroutines: writes of one Store are serialised by a mutex (so
// they never wait on SQLite's busy timeout), writes of other processes by
// SQLite's lock.
type Store struct {
	db   *sql.DB
	path string
	ro   bool       // opened with Options.ReadOnly
	wmu  sync.Mutex // held by every write transaction
	// scratch holds *[]byte buffers for Prepare's fingerprints.
	scratch sync.Pool
}

// Open opens the orchex database at path, creating it (but not its
// directory) when absent, readable and writable by its owner only (0600:
// it holds raw banners and addresses; SQLite gives its -wal and -shm
// files the same mode), and brings its schema up to date. A path that is
// not a regular file (a named pipe, a device, a directory) is refused
// before SQLite opens it.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is [Open] with options.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") {
		return nil, fmt.Errorf("store: open %q: %w: the store needs a file", path, ErrNoPath)
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	if err := checkFile(path, o.NoCreate || o.ReadOnly); err != nil {
		return nil, err
	}
	if err := checkForeign(ctx, path, o.BusyTimeout); err != nil {
		return nil, err
	}
	s, err := open(ctx, path, dsn(path, o.BusyTimeout, o.ReadOnly, false), o.ReadOnly)
	if err != nil && o.ReadOnly && isCantOpen(err) {
		// A WAL database on a read-only mount: SQLite cannot create the
		// -shm file it reads through, so read the file as immutable
		// (nothing can be writing it there either).
		s, err = open(ctx, path, dsn(path, o.BusyTimeout, true, true), true)
	}
	return s, err
}

func open(ctx context.Context, path, dsn string, ro bool) (*Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxIdleConns(4)
	s := &Store{db: db, path: path, ro: ro}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// isCantOpen reports whether err is SQLite's "unable to open" (or a
// read-only failure to create a file it needs).
func isCantOpen(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == codeCantOpen || c == codeReadOnly
	}
	return false
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database. Nothing is lost by not calling it (every
// Put is committed), but the WAL file is folded back only on Close.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// checkFile gives clear errors for a missing directory, a directory or
// another file that is not a regular one given as the database, and a
// file that is not an SQLite database, before SQLite touches anything (it
// would create -wal files beside it, and block on a named pipe). A new
// database file is created here, 0600.
func checkFile(path string, noCreate bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if noCreate {
			return fmt.Errorf("store: %s: %w", path, ErrNoDatabase)
		}
		dir := filepath.Dir(path)
		if di, err := os.Stat(dir); err != nil || !di.IsDir() {
			return fmt.Errorf("store: open %s: %w: directory %s does not exist", path, ErrNoDirectory, dir)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) { // another process may just have created it
			return fmt.Errorf("store: create %s: %w", path, err)
		}
		if f != nil {
			f.Close()
		}
		return nil
	case err != nil:
		return fmt.Errorf("store: open %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("store: open %s: %w: it is a directory, not a database file (such as %s)", path, ErrNotDatabase, filepath.Join(path, "orchex.db"))
	case !fi.Mode().IsRegular():
		return fmt.Errorf("store: open %s: %w: it is a %s, not a regular file", path, ErrNotDatabase, fileKind(fi.Mode()))
	case fi.Size() == 0:
		return nil // SQLite treats an empty file as an empty database
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil || string(head) != sqliteMagic {
		return fmt.Errorf("store: open %s: %w: the file is not an SQLite database (another file, or a damaged one)", path, ErrNotDatabase)
	}
	return nil
}

// fileKind names a mode that is not a regular file's.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// checkForeign refuses another application's SQLite file before the WAL
// pragma of dsn would switch it to WAL mode (a change to the file). Every
// orchex database is in WAL mode, so only a file in rollback-journal mode
// (header bytes 18 and 19 are 1) is read first, without that pragma.
func checkForeign(ctx context.Context, path string, busy time.Duration) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // absent: created by the open
	}
	head := make([]byte, 20)
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || head[18] != 1 || head[19] != 1 {
		return nil
	}
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	db, err := sql.Open("sqlite", "file:"+esc+"?mode=ro&_pragma=busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer db.Close()
	s := &Store{db: db, path: path}
	v, app, tables, err := s.schemaState(ctx, db)
	if err != nil {
		return s.wrapErr("open", err)
	}
	return s.checkSchema(v, app, tables, len(migrations()))
}

// dsn builds the modernc.org/sqlite data source name: a file: URI (so
// that '?' and '#' in the path are escaped), WAL, foreign keys, busy
// timeout, and write transactions that take the write lock at BEGIN so
// that a waiting writer never deadlocks on a lock upgrade. A 32 MiB page
// cache per connection keeps the random index inserts of a large import
// from going to disk page by page (BenchmarkPut: about 15% faster than
// SQLite's defaults). A checkpoint every 65536 WAL pages (about 256 MiB of
// WAL on disk at most, folded back on Close) rather than 16384 lets the
// many commits of an import that rewrite the same index pages be copied
// into the database once: BenchmarkPutImport 8% faster. A read-only
// store (ro) opens with mode=ro and leaves the journal mode alone;
// immutable tells SQLite that nothing changes the file (a read-only
// mount), so that it needs no -shm file.
func dsn(path string, busy time.Duration, ro, immutable bool) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	ms := strconv.FormatInt(busy.Milliseconds(), 10)
	mode := "&_pragma=journal_mode(WAL)"
	switch {
	case immutable:
		mode = "&mode=ro&immutable=1"
	case ro:
		mode = "&mode=ro"
	}
	return "file:" + esc +
		"?_pragma=busy_timeout(" + ms + ")" +
		"&_pragma=foreign_keys(1)" +
		mode +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-32768)" +
		"&_pragma=wal_autocheckpoint(65536)" +
		"&_txlock=immediate"
}

// wrapErr adds the path and, for lock, corruption and disk errors, what
// to do. op says what was being done ("put into snapshot 2026Q4").
func (s *Store) wrapErr(op string, err error) error {
	return wrapErr(s.path, op, err)
}

func wrapErr(path, op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case codeBusy, codeLocked:
			return fmt.Errorf("store: %s: %s: %w (another orchex run?); wait for it to finish and run again: %w", path, op, ErrLocked, err)
		case codeNotADB, codeCorrupt:
			return fmt.Errorf("store: %s: %s: %w: the file is not a readable SQLite database: %w", path, op, ErrNotDatabase, err)
		case codeFull:
			return fmt.Errorf("store: %s: %s: disk full; free space and run again (nothing of this step was stored): %w", path, op, err)
		case codeReadOnly, codeCantOpen:
			return fmt.Errorf("store: %s: %s: cannot write the database or its -wal and -shm files beside it; check the permissions of the file and its directory: %w", path, op, err)
		}
	}
	return fmt.Errorf("store: %s: %s: %w", path, op, err)
}

// rollback ends tx if it was not committed; the error of a rollback after
// a failure is not interesting.
func rollback(tx *sql.Tx) { _ = tx.Rollback() }
