package sqlite

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/x84bbs/x84/store"
)

// known is the number of migrations embedded in this binary.
func known(t *testing.T) int {
	t.Helper()
	ms, err := loadMigrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatalf("loadMigrations(embedded) = %v; want nil", err)
	}
	return len(ms)
}

// rawDB opens path with no schema handling, as another tool would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("sql.Open(%q) = %v; want nil", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// pragma reads one pragma's value as text.
func pragma(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s = %v; want nil", name, err)
	}
	return v
}

func TestLoadMigrations(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  []int // nil: an error
	}{
		{"in order", []string{"0001_init.sql", "0002_more.sql", "0003_x.sql"}, []int{1, 2, 3}},
		{"other files ignored", []string{"0001_init.sql", "README.md"}, []int{1}},
		{"short numbers", []string{"1_a.sql", "02_b.sql"}, []int{1, 2}},
		{"none", nil, []int{}},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, nil},
		{"duplicate", []string{"0001_a.sql", "0001_b.sql"}, nil},
		{"starts at 0", []string{"0000_a.sql"}, nil},
		{"no number", []string{"init.sql"}, nil},
		{"bad number", []string{"00x1_a.sql"}, nil},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{"m": &fstest.MapFile{Mode: os.ModeDir | 0o755}}
		for _, f := range tt.files {
			fsys["m/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		ms, err := loadMigrations(fsys, "m")
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s: loadMigrations(%q) = %d migrations; want an error", tt.name, tt.files, len(ms))
			}
			continue
		}
		var got []int
		for _, m := range ms {
			got = append(got, m.version)
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: loadMigrations(%q) = %v, %v; want %v, nil", tt.name, tt.files, got, err, tt.want)
		}
	}
	if n := known(t); n < 1 {
		t.Errorf("embedded migrations = %d; want at least 1", n)
	}
}

func TestOpenFresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x84.db")
	var logs bytes.Buffer
	s, err := Open(t.Context(), path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Open(%q) = %v; want nil", path, err)
	}
	// A write, so that the WAL exists and its mode can be checked.
	if err := s.Users.CreateUser(t.Context(), &store.User{Handle: "sysop"}); err != nil {
		t.Fatalf("CreateUser() = %v; want nil", err)
	}
	for _, f := range []string{path, path + "-wal"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("Stat(%q) = %v; want nil", f, err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("Stat(%q).Mode = %v; want 0600", f, got)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v; want nil", err)
	}

	db := rawDB(t, path)
	tests := []struct{ pragma, want string }{
		{"user_version", strconv.Itoa(known(t))},
		{"journal_mode", "wal"},
	}
	for _, tt := range tests {
		if got := pragma(t, db, tt.pragma); got != tt.want {
			t.Errorf("PRAGMA %s = %q; want %q", tt.pragma, got, tt.want)
		}
	}
	if got, want := strings.Count(logs.String(), "sqlite: migrated"), known(t); got != want {
		t.Errorf("Open(fresh) logged %d migrations; want %d:\n%s", got, want, logs.String())
	}
}

func TestOpenUpToDate(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("Open(%q) = %v; want nil", path, err)
	}
	if err := s.Users.CreateUser(ctx, &store.User{Handle: "Keeper"}); err != nil {
		t.Fatalf("CreateUser() = %v; want nil", err)
	}
	s.Close()

	var logs bytes.Buffer
	s, err = Open(ctx, path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Open(%q) again = %v; want nil", path, err)
	}
	defer s.Close()
	if logs.Len() != 0 {
		t.Errorf("Open(up to date) logged %q; want nothing", logs.String())
	}
	if _, err := s.Users.User(ctx, "keeper"); err != nil {
		t.Errorf(`User("keeper") after reopening = %v; want nil`, err)
	}
	if got, want := pragma(t, s.Closer.(*engine).w, "user_version"), strconv.Itoa(known(t)); got != want {
		t.Errorf("PRAGMA user_version = %q; want %q", got, want)
	}
}

func TestOpenTooNew(t *testing.T) {
	tests := []struct {
		name    string
		journal string // the journal mode of the newer database
	}{
		{"wal", "wal"},
		{"rollback journal", "delete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x84.db")
			newer := known(t) + 1
			db := rawDB(t, path)
			for _, q := range []string{
				"PRAGMA journal_mode = " + tt.journal,
				"CREATE TABLE future (x INTEGER)",
				"PRAGMA user_version = " + strconv.Itoa(newer),
			} {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("Exec(%q) = %v; want nil", q, err)
				}
			}
			db.Close()
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}

			s, err := Open(t.Context(), path, Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open(version %d) = nil; want ErrTooNew", newer)
			}
			if !errors.Is(err, store.ErrTooNew) {
				t.Errorf("Open(version %d) = %v; want ErrTooNew", newer, err)
			}
			for _, want := range []string{path, strconv.Itoa(newer), strconv.Itoa(known(t))} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Open(version %d) = %q; want it to mention %q", newer, err, want)
				}
			}

			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if sha256.Sum256(after) != sha256.Sum256(before) {
				t.Errorf("Open(version %d) changed the file", newer)
			}
			if fi2, err := os.Stat(path); err != nil || !fi2.ModTime().Equal(fi.ModTime()) {
				t.Errorf("Open(version %d): ModTime = %v, %v; want %v", newer, fi2.ModTime(), err, fi.ModTime())
			}
			if got := pragma(t, rawDB(t, path), "journal_mode"); got != tt.journal {
				t.Errorf("PRAGMA journal_mode after refusal = %q; want %q", got, tt.journal)
			}
		})
	}
}

// TestMigrateAtomic checks that migrations run in order, each in a
// transaction with its version: a failing one leaves the previous schema
// and version, and a later run picks up from there.
func TestMigrateAtomic(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	log := slog.New(slog.DiscardHandler)

	ms := []migration{
		{1, "0001_a.sql", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
		{2, "0002_b.sql", "CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);"},
	}
	if err := migrate(ctx, w, path, ms, log); err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Errorf("migrate(broken 0002) = %v; want an error naming 0002_b.sql", err)
	}
	if got := pragma(t, w, "user_version"); got != "1" {
		t.Errorf("PRAGMA user_version after failed 0002 = %s; want 1", got)
	}
	var n int
	if err := w.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").Scan(&n); err != nil || n != 0 {
		t.Errorf("table b after failed 0002: count = %d, %v; want 0, nil", n, err)
	}

	ms[1].sql = "CREATE TABLE b (x INTEGER); INSERT INTO b SELECT x FROM a;"
	if err := migrate(ctx, w, path, ms, log); err != nil {
		t.Fatalf("migrate(fixed 0002) = %v; want nil", err)
	}
	if got := pragma(t, w, "user_version"); got != "2" {
		t.Errorf("PRAGMA user_version = %s; want 2", got)
	}
	// 0001 ran once: a holds one row, copied once into b.
	if err := w.QueryRow("SELECT count(*) FROM b").Scan(&n); err != nil || n != 1 {
		t.Errorf("SELECT count(*) FROM b = %d, %v; want 1, nil", n, err)
	}

	// A database newer than the list is refused inside the transaction
	// too, for a process that migrated after Open's first check.
	if err := migrate(ctx, w, path, ms[:1], log); !errors.Is(err, store.ErrTooNew) {
		t.Errorf("migrate(1 migration) on version 2 = %v; want ErrTooNew", err)
	}
}
