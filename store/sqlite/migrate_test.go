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
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// embedded is the migrations embedded in this binary.
func embedded(t *testing.T) []sqldb.Migration {
	t.Helper()
	ms, err := sqldb.LoadMigrations(migrationFiles, "migrations", "sqlite")
	if err != nil {
		t.Fatalf("LoadMigrations(embedded) = %v; want nil", err)
	}
	return ms
}

// known is the number of migrations embedded in this binary.
func known(t *testing.T) int {
	t.Helper()
	return len(embedded(t))
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

// stmt is a statement, with its arguments, that writes an old schema's
// data.
type stmt struct {
	q    string
	args []any
}

// atVersion makes a database at path as the first v embedded migrations
// and then stmts leave it, in WAL mode as Open would, and returns its
// writer, still open.
func atVersion(t *testing.T, path string, v int, stmts []stmt) *sql.DB {
	t.Helper()
	ctx := t.Context()
	ms := embedded(t)
	if len(ms) <= v {
		t.Fatalf("embedded migrations = %d; want at least %d", len(ms), v+1)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	w.SetMaxOpenConns(1)
	if _, err := w.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		t.Fatalf("PRAGMA journal_mode = WAL: %v", err)
	}
	if err := migrate(ctx, w, path, ms[:v], slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate(first %d) = %v; want nil", v, err)
	}
	for _, st := range stmts {
		if _, err := w.ExecContext(ctx, st.q, st.args...); err != nil {
			t.Fatalf("Exec(%q) on version %d = %v; want nil", st.q, v, err)
		}
	}
	if got := pragma(t, w, "user_version"); got != strconv.Itoa(v) {
		t.Fatalf("PRAGMA user_version of the fixture = %s; want %d", got, v)
	}
	return w
}

// upgrade closes w, the writer atVersion(t, path, v, …) returned, and
// opens path with Open, which must apply and log each later migration.
func upgrade(t *testing.T, w *sql.DB, path string, v int) *store.Store {
	t.Helper()
	w.Close()
	ms := embedded(t)
	var logs bytes.Buffer
	s, err := Open(t.Context(), path, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Open(version %d) = %v; want nil", v, err)
	}
	t.Cleanup(func() { s.Close() })
	if got, want := pragma(t, s.Closer.(*engine).w, "user_version"), strconv.Itoa(len(ms)); got != want {
		t.Errorf("PRAGMA user_version after Open(version %d) = %s; want %s", v, got, want)
	}
	if got, want := strings.Count(logs.String(), "sqlite: migrated"), len(ms)-v; got != want {
		t.Errorf("Open(version %d) logged %d migrations; want %d:\n%s", v, got, want, logs.String())
	}
	if !strings.Contains(logs.String(), ms[v].Name) {
		t.Errorf("Open(version %d) logged %q; want it to name %s", v, logs.String(), ms[v].Name)
	}
	return s
}

func TestEmbeddedMigrations(t *testing.T) {
	if n := known(t); n < 1 {
		t.Errorf("embedded migrations = %d; want at least 1", n)
	}
}

func TestOpenFresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x84.db")
	var logs bytes.Buffer
	s, err := Open(t.Context(), path, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
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
	s, err := Open(ctx, path, Config{})
	if err != nil {
		t.Fatalf("Open(%q) = %v; want nil", path, err)
	}
	if err := s.Users.CreateUser(ctx, &store.User{Handle: "Keeper"}); err != nil {
		t.Fatalf("CreateUser() = %v; want nil", err)
	}
	s.Close()

	var logs bytes.Buffer
	s, err = Open(ctx, path, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
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

			s, err := Open(t.Context(), path, Config{})
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

	ms := []sqldb.Migration{
		{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
		{Version: 2, Name: "0002_b.sql", SQL: "CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);"},
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

	ms[1].SQL = "CREATE TABLE b (x INTEGER); INSERT INTO b SELECT x FROM a;"
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

// TestUpgradeFromV1 checks that a database at schema version 1, as the
// first release left it, is brought up to date by Open with its data
// kept, and that the tables added since work on it.
func TestUpgradeFromV1(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")

	// Version 1, in WAL mode, with an account and some history, written
	// with version 1's columns only.
	old := &store.User{
		Handle:   "Old Timer",
		Password: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		RealName: "Ada Old",
		Location: "Paris",
		Email:    "old@example.org",
		Groups:   []string{store.GroupSysop, "users"},
		Encoding: store.EncodingCP437,
		Created:  time.Date(1996, time.March, 1, 12, 0, 0, 0, time.UTC),
		LastCall: time.Date(2024, time.May, 5, 23, 59, 0, 0, time.UTC),
		Calls:    1234,
	}
	w := atVersion(t, path, 1, []stmt{
		{`INSERT INTO users (handle, handle_key, password, real_name, location, email, encoding, created, last_call, calls)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[]any{old.Handle, store.HandleKey(old.Handle), old.Password, old.RealName, old.Location, old.Email,
				old.Encoding, old.Created.UnixMilli(), old.LastCall.UnixMilli(), old.Calls}},
		{`INSERT INTO user_groups (user_id, grp) SELECT id, ? FROM users`, []any{old.Groups[0]}},
		{`INSERT INTO user_groups (user_id, grp) SELECT id, ? FROM users`, []any{old.Groups[1]}},
		{`INSERT INTO calls (handle, location, at, calls, kind) VALUES (?, ?, ?, ?, ?)`,
			[]any{old.Handle, old.Location, old.LastCall.UnixMilli(), old.Calls, "telnet"}},
		{`INSERT INTO oneliners (handle, handle_key, text, posted) VALUES (?, ?, ?, ?)`,
			[]any{old.Handle, store.HandleKey(old.Handle), "still here", old.LastCall.UnixMilli()}},
		{`INSERT INTO bans (prefix, until, strikes, reason, created) VALUES (?, 0, 1, ?, ?)`,
			[]any{"192.0.2.0/24", "sysop", old.Created.UnixMilli()}},
	})
	s := upgrade(t, w, path, 1)

	// Version 1's data is all there.
	u, err := s.Users.User(ctx, "old timer")
	if err != nil {
		t.Fatalf(`User("old timer") after upgrade = %v; want nil`, err)
	}
	old.ID = u.ID
	if u.Handle != old.Handle || u.Password != old.Password || u.RealName != old.RealName ||
		u.Location != old.Location || u.Email != old.Email || !slices.Equal(u.Groups, old.Groups) ||
		u.Encoding != old.Encoding || !u.Created.Equal(old.Created) || !u.LastCall.Equal(old.LastCall) ||
		u.Calls != old.Calls {
		t.Errorf(`User("old timer") after upgrade = %+v; want %+v`, u, old)
	}
	if cs, err := s.Calls.LastCalls(ctx, 10); err != nil || len(cs) != 1 || cs[0].Calls != old.Calls {
		t.Errorf("LastCalls(10) after upgrade = %+v, %v; want the one call", cs, err)
	}
	if ol, err := s.Oneliners.Oneliners(ctx, 10); err != nil || len(ol) != 1 || ol[0].Text != "still here" {
		t.Errorf("Oneliners(10) after upgrade = %+v, %v; want the one one-liner", ol, err)
	}
	if bs, err := s.Bans.Bans(ctx); err != nil || len(bs) != 1 || bs[0].Prefix != "192.0.2.0/24" {
		t.Errorf("Bans() after upgrade = %+v, %v; want the one ban", bs, err)
	}

	// Keys and uploads work for the account that predates them.
	k := &store.PublicKey{Handle: "OLD TIMER", Key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOld", Fingerprint: "SHA256:old", Comment: "ada@retro"}
	if err := s.Keys.AddKey(ctx, k); err != nil {
		t.Fatalf("AddKey(%q) after upgrade = %v; want nil", k.Handle, err)
	}
	if ks, err := s.Keys.Keys(ctx, "Old Timer"); err != nil || len(ks) != 1 || ks[0].ID != k.ID || ks[0].Handle != old.Handle {
		t.Errorf(`Keys("Old Timer") after upgrade = %+v, %v; want key %d of %q`, ks, err, k.ID, old.Handle)
	}
	up := store.Upload{Path: "uploads/retro.zip", OwnerID: u.ID, Owner: old.Handle, Size: 1 << 20, Uploaded: old.LastCall}
	if err := s.Uploads.PutUpload(ctx, up); err != nil {
		t.Fatalf("PutUpload(%q) after upgrade = %v; want nil", up.Path, err)
	}
	if n, err := s.Uploads.UploadUsage(ctx, u.ID); err != nil || n.Bytes != up.Size {
		t.Errorf(`UploadUsage("old timer") after upgrade = %+v, %v; want %d bytes, nil`, n, err, up.Size)
	}
	// The foreign key to version 1's users table cascades.
	if err := s.Users.DeleteUser(ctx, old.Handle); err != nil {
		t.Fatalf("DeleteUser(%q) after upgrade = %v; want nil", old.Handle, err)
	}
	if err := s.Users.CreateUser(ctx, &store.User{Handle: "Newcomer"}); err != nil {
		t.Fatalf(`CreateUser("Newcomer") = %v; want nil`, err)
	}
	k2 := &store.PublicKey{Handle: "Newcomer", Key: k.Key, Fingerprint: k.Fingerprint}
	if err := s.Keys.AddKey(ctx, k2); err != nil {
		t.Errorf("AddKey(%q) of the deleted user's key = %v; want nil", k2.Handle, err)
	}
}

// TestSchema checks that every table the migrations make is STRICT.
func TestSchema(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	rows, err := s.Closer.(*engine).r.QueryContext(t.Context(),
		`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name`)
	if err != nil {
		t.Fatalf("pragma_table_list: %v", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		var strict bool
		if err := rows.Scan(&name, &strict); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		if !strict {
			t.Errorf("table %s is not STRICT", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bans", "calls", "messages", "oneliners", "poll_options", "polls",
		"read_pointers", "ssh_keys", "uploads", "user_groups", "users", "votes"} {
		if !slices.Contains(tables, want) {
			t.Errorf("tables = %q; want %s among them", tables, want)
		}
	}
}

// TestUpgradeFromV2 checks that a database at schema version 2 is brought
// to version 3 by Open with its data kept: its accounts get an empty
// signature, and messages, read pointers and votes work for them,
// including the cascades to version 1's users table.
func TestUpgradeFromV2(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")
	created := time.Date(1996, time.March, 1, 12, 0, 0, 0, time.UTC)
	w := atVersion(t, path, 2, []stmt{
		{`INSERT INTO users (handle, handle_key, password, real_name, location, email, encoding, created, last_call, calls)
			VALUES (?, ?, 'x', 'Ada', 'Paris', 'ada@example.org', ?, ?, 0, 12)`,
			[]any{"Ada", store.HandleKey("Ada"), store.EncodingCP437, created.UnixMilli()}},
		{`INSERT INTO users (handle, handle_key, password, real_name, location, email, encoding, created, last_call, calls)
			VALUES (?, ?, 'y', 'Bo', 'Oslo', 'bo@example.org', ?, ?, 0, 3)`,
			[]any{"Bo", store.HandleKey("Bo"), store.EncodingUTF8, created.UnixMilli()}},
		{`INSERT INTO user_groups (user_id, grp) SELECT id, ? FROM users WHERE handle = 'Ada'`, []any{store.GroupSysop}},
		{`INSERT INTO ssh_keys (user_id, fingerprint, key, comment, added) SELECT id, ?, ?, '', ? FROM users WHERE handle = 'Ada'`,
			[]any{"SHA256:ada", "ssh-ed25519 AAAAada", created.UnixMilli()}},
		{`INSERT INTO uploads (path, owner, owner_key, size, uploaded) VALUES (?, ?, ?, ?, ?)`,
			[]any{"uploads/ada.zip", "Ada", store.HandleKey("Ada"), 2048, created.UnixMilli()}},
		// The upload of an account deleted before version 5.
		{`INSERT INTO uploads (path, owner, owner_key, size, uploaded) VALUES (?, ?, ?, ?, ?)`,
			[]any{"uploads/gone.zip", "Gone", store.HandleKey("Gone"), 99, created.UnixMilli()}},
	})
	s := upgrade(t, w, path, 2)

	// Version 2's data is all there, with an empty signature.
	ada, err := s.Users.User(ctx, "ada")
	if err != nil {
		t.Fatalf(`User("ada") after upgrade = %v; want nil`, err)
	}
	if ada.Handle != "Ada" || ada.Calls != 12 || !ada.Created.Equal(created) || ada.Signature != "" ||
		!slices.Equal(ada.Groups, []string{store.GroupSysop}) || ada.Encoding != store.EncodingCP437 {
		t.Errorf(`User("ada") after upgrade = %+v; want Ada's version 2 record, Signature ""`, ada)
	}
	if ks, err := s.Keys.Keys(ctx, "Ada"); err != nil || len(ks) != 1 || ks[0].Fingerprint != "SHA256:ada" {
		t.Errorf(`Keys("Ada") after upgrade = %+v, %v; want the one key`, ks, err)
	}
	if n, err := s.Uploads.UploadUsage(ctx, ada.ID); err != nil || n != (store.UploadUsage{Bytes: 2048, Files: 1}) {
		t.Errorf(`UploadUsage("ada") after upgrade = %+v, %v; want 2048 bytes in 1 file, nil`, n, err)
	}
	// Version 5 gives the file of a deleted account to nobody.
	if u, err := s.Uploads.Upload(ctx, "uploads/gone.zip"); err != nil || u.OwnerID != 0 || u.Owner != "Gone" {
		t.Errorf(`Upload("uploads/gone.zip") after upgrade = %+v, %v; want owner "Gone", OwnerID 0`, u, err)
	}

	// The new column and tables work for accounts that predate them.
	ada.Signature = "-- \nAda, since 1996"
	if err := s.Users.UpdateUser(ctx, ada); err != nil {
		t.Fatalf("UpdateUser(Ada) after upgrade = %v; want nil", err)
	}
	if u, err := s.Users.User(ctx, "Ada"); err != nil || u.Signature != ada.Signature {
		t.Errorf(`User("Ada").Signature after UpdateUser = %q, %v; want %q`, u.Signature, err, ada.Signature)
	}
	pub := &store.Message{Area: "general", From: "Ada", Subject: "hello", Body: "first post"}
	mail := &store.Message{To: "bo", From: "Ada", Subject: "hi Bo", Body: "psst"}
	toAda := &store.Message{To: "ada", From: "Bo", Subject: "re: hi Bo", Body: "hey"}
	for _, m := range []*store.Message{pub, mail, toAda} {
		if err := s.Messages.PostMessage(ctx, m); err != nil {
			t.Fatalf("PostMessage(%q) after upgrade = %v; want nil", m.Subject, err)
		}
	}
	if err := s.Messages.SetLastRead(ctx, "Ada", "general", pub.ID); err != nil {
		t.Fatalf("SetLastRead(Ada) after upgrade = %v; want nil", err)
	}
	p := &store.Poll{Question: "upgrade?", Options: []string{"yes", "no"}, Author: "Ada"}
	if err := s.Polls.CreatePoll(ctx, p); err != nil {
		t.Fatalf("CreatePoll() after upgrade = %v; want nil", err)
	}
	for _, h := range []string{"Ada", "Bo"} {
		if err := s.Polls.Vote(ctx, p.ID, h, 0); err != nil {
			t.Fatalf("Vote(%q) after upgrade = %v; want nil", h, err)
		}
	}

	// Deleting a version 2 account cascades to the version 3 tables.
	if err := s.Users.DeleteUser(ctx, "Ada"); err != nil {
		t.Fatalf("DeleteUser(Ada) after upgrade = %v; want nil", err)
	}
	if _, err := s.Messages.Message(ctx, toAda.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Message(%d) to deleted Ada = %v; want ErrNotFound", toAda.ID, err)
	}
	if m, err := s.Messages.Message(ctx, mail.ID); err != nil || m.From != "Ada" || m.To != "Bo" {
		t.Errorf("Message(%d) from deleted Ada = %+v, %v; want From Ada, To Bo", mail.ID, m, err)
	}
	if counts, _, err := s.Polls.Results(ctx, p.ID, "Bo"); err != nil || !slices.Equal(counts, []int{1, 0}) {
		t.Errorf("Results(%d) after DeleteUser(Ada) = %v, %v; want [1 0], nil", p.ID, counts, err)
	}
	var pointers int
	if err := s.Closer.(*engine).r.QueryRowContext(ctx, `SELECT count(*) FROM read_pointers`).Scan(&pointers); err != nil || pointers != 0 {
		t.Errorf("read_pointers after DeleteUser(Ada) = %d rows, %v; want 0", pointers, err)
	}
	var fk int
	if err := s.Closer.(*engine).r.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Errorf("foreign_key_check after upgrade = %d violations, %v; want 0", fk, err)
	}
}

// TestUpgradeFromV3 checks that a database at schema version 3, whose
// ssh_keys held a fingerprint once across all users, is brought up to
// date by Open with its keys kept, ids and all, and that several users
// may then register one key, each once.
func TestUpgradeFromV3(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")
	added := time.Date(2024, time.May, 5, 23, 59, 0, 0, time.UTC)
	user := func(h string) string {
		return `INSERT INTO users (handle, handle_key, password, real_name, location, email, encoding, created, last_call, calls)
			VALUES ('` + h + `', '` + string(store.HandleKey(h)) + `', 'x', '', '', '', 'utf-8', 0, 0, 0)`
	}
	key := `INSERT INTO ssh_keys (user_id, fingerprint, key, comment, added) SELECT id, ?, ?, ?, ? FROM users WHERE handle = ?`
	w := atVersion(t, path, 3, []stmt{
		{user("Ada"), nil},
		{user("Bo"), nil},
		{key, []any{"SHA256:laptop", "ssh-ed25519 AAAAlaptop", "ada@laptop", added.UnixMilli(), "Ada"}},
		{key, []any{"SHA256:desk", "ssh-rsa AAAAdesk", "", added.Add(time.Hour).UnixMilli(), "Ada"}},
		{key, []any{"SHA256:bo", "ssh-ed25519 AAAAbo", "bo", added.UnixMilli(), "Bo"}},
		{key, []any{"SHA256:gone", "ssh-ed25519 AAAAgone", "", added.UnixMilli(), "Bo"}},
		// The highest id is deleted: it must not be handed out again.
		{`DELETE FROM ssh_keys WHERE fingerprint = 'SHA256:gone'`, nil},
	})
	// 0002's UNIQUE (fingerprint) is what 0004 lifts.
	if _, err := w.ExecContext(ctx, key, "SHA256:laptop", "ssh-ed25519 AAAAlaptop", "", 0, "Bo"); !isUnique(err) {
		t.Fatalf("registering Ada's key for Bo on version 3 = %v; want a UNIQUE violation", err)
	}
	s := upgrade(t, w, path, 3)
	e := s.Closer.(*engine)

	// The keys are all there, with their ids.
	laptop := store.PublicKey{ID: 1, Handle: "Ada", Key: "ssh-ed25519 AAAAlaptop", Fingerprint: "SHA256:laptop", Comment: "ada@laptop", Added: added}
	desk := store.PublicKey{ID: 2, Handle: "Ada", Key: "ssh-rsa AAAAdesk", Fingerprint: "SHA256:desk", Added: added.Add(time.Hour)}
	bo := store.PublicKey{ID: 3, Handle: "Bo", Key: "ssh-ed25519 AAAAbo", Fingerprint: "SHA256:bo", Comment: "bo", Added: added}
	same := func(a, b store.PublicKey) bool {
		return a.ID == b.ID && a.Handle == b.Handle && a.Key == b.Key && a.Fingerprint == b.Fingerprint &&
			a.Comment == b.Comment && a.Added.Equal(b.Added)
	}
	for _, tt := range []struct {
		handle string
		want   []store.PublicKey
	}{
		{"Ada", []store.PublicKey{laptop, desk}},
		{"Bo", []store.PublicKey{bo}},
	} {
		if got, err := s.Keys.Keys(ctx, tt.handle); err != nil || !slices.EqualFunc(got, tt.want, same) {
			t.Errorf("Keys(%q) after upgrade = %+v, %v; want %+v", tt.handle, got, err, tt.want)
		}
	}

	// Bo may now register Ada's key, under an id never used before; Ada
	// still may not register it twice.
	shared := &store.PublicKey{Handle: "Bo", Key: laptop.Key, Fingerprint: laptop.Fingerprint, Added: added}
	if err := s.Keys.AddKey(ctx, shared); err != nil {
		t.Fatalf("AddKey(Bo, %q) after upgrade = %v; want nil", shared.Fingerprint, err)
	}
	if shared.ID != 5 {
		t.Errorf("AddKey(Bo, %q) after upgrade: ID = %d; want 5, after the deleted 4", shared.Fingerprint, shared.ID)
	}
	again := &store.PublicKey{Handle: "ada", Key: laptop.Key, Fingerprint: laptop.Fingerprint}
	if err := s.Keys.AddKey(ctx, again); !errors.Is(err, store.ErrExists) {
		t.Errorf("AddKey(ada, %q) twice after upgrade = %v; want ErrExists", again.Fingerprint, err)
	}

	// The rebuilt table is STRICT, keeps its indexes, and nothing of the
	// rebuild is left behind.
	var strict bool
	if err := e.r.QueryRowContext(ctx, `SELECT strict FROM pragma_table_list WHERE name = 'ssh_keys'`).Scan(&strict); err != nil || !strict {
		t.Errorf("ssh_keys after upgrade: strict = %v, %v; want true, nil", strict, err)
	}
	objects, err := sqldb.QueryRows(ctx, e.r, sqldb.ScanString, `SELECT name FROM sqlite_schema WHERE tbl_name LIKE 'ssh_keys%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"sqlite_autoindex_ssh_keys_1", "ssh_keys", "ssh_keys_user"}; !slices.Equal(objects, want) {
		t.Errorf("schema objects of ssh_keys after upgrade = %q; want %q", objects, want)
	}
	cols, err := sqldb.QueryRows(ctx, e.r, sqldb.ScanString, `SELECT name FROM pragma_index_info('sqlite_autoindex_ssh_keys_1') ORDER BY seqno`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"user_id", "fingerprint"}; !slices.Equal(cols, want) {
		t.Errorf("unique index of ssh_keys after upgrade = %q; want %q", cols, want)
	}

	// The foreign key to users still cascades, and only to the deleted
	// account's registration of a shared key.
	if err := s.Users.DeleteUser(ctx, "Ada"); err != nil {
		t.Fatalf("DeleteUser(Ada) after upgrade = %v; want nil", err)
	}
	if ks, err := s.Keys.Keys(ctx, "Ada"); err != nil || len(ks) != 0 {
		t.Errorf(`Keys("Ada") after DeleteUser = %+v, %v; want none`, ks, err)
	}
	if ks, err := s.Keys.Keys(ctx, "Bo"); err != nil || !slices.EqualFunc(ks, []store.PublicKey{bo, *shared}, same) {
		t.Errorf(`Keys("Bo") after DeleteUser(Ada) = %+v, %v; want %+v`, ks, err, []store.PublicKey{bo, *shared})
	}
	var fk int
	if err := e.r.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Errorf("foreign_key_check after upgrade = %d violations, %v; want 0", fk, err)
	}
}

// TestUpgradeFromV7: migration 0008 gives sysops the highest level and
// everyone else the default, and leaves no one with a second factor or
// a reset pending.
func TestUpgradeFromV7(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x84.db")
	user := func(h string) string {
		return `INSERT INTO users (handle, handle_key, password, real_name, location, email, encoding, created, last_call, calls)
			VALUES ('` + h + `', '` + store.HandleKey(h) + `', 'x', '', '', '', 'utf-8', 0, 0, 0)`
	}
	w := atVersion(t, path, 7, []stmt{
		{user("Ada"), nil},
		{user("Bo"), nil},
		{`INSERT INTO user_groups (user_id, grp) SELECT id, 'sysop' FROM users WHERE handle = 'Ada'`, nil},
		{`INSERT INTO user_groups (user_id, grp) SELECT id, 'users' FROM users WHERE handle = 'Bo'`, nil},
	})
	s := upgrade(t, w, path, 7)
	for _, tt := range []struct {
		handle string
		level  int
	}{
		{"Ada", store.MaxLevel},
		{"Bo", store.DefaultLevel},
	} {
		u, err := s.Users.User(t.Context(), tt.handle)
		if err != nil {
			t.Fatalf("User(%q) after upgrade = %v", tt.handle, err)
		}
		if u.Level != tt.level || u.Accessible || u.Language != "" || u.TOTP.Secret != "" ||
			len(u.TOTP.Recovery) != 0 || u.Reset.Hash != "" || !u.Reset.Expires.IsZero() {
			t.Errorf("User(%q) after upgrade: level %d, accessible %v, language %q, totp %+v, reset %+v; want level %d and nothing else set",
				tt.handle, u.Level, u.Accessible, u.Language, u.TOTP, u.Reset, tt.level)
		}
	}
}
