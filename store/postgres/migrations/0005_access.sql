-- 0005: access and sign-in, as SQLite's migration 0008 adds them: each
-- account's security level, its accessible-screens and language
-- settings, its second factor (TOTP) and a pending password reset.

ALTER TABLE users
	ADD COLUMN level         integer NOT NULL DEFAULT 10,
	ADD COLUMN accessible    boolean NOT NULL DEFAULT false,
	ADD COLUMN language      text    NOT NULL DEFAULT '',
	-- base32; '' means no second factor
	ADD COLUMN totp_secret   text    NOT NULL DEFAULT '',
	-- the time step of the last code accepted
	ADD COLUMN totp_step     bigint  NOT NULL DEFAULT 0,
	-- hashes of the unused recovery codes, space separated
	ADD COLUMN recovery      text    NOT NULL DEFAULT '',
	ADD COLUMN reset_hash    text    NOT NULL DEFAULT '',
	ADD COLUMN reset_expires timestamptz,
	ADD COLUMN reset_sent    timestamptz;

UPDATE users SET level = 255 WHERE id IN (SELECT user_id FROM user_groups WHERE grp = 'sysop');
