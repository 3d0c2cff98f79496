package sshd

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
	"github.com/x84bbs/x84/term"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLoadHostKeys(t *testing.T) {
	dir := t.TempDir()
	keys, generated, err := LoadHostKeys(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || len(generated) != 3 {
		t.Fatalf("LoadHostKeys made %d keys (%d generated); want 3", len(keys), len(generated))
	}
	types := []string{keys[0].PublicKey().Type(), keys[1].PublicKey().Type(), keys[2].PublicKey().Type()}
	if strings.Join(types, ",") != "ssh-ed25519,ecdsa-sha2-nistp256,ssh-rsa" {
		t.Errorf("key types %v", types)
	}
	for _, g := range generated {
		fi, err := os.Stat(g)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", g, fi.Mode().Perm(), err)
		}
	}
	again, generated, err := LoadHostKeys(dir, nil)
	if err != nil || len(generated) != 0 {
		t.Fatalf("second LoadHostKeys generated %v, %v; want none", generated, err)
	}
	if strings.Join(Fingerprints(again), " ") != strings.Join(Fingerprints(keys), " ") {
		t.Errorf("the keys changed on the second start")
	}
	os.Chmod(filepath.Join(dir, "ssh_host_ed25519_key"), 0o644)
	if _, _, err := LoadHostKeys(dir, nil); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("a world-readable host key was accepted: %v", err)
	}
}

