package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// AddKey implements store.Keys. The key is tied to the account's id, not
// its handle: a renamed user keeps the key, and deleting the account
// deletes it (ON DELETE CASCADE). UNIQUE (user_id, fingerprint) refuses
// a user's second registration of a key, and only that.
func (e *engine) AddKey(ctx context.Context, k *store.PublicKey) error {
	added := k.Added
	if added.IsZero() {
		added = now()
	}
	var id int64
	err := e.write(ctx, func(tx *sql.Tx) error {
		// No user row, nothing inserted: sql.ErrNoRows.
		err := tx.QueryRowContext(ctx, `INSERT INTO ssh_keys (user_id, fingerprint, key, comment, added)
			SELECT id, ?, ?, ?, ? FROM users WHERE handle_key = ? RETURNING id`,
			k.Fingerprint, k.Key, k.Comment, millis(added), store.HandleKey(k.Handle)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if isUnique(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: add key %q for %q: %w", k.Fingerprint, k.Handle, err)
	}
	k.ID = id
	k.Added = added
	return nil
}

// Keys implements store.Keys. Each key's Handle is the account's handle
// as stored, whatever case it was asked for in; an unknown handle has no
// keys.
func (e *engine) Keys(ctx context.Context, handle string) ([]store.PublicKey, error) {
	keys, err := sqldb.QueryRows(ctx, e.r, scanKey, `SELECT k.id, u.handle, k.key, k.fingerprint, k.comment, k.added
		FROM ssh_keys k JOIN users u ON u.id = k.user_id
		WHERE u.handle_key = ? ORDER BY k.added, k.id`, store.HandleKey(handle))
	if err != nil {
		return nil, fmt.Errorf("sqlite: keys of %q: %w", handle, err)
	}
	return keys, nil
}

// scanKey reads id, handle, key, fingerprint, comment, added.
func scanKey(row sqldb.Scanner) (store.PublicKey, error) {
	var k store.PublicKey
	var added int64
	if err := row.Scan(&k.ID, &k.Handle, &k.Key, &k.Fingerprint, &k.Comment, &added); err != nil {
		return store.PublicKey{}, err
	}
	k.Added = fromMillis(added)
	return k, nil
}

// DeleteKey implements store.Keys. It deletes the user's registration
// only: other users' registrations of the same key stay. A fingerprint
// the user has not registered is ErrNotFound, as is an unknown handle.
func (e *engine) DeleteKey(ctx context.Context, handle, fingerprint string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM ssh_keys WHERE fingerprint = ?
			AND user_id = (SELECT id FROM users WHERE handle_key = ?)`,
			fingerprint, store.HandleKey(handle)))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete key %q of %q: %w", fingerprint, handle, err)
	}
	return nil
}
