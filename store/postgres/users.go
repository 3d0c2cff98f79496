package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

const userColumns = `id, handle, password, real_name, location, email, encoding, created, last_call, calls, signature,
	level, accessible, language, totp_secret, totp_step, recovery, reset_hash, reset_expires, reset_sent`

// CreateUser implements store.Users.
func (e *engine) CreateUser(ctx context.Context, u *store.User) error {
	created := u.Created
	if created.IsZero() {
		created = now()
	}
	var id int64
	err := e.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users
			(handle, handle_key, password, real_name, location, email, encoding, created, last_call, calls, signature,
			level, accessible, language, totp_secret, totp_step, recovery, reset_hash, reset_expires, reset_sent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
			u.Handle, store.HandleKey(u.Handle), u.Password, u.RealName, u.Location, u.Email,
			u.Encoding, ts(created), ts(u.LastCall), u.Calls, u.Signature,
			u.Level, u.Accessible, u.Language, u.TOTP.Secret, u.TOTP.LastStep, strings.Join(u.TOTP.Recovery, " "),
			u.Reset.Hash, ts(u.Reset.Expires), ts(u.Reset.Sent)).Scan(&id)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		return putGroups(ctx, tx, id, u.Groups)
	})
	if err != nil {
		return failed("create user %q: %w", u.Handle, err)
	}
	u.ID = id
	u.Created = created
	return nil
}

// User implements store.Users.
func (e *engine) User(ctx context.Context, handle string) (*store.User, error) {
	// One statement, one round trip: every screen of every caller asks
	// (the main menu reads the caller's account each time it is drawn).
	var groups []byte
	var u *store.User
	row := e.db.QueryRowContext(ctx, `SELECT `+userColumns+`,
		coalesce((SELECT json_agg(grp ORDER BY grp) FROM user_groups WHERE user_id = users.id), '[]')
		FROM users WHERE handle_key = $1`, store.HandleKey(handle))
	u, err := scanUserAnd(row, &groups)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err == nil {
		err = json.Unmarshal(groups, &u.Groups)
	}
	if err != nil {
		return nil, failed("user %q: %w", handle, err)
	}
	if len(u.Groups) == 0 {
		u.Groups = nil // as SQLite's engine gives it
	}
	return u, nil
}

// readUser reads the account matching a condition on users (with $1 for
// arg), with its groups.
func readUser(ctx context.Context, tx *sql.Tx, where string, arg any) (*store.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.Groups, err = sqldb.QueryRows(ctx, tx, sqldb.ScanString, `SELECT grp FROM user_groups WHERE user_id = $1 ORDER BY grp`, u.ID)
	return u, err
}

// UpdateUser implements store.Users.
func (e *engine) UpdateUser(ctx context.Context, u *store.User) error {
	err := e.write(ctx, func(tx *sql.Tx) error { return saveUser(ctx, tx, u) })
	if err != nil {
		return failed("update user %d %q: %w", u.ID, u.Handle, err)
	}
	return nil
}

// ModifyUser implements store.Users. The read and the save are one
// SERIALIZABLE transaction, so no other write comes in between: a write
// that does is a serialization failure, and the whole transaction runs
// again. change may therefore be called more than once, each time with
// a freshly read account; only the last call's result is saved.
func (e *engine) ModifyUser(ctx context.Context, id int64, change func(*store.User) error) (*store.User, error) {
	var u *store.User
	err := e.write(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = readUser(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		if err := change(u); err != nil {
			return err
		}
		u.ID = id
		return saveUser(ctx, tx, u)
	})
	if err != nil {
		return nil, failed("modify user %d: %w", id, err)
	}
	return u, nil
}

