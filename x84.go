// Package x84 runs an x84 board: the telnet, ssh, rlogin and web
// (HTTPS) servers, the control socket and the default board or one of
// your own. cmd/x84 is a thin wrapper around Run; a custom board is a
// program that calls Run with its own Board, or extends the default one:
//
//	func main() {
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//		defer stop()
//		err := x84.Run(ctx, x84.Options{Extend: func(b *board.Board) {
//			b.Menu.Add(board.Entry{Key: 'f', Label: "Fortune cookie", Run: fortune})
//		}})
//		...
//	}
//
// Whatever serves the sessions, the board's parts (Parts: the store, the
// event bus, who is online, the account and community services) are the
// same, and so are the web API and the control socket (`x84 who`,
// `x84 broadcast`, `x84 user …`) that use them.
package x84

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// Options configure Run. The zero value runs the default board from the
// default data directory.
type Options struct {
	// DataDir holds the configuration, database, keys and the control
	// socket. Default: $X84_DATA, else ~/.x84. It is created mode 0700.
	DataDir string
	// Board, if non-nil, builds the handler that serves every session
	// instead of the default board, from the board's parts. It is called
	// once, before anyone connects. p.DefaultBoard builds the default
	// board, for a handler that wraps it. Broadcasts (x84 broadcast)
	// reach the sessions that watch events.TopicBroadcast.
	Board func(p *Parts) (session.Handler, error)
	// Extend, if non-nil, is called with the default board before it
	// serves anyone: add your own screens to its menu there. It is not
	// called when Board replaces the default board.
	Extend func(b *board.Board)
	// Log receives the server's log. Default: standard error.
	Log io.Writer
	// Ready, if non-nil, is called once every listener listens, with the
	// address of each by protocol name ("telnet", "ssh", "rlogin", "web",
	// and "http" for the web's redirect listener).
	Ready func(addrs map[string]net.Addr)
	// Reload, if non-nil, asks the running board to reload what can
	// change without a restart: the web server's certificate files. Send
	// on it when the process gets SIGHUP; open sessions are not touched.
	Reload <-chan struct{}
}

// Parts are what a running board is made of, for a custom board to use:
// the same services serve the default board's screens, the web API and
// the control socket.
type Parts struct {
	// Store is the board's storage (SQLite in the data directory).
	Store *store.Store
	// Events carries live notices between sessions.
	Events events.Bus
	// Sessions lists the sessions on this node.
	Sessions *session.Registry
	// Accounts logs callers in and keeps the accounts' rules.
	Accounts *account.Service
	// Community holds one-liners, chat, pages, broadcasts, messages,
	// polls and who is online.
	Community *community.Services
	// Art finds art: the sysop's DATA/art/NAME.ans, else the built-in.
	Art *art.Library
	// Log is the server's log.
	Log *slog.Logger

	boardConfig board.Config
}

// DefaultBoard builds the default board on these parts, configured as
// x84.toml says.
func (p *Parts) DefaultBoard() (*board.Board, error) { return board.New(p.boardConfig) }

// Files and folders in the data directory.
const (
	// ConfigFile is the name of the configuration file.
	ConfigFile = app.ConfigFile
	// SocketFile is the name of the control socket.
	SocketFile = app.SocketFile
	// DatabaseFile is the name of the SQLite database.
	DatabaseFile = app.DatabaseFile
	// ArtDir is where a sysop's art replaces the built-in art of the
	// same name.
	ArtDir = app.ArtDir
	// FilesDir is the file area's default folder.
	FilesDir = app.FilesDir
	// TLSDir is where the web server keeps its self-signed certificate.
	TLSDir = app.TLSDir
	// ThemeDir is where a sysop's themes replace or add to the built-in
	// themes.
	ThemeDir = app.ThemeDir
	// MenuDir is where a sysop's menu files replace the built-in menus of
	// the same name.
	MenuDir = app.MenuDir
	// LangDir is where a sysop's catalogs, TAG.toml, add languages or
	// replace built-in messages.
	LangDir = app.LangDir
	// ScriptDir is where a sysop's scripts replace the built-in scripts
	// of the same name.
	ScriptDir = app.ScriptDir
)

// DataDir returns the data directory Run would use for dir: dir itself
// when not empty, else $X84_DATA, else ~/.x84.
func DataDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("X84_DATA")
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("x84: no data directory: %w", err)
		}
		dir = filepath.Join(home, ".x84")
	}
	return filepath.Abs(dir)
}

// Run starts the board and serves until ctx ends, then shuts down
// gracefully: every session gets a goodbye line, within the configured
// grace period (server.shutdown_grace) after which connections are
// closed. It returns nil after a clean shutdown.
func Run(ctx context.Context, opts Options) error {
	dir, err := DataDir(opts.DataDir)
	if err != nil {
		return err
	}
	cfg := app.Config{Dir: dir, Log: opts.Log, Extend: opts.Extend, Ready: opts.Ready, Reload: opts.Reload}
	if opts.Board != nil {
		cfg.Board = func(p *app.Parts) (session.Handler, error) {
			return opts.Board(&Parts{Store: p.Store, Events: p.Events, Sessions: p.Sessions, Accounts: p.Accounts,
				Community: p.Community, Art: p.Art, Log: p.Log, boardConfig: p.Board})
		}
	}
	return app.Run(ctx, cfg)
}

// HostKeyFingerprints returns the fingerprints of the ssh host keys of a
// data directory, making the keys first if they do not exist yet.
func HostKeyFingerprints(dataDir string) ([]string, error) {
	dir, err := DataDir(dataDir)
	if err != nil {
		return nil, err
	}
	return app.HostKeyFingerprints(dir)
}

// Version returns the version of x84 this binary was built from.
func Version() string { return app.Version() }
