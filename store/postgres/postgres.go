package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// Config tunes Open. The zero value works.
type Config struct {
	// Logger, if non-nil, receives a record for each migration applied.
	// Nil discards.
	Logger *slog.Logger
	// MaxConns bounds the connections this process opens to the server.
	// Zero means 16.
	MaxConns int
	// ConnectTimeout bounds each attempt to connect. Zero means 10s.
	ConnectTimeout time.Duration
	// MaxScriptKeys is the most keys one script may keep in ScriptData.
	// Zero, or more than store.MaxScriptKeys, means store.MaxScriptKeys;
	// tests lower it to reach the limit quickly.
	MaxScriptKeys int
}

// Open connects to the PostgreSQL database at url (a postgres:// URL or
// a key=value connection string, as libpq takes), checks that it answers,
// and brings its schema up to date; several nodes may do this at once. A
// database whose schema is newer than this binary knows is refused with
// an error wrapping store.ErrTooNew and left untouched. A server that
// cannot be reached is an error naming its host. Closing the returned
// Store closes the pool.
func Open(ctx context.Context, url string, opts Config) (*store.Store, error) {
	e, err := open(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	return &store.Store{
		Users: e, Calls: e, Oneliners: e, Bans: e, Keys: e, Uploads: e,
		Files: e, Messages: e, Polls: e,
		ScriptData: scripts{e: e, maxKeys: sqldb.ScriptKeyLimit(opts.MaxScriptKeys)},
		Closer:     e,
	}, nil
}

func open(ctx context.Context, url string, opts Config) (*engine, error) {
	if url == "" {
		return nil, errors.New("postgres: empty database URL")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cc, err := ConnConfig(url, "x84 store", opts.ConnectTimeout)
	if err != nil {
		return nil, err
	}
	ms, err := sqldb.LoadMigrations(migrationFiles, "migrations", "postgres")
	if err != nil {
		return nil, err
	}
	e := &engine{where: where(cc), db: stdlib.OpenDB(*cc)}
	conns := opts.MaxConns
	if conns <= 0 {
		conns = 16
	}
	e.db.SetMaxOpenConns(conns)
	e.db.SetMaxIdleConns(conns)
	e.db.SetConnMaxIdleTime(5 * time.Minute)
	if err := e.db.PingContext(ctx); err != nil {
		e.db.Close()
		return nil, fmt.Errorf("postgres: cannot reach the database at %s: %w (%w)", e.where, redact(err), store.ErrUnavailable)
	}
	if err := migrate(ctx, e.db, e.where, ms, log); err != nil {
		e.db.Close()
		return nil, err
	}
	return e, nil
}

// ConnConfig parses a database URL for a connection of x84's: one that
// gives up connecting after timeout (10s if zero) unless the URL says
// otherwise, and names itself app in the server's pg_stat_activity
// unless the URL names it. A bad URL is an error that never quotes it
// (it may hold a password). The event bus and the cluster dial with it
// too.
func ConnConfig(url, app string, timeout time.Duration) (*pgx.ConnConfig, error) {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: the database URL is not valid: %w", redact(err))
	}
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = cmp.Or(timeout, 10*time.Second)
	}
	if cc.RuntimeParams["application_name"] == "" {
		cc.RuntimeParams["application_name"] = app[:min(len(app), 63)] // what the server keeps
	}
	return cc, nil
}

// where names the server and database for messages, without the
// password.
func where(cc *pgx.ConnConfig) string {
	return fmt.Sprintf("%s/%s", net.JoinHostPort(cc.Host, fmt.Sprint(cc.Port)), cc.Database)
}

// redact keeps what is wrong with a database URL but not the URL, which
// holds the password: pgx masks it only as best it can, and url.Error
// quotes the URL whole.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return err
	}
	inner := pe.Unwrap()
	var ue *url.Error
	if errors.As(inner, &ue) {
		inner = ue.Err
	}
	if inner == nil {
		return errors.New("check its form: postgres://user:password@host:port/database?option=value")
	}
	return errors.New(inner.Error())
}

// failed makes an engine method's error, "postgres: " and the message,
// marked store.ErrUnavailable when the database could not be reached or
// the connection broke under the call.
func failed(format string, args ...any) error {
	err := fmt.Errorf("postgres: "+format, args...)
	if connLost(err) {
		return fmt.Errorf("%w (%w)", err, store.ErrUnavailable)
	}
	return err
}

// connLost reports an error of the connection rather than of the
// statement: one the server never answered. Every network error here is
// the database's: the engine has no other socket.
func connLost(err error) bool {
	var ce *pgconn.ConnectError
	var op *net.OpError
	return errors.As(err, &ce) || errors.As(err, &op) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err)
}

// engine implements every interface of store.Store on one database.
type engine struct {
	where string // host:port/database, for messages
	db    *sql.DB
}

// Close closes the pool.
func (e *engine) Close() error {
	if err := e.db.Close(); err != nil {
		return fmt.Errorf("postgres: close: %w", err)
	}
	return nil
}

// maxAttempts bounds the retries of a write transaction that lost a race
// with another (serialization failure or deadlock).
const maxAttempts = 10

// write runs f in a SERIALIZABLE transaction and commits. Every write
// transaction behaves as if it ran alone, as on SQLite's single writer;
// when PostgreSQL finds two that could not have, one fails with a
// serialization failure and is run again from the start, so f may run
// more than once and must only act through tx.
func (e *engine) write(ctx context.Context, f func(tx *sql.Tx) error) error {
	var err error
	for attempt := range maxAttempts {
		if attempt > 0 {
			// Jitter keeps two retrying writers from meeting again.
			d := time.Duration(1+rand.IntN(4<<min(attempt, 5))) * time.Millisecond
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
		}
		err = e.tryWrite(ctx, f)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func (e *engine) tryWrite(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := e.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs f in a read-only transaction that sees one snapshot.
func (e *engine) read(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := e.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return f(tx)
}

// retryable reports a transaction that failed only because another ran
// at the same time.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "40001" || pe.Code == "40P01" // serialization_failure, deadlock_detected
}

// isUnique reports whether err is a violated UNIQUE or PRIMARY KEY
// constraint.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isForeignKey reports whether err is a violated foreign key.
func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

// ts is how a time is stored: in UTC to the millisecond, as SQLite keeps
// it, so that both engines give back the same value; NULL for the zero
// time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Millisecond)
}

// timeCol scans a timestamptz column that may be NULL into a time.Time in
// UTC, the zero time for NULL.
type timeCol struct{ t *time.Time }

// at returns a scan destination that fills *t.
func at(t *time.Time) timeCol { return timeCol{t} }

// Scan implements sql.Scanner.
func (c timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = x.UTC()
	default:
		return fmt.Errorf("postgres: time column holds %T", v)
	}
	return nil
}

// now is the current time as it will be stored.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Millisecond)
}
