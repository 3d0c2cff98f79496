package sqlite

import (
	"database/sql"
	"testing"
)

// TestConnections checks that every pooled connection has its pragmas,
// and that the readers cannot write.
func TestConnections(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	e := s.Closer.(*engine)

	// Hold several reader connections at once, so that the pool opens
	// more than one.
	var readers []*sql.Conn
	for range 3 {
		c, err := e.r.Conn(ctx)
		if err != nil {
			t.Fatalf("readers.Conn() = %v; want nil", err)
		}
		defer c.Close()
		readers = append(readers, c)
	}
	w, err := e.w.Conn(ctx)
	if err != nil {
		t.Fatalf("writer.Conn() = %v; want nil", err)
	}
	defer w.Close()

	tests := []struct {
		pragma       string
		writer, read string
	}{
		{"busy_timeout", "10000", "10000"},
		{"foreign_keys", "1", "1"},
		{"journal_mode", "wal", "wal"},
		{"synchronous", "1", ""}, // NORMAL; readers never sync
		{"query_only", "0", "1"},
	}
	get := func(c *sql.Conn, name string) string {
		var v string
		if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s = %v; want nil", name, err)
		}
		return v
	}
	for _, tt := range tests {
		if got := get(w, tt.pragma); got != tt.writer {
			t.Errorf("writer: PRAGMA %s = %s; want %s", tt.pragma, got, tt.writer)
		}
		if tt.read == "" {
			continue
		}
		for i, c := range readers {
			if got := get(c, tt.pragma); got != tt.read {
				t.Errorf("reader %d: PRAGMA %s = %s; want %s", i, tt.pragma, got, tt.read)
			}
		}
	}
	for i, c := range readers {
		if _, err := c.ExecContext(ctx, "CREATE TABLE nope (x INTEGER)"); err == nil {
			t.Errorf("reader %d: CREATE TABLE = nil; want an error", i)
		}
	}
	if _, err := e.r.ExecContext(ctx, "DELETE FROM users"); err == nil {
		t.Errorf("readers: DELETE = nil; want an error")
	}
}
