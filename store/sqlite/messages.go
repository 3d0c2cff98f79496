package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// messageColumns reads a message (alias m) whose recipient's handle is
// the expression to: u.handle joined from users, or ” for public ones.
func messageColumns(to string) string {
	return `m.id, m.area, ` + to + `, m.from_handle, m.subject, m.body, m.parent, m.created`
}

// errMessageKind refuses a message that is neither public nor private.
var errMessageKind = errors.New("a message needs either an area or a recipient, not both")

// PostMessage implements store.Messages. A public message (Area set) must
// have no To; a private one (Area "") must name an existing recipient.
// Either mistake is refused before anything is written: a message meant
// to be private must never land in a public area.
func (e *engine) PostMessage(ctx context.Context, m *store.Message) error {
	if (m.Area == "") == (m.To == "") {
		return fmt.Errorf("sqlite: post message: %w", errMessageKind)
	}
	created := m.Created
	if created.IsZero() {
		created = now()
	}
	var id int64
	err := e.write(ctx, func(tx *sql.Tx) error {
		var to sql.NullInt64
		if m.Area == "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE handle_key = ?`,
				store.HandleKey(m.To)).Scan(&to)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("recipient %q: %w", m.To, store.ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		if m.Parent != 0 {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE id = ?`, m.Parent).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("parent %d: %w", m.Parent, store.ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO messages
			(area, to_user, from_handle, subject, body, parent, created)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Area, to, m.From, m.Subject, m.Body, m.Parent, millis(created)).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("sqlite: post message in %q to %q: %w", m.Area, m.To, err)
	}
	m.ID = id
	m.Created = created
	return nil
}

// Message implements store.Messages.
func (e *engine) Message(ctx context.Context, id int64) (*store.Message, error) {
	m, err := scanMessage(e.r.QueryRowContext(ctx, `SELECT `+messageColumns(`coalesce(u.handle, '')`)+`
		FROM messages m LEFT JOIN users u ON u.id = m.to_user WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: message %d: %w", id, err)
	}
	return &m, nil
}

// selectMessages returns the expression for To, and the FROM and WHERE
// clauses that pick q's messages above q.AfterID with their arguments.
// Public areas use the messages_area index alone (area <> ” is written
// out so that SQLite sees the partial index applies); a mailbox finds the
// recipient by handle_key and then uses messages_to. The mailbox of an
// unknown handle is empty.
func selectMessages(q store.MessageQuery) (to, from string, args []any) {
	if q.Area != "" {
		return `''`, `FROM messages m WHERE m.area = ? AND m.area <> '' AND m.id > ?`,
			[]any{q.Area, q.AfterID}
	}
	return `u.handle`, `FROM users u JOIN messages m ON m.to_user = u.id WHERE u.handle_key = ? AND m.id > ?`,
		[]any{store.HandleKey(q.To), q.AfterID}
}

// ListMessages implements store.Messages. Oldest first means by ID, the
// order in which messages were posted, so that AfterID pages through a
// list that only grows at its end. A Limit below 0 returns nothing.
func (e *engine) ListMessages(ctx context.Context, q store.MessageQuery) ([]store.Message, error) {
	if q.Limit < 0 {
		return nil, nil
	}
	limit := int64(-1) // SQLite: no limit
	if q.Limit > 0 {
		limit = int64(q.Limit)
	}
	to, from, args := selectMessages(q)
	list, err := sqldb.QueryRows(ctx, e.r, scanMessage, `SELECT `+messageColumns(to)+` `+from+` ORDER BY m.id LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list messages %+v: %w", q, err)
	}
	return list, nil
}

// DeleteMessage implements store.Messages. Replies are left as they are:
// parent has no foreign key.
func (e *engine) DeleteMessage(ctx context.Context, id int64) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM messages WHERE id = ?`, id))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete message %d: %w", id, err)
	}
	return nil
}

// CountAfter implements store.Messages, counting on the index alone.
func (e *engine) CountAfter(ctx context.Context, q store.MessageQuery) (int, error) {
	_, from, args := selectMessages(q)
	var n int
	if err := e.r.QueryRowContext(ctx, `SELECT count(*) `+from, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count messages %+v: %w", q, err)
	}
	return n, nil
}

// LastRead implements store.Messages. An unknown handle has read
// nothing: 0 and no error.
func (e *engine) LastRead(ctx context.Context, handle, area string) (int64, error) {
	var id sql.NullInt64
	err := e.r.QueryRowContext(ctx, `SELECT max(p.last_id) FROM read_pointers p
		JOIN users u ON u.id = p.user_id WHERE u.handle_key = ? AND p.area = ?`,
		store.HandleKey(handle), area).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("sqlite: last read by %q in %q: %w", handle, area, err)
	}
	return id.Int64, nil
}

// SetLastRead implements store.Messages. The pointer only grows (max in
// the upsert), so two sessions of one user marking messages read at once
// cannot move it back. An unknown handle is ErrNotFound. The id need not
// be a message's.
func (e *engine) SetLastRead(ctx context.Context, handle, area string, id int64) error {
	id = max(id, 0)
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `INSERT INTO read_pointers (user_id, area, last_id)
			SELECT id, ?, ? FROM users WHERE handle_key = ?
			ON CONFLICT (user_id, area) DO UPDATE SET last_id = max(last_id, excluded.last_id)`,
			area, id, store.HandleKey(handle)))
	})
	if err != nil {
		return fmt.Errorf("sqlite: set last read by %q in %q to %d: %w", handle, area, id, err)
	}
	return nil
}

// scanMessage reads one row of messageColumns.
func scanMessage(row sqldb.Scanner) (store.Message, error) {
	var m store.Message
	var created int64
	if err := row.Scan(&m.ID, &m.Area, &m.To, &m.From, &m.Subject, &m.Body, &m.Parent, &created); err != nil {
		return store.Message{}, err
	}
	m.Created = fromMillis(created)
	return m, nil
}
