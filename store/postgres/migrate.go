package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// migrationFiles is a constant table: the schema this binary knows.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLock is the key of the advisory lock that nodes starting at
// once take in turn, so that only one of them applies each migration.
// Any constant does; this one spells "x84\x00" in ASCII.
const migrateLock = 0x78383400

// migrate applies the migrations the database lacks, in one transaction
// that holds an advisory lock: a node that starts while another migrates
// waits, then finds the work done. PostgreSQL's DDL is transactional, so
// a failed migration leaves the schema as it was.
func migrate(ctx context.Context, db *sql.DB, where string, ms []sqldb.Migration, log *slog.Logger) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", where, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", where, err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS x84_schema (
		version integer NOT NULL,
		applied timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", where, err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM x84_schema`).Scan(&have); err != nil {
		return fmt.Errorf("postgres: read schema version: %w", err)
	}
	if have > len(ms) {
		return fmt.Errorf("postgres: %s has schema version %d, newer than %d, the newest this binary knows: %w",
			where, have, len(ms), store.ErrTooNew)
	}
	for _, m := range ms[have:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO x84_schema (version) VALUES ($1)`, m.Version); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", where, err)
	}
	for _, m := range ms[have:] {
		log.Info("postgres: migrated", "database", where, "migration", m.Name, "version", m.Version)
	}
	return nil
}
