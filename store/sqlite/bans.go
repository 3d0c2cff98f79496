package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// PutBan implements store.Bans. A zero Created is set to now.
func (e *engine) PutBan(ctx context.Context, b store.Ban) error {
	if b.Created.IsZero() {
		b.Created = now()
	}
	err := e.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bans (prefix, until, strikes, reason, created)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (prefix) DO UPDATE SET until = excluded.until, strikes = excluded.strikes,
				reason = excluded.reason, created = excluded.created`,
			b.Prefix, millis(b.Until), b.Strikes, b.Reason, millis(b.Created))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: put ban %q: %w", b.Prefix, err)
	}
	return nil
}

// DeleteBan implements store.Bans.
func (e *engine) DeleteBan(ctx context.Context, prefix string) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		return sqldb.RowsChanged(tx.ExecContext(ctx, `DELETE FROM bans WHERE prefix = ?`, prefix))
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete ban %q: %w", prefix, err)
	}
	return nil
}

// Bans implements store.Bans, sorted by prefix byte by byte.
func (e *engine) Bans(ctx context.Context) ([]store.Ban, error) {
	bans, err := sqldb.QueryRows(ctx, e.r, scanBan,
		`SELECT prefix, until, strikes, reason, created FROM bans ORDER BY prefix`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: bans: %w", err)
	}
	return bans, nil
}

// scanBan reads prefix, until, strikes, reason, created.
func scanBan(row sqldb.Scanner) (store.Ban, error) {
	var b store.Ban
	var until, created int64
	if err := row.Scan(&b.Prefix, &until, &b.Strikes, &b.Reason, &created); err != nil {
		return store.Ban{}, err
	}
	b.Until = fromMillis(until)
	b.Created = fromMillis(created)
	return b, nil
}
