package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/internal/web"
	"github.com/x84bbs/x84/session"
)

// Files and folders in the data directory.
const (
	ConfigFile   = "x84.toml" // the configuration (optional)
	SocketFile   = "x84.sock" // the control socket
	DatabaseFile = "x84.db"   // the SQLite database
	ArtDir       = "art"      // a sysop's art, replacing the built-in art of the same name
	FilesDir     = "files"    // the file area's default folder
	TLSDir       = "tls"      // the web server's self-signed certificate
	ThemeDir     = "themes"   // a sysop's themes, replacing the built-in themes of the same name
	MenuDir      = "menus"    // a sysop's menus, replacing the built-in menus of the same name
	ScriptDir    = "scripts"  // a sysop's scripts, replacing the built-in scripts of the same name
	LangDir      = "lang"     // a sysop's languages, TAG.toml, adding to or replacing the built-in messages
)

// Config configures Run. Dir is required.
type Config struct {
	// Dir is the data directory; Run creates it (mode 0700) if needed.
	Dir string
	// Log receives the server's log. Default: standard error.
	Log io.Writer
	// Console receives what the operator at the console must read: the
	// setup code of a board with no sysop. Default: standard error.
	Console io.Writer
	// Board, if non-nil, builds the handler that serves every session
	// from the board's parts, instead of the default board.
	Board func(*Parts) (session.Handler, error)
	// Extend, if non-nil, is called with the default board before it
	// serves anyone (unless Board replaces it).
	Extend func(*board.Board)
	// Ready, if non-nil, is called once every listener listens, with the
	// address of each by protocol name.
	Ready func(addrs map[string]net.Addr)
	// Reload asks the running board to reload the web certificate.
	Reload <-chan struct{}
}

// Run starts the board in cfg.Dir and serves until ctx ends, then shuts
// down gracefully.
func Run(ctx context.Context, cfg Config) error {
	conf, log, err := prepare(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.Dir, conf, log)
	if err != nil {
		return err
	}
	defer st.Close()
	parts, err := NewParts(ctx, cfg.Dir, conf, st, log)
	if err != nil {
		return err
	}
	defer parts.Close()
	h, err := handler(parts, cfg)
	if err != nil {
		return err
	}
	n, err := assemble(cfg.Dir, conf, parts, h)
	if err != nil {
		return err
	}
	if err := n.listen(); err != nil {
		return err
	}
	if err := startSetup(ctx, parts, cfg.Dir, cfg.Console); err != nil {
		n.closeAll()
		return err
	}
	log.Info("x84 started", "data", cfg.Dir, "version", Version())
	if cfg.Ready != nil {
		cfg.Ready(n.addrs)
	}
	n.start()
	err = n.wait(ctx, cfg.Reload, h)
	n.shutdown()
	return err
}

// startSetup makes the setup code of a board with no sysop and shows it
// to the operator, in the log and on the console (nil: standard error);
// an applicant who gives it becomes the sysop.
func startSetup(ctx context.Context, p *Parts, dir string, console io.Writer) error {
	code, err := p.Accounts.StartSetup(ctx)
	if err != nil || code == "" {
		return err
	}
	p.Log.Warn("no sysop yet: apply for an account with the setup code to become the sysop", "setup_code", code)
	if console == nil {
		console = os.Stderr
	}
	fmt.Fprintf(console, `x84: this board has no sysop yet. Its one-time setup code is

        %s

x84: to become the sysop, apply for an account (type "new" at the login
x84: screen, or ssh new@host) and give the code when the application asks
x84: for it; or run: x84 --data %s user add NAME --sysop
`, code, dir)
	return nil
}

// handler is the board that serves the sessions: the program's own, or
// the default board, extended.
func handler(p *Parts, cfg Config) (session.Handler, error) {
	if cfg.Board != nil {
		h, err := cfg.Board(p)
		if err == nil && h == nil {
			err = errors.New("x84: Options.Board returned no board")
		}
		return h, err
	}
	b, err := board.New(p.Board)
	if err != nil {
		return nil, err
	}
	if cfg.Extend != nil {
		cfg.Extend(b)
	}
	return b, nil
}

// prepare makes the data directory, reads its configuration and starts
// the log.
func prepare(cfg Config) (config.Config, *slog.Logger, error) {
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return config.Config{}, nil, fmt.Errorf("x84: data directory: %w", err)
	}
	conf, err := config.Load(filepath.Join(cfg.Dir, ConfigFile))
	if err != nil {
		return config.Config{}, nil, err
	}
	out := cfg.Log
	if out == nil {
		out = os.Stderr
	}
	log := newLogger(out, conf.Log)
	if StoreURL(conf) != "" {
		// In a cluster every line says which node wrote it.
		log = log.With("host", NodeName(conf))
	}
	if fi, err := os.Stat(cfg.Dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("data directory is readable by others; consider chmod 700", "dir", cfg.Dir, "mode", fi.Mode().Perm().String())
	}
	return conf, log, nil
}

// newLogger makes the server's log. Every value in it is cut to
// c.MaxValue bytes, so that what a caller sends (a path, a terminal
// type) cannot grow the log by more than that a line.
func newLogger(w io.Writer, c config.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.Format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(logcap.New(h, c.MaxValue))
}

