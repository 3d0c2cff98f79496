-- 0004: an ssh key may be registered by several users, once each.
--
-- 0002 made a fingerprint UNIQUE across all users, so whoever registered
-- a public key first (public keys are public) kept its owner from adding
-- it, and the refusal told them the key was in use. Keys are looked up per
-- user, so only a user's own list must not hold a key twice.
--
-- SQLite cannot drop a constraint: the table is rebuilt (create, copy,
-- drop, rename, index), inside the migration's transaction. No table
-- refers to ssh_keys, so foreign keys may stay on.

CREATE TABLE ssh_keys_new (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- The SHA256 fingerprint, compared byte by byte (it is base64, so
	-- case matters).
	fingerprint TEXT    NOT NULL,
	key         TEXT    NOT NULL,
	comment     TEXT    NOT NULL,
	added       INTEGER NOT NULL,
	-- Once per user; other users may register the same key. The index
	-- also serves DeleteKey.
	UNIQUE (user_id, fingerprint)
) STRICT;

INSERT INTO ssh_keys_new (id, user_id, fingerprint, key, comment, added)
	SELECT id, user_id, fingerprint, key, comment, added FROM ssh_keys ORDER BY id;

-- Keep the AUTOINCREMENT high-water mark, which may be above the highest
-- id left (a deleted key's id is never handed out again): DROP TABLE
-- deletes the old table's row of sqlite_sequence and RENAME renames the
-- new one's.
DELETE FROM sqlite_sequence WHERE name = 'ssh_keys_new';
UPDATE sqlite_sequence SET name = 'ssh_keys_new' WHERE name = 'ssh_keys';

DROP TABLE ssh_keys;
ALTER TABLE ssh_keys_new RENAME TO ssh_keys;

-- For Keys, oldest first, as in 0002.
CREATE INDEX ssh_keys_user ON ssh_keys (user_id, added, id);
