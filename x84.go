// Package x84 runs an x84 board: the telnet, ssh, rlogin and web
// (HTTPS) servers, the control socket and the default board or one of
// your own. cmd/x84 is a thin wrapper around Run; a custom board is a
// program that calls Run with its own Board:
//
//	func main() {
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//		defer stop()
//		err := x84.Run(ctx, x84.Options{Board: myBoard})
//		...
//	}
package x84

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
	"time"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/accounts"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/metrics"
	"github.com/x84bbs/x84/internal/rlogind"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/internal/sshd"
	"github.com/x84bbs/x84/internal/telnetd"
	"github.com/x84bbs/x84/internal/web"
	"github.com/x84bbs/x84/rlogin"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
	"github.com/x84bbs/x84/telnet"
)

// Options configure Run. The zero value runs the default board from the
// default data directory.
type Options struct {
	// DataDir holds the configuration, database, keys and the control
	// socket. Default: $X84_DATA, else ~/.x84. It is created mode 0700.
	DataDir string
	// Extend, if non-nil, is called with the default board before it
	// serves anyone: add your own screens to its menu there.
	Extend func(b *board.Board)
	// Board, if non-nil, runs every session instead of the default board.
	Board session.Handler
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

// ConfigFile is the name of the configuration file in the data directory.
const ConfigFile = "x84.toml"

// SocketFile is the name of the control socket in the data directory.
const SocketFile = "x84.sock"

// DatabaseFile is the name of the SQLite database in the data directory.
const DatabaseFile = "x84.db"

// ArtDir is the directory in the data directory where a sysop's art
// replaces the built-in art of the same name.
const ArtDir = "art"

// FilesDir is the file area's default folder in the data directory.
const FilesDir = "files"

// TLSDir is where the web server keeps its self-signed certificate, in
// the data directory.
const TLSDir = "tls"

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
	dir, cfg, log, err := prepare(opts)
	if err != nil {
		return err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, DatabaseFile), sqlite.Options{Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	accts, err := openAccounts(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	n := assemble(dir, cfg, log, st, accts, opts)
	if err := n.listen(); err != nil {
		return err
	}
	log.Info("x84 started", "data", dir, "version", Version())
	if opts.Ready != nil {
		opts.Ready(n.addrs)
	}
	n.start()
	err = n.wait(ctx, opts.Reload)
	n.shutdown()
	return err
}

// prepare makes the data directory, reads its configuration and starts
// the log.
func prepare(opts Options) (string, config.Config, *slog.Logger, error) {
	dir, err := DataDir(opts.DataDir)
	if err != nil {
		return "", config.Config{}, nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", config.Config{}, nil, fmt.Errorf("x84: data directory: %w", err)
	}
	cfg, err := config.Load(filepath.Join(dir, ConfigFile))
	if err != nil {
		return "", config.Config{}, nil, err
	}
	logOut := opts.Log
	if logOut == nil {
		logOut = os.Stderr
	}
	log := newLogger(logOut, cfg.Log)
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("data directory is readable by others; consider chmod 700", "dir", dir, "mode", fi.Mode().Perm().String())
	}
	return dir, cfg, log, nil
}

// node is one running board: its servers, and the listeners and services
// that Run starts and then shuts down in order.
type node struct {
	dir   string
	cfg   config.Config
	log   *slog.Logger
	st    *store.Store
	accts *accounts.Service
	reg   *session.Registry
	met   *metrics.Metrics
	board *board.Board
	srv   *server.Server
	ctl   *control.Server
	web   *web.Server // nil unless the web is enabled

	services []service
	addrs    map[string]net.Addr // by protocol name, for Options.Ready
	closers  []io.Closer
	errc     chan error // the first failure of a service
	wg       sync.WaitGroup
}

// service is one listener's serving loop.
type service struct {
	name  string
	serve func() error
}

// assemble builds the board and the servers; nothing listens yet.
func assemble(dir string, cfg config.Config, log *slog.Logger, st *store.Store, accts *accounts.Service, opts Options) *node {
	reg := &session.Registry{}
	bus := &events.Local{}
	met := metrics.New(reg)
	// The default board runs the sessions unless opts.Board replaces it;
	// the web API logs in and posts one-liners through it either way.
	b := newBoard(dir, cfg, log, st, reg, bus, accts, met)
	var broadcast func(string) int
	h := opts.Board
	if h == nil {
		if opts.Extend != nil {
			opts.Extend(b)
		}
		h = b
		broadcast = b.Broadcast
	}
	srv := &server.Server{
		Handler:       h,
		Registry:      reg,
		Events:        bus,
		MaxSessions:   cfg.Server.MaxSessions,
		MaxPerAddress: cfg.Server.MaxPerAddress,
		Admit:         accts.Banner.Check,
		OnRefuse:      met.Refused,
		OnSession:     met.Session,
		WrapConn:      met.Counting,
		Session: session.Options{
			IdleTimeout: cfg.Server.IdleTimeout.D(),
			IdleWarning: cfg.Server.IdleWarning.D(),
		},
		Logger: log,
	}
	return &node{
		dir: dir, cfg: cfg, log: log, st: st, accts: accts, reg: reg, met: met, board: b, srv: srv,
		ctl:   &control.Server{Registry: reg, Admin: accts, Broadcast: broadcast, Logger: log},
		addrs: map[string]net.Addr{},
	}
}

// newBoard builds the default board, with the accounts' bans and the
// metrics hooked in.
func newBoard(dir string, cfg config.Config, log *slog.Logger, st *store.Store, reg *session.Registry,
	bus events.Bus, accts *accounts.Service, met *metrics.Metrics) *board.Board {
	b := board.New(board.Settings{
		Name:             cfg.Board.Name,
		MaxLoginAttempts: cfg.Accounts.MaxLoginAttempts,
		LoginTimeout:     cfg.Accounts.LoginTimeout.D(),
		AllowAnonymous:   cfg.Accounts.AllowAnonymous,
		OnelinerCount:    cfg.Board.OnelinerCount,
		OnelinerLength:   cfg.Board.OnelinerLength,
		OnelinerInterval: onelinerInterval(cfg.Board.OnelinerInterval.D()),
		LastCallers:      cfg.Board.LastCallers,
		Areas:            cfg.Board.Areas,
	}, st, art.NewLibrary(filepath.Join(dir, ArtDir)), reg, bus, accts.Hasher, accts.Rules)
	b.Ban = accts.Banner
	b.Log = log
	b.OnLogin, b.OnBan = met.Login, met.Banned
	accts.OnDelete = func(handle string) { b.Revoke(handle, "Your account has been removed by the sysop.") }
	return b
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

func (n *node) listenTelnet() error {
	return n.listenTCP("telnet", n.cfg.Telnet.Enabled, n.cfg.Telnet.ListenAddr(), telnetProtocol(n.cfg, n.log))
}

func (n *node) listenSSH() error {
	if !n.cfg.SSH.Enabled {
		return nil
	}
	l, p, area, err := openSSH(n.dir, n.cfg, n.st, n.accts, n.met, n.log)
	if err != nil {
		return err
	}
	n.serveOn("ssh", l, func() error { return n.srv.Serve(l, p) })
	n.closers = append(n.closers, area)
	return nil
}

func (n *node) listenRlogin() error {
	p := &rlogind.Protocol{Config: rlogin.Config{HandshakeTimeout: n.cfg.Rlogin.HandshakeTimeout.D()}, Logger: n.log}
	return n.listenTCP("rlogin", n.cfg.Rlogin.Enabled, n.cfg.Rlogin.ListenAddr(), p)
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

func (n *node) listenWeb() error {
	if !n.cfg.Web.Enabled {
		return nil
	}
	ws, ls, err := openWeb(n.dir, n.cfg, n.srv, n.st, n.board, n.reg, n.met, n.accts, n.log)
	if err != nil {
		return err
	}
	n.web = ws
	n.serveOn("web", ls[0], func() error { return ws.Serve(ls[0]) })
	if len(ls) > 1 {
		port := ls[0].Addr().(*net.TCPAddr).Port
		n.serveOn("http", ls[1], func() error { return ws.ServeRedirect(ls[1], port) }, "redirect_to", ls[0].Addr().String())
	}
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
// reloading the web certificate whenever reload asks.
func (n *node) wait(ctx context.Context, reload <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-n.errc:
			return err
		case <-reload:
			n.reloadWeb()
		}
	}
}

func (n *node) reloadWeb() {
	if n.web == nil {
		return
	}
	if err := n.web.Reload(); err != nil {
		n.log.Error("reloading the web certificate failed; keeping the old one", "err", err)
	} else {
		n.log.Info("reloaded the web certificate", "fingerprint", n.web.Fingerprint())
	}
}

// shutdown gives the sessions the grace period to end, then stops the
// web and control servers, closes the listeners and waits for every
// service to return.
func (n *node) shutdown() {
	n.log.Info("shutting down", "sessions", n.reg.Len())
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

// openSSH loads (or makes) the host keys, opens the file area and listens
// for ssh.
func openSSH(dir string, cfg config.Config, st *store.Store, accts *accounts.Service, met *metrics.Metrics, log *slog.Logger) (net.Listener, *sshd.Protocol, *filearea.Area, error) {
	keys, generated, err := sshd.LoadHostKeys(dir, cfg.SSH.HostKeys)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, g := range generated {
		log.Info("generated an ssh host key", "file", g)
	}
	for _, fp := range sshd.Fingerprints(keys) {
		log.Info("ssh host key", "fingerprint", fp)
	}
	filesDir := cfg.Files.Dir
	if filesDir == "" {
		filesDir = filepath.Join(dir, FilesDir)
	}
	area, err := filearea.Open(filearea.Config{
		Dir:       filesDir,
		UploadDir: cfg.Files.UploadDir,
		MaxUpload: int64(cfg.Files.MaxUploadMiB) << 20,
		Quota:     int64(cfg.Files.QuotaMiB) << 20,
		Uploads:   st.Uploads,
		Logger:    log,
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("x84: file area: %w", err)
	}
	p, err := sshd.New(sshd.Options{
		HostKeys:       keys,
		Users:          st.Users,
		Keys:           st.Keys,
		Passwords:      accts.Hasher,
		Ban:            accts.Banner,
		Files:          area,
		AllowAnonymous: cfg.Accounts.AllowAnonymous,
		AuthTimeout:    cfg.SSH.AuthTimeout.D(),
		MaxAuthTries:   cfg.SSH.MaxAuthTries,
		OnLogin:        met.Login,
		OnBan:          met.Banned,
		Logger:         log,
	})
	if err != nil {
		area.Close()
		return nil, nil, nil, err
	}
	l, err := net.Listen("tcp", cfg.SSH.ListenAddr())
	if err != nil {
		area.Close()
		return nil, nil, nil, fmt.Errorf("x84: ssh: %w", err)
	}
	return l, p, area, nil
}

// telnetProtocol is telnet as configured, for the telnet listener and
// for telnet over WebSocket.
func telnetProtocol(cfg config.Config, log *slog.Logger) *telnetd.Protocol {
	return &telnetd.Protocol{Config: telnet.Config{
		MaxSubneg: cfg.Telnet.MaxSubnegotiation,
		Timeout:   cfg.Telnet.NegotiationTimeout.D(),
		Limit:     cfg.Telnet.NegotiationLimit.D(),
		Logger:    log,
	}}
}

// openWeb loads or makes the web server's certificate, builds the server
// and listens: the HTTPS listener first, then the redirect listener if
// one is configured.
func openWeb(dir string, cfg config.Config, srv *server.Server, st *store.Store, b *board.Board,
	reg *session.Registry, met *metrics.Metrics, accts *accounts.Service, log *slog.Logger) (*web.Server, []net.Listener, error) {
	var cert *web.Certificate
	var err error
	if cfg.Web.Cert != "" {
		cert, err = web.LoadCertificate(cfg.Web.Cert, cfg.Web.Key, cfg.Web.Chain)
	} else {
		var generated bool
		cert, generated, err = web.SelfSigned(filepath.Join(dir, TLSDir))
		if generated {
			log.Info("generated a self-signed web certificate", "dir", filepath.Join(dir, TLSDir))
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("x84: %w", err)
	}
	log.Info("web certificate", "fingerprint", cert.Fingerprint())
	ws := web.New(web.Config{
		Server:            srv,
		Telnet:            telnetProtocol(cfg, log),
		Board:             b,
		Store:             st,
		Sessions:          reg,
		Metrics:           met.Registry,
		MetricsToken:      cfg.Web.MetricsToken,
		Certificate:       cert,
		AllowedOrigins:    cfg.Web.AllowedOrigins,
		Admit:             accts.Banner.Check,
		OnelinerLimit:     cfg.Board.OnelinerCount,
		LastCallersLimit:  cfg.Board.LastCallers,
		Name:              cfg.Board.Name,
		MaxBody:           int64(cfg.Web.MaxBody),
		MaxMessage:        int64(cfg.Web.MaxMessage),
		ReadHeaderTimeout: cfg.Web.ReadHeaderTimeout.D(),
		ReadTimeout:       cfg.Web.ReadTimeout.D(),
		WriteTimeout:      cfg.Web.WriteTimeout.D(),
		IdleTimeout:       cfg.Web.IdleTimeout.D(),
		HelloTimeout:      cfg.Web.HelloTimeout.D(),
		Logger:            log,
	})
	l, err := net.Listen("tcp", cfg.Web.ListenAddr())
	if err != nil {
		return nil, nil, fmt.Errorf("x84: web: %w", err)
	}
	ls := []net.Listener{l}
	if cfg.Web.RedirectPort != 0 {
		rl, err := net.Listen("tcp", cfg.Web.RedirectAddr())
		if err != nil {
			l.Close()
			return nil, nil, fmt.Errorf("x84: web redirect: %w", err)
		}
		ls = append(ls, rl)
	}
	return ws, ls, nil
}

// HostKeyFingerprints returns the fingerprints of the ssh host keys of a
// data directory, making the keys first if they do not exist yet.
func HostKeyFingerprints(dataDir string) ([]string, error) {
	dir, err := DataDir(dataDir)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("x84: data directory: %w", err)
	}
	keys, _, err := sshd.LoadHostKeys(dir, cfg.SSH.HostKeys)
	if err != nil {
		return nil, err
	}
	return sshd.Fingerprints(keys), nil
}

// openAccounts builds the account services from the configuration.
func openAccounts(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*accounts.Service, error) {
	rules, err := auth.NewValidator(auth.RulesFromConfig(cfg.Accounts))
	if err != nil {
		return nil, fmt.Errorf("x84: accounts: %w", err)
	}
	banner, err := auth.NewBanner(ctx, auth.BanConfigFromConfig(cfg.Ban), st.Bans, log)
	if err != nil {
		return nil, fmt.Errorf("x84: bans: %w", err)
	}
	return &accounts.Service{Users: st.Users, Keys: st.Keys, Hasher: auth.HasherFromConfig(cfg.Accounts), Rules: rules, Banner: banner}, nil
}

// OpenAdmin opens the data directory's database for account
// administration while no server runs (`x84 user …`). The caller closes
// the returned store.
func OpenAdmin(ctx context.Context, dataDir string) (accounts.Admin, *store.Store, error) {
	dir, err := DataDir(dataDir)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("x84: data directory: %w", err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, DatabaseFile), sqlite.Options{})
	if err != nil {
		return nil, nil, err
	}
	a, err := openAccounts(ctx, cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return a, st, nil
}

// onelinerInterval maps the file's "0" (no wait) to the board's negative
// value, since the board's zero means its default.
func onelinerInterval(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

func newLogger(w io.Writer, c config.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// version is set at build time with -ldflags "-X github.com/x84bbs/x84.version=v1.2.3".
var version = "dev"

// Version returns the version of x84 this binary was built from.
func Version() string { return version }
