package postgres

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/pgtest"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/internal/sqldb"
	"github.com/x84bbs/x84/store/storetest"
)

// openTemp opens a store on a fresh schema of the test server.
func openTemp(t *testing.T) *store.Store {
	t.Helper()
	s, err := Open(t.Context(), pgtest.URL(t), Config{})
	if err != nil {
		t.Fatalf("Open() = %v; want nil", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openTemp)
}

// TestBadURL: a database URL that does not parse is an error that names
// the problem and never the password, whatever its length.
func TestBadURL(t *testing.T) {
	long := strings.Repeat("p4ssw0rd", 8)
	for _, u := range []string{
		"postgres://bbs:s3cretPassw0rd@db:notaport/bbs",
		"postgres://bbs:pw@db:notaport/bbs",
		"postgres://bbs:" + long + "@db:5432/bbs?sslmode=bogus",
		"postgres://bbs:" + long + "@db:5432/bbs?connect_timeout=x",
	} {
		_, err := Open(t.Context(), u, Config{})
		if err == nil {
			t.Fatalf("Open(%q) = nil error", u)
		}
		msg := err.Error()
		if !strings.Contains(msg, "the database URL is not valid") ||
			strings.Contains(msg, "s3cret") || strings.Contains(msg, long) || strings.Contains(msg, ":pw@") {
			t.Errorf("Open(%q) = %q", u, msg)
		}
	}
}

// TestUnreachable: a server that does not answer is an error naming the
// host, marked store.ErrUnavailable.
func TestUnreachable(t *testing.T) {
	_, err := Open(t.Context(), "postgres://bbs:secret@127.0.0.1:1/bbs?connect_timeout=2", Config{})
	if !store.Unavailable(err) || !strings.Contains(err.Error(), "127.0.0.1:1/bbs") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("Open = %v", err)
	}
}

// TestOpenTogether: nodes starting at once on a new database migrate it
// once, and all of them open it.
func TestOpenTogether(t *testing.T) {
	url := pgtest.URL(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := Open(t.Context(), url, Config{MaxConns: 2})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("Open = %v", err)
		}
	}
	s, err := Open(t.Context(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := s.Closer.(*engine)
	var applied int
	if err := e.db.QueryRowContext(t.Context(), `SELECT count(*) FROM x84_schema`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	ms, err := sqldb.LoadMigrations(migrationFiles, "migrations", "postgres")
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(ms) {
		t.Errorf("x84_schema holds %d rows; want %d, each migration once", applied, len(ms))
	}
}
