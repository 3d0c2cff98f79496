package account_test

import (
	"context"
	"net/netip"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Values the tests share.
const (
	password  = "correct horse"
	fastDelay = 20 * time.Millisecond
)

var (
	caller  = netip.MustParseAddr("192.0.2.7")
	caller2 = netip.MustParseAddr("192.0.2.8")
)

// setup says how a fixture's Service differs from the usual one: a fast
// argon2id, a 20 ms pause, a Banner banning at the 3rd failure, and a
// recording Sessions.
type setup struct {
	failDelay time.Duration // 0: fastDelay
	hasher    *auth.Hasher  // nil: argon2id with t=1, 64 KiB
	noBans    bool
	anonymous bool
	// users, if non-nil, wraps the store's users.
	users func(store.Users) store.Users
	// config, if non-nil, changes the Service's Config last.
	config func(*account.Config)
}

// fixture is a Service on a real SQLite store, with real hashing, rules
// and bans, and fakes that record what the Service told the board.
type fixture struct {
	t        testing.TB
	ctx      context.Context
	st       *store.Store
	pw       *countingPasswords
	banner   *auth.Banner // nil with setup.noBans
	sessions *recordingSessions
	svc      *account.Service

	mu     sync.Mutex
	logins []bool // what OnLogin heard, in order
	bans   atomic.Int64
}

func newFixture(t testing.TB, su setup) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	hasher := su.hasher
	if hasher == nil {
		hasher = &auth.Hasher{Time: 1, MemoryKiB: 64}
	}
	f := &fixture{t: t, ctx: ctx, st: st, pw: &countingPasswords{Passwords: hasher}, sessions: &recordingSessions{}}
	rules, err := auth.NewValidator(auth.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := account.Config{
		Users:          st.Users,
		Keys:           st.Keys,
		Passwords:      f.pw,
		Rules:          rules,
		Sessions:       f.sessions,
		AllowAnonymous: su.anonymous,
		FailDelay:      su.failDelay,
		OnLogin: func(ok bool) {
			f.mu.Lock()
			f.logins = append(f.logins, ok)
			f.mu.Unlock()
		},
		OnBan: func() { f.bans.Add(1) },
	}
	if cfg.FailDelay == 0 {
		cfg.FailDelay = fastDelay
	}
	if su.users != nil {
		cfg.Users = su.users(st.Users)
	}
	if !su.noBans {
		f.banner, err = auth.NewBanner(ctx, auth.BanConfig{MaxFailures: 3}, st.Bans, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Bans = f.banner
	}
	if su.config != nil {
		su.config(&cfg)
	}
	f.svc, err = account.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// user makes an account with the handle and password, as the sysop would,
// so that it is no sysop.
func (f *fixture) user(handle, password string) *store.User {
	f.t.Helper()
	u, err := f.svc.Create(f.ctx, account.Application{Handle: handle, Password: password}, false)
	if err != nil {
		f.t.Fatalf("Create(%q) = %v", handle, err)
	}
	return u
}

// stored returns the account as the store holds it.
func (f *fixture) stored(handle string) *store.User {
	f.t.Helper()
	u, err := f.st.Users.User(f.ctx, handle)
	if err != nil {
		f.t.Fatalf("store: User(%q) = %v", handle, err)
	}
	return u
}

// heard returns what OnLogin heard so far.
func (f *fixture) heard() []bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bool(nil), f.logins...)
}

// banned reports whether the Banner refuses addr.
func (f *fixture) banned(addr netip.Addr) bool { return f.banner.Check(addr) != nil }

// countingPasswords counts the hashing the Service asks for.
type countingPasswords struct {
	account.Passwords
	hashes, verifies atomic.Int64
	// afterVerify, if set before the Service is used, runs after each
	// Verify.
	afterVerify func()
}

func (c *countingPasswords) Hash(ctx context.Context, password string) (string, error) {
	c.hashes.Add(1)
	return c.Passwords.Hash(ctx, password)
}

func (c *countingPasswords) Verify(ctx context.Context, hash, password string) (ok, rehash bool, err error) {
	c.verifies.Add(1)
	ok, rehash, err = c.Passwords.Verify(ctx, hash, password)
	if c.afterVerify != nil {
		c.afterVerify()
	}
	return ok, rehash, err
}

// cost returns the hashes and verifications so far.
func (c *countingPasswords) cost() (hashes, verifies int64) {
	return c.hashes.Load(), c.verifies.Load()
}

// recordingSessions records the calls the Service ended.
type recordingSessions struct {
	mu    sync.Mutex
	calls []disconnect
}

type disconnect struct{ handle, line string }

func (r *recordingSessions) DisconnectUser(handle, line string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, disconnect{handle, line})
	return 1
}

// take returns the calls ended since the last take.
func (r *recordingSessions) take() []disconnect {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

// failingUsers is a store whose User fails, as a broken database would.
type failingUsers struct {
	store.Users
	err error
}

func (u failingUsers) User(context.Context, string) (*store.User, error) { return nil, u.err }
