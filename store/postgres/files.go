package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// noAccount turns a violated foreign key (here, an account ID that names
// no account) into store.ErrNotFound.
func noAccount(err error) error {
	if isForeignKey(err) {
		return store.ErrNotFound
	}
	return err
}

const fileColumns = `path, description, downloads, added`

func scanFileRecord(sc sqldb.Scanner) (store.FileRecord, error) {
	var r store.FileRecord
	if err := sc.Scan(&r.Path, &r.Description, &r.Downloads, at(&r.Added)); err != nil {
		return store.FileRecord{}, err
	}
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
			return nil, failed("file records in %q: %w", dir, err)
		}
	}
	list, err := sqldb.QueryRows(ctx, e.db, scanFileRecord, `SELECT `+fileColumns+` FROM file_records WHERE dir = $1`, dir)
	if err != nil {
		return nil, failed("file records in %q: %w", dir, err)
	}
	recs := make(map[string]store.FileRecord, len(list))
	for _, r := range list {
		recs[r.Path] = r
	}
	return recs, nil
}

// FileRecord implements store.Files.
func (e *engine) FileRecord(ctx context.Context, path string) (store.FileRecord, error) {
	r, err := scanFileRecord(e.db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM file_records WHERE path = $1`, path))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.FileRecord{}, failed("file record %q: %w", path, err)
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
				VALUES ($1, $2, $3, 0, $4)
				ON CONFLICT (path) DO UPDATE SET description = excluded.description`,
				path, sqldb.FileDir(path), description, ts(now()))
			return err
		})
	}
	if err != nil {
		return failed("set description of %q: %w", path, err)
	}
	return nil
}

// MoveFileRecord implements store.Files. The record at to and the tags
// of to are deleted first, then from's are renamed, so a user who had
// tagged both keeps one tag, in from's place in their order. Paths are
// matched whole, never as patterns.
func (e *engine) MoveFileRecord(ctx context.Context, from, to string) error {
	moved := false
	err := sqldb.CheckFilePath(from)
	if err == nil {
		err = sqldb.CheckFilePath(to)
	}
	if err == nil && from == to {
		var one int
		err = e.db.QueryRowContext(ctx, `SELECT 1 FROM file_records WHERE path = $1`, from).Scan(&one)
		moved = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	} else if err == nil {
		err = e.write(ctx, func(tx *sql.Tx) error {
			moved = false
			if _, err := tx.ExecContext(ctx, `DELETE FROM file_records WHERE path = $1`, to); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE path = $1`, to); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE file_records SET path = $1, dir = $2 WHERE path = $3`,
				to, sqldb.FileDir(to), from)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			moved = n > 0
			_, err = tx.ExecContext(ctx, `UPDATE file_tags SET path = $1 WHERE path = $2`, to, from)
			return err
		})
	}
	if err == nil && !moved {
		// The tags moved and the record at to went all the same: the
		// file moved.
		err = store.ErrNotFound
	}
	if err != nil {
		return failed("move file record %q to %q: %w", from, to, err)
	}
	return nil
}

// DeleteFileRecord implements store.Files.
func (e *engine) DeleteFileRecord(ctx context.Context, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_records WHERE path = $1`, path); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE path = $1`, path)
		return err
	})
	if err != nil {
		return failed("delete file record %q: %w", path, err)
	}
	return nil
}

