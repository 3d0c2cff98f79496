package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// RecordCall implements store.Calls. The count, the last call and the
// list entry change in one statement, so concurrent calls by the same
// user each get their own number. The entry is read back from the row
// inserted, so its At is the time as stored.
func (e *engine) RecordCall(ctx context.Context, handle, kind string, when time.Time) (store.Call, error) {
	var c store.Call
	err := e.write(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanCall(tx.QueryRowContext(ctx, `WITH u AS (
				UPDATE users SET calls = calls + 1, last_call = $1
				WHERE handle_key = $2 RETURNING handle, location, calls)
			INSERT INTO calls (handle, location, at, calls, kind)
			SELECT handle, location, $1, calls, $3 FROM u
			RETURNING handle, location, at, calls, kind`,
			ts(when), store.HandleKey(handle), kind))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	if err != nil {
		return store.Call{}, failed("record call by %q: %w", handle, err)
	}
	return c, nil
}

// LastCalls implements store.Calls. A limit below 1 returns nothing.
func (e *engine) LastCalls(ctx context.Context, limit int) ([]store.Call, error) {
	if limit < 1 {
		return nil, nil
	}
	calls, err := sqldb.QueryRows(ctx, e.db, scanCall, `SELECT handle, location, at, calls, kind FROM calls
		ORDER BY at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, failed("last calls: %w", err)
	}
	return calls, nil
}

// scanCall reads handle, location, at, calls, kind.
func scanCall(row sqldb.Scanner) (store.Call, error) {
	var c store.Call
	if err := row.Scan(&c.Handle, &c.Location, at(&c.At), &c.Calls, &c.Kind); err != nil {
		return store.Call{}, err
	}
	return c, nil
}
