package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/x84bbs/x84/store/sqlite"
)

// column is one column of a copied table. SQLite keeps times as Unix
// milliseconds; PostgreSQL as timestamptz.
type column struct {
	name string
	kind colKind
}

type colKind int

const (
	plain    colKind = iota
	millis           // Unix milliseconds, never 0
	millis0          // Unix milliseconds, 0 for the zero time (NULL here)
	identity         // an id PostgreSQL would generate; copied as it is
	boolean          // SQLite's INTEGER 0 or 1
)

// copyTable is one table, in an order that puts every table after the
// ones it refers to.
type copyTable struct {
	name string
	cols []column
}

func cols(spec string) []column {
	var cs []column
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		c := column{name: name}
		switch kind {
		case "t":
			c.kind = millis
		case "t0":
			c.kind = millis0
		case "id":
			c.kind = identity
		case "b":
			c.kind = boolean
		}
		cs = append(cs, c)
	}
	return cs
}

// copyTables is the schema both engines share at SQLite's version
// sqliteVersion (PostgreSQL's 0001, 0004 and 0005; 0002 and 0003 are the
// cluster's own).
var copyTables = []copyTable{
	{"users", cols("id:id handle handle_key password real_name location email encoding created:t last_call:t0 calls signature " +
		"level accessible:b language totp_secret totp_step recovery reset_hash reset_expires:t0 reset_sent:t0")},
	{"user_groups", cols("user_id grp")},
	{"calls", cols("id:id handle location at:t calls kind")},
	{"oneliners", cols("id:id handle handle_key text posted:t")},
	{"bans", cols("prefix until:t0 strikes reason created:t")},
	{"ssh_keys", cols("id:id user_id fingerprint key comment added:t")},
	{"uploads", cols("path owner_id owner size uploaded:t0")},
	{"messages", cols("id:id area to_user from_handle subject body parent created:t")},
	{"read_pointers", cols("user_id area last_id")},
	{"polls", cols("id:id question author created:t")},
	{"poll_options", cols("poll_id idx text")},
	{"votes", cols("poll_id user_id option")},
	{"file_records", cols("path dir description downloads added:t")},
	{"transfer_totals", cols("user_id up_files up_bytes down_files down_bytes")},
	{"file_tags", cols("user_id path seq")},
	{"script_data", cols("script key value updated:t")},
}

// sqliteVersion is the SQLite schema version whose tables copyTables
// describes; a file at another version is refused rather than copied
// wrong.
const sqliteVersion = 8

// CopyProgress reports a copy under way: the table being copied, the
// rows copied from it so far and its number of rows.
type CopyProgress struct {
	Table      string
	Done, Rows int64
}

// ErrNotEmpty means the database to copy into already holds a board.
var ErrNotEmpty = errors.New("postgres: the database is not empty")