// tally runs f, which only adds to counters, in one READ COMMITTED
// transaction. Under SERIALIZABLE two downloads of one file would fail
// each other ("concurrent update") and a popular file could use up
// write's retries; here an upsert waits for the row and adds to what the
// other committed, and additions need no other isolation.
func (e *engine) tally(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := e.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
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
		err = e.tally(ctx, func(tx *sql.Tx) error {
			if userID != 0 {
				if err := addTotals(ctx, tx, userID, 0, 0, 1, n); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO file_records AS r (path, dir, description, downloads, added)
				VALUES ($1, $2, '', 1, $3)
				ON CONFLICT (path) DO UPDATE SET downloads = r.downloads + 1`,
				path, sqldb.FileDir(path), ts(now()))
			return err
		})
	}
	if err != nil {
		return failed("count download of %q by account %d: %w", path, userID, err)
	}
	return nil
}

// CountUpload implements store.Files.
func (e *engine) CountUpload(ctx context.Context, userID, n int64) error {
	err := sqldb.CheckBytes(n)
	if err == nil && userID != 0 {
		err = e.tally(ctx, func(tx *sql.Tx) error { return addTotals(ctx, tx, userID, 1, n, 0, 0) })
	}
	if err != nil {
		return failed("count upload by account %d: %w", userID, err)
	}
	return nil
}

// addTotals adds to the account's totals, creating its row; an unknown
// account is store.ErrNotFound.
func addTotals(ctx context.Context, tx *sql.Tx, userID, upFiles, upBytes, downFiles, downBytes int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO transfer_totals AS t (user_id, up_files, up_bytes, down_files, down_bytes)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET up_files = t.up_files + excluded.up_files,
			up_bytes = t.up_bytes + excluded.up_bytes, down_files = t.down_files + excluded.down_files,
			down_bytes = t.down_bytes + excluded.down_bytes`,
		userID, upFiles, upBytes, downFiles, downBytes)
	return noAccount(err)
}

// Totals implements store.Files.
func (e *engine) Totals(ctx context.Context, userID int64) (store.TransferTotals, error) {
	var t store.TransferTotals
	err := e.db.QueryRowContext(ctx, `SELECT up_files, up_bytes, down_files, down_bytes
		FROM transfer_totals WHERE user_id = $1`, userID).Scan(&t.UpFiles, &t.UpBytes, &t.DownFiles, &t.DownBytes)
	if errors.Is(err, sql.ErrNoRows) {
		return store.TransferTotals{}, nil
	}
	if err != nil {
		return store.TransferTotals{}, failed("transfer totals of account %d: %w", userID, err)
	}
	return t, nil
}

// Tag implements store.Files. The check for the tag, the count against
// limit and the insert are one serializable transaction, so that tags
// racing each other cannot pass the limit together: one of them is run
// again and counts the other's.
func (e *engine) Tag(ctx context.Context, userID int64, path string, limit int) error {
	err := sqldb.CheckFilePath(path)
	if err == nil {
		err = e.write(ctx, func(tx *sql.Tx) error {
			var tagged bool
			var count, last int64
			err := tx.QueryRowContext(ctx, `SELECT coalesce(bool_or(path = $1), false), count(*), coalesce(max(seq), 0)
				FROM file_tags WHERE user_id = $2`, path, userID).Scan(&tagged, &count, &last)
			if err != nil || tagged {
				return err
			}
			if count >= int64(limit) {
				return store.ErrLimit
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO file_tags (user_id, path, seq) VALUES ($1, $2, $3)`,
				userID, path, last+1)
			return noAccount(err)
		})
	}
	if err != nil {
		return failed("tag %q for account %d: %w", path, userID, err)
	}
	return nil
}

// Untag implements store.Files.
func (e *engine) Untag(ctx context.Context, userID int64, path string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE user_id = $1 AND path = $2`, userID, path)
		return err
	})
	if err != nil {
		return failed("untag %q for account %d: %w", path, userID, err)
	}
	return nil
}

// Tags implements store.Files.
func (e *engine) Tags(ctx context.Context, userID int64) ([]string, error) {
	tags, err := sqldb.QueryRows(ctx, e.db, sqldb.ScanString, `SELECT path FROM file_tags WHERE user_id = $1 ORDER BY seq`, userID)
	if err != nil {
		return nil, failed("tags of account %d: %w", userID, err)
	}
	return tags, nil
}

// ClearTags implements store.Files.
func (e *engine) ClearTags(ctx context.Context, userID int64) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM file_tags WHERE user_id = $1`, userID)
		return err
	})
	if err != nil {
		return failed("clear tags of account %d: %w", userID, err)
	}
	return nil
}
