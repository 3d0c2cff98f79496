package account_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// sentMail is one mail a Service handed its Mailer.
type sentMail struct{ to, subject, body string }

// outbox is a Mailer that keeps what it is given. The real sending is
// internal/mail's, tested against Postfix there and end to end.
type outbox struct {
	mu   sync.Mutex
	sent []sentMail
	c    chan sentMail
}

func newOutbox() *outbox { return &outbox{c: make(chan sentMail, 1000)} }

func (o *outbox) Send(_ context.Context, to, subject, body string) error {
	m := sentMail{to, subject, body}
	o.mu.Lock()
	o.sent = append(o.sent, m)
	o.mu.Unlock()
	o.c <- m
	return nil
}

func (o *outbox) all() []sentMail {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sentMail(nil), o.sent...)
}

// next waits for the next mail: the worker sends it after RequestReset
// has answered.
func (o *outbox) next(t *testing.T) sentMail {
	t.Helper()
	select {
	case m := <-o.c:
		return m
	case <-time.After(30 * time.Second):
		t.Fatal("no mail was sent")
		return sentMail{}
	}
}

var codeRE = regexp.MustCompile(`\b[a-z2-7]{4}(?:-[a-z2-7]{4}){6}\b`)

// code returns the reset code in a mail.
func (m sentMail) code(t *testing.T) string {
	t.Helper()
	c := codeRE.FindString(m.body)
	if c == "" {
		t.Fatalf("no code in the mail:\n%s", m.body)
	}
	return c
}

// resetFixture is a fixture whose Service mails reset codes to an
// outbox; its worker is stopped when the test ends.
func resetFixture(t *testing.T, rc account.ResetConfig, su setup) (*fixture, *outbox) {
	t.Helper()
	box := newOutbox()
	more := su.config
	su.config = func(c *account.Config) {
		c.Reset = rc
		c.Reset.Mailer = box
		if more != nil {
			more(c)
		}
	}
	f := newFixture(t, su)
	t.Cleanup(func() { f.svc.Shutdown(context.Background()) })
	return f, box
}

// drain ends the worker once it has handled every request so far.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.svc.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
}

func (f *fixture) mailUser(handle, email string) *store.User {
	f.t.Helper()
	u, err := f.svc.Create(f.ctx, account.Application{Handle: handle, Password: password, Email: email}, false)
	if err != nil {
		f.t.Fatalf("Create(%q) = %v", handle, err)
	}
	return u
}

// TestResetByMail is the whole reset: a code is mailed, stored hashed,
// sets a new password once, and the old password stops working.
func TestResetByMail(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{Board: "Ye Olde BBS"}, setup{})
	f.mailUser("alice", "alice@example.org")
	if err := f.svc.RequestReset(f.ctx, "ALICE", caller); err != nil {
		t.Fatalf("RequestReset = %v", err)
	}
	m := box.next(t)
	code := m.code(t)
	if m.to != "alice@example.org" || m.subject != "Password reset for Ye Olde BBS" {
		t.Errorf("mail to %q, subject %q", m.to, m.subject)
	}
	for _, want := range []string{"alice on Ye Olde BBS", "from 192.0.2.7", `type "forgot"`, "It works once"} {
		if !strings.Contains(m.body, want) {
			t.Errorf("the mail does not say %q:\n%s", want, m.body)
		}
	}
	stored := f.stored("alice").Reset
	if stored.Hash == "" || strings.Contains(stored.Hash, strings.ReplaceAll(code, "-", "")) || len(stored.Hash) != 64 {
		t.Errorf("stored reset hash %q for code %q; want a SHA-256 in hex", stored.Hash, code)
	}
	if d := time.Until(stored.Expires); d <= 0 || d > account.DefaultResetLifetime {
		t.Errorf("code expires in %v; want within %v", d, account.DefaultResetLifetime)
	}
	if strings.Contains(m.body, stored.Hash) {
		t.Errorf("the mail shows the stored hash")
	}

	// Typed in capitals with spaces for dashes, as a caller might.
	typed := strings.ToUpper(strings.ReplaceAll(code, "-", " "))
	if err := f.svc.ResetPassword(f.ctx, "alice", typed, "a new password", caller); err != nil {
		t.Fatalf("ResetPassword(the mailed code) = %v", err)
	}
	if _, err := f.svc.Login(f.ctx, "alice", "a new password", caller); err != nil {
		t.Errorf("Login with the new password = %v", err)
	}
	if _, err := f.svc.Login(f.ctx, "alice", password, caller2); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("Login with the old password = %v; want ErrLoginFailed", err)
	}
	if r := f.stored("alice").Reset; r.Hash != "" || !r.Expires.IsZero() {
		t.Errorf("after the reset the store holds %+v; want the code gone", r)
	}
	if err := f.svc.ResetPassword(f.ctx, "alice", code, "another password", caller); !errors.Is(err, account.ErrResetCode) {
		t.Errorf("ResetPassword(the code again) = %v; want ErrResetCode", err)
	}
}