// CopyFromSQLite copies every record of the SQLite board at path into the
// PostgreSQL database at dst, keeping every id, in one transaction: the
// copy is whole or not at all. The SQLite file is migrated first if an
// older x84 wrote it (as starting the board would). dst's schema is made
// if needed; a database that holds any account, call, one-liner, message,
// poll, ban, file record or script's value is refused with ErrNotEmpty.
// progress, if not nil, is called as rows go, at most every 100ms per
// table, and at the end of each table. It returns the rows copied per
// table.
func CopyFromSQLite(ctx context.Context, path, dst string, progress func(CopyProgress)) (map[string]int64, error) {
	// Opening through the engine migrates the file to the version this
	// binary knows, then it is read with a plain read-only connection.
	st, err := sqlite.Open(ctx, path, sqlite.Config{})
	if err != nil {
		return nil, err
	}
	st.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	src, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro"}).String())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var v int
	if err := src.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return nil, fmt.Errorf("postgres: copy: read %s: %w", path, err)
	}
	if v != sqliteVersion {
		return nil, fmt.Errorf("postgres: copy: %s has schema version %d; this x84 copies version %d", path, v, sqliteVersion)
	}

	e, err := open(ctx, dst, Config{MaxConns: 2})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	counts := map[string]int64{}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		// No other node may write while the board is copied in.
		for _, t := range copyTables {
			if _, err := tx.Exec(ctx, `LOCK TABLE `+t.name+` IN EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		for _, t := range copyTables {
			var any bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.name+`)`).Scan(&any); err != nil {
				return err
			}
			if any {
				return fmt.Errorf("%w: table %s has rows (copy only into a new database)", ErrNotEmpty, t.name)
			}
		}
		for _, t := range copyTables {
			n, err := copyOne(ctx, src, tx, t, progress)
			if err != nil {
				return fmt.Errorf("table %s: %w", t.name, err)
			}
			counts[t.name] = n
			if err := resetIdentity(ctx, src, tx, t); err != nil {
				return fmt.Errorf("table %s: %w", t.name, err)
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		if errors.Is(err, ErrNotEmpty) {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: copy to %s: %w", e.where, err)
	}
	return counts, nil
}

// copyOne streams one table with COPY, which also keeps identity values
// as given.
func copyOne(ctx context.Context, src *sql.DB, tx pgx.Tx, t copyTable, progress func(CopyProgress)) (int64, error) {
	var total int64
	if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&total); err != nil {
		return 0, err
	}
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+t.name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	r := &rowSource{rows: rows, t: t, total: total, progress: progress}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, names, r)
	if err == nil {
		err = r.err
	}
	if err != nil {
		return 0, err
	}
	if progress != nil {
		progress(CopyProgress{Table: t.name, Done: n, Rows: total})
	}
	return n, nil
}

// rowSource feeds COPY from SQLite's rows, turning times over.
type rowSource struct {
	rows     *sql.Rows
	t        copyTable
	vals     []any
	err      error
	done     int64
	total    int64
	progress func(CopyProgress)
	last     time.Time
}

func (r *rowSource) Next() bool {
	if !r.rows.Next() {
		r.err = r.rows.Err()
		return false
	}
	raw := make([]any, len(r.t.cols))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if r.err = r.rows.Scan(ptrs...); r.err != nil {
		return false
	}
	for i, c := range r.t.cols {
		switch c.kind {
		case millis, millis0:
			ms, ok := raw[i].(int64)
			if !ok {
				r.err = fmt.Errorf("column %s holds %T, not a time", c.name, raw[i])
				return false
			}
			if ms == 0 && c.kind == millis0 {
				raw[i] = nil
			} else {
				raw[i] = time.UnixMilli(ms).UTC()
			}
		case boolean:
			n, ok := raw[i].(int64)
			if !ok {
				r.err = fmt.Errorf("column %s holds %T, not 0 or 1", c.name, raw[i])
				return false
			}
			raw[i] = n != 0
		}
	}
	r.vals = raw
	r.done++
	if r.progress != nil && time.Since(r.last) >= 100*time.Millisecond {
		r.last = time.Now()
		r.progress(CopyProgress{Table: r.t.name, Done: r.done, Rows: r.total})
	}
	return true
}

func (r *rowSource) Values() ([]any, error) { return r.vals, nil }
func (r *rowSource) Err() error             { return r.err }

// resetIdentity moves a table's id sequence past the copied ids, and past
// SQLite's AUTOINCREMENT mark, which may be higher (a deleted row's id is
// never handed out again).
func resetIdentity(ctx context.Context, src *sql.DB, tx pgx.Tx, t copyTable) error {
	if t.cols[0].kind != identity {
		return nil
	}
	var high int64
	if err := src.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+t.name).Scan(&high); err != nil {
		return err
	}
	var seq sql.NullInt64
	err := src.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, t.name).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	high = max(high, seq.Int64)
	if high == 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, t.name, high)
	return err
}
