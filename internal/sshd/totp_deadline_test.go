package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

// TestTOTPMoreTimeForCode: a caller who proves the password near the end
// of AuthTimeout (30 s) gets AuthTimeout from then to type the code: the
// password at 25 s, the code at 50 s, in. Without a first factor proven,
// the 30 s stand: a caller who types the password at 35 s is cut off.
// (synctest's clock: the waits take no time.)
func TestTOTPMoreTimeForCode(t *testing.T) {
	for _, tc := range []struct {
		name               string
		passwordAt, codeAt time.Duration
		wantIn             bool
	}{
		{"code after the first deadline", 25 * time.Second, 50 * time.Second, true},
		{"code after the second deadline", 25 * time.Second, 56 * time.Second, false},
		{"password after the deadline", 35 * time.Second, 36 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, secret := totpProtocol(t)
				start := time.Now()
				kbd := ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
					if len(q) == 1 && q[0] == codePrompt {
						time.Sleep(time.Until(start.Add(tc.codeAt)))
						c, err := totp.GenerateCode(secret, time.Now())
						return []string{c}, err
					}
					time.Sleep(time.Until(start.Add(tc.passwordAt)))
					return []string{"right-password"}, nil
				})
				server, client := net.Pipe()
				opened := make(chan error, 1)
				go func() {
					_, err := p.Open(t.Context(), server)
					opened <- err
				}()
				cc, chans, reqs, err := ssh.NewClientConn(asyncWrites(client), "pipe",
					&ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{kbd}, HostKeyCallback: ssh.InsecureIgnoreHostKey()})
				if (err == nil) != tc.wantIn {
					t.Errorf("password at %v, code at %v: login %v; want in %v", tc.passwordAt, tc.codeAt, err, tc.wantIn)
				}
				if err == nil {
					ssh.NewClient(cc, chans, reqs).Close()
				}
				client.Close()
				<-opened
			})
		})
	}
}

// totpProtocol is a Protocol (AuthTimeout 30 s) whose Alice, password
// "right-password", has two-factor login with the returned secret; it
// is made inside the test's bubble, store and all.
func totpProtocol(t *testing.T) (*Protocol, string) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	hasher := &auth.Hasher{Time: 1, MemoryKiB: 64}
	accts, err := account.New(t.Context(), account.Config{Users: st.Users, Passwords: hasher, FailDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := hasher.Hash(t.Context(), "right-password")
	if err := st.Users.CreateUser(t.Context(), &store.User{Handle: "Alice", Password: h, Encoding: store.EncodingAuto}); err != nil {
		t.Fatal(err)
	}
	e, err := accts.NewTOTP(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	// Enrolled with the code of the step before: the test's codes are later.
	code, _ := totp.GenerateCode(e.Secret, time.Now().Add(-30*time.Second))
	if _, err := accts.EnableTOTP(t.Context(), "alice", e.Secret, code); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	p, err := New(Config{HostKeys: []ssh.Signer{signer}, Accounts: accts, AuthTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p, e.Secret
}

// asyncWrites makes c's writes return at once, in order, so that both
// ends of a net.Pipe may write before they read (as ssh's version
// exchange does).
func asyncWrites(c net.Conn) net.Conn {
	w := &queuedConn{Conn: c, queue: make(chan []byte, 256)}
	go func() {
		for b := range w.queue {
			if _, err := c.Write(b); err != nil {
				for range w.queue {
				}
				return
			}
		}
	}()
	return w
}

type queuedConn struct {
	net.Conn
	mu     sync.Mutex // guards closed and the sends to queue
	queue  chan []byte
	closed bool
}

func (c *queuedConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	c.queue <- append([]byte(nil), b...)
	return len(b), nil
}

func (c *queuedConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	return c.Conn.Close()
}
