package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// PutUpload implements store.Uploads. Uploaded is kept as given, the
// zero time included; an OwnerID that names no account fails (foreign
// key).
func (e *engine) PutUpload(ctx context.Context, u store.Upload) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (path, owner_id, owner, size, uploaded)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (path) DO UPDATE SET owner_id = excluded.owner_id, owner = excluded.owner,
				size = excluded.size, uploaded = excluded.uploaded`,
			u.Path, ownerID(u.OwnerID), u.Owner, u.Size, millis(u.Uploaded))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: put upload %q: %w", u.Path, err)
	}
	return nil
}

// ownerID stores ID 0 as NULL, the owner of no account.
func ownerID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const uploadColumns = `path, coalesce(owner_id, 0), owner, size, uploaded`

func scanUpload(sc sqldb.Scanner) (store.Upload, error) {
	var u store.Upload
	var uploaded int64
	if err := sc.Scan(&u.Path, &u.OwnerID, &u.Owner, &u.Size, &uploaded); err != nil {
		return store.Upload{}, err
	}
	u.Uploaded = fromMillis(uploaded)
	return u, nil
}

// Upload implements store.Uploads. Paths are compared byte by byte.
func (e *engine) Upload(ctx context.Context, path string) (store.Upload, error) {
	u, err := scanUpload(e.r.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads WHERE path = ?`, path))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Upload{}, fmt.Errorf("sqlite: upload %q: %w", path, err)
	}
	return u, nil
}

// DeleteUpload implements store.Uploads.
func (e *engine) DeleteUpload(ctx context.Context, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM uploads WHERE path = ?`, path))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete upload %q: %w", path, err)
	}
	return nil
}

// UploadUsage implements store.Uploads. An owner without uploads uses
// nothing.
func (e *engine) UploadUsage(ctx context.Context, owner int64) (store.UploadUsage, error) {
	var n store.UploadUsage
	if owner == 0 {
		return n, nil
	}
	err := e.r.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0), count(*) FROM uploads WHERE owner_id = ?`,
		owner).Scan(&n.Bytes, &n.Files)
	if err != nil {
		return store.UploadUsage{}, fmt.Errorf("sqlite: upload usage of account %d: %w", owner, err)
	}
	return n, nil
}

// UploadsOf implements store.Uploads.
func (e *engine) UploadsOf(ctx context.Context, owner int64) ([]store.Upload, error) {
	if owner == 0 {
		return nil, nil
	}
	ups, err := sqldb.QueryRows(ctx, e.r, scanUpload, `SELECT `+uploadColumns+` FROM uploads WHERE owner_id = ? ORDER BY path`, owner)
	if err != nil {
		return nil, fmt.Errorf("sqlite: uploads of account %d: %w", owner, err)
	}
	return ups, nil
}