// saveUser writes every field of u but ID, Created, LastCall and Calls.
func saveUser(ctx context.Context, tx *sql.Tx, u *store.User) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET
		handle = $1, handle_key = $2, password = $3, real_name = $4, location = $5, email = $6,
		encoding = $7, signature = $8, level = $9, accessible = $10, language = $11, totp_secret = $12,
		totp_step = $13, recovery = $14, reset_hash = $15, reset_expires = $16, reset_sent = $17
		WHERE id = $18`,
		u.Handle, store.HandleKey(u.Handle), u.Password, u.RealName, u.Location, u.Email, u.Encoding,
		u.Signature, u.Level, u.Accessible, u.Language, u.TOTP.Secret,
		u.TOTP.LastStep, strings.Join(u.TOTP.Recovery, " "), u.Reset.Hash, ts(u.Reset.Expires), ts(u.Reset.Sent), u.ID)
	if isUnique(err) {
		return store.ErrExists
	}
	if err := sqldb.RowsChanged(res, err); err != nil {
		return err
	}
	// Only the groups that changed are written: deleting and inserting
	// them all made any two saves at once, of any users, read and write
	// the same page of user_groups' index, a serialization failure.
	groups := u.Groups
	if groups == nil {
		groups = []string{} // nil is NULL, and grp <> ALL (NULL) deletes nothing
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_groups WHERE user_id = $1 AND grp <> ALL($2::text[])`,
		u.ID, groups); err != nil {
		return err
	}
	return putGroups(ctx, tx, u.ID, groups)
}

// DeleteUser implements store.Users. The user's groups, ssh keys, read
// pointers, votes, tagged files, transfer totals and the private mail
// sent to them go with the account (ON DELETE CASCADE); calls,
// one-liners, upload records (their owner_id set to NULL), and the
// messages and polls they wrote stay.
func (e *engine) DeleteUser(ctx context.Context, handle string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM users WHERE handle_key = $1`, store.HandleKey(handle)))
	})
	if err != nil {
		return failed("delete user %q: %w", handle, err)
	}
	return nil
}

// ListUsers implements store.Users. handle_key is COLLATE "C", so
// sorting by it sorts by the folded handle byte by byte, regardless of
// case and of the database's locale.
func (e *engine) ListUsers(ctx context.Context) ([]*store.User, error) {
	var users []*store.User
	err := e.read(ctx, func(tx *sql.Tx) error {
		var err error
		users, err = sqldb.QueryRows(ctx, tx, scanUser, `SELECT `+userColumns+` FROM users ORDER BY handle_key`)
		if err != nil {
			return err
		}
		byID := make(map[int64]*store.User, len(users))
		for _, u := range users {
			byID[u.ID] = u
		}
		grows, err := tx.QueryContext(ctx, `SELECT user_id, grp FROM user_groups ORDER BY user_id, grp`)
		if err != nil {
			return err
		}
		defer grows.Close()
		for grows.Next() {
			var id int64
			var g string
			if err := grows.Scan(&id, &g); err != nil {
				return err
			}
			if u := byID[id]; u != nil {
				u.Groups = append(u.Groups, g)
			}
		}
		return grows.Err()
	})
	if err != nil {
		return nil, failed("list users: %w", err)
	}
	return users, nil
}

// CountUsers implements store.Users.
func (e *engine) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, failed("count users: %w", err)
	}
	return n, nil
}

// putGroups adds the groups of user id that it lacks, in one statement.
// The table's primary key keeps them without duplicates, and readers
// sort them.
func putGroups(ctx context.Context, tx *sql.Tx, id int64, groups []string) error {
	if len(groups) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_groups (user_id, grp) SELECT $1, unnest($2::text[])
		ON CONFLICT DO NOTHING`, id, groups)
	return err
}

// scanUser reads one row of userColumns; Groups is left empty.
func scanUser(row sqldb.Scanner) (*store.User, error) { return scanUserAnd(row) }

// scanUserAnd reads one row of userColumns followed by the columns
// scanned into more.
func scanUserAnd(row sqldb.Scanner, more ...any) (*store.User, error) {
	var u store.User
	var recovery string
	dest := append([]any{&u.ID, &u.Handle, &u.Password, &u.RealName, &u.Location, &u.Email,
		&u.Encoding, at(&u.Created), at(&u.LastCall), &u.Calls, &u.Signature,
		&u.Level, &u.Accessible, &u.Language, &u.TOTP.Secret, &u.TOTP.LastStep, &recovery,
		&u.Reset.Hash, at(&u.Reset.Expires), at(&u.Reset.Sent)}, more...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.TOTP.Recovery = strings.Fields(recovery)
	return &u, nil
}
