package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Config configures the ssh front end. HostKeys and Accounts are
// required.
type Config struct {
	// HostKeys are the server's keys; at least one is needed.
	HostKeys []ssh.Signer
	// Accounts logs callers in, by password or public key, with the
	// board's rules (failure pause, ban strikes, locked accounts).
	Accounts *account.Service
	// Files, if non-nil, is served to the sftp subsystem.
	Files *filearea.Area
	// Register, if non-nil, lists each sftp transfer in who's online
	// (server.Server.Register) until done is called.
	Register func(term.Conn) (sess *session.Session, done func())
	// AuthTimeout bounds the handshake and authentication, and then the
	// wait for a shell or subsystem. Default 30 s.
	AuthTimeout time.Duration
	// MaxAuthTries is the attempts one connection gets. Default 6.
	MaxAuthTries int
	// WriteTimeout bounds every write to a caller. Default 1 minute.
	WriteTimeout time.Duration
	Logger       *slog.Logger
}

// Permission extensions set by authentication.
const (
	extUser = "x84-user" // the account logged in
	extNew  = "x84-new"  // "1": the caller asked for the new-user application
	extAnon = "x84-anon" // "1": an anonymous visitor
	extKey  = "x84-key"  // fingerprint of the public key offered
)

// Protocol serves ssh connections; it implements server.Protocol.
type Protocol struct {
	cfg    Config
	config *ssh.ServerConfig // without the authentication callbacks
	log    *slog.Logger
}

// New checks cfg, fills in its defaults and builds the ssh configuration.
func New(cfg Config) (*Protocol, error) {
	if len(cfg.HostKeys) == 0 {
		return nil, errors.New("sshd: no host keys")
	}
	if cfg.Accounts == nil {
		return nil, errors.New("sshd: Config.Accounts is required")
	}
	defaults.Positive(&cfg.AuthTimeout, 30*time.Second)
	defaults.Positive(&cfg.MaxAuthTries, 6)
	defaults.Positive(&cfg.WriteTimeout, time.Minute)
	p := &Protocol{cfg: cfg, log: cfg.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	sc := &ssh.ServerConfig{
		ServerVersion: "SSH-2.0-x84",
		MaxAuthTries:  cfg.MaxAuthTries,
		AuthLogCallback: func(c ssh.ConnMetadata, method string, err error) {
			if method != "none" {
				p.log.Debug("ssh auth", "user", term.Sanitize(c.User()), "method", method, "remote", c.RemoteAddr().String(), "err", err)
			}
		},
	}
	for _, k := range cfg.HostKeys {
		sc.AddHostKey(k)
	}
	p.config = sc
	return p, nil
}

// serverConfig returns the ssh configuration for one connection, conn:
// its authentication callbacks work within the connection's ctx, so that
// a login in progress ends when the server shuts down. x/crypto/ssh
// copies the configuration of each connection anyway.
func (p *Protocol) serverConfig(ctx context.Context, conn net.Conn) *ssh.ServerConfig {
	sc := *p.config
	// A first factor proven leaves the code to ask for (a partial
	// success): the caller gets AuthTimeout from there to type it.
	more := func(perms *ssh.Permissions, err error) (*ssh.Permissions, error) {
		var partial *ssh.PartialSuccessError
		if errors.As(err, &partial) {
			p.moreTimeForCode(ctx, conn)
		}
		return perms, err
	}
	sc.PasswordCallback = func(c ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
		return more(p.checkPassword(ctx, c, string(password)))
	}
	sc.KeyboardInteractiveCallback = func(c ssh.ConnMetadata, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
		return more(p.keyboardInteractive(ctx, c, client))
	}
	sc.PublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		return p.publicKey(ctx, c, key)
	}
	sc.VerifiedPublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey, perms *ssh.Permissions, _ string) (*ssh.Permissions, error) {
		return more(p.verifiedPublicKey(ctx, c, key, perms))
	}
	return &sc
}

var errAuth = errors.New("sshd: authentication failed")

func addrOf(c ssh.ConnMetadata) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// checkPassword is the password check shared by both password methods:
// the account service decides.
func (p *Protocol) checkPassword(ctx context.Context, c ssh.ConnMetadata, password string) (*ssh.Permissions, error) {
	user := c.User()
	switch p.cfg.Accounts.Intent(user) {
	case account.IntentApply:
		return &ssh.Permissions{Extensions: map[string]string{extNew: "1"}}, nil
	case account.IntentGuest:
		return &ssh.Permissions{Extensions: map[string]string{extAnon: "1"}}, nil
	}
	u, err := p.cfg.Accounts.Login(ctx, user, password, addrOf(c))
	switch {
	case err == nil:
		return p.afterFirstFactor(ctx, u, &ssh.Permissions{Extensions: map[string]string{extUser: u.Handle}})
	case errors.Is(err, account.ErrLoginFailed), errors.Is(err, account.ErrBanned), ctx.Err() != nil:
	default:
		p.log.Error("ssh: login", "remote", c.RemoteAddr().String(), "err", err)
	}
	return nil, errAuth
}

