package sshd

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Passwords checks passwords against stored hashes (board.Passwords).
type Passwords interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, hash, password string) (ok, rehash bool, err error)
}

// LoginBan counts failed logins per address (auth.Banner).
type LoginBan interface {
	Check(addr netip.Addr) error
	Failed(ctx context.Context, addr netip.Addr) (banned bool, err error)
}

// Options configure the ssh front end.
type Options struct {
	// HostKeys are the server's keys; at least one is needed.
	HostKeys  []ssh.Signer
	Users     store.Users
	Keys      store.Keys
	Passwords Passwords
	// Ban, if non-nil, counts failed passwords toward the login ban.
	Ban LoginBan
	// Files, if non-nil, is served to the sftp subsystem.
	Files *filearea.Area
	// NewWords are user names that lead to the new-user application
	// (with an empty password). Default "new", "apply".
	NewWords []string
	// AnonWords are user names let in without a password when
	// AllowAnonymous is set.
	AnonWords      []string
	AllowAnonymous bool
	// AuthTimeout bounds the handshake and authentication, and then the
	// wait for a shell or subsystem. Default 30 s.
	AuthTimeout time.Duration
	// MaxAuthTries is the attempts one connection gets. Default 6.
	MaxAuthTries int
	// WriteTimeout bounds every write to a caller. Default 1 minute.
	WriteTimeout time.Duration
	// OnLogin, if non-nil, hears of every password checked, and OnBan of
	// every address banned by failed passwords (for metrics).
	OnLogin func(ok bool)
	OnBan   func()
	Logger  *slog.Logger
}

// Permission extensions set by authentication.
const (
	extUser = "x84-user" // the account logged in
	extNew  = "x84-new"  // "1": the caller asked for the new-user application
	extAnon = "x84-anon" // "1": an anonymous visitor
	// "1": the right password (or key) of a locked account: the caller
	// is told so, rather than asked again, and it is no strike toward a
	// ban.
	extLocked = "x84-locked"
	extKey    = "x84-key" // fingerprint of the public key offered
)

// Protocol serves ssh connections; it implements server.Protocol.
type Protocol struct {
	opts   Options
	config *ssh.ServerConfig
	log    *slog.Logger
	dummy  string // a hash checked for unknown users, so they cost the same
}

