package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
		return "", fmt.Errorf("sqlite: get script data: %w", err)
	}
	var v string
	err := s.e.r.QueryRowContext(ctx, `SELECT value FROM script_data WHERE script = ? AND key = ?`,
		script, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: get %q of script %q: %w", key, script, err)
	}
	return v, nil
}

// SetScriptValue implements store.ScriptData. A new key is counted
// against the limit and inserted in one transaction on the single
// writer, so sets racing each other cannot pass the limit together.
func (s scripts) SetScriptValue(ctx context.Context, script, key, value string) error {
	err := checkScriptKey(script, key)
	if err == nil {
		err = sqldb.CheckScriptValue(value)
	}
	if err != nil {
		return fmt.Errorf("sqlite: set script data: %w", err)
	}
	updated := millis(now())
	err = s.e.write(ctx, func(tx *sql.Tx) error {
		// A key the script holds is replaced whatever the count.
		res, err := tx.ExecContext(ctx, `UPDATE script_data SET value = ?, updated = ? WHERE script = ? AND key = ?`,
			value, updated, script, key)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		var count int
		// Counting stops at the limit: a script at it has nothing more
		// to read.
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM script_data WHERE script = ? LIMIT ?)`,
			script, s.maxKeys).Scan(&count); err != nil {
			return err
		}
		if count >= s.maxKeys {
			return store.ErrLimit
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO script_data (script, key, value, updated) VALUES (?, ?, ?, ?)`,
			script, key, value, updated)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: set %q of script %q: %w", key, script, err)
	}
	return nil
}

// DeleteScriptValue implements store.ScriptData.
func (s scripts) DeleteScriptValue(ctx context.Context, script, key string) error {
	if err := checkScriptKey(script, key); err != nil {
		return fmt.Errorf("sqlite: delete script data: %w", err)
	}
	err := s.e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM script_data WHERE script = ? AND key = ?`, script, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete %q of script %q: %w", key, script, err)
	}
	return nil
}

// ListScriptValues implements store.ScriptData. The prefix is a range of
// the primary key, not a LIKE pattern, so '%' and '_' are themselves.
// A limit below 1 is an empty list; above sqldb.MaxScriptList it is
// that.
func (s scripts) ListScriptValues(ctx context.Context, script, prefix, after string, limit int) ([]store.ScriptValue, error) {
	err := sqldb.CheckScriptName(script)
	if err == nil {
		err = sqldb.CheckScriptBound("prefix", prefix)
	}
	if err == nil {
		err = sqldb.CheckScriptBound("after", after)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: list script data: %w", err)
	}
	if limit < 1 {
		return nil, nil
	}
	// Keys are never empty, so after "" excludes none.
	q := `SELECT key, value, updated FROM script_data WHERE script = ? AND key >= ? AND key > ?`
	args := []any{script, prefix, after}
	if end, ok := sqldb.PrefixEnd(prefix); ok {
		q += ` AND key < ?`
		args = append(args, end)
	}
	q += ` ORDER BY key LIMIT ?`
	args = append(args, min(limit, sqldb.MaxScriptList))
	vs, err := sqldb.QueryRows(ctx, s.e.r, scanScriptValue, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list %q of script %q: %w", prefix, script, err)
	}
	return vs, nil
}

// scanScriptValue reads key, value, updated.
func scanScriptValue(row sqldb.Scanner) (store.ScriptValue, error) {
	var v store.ScriptValue
	var updated int64
	if err := row.Scan(&v.Key, &v.Value, &updated); err != nil {
		return store.ScriptValue{}, err
	}
	v.Updated = fromMillis(updated)
	return v, nil
}
