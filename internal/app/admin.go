package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/store"
)

// OpenAdmin opens the database of the data directory dir for account
// administration while no server runs (`x84 user …`), through the same
// account service a running server uses. The caller closes the returned
// store.
func OpenAdmin(ctx context.Context, dir string) (control.Admin, *store.Store, error) {
	cfg, err := config.Load(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("x84: data directory: %w", err)
	}
	st, err := openStore(ctx, dir, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, err
	}
	// No sessions to end: no server runs.
	svc, _, err := newAccounts(ctx, cfg, st, account.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return control.NewLocal(svc), st, nil
}
