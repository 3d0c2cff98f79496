-- 0002: users' ssh public keys and the records of uploaded files.
-- Times are INTEGER Unix milliseconds, 0 for the zero time.

-- A key belongs to its account by id, so it follows a rename and goes
-- with the account when it is deleted. The handle is not stored: Keys
-- reads it from users. AUTOINCREMENT so that a deleted key's id is
-- never handed to another.
CREATE TABLE ssh_keys (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- The SHA256 fingerprint, compared byte by byte (it is base64, so
	-- case matters): one key, one account.
	fingerprint TEXT    NOT NULL UNIQUE,
	key         TEXT    NOT NULL,
	comment     TEXT    NOT NULL,
	added       INTEGER NOT NULL
) STRICT;

-- For Keys, oldest first, and for the cascade on users.
CREATE INDEX ssh_keys_user ON ssh_keys (user_id, added, id);

-- No foreign key: the file stays in the upload folder when its owner's
-- account is deleted, and so does its record.
CREATE TABLE uploads (
	-- Slash-separated and relative to the file area, compared byte by
	-- byte.
	path      TEXT    PRIMARY KEY,
	owner     TEXT    NOT NULL,
	-- owner_key is the owner's handle as store.HandleKey makes it, so
	-- that usage is counted regardless of case.
	owner_key TEXT    NOT NULL,
	size      INTEGER NOT NULL,
	uploaded  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- For UploadUsage: the sum is read from the index alone.
CREATE INDEX uploads_owner ON uploads (owner_key, size);
