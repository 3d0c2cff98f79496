package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// migrationFiles is a constant table: the schema this binary knows.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// userVersion reads the schema version recorded in the database file.
func userVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", err)
	}
	return v, nil
}

// tooNew is the error for a database written by a newer x84.
func tooNew(file string, have, known int) error {
	return fmt.Errorf("sqlite: %s has schema version %d, newer than %d, the newest this binary knows: %w",
		file, have, known, store.ErrTooNew)
}

// migrate applies the migrations the database lacks, each in its own
// write transaction together with the new user_version, so a failed
// migration leaves the schema as the previous one left it. The version is
// read again inside each transaction: another process may have migrated
// in the meantime.
func migrate(ctx context.Context, w *sql.DB, file string, ms []sqldb.Migration, log *slog.Logger) error {
	for _, m := range ms {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		have, err := userVersion(ctx, tx)
		if err != nil {
			tx.Rollback()
			return err
		}
		if have > len(ms) {
			tx.Rollback()
			return tooNew(file, have, len(ms))
		}
		if have >= m.Version {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		// PRAGMA takes no parameters; the version is a trusted integer.
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.Version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		log.Info("sqlite: migrated", "path", file, "migration", m.Name, "version", m.Version)
	}
	return nil
}
