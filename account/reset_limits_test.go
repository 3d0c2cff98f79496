package account_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/mail"
	"github.com/x84bbs/x84/store"
)

// syncBuffer is a log that tests read while the Service writes it, and
// wait on.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	notify chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notify == nil {
		s.notify = make(chan struct{}, 1)
	}
	select {
	case s.notify <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// wait waits until the log holds text n times.
func (s *syncBuffer) wait(t *testing.T, text string, n int) {
	t.Helper()
	s.mu.Lock()
	if s.notify == nil {
		s.notify = make(chan struct{}, 1)
	}
	notify := s.notify
	s.mu.Unlock()
	deadline := time.After(30 * time.Second)
	for strings.Count(s.String(), text) < n {
		select {
		case <-notify:
		case <-deadline:
			t.Fatalf("the log never said %q:\n%s", text, s.String())
		}
	}
}

func (s *syncBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(s, nil)) }

// testClock is a clock the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestResetCallersTableFull: once the table of callers counted is full
// (a flood from as many IPv6 /64s), a new caller is counted in place of
// the oldest one rather than refused.
func TestResetCallersTableFull(t *testing.T) {
	if testing.Short() {
		t.Skip("100,001 requests")
	}
	f, box := resetFixture(t, account.ResetConfig{}, setup{})
	f.mailUser("alice", "alice@example.org")
	const flood = 100001 // one past the table's 100,000
	for i := range flood {
		// Distinct /64s in two /48s: their network's limit sends
		// nothing for most.
		a := [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(0xa + i>>16), byte(i >> 8), byte(i), 15: 1}
		if err := f.svc.RequestReset(f.ctx, "nobody9", netip.AddrFrom16(a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
		t.Fatal(err)
	}
	if m := box.next(t); m.to != "alice@example.org" {
		t.Errorf("mail to %q; want alice's", m.to)
	}
}

// TestResetPerNetwork: past each caller's own limit, the callers of one
// network (an IPv4 /24, an IPv6 /48) share a second one; a caller over
// its own limit spends none of its neighbours'.
func TestResetPerNetwork(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{PerAddress: 3, PerNetwork: 5, Interval: -1}, setup{})
	f.mailUser("alice", "alice@example.org")
	for _, from := range []string{
		"192.0.2.1", "192.0.2.2", "192.0.2.3", // 3 + 2 + 0 of 192.0.2.0/24
		"198.51.100.1",                                          // 3: another /24
		"2001:db8:1:1::1", "2001:db8:1:2::1", "2001:db8:1:3::1", // 3 + 2 + 0 of 2001:db8:1::/48
		"2001:db8:2::1", // 3: another /48
	} {
		for range 10 {
			if err := f.svc.RequestReset(f.ctx, "alice", netip.MustParseAddr(from)); err != nil {
				t.Fatalf("RequestReset from %s = %v; want nil", from, err)
			}
		}
	}
	f.drain(t)
	if got := len(box.all()); got != 16 {
		t.Errorf("%d mails sent; want 16 (5 per crowded network, 3 per lone caller)", got)
	}
}

// TestResetMailsPerHour: the whole board sends at most MailsPerHour
// reset mails an hour (a bucket that refills as the hour goes); requests
// that send nothing (an unknown handle) spend none, and the log says
// once that the budget is spent.
func TestResetMailsPerHour(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	var log syncBuffer
	f, box := resetFixture(t, account.ResetConfig{MailsPerHour: 2, Interval: -1, PerAddress: 100, PerNetwork: 100}, setup{
		config: func(c *account.Config) { c.Now, c.Logger = clock.Now, log.logger() },
	})
	for _, h := range []string{"alice", "bob", "carol", "dave"} {
		f.mailUser(h, h+"@example.org")
	}
	ask := func(h string) {
		t.Helper()
		if err := f.svc.RequestReset(f.ctx, h, caller); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		ask("nobody9")
	}
	for _, h := range []string{"alice", "bob", "carol", "dave"} {
		ask(h)
	}
	spent := `user=dave remote=192.0.2.7 why="the board's reset mails for the hour are spent"`
	log.wait(t, spent, 1)
	// Half an hour refills one mail of two an hour.
	clock.Add(30 * time.Minute)
	ask("carol")
	ask("dave")
	log.wait(t, spent, 2)
	f.drain(t)
	var to []string
	for _, m := range box.all() {
		to = append(to, strings.TrimSuffix(m.to, "@example.org"))
	}
	if strings.Join(to, " ") != "alice bob carol" {
		t.Errorf("mails to %v; want alice, bob, then carol half an hour later", to)
	}
	if n := strings.Count(log.String(), "password reset mails over the board's limit"); n != 1 {
		t.Errorf("the log warns of the board's limit %d times; want once (at most once a minute):\n%s", n, log.String())
	}
}

// TestResetSendFails: when the Mailer refuses a code (its queue is
// full: the SMTP server hangs), the account keeps the reset it had, so
// that the code it may hold still works and the next request is mailed
// without waiting for the interval; the log warns once.
func TestResetSendFails(t *testing.T) {
	// An SMTP server that takes connections and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- c
		}
	}()
	sender, err := mail.New(mail.Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: mail.NoTLS,
		From: "bbs@example.org", Queue: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		sender.Shutdown(ctx) // breaks the hung delivery
	}()

	var log syncBuffer
	f := newFixture(t, setup{config: func(c *account.Config) {
		c.Reset = account.ResetConfig{Mailer: sender, PerAddress: 100}
		c.Logger = log.logger()
	}})
	t.Cleanup(func() { f.svc.Shutdown(context.Background()) })
	// carol and dave have a code pending, mailed 20 minutes ago.
	prev := store.Reset{Hash: strings.Repeat("ab", 32), Expires: time.Now().Add(5 * time.Minute).Round(time.Second),
		Sent: time.Now().Add(-20 * time.Minute).Round(time.Second)}
	for _, h := range []string{"alice", "bob", "carol", "dave"} {
		u := f.mailUser(h, h+"@example.org")
		if h == "carol" || h == "dave" {
			if _, err := f.st.Users.ModifyUser(f.ctx, u.ID, func(u *store.User) error { u.Reset = prev; return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	// alice's mail holds the sender's one worker; bob's fills its queue.
	if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
		t.Fatal(err)
	}
	c := <-accepted
	defer c.Close()
	for _, h := range []string{"bob", "carol", "dave"} {
		if err := f.svc.RequestReset(f.ctx, h, caller); err != nil {
			t.Fatal(err)
		}
	}
	f.drain(t)
	for _, h := range []string{"carol", "dave"} {
		if got := f.stored(h).Reset; !got.Expires.Equal(prev.Expires) || !got.Sent.Equal(prev.Sent) || got.Hash != prev.Hash {
			t.Errorf("%s's reset after a refused mail: %+v; want the one before, %+v", h, got, prev)
		}
	}
	if got := f.stored("bob").Reset; got.Hash == "" || got.Hash == prev.Hash {
		t.Errorf("bob's reset %+v; want his queued code", got)
	}
	out := log.String()
	if n := strings.Count(out, "password reset codes not mailed"); n != 1 || !strings.Contains(out, "unsent=1") ||
		!strings.Contains(out, "undo=done") {
		t.Errorf("the log warns of unmailed codes %d times; want once, with the undo done:\n%s", n, out)
	}
}

// TestResetHandleCut: a long handle is cut on a character's boundary, so
// that the log shows no broken character.
func TestResetHandleCut(t *testing.T) {
	var log syncBuffer
	f, _ := resetFixture(t, account.ResetConfig{}, setup{config: func(c *account.Config) { c.Logger = log.logger() }})
	handle := "x" + strings.Repeat("é", 200) // 401 bytes; byte 256 is within an é
	if err := f.svc.RequestReset(f.ctx, handle, caller); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	want := "user=x" + strings.Repeat("é", 127) + " remote="
	if out := log.String(); !strings.Contains(out, want) {
		t.Errorf("the log does not name the handle cut to 255 bytes (%s):\n%s", want, out)
	}
}
