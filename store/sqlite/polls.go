package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// CreatePoll implements store.Polls. A poll with fewer than 2 or more
// than store.MaxPollOptions options is refused with an error that is
// neither store.ErrNotFound nor store.ErrExists. The author needs no
// account and is kept as given.
func (e *engine) CreatePoll(ctx context.Context, p *store.Poll) error {
	if n := len(p.Options); n < 2 || n > store.MaxPollOptions {
		return fmt.Errorf("sqlite: create poll: %d options; want 2 to %d", n, store.MaxPollOptions)
	}
	created := p.Created
	if created.IsZero() {
		created = now()
	}
	var id int64
	err := e.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO polls (question, author, created)
			VALUES (?, ?, ?) RETURNING id`, p.Question, p.Author, millis(created)).Scan(&id)
		if err != nil {
			return err
		}
		for i, o := range p.Options {
			if _, err := tx.ExecContext(ctx, `INSERT INTO poll_options (poll_id, idx, text) VALUES (?, ?, ?)`,
				id, i, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: create poll %q: %w", p.Question, err)
	}
	p.ID = id
	p.Created = created
	return nil
}

// Polls implements store.Polls, newest first by Created, then by ID.
func (e *engine) Polls(ctx context.Context) ([]store.Poll, error) {
	var polls []store.Poll
	err := e.read(ctx, func(tx *sql.Tx) error {
		var err error
		polls, err = sqldb.QueryRows(ctx, tx, scanPoll, `SELECT id, question, author, created FROM polls
			ORDER BY created DESC, id DESC`)
		if err != nil {
			return err
		}
		byID := make(map[int64]int, len(polls))
		for i, p := range polls {
			byID[p.ID] = i
		}
		orows, err := tx.QueryContext(ctx, `SELECT poll_id, text FROM poll_options ORDER BY poll_id, idx`)
		if err != nil {
			return err
		}
		defer orows.Close()
		for orows.Next() {
			var id int64
			var text string
			if err := orows.Scan(&id, &text); err != nil {
				return err
			}
			if i, ok := byID[id]; ok {
				polls[i].Options = append(polls[i].Options, text)
			}
		}
		return orows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: polls: %w", err)
	}
	return polls, nil
}

// Poll implements store.Polls.
func (e *engine) Poll(ctx context.Context, id int64) (*store.Poll, error) {
	var p store.Poll
	err := e.read(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanPoll(tx.QueryRowContext(ctx, `SELECT id, question, author, created FROM polls WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		p.Options, err = pollOptions(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: poll %d: %w", id, err)
	}
	return &p, nil
}

// DeletePoll implements store.Polls. Options and votes go with the poll
// (ON DELETE CASCADE).
func (e *engine) DeletePoll(ctx context.Context, id int64) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM polls WHERE id = ?`, id))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete poll %d: %w", id, err)
	}
	return nil
}

// Vote implements store.Polls. An unknown poll, then an unknown user, is
// ErrNotFound; an option out of range is an error that is neither
// ErrNotFound nor ErrExists. The vote is kept by account id, so it
// follows a rename.
func (e *engine) Vote(ctx context.Context, pollID int64, handle string, option int) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		n, err := countOptions(ctx, tx, pollID)
		if err != nil {
			return err
		}
		var uid int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE handle_key = ?`, store.HandleKey(handle)).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user: %w", store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if option < 0 || option >= n {
			return fmt.Errorf("option %d out of range: the poll has %d", option, n)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO votes (poll_id, user_id, option) VALUES (?, ?, ?)
			ON CONFLICT (poll_id, user_id) DO UPDATE SET option = excluded.option`,
			pollID, uid, option)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: vote by %q in poll %d: %w", handle, pollID, err)
	}
	return nil
}

// Results implements store.Polls. An unknown poll is ErrNotFound; an
// unknown handle (a visitor without an account) has not voted: mine is
// -1 and no error.
func (e *engine) Results(ctx context.Context, pollID int64, handle string) ([]int, int, error) {
	var counts []int
	mine := -1
	err := e.read(ctx, func(tx *sql.Tx) error {
		n, err := countOptions(ctx, tx, pollID)
		if err != nil {
			return err
		}
		counts = make([]int, n)
		rows, err := tx.QueryContext(ctx, `SELECT option, count(*) FROM votes WHERE poll_id = ? GROUP BY option`, pollID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o, c int
			if err := rows.Scan(&o, &c); err != nil {
				return err
			}
			// The foreign key to poll_options keeps o in range.
			if o >= 0 && o < n {
				counts[o] = c
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT v.option FROM votes v JOIN users u ON u.id = v.user_id
			WHERE v.poll_id = ? AND u.handle_key = ?`, pollID, store.HandleKey(handle)).Scan(&mine)
		if errors.Is(err, sql.ErrNoRows) {
			mine = -1
			return nil
		}
		return err
	})
	if err != nil {
		return nil, -1, fmt.Errorf("sqlite: results of poll %d for %q: %w", pollID, handle, err)
	}
	return counts, mine, nil
}

// countOptions returns the number of options of the poll, or
// ErrNotFound if there is no such poll.
func countOptions(ctx context.Context, tx *sql.Tx, pollID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM poll_options WHERE poll_id = p.id)
		FROM polls p WHERE p.id = ?`, pollID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("poll: %w", store.ErrNotFound)
	}
	return n, err
}

// pollOptions returns the options of the poll in order.
func pollOptions(ctx context.Context, tx *sql.Tx, pollID int64) ([]string, error) {
	return sqldb.QueryRows(ctx, tx, sqldb.ScanString, `SELECT text FROM poll_options WHERE poll_id = ? ORDER BY idx`, pollID)
}

// scanPoll reads id, question, author, created; Options is left empty.
func scanPoll(row sqldb.Scanner) (store.Poll, error) {
	var p store.Poll
	var created int64
	if err := row.Scan(&p.ID, &p.Question, &p.Author, &created); err != nil {
		return store.Poll{}, err
	}
	p.Created = fromMillis(created)
	return p, nil
}
