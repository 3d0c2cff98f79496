package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// busyTimeout is how long a connection waits for a lock another process
// holds (x84 subcommands open the same file) before giving up.
const busyTimeout = 10 * time.Second

// Config tunes Open. The zero value works.
type Config struct {
	// Logger, if non-nil, receives a record for each migration applied.
	// Nil discards.
	Logger *slog.Logger
	// Readers is the number of read-only connections; reads run in
	// parallel on them while the single writer works. Zero means
	// GOMAXPROCS, and at least 4.
	Readers int
	// MaxScriptKeys is the most keys one script may keep in ScriptData.
	// Zero, or more than store.MaxScriptKeys, means store.MaxScriptKeys;
	// tests lower it to reach the limit quickly.
	MaxScriptKeys int
}

// Open opens the database file at path, creating it with mode 0600 if it
// does not exist, and brings its schema up to date. A database written by
// a newer x84 is refused with an error wrapping store.ErrTooNew and left
// untouched. Closing the returned Store closes the database.
func Open(ctx context.Context, path string, opts Config) (*store.Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	readers := opts.Readers
	if readers <= 0 {
		readers = max(4, runtime.GOMAXPROCS(0))
	}
	ms, err := sqldb.LoadMigrations(migrationFiles, "migrations", "sqlite")
	if err != nil {
		return nil, err
	}

	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// SQLite would create the file with the umask's mode; it holds
	// password hashes, so create it private first. The -wal and -shm
	// files SQLite makes take this file's mode.
	f, err := os.OpenFile(abs, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	f.Close()

	e := &engine{path: abs}
	e.w, err = sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// One writer connection: writers queue in database/sql instead of
	// racing for SQLite's lock, so none of them sees SQLITE_BUSY.
	e.w.SetMaxOpenConns(1)
	e.w.SetMaxIdleConns(1)
	e.w.SetConnMaxLifetime(0)
	e.w.SetConnMaxIdleTime(0)
	if err := e.setup(ctx, ms, log); err != nil {
		e.w.Close()
		return nil, err
	}

	e.r, err = sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		e.w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	e.r.SetMaxOpenConns(readers)
	e.r.SetMaxIdleConns(readers)
	if err := e.r.PingContext(ctx); err != nil {
		e.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	return &store.Store{
		Users: e, Calls: e, Oneliners: e, Bans: e, Keys: e, Uploads: e,
		Files: e, Messages: e, Polls: e,
		ScriptData: scripts{e: e, maxKeys: sqldb.ScriptKeyLimit(opts.MaxScriptKeys)},
		Closer:     e,
	}, nil
}

// setup checks the schema version before anything writes to the file,
// switches it to WAL and applies the missing migrations.
func (e *engine) setup(ctx context.Context, ms []sqldb.Migration, log *slog.Logger) error {
	have, err := userVersion(ctx, e.w)
	if err != nil {
		return err
	}
	if have > len(ms) {
		return tooNew(e.path, have, len(ms))
	}
	// The journal mode is stored in the file, so it is set once here,
	// after the version check, rather than in the DSN: a refused
	// database must be left as it was found.
	var mode string
	if err := e.w.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: set WAL: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: %s: journal mode is %q, want wal", e.path, mode)
	}
	return migrate(ctx, e.w, e.path, ms, log)
}

// dsn builds the URI for the writer or the readers. Every per-connection
// pragma is in it, so each connection the pools open gets them.
func dsn(abs string, readOnly bool) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Set("mode", "ro")
		q.Set("_query_only", "1")
	} else {
		q.Add("_pragma", "synchronous(NORMAL)")
		// BEGIN IMMEDIATE takes the write lock at once. A deferred
		// transaction that reads first and writes later can fail with
		// SQLITE_BUSY without waiting when another process wrote in
		// between, which no busy_timeout cures.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// engine implements every interface of store.Store on one file.
type engine struct {
	path string
	w    *sql.DB // one connection, for every write
	r    *sql.DB // read-only pool
}

// Close closes the readers, then the writer: the last connection to
// close checkpoints the WAL into the main file, and only the writer may.
func (e *engine) Close() error {
	var errs []error
	if e.r != nil {
		errs = append(errs, e.r.Close())
	}
	errs = append(errs, e.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// write runs f in an immediate transaction on the writer and commits.
func (e *engine) write(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := e.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs f in a read transaction, so that its queries see one
// snapshot.
func (e *engine) read(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := e.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return f(tx)
}

// millis stores t as Unix milliseconds, the zero time as 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis, in UTC.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// now is the current time as it will be stored.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Millisecond)
}

// isUnique reports whether err is a violated UNIQUE or PRIMARY KEY
// constraint.
func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code()
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
