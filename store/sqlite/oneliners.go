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

// AddOneliner implements store.Oneliners. A zero Posted is set to now,
// so that LastOnelinerBy never mistakes a post for none.
func (e *engine) AddOneliner(ctx context.Context, o *store.Oneliner, gap time.Duration) error {
	posted := o.Posted
	if posted.IsZero() {
		posted = now()
	}
	key := store.HandleKey(o.Handle)
	var id int64
	err := e.write(ctx, func(tx *sql.Tx) error {
		if gap > 0 {
			var last sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT max(posted) FROM oneliners
				WHERE handle_key = ? AND posted > ?`, key, millis(posted.Add(-gap))).Scan(&last)
			if err != nil {
				return err
			}
			if last.Valid {
				return &store.TooSoonError{Last: fromMillis(last.Int64)}
			}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO oneliners (handle, handle_key, text, posted)
			VALUES (?, ?, ?, ?) RETURNING id`,
			o.Handle, key, o.Text, millis(posted)).Scan(&id)
	})
	var soon *store.TooSoonError
	if errors.As(err, &soon) {
		return soon
	}
	if err != nil {
		return fmt.Errorf("sqlite: add one-liner by %q: %w", o.Handle, err)
	}
	o.ID = id
	o.Posted = posted
	return nil
}

// Oneliners implements store.Oneliners. A limit below 1 returns nothing.
func (e *engine) Oneliners(ctx context.Context, limit int) ([]store.Oneliner, error) {
	if limit < 1 {
		return nil, nil
	}
	list, err := sqldb.QueryRows(ctx, e.r, scanOneliner, `SELECT id, handle, text, posted FROM oneliners
		ORDER BY posted DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: one-liners: %w", err)
	}
	return list, nil
}

// LastOnelinerBy implements store.Oneliners.
func (e *engine) LastOnelinerBy(ctx context.Context, handle string) (time.Time, error) {
	var posted sql.NullInt64
	err := e.r.QueryRowContext(ctx, `SELECT max(posted) FROM oneliners WHERE handle_key = ?`,
		store.HandleKey(handle)).Scan(&posted)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: last one-liner by %q: %w", handle, err)
	}
	return fromMillis(posted.Int64), nil
}

// scanOneliner reads id, handle, text, posted.
func scanOneliner(row sqldb.Scanner) (store.Oneliner, error) {
	var o store.Oneliner
	var posted int64
	if err := row.Scan(&o.ID, &o.Handle, &o.Text, &posted); err != nil {
		return store.Oneliner{}, err
	}
	o.Posted = fromMillis(posted)
	return o, nil
}

// DeleteOneliner implements store.Oneliners.
func (e *engine) DeleteOneliner(ctx context.Context, id int64) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM oneliners WHERE id = ?`, id))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete one-liner %d: %w", id, err)
	}
	return nil
}
