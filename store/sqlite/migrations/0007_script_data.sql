-- 0007: the state sysops' scripts save (store.ScriptData): per script,
-- keys and string values.
-- Times are INTEGER Unix milliseconds.

-- A script's name and its keys are compared byte by byte (TEXT's BINARY
-- collation), so a prefix is a range of the primary key. Bounds on their
-- sizes, and on the number of keys per script, are checked in Go. A rowid
-- table, not WITHOUT ROWID: SQLite advises WITHOUT ROWID for rows well
-- under a twentieth of a page, and a value may be 64 KiB.
CREATE TABLE script_data (
	script  TEXT    NOT NULL,
	key     TEXT    NOT NULL,
	value   TEXT    NOT NULL,
	updated INTEGER NOT NULL,
	PRIMARY KEY (script, key)
) STRICT;
