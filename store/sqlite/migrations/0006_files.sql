-- 0006: the terminal file areas: file descriptions and download counts,
-- each account's transfer totals, and tagged files.
-- Times are INTEGER Unix milliseconds, 0 for the zero time.

-- What the board keeps about a file beyond the file itself. No foreign
-- key: the file is on disk, and sftp or the sysop may remove it without
-- the board knowing.
CREATE TABLE file_records (
	-- Slash-separated and relative to the file area, compared byte by
	-- byte.
	path        TEXT    PRIMARY KEY,
	-- The folder the file is directly in: path up to its last '/', or ''
	-- for the area's root. Computed in Go when the record is written, so
	-- that FileRecords lists one folder, not its subfolders, from the
	-- index.
	dir         TEXT    NOT NULL,
	description TEXT    NOT NULL,
	downloads   INTEGER NOT NULL CHECK (downloads >= 0),
	added       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- For FileRecords.
CREATE INDEX file_records_dir ON file_records (dir);

-- What each account has uploaded and downloaded, for ratios. By account
-- id: the totals follow a rename and go with the account.
CREATE TABLE transfer_totals (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	up_files   INTEGER NOT NULL,
	up_bytes   INTEGER NOT NULL,
	down_files INTEGER NOT NULL,
	down_bytes INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Each account's tagged files, by path (a tag needs no record), in the
-- order they were tagged: seq is one more than the account's highest
-- when the tag is added. By account id, like read pointers.
CREATE TABLE file_tags (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	path    TEXT    NOT NULL,
	seq     INTEGER NOT NULL,
	PRIMARY KEY (user_id, path),
	UNIQUE (user_id, seq)
) STRICT, WITHOUT ROWID;

-- For MoveFileRecord and DeleteFileRecord, which find every user's tag
-- of a path.
CREATE INDEX file_tags_path ON file_tags (path);