// node is one running board: its servers, and the listeners and services
// that Run starts and then shuts down in order.
type node struct {
	dir   string
	cfg   config.Config
	log   *slog.Logger
	parts *Parts
	srv   *server.Server
	ctl   *control.Server
	web   *web.Server // nil unless the web is enabled

	services []service
	addrs    map[string]net.Addr // by protocol name, for Config.Ready
	closers  []io.Closer
	errc     chan error // the first failure of a service
	wg       sync.WaitGroup
}

// service is one listener's serving loop.
type service struct {
	name  string
	serve func() error
}

// assemble builds the servers around the handler; nothing listens yet.
func assemble(dir string, cfg config.Config, p *Parts, h session.Handler) (*node, error) {
	srv := &server.Server{
		Handler:       h,
		Registry:      p.Sessions,
		Events:        p.Events,
		MaxSessions:   cfg.Server.MaxSessions,
		MaxPerAddress: cfg.Server.MaxPerAddress,
		Admit:         p.banner.Check,
		OnRefuse:      p.met.Refused,
		OnSession:     p.met.Session,
		WrapConn:      p.met.Counting,
		Session: session.Config{
			IdleTimeout: cfg.Server.IdleTimeout.D(),
			IdleWarning: cfg.Server.IdleWarning.D(),
		},
		Logger: p.Log,
	}
	ctl, err := control.New(control.Config{Presence: p.Community.Presence, Accounts: p.Accounts,
		Broadcasts: p.Community.Broadcasts, Logger: p.Log})
	if err != nil {
		return nil, err
	}
	return &node{dir: dir, cfg: cfg, log: p.Log, parts: p, srv: srv, ctl: ctl, addrs: map[string]net.Addr{}}, nil
}

// listen opens the control socket and the listener of every enabled
// protocol. If one fails, it closes those already open.
func (n *node) listen() error {
	for _, step := range []func() error{n.listenControl, n.listenTelnet, n.listenSSH, n.listenRlogin, n.listenWeb} {
		if err := step(); err != nil {
			n.closeAll()
			return err
		}
	}
	return nil
}

func (n *node) listenControl() error {
	l, err := control.Listen(filepath.Join(n.dir, SocketFile))
	if err != nil {
		return err
	}
	n.closers = append(n.closers, l)
	n.services = append(n.services, service{"control", func() error { return n.ctl.Serve(l) }})
	return nil
}

// listenTCP listens on addr for proto, if enabled, to be served by p.
func (n *node) listenTCP(proto string, enabled bool, addr string, p server.Protocol) error {
	if !enabled {
		return nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("x84: %s: %w", proto, err)
	}
	n.serveOn(proto, l, func() error { return n.srv.Serve(l, p) })
	return nil
}

// serveOn adds a listener for proto, to be served by serve, and logs its
// address with any further attributes.
func (n *node) serveOn(proto string, l net.Listener, serve func() error, attrs ...any) {
	n.closers = append(n.closers, l)
	n.addrs[proto] = l.Addr()
	n.log.Info("listening", append([]any{"proto", proto, "addr", l.Addr().String()}, attrs...)...)
	n.services = append(n.services, service{proto, serve})
}

func (n *node) closeAll() {
	for _, c := range n.closers {
		c.Close()
	}
}

// start runs every service in its own goroutine.
func (n *node) start() {
	n.errc = make(chan error, len(n.services))
	for _, s := range n.services {
		n.wg.Go(func() {
			if err := s.serve(); err != nil && !errors.Is(err, server.ErrServerClosed) {
				n.errc <- fmt.Errorf("x84: %s: %w", s.name, err)
			}
		})
	}
}

// wait serves until ctx ends or a service fails, whose error it returns,
// reloading the web certificate and h's menus whenever reload asks.
func (n *node) wait(ctx context.Context, reload <-chan struct{}, h session.Handler) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-n.errc:
			return err
		case <-reload:
			n.reloadWeb()
			// The default board, or one built on it, reads its menu
			// files at once.
			if b, ok := h.(interface{ ReloadMenus() }); ok {
				b.ReloadMenus()
				n.log.Info("reloaded the menus")
			}
		}
	}
}

// shutdown gives the sessions the grace period to end, then stops the
// web and control servers, closes the listeners and waits for every
// service to return.
func (n *node) shutdown() {
	n.log.Info("shutting down", "sessions", n.parts.Sessions.Len())
	grace := n.cfg.Server.ShutdownGrace.D()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := n.srv.Shutdown(ctx); err != nil {
		n.log.Warn("sessions did not end in time; closed them", "grace", grace)
	}
	if n.web != nil {
		n.web.Shutdown(ctx)
	}
	n.ctl.Shutdown(ctx)
	n.closeAll()
	n.wg.Wait()
	os.Remove(filepath.Join(n.dir, SocketFile))
	n.log.Info("stopped")
}

// version is set at build time with -ldflags "-X github.com/x84bbs/x84/internal/app.version=v1.2.3".
var version = "dev"

// Version returns the version of x84 this binary was built from.
func Version() string { return version }
