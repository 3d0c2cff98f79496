package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// totpFixture is a server whose account service runs on a clock the
// test sets, and whose Alice has two-factor login on.
type totpFixture struct {
	*fixture
	now    atomic.Int64 // Unix seconds
	secret string
}

func newTOTPFixture(t *testing.T) *totpFixture {
	t.Helper()
	tf := &totpFixture{}
	tf.now.Store(time.Date(2024, 5, 1, 12, 0, 10, 0, time.UTC).Unix())
	tf.fixture = newFixture(t, func(f *fixture, cfg *Config) {
		accts, err := account.New(t.Context(), account.Config{Users: f.store.Users, Keys: f.store.Keys, Passwords: f.hasher,
			Bans: f.banner, FailDelay: time.Millisecond, Now: func() time.Time { return time.Unix(tf.now.Load(), 0) }})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Accounts = accts
	})
	e, err := tf.proto.cfg.Accounts.NewTOTP(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	tf.secret = e.Secret
	if _, err := tf.proto.cfg.Accounts.EnableTOTP(t.Context(), "alice", e.Secret, tf.code(t)); err != nil {
		t.Fatal(err)
	}
	tf.tick()
	return tf
}

// code returns the code of the clock's step.
func (tf *totpFixture) code(t *testing.T) string {
	t.Helper()
	c, err := totp.GenerateCode(tf.secret, time.Unix(tf.now.Load(), 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrong returns a code that is none of the codes the server accepts now
// (the steps before and after the clock's, too).
func (tf *totpFixture) wrong(t *testing.T) string {
	t.Helper()
	taken := map[string]bool{}
	for _, d := range []int64{-30, 0, 30} {
		c, err := totp.GenerateCode(tf.secret, time.Unix(tf.now.Load()+d, 0))
		if err != nil {
			t.Fatal(err)
		}
		taken[c] = true
	}
	for n := 0; ; n++ {
		if c := fmt.Sprintf("%06d", n); !taken[c] {
			return c
		}
	}
}

// tick moves the clock to the next step.
func (tf *totpFixture) tick() { tf.now.Add(30) }

// answer is a keyboard-interactive client that answers "Verification
// code: " (without echo) with code, counting the times, and gives up at
// any other question (the first stage's "Password: ").
func answer(code string, asked *int) ssh.AuthMethod {
	return ssh.KeyboardInteractive(func(_, _ string, q []string, echo []bool) ([]string, error) {
		if len(q) != 1 || q[0] != codePrompt || echo[0] {
			return nil, errors.New("unexpected question")
		}
		*asked++
		return []string{code}, nil
	})
}

// TestTOTPAfterPassword: a right password of an account with two-factor
// login is not enough; keyboard-interactive then asks for the code, once,
// and a code is good for one login.
func TestTOTPAfterPassword(t *testing.T) {
	f := newTOTPFixture(t)
	if c, err := f.dial(t, "alice", ssh.Password("right-password")); err == nil {
		c.Close()
		t.Fatalf("the password alone logged in an account with two-factor login")
	}
	code := f.code(t)
	asked := 0
	c, err := f.dial(t, "alice", ssh.Password("right-password"), answer(code, &asked))
	if err != nil {
		t.Fatalf("password then code: %v", err)
	}
	shell(t, c, nil)
	if s := <-f.got; s.Info().User != "Alice" || !s.Info().UserVerified || asked != 1 {
		t.Errorf("session of %q (verified %v), asked %d times; want Alice, verified, asked once", s.Info().User, s.Info().UserVerified, asked)
	}
	c.Close()
	// The same code again: refused, and it counts toward a ban.
	if c, err := f.dial(t, "alice", ssh.Password("right-password"), answer(code, new(int))); err == nil {
		c.Close()
		t.Errorf("a replayed code logged in")
	}
	// A wrong password never gets to the code.
	asked = 0
	if _, err := f.dial(t, "alice", ssh.Password("wrong-password"), answer(f.code(t), &asked)); err == nil || asked != 0 {
		t.Errorf("a wrong password: %v, asked for a code %d times; want a refusal without the question", err, asked)
	}
	// Two failures so far: the third (a wrong code) bans the address.
	if _, err := f.dial(t, "alice", ssh.Password("right-password"), answer(f.wrong(t), new(int))); err == nil {
		t.Errorf("a wrong code logged in")
	}
	if f.banner.Check(netip.MustParseAddr("127.0.0.1")) == nil {
		t.Errorf("a replayed code, a wrong password and a wrong code did not ban the address")
	}
}

// TestTOTPAfterPasswordByKeyboardInteractive: the password asked by
// keyboard-interactive, then the code by keyboard-interactive again, as
// OpenSSH's ssh does by default.
func TestTOTPAfterPasswordByKeyboardInteractive(t *testing.T) {
	f := newTOTPFixture(t)
	code := f.code(t)
	var questions []string
	c, err := f.dial(t, "alice", ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
		questions = append(questions, q...)
		if len(q) == 1 && q[0] == codePrompt {
			return []string{code}, nil
		}
		return []string{"right-password"}, nil
	}))
	if err != nil {
		t.Fatalf("keyboard-interactive password then code: %v", err)
	}
	c.Close()
	if len(questions) != 2 || questions[1] != codePrompt {
		t.Errorf("questions %q; want the password's, then %q", questions, codePrompt)
	}
}

// TestTOTPAfterKey: a registered key is the first factor; the code is
// still asked for.
func TestTOTPAfterKey(t *testing.T) {
	f := newTOTPFixture(t)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	pub := signer.PublicKey()
	if err := f.store.Keys.AddKey(t.Context(), &store.PublicKey{Handle: "alice", Key: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))), Fingerprint: ssh.FingerprintSHA256(pub)}); err != nil {
		t.Fatal(err)
	}
	if c, err := f.dial(t, "alice", ssh.PublicKeys(signer)); err == nil {
		c.Close()
		t.Fatalf("the key alone logged in an account with two-factor login")
	}
	asked := 0
	c, err := f.dial(t, "alice", ssh.PublicKeys(signer), answer(f.code(t), &asked))
	if err != nil || asked != 1 {
		t.Fatalf("key then code: %v, asked %d times", err, asked)
	}
	c.Close()
}

