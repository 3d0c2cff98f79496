package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/store"
)

// migrationFiles is a constant table: the schema this binary knows.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration takes the schema from version-1 to version.
type migration struct {
	version int
	name    string
	sql     string
}

// migrateLock is the key of the advisory lock that nodes starting at
// once take in turn, so that only one of them applies each migration.
// Any constant does; this one spells "x84\x00" in ASCII.
const migrateLock = 0x78383400

// loadMigrations reads the files NNNN_name.sql in dir of fsys. Their
// numbers must run 1, 2, 3… without gaps, since each is recorded as the
// schema version once applied.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("postgres: migration %s: name is not NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("postgres: migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortStableFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("postgres: migration %s: version %d, want %d", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations the database lacks, in one transaction
// that holds an advisory lock: a node that starts while another migrates
// waits, then finds the work done. PostgreSQL's DDL is transactional, so
// a failed migration leaves the schema as it was.
func migrate(ctx context.Context, db *sql.DB, where string, ms []migration, log *slog.Logger) error {
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
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO x84_schema (version) VALUES ($1)`, m.version); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", where, err)
	}
	for _, m := range ms[have:] {
		log.Info("postgres: migrated", "database", where, "migration", m.name, "version", m.version)
	}
	return nil
}
