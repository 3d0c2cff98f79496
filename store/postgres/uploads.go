package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// PutUpload implements store.Uploads. Uploaded is kept as given, the
// zero time included; an OwnerID that names no account fails (foreign
// key).
func (e *engine) PutUpload(ctx context.Context, u store.Upload) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (path, owner_id, owner, size, uploaded)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (path) DO UPDATE SET owner_id = excluded.owner_id, owner = excluded.owner,
				size = excluded.size, uploaded = excluded.uploaded`,
			u.Path, ownerID(u.OwnerID), u.Owner, u.Size, ts(u.Uploaded))
		return err
	})
	if err != nil {
		return failed("put upload %q: %w", u.Path, err)
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
	if err := sc.Scan(&u.Path, &u.OwnerID, &u.Owner, &u.Size, at(&u.Uploaded)); err != nil {
		return store.Upload{}, err
	}
	return u, nil
}

// Upload implements store.Uploads. Paths are compared byte by byte
// (COLLATE "C").
func (e *engine) Upload(ctx context.Context, path string) (store.Upload, error) {
	u, err := scanUpload(e.db.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads WHERE path = $1`, path))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Upload{}, failed("upload %q: %w", path, err)
	}
	return u, nil
}

// DeleteUpload implements store.Uploads.
func (e *engine) DeleteUpload(ctx context.Context, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM uploads WHERE path = $1`, path))
	})
	if err != nil {
		return failed("delete upload %q: %w", path, err)
	}
	return nil
}

// UploadUsage implements store.Uploads. An owner without uploads uses
// nothing. sum of bigint is numeric in PostgreSQL, hence the cast.
func (e *engine) UploadUsage(ctx context.Context, owner int64) (store.UploadUsage, error) {
	var n store.UploadUsage
	if owner == 0 {
		return n, nil
	}
	err := e.db.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0)::bigint, count(*) FROM uploads WHERE owner_id = $1`,
		owner).Scan(&n.Bytes, &n.Files)
	if err != nil {
		return store.UploadUsage{}, failed("upload usage of account %d: %w", owner, err)
	}
	return n, nil
}

// UploadsOf implements store.Uploads.
func (e *engine) UploadsOf(ctx context.Context, owner int64) ([]store.Upload, error) {
	if owner == 0 {
		return nil, nil
	}
	ups, err := sqldb.QueryRows(ctx, e.db, scanUpload, `SELECT `+uploadColumns+` FROM uploads WHERE owner_id = $1 ORDER BY path`, owner)
	if err != nil {
		return nil, failed("uploads of account %d: %w", owner, err)
	}
	return ups, nil
}
