package web

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/store"
)

// ErrServerClosed is returned by Serve and ServeRedirect after Shutdown
// or Close.
var ErrServerClosed = errors.New("web: server closed")

// Defaults for the zero Config.
const (
	DefaultMaxBody           = 64 << 10
	DefaultMaxMessage        = 64 << 10
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 15 * time.Second
	DefaultHelloTimeout      = 5 * time.Second
	// DefaultListLimit is the length of the API's lists when the board's
	// own is not set; MaxListLimit the longest a client may ask for.
	DefaultListLimit = 20
	MaxListLimit     = 100
)

// Config configures a Server. Every field is optional: a nil callback or
// dependency disables what needs it (an endpoint answers 404 or 503).
type Config struct {
	// Files serves the browser terminal's one-time download links at
	// /files/TOKEN. If nil, they answer 404.
	Files *files.Service
	// Server runs the terminal sessions of /ws and /ws/telnet, with the
	// limits and the ban hook every protocol shares. If nil, both answer
	// 404.
	Server *server.Server
	// Telnet negotiates telnet inside /ws/telnet. If nil, telnetd's
	// defaults are used.
	Telnet server.Protocol
	// Accounts logs API clients in, with the board's timing and ban
	// rules. If nil, POST /api/oneliners answers 404.
	Accounts *account.Service
	// Oneliners serves and takes one-liners, with the board's rules. If
	// nil, /api/oneliners answers 404.
	Oneliners *community.Oneliners
	// Calls serves the last callers list. If nil, /api/lastcallers
	// answers 404.
	Calls store.Calls
	// Presence lists who is online for /api/who.
	Presence community.Presence
	// PublicWho serves GET /api/who to anyone. If false, it answers 404.
	PublicWho bool
	// Metrics is served at /metrics. If nil, /metrics answers 404.
	Metrics prometheus.Gatherer
	// MetricsToken, if not empty, lets clients other than loopback read
	// /metrics with "Authorization: Bearer <token>".
	MetricsToken string
	// Certificate is the TLS certificate. Serve needs it.
	Certificate *Certificate
	// AllowedOrigins are origins ("https://example.com") besides the
	// server's own host whose pages may open the WebSockets.
	AllowedOrigins []string
	// Admit, if non-nil, is called with the client's address for every
	// connection as it is accepted, on the accept loop, and for every
	// request: an error (a ban) closes the connection before the TLS
	// handshake, or refuses the request with 403 and the error's text.
	// It must not block.
	Admit func(addr netip.Addr) error
	// MaxConns limits the connections open at once on the HTTPS and the
	// redirect listener together: every TCP connection, idle keep-alive
	// ones and handshakes included. MaxConnsPerAddress limits those from
	// one IPv4 address or IPv6 /64. A connection over a limit is closed
	// as it is accepted, before the TLS handshake. Defaults
	// server.DefaultMaxSessions and server.DefaultMaxPerAddress. Terminals
	// count against Server's limits as well.
	MaxConns           int
	MaxConnsPerAddress int
	// OnRefuse, if non-nil, is called for every connection closed at
	// accept, on the accept loop; it must not block.
	OnRefuse func(addr netip.Addr, reason server.RefusalReason)
	// OnelinerLimit and LastCallersLimit are the lists' default lengths.
	// Default DefaultListLimit; a client may ask for up to MaxListLimit.
	OnelinerLimit    int
	LastCallersLimit int
	// Name is the board's name, the page's title. Default "x84".
	Name string
	// Admin, if non-nil, serves every path under AdminPrefix (the web
	// admin, package webadmin), behind the same headers, ban check and
	// body limit as the rest. If nil, those paths answer 404.
	Admin http.Handler

	MaxBody           int64         // largest request body; default DefaultMaxBody
	MaxMessage        int64         // largest WebSocket message; default DefaultMaxMessage
	ReadHeaderTimeout time.Duration // also bounds the TLS handshake
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// HelloTimeout is how long a browser terminal has to send its window
	// size once the WebSocket is open.
	HelloTimeout time.Duration

	// Logger receives the server's log. If nil, nothing is logged.
	Logger *slog.Logger
}

// Server is the HTTPS server. Build it with New, then call Serve (and
// ServeRedirect for a plain-HTTP redirect listener).
type Server struct {
	cfg     Config
	log     *slog.Logger
	origins map[string]bool
	assets  map[string]asset
	https   *http.Server
	plain   *http.Server
	tlsConf *tls.Config

	conns    server.Limiter // every connection of both listeners
	refusals server.Throttle

	baseCtx context.Context // ends at Shutdown or Close
	cancel  context.CancelFunc

	mu        sync.Mutex
	terminals map[*websocket.Conn]struct{} // open WebSockets
	closing   bool
	wg        sync.WaitGroup // WebSocket handlers, which outlive http.Server's tracking

	postMu   sync.Mutex
	postBusy map[netip.Prefix]int // API logins in progress, by server.CallerOf
}