func TestChooseEncoding(t *testing.T) {
	tests := []struct {
		term string
		env  map[string]string
		want term.Encoding
	}{
		{"xterm-256color", nil, term.UTF8},
		{"xterm", map[string]string{"LANG": "en_US.UTF-8"}, term.UTF8},
		{"xterm", map[string]string{"LANG": "C"}, term.UTF8},
		{"xterm", map[string]string{"LANG": "en_US.ISO-8859-1"}, term.CP437},
		{"xterm", map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.ISO-8859-1"}, term.UTF8},
		{"syncterm", map[string]string{"LANG": "en_US.UTF-8"}, term.CP437},
	}
	for _, tt := range tests {
		if got := chooseEncoding(tt.term, tt.env); got != tt.want {
			t.Errorf("chooseEncoding(%q, %v) = %s; want %s", tt.term, tt.env, got, tt.want)
		}
	}
}

// fixture is an ssh server in this process with a real store.
type fixture struct {
	addr   string
	store  *store.Store
	banner *auth.Banner
	hasher *auth.Hasher
	proto  *Protocol
	got    chan *session.Session
}

// newFixture starts the server; opts may change its configuration.
func newFixture(t *testing.T, opts ...func(*fixture, *Config)) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	banner, err := auth.NewBanner(t.Context(), auth.BanConfig{}, st.Bans, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, _, err := LoadHostKeys(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: st, banner: banner, hasher: &auth.Hasher{Time: 1, MemoryKiB: 64}, got: make(chan *session.Session, 4)}
	accts, err := account.New(t.Context(), account.Config{Users: st.Users, Keys: st.Keys, Passwords: f.hasher, Bans: banner,
		FailDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{HostKeys: keys[:1], Accounts: accts, AuthTimeout: 2 * time.Second}
	for _, o := range opts {
		o(f, &cfg)
	}
	f.proto, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Admit: banner.Check, Handler: session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		f.got <- s
		<-ctx.Done()
		return nil
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l, f.proto)
	t.Cleanup(func() { srv.Close() })
	f.addr = l.Addr().String()
	h, _ := f.hasher.Hash(t.Context(), "right-password")
	if err := st.Users.CreateUser(t.Context(), &store.User{Handle: "Alice", Password: h, Encoding: store.EncodingAuto}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) dial(t *testing.T, user string, auths ...ssh.AuthMethod) (*ssh.Client, error) {
	t.Helper()
	return ssh.Dial("tcp", f.addr, &ssh.ClientConfig{User: user, Auth: auths, HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
}

// shell opens a session with a pty and a shell, as ssh -t does.
func shell(t *testing.T, c *ssh.Client, env map[string]string) *ssh.Session {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("Setenv: %v", err)
		}
	}
	if err := sess.RequestPty("xterm-256color", 30, 100, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sess.Stdout = io.Discard
	// A stdin that stays open, as a terminal's does (a nil Stdin sends
	// EOF at once, which hangs up).
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	sess.Stdin = pr
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestPasswordLogin(t *testing.T) {
	f := newFixture(t)
	c, err := f.dial(t, "alice", ssh.Password("right-password"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess := shell(t, c, map[string]string{"LANG": "de_DE.UTF-8", "COLORTERM": "truecolor"})
	s := <-f.got
	info := s.Snapshot()
	if in := s.Info(); in.User != "Alice" || !in.UserVerified {
		t.Errorf("Info() = user %q, verified %v; want the account's handle, verified", in.User, in.UserVerified)
	}
	if info.Kind != term.KindSSH || info.Term != "xterm-256color" || info.Size != (term.Size{Cols: 100, Rows: 30}) || info.Encoding != term.UTF8 {
		t.Errorf("session = %+v", info)
	}
	if env := s.Info().Env; env["COLORTERM"] != "truecolor" || env["LANG"] != "de_DE.UTF-8" {
		t.Errorf("env not kept: %v", env)
	}
	// A window change reaches the session as a resize.
	if err := sess.WindowChange(50, 132); err != nil {
		t.Fatal(err)
	}
	k, err := s.ReadKey(t.Context())
	if err != nil || k.Code != term.KeyResize || s.Size() != (term.Size{Cols: 132, Rows: 50}) {
		t.Errorf("after a window change: %v, %v, size %v", k, err, s.Size())
	}
	// A second session channel on the same connection is refused.
	if _, err := c.NewSession(); err == nil {
		t.Errorf("a second session channel was accepted")
	}
}

func TestWrongPasswordsBan(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		_, err := f.dial(t, "alice", ssh.Password("wrong"+string(rune('a'+i))))
		if err == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	if err := f.banner.Check(netip.MustParseAddr("127.0.0.1")); err == nil {
		t.Errorf("three wrong ssh passwords did not ban the address")
	}
	if _, err := f.dial(t, "alice", ssh.Password("right-password")); err == nil {
		t.Errorf("a banned address logged in")
	}
}

// A locked account is answered as a wrong password, whatever the
// password: no connection, and strikes toward a ban as for any failure.
func TestLockedAccount(t *testing.T) {
	f := newFixture(t)
	u, err := f.store.Users.User(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Users.ModifyUser(t.Context(), u.ID, func(u *store.User) error {
		u.Groups = append(u.Groups, store.GroupLocked)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"right-password", "wrong-password"} {
		if c, err := f.dial(t, "alice", ssh.Password(pw)); err == nil {
			c.Close()
			t.Errorf("a locked account logged in with %q", pw)
		} else if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("a locked account with %q: %v; want an ordinary authentication failure", pw, err)
		}
	}
	select {
	case s := <-f.got:
		t.Errorf("a locked account got a session: %v", s.Snapshot())
	default:
	}
}

func TestKeyboardInteractive(t *testing.T) {
	f := newFixture(t)
	c, err := f.dial(t, "alice", ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
		if len(q) != 1 || !strings.Contains(q[0], "Password") {
			return nil, errors.New("unexpected question")
		}
		return []string{"right-password"}, nil
	}))
	if err != nil {
		t.Fatalf("keyboard-interactive login: %v", err)
	}
	c.Close()
	// An account whose handle is a word that leaves the login screen
	// ("exit", allowed where the sysop reserves no names) is asked for its
	// password like any other: no try is spent without one.
	asked := 0
	_, err = f.dial(t, "exit", ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
		asked++
		return []string{"not-it"}, nil
	}))
	if err == nil || asked == 0 {
		t.Errorf("keyboard-interactive as exit: %v, asked %d times; want a prompt and a refusal", err, asked)
	}
}

// TestPublicKeyMustBeTheVerifiedOne covers CVE-2024-45337's pitfall: a
// client offers a registered key (without proving it), then proves a
// different one. Only the key proved may log anyone in.
func TestPublicKeyMustBeTheVerifiedOne(t *testing.T) {
	f := newFixture(t)
	registeredPub, _, _ := ed25519.GenerateKey(rand.Reader)
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	rk, _ := ssh.NewPublicKey(registeredPub)
	if err := f.store.Keys.AddKey(t.Context(), &store.PublicKey{Handle: "alice", Key: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(rk))), Fingerprint: ssh.FingerprintSHA256(rk)}); err != nil {
		t.Fatal(err)
	}
	meta := fakeMeta{user: "alice"}
	perms, err := f.proto.publicKey(t.Context(), meta, rk)
	if err != nil {
		t.Fatalf("the registered key was not accepted as an offer: %v", err)
	}
	otherSigner, _ := ssh.NewSignerFromKey(otherPriv)
	if _, err := f.proto.verifiedPublicKey(t.Context(), meta, otherSigner.PublicKey(), perms); err == nil {
		t.Errorf("proving another key after offering a registered one logged in")
	}
	if p, err := f.proto.verifiedPublicKey(t.Context(), meta, rk, perms); err != nil || p.Extensions[extUser] != "Alice" {
		t.Errorf("proving the registered key = %v, %v; want a login as Alice", p, err)
	}
	// And over the wire, an unregistered key is refused.
	if _, err := f.dial(t, "alice", ssh.PublicKeys(otherSigner)); err == nil {
		t.Errorf("an unregistered key logged in")
	}
}

type fakeMeta struct {
	ssh.ConnMetadata
	user string
}

func (m fakeMeta) User() string          { return m.user }
func (m fakeMeta) RemoteAddr() net.Addr  { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
func (m fakeMeta) SessionID() []byte     { return []byte("x") }
func (m fakeMeta) ClientVersion() []byte { return []byte("SSH-2.0-test") }

func TestNewUserOffered(t *testing.T) {
	f := newFixture(t)
	c, err := f.dial(t, "new", ssh.Password(""))
	if err != nil {
		t.Fatalf("new with an empty password: %v", err)
	}
	defer c.Close()
	shell(t, c, nil)
	s := <-f.got
	if in := s.Info(); in.User != "new" || in.UserVerified {
		t.Errorf("Info() = user %q, verified %v; want new, unverified", in.User, in.UserVerified)
	}
}

// TestOneGoroutine: the connection's one goroutine of x84's answers the
// session channel's requests, refuses global requests (keepalives) and
// further channels, before and after the shell starts, and ends with the
// connection (goleak checks the last).
func TestOneGoroutine(t *testing.T) {
	f := newFixture(t)
	c, err := f.dial(t, "alice", ssh.Password("right-password"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	refused := func(when string) {
		t.Helper()
		if ok, _, err := c.SendRequest("keepalive@openssh.com", true, nil); ok || err != nil {
			t.Errorf("%s: keepalive answered %v, %v; want a refusal", when, ok, err)
		}
		var oe *ssh.OpenChannelError
		if _, _, err := c.OpenChannel("session", nil); !errors.As(err, &oe) || oe.Reason != ssh.Prohibited {
			t.Errorf("%s: a second session channel: %v; want prohibited", when, err)
		}
		if _, _, err := c.OpenChannel("direct-tcpip", nil); err == nil {
			t.Errorf("%s: a direct-tcpip channel was accepted", when)
		}
	}
	if _, _, err := c.OpenChannel("x11", nil); err == nil {
		t.Errorf("an x11 channel was accepted")
	}
	if ok, _, err := c.SendRequest("keepalive@openssh.com", true, nil); ok || err != nil {
		t.Errorf("before the session: keepalive answered %v, %v; want a refusal", ok, err)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	refused("before the shell")
	sess.Stdout = io.Discard
	pr, pw := io.Pipe()
	defer pw.Close()
	sess.Stdin = pr
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	s := <-f.got
	refused("after the shell")
	if err := sess.WindowChange(40, 90); err != nil {
		t.Fatal(err)
	}
	if k, err := s.ReadKey(t.Context()); err != nil || k.Code != term.KeyResize {
		t.Errorf("after a window change: %v, %v", k, err)
	}
}
