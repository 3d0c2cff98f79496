package sqlite

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
)

// TestQueryPlans checks that listing and counting messages, deleting a
// key, and the cascades when an account is deleted, use an index rather than scanning
// a whole table, and that CountAfter reads the index alone.
func TestQueryPlans(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	e := s.Closer.(*engine)

	type query struct {
		name, sql string
		args      []any
		want      string // an index the plan must name
	}
	var tests []query
	for _, q := range []store.MessageQuery{{Area: "general", AfterID: 10}, {To: "alice", AfterID: 10}} {
		to, from, args := selectMessages(q)
		want := "messages_area"
		if q.Area == "" {
			want = "messages_to"
		}
		tests = append(tests,
			query{"list " + want, `SELECT ` + messageColumns(to) + ` ` + from + ` ORDER BY m.id LIMIT ?`, append(args, 20), want},
			query{"count " + want, `SELECT count(*) ` + from, args, want})
	}
	tests = append(tests,
		// What ON DELETE CASCADE runs for an account.
		query{"cascade to mail", `DELETE FROM messages WHERE to_user = ?`, []any{1}, "messages_to"},
		query{"cascade to votes", `DELETE FROM votes WHERE user_id = ?`, []any{1}, "votes_user"},
		query{"cascade to pointers", `DELETE FROM read_pointers WHERE user_id = ?`, []any{1}, "PRIMARY KEY"},
		query{"polls newest first", `SELECT id FROM polls ORDER BY created DESC, id DESC`, nil, "polls_created"},
		query{"cascade to keys", `DELETE FROM ssh_keys WHERE user_id = ?`, []any{1}, "INDEX"},
		// DeleteKey, by 0004's UNIQUE (user_id, fingerprint).
		query{"delete a key", `DELETE FROM ssh_keys WHERE fingerprint = ? AND user_id = ?`, []any{"SHA256:x", 1}, "sqlite_autoindex_ssh_keys_1"},
	)
	for _, tt := range tests {
		plan, err := sqldb.QueryRows(ctx, e.r, scanDetail, "EXPLAIN QUERY PLAN "+tt.sql, tt.args...)
		if err != nil {
			t.Fatalf("%s: EXPLAIN QUERY PLAN = %v; want nil", tt.name, err)
		}
		all := strings.Join(plan, "; ")
		t.Logf("%s: %s", tt.name, all)
		if !strings.Contains(all, tt.want) {
			t.Errorf("%s: plan %q; want it to use %s", tt.name, all, tt.want)
		}
		if strings.HasPrefix(tt.name, "count") && !strings.Contains(all, "COVERING INDEX "+tt.want) {
			t.Errorf("%s: plan %q; want it to count on %s alone", tt.name, all, tt.want)
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "INDEX") {
				t.Errorf("%s: plan %q scans a table", tt.name, all)
			}
		}
	}
}

// scanDetail reads the detail of a row of EXPLAIN QUERY PLAN.
func scanDetail(row sqldb.Scanner) (string, error) {
	var id, parent, unused int
	var detail string
	err := row.Scan(&id, &parent, &unused, &detail)
	return detail, err
}