// New returns a Server for cfg, with defaults filled in.
func New(cfg Config) *Server {
	defaults.Positive(&cfg.MaxBody, DefaultMaxBody)
	defaults.Positive(&cfg.MaxMessage, DefaultMaxMessage)
	defaults.Positive(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	defaults.Positive(&cfg.ReadTimeout, DefaultReadTimeout)
	defaults.Positive(&cfg.WriteTimeout, DefaultWriteTimeout)
	defaults.Positive(&cfg.IdleTimeout, DefaultIdleTimeout)
	defaults.Positive(&cfg.HelloTimeout, DefaultHelloTimeout)
	defaults.Positive(&cfg.OnelinerLimit, DefaultListLimit)
	defaults.Positive(&cfg.LastCallersLimit, DefaultListLimit)
	if cfg.Name == "" {
		cfg.Name = "x84"
	}
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		origins:   make(map[string]bool),
		assets:    loadAssets(),
		terminals: make(map[*websocket.Conn]struct{}),
		postBusy:  make(map[netip.Prefix]int),
		conns:     server.Limiter{MaxTotal: cfg.MaxConns, MaxPerAddress: cfg.MaxConnsPerAddress},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, o := range cfg.AllowedOrigins {
		s.origins[strings.ToLower(o)] = true
	}
	s.baseCtx, s.cancel = context.WithCancel(context.Background())
	s.https = s.httpServer(s.Handler())
	s.tlsConf = &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   tls12Suites,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: s.getCertificate,
	}
	s.plain = s.httpServer(s.redirectHandler())
	return s
}

// httpServer returns an http.Server for h with the configured limits,
// shared by the HTTPS and the redirect listener.
func (s *Server) httpServer(h http.Handler) *http.Server {
	// Only HTTP/1.1: WebSockets need it (Go's HTTP/2 server does not
	// offer RFC 8441 by default), and the page is three small files.
	var protos http.Protocols
	protos.SetHTTP1(true)
	return &http.Server{
		Handler:           h,
		Protocols:         &protos,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    16 << 10,
		ConnState:         stopRewriting,
		// TLS handshake failures and the like are the client's; keep
		// them out of the log unless debugging.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// tls12Suites are the cipher suites offered in TLS 1.2: ECDHE with an
// AEAD only, no CBC and no SHA-1 MAC. (TLS 1.3's are not configurable,
// and all AEAD.)
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

func (s *Server) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	if s.cfg.Certificate == nil {
		return nil, errors.New("web: no certificate")
	}
	return s.cfg.Certificate.GetCertificate(hello)
}

// Serve serves HTTPS on l until Shutdown or Close, when it returns
// ErrServerClosed. Connections are counted against the limits as they
// are accepted; the TLS handshake, in each connection's goroutine, is
// bounded by ReadHeaderTimeout.
func (s *Server) Serve(l net.Listener) error {
	if s.cfg.Certificate == nil {
		l.Close()
		return errors.New("web: Serve needs a Certificate")
	}
	return serveErr(s.https.Serve(&tlsListener{s.limitListener(l), s.tlsConf}))
}

// ServeRedirect serves plain HTTP on l, answering every request with a
// redirect to the same path over HTTPS on httpsPort. Its connections
// count against the same limits as Serve's. Call it once.
func (s *Server) ServeRedirect(l net.Listener, httpsPort int) error {
	s.plain.Handler = s.redirectTo(httpsPort)
	return serveErr(s.plain.Serve(s.limitListener(l)))
}

func serveErr(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return ErrServerClosed
	}
	return err
}

// Reload reads the certificate's files again; connections already open
// keep the certificate they have.
func (s *Server) Reload() error {
	if s.cfg.Certificate == nil {
		return nil
	}
	return s.cfg.Certificate.Reload()
}

// Fingerprint returns the SHA-256 fingerprint of the certificate in use.
func (s *Server) Fingerprint() string {
	if s.cfg.Certificate == nil {
		return ""
	}
	return s.cfg.Certificate.Fingerprint()
}

// Shutdown stops the listeners, lets requests in progress finish, ends
// WebSockets still waiting for their first message, and waits for every
// terminal's handler to return (their sessions end when the session
// server shuts down). If ctx ends first, the remaining WebSockets are
// closed and ctx's error returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose()
	err := errors.Join(s.https.Shutdown(ctx), s.plain.Shutdown(ctx))
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return err
	case <-ctx.Done():
	}
	s.closeTerminals()
	<-done
	return ctx.Err()
}

// Close stops everything at once: listeners, connections and WebSockets.
func (s *Server) Close() error {
	s.beginClose()
	err := errors.Join(s.https.Close(), s.plain.Close())
	s.closeTerminals()
	s.wg.Wait()
	return err
}

func (s *Server) beginClose() {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.cancel()
}

func (s *Server) closeTerminals() {
	s.mu.Lock()
	list := make([]*websocket.Conn, 0, len(s.terminals))
	for c := range s.terminals {
		list = append(list, c)
	}
	s.mu.Unlock()
	for _, c := range list {
		c.CloseNow()
	}
}

// track adds a WebSocket handler to the ones Shutdown waits for; it
// refuses once shutdown has begun.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

func (s *Server) trackConn(c *websocket.Conn, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		s.terminals[c] = struct{}{}
	} else {
		delete(s.terminals, c)
	}
}

// clientAddr returns the IP address of a request's client.
func clientAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// redirectHandler answers until ServeRedirect sets the real one.
func (s *Server) redirectHandler() http.Handler { return s.redirectTo(443) }

// redirectTo redirects every request to HTTPS on port.
func (s *Server) redirectTo(port int) http.Handler {
	return s.secure(false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "" {
			writeError(w, http.StatusBadRequest, "a Host header is required")
			return
		}
		if port != 443 {
			host = net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port))
		} else if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
			host = "[" + host + "]"
		}
		w.Header().Set("Location", "https://"+host+r.URL.RequestURI())
		w.WriteHeader(http.StatusPermanentRedirect)
	}))
}
