package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// isForeignKey reports whether err is a violated foreign key constraint:
// here, an account ID that names no account.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// noAccount turns a violated foreign key into store.ErrNotFound.
func noAccount(err error) error {
	if isForeignKey(err) {
		return store.ErrNotFound
	}
	return err
}

const fileColumns = `path, description, downloads, added`

func scanFileRecord(sc sqldb.Scanner) (store.FileRecord, error) {
	var r store.FileRecord
	var added int64
	if err := sc.Scan(&r.Path, &r.Description, &r.Downloads, &added); err != nil {
		return store.FileRecord{}, err
	}
	r.Added = fromMillis(added)
	return r, nil
}

// FileRecords implements store.Files. dir is "" or "." for the root, or
// a folder's path as FileRecord.Path is written; anything else is an
// error. Only the records whose dir column is dir are read, so files in
// subfolders are left out.
func (e *engine) FileRecords(ctx context.Context, dir string) (map[string]store.FileRecord, error) {
	if dir == "." {
		dir = ""
	}
	if dir != "" {
		if err := sqldb.CheckFilePath(dir); err != nil {
			return nil, fmt.Errorf("sqlite: file records in %q: %w", dir, err)
		}
	}
	list, err := sqldb.QueryRows(ctx, e.r, scanFileRecord, `SELECT `+fileColumns+` FROM file_records WHERE dir = ?`, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlite: file records in %q: %w", dir, err)
	}
	recs := make(map[string]store.FileRecord, len(list))
	for _, r := range list {
		recs[r.Path] = r
	}
	return recs, nil
}

// FileRecord implements store.Files. Paths are compared byte by byte.
func (e *engine) FileRecord(ctx context.Context, path string) (store.FileRecord, error) {
	r, err := scanFileRecord(e.r.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM file_records WHERE path = ?`, path))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.FileRecord{}, fmt.Errorf("sqlite: file record %q: %w", path, err)
	}
	return r, nil
}

// SetDescription implements store.Files, as one upsert.
func (e *engine) SetDescription(ctx context.Context, path, description string) error {
	err := sqldb.CheckFilePath(path)
	if err == nil && len(description) > store.MaxFileDescription {
		err = fmt.Errorf("description of %d bytes, longer than %d", len(description), store.MaxFileDescription)
	}
	if err == nil {
		err = e.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO file_records (path, dir, description, downloads, added)
				VALUES (?, ?, ?, 0, ?)
				ON CONFLICT (path) DO UPDATE SET description = excluded.description`,
				path, sqldb.FileDir(path), description, millis(now()))
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: set description of %q: %w", path, err)
	}
	return nil
}

// MoveFileRecord implements store.Files. The record at to and the tags
// of to are deleted first, then from's are renamed, so a user who had
// tagged both keeps one tag, in from's place in their order.
func (e *engine) MoveFileRecord(ctx context.Context, from, to string) error {
	moved := false
	err := sqldb.CheckFilePath(from)
	if err == nil {
		err = sqldb.CheckFilePath(to)
	}
	if err == nil && from == to {
		var one int
		err = e.r.QueryRowContext(ctx, `SELECT 1 FROM file_records WHERE path = ?`, from).Scan(&one)
		moved = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	} else if err == nil {
		err = e.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM file_records WHERE path = ?`, to); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE path = ?`, to); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE file_records SET path = ?, dir = ? WHERE path = ?`,
				to, sqldb.FileDir(to), from)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			moved = n > 0
			_, err = tx.ExecContext(ctx, `UPDATE file_tags SET path = ? WHERE path = ?`, to, from)
			return err
		})
	}
	if err == nil && !moved {
		// The tags moved and the record at to went all the same: the
		// file moved.
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("sqlite: move file record %q to %q: %w", from, to, err)
	}
	return nil
}

// DeleteFileRecord implements store.Files.
func (e *engine) DeleteFileRecord(ctx context.Context, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_records WHERE path = ?`, path); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE path = ?`, path)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete file record %q: %w", path, err)
	}
	return nil
}

// CountDownload implements store.Files. The account's totals are
// counted first: an unknown account fails there (foreign key), and the
// transaction, download count included, is rolled back.
func (e *engine) CountDownload(ctx context.Context, path string, userID, n int64) error {
	err := sqldb.CheckFilePath(path)
	if err == nil {
		err = sqldb.CheckBytes(n)
	}
	if err == nil {
		err = e.write(ctx, func(tx *sql.Tx) error {
			if userID != 0 {
				if err := addTotals(ctx, tx, userID, 0, 0, 1, n); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO file_records (path, dir, description, downloads, added)
				VALUES (?, ?, '', 1, ?)
				ON CONFLICT (path) DO UPDATE SET downloads = downloads + 1`,
				path, sqldb.FileDir(path), millis(now()))
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: count download of %q by account %d: %w", path, userID, err)
	}
	return nil
}

