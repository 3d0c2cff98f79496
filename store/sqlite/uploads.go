package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/x84bbs/x84/store"
)

// PutUpload implements store.Uploads. The owner needs no account, and
// Uploaded is kept as given, the zero time included.
func (e *engine) PutUpload(ctx context.Context, u store.Upload) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (path, owner, owner_key, size, uploaded)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (path) DO UPDATE SET owner = excluded.owner, owner_key = excluded.owner_key,
				size = excluded.size, uploaded = excluded.uploaded`,
			u.Path, u.Owner, store.HandleKey(u.Owner), u.Size, millis(u.Uploaded))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: put upload %q: %w", u.Path, err)
	}
	return nil
}

// Upload implements store.Uploads. Paths are compared byte by byte.
func (e *engine) Upload(ctx context.Context, path string) (store.Upload, error) {
	var u store.Upload
	var uploaded int64
	err := e.r.QueryRowContext(ctx, `SELECT path, owner, size, uploaded FROM uploads WHERE path = ?`, path).
		Scan(&u.Path, &u.Owner, &u.Size, &uploaded)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Upload{}, fmt.Errorf("sqlite: upload %q: %w", path, err)
	}
	u.Uploaded = fromMillis(uploaded)
	return u, nil
}

// DeleteUpload implements store.Uploads.
func (e *engine) DeleteUpload(ctx context.Context, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return rowsChanged(tx.ExecContext(ctx, `DELETE FROM uploads WHERE path = ?`, path))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete upload %q: %w", path, err)
	}
	return nil
}

// UploadUsage implements store.Uploads, matching the owner by handle_key.
// An owner without uploads uses 0 bytes.
func (e *engine) UploadUsage(ctx context.Context, owner string) (int64, error) {
	var n int64
	err := e.r.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0) FROM uploads WHERE owner_key = ?`,
		store.HandleKey(owner)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: upload usage of %q: %w", owner, err)
	}
	return n, nil
}