func (p *Protocol) keyboardInteractive(ctx context.Context, c ssh.ConnMetadata, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	// "new" and "anonymous" need no password: no prompt for them.
	switch p.cfg.Accounts.Intent(c.User()) {
	case account.IntentApply, account.IntentGuest:
		return p.checkPassword(ctx, c, "")
	}
	answers, err := client("", "", []string{"Password: "}, []bool{false})
	if err != nil || len(answers) != 1 {
		return nil, errAuth
	}
	return p.checkPassword(ctx, c, answers[0])
}

// publicKey only notes which of the user's registered keys was offered;
// nothing is decided until the client proves it holds it.
func (p *Protocol) publicKey(ctx context.Context, c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	fp := ssh.FingerprintSHA256(key)
	if ok, err := p.cfg.Accounts.KeyRegistered(ctx, c.User(), fp); err != nil || !ok {
		return nil, errAuth
	}
	return &ssh.Permissions{Extensions: map[string]string{extKey: fp}}, nil
}

// verifiedPublicKey logs the caller in once the key it proved is the one
// noted by publicKey.
func (p *Protocol) verifiedPublicKey(ctx context.Context, c ssh.ConnMetadata, key ssh.PublicKey, perms *ssh.Permissions) (*ssh.Permissions, error) {
	if perms == nil || perms.Extensions[extKey] != ssh.FingerprintSHA256(key) {
		return nil, errAuth
	}
	u, err := p.cfg.Accounts.LoginKey(ctx, c.User(), perms.Extensions[extKey])
	if err != nil {
		return nil, errAuth
	}
	perms.Extensions[extUser] = u.Handle
	return p.afterFirstFactor(ctx, u, perms)
}

// Open runs the ssh handshake and authentication on c, then waits for the
// first session channel's shell or subsystem. A shell with a pty becomes
// the returned terminal; the sftp subsystem is served here, after which
// Open returns server.ErrNoSession.
func (p *Protocol) Open(ctx context.Context, c net.Conn) (term.Conn, error) {
	c.SetDeadline(time.Now().Add(p.cfg.AuthTimeout))
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	jc := newJoinConn(c)
	sconn, chans, reqs, err := ssh.NewServerConn(jc, p.serverConfig(ctx, c))
	if !stop() {
		if err == nil {
			sconn.Close()
		}
		c.Close()
		return nil, ctx.Err()
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("sshd: handshake: %w", err)
	}
	c.SetDeadline(time.Time{})
	jc.joinFor(sconn)

	// The caller has AuthTimeout more to ask for a shell or subsystem.
	timer := time.AfterFunc(p.cfg.AuthTimeout, func() { sconn.Close() })
	defer timer.Stop()
	stopCtx := context.AfterFunc(ctx, func() { sconn.Close() })
	defer stopCtx()

	perms := sconn.Permissions.Extensions
	caller := caller{handle: perms[extUser], isNew: perms[extNew] == "1", anon: perms[extAnon] == "1",
		rtt: func() time.Duration { return roundTrip(c) }}
	for {
		var nc ssh.NewChannel
		select {
		case req, ok := <-reqs:
			if !ok {
				reqs = nil // the connection is closing: chans closes too
			} else if req.WantReply {
				req.Reply(false, nil)
			}
			continue
		case nc = <-chans:
		}
		if nc == nil {
			break
		}
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "x84 serves session channels only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		s := newChanState()
		go s.serve(p, caller, creqs, reqs, chans)
		var st startReq
		select {
		case st = <-s.start:
		case <-s.finished:
		}
		timer.Stop()
		return p.begin(ctx, sconn, ch, s, st, caller)
	}
	sconn.Close()
	return nil, fmt.Errorf("sshd: connection closed before a session began: %w", server.ErrNoSession)
}

// caller is who authenticated.
type caller struct {
	handle string
	isNew  bool
	anon   bool
	// rtt estimates the connection's round trip now (0: unknown).
	rtt func() time.Duration
}

func (c caller) name() string {
	switch {
	case c.isNew:
		return "new"
	case c.anon:
		return "anonymous"
	}
	return c.handle
}