// New checks the options and builds the ssh configuration.
func New(opts Options) (*Protocol, error) {
	if len(opts.HostKeys) == 0 {
		return nil, errors.New("sshd: no host keys")
	}
	if opts.Users == nil || opts.Keys == nil || opts.Passwords == nil {
		return nil, errors.New("sshd: Users, Keys and Passwords are required")
	}
	if opts.NewWords == nil {
		opts.NewWords = []string{"new", "apply"}
	}
	if opts.AnonWords == nil {
		opts.AnonWords = []string{"anonymous", "guest"}
	}
	defaults.Positive(&opts.AuthTimeout, 30*time.Second)
	defaults.Positive(&opts.MaxAuthTries, 6)
	defaults.Positive(&opts.WriteTimeout, time.Minute)
	p := &Protocol{opts: opts, log: opts.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	dummy, err := opts.Passwords.Hash(context.Background(), rand.Text())
	if err != nil {
		return nil, fmt.Errorf("sshd: %w", err)
	}
	p.dummy = dummy
	cfg := &ssh.ServerConfig{
		ServerVersion:               "SSH-2.0-x84",
		MaxAuthTries:                opts.MaxAuthTries,
		PasswordCallback:            p.password,
		KeyboardInteractiveCallback: p.keyboardInteractive,
		PublicKeyCallback:           p.publicKey,
		VerifiedPublicKeyCallback:   p.verifiedPublicKey,
		AuthLogCallback: func(c ssh.ConnMetadata, method string, err error) {
			if method != "none" {
				p.log.Debug("ssh auth", "user", term.Sanitize(c.User()), "method", method, "remote", c.RemoteAddr().String(), "err", err)
			}
		},
	}
	for _, k := range opts.HostKeys {
		cfg.AddHostKey(k)
	}
	p.config = cfg
	return p, nil
}

var errAuth = errors.New("sshd: authentication failed")

func addrOf(c ssh.ConnMetadata) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

func isWord(words []string, user string) bool {
	return slices.Contains(words, strings.ToLower(user))
}

// checkPassword is the password check shared by both password methods.
func (p *Protocol) checkPassword(c ssh.ConnMetadata, password string) (*ssh.Permissions, error) {
	user := c.User()
	switch {
	case isWord(p.opts.NewWords, user):
		return &ssh.Permissions{Extensions: map[string]string{extNew: "1"}}, nil
	case p.opts.AllowAnonymous && isWord(p.opts.AnonWords, user):
		return &ssh.Permissions{Extensions: map[string]string{extAnon: "1"}}, nil
	}
	addr := addrOf(c)
	if p.opts.Ban != nil && p.opts.Ban.Check(addr) != nil {
		return nil, errAuth // banned meanwhile: no more tries
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := p.opts.Users.User(ctx, user)
	hash := p.dummy
	if err == nil {
		hash = u.Password
	}
	ok, rehash, verr := p.opts.Passwords.Verify(ctx, hash, password)
	ok = err == nil && verr == nil && ok
	if ok && u.InGroup(store.GroupLocked) {
		if p.opts.OnLogin != nil {
			p.opts.OnLogin(false)
		}
		return &ssh.Permissions{Extensions: map[string]string{extLocked: "1"}}, nil
	}
	if p.opts.OnLogin != nil {
		p.opts.OnLogin(ok)
	}
	if ok {
		if rehash {
			if _, err := store.Rehash(ctx, p.opts.Users, u, password, p.opts.Passwords.Hash); err != nil {
				p.log.Error("ssh: storing a rehashed password", "user", u.Handle, "err", err)
			}
		}
		return &ssh.Permissions{Extensions: map[string]string{extUser: u.Handle}}, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.log.Error("ssh: looking up a user", "err", err)
	}
	if p.opts.Ban != nil && addr.IsValid() {
		if banned, _ := p.opts.Ban.Failed(ctx, addr); banned {
			p.log.Info("ssh: address banned after failed logins", "remote", addr.String())
			if p.opts.OnBan != nil {
				p.opts.OnBan()
			}
		}
	}
	return nil, errAuth
}

func (p *Protocol) password(c ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
	return p.checkPassword(c, string(password))
}

func (p *Protocol) keyboardInteractive(c ssh.ConnMetadata, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	user := c.User()
	if isWord(p.opts.NewWords, user) || p.opts.AllowAnonymous && isWord(p.opts.AnonWords, user) {
		return p.checkPassword(c, "")
	}
	answers, err := client("", "", []string{"Password: "}, []bool{false})
	if err != nil || len(answers) != 1 {
		return nil, errAuth
	}
	return p.checkPassword(c, answers[0])
}

// publicKey only notes which of the user's registered keys was offered;
// nothing is decided until the client proves it holds it.
func (p *Protocol) publicKey(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	keys, err := p.opts.Keys.Keys(ctx, c.User())
	if err != nil {
		return nil, errAuth
	}
	fp := ssh.FingerprintSHA256(key)
	for _, k := range keys {
		if k.Fingerprint == fp {
			return &ssh.Permissions{Extensions: map[string]string{extKey: fp}}, nil
		}
	}
	return nil, errAuth
}

// verifiedPublicKey logs the caller in once the key it proved is the one
// noted by publicKey.
func (p *Protocol) verifiedPublicKey(c ssh.ConnMetadata, key ssh.PublicKey, perms *ssh.Permissions, _ string) (*ssh.Permissions, error) {
	if perms == nil || perms.Extensions[extKey] != ssh.FingerprintSHA256(key) {
		return nil, errAuth
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, err := p.opts.Users.User(ctx, c.User())
	if err != nil {
		return nil, errAuth
	}
	if u.InGroup(store.GroupLocked) {
		perms.Extensions[extLocked] = "1"
		return perms, nil
	}
	perms.Extensions[extUser] = u.Handle
	return perms, nil
}

// Open runs the ssh handshake and authentication on c, then waits for the
// first session channel's shell or subsystem. A shell with a pty becomes
// the returned terminal; the sftp subsystem is served here, after which
// Open returns server.ErrNoSession.
func (p *Protocol) Open(ctx context.Context, c net.Conn) (term.Conn, error) {
	c.SetDeadline(time.Now().Add(p.opts.AuthTimeout))
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	sconn, chans, reqs, err := ssh.NewServerConn(c, p.config)
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
	go ssh.DiscardRequests(reqs)

	// The caller has AuthTimeout more to ask for a shell or subsystem.
	timer := time.AfterFunc(p.opts.AuthTimeout, func() { sconn.Close() })
	defer timer.Stop()
	stopCtx := context.AfterFunc(ctx, func() { sconn.Close() })
	defer stopCtx()

	perms := sconn.Permissions.Extensions
	caller := caller{handle: perms[extUser], isNew: perms[extNew] == "1", anon: perms[extAnon] == "1", locked: perms[extLocked] == "1"}
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "x84 serves session channels only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		s := newChanState()
		go s.serveRequests(creqs, p, caller)
		var st startReq
		select {
		case st = <-s.start:
		case <-s.finished:
		}
		timer.Stop()
		go refuseChannels(chans)
		return p.begin(ctx, sconn, ch, s, st, caller)
	}
	sconn.Close()
	return nil, fmt.Errorf("sshd: connection closed before a session began: %w", server.ErrNoSession)
}

// refuseChannels turns down every further channel on a connection that
// already has its session; it ends when the connection closes.
func refuseChannels(chans <-chan ssh.NewChannel) {
	for nc := range chans {
		nc.Reject(ssh.Prohibited, "x84 serves one session per connection")
	}
}

// caller is who authenticated.
type caller struct {
	handle string
	isNew  bool
	anon   bool
	locked bool // a locked account: told so, and served nothing
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
	case who.locked && st.kind == startSubsystem:
		// sftp would take a line of text for its protocol: no line.
	case who.locked:
		why = "This account is locked; ask the sysop."
	case st.kind == startSubsystem:
		p.serveSFTP(ctx, sconn, ch, who)
		return nil, server.ErrNoSession
	case st.kind == startShell && s.hasPty():
		return newConn(sconn, ch, s, who, p.opts.WriteTimeout), nil
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
	u, err := p.opts.Users.User(ctx, who.handle)
	if err != nil || p.opts.Files == nil {
		hangUp(sconn, ch, 1)
		return
	}
	// The handlers' context ends with the transfer, so that an upload
	// still open when the client went away is discarded, not kept.
	sctx, cancel := context.WithCancel(ctx)
	h := p.opts.Files.Handlers(sctx, filearea.User{Handle: u.Handle, Sysop: u.InGroup(store.GroupSysop)})
	srv := sftp.NewRequestServer(ch, h, sftp.WithRSAllocator())
	p.log.Info("sftp start", "user", u.Handle, "remote", sconn.RemoteAddr().String())
	if err := srv.Serve(); err != nil && !errors.Is(err, io.EOF) {
		p.log.Debug("sftp ended", "user", u.Handle, "err", err)
	}
	cancel()
	srv.Close()
	hangUp(sconn, ch, 0)
}
