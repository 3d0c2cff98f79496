// Package sqlite is x84's default store engine: one SQLite file, through
// modernc.org/sqlite (pure Go, no cgo). Open returns a *store.Store whose
// every interface is served by this file.
//
// # Connections
//
// Open makes two database/sql pools on the file:
//
//   - a writer with exactly one connection. Every write goes through it,
//     so writers in this process queue in database/sql rather than race
//     for SQLite's write lock; none of them ever sees SQLITE_BUSY.
//   - readers, several read-only connections (mode=ro, query_only), so
//     reads run in parallel with each other and with the writer.
//
// Per-connection settings are in the DSN, so every connection a pool
// opens has them: busy_timeout 10s (another process, such as an x84
// subcommand, may hold the lock), foreign_keys on, synchronous NORMAL on
// the writer, and _txlock=immediate on the writer.
//
// Write transactions are immediate (BEGIN IMMEDIATE): they take the write
// lock when they start, waiting under busy_timeout. A deferred transaction
// that read first and then tried to write after another process had
// written would fail at once with SQLITE_BUSY, which no timeout cures.
// RecordCall, the creation or update of a user with its groups, a post
// with its checks of recipient and parent, a poll with its options, a
// vote with its checks, a download counted for the file and the account,
// a tag with its check of the limit, and a file record moved or deleted
// with its tags are each one transaction.
//
// # Journal and durability
//
// The file is in WAL mode: readers never block the writer nor the writer
// readers. With synchronous NORMAL a commit is written to the WAL but not
// synced, so a write that returned nil survives the process being killed
// (the operating system has it), though a power loss or kernel crash may
// lose the last transactions. The journal mode is a property of the file,
// so Open sets it once, after checking the schema version. Close closes
// the readers first, so the writer is the last connection and checkpoints
// the WAL into the main file.
//
// # Schema
//
// Migrations are SQL files embedded in the binary (migrations/NNNN_*.sql),
// applied at Open in order, each in its own transaction together with
// PRAGMA user_version, which records the schema version. A file whose
// version is newer than the newest migration this binary has is refused
// with an error wrapping store.ErrTooNew, before anything is written to
// it. Tables are STRICT.
//
// Handles are matched by handle_key, store.HandleKey computed in Go (NFC,
// then golang.org/x/text/cases Fold), not by SQLite's NOCASE, which folds
// ASCII only: a precomposed "É" and "E" followed by U+0301 are one
// handle. Times are INTEGER Unix milliseconds, 0 for the zero time, and
// come back in UTC: sub-millisecond precision is dropped, and the instant
// 1970-01-01T00:00:00Z reads back as the zero time.
//
// Calls and one-liners name their author by handle and have no foreign
// key, so they outlive deleted accounts. Upload records outlive them too
// but refer to the owner by id (owner_id, ON DELETE SET NULL, migration
// 0005): a deleted account's files belong to nobody, and a new account
// under the same handle does not inherit them. Groups and ssh keys refer to the account by id with ON
// DELETE CASCADE: they follow a rename and go with the account. A key's
// fingerprint is compared byte by byte and UNIQUE per user (user_id,
// fingerprint): several users may register one key. Keys reads the handle
// from the account.
//
// Migration 0003 adds users.signature (empty for existing accounts) and
// the community tables:
//
//   - messages holds public areas and private mail in one table: a public
//     message has its area's tag and a NULL to_user, a private one an
//     empty area and its recipient's id, which a CHECK keeps consistent.
//     Mail belongs to the recipient's account (ON DELETE CASCADE): it
//     follows a rename, To being read from users, and is dropped with the
//     account. The
//     author is from_handle as written, with no foreign key, so messages
//     outlive their author and keep the handle they were written under.
//     parent has no foreign key: a deleted parent leaves its replies
//     pointing at nothing. Two partial indexes, (area, id) for public
//     messages and (to_user, id) for mail, serve ListMessages in ID order
//     and let CountAfter count on the index alone.
//   - read_pointers (user_id, area, last_id) cascade with the account;
//     SetLastRead is an upsert keeping max(last_id, new), so concurrent
//     sessions never move a pointer back.
//   - polls keep their author by handle, like messages; poll_options
//     (poll_id, idx, text) and votes (poll_id, user_id, option) cascade
//     from polls, and votes from users. A composite foreign key from votes
//     to poll_options keeps every vote on an option the poll has.
//
// messages and polls use AUTOINCREMENT, so no id is handed out twice:
// read pointers and AfterID rely on ids that only grow.
//
// Migration 0004 rebuilds ssh_keys with UNIQUE (user_id, fingerprint) in
// place of 0002's UNIQUE (fingerprint), which let anyone register a
// public key first and keep its owner from adding it. SQLite cannot drop
// a constraint, so the table is created anew, the keys copied with their
// ids and the AUTOINCREMENT counter, the old table dropped and the new
// one renamed, all in the migration's transaction.
//
// Migration 0006 adds the terminal file areas' tables:
//
//   - file_records (path, dir, description, downloads, added) keep what
//     the board knows of a file beyond the file, by path compared byte by
//     byte, with no foreign key: sftp and the sysop remove files without
//     the board knowing. dir is the path up to its last '/' (empty for the
//     root), computed in Go on every write, so that FileRecords lists one
//     folder and not its subfolders, from the index file_records_dir.
//   - transfer_totals (user_id, up_files, up_bytes, down_files,
//     down_bytes) count each account's transfers, for ratios; a row is
//     made on the first count by an upsert, and cascades with the
//     account.
//   - file_tags (user_id, path, seq) are each account's tagged files,
//     cascading with the account. A tag names a path, with or without a
//     record. seq is one more than the account's highest, read in the
//     tag's transaction, so Tags lists them in the order they were
//     tagged; UNIQUE (user_id, seq) serves that order. file_tags_path
//     finds every user's tag of a path when its record is moved or
//     deleted. An account ID that names no account fails the foreign key,
//     which is reported as store.ErrNotFound.
//
// The file is created with mode 0600, since it holds password hashes;
// SQLite gives the -wal and -shm files the same mode.
//
// # Concurrency
//
// A Store from Open is safe for concurrent use. Several processes may
// open the same file; their writers take turns under busy_timeout.
package sqlite
