-- 0004: the state sysops' scripts save, as SQLite's migration 0007 adds
-- it. Names and keys are COLLATE "C", so that keys sort and prefixes
-- match byte by byte, as on SQLite.
CREATE TABLE script_data (
	script  text COLLATE "C" NOT NULL,
	key     text COLLATE "C" NOT NULL,
	value   text        NOT NULL,
	updated timestamptz NOT NULL,
	PRIMARY KEY (script, key)
);
