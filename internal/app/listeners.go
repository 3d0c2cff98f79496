package app

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/rlogind"
	"github.com/x84bbs/x84/internal/sshd"
	"github.com/x84bbs/x84/internal/telnetd"
	"github.com/x84bbs/x84/internal/web"
	"github.com/x84bbs/x84/rlogin"
	"github.com/x84bbs/x84/telnet"
)

func (n *node) listenTelnet() error {
	return n.listenTCP("telnet", n.cfg.Telnet.Enabled, n.cfg.Telnet.ListenAddr(), telnetProtocol(n.cfg, n.log))
}

func (n *node) listenRlogin() error {
	p := &rlogind.Protocol{Config: rlogin.Config{HandshakeTimeout: n.cfg.Rlogin.HandshakeTimeout.D()}, Logger: n.log}
	return n.listenTCP("rlogin", n.cfg.Rlogin.Enabled, n.cfg.Rlogin.ListenAddr(), p)
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

// listenSSH loads (or makes) the host keys, opens the file area and
// listens for ssh.
func (n *node) listenSSH() error {
	if !n.cfg.SSH.Enabled {
		return nil
	}
	keys, err := hostKeys(n.dir, n.cfg, n.log)
	if err != nil {
		return err
	}
	p, err := sshd.New(sshd.Config{
		HostKeys:     keys,
		Accounts:     n.parts.Accounts,
		Files:        n.parts.Area,
		Register:     n.srv.Register,
		AuthTimeout:  n.cfg.SSH.AuthTimeout.D(),
		MaxAuthTries: n.cfg.SSH.MaxAuthTries,
		Logger:       n.log,
	})
	if err != nil {
		return err
	}
	return n.listenTCP("ssh", true, n.cfg.SSH.ListenAddr(), p)
}

// hostKeys loads the ssh host keys, making those missing, and logs their
// fingerprints.
func hostKeys(dir string, cfg config.Config, log *slog.Logger) ([]ssh.Signer, error) {
	keys, generated, err := sshd.LoadHostKeys(dir, cfg.SSH.HostKeys)
	if err != nil {
		return nil, err
	}
	for _, g := range generated {
		log.Info("generated an ssh host key", "file", g)
	}
	for _, fp := range sshd.Fingerprints(keys) {
		log.Info("ssh host key", "fingerprint", fp)
	}
	return keys, nil
}

// listenWeb loads or makes the web server's certificate, builds the
// server and listens: the HTTPS listener, then the redirect listener if
// one is configured.
func (n *node) listenWeb() error {
	if !n.cfg.Web.Enabled {
		return nil
	}
	cert, err := n.certificate()
	if err != nil {
		return err
	}
	cfg, p := n.cfg, n.parts
	ws := web.New(web.Config{
		Server:            n.srv,
		Files:             p.Files,
		Telnet:            telnetProtocol(cfg, n.log),
		Accounts:          p.Accounts,
		Oneliners:         p.Community.Oneliners,
		Calls:             p.Store.Calls,
		Presence:          p.Community.Presence,
		Metrics:           p.met.Registry,
		MetricsToken:      cfg.Web.MetricsToken,
		Certificate:       cert,
		AllowedOrigins:    cfg.Web.AllowedOrigins,
		Admit:             p.banner.Check,
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
		Logger:            n.log,

		// Every connection to the web port counts, with the sessions' values.
		MaxConns:           cfg.Server.MaxSessions,
		MaxConnsPerAddress: cfg.Server.MaxPerAddress,
		OnRefuse:           p.met.Refused,
		PublicWho:          cfg.Web.PublicWho,
		Admin:              n.webAdmin(),
	})
	l, err := net.Listen("tcp", cfg.Web.ListenAddr())
	if err != nil {
		return fmt.Errorf("x84: web: %w", err)
	}
	n.web = ws
	n.serveOn("web", l, func() error { return ws.Serve(l) })
	if cfg.Web.RedirectPort != 0 {
		rl, err := net.Listen("tcp", cfg.Web.RedirectAddr())
		if err != nil {
			return fmt.Errorf("x84: web redirect: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		n.serveOn("http", rl, func() error { return ws.ServeRedirect(rl, port) }, "redirect_to", l.Addr().String())
	}
	return nil
}

// certificate loads the configured web certificate, or makes (and then
// reuses) a self-signed one.
func (n *node) certificate() (*web.Certificate, error) {
	var cert *web.Certificate
	var err error
	if n.cfg.Web.Cert != "" {
		cert, err = web.LoadCertificate(n.cfg.Web.Cert, n.cfg.Web.Key, n.cfg.Web.Chain)
	} else {
		var generated bool
		cert, generated, err = web.SelfSigned(filepath.Join(n.dir, TLSDir))
		if generated {
			n.log.Info("generated a self-signed web certificate", "dir", filepath.Join(n.dir, TLSDir))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("x84: %w", err)
	}
	n.log.Info("web certificate", "fingerprint", cert.Fingerprint())
	return cert, nil
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

// HostKeyFingerprints returns the fingerprints of the ssh host keys of
// the data directory dir, making the keys first if they do not exist yet.
func HostKeyFingerprints(dir string) ([]string, error) {
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