// CountUpload implements store.Files.
func (e *engine) CountUpload(ctx context.Context, userID, n int64) error {
	err := sqldb.CheckBytes(n)
	if err == nil && userID != 0 {
		err = e.write(ctx, func(tx *sql.Tx) error { return addTotals(ctx, tx, userID, 1, n, 0, 0) })
	}
	if err != nil {
		return fmt.Errorf("sqlite: count upload by account %d: %w", userID, err)
	}
	return nil
}

// addTotals adds to the account's totals, creating its row; an unknown
// account is store.ErrNotFound.
func addTotals(ctx context.Context, tx *sql.Tx, userID, upFiles, upBytes, downFiles, downBytes int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO transfer_totals (user_id, up_files, up_bytes, down_files, down_bytes)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET up_files = up_files + excluded.up_files,
			up_bytes = up_bytes + excluded.up_bytes, down_files = down_files + excluded.down_files,
			down_bytes = down_bytes + excluded.down_bytes`,
		userID, upFiles, upBytes, downFiles, downBytes)
	return noAccount(err)
}

// Totals implements store.Files.
func (e *engine) Totals(ctx context.Context, userID int64) (store.TransferTotals, error) {
	var t store.TransferTotals
	err := e.r.QueryRowContext(ctx, `SELECT up_files, up_bytes, down_files, down_bytes
		FROM transfer_totals WHERE user_id = ?`, userID).Scan(&t.UpFiles, &t.UpBytes, &t.DownFiles, &t.DownBytes)
	if errors.Is(err, sql.ErrNoRows) {
		return store.TransferTotals{}, nil
	}
	if err != nil {
		return store.TransferTotals{}, fmt.Errorf("sqlite: transfer totals of account %d: %w", userID, err)
	}
	return t, nil
}

// Tag implements store.Files. The check for the tag, the count against
// limit and the insert are one transaction, so that tags racing each
// other cannot pass the limit together.
func (e *engine) Tag(ctx context.Context, userID int64, path string, limit int) error {
	err := sqldb.CheckFilePath(path)
	if err == nil {
		err = e.write(ctx, func(tx *sql.Tx) error {
			var tagged bool
			var count, last int64
			err := tx.QueryRowContext(ctx, `SELECT coalesce(max(path = ?), 0), count(*), coalesce(max(seq), 0)
				FROM file_tags WHERE user_id = ?`, path, userID).Scan(&tagged, &count, &last)
			if err != nil || tagged {
				return err
			}
			if count >= int64(limit) {
				return store.ErrLimit
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO file_tags (user_id, path, seq) VALUES (?, ?, ?)`,
				userID, path, last+1)
			return noAccount(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: tag %q for account %d: %w", path, userID, err)
	}
	return nil
}

// Untag implements store.Files.
func (e *engine) Untag(ctx context.Context, userID int64, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE user_id = ? AND path = ?`, userID, path)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: untag %q for account %d: %w", path, userID, err)
	}
	return nil
}

// Tags implements store.Files.
func (e *engine) Tags(ctx context.Context, userID int64) ([]string, error) {
	tags, err := sqldb.QueryRows(ctx, e.r, sqldb.ScanString, `SELECT path FROM file_tags WHERE user_id = ? ORDER BY seq`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tags of account %d: %w", userID, err)
	}
	return tags, nil
}

// ClearTags implements store.Files.
func (e *engine) ClearTags(ctx context.Context, userID int64) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: clear tags of account %d: %w", userID, err)
	}
	return nil
}