// TestNoTOTPNoQuestion: an account without two-factor login logs in with
// its password alone, as before.
func TestNoTOTPNoQuestion(t *testing.T) {
	f := newFixture(t)
	asked := 0
	c, err := f.dial(t, "alice", ssh.Password("right-password"), answer("123456", &asked))
	if err != nil || asked != 0 {
		t.Fatalf("password login without two-factor: %v, asked for a code %d times", err, asked)
	}
	c.Close()
}

// TestTOTPEmptyAnswer: Enter alone at "Verification code: " is no try:
// the question comes again, and the code after it logs in. A client
// that only ever sends empty answers is refused after MaxAuthTries
// questions, without a strike toward the ban (3 such connections, where
// 3 failures ban).
func TestTOTPEmptyAnswer(t *testing.T) {
	f := newTOTPFixture(t)
	answers := []string{"", "  ", f.code(t)}
	asked := 0
	c, err := f.dial(t, "alice", ssh.Password("right-password"), ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
		asked++
		return []string{answers[min(asked, len(answers))-1]}, nil
	}))
	if err != nil || asked != 3 {
		t.Fatalf("two empty answers, then the code: %v, asked %d times; want in, asked 3 times", err, asked)
	}
	c.Close()
	f.tick()
	for i := range 3 {
		asked := 0
		if c, err := f.dial(t, "alice", ssh.Password("right-password"), answer("", &asked)); err == nil {
			c.Close()
			t.Fatalf("empty answers logged in")
		} else if asked != f.proto.cfg.MaxAuthTries {
			t.Errorf("connection %d: asked %d times before giving up; want MaxAuthTries, %d", i+1, asked, f.proto.cfg.MaxAuthTries)
		}
	}
	if f.banner.Check(netip.MustParseAddr("127.0.0.1")) != nil {
		t.Errorf("empty answers banned the address; want no strike")
	}
	// The right code still works.
	if c, err := f.dial(t, "alice", ssh.Password("right-password"), answer(f.code(t), new(int))); err != nil {
		t.Errorf("the code after empty answers: %v", err)
	} else {
		c.Close()
	}
}
