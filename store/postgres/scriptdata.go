package postgres

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"strconv"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// scripts implements store.ScriptData on the engine, allowing each
// script at most maxKeys keys.
type scripts struct {
	e       *engine
	maxKeys int
}

// checkScriptKey refuses a script name or key the store does not keep.
func checkScriptKey(script, key string) error {
	if err := sqldb.CheckScriptName(script); err != nil {
		return err
	}
	return sqldb.CheckScriptKey(key)
}

// GetScriptValue implements store.ScriptData.
func (s scripts) GetScriptValue(ctx context.Context, script, key string) (string, error) {
	if err := checkScriptKey(script, key); err != nil {
		return "", failed("get script data: %w", err)
	}
	var v string
	err := s.e.db.QueryRowContext(ctx, `SELECT value FROM script_data WHERE script = $1 AND key = $2`,
		script, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", failed("get %q of script %q: %w", key, script, err)
	}
	return v, nil
}

// SetScriptValue implements store.ScriptData.
//
// A new key's check of the limit and its insert are one READ COMMITTED
// transaction that first takes an advisory lock on the script, as
// AddOneliner does: new keys of one script take turns, and each count, a
// statement that starts once the lock is held, sees every key committed
// before, so that sets racing each other cannot pass the limit together.
// Under SERIALIZABLE every count conflicts with every other set of a new
// key in the script, and eight writers at once failed each other until
// write gave up. Deletes need no lock (a count that still sees a key
// being deleted errs towards the limit), and replacing a key takes none;
// no transaction relies on script_data's writes being serializable.
func (s scripts) SetScriptValue(ctx context.Context, script, key, value string) error {
	err := checkScriptKey(script, key)
	if err == nil {
		err = sqldb.CheckScriptValue(value)
	}
	if err != nil {
		return failed("set script data: %w", err)
	}
	if err := s.set(ctx, script, key, value, ts(now())); err != nil {
		return failed("set %q of script %q: %w", key, script, err)
	}
	return nil
}

// scriptLock is the first half of the advisory lock key of a script's
// new keys, the hash of its name the second: the two-int4 form, apart
// from migrate's single key. A collision only makes two scripts take
// turns.
const scriptLock = 0x78383404 // "x84\x04"

// set runs SetScriptValue's transaction.
func (s scripts) set(ctx context.Context, script, key, value string, updated any) error {
	tx, err := s.e.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// A key the script holds is replaced whatever the count.
	res, err := tx.ExecContext(ctx, `UPDATE script_data SET value = $1, updated = $2 WHERE script = $3 AND key = $4`,
		value, updated, script, key)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n > 0 {
		return tx.Commit()
	}
	h := fnv.New32a()
	h.Write([]byte(script))
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(scriptLock), int32(h.Sum32())); err != nil {
		return err
	}
	// The key may have come meanwhile, set by another: then it is
	// replaced. Counting stops at the limit: a script at it has nothing
	// more to read.
	var held bool
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM script_data WHERE script = $1 AND key = $2),
			(SELECT count(*) FROM (SELECT 1 FROM script_data WHERE script = $1 LIMIT $3) AS k)`,
		script, key, s.maxKeys).Scan(&held, &count); err != nil {
		return err
	}
	if !held && count >= s.maxKeys {
		return store.ErrLimit
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO script_data (script, key, value, updated) VALUES ($1, $2, $3, $4)
		ON CONFLICT (script, key) DO UPDATE SET value = excluded.value, updated = excluded.updated`,
		script, key, value, updated); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteScriptValue implements store.ScriptData.
func (s scripts) DeleteScriptValue(ctx context.Context, script, key string) error {
	if err := checkScriptKey(script, key); err != nil {
		return failed("delete script data: %w", err)
	}
	err := s.e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM script_data WHERE script = $1 AND key = $2`, script, key)
		return err
	})
	if err != nil {
		return failed("delete %q of script %q: %w", key, script, err)
	}
	return nil
}

// ListScriptValues implements store.ScriptData. The prefix is a range of
// the primary key (COLLATE "C"), not a LIKE pattern, so '%' and '_' are
// themselves. A limit below 1 is an empty list; above
// sqldb.MaxScriptList it is that.
func (s scripts) ListScriptValues(ctx context.Context, script, prefix, after string, limit int) ([]store.ScriptValue, error) {
	err := sqldb.CheckScriptName(script)
	if err == nil {
		err = sqldb.CheckScriptBound("prefix", prefix)
	}
	if err == nil {
		err = sqldb.CheckScriptBound("after", after)
	}
	if err != nil {
		return nil, failed("list script data: %w", err)
	}
	if limit < 1 {
		return nil, nil
	}
	// Keys are never empty, so after "" excludes none.
	q := `SELECT key, value, updated FROM script_data WHERE script = $1 AND key >= $2 AND key > $3`
	args := []any{script, prefix, after}
	if end, ok := sqldb.PrefixEnd(prefix); ok {
		args = append(args, end)
		q += ` AND key < $` + strconv.Itoa(len(args))
	}
	args = append(args, min(limit, sqldb.MaxScriptList))
	q += ` ORDER BY key LIMIT $` + strconv.Itoa(len(args))
	vs, err := sqldb.QueryRows(ctx, s.e.db, scanScriptValue, q, args...)
	if err != nil {
		return nil, failed("list %q of script %q: %w", prefix, script, err)
	}
	return vs, nil
}

// scanScriptValue reads key, value, updated.
func scanScriptValue(row sqldb.Scanner) (store.ScriptValue, error) {
	var v store.ScriptValue
	if err := row.Scan(&v.Key, &v.Value, at(&v.Updated)); err != nil {
		return store.ScriptValue{}, err
	}
	return v, nil
}