// TestResetRefused: a forged, expired, someone else's or stale code, an
// unknown handle and a locked account are all one answer, a strike each.
func TestResetRefused(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{Interval: -1}, setup{})
	for _, h := range []string{"alice", "bob", "carol", "dave"} {
		f.mailUser(h, h+"@example.org")
	}
	codes := map[string]string{}
	for _, h := range []string{"alice", "bob", "carol", "dave", "alice"} {
		if err := f.svc.RequestReset(f.ctx, h, caller); err != nil {
			t.Fatal(err)
		}
		m := box.next(t)
		if old, ok := codes[h]; ok {
			codes[h+"-stale"] = old
		}
		codes[h] = m.code(t)
	}
	// carol's code expired; dave's account was locked.
	if _, err := f.st.Users.ModifyUser(f.ctx, f.stored("carol").ID, func(u *store.User) error {
		u.Reset.Expires = time.Now().Add(-time.Second)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetLocked(f.ctx, "dave", true); err != nil {
		t.Fatal(err)
	}

	tests := []struct{ name, handle, code string }{
		{"forged", "alice", "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23"},
		{"another account's code", "alice", codes["bob"]},
		{"superseded by a newer mail", "alice", codes["alice-stale"]},
		{"expired", "carol", codes["carol"]},
		{"locked account", "dave", codes["dave"]},
		{"unknown handle", "nobody9", codes["alice"]},
		{"empty", "bob", ""},
		{"too long", "bob", strings.Repeat(codes["bob"], 40)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)})
			err := f.svc.ResetPassword(f.ctx, tt.handle, tt.code, "a new password", from)
			if !errors.Is(err, account.ErrResetCode) {
				t.Fatalf("ResetPassword = %v; want ErrResetCode", err)
			}
			// Two more wrong codes ban the caller (3 failures).
			f.svc.ResetPassword(f.ctx, tt.handle, tt.code, "a new password", from)
			if err := f.svc.ResetPassword(f.ctx, tt.handle, tt.code, "a new password", from); !errors.Is(err, account.ErrBanned) {
				t.Errorf("third wrong code = %v; want ErrBanned", err)
			}
			if !f.banned(from) {
				t.Errorf("%v not banned after three wrong codes", from)
			}
		})
	}
	// Nothing changed: the good codes still work, once.
	for _, h := range []string{"alice", "bob"} {
		if _, err := f.svc.Login(f.ctx, h, password, caller); err != nil {
			t.Errorf("Login(%s, old password) = %v", h, err)
		}
		if err := f.svc.ResetPassword(f.ctx, h, codes[h], "a new password", caller); err != nil {
			t.Errorf("ResetPassword(%s, good code) = %v", h, err)
		}
	}
}

// TestResetRace: two callers with the same code at once; one wins.
func TestResetRace(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{Interval: -1}, setup{noBans: true})
	f.mailUser("alice", "alice@example.org")
	for round := range 5 {
		if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
			t.Fatal(err)
		}
		code := box.next(t).code(t)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				errs[i] = f.svc.ResetPassword(f.ctx, "alice", code, fmt.Sprintf("password %d-%d", round, i), caller)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, account.ErrResetCode):
				t.Fatalf("round %d: ResetPassword = %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d of 2 racing resets succeeded (%v); want 1", round, won, errs)
		}
	}
	// Each loser is a failed login for the metrics, whichever check it
	// lost at (before the write, or in it).
	if got := f.heard(); len(got) != 5 || slices.Contains(got, true) {
		t.Errorf("OnLogin heard %v; want false for each of the 5 losers", got)
	}
}

// TestResetSameAnswer: whatever the handle names, the answer is nil,
// and only the account with an address gets a mail.
func TestResetSameAnswer(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{PerAddress: 100}, setup{})
	f.mailUser("alice", "alice@example.org")
	f.mailUser("bob", "")
	f.mailUser("carol", "carol@example.org")
	if _, err := f.svc.SetLocked(f.ctx, "carol", true); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"alice", "bob", "carol", "nobody9", "", "forgot", strings.Repeat("x", 10000), "al\x1b[2Jice"} {
		if err := f.svc.RequestReset(f.ctx, h, caller); err != nil {
			t.Errorf("RequestReset(%.20q) = %v; want nil", h, err)
		}
	}
	f.drain(t)
	if got := box.all(); len(got) != 1 || got[0].to != "alice@example.org" {
		t.Errorf("mails sent: %+v; want one, to alice", got)
	}
	// After Shutdown, requests are answered alike and dropped.
	if err := f.svc.RequestReset(f.ctx, "alice", caller2); err != nil {
		t.Errorf("RequestReset after Shutdown = %v; want nil", err)
	}
}

