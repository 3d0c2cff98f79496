package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
	"github.com/x84bbs/x84/store/storetest"
)

func TestConformanceLimited(t *testing.T) {
	storetest.RunLimited(t, func(t *testing.T, maxScriptKeys int) *store.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), Config{MaxScriptKeys: maxScriptKeys})
		if err != nil {
			t.Fatalf("Open(MaxScriptKeys %d) = %v; want nil", maxScriptKeys, err)
		}
		return s
	})
}

// TestScriptQueryPlans: a script's keys are found, counted and listed
// from the primary key's index, never by scanning the table.
func TestScriptQueryPlans(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	e := s.Closer.(*engine)
	tests := []struct {
		name, sql string
		args      []any
	}{
		{"get", `SELECT value FROM script_data WHERE script = ? AND key = ?`, []any{"s", "k"}},
		{"count", `SELECT count(*) FROM (SELECT 1 FROM script_data WHERE script = ? LIMIT ?)`, []any{"s", 10}},
		{"list", `SELECT key, value, updated FROM script_data WHERE script = ? AND key >= ? AND key > ? AND key < ?
			ORDER BY key LIMIT ?`, []any{"s", "a", "", "b", 10}},
		{"delete", `DELETE FROM script_data WHERE script = ? AND key = ?`, []any{"s", "k"}},
	}
	for _, tt := range tests {
		plan, err := sqldb.QueryRows(t.Context(), e.r, scanDetail, "EXPLAIN QUERY PLAN "+tt.sql, tt.args...)
		if err != nil {
			t.Fatalf("%s: EXPLAIN QUERY PLAN = %v; want nil", tt.name, err)
		}
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "sqlite_autoindex_script_data_1") || strings.Contains(all, "TEMP B-TREE") {
			t.Errorf("%s: plan %q; want the primary key's index, in its order", tt.name, all)
		}
		for _, step := range plan {
			// SCAN (subquery-1) reads the count's subquery, not a table.
			if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "INDEX") && !strings.HasPrefix(step, "SCAN (subquery") {
				t.Errorf("%s: plan %q scans a table", tt.name, all)
			}
		}
	}
}