// begin starts what the session channel asked for.
func (p *Protocol) begin(ctx context.Context, sconn *ssh.ServerConn, ch ssh.Channel, s *chanState, st startReq, who caller) (term.Conn, error) {
	var why string // the line a refused caller gets before exit status 1
	switch {
	case st.kind == startSubsystem:
		p.serveSFTP(ctx, sconn, ch, who)
		return nil, server.ErrNoSession
	case st.kind == startShell && s.hasPty():
		return newConn(sconn, ch, s, who, p.cfg.WriteTimeout), nil
	case st.kind == startExec:
		why = "x84 is a bulletin board: it runs no commands. Connect without one (ssh -t HOST)."
	case st.kind == startShell:
		why = "x84 is a bulletin board: it needs an interactive terminal. Try ssh -t."
	default:
		sconn.Close()
		return nil, server.ErrNoSession
	}
	if why != "" {
		fmt.Fprint(ch, why+"\r\n")
	}
	hangUp(sconn, ch, 1)
	return nil, server.ErrNoSession
}

// exit reports the exit status and closes the channel.
func exit(ch ssh.Channel, status uint32) {
	ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
	ch.CloseWrite()
	ch.Close()
}

// hangUp ends a connection the way clients expect: exit status, channel
// closed, and a moment for the client to close its side (which it does on
// seeing the channel close) before the connection is cut; otherwise
// OpenSSH reports "closed by remote host".
func hangUp(sconn *ssh.ServerConn, ch ssh.Channel, status uint32) {
	exit(ch, status)
	done := make(chan struct{})
	go func() {
		sconn.Wait()
		close(done)
	}()
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
	sconn.Close()
	<-done
}

// serveSFTP serves the file area on the channel until the client is done.
func (p *Protocol) serveSFTP(ctx context.Context, sconn *ssh.ServerConn, ch ssh.Channel, who caller) {
	u, err := p.cfg.Accounts.User(ctx, who.handle)
	if err != nil || p.cfg.Files == nil {
		hangUp(sconn, ch, 1)
		return
	}
	// The handlers' context ends with the transfer, so that an upload
	// still open when the client went away is discarded, not kept.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The account as it is now: the file areas' levels and groups, and
	// validation, count as the transfer begins.
	fs, err := p.cfg.Files.NewSession(sctx, filearea.User{ID: u.ID, Handle: u.Handle, Sysop: u.InGroup(store.GroupSysop), Account: u})
	if err != nil {
		// sftp clients show what the server writes on stderr.
		fmt.Fprintf(ch.Stderr(), "x84: %v\n", err)
		hangUp(sconn, ch, 1)
		return
	}
	defer fs.Close()
	if p.cfg.Register != nil {
		tc := &transferConn{
			info: term.Info{Kind: term.KindSFTP, RemoteAddr: sconn.RemoteAddr(), Term: "sftp", Encoding: term.UTF8},
			done: make(chan struct{}),
			// A sysop's disconnect ends the transfer.
			onClose: func() { sconn.Close() },
		}
		sess, done := p.cfg.Register(tc)
		defer done()
		sess.SetUser(u.Handle)
		sess.SetActivity(filearea.ActivityIdle)
		fs.Activity = sess.SetActivity
	}
	var rtt time.Duration
	if who.rtt != nil {
		rtt = who.rtt()
	}
	srv := sftp.NewRequestServer(newSFTPChannel(ch, readAhead(rtt, p.cfg.Files.MaxOpen())), fs.Handlers(),
		sftp.WithRSAllocator(), sftp.WithRSMaxTxPacket(sftpMaxData))
	p.log.Info("sftp start", "user", u.Handle, "remote", sconn.RemoteAddr().String())
	if err := srv.Serve(); err != nil && !errors.Is(err, io.EOF) {
		p.log.Debug("sftp ended", "user", u.Handle, "err", err)
	}
	cancel()
	// Not srv.Close, which closes the channel: the client is to get the
	// exit status first.
	hangUp(sconn, ch, 0)
}

// transferConn stands for an sftp transfer in the session registry: it
// has no terminal, so reads wait for the close and writes go nowhere.
type transferConn struct {
	info    term.Info
	once    sync.Once
	done    chan struct{}
	onClose func()
}

func (c *transferConn) Read([]byte) (int, error) {
	<-c.done
	return 0, io.EOF
}

func (c *transferConn) Write(p []byte) (int, error) { return len(p), nil }

func (c *transferConn) Close() error {
	c.once.Do(func() {
		close(c.done)
		c.onClose()
	})
	return nil
}

func (c *transferConn) Info() term.Info           { return c.info }
func (c *transferConn) Resized() <-chan term.Size { return nil }
