// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema on the server named by X84_TEST_POSTGRES (default: the local
// server with trust authentication, database test), dropped when the test
// ends. Without a server the test is skipped, unless X84_E2E=require (as
// in CI), where it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// DefaultServer is the server tests use when X84_TEST_POSTGRES is empty.
const DefaultServer = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Server returns the URL of the test server.
func Server() string {
	if s := os.Getenv("X84_TEST_POSTGRES"); s != "" {
		return s
	}
	return DefaultServer
}

// URL makes a new, empty schema and returns a URL whose connections use
// it (search_path). The schema and everything in it are dropped at the
// end of the test.
func URL(t testing.TB) string {
	t.Helper()
	base := Server()
	db := connect(t, base)
	name := "x84t_" + strings.ToLower(rand.Text()[:12])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+pgx.Identifier{name}.Sanitize()); err != nil {
		db.Close()
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: X84_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// connect opens the server, skipping or failing the test when it does not
// answer.
func connect(t testing.TB, base string) *sql.DB {
	t.Helper()
	cc, err := pgx.ParseConfig(base)
	if err != nil {
		t.Fatalf("pgtest: X84_TEST_POSTGRES: %v", err)
	}
	cc.ConnectTimeout = 5 * time.Second
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		msg := fmt.Sprintf("pgtest: no PostgreSQL at %s:%d: %v", cc.Host, cc.Port, err)
		if os.Getenv("X84_E2E") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return db
}
