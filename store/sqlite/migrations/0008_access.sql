-- 0008: access and sign-in (issue 18): each account's security level,
-- its accessible-screens and language settings, its second factor
-- (TOTP) and a pending password reset. Times are INTEGER Unix
-- milliseconds, 0 for none.

ALTER TABLE users ADD COLUMN level INTEGER NOT NULL DEFAULT 10;
ALTER TABLE users ADD COLUMN accessible INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- The TOTP secret is base32; '' means no second factor. totp_step is the
-- time step of the last code accepted (no code is accepted twice);
-- recovery holds the hashes of the unused recovery codes, space
-- separated.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN recovery TEXT NOT NULL DEFAULT '';
-- A password reset: the hash of the token mailed, when it expires, and
-- when the last mail went (the per-account rate limit).
ALTER TABLE users ADD COLUMN reset_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN reset_expires INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN reset_sent INTEGER NOT NULL DEFAULT 0;

-- Sysops have the highest level; everyone else the default, 10.
UPDATE users SET level = 255 WHERE id IN (SELECT user_id FROM user_groups WHERE grp = 'sysop');