// TestResetLimits: per account, one mail per interval; per caller (an
// IPv4 address, an IPv6 /64), PerAddress requests per window. Refused
// requests are answered as the others.
func TestResetLimits(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{PerAddress: 3, Interval: -1}, setup{})
	f.mailUser("alice", "alice@example.org")
	f.mailUser("bob", "bob@example.org")
	for _, from := range []string{"192.0.2.7", "2001:db8::1", "2001:db8::2", "2001:db8::ffff:1", "192.0.2.8", "::ffff:192.0.2.8"} {
		for range 10 {
			if err := f.svc.RequestReset(f.ctx, "alice", netip.MustParseAddr(from)); err != nil {
				t.Fatalf("RequestReset from %s = %v; want nil", from, err)
			}
		}
	}
	f.drain(t)
	// 3 for 192.0.2.7, 3 for 2001:db8::/64, 3 for 192.0.2.8.
	if got := len(box.all()); got != 9 {
		t.Errorf("%d mails sent; want 9 (3 per caller)", got)
	}

	// Per account: the interval.
	f2, box2 := resetFixture(t, account.ResetConfig{}, setup{})
	f2.mailUser("alice", "alice@example.org")
	for _, from := range []netip.Addr{caller, caller2} {
		if err := f2.svc.RequestReset(f2.ctx, "alice", from); err != nil {
			t.Fatal(err)
		}
	}
	f2.drain(t)
	if got := len(box2.all()); got != 1 {
		t.Errorf("%d mails sent to one account within the interval; want 1", got)
	}
	if r := f2.stored("alice").Reset; r.Sent.IsZero() {
		t.Errorf("stored reset %+v; want Sent set", r)
	}
}

// blockingUsers holds every User lookup once armed (after New, whose
// own lookups go through) until release is closed, and counts them.
type blockingUsers struct {
	store.Users
	release chan struct{}
	lookups *atomic.Int64
	armed   *atomic.Bool
}

func (b blockingUsers) User(ctx context.Context, handle string) (*store.User, error) {
	if !b.armed.Load() {
		return b.Users.User(ctx, handle)
	}
	b.lookups.Add(1)
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return b.Users.User(ctx, handle)
}

// TestResetQueueFull: with the worker held up, requests are still
// answered at once; those past the queue are dropped, and the log says
// so once.
func TestResetQueueFull(t *testing.T) {
	hold := make(chan struct{})
	var lookups atomic.Int64
	var armed atomic.Bool
	var log strings.Builder
	var logMu sync.Mutex
	f, _ := resetFixture(t, account.ResetConfig{Queue: 2}, setup{
		users: func(u store.Users) store.Users { return blockingUsers{u, hold, &lookups, &armed} },
		config: func(c *account.Config) {
			c.Logger = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
				logMu.Lock()
				defer logMu.Unlock()
				return log.Write(p)
			}), nil))
		},
	})
	armed.Store(true)
	for i := range 10 {
		from := netip.AddrFrom4([4]byte{203, 0, 113, byte(i + 1)})
		if err := f.svc.RequestReset(f.ctx, "nobody9", from); err != nil {
			t.Fatalf("RequestReset %d = %v; want nil", i, err)
		}
	}
	close(hold)
	f.drain(t)
	// The queue's 2, and the one the worker held when the queue filled.
	if n := lookups.Load(); n < 2 || n > 3 {
		t.Errorf("%d requests handled; want 2 or 3", n)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if n := strings.Count(log.String(), "password reset queue full"); n != 1 {
		t.Errorf("the log says the queue is full %d times; want once:\n%s", n, log.String())
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

func TestResetNotOffered(t *testing.T) {
	f := newFixture(t, setup{})
	f.mailUser("alice", "alice@example.org")
	if err := f.svc.RequestReset(f.ctx, "alice", caller); !errors.Is(err, account.ErrNoReset) {
		t.Errorf("RequestReset without a Mailer = %v; want ErrNoReset", err)
	}
	if err := f.svc.ResetPassword(f.ctx, "alice", "x", "a new password", caller); !errors.Is(err, account.ErrNoReset) {
		t.Errorf("ResetPassword without a Mailer = %v; want ErrNoReset", err)
	}
	if f.svc.ResetOffered() || f.svc.Intent("forgot") != account.IntentLogin {
		t.Errorf("without a Mailer: ResetOffered %v, Intent(forgot) %v; want false, IntentLogin", f.svc.ResetOffered(), f.svc.Intent("forgot"))
	}
	if err := f.svc.Shutdown(f.ctx); err != nil {
		t.Errorf("Shutdown without a Mailer = %v", err)
	}
	g, _ := resetFixture(t, account.ResetConfig{}, setup{})
	if !g.svc.ResetOffered() || g.svc.Intent(" Forgot ") != account.IntentReset {
		t.Errorf("with a Mailer: ResetOffered %v, Intent(forgot) %v; want true, IntentReset", g.svc.ResetOffered(), g.svc.Intent("forgot"))
	}
}

// TestResetPasswordRules: a refused new password keeps the code good.
func TestResetPasswordRules(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{}, setup{})
	f.mailUser("alice", "alice@example.org")
	if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
		t.Fatal(err)
	}
	code := box.next(t).code(t)
	err := f.svc.ResetPassword(f.ctx, "alice", code, "short", caller)
	if !errors.Is(err, account.ErrInvalid) || account.Message(err) == "" {
		t.Fatalf("ResetPassword(short password) = %v; want an InvalidError", err)
	}
	if err := f.svc.ResetPassword(f.ctx, "alice", code, "long enough now", caller); err != nil {
		t.Errorf("ResetPassword after a refused password = %v", err)
	}
}
