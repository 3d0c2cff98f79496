package sqlite

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

// loadMigrations reads the files NNNN_name.sql in dir of fsys. Their
// numbers must run 1, 2, 3… without gaps, since each is recorded as the
// schema version once applied.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
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
			return nil, fmt.Errorf("sqlite: migration %s: name is not NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	// Sort by number, not name: "10_x" comes after "9_y". A gap or a
	// duplicate would record a wrong version.
	slices.SortStableFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlite: migration %s: version %d, want %d", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

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
func migrate(ctx context.Context, w *sql.DB, file string, ms []migration, log *slog.Logger) error {
	for _, m := range ms {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
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
		if have >= m.version {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
		}
		// PRAGMA takes no parameters; the version is a trusted integer.
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.name, err)
		}
		log.Info("sqlite: migrated", "path", file, "migration", m.name, "version", m.version)
	}
	return nil
}
