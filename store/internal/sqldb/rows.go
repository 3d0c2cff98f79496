package sqldb

import (
	"context"
	"database/sql"

	"github.com/x84bbs/x84/store"
)

// Querier is a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Scanner is a *sql.Row or a *sql.Rows, so that one scan function reads
// a single row as well as each row of a list.
type Scanner interface{ Scan(dest ...any) error }

// QueryRows runs query on q and returns every row read by scan, in order;
// nil if there are none. It keeps the rows' bookkeeping (Close, and the
// error Next hides until Err) in one place rather than in every list.
func QueryRows[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return list, nil
}

// ScanString reads a row of one text column.
func ScanString(row Scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// RowsChanged takes what ExecContext returns and reports a statement
// that changed no row as store.ErrNotFound: the row it names, or the one
// it needs, does not exist.
func RowsChanged(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
