-- 0003: signatures, message areas and private mail, read pointers, polls
-- and votes.
-- Times are INTEGER Unix milliseconds, 0 for the zero time.

-- Existing accounts get an empty signature.
ALTER TABLE users ADD COLUMN signature TEXT NOT NULL DEFAULT '';

-- One table for public areas and private mail. A public message has its
-- area's tag and no recipient; a private one has area '' and its
-- recipient's account id. Private mail belongs to the recipient's
-- account: it follows a rename (To is read from users) and goes with the
-- account (ON DELETE CASCADE). The author is kept as the handle the
-- message was written under, with no foreign key: messages outlive their
-- author's account and are not renamed with it. parent has no foreign key
-- either: deleting a message leaves its replies pointing at nothing.
-- AUTOINCREMENT so that a deleted message's id is never handed to a new
-- one: read pointers and parents hold ids.
CREATE TABLE messages (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	area        TEXT    NOT NULL,
	to_user     INTEGER REFERENCES users (id) ON DELETE CASCADE,
	from_handle TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	body        TEXT    NOT NULL,
	parent      INTEGER NOT NULL, -- 0: none
	created     INTEGER NOT NULL,
	CHECK ((area = '') = (to_user IS NOT NULL))
) STRICT;

-- An area's messages in id order, for ListMessages and CountAfter (which
-- counts on the index alone); the partial index leaves private mail out.
-- Queries say area <> '' in so many words, so that SQLite may use it.
CREATE INDEX messages_area ON messages (area, id) WHERE area <> '';
-- A recipient's mailbox in id order, for ListMessages and CountAfter, and
-- for the cascade when the recipient's account is deleted.
CREATE INDEX messages_to ON messages (to_user, id) WHERE to_user IS NOT NULL;

-- The id of the newest message each user has read in each area ('' for
-- their private mail). By account id: pointers follow a rename and go
-- with the account.
CREATE TABLE read_pointers (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	area    TEXT    NOT NULL,
	last_id INTEGER NOT NULL,
	PRIMARY KEY (user_id, area)
) STRICT, WITHOUT ROWID;

-- The author is a handle as written, like a message's, with no foreign
-- key. AUTOINCREMENT so that a deleted poll's id is never reused.
CREATE TABLE polls (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	question TEXT    NOT NULL,
	author   TEXT    NOT NULL,
	created  INTEGER NOT NULL
) STRICT;

-- For Polls, newest first.
CREATE INDEX polls_created ON polls (created, id);

-- A poll's answers, numbered from 0 in the order given.
CREATE TABLE poll_options (
	poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
	idx     INTEGER NOT NULL CHECK (idx >= 0),
	text    TEXT    NOT NULL,
	PRIMARY KEY (poll_id, idx)
) STRICT, WITHOUT ROWID;

-- One vote per user per poll, by account id: it follows a rename and
-- goes with the account or the poll. The foreign key to poll_options
-- keeps every vote on an option the poll has.
CREATE TABLE votes (
	poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	option  INTEGER NOT NULL,
	PRIMARY KEY (poll_id, user_id),
	FOREIGN KEY (poll_id, option) REFERENCES poll_options (poll_id, idx) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- For the cascade when an account is deleted.
CREATE INDEX votes_user ON votes (user_id);
