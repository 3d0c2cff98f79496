package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// RecordCall implements store.Calls. The count, the last call and the
// list entry change in one transaction, so concurrent calls by the same
// user each get their own number.
func (e *engine) RecordCall(ctx context.Context, handle, kind string, at time.Time) (store.Call, error) {
	c := store.Call{At: fromMillis(millis(at)), Kind: kind}
	err := e.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE users SET calls = calls + 1, last_call = ?
			WHERE handle_key = ? RETURNING handle, location, calls`,
			millis(at), store.HandleKey(handle)).Scan(&c.Handle, &c.Location, &c.Calls)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO calls (handle, location, at, calls, kind)
			VALUES (?, ?, ?, ?, ?)`, c.Handle, c.Location, millis(at), c.Calls, c.Kind)
		return err
	})
	if err != nil {
		return store.Call{}, fmt.Errorf("sqlite: record call by %q: %w", handle, err)
	}
	return c, nil
}

// LastCalls implements store.Calls. A limit below 1 returns nothing.
func (e *engine) LastCalls(ctx context.Context, limit int) ([]store.Call, error) {
	if limit < 1 {
		return nil, nil
	}
	calls, err := sqldb.QueryRows(ctx, e.r, scanCall, `SELECT handle, location, at, calls, kind FROM calls
		ORDER BY at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: last calls: %w", err)
	}
	return calls, nil
}

// scanCall reads handle, location, at, calls, kind.
func scanCall(row sqldb.Scanner) (store.Call, error) {
	var c store.Call
	var at int64
	if err := row.Scan(&c.Handle, &c.Location, &at, &c.Calls, &c.Kind); err != nil {
		return store.Call{}, err
	}
	c.At = fromMillis(at)
	return c, nil
}
