package account_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// countingUsers counts every call to the store's users, by method, and
// holds the lookup of the handle "held" until release is closed, so that
// a test can keep the reset worker busy.
type countingUsers struct {
	store.Users
	mu      sync.Mutex
	calls   map[string]int
	holding chan struct{} // closed when the lookup of "held" is held
	release chan struct{}
}

func newCountingUsers(u store.Users) *countingUsers {
	return &countingUsers{Users: u, calls: map[string]int{}, holding: make(chan struct{}), release: make(chan struct{})}
}

func (c *countingUsers) count(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

// snapshot returns the calls so far.
func (c *countingUsers) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

func (c *countingUsers) CreateUser(ctx context.Context, u *store.User) error {
	c.count("CreateUser")
	return c.Users.CreateUser(ctx, u)
}

func (c *countingUsers) User(ctx context.Context, handle string) (*store.User, error) {
	c.count("User")
	if handle == "held" {
		close(c.holding)
		select {
		case <-c.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return c.Users.User(ctx, handle)
}

func (c *countingUsers) UpdateUser(ctx context.Context, u *store.User) error {
	c.count("UpdateUser")
	return c.Users.UpdateUser(ctx, u)
}

func (c *countingUsers) ModifyUser(ctx context.Context, id int64, change func(*store.User) error) (*store.User, error) {
	c.count("ModifyUser")
	return c.Users.ModifyUser(ctx, id, change)
}

func (c *countingUsers) DeleteUser(ctx context.Context, handle string) error {
	c.count("DeleteUser")
	return c.Users.DeleteUser(ctx, handle)
}

func (c *countingUsers) ListUsers(ctx context.Context) ([]*store.User, error) {
	c.count("ListUsers")
	return c.Users.ListUsers(ctx)
}

func (c *countingUsers) CountUsers(ctx context.Context) (int, error) {
	c.count("CountUsers")
	return c.Users.CountUsers(ctx)
}

// costFixture is a reset fixture whose store counts its calls, with
// alice (who has an e-mail address and a code pending) and bob (who has
// no address).
func costFixture(t testing.TB, rc account.ResetConfig, su setup) (*fixture, *countingUsers, *outbox) {
	t.Helper()
	var users *countingUsers
	su.users = func(u store.Users) store.Users {
		users = newCountingUsers(u)
		return users
	}
	box := newOutbox()
	su.config = func(c *account.Config) {
		c.Reset = rc
		c.Reset.Mailer = box
	}
	f := newFixture(t, su)
	t.Cleanup(func() { f.svc.Shutdown(context.Background()) })
	f.mailUser("alice", "alice@example.org")
	f.mailUser("bob", "")
	if _, err := f.st.Users.ModifyUser(f.ctx, f.stored("alice").ID, func(u *store.User) error {
		u.Reset.Hash = fmt.Sprintf("%064x", 1)
		u.Reset.Expires = u.Created.AddDate(1, 0, 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return f, users, box
}

// hold keeps the reset worker busy with a request it cannot finish until
// release: what RequestReset does meanwhile is all its caller waits for.
func (c *countingUsers) hold(t testing.TB, f *fixture) {
	t.Helper()
	if err := f.svc.RequestReset(f.ctx, "held", caller2); err != nil {
		t.Fatal(err)
	}
	<-c.holding
}

// TestRequestResetSameWork: RequestReset does the same work for a known
// handle, a known handle without an e-mail address and an unknown one:
// none with the store, and no hashing, while the caller waits; each is
// queued alike, and the worker looks every one up later.
func TestRequestResetSameWork(t *testing.T) {
	f, users, box := costFixture(t, account.ResetConfig{}, setup{})
	users.hold(t, f)
	for _, handle := range []string{"alice", "bob", "nobody9"} {
		before := users.snapshot()
		hashes, verifies := f.pw.cost()
		if err := f.svc.RequestReset(f.ctx, handle, caller); err != nil {
			t.Fatalf("RequestReset(%s) = %v", handle, err)
		}
		if after := users.snapshot(); !maps.Equal(after, before) {
			t.Errorf("RequestReset(%s) called the store: %v, then %v; want no call", handle, before, after)
		}
		if h, v := f.pw.cost(); h != hashes || v != verifies {
			t.Errorf("RequestReset(%s) hashed: %d hashes, %d checks; want none", handle, h-hashes, v-verifies)
		}
	}
	before := users.snapshot()
	close(users.release)
	f.drain(t)
	after := users.snapshot()
	if got := after["User"] - before["User"]; got != 3 {
		t.Errorf("the worker looked up %d accounts; want 3 (each request was queued)", got)
	}
	if got := box.all(); len(got) != 1 || got[0].to != "alice@example.org" {
		t.Errorf("mails sent: %+v; want one, to alice", got)
	}
}

// TestResetPasswordRefusedSameWork: a wrong code costs the same work
// with the store for a known handle (with a code pending or none) as for
// an unknown one: one lookup and no write, and no password hashing (the
// code is compared with a dummy when there is none).
func TestResetPasswordRefusedSameWork(t *testing.T) {
	f, users, _ := costFixture(t, account.ResetConfig{}, setup{noBans: true})
	for _, handle := range []string{"alice", "bob", "nobody9"} {
		before := users.snapshot()
		hashes, verifies := f.pw.cost()
		err := f.svc.ResetPassword(f.ctx, handle, "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "a new password", caller)
		if !errors.Is(err, account.ErrResetCode) {
			t.Fatalf("ResetPassword(%s, wrong code) = %v; want ErrResetCode", handle, err)
		}
		after := users.snapshot()
		for m := range after {
			after[m] -= before[m]
			if after[m] == 0 {
				delete(after, m)
			}
		}
		if want := map[string]int{"User": 1}; !maps.Equal(after, want) {
			t.Errorf("ResetPassword(%s, wrong code) called the store %v; want %v", handle, after, want)
		}
		if h, v := f.pw.cost(); h != hashes || v != verifies {
			t.Errorf("ResetPassword(%s, wrong code) hashed: %d hashes, %d checks; want none", handle, h-hashes, v-verifies)
		}
	}
}

// BenchmarkRequestReset: what a caller waits for when asking for a code,
// for a known handle and an unknown one (the worker is held, so that
// only the answer is measured). The figures should not differ.
func BenchmarkRequestReset(b *testing.B) {
	for _, handle := range []string{"alice", "nobody9"} {
		name := map[string]string{"alice": "known", "nobody9": "unknown"}[handle]
		b.Run(name, func(b *testing.B) {
			f, users, _ := costFixture(b, account.ResetConfig{PerAddress: 1 << 30, PerNetwork: 1 << 30, Queue: 1 << 18}, setup{})
			users.hold(b, f)
			for b.Loop() {
				if err := f.svc.RequestReset(f.ctx, handle, caller); err != nil {
					b.Fatal(err)
				}
			}
			// Drop what was queued rather than look it all up.
			stop, cancel := context.WithCancel(context.Background())
			cancel()
			f.svc.Shutdown(stop)
		})
	}
}

// BenchmarkResetPasswordWrong: the cost of a wrong reset code (without
// the failure pause), for a known handle and an unknown one. The
// figures should not differ by more than the store's lookup does.
func BenchmarkResetPasswordWrong(b *testing.B) {
	for _, handle := range []string{"alice", "nobody9"} {
		name := map[string]string{"alice": "known", "nobody9": "unknown"}[handle]
		b.Run(name, func(b *testing.B) {
			f, _, _ := costFixture(b, account.ResetConfig{}, setup{noBans: true, failDelay: -1})
			for b.Loop() {
				err := f.svc.ResetPassword(f.ctx, handle, "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "a new password", caller)
				if !errors.Is(err, account.ErrResetCode) {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkResetPasswordWrongAnswered is BenchmarkResetPasswordWrong
// with a failure pause of 2 ms: a failure is answered that long after
// the check began, so known and unknown handles take the same time,
// where without the pause the known one costs the account's read more.
func BenchmarkResetPasswordWrongAnswered(b *testing.B) {
	for _, handle := range []string{"alice", "nobody9"} {
		name := map[string]string{"alice": "known", "nobody9": "unknown"}[handle]
		b.Run(name, func(b *testing.B) {
			f, _, _ := costFixture(b, account.ResetConfig{}, setup{noBans: true, failDelay: 2 * time.Millisecond})
			for b.Loop() {
				err := f.svc.ResetPassword(f.ctx, handle, "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "a new password", caller)
				if !errors.Is(err, account.ErrResetCode) {
					b.Fatal(err)
				}
			}
		})
	}
}
