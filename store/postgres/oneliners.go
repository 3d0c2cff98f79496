package postgres

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// AddOneliner implements store.Oneliners. A zero Posted is set to now,
// so that LastOnelinerBy never mistakes a post for none.
//
// The check of the gap and the insert are one READ COMMITTED transaction
// that first takes an advisory lock on the handle: posts by one handle
// take turns, and each check, a statement that starts once the lock is
// held, sees every post committed before. Under SERIALIZABLE the check's
// predicate locks cover the whole of a small table, so that posts by
// different users at once failed each other until write gave up. Nothing
// else writes oneliners, so no other transaction relies on this one being
// serializable.
func (e *engine) AddOneliner(ctx context.Context, o *store.Oneliner, gap time.Duration) error {
	posted := o.Posted
	if posted.IsZero() {
		posted = now()
	}
	key := store.HandleKey(o.Handle)
	id, err := e.addOneliner(ctx, o, key, posted, gap)
	var soon *store.TooSoonError
	if errors.As(err, &soon) {
		return soon
	}
	if err != nil {
		return failed("add one-liner by %q: %w", o.Handle, err)
	}
	o.ID = id
	o.Posted = posted
	return nil
}

// onelinerLock is the first half of the advisory lock key of a handle's
// posts, the hash of its key the second: the two-int4 form, apart from
// migrate's single key. A collision only makes two handles take turns.
const onelinerLock = 0x78383401 // "x84\x01"

// addOneliner runs AddOneliner's transaction and returns the new ID.
func (e *engine) addOneliner(ctx context.Context, o *store.Oneliner, key string, posted time.Time, gap time.Duration) (int64, error) {
	tx, err := e.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if gap > 0 {
		h := fnv.New32a()
		h.Write([]byte(key))
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`,
			int32(onelinerLock), int32(h.Sum32())); err != nil {
			return 0, err
		}
		var last time.Time
		err := tx.QueryRowContext(ctx, `SELECT max(posted) FROM oneliners
			WHERE handle_key = $1 AND posted > $2`, key, ts(posted.Add(-gap))).Scan(at(&last))
		if err != nil {
			return 0, err
		}
		if !last.IsZero() {
			return 0, &store.TooSoonError{Last: last}
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO oneliners (handle, handle_key, text, posted)
		VALUES ($1, $2, $3, $4) RETURNING id`,
		o.Handle, key, o.Text, ts(posted)).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// Oneliners implements store.Oneliners. A limit below 1 returns nothing.
func (e *engine) Oneliners(ctx context.Context, limit int) ([]store.Oneliner, error) {
	if limit < 1 {
		return nil, nil
	}
	list, err := sqldb.QueryRows(ctx, e.db, scanOneliner, `SELECT id, handle, text, posted FROM oneliners
		ORDER BY posted DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, failed("one-liners: %w", err)
	}
	return list, nil
}

// LastOnelinerBy implements store.Oneliners.
func (e *engine) LastOnelinerBy(ctx context.Context, handle string) (time.Time, error) {
	var posted time.Time
	err := e.db.QueryRowContext(ctx, `SELECT max(posted) FROM oneliners WHERE handle_key = $1`,
		store.HandleKey(handle)).Scan(at(&posted))
	if err != nil {
		return time.Time{}, failed("last one-liner by %q: %w", handle, err)
	}
	return posted, nil
}

// scanOneliner reads id, handle, text, posted.
func scanOneliner(row sqldb.Scanner) (store.Oneliner, error) {
	var o store.Oneliner
	if err := row.Scan(&o.ID, &o.Handle, &o.Text, at(&o.Posted)); err != nil {
		return store.Oneliner{}, err
	}
	return o, nil
}

// DeleteOneliner implements store.Oneliners.
func (e *engine) DeleteOneliner(ctx context.Context, id int64) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM oneliners WHERE id = $1`, id))
	})
	if err != nil {
		return failed("delete one-liner %d: %w", id, err)
	}
	return nil
}
