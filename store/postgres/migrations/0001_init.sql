-- 0001: the whole schema as SQLite's migrations 0001-0006 left it.
-- Times are timestamptz to the millisecond, NULL for the zero time.
-- Text that is a key or an order is COLLATE "C": compared and sorted byte
-- by byte, as SQLite does, whatever the database's locale.
-- Comments on a table's meaning are in the SQLite migrations; only what
-- differs is said here.

-- GENERATED ALWAYS: a deleted account's id is never handed out again,
-- as with SQLite's AUTOINCREMENT ("store copy" keeps ids with OVERRIDING
-- SYSTEM VALUE and moves the sequence past them).
CREATE TABLE users (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	handle     text        NOT NULL,
	-- The handle case-folded in Go (store.HandleKey).
	handle_key text COLLATE "C" NOT NULL UNIQUE,
	password   text        NOT NULL,
	real_name  text        NOT NULL,
	location   text        NOT NULL,
	email      text        NOT NULL,
	encoding   text        NOT NULL,
	created    timestamptz NOT NULL,
	last_call  timestamptz,
	calls      integer     NOT NULL,
	signature  text        NOT NULL DEFAULT ''
);

CREATE TABLE user_groups (
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	grp     text COLLATE "C" NOT NULL,
	PRIMARY KEY (user_id, grp)
);

-- No foreign key: the list of callers outlives the accounts.
CREATE TABLE calls (
	id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	handle   text        NOT NULL,
	location text        NOT NULL,
	at       timestamptz NOT NULL,
	calls    integer     NOT NULL,
	kind     text        NOT NULL
);

CREATE INDEX calls_at ON calls (at, id);

-- No foreign key either: the wall keeps what deleted users wrote.
CREATE TABLE oneliners (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	handle     text        NOT NULL,
	handle_key text COLLATE "C" NOT NULL,
	text       text        NOT NULL,
	posted     timestamptz NOT NULL
);

CREATE INDEX oneliners_posted ON oneliners (posted, id);
CREATE INDEX oneliners_by ON oneliners (handle_key, posted);

CREATE TABLE bans (
	prefix  text COLLATE "C" PRIMARY KEY,
	until   timestamptz,
	strikes integer     NOT NULL,
	reason  text        NOT NULL,
	created timestamptz NOT NULL
);

-- One key per user once; other users may register the same key.
CREATE TABLE ssh_keys (
	id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- SHA256 fingerprint, compared byte by byte.
	fingerprint text COLLATE "C" NOT NULL,
	key         text        NOT NULL,
	comment     text        NOT NULL,
	added       timestamptz NOT NULL,
	UNIQUE (user_id, fingerprint)
);

CREATE INDEX ssh_keys_user ON ssh_keys (user_id, added, id);

-- Paths are slash-separated and relative to the file area.
CREATE TABLE uploads (
	path     text COLLATE "C" PRIMARY KEY,
	owner_id bigint      REFERENCES users (id) ON DELETE SET NULL,
	owner    text        NOT NULL,
	size     bigint      NOT NULL,
	-- NULL: a record made with the zero time, which is kept as given.
	uploaded timestamptz
);

CREATE INDEX uploads_owner ON uploads (owner_id, size);

CREATE TABLE messages (
	id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	area        text COLLATE "C" NOT NULL,
	to_user     bigint      REFERENCES users (id) ON DELETE CASCADE,
	from_handle text        NOT NULL,
	subject     text        NOT NULL,
	body        text        NOT NULL,
	parent      bigint      NOT NULL, -- 0: none
	created     timestamptz NOT NULL,
	CHECK ((area = '') = (to_user IS NOT NULL))
);

CREATE INDEX messages_area ON messages (area, id) WHERE area <> '';
CREATE INDEX messages_to ON messages (to_user, id) WHERE to_user IS NOT NULL;

CREATE TABLE read_pointers (
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	area    text COLLATE "C" NOT NULL,
	last_id bigint NOT NULL,
	PRIMARY KEY (user_id, area)
);

CREATE TABLE polls (
	id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	question text        NOT NULL,
	author   text        NOT NULL,
	created  timestamptz NOT NULL
);

CREATE INDEX polls_created ON polls (created, id);

CREATE TABLE poll_options (
	poll_id bigint  NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
	idx     integer NOT NULL CHECK (idx >= 0),
	text    text    NOT NULL,
	PRIMARY KEY (poll_id, idx)
);

CREATE TABLE votes (
	poll_id bigint  NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
	user_id bigint  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	option  integer NOT NULL,
	PRIMARY KEY (poll_id, user_id),
	FOREIGN KEY (poll_id, option) REFERENCES poll_options (poll_id, idx) ON DELETE CASCADE
);

CREATE INDEX votes_user ON votes (user_id);

CREATE TABLE file_records (
	path        text COLLATE "C" PRIMARY KEY,
	-- The folder the file is directly in ('' for the area's root).
	dir         text COLLATE "C" NOT NULL,
	description text        NOT NULL,
	downloads   bigint      NOT NULL CHECK (downloads >= 0),
	added       timestamptz NOT NULL
);

CREATE INDEX file_records_dir ON file_records (dir);

CREATE TABLE transfer_totals (
	user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	up_files   bigint NOT NULL,
	up_bytes   bigint NOT NULL,
	down_files bigint NOT NULL,
	down_bytes bigint NOT NULL
);

CREATE TABLE file_tags (
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	path    text COLLATE "C" NOT NULL,
	seq     bigint NOT NULL,
	PRIMARY KEY (user_id, path),
	UNIQUE (user_id, seq)
);

CREATE INDEX file_tags_path ON file_tags (path);
