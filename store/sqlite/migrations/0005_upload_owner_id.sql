-- 0005: uploads belong to an account, not to a handle.
--
-- Up to 0004 an upload named its owner by handle, so an account made
-- after the owner's deletion under the same handle inherited the files
-- and their quota usage. Now owner_id refers to the account; deleting
-- the account sets it NULL, and such files belong to the sysops. owner
-- keeps the handle the file was sent under, for display.
--
-- Records whose handle names a live account get its id. The table is
-- rebuilt (SQLite cannot add a column with a foreign key to a WITHOUT
-- ROWID table and change its index in one step); nothing refers to it.

CREATE TABLE uploads_new (
	-- Slash-separated and relative to the file area, compared byte by
	-- byte.
	path     TEXT    PRIMARY KEY,
	owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	owner    TEXT    NOT NULL,
	size     INTEGER NOT NULL,
	uploaded INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO uploads_new (path, owner_id, owner, size, uploaded)
	SELECT u.path, (SELECT id FROM users WHERE handle_key = u.owner_key), u.owner, u.size, u.uploaded
	FROM uploads AS u;

DROP TABLE uploads;
ALTER TABLE uploads_new RENAME TO uploads;

-- For UploadUsage (read from the index alone) and UploadsOf.
CREATE INDEX uploads_owner ON uploads (owner_id, size);
