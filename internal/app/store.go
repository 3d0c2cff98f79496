package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/postgres"
	"github.com/x84bbs/x84/store/sqlite"
)

// StoreURLEnv names the environment variable that, when set, takes the
// place of [store] url: a secret kept out of the file.
const StoreURLEnv = "X84_STORE_URL"

// StoreURL returns the PostgreSQL URL the board uses, "" for SQLite.
func StoreURL(conf config.Config) string {
	if u := os.Getenv(StoreURLEnv); u != "" {
		return u
	}
	return conf.Store.URL
}

// openStore opens the board's store: PostgreSQL when a URL is set, else
// the SQLite file in the data directory.
func openStore(ctx context.Context, dir string, conf config.Config, log *slog.Logger) (*store.Store, error) {
	if u := StoreURL(conf); u != "" {
		return postgres.Open(ctx, u, postgres.Config{Logger: log, MaxConns: conf.Store.MaxConns})
	}
	return sqlite.Open(ctx, filepath.Join(dir, DatabaseFile), sqlite.Config{Logger: log})
}
