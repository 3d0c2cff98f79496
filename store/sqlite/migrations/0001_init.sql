-- 0001: accounts, callers, one-liners and bans.
-- Times are INTEGER Unix milliseconds, 0 for the zero time.

-- AUTOINCREMENT so that a deleted account's id is never handed to a new
-- one: later tables may refer to users by id.
CREATE TABLE users (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	handle     TEXT    NOT NULL,
	-- handle_key is the handle case-folded in Go (x/text/cases Fold), so
	-- uniqueness does not depend on SQLite's ASCII-only NOCASE.
	handle_key TEXT    NOT NULL UNIQUE,
	password   TEXT    NOT NULL,
	real_name  TEXT    NOT NULL,
	location   TEXT    NOT NULL,
	email      TEXT    NOT NULL,
	encoding   TEXT    NOT NULL,
	created    INTEGER NOT NULL,
	last_call  INTEGER NOT NULL,
	calls      INTEGER NOT NULL
) STRICT;

CREATE TABLE user_groups (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	grp     TEXT    NOT NULL,
	PRIMARY KEY (user_id, grp)
) STRICT, WITHOUT ROWID;

-- No foreign key: the list of callers outlives the accounts.
CREATE TABLE calls (
	id       INTEGER PRIMARY KEY,
	handle   TEXT    NOT NULL,
	location TEXT    NOT NULL,
	at       INTEGER NOT NULL,
	calls    INTEGER NOT NULL,
	kind     TEXT    NOT NULL
) STRICT;

CREATE INDEX calls_at ON calls (at, id);

-- No foreign key either: the wall keeps what deleted users wrote.
CREATE TABLE oneliners (
	id         INTEGER PRIMARY KEY,
	handle     TEXT    NOT NULL,
	handle_key TEXT    NOT NULL,
	text       TEXT    NOT NULL,
	posted     INTEGER NOT NULL
) STRICT;

CREATE INDEX oneliners_posted ON oneliners (posted, id);
-- For LastOnelinerBy: max(posted) is one index probe.
CREATE INDEX oneliners_by ON oneliners (handle_key, posted);

CREATE TABLE bans (
	prefix  TEXT    PRIMARY KEY,
	until   INTEGER NOT NULL,
	strikes INTEGER NOT NULL,
	reason  TEXT    NOT NULL,
	created INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
