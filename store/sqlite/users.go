package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Handle, store.HandleKey(u.Handle), u.Password, u.RealName, u.Location, u.Email,
			u.Encoding, millis(created), millis(u.LastCall), u.Calls, u.Signature,
			u.Level, u.Accessible, u.Language, u.TOTP.Secret, u.TOTP.LastStep, strings.Join(u.TOTP.Recovery, " "),
			u.Reset.Hash, millis(u.Reset.Expires), millis(u.Reset.Sent)).Scan(&id)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		return putGroups(ctx, tx, id, u.Groups)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create user %q: %w", u.Handle, err)
	}
	u.ID = id
	u.Created = created
	return nil
}

// User implements store.Users.
func (e *engine) User(ctx context.Context, handle string) (*store.User, error) {
	var u *store.User
	err := e.read(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = readUser(ctx, tx, `handle_key = ?`, store.HandleKey(handle))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: user %q: %w", handle, err)
	}
	return u, nil
}

// readUser reads the account matching a condition on users, with its
// groups.
func readUser(ctx context.Context, tx *sql.Tx, where string, arg any) (*store.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.Groups, err = sqldb.QueryRows(ctx, tx, sqldb.ScanString, `SELECT grp FROM user_groups WHERE user_id = ? ORDER BY grp`, u.ID)
	return u, err
}

// UpdateUser implements store.Users.
func (e *engine) UpdateUser(ctx context.Context, u *store.User) error {
	err := e.write(ctx, func(tx *sql.Tx) error { return saveUser(ctx, tx, u) })
	if err != nil {
		return fmt.Errorf("sqlite: update user %d %q: %w", u.ID, u.Handle, err)
	}
	return nil
}

// ModifyUser implements store.Users. The writer connection is the only
// one that writes, so reading inside its transaction holds off every
// other write until the save.
func (e *engine) ModifyUser(ctx context.Context, id int64, change func(*store.User) error) (*store.User, error) {
	var u *store.User
	err := e.write(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = readUser(ctx, tx, `id = ?`, id); err != nil {
			return err
		}
		if err := change(u); err != nil {
			return err
		}
		u.ID = id
		return saveUser(ctx, tx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: modify user %d: %w", id, err)
	}
	return u, nil
}

// saveUser writes every field of u but ID, Created, LastCall and Calls.
func saveUser(ctx context.Context, tx *sql.Tx, u *store.User) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET
		handle = ?, handle_key = ?, password = ?, real_name = ?, location = ?, email = ?, encoding = ?,
		signature = ?, level = ?, accessible = ?, language = ?, totp_secret = ?, totp_step = ?, recovery = ?,
		reset_hash = ?, reset_expires = ?, reset_sent = ?
		WHERE id = ?`,
		u.Handle, store.HandleKey(u.Handle), u.Password, u.RealName, u.Location, u.Email, u.Encoding,
		u.Signature, u.Level, u.Accessible, u.Language, u.TOTP.Secret, u.TOTP.LastStep, strings.Join(u.TOTP.Recovery, " "),
		u.Reset.Hash, millis(u.Reset.Expires), millis(u.Reset.Sent), u.ID)
	if isUnique(err) {
		return store.ErrExists
	}
	if err := sqldb.RowsChanged(res, err); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_groups WHERE user_id = ?`, u.ID); err != nil {
		return err
	}
	return putGroups(ctx, tx, u.ID, u.Groups)
}

// DeleteUser implements store.Users. The user's groups, ssh keys, read
// pointers, votes and the private mail sent to them go with the account
// (ON DELETE CASCADE); calls, one-liners, upload records, and the
// messages and polls they wrote stay.
func (e *engine) DeleteUser(ctx context.Context, handle string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM users WHERE handle_key = ?`, store.HandleKey(handle)))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete user %q: %w", handle, err)
	}
	return nil
}

// ListUsers implements store.Users. Sorting by handle_key sorts by the
// folded handle, that is regardless of case.
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
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	return users, nil
}

// CountUsers implements store.Users.
func (e *engine) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := e.r.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count users: %w", err)
	}
	return n, nil
}

// putGroups adds the groups of user id, sorted and without duplicates.
func putGroups(ctx context.Context, tx *sql.Tx, id int64, groups []string) error {
	gs := slices.Clone(groups)
	slices.Sort(gs)
	for _, g := range slices.Compact(gs) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_groups (user_id, grp) VALUES (?, ?)`, id, g); err != nil {
			return err
		}
	}
	return nil
}

// scanUser reads one row of userColumns; Groups is left empty.
func scanUser(row sqldb.Scanner) (*store.User, error) {
	var u store.User
	var created, lastCall, resetExpires, resetSent int64
	var recovery string
	err := row.Scan(&u.ID, &u.Handle, &u.Password, &u.RealName, &u.Location, &u.Email,
		&u.Encoding, &created, &lastCall, &u.Calls, &u.Signature,
		&u.Level, &u.Accessible, &u.Language, &u.TOTP.Secret, &u.TOTP.LastStep, &recovery,
		&u.Reset.Hash, &resetExpires, &resetSent)
	if err != nil {
		return nil, err
	}
	u.Created = fromMillis(created)
	u.LastCall = fromMillis(lastCall)
	u.TOTP.Recovery = strings.Fields(recovery)
	u.Reset.Expires = fromMillis(resetExpires)
	u.Reset.Sent = fromMillis(resetSent)
	return &u, nil
}
