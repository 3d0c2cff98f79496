package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchSchema is one run's own schema on a PostgreSQL server (-store):
// the servers of the run keep their records there, and it is dropped
// with everything in it when the run ends.
type benchSchema struct {
	server string // the server's URL as given, without search_path
	name   string // x84bench_<random>
	url    string // server with search_path=name: the servers' [store] url

	once    sync.Once
	created atomic.Bool // CREATE SCHEMA was sent: drop it, even if no answer came back
	dropErr error
}

// checkStoreURL says what is wrong with a -store URL, before anything
// is started.
func checkStoreURL(s string) error {
	if !strings.HasPrefix(s, "postgres://") && !strings.HasPrefix(s, "postgresql://") {
		return errors.New("-store must be a postgres:// URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("-store: %w", err)
	}
	if u.Query().Has("search_path") {
		return errors.New("-store: give the server without search_path; each run makes a schema of its own")
	}
	if _, err := pgx.ParseConfig(s); err != nil {
		return fmt.Errorf("-store: %w", err)
	}
	return nil
}

// newBenchSchema names a fresh schema on the server; create makes it.
func newBenchSchema(server string) (*benchSchema, error) {
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("-store: %w", err)
	}
	b := &benchSchema{server: server, name: "x84bench_" + strings.ToLower(rand.Text()[:12])}
	q := u.Query()
	q.Set("search_path", b.name)
	u.RawQuery = q.Encode()
	b.url = u.String()
	return b, nil
}

// create makes the schema, empty.
func (b *benchSchema) create() error {
	if err := pgExec(b.server, "CREATE SCHEMA "+pgx.Identifier{b.name}.Sanitize(), &b.created); err != nil {
		return fmt.Errorf("-store: create schema %s: %w", b.name, err)
	}
	return nil
}

// config is the x84.toml tables that put a server on the schema, in the
// cluster of every server on it, as node.
func (b *benchSchema) config(node string) string {
	return fmt.Sprintf("[store]\nurl = %s\n[cluster]\nname = %s\n", tomlString(b.url), tomlString(node))
}

// drop drops the schema and everything in it; the servers on it must
// have stopped. Only the first call does anything.
func (b *benchSchema) drop() error {
	b.once.Do(func() {
		if !b.created.Load() {
			return
		}
		b.dropErr = pgExec(b.server, "SET lock_timeout = '20s'; DROP SCHEMA IF EXISTS "+pgx.Identifier{b.name}.Sanitize()+" CASCADE", nil)
		if b.dropErr != nil {
			b.dropErr = fmt.Errorf("-store: drop schema %s (drop it by hand): %w", b.name, b.dropErr)
		}
	})
	return b.dropErr
}

// pgExec runs sql on a connection of its own to server, in bounded time.
// It sets sent, if not nil, once connected, before sql goes.
func pgExec(server, sql string, sent *atomic.Bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cc, err := pgx.ParseConfig(server)
	if err != nil {
		return err
	}
	cc.ConnectTimeout = 10 * time.Second
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if sent != nil {
		sent.Store(true)
	}
	_, err = conn.Exec(ctx, sql)
	return err
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, "\\u%04X", r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
