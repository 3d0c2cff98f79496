package account_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/store"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	tests := []struct {
		name             string
		handle, password string
		want             error // nil: logged in as erin
	}{
		{"right password", "erin", password, nil},
		{"handle in another case", "ERIN", password, nil},
		{"wrong password", "erin", "battery staple", account.ErrLoginFailed},
		{"password in another case", "erin", strings.ToUpper(password), account.ErrLoginFailed},
		{"empty password", "erin", "", account.ErrLoginFailed},
		{"unknown handle", "frank", password, account.ErrLoginFailed},
		{"empty handle", "", password, account.ErrLoginFailed},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One address each, so that no case is banned by the others.
			addr := netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)})
			start := time.Now()
			u, err := f.svc.Login(t.Context(), tt.handle, tt.password, addr)
			took := time.Since(start)
			if tt.want == nil {
				if err != nil || u == nil || u.Handle != "erin" {
					t.Fatalf("Login(%q, %q) = %v, %v; want erin", tt.handle, tt.password, u, err)
				}
				return
			}
			if !errors.Is(err, tt.want) || u != nil {
				t.Fatalf("Login(%q, %q) = %v, %v; want %v", tt.handle, tt.password, u, err, tt.want)
			}
			if took < fastDelay {
				t.Errorf("Login(%q, %q) failed after %v; want at least the pause, %v", tt.handle, tt.password, took, fastDelay)
			}
		})
	}
}

// An unknown handle costs what a wrong password costs: one check of a
// hash (the dummy made by New), no more.
func TestLoginCostsOneHashEitherWay(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{noBans: true}) // so that no failure bans

	if h, v := f.pw.cost(); h != 1 || v != 0 {
		t.Fatalf("after New: %d hashes, %d verifications; want 1 (the dummy), 0", h, v)
	}
	check := func(what, handle, pass string, want error) {
		t.Helper()
		h0, v0 := f.pw.cost()
		if _, err := f.svc.Login(t.Context(), handle, pass, caller); !errors.Is(err, want) {
			t.Fatalf("Login(%q, %q) = %v; want %v", handle, pass, err, want)
		}
		if h, v := f.pw.cost(); h-h0 != 0 || v-v0 != 1 {
			t.Errorf("%s: Login(%q) cost %d hashes, %d verifications; want 0, 1", what, handle, h-h0, v-v0)
		}
	}
	check("first unknown handle", "frank", password, account.ErrLoginFailed)
	f.user("erin", password)
	check("wrong password", "erin", "battery staple", account.ErrLoginFailed)
	check("unknown handle again", "grace", password, account.ErrLoginFailed)
	check("right password", "erin", password, nil)
}

func TestLoginFailuresBan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	tries := []struct {
		handle, password string
		want             error
	}{
		{"erin", "battery staple", account.ErrLoginFailed},
		{"frank", password, account.ErrLoginFailed}, // an unknown handle counts too
		{"erin", "battery staple", account.ErrBanned},
	}
	for i, tt := range tries {
		if _, err := f.svc.Login(t.Context(), tt.handle, tt.password, caller); !errors.Is(err, tt.want) {
			t.Fatalf("try %d: Login(%q, %q) = %v; want %v", i+1, tt.handle, tt.password, err, tt.want)
		}
	}
	if !f.banned(caller) {
		t.Errorf("Bans.Check(%v) = nil after 3 failures; want a ban", caller)
	}
	if n := f.bans.Load(); n != 1 {
		t.Errorf("OnBan heard %d bans; want 1", n)
	}
	if got, want := f.heard(), []bool{false, false, false}; !slices.Equal(got, want) {
		t.Errorf("OnLogin heard %v; want %v", got, want)
	}

	// Banned now: even the right password is refused, without a check.
	_, v0 := f.pw.cost()
	start := time.Now()
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); !errors.Is(err, account.ErrBanned) {
		t.Fatalf("banned: Login(erin, right password) = %v; want %v", err, account.ErrBanned)
	}
	if _, v := f.pw.cost(); v != v0 {
		t.Errorf("banned: Login(erin) verified %d passwords; want none", v-v0)
	}
	if took := time.Since(start); took >= fastDelay {
		t.Errorf("banned: Login(erin) took %v; want no pause", took)
	}
	if n := f.bans.Load(); n != 1 {
		t.Errorf("after a refused login OnBan heard %d bans; want still 1", n)
	}

	// Another address is not banned.
	if _, err := f.svc.Login(t.Context(), "erin", password, caller2); err != nil {
		t.Errorf("Login(erin) from %v = %v; want nil", caller2, err)
	}
}

// A locked account is answered as a wrong password, whatever the
// password: the same answers, pauses, checks, strikes and ban, so that
// its password can be neither guessed nor confirmed.
func TestLoginLocked(t *testing.T) {
	t.Parallel()
	type try struct {
		err      error
		verifies int64 // passwords checked
		paused   bool
	}
	// tries logs in three times with the password and says what a caller
	// and the board saw.
	tries := func(t *testing.T, locked bool, pass string) (got []try, heard []bool, bans int64, banned bool) {
		f := newFixture(t, setup{})
		f.user("erin", password)
		if locked {
			if _, err := f.svc.SetLocked(t.Context(), "erin", true); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			_, v0 := f.pw.cost()
			start := time.Now()
			u, err := f.svc.Login(t.Context(), "erin", pass, caller)
			took := time.Since(start)
			_, v := f.pw.cost()
			if u != nil {
				t.Fatalf("Login(erin, %q) = %v; want no account", pass, u)
			}
			got = append(got, try{err, v - v0, took >= fastDelay})
		}
		return got, f.heard(), f.bans.Load(), f.banned(caller)
	}
	want, wantHeard, wantBans, wantBanned := tries(t, false, "battery staple")
	if wantBans != 1 || !wantBanned || want[0].err != account.ErrLoginFailed || want[2].err != account.ErrBanned {
		t.Fatalf("an unlocked account's wrong password thrice: %+v, %d bans, banned %v; want 2 failures, a ban", want, wantBans, wantBanned)
	}
	for _, tt := range []struct{ name, password string }{
		{"right password", password},
		{"wrong password", "battery staple"},
		{"empty password", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, heard, bans, banned := tries(t, true, tt.password)
			if !slices.Equal(got, want) {
				t.Errorf("Login(locked erin, %q) thrice = %+v; want %+v, as for a wrong password", tt.password, got, want)
			}
			if !slices.Equal(heard, wantHeard) || bans != wantBans || banned != wantBanned {
				t.Errorf("Login(locked erin, %q) thrice: OnLogin heard %v, OnBan %d, banned %v; want %v, %d, %v",
					tt.password, heard, bans, banned, wantHeard, wantBans, wantBanned)
			}
		})
	}
}

func TestLoginStoreError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	f := newFixture(t, setup{users: func(u store.Users) store.Users { return failingUsers{u, boom} }})
	for i := range 5 {
		u, err := f.svc.Login(t.Context(), "erin", password, caller)
		if err == nil || u != nil || errors.Is(err, account.ErrLoginFailed) || errors.Is(err, account.ErrBanned) {
			t.Fatalf("try %d: Login with a failing store = %v, %v; want a store error", i+1, u, err)
		}
		if !errors.Is(err, boom) {
			t.Errorf("try %d: Login with a failing store = %v; want it to wrap %v", i+1, err, boom)
		}
	}
	if f.banned(caller) {
		t.Errorf("Bans.Check(%v) refuses after 5 store errors; want no strike", caller)
	}
	if got := f.heard(); len(got) != 0 {
		t.Errorf("OnLogin heard %v for store errors; want nothing decided", got)
	}
}

func TestLoginRehashesOldHash(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	old, err := (&auth.Hasher{Time: 2, MemoryKiB: 64}).Hash(t.Context(), password)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Users.CreateUser(t.Context(), &store.User{Handle: "erin", Password: old, Encoding: store.EncodingAuto}); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.Login(t.Context(), "erin", password, caller)
	if err != nil {
		t.Fatalf("Login(erin) with an old hash = %v; want nil", err)
	}
	fresh := f.stored("erin").Password
	if fresh == old {
		t.Fatalf("after Login(erin) the stored hash is still the old one, %s", old)
	}
	if u.Password != fresh {
		t.Errorf("Login(erin) returned hash %s; want the stored one, %s", u.Password, fresh)
	}
	ok, rehash, err := f.pw.Verify(t.Context(), fresh, password)
	if !ok || rehash || err != nil {
		t.Errorf("Verify(new hash, password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
		t.Errorf("Login(erin) after the rehash = %v; want nil", err)
	}
}

func TestLoginHooks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	f.user("frank", password)
	if _, err := f.svc.SetLocked(t.Context(), "frank", true); err != nil {
		t.Fatal(err)
	}
	f.svc.Login(t.Context(), "erin", password, caller)
	f.svc.Login(t.Context(), "erin", "battery staple", caller)
	f.svc.Login(t.Context(), "frank", password, caller) // locked
	if got, want := f.heard(), []bool{true, false, false}; !slices.Equal(got, want) {
		t.Errorf("OnLogin heard %v; want %v", got, want)
	}
	if n := f.bans.Load(); n != 0 {
		t.Errorf("OnBan heard %d bans before any; want 0", n)
	}
}

// cancelAfterVerify returns a context that ends once the password has
// been checked, that is, during the pause after a failure.
func cancelAfterVerify(t *testing.T, f *fixture) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	f.pw.afterVerify = cancel
	return ctx
}

func TestLoginCancelledDuringPause(t *testing.T) {
	t.Parallel()
	const delay = 10 * time.Second
	f := newFixture(t, setup{failDelay: delay})
	f.user("erin", password)
	ctx := cancelAfterVerify(t, f)
	start := time.Now()
	u, err := f.svc.Login(ctx, "erin", "battery staple", caller)
	if !errors.Is(err, context.Canceled) || u != nil {
		t.Fatalf("Login(erin, wrong password) cancelled during the pause = %v, %v; want %v", u, err, context.Canceled)
	}
	if took := time.Since(start); took >= delay/2 {
		t.Errorf("Login cancelled during the pause took %v; want it cut short (pause %v)", took, delay)
	}
}

// A caller who hangs up during the pause must still earn the strike:
// otherwise it tries passwords for ever, hanging up as soon as no
// success came back (a success has no pause, so it shows at once).
func TestLoginCancelledDuringPauseStillStrikes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{failDelay: 10 * time.Second})
	f.user("erin", password)
	for i := range 3 {
		ctx, cancel := context.WithCancel(t.Context())
		f.pw.afterVerify = cancel
		_, err := f.svc.Login(ctx, "erin", "battery staple", caller)
		cancel()
		if err == nil {
			t.Fatalf("try %d: Login(erin, wrong password) = nil; want an error", i+1)
		}
	}
	if !f.banned(caller) {
		t.Errorf("Bans.Check(%v) = nil after 3 wrong passwords, each cancelled during the pause; want a ban", caller)
	}
}

func TestLoginNotOnIPIsNoStrike(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	var pipe netip.Addr // a caller on a pipe or a socket, not on IP
	for i := range 5 {
		if _, err := f.svc.Login(t.Context(), "erin", "battery staple", pipe); !errors.Is(err, account.ErrLoginFailed) {
			t.Fatalf("try %d: Login(erin, wrong password) from no address = %v; want %v", i+1, err, account.ErrLoginFailed)
		}
	}
	if n := f.bans.Load(); n != 0 {
		t.Errorf("OnBan heard %d bans; want 0", n)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, pipe); err != nil {
		t.Errorf("Login(erin, right password) from no address = %v; want nil", err)
	}
}

// newKey returns a fresh ed25519 key in authorized_keys form, with a
// comment, and its fingerprint.
func newKey(t testing.TB, comment string) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	if comment != "" {
		line += " " + comment
	}
	return line, ssh.FingerprintSHA256(pk)
}

func TestLoginKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	f.user("frank", password)
	erinKey, erinFP := newKey(t, "erin@home")
	frankKey, frankFP := newKey(t, "")
	_, strangerFP := newKey(t, "")
	if _, err := f.svc.AddKey(t.Context(), "erin", erinKey); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddKey(t.Context(), "frank", frankKey); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, handle, fingerprint string
		registered                bool
		want                      error // nil: logged in as handle
	}{
		{"registered key", "erin", erinFP, true, nil},
		{"handle in another case", "Erin", erinFP, true, nil},
		{"unregistered key", "erin", strangerFP, false, account.ErrLoginFailed},
		{"another user's key", "erin", frankFP, false, account.ErrLoginFailed},
		{"unknown handle", "grace", erinFP, false, account.ErrLoginFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := f.svc.KeyRegistered(t.Context(), tt.handle, tt.fingerprint)
			if ok != tt.registered || err != nil {
				t.Errorf("KeyRegistered(%q, %s) = %v, %v; want %v, nil", tt.handle, tt.fingerprint, ok, err, tt.registered)
			}
			u, err := f.svc.LoginKey(t.Context(), tt.handle, tt.fingerprint)
			if tt.want == nil {
				if err != nil || u == nil || !strings.EqualFold(u.Handle, tt.handle) {
					t.Errorf("LoginKey(%q, %s) = %v, %v; want %s", tt.handle, tt.fingerprint, u, err, tt.handle)
				}
				return
			}
			if !errors.Is(err, tt.want) || u != nil {
				t.Errorf("LoginKey(%q, %s) = %v, %v; want %v", tt.handle, tt.fingerprint, u, err, tt.want)
			}
		})
	}
	t.Run("locked", func(t *testing.T) {
		if _, err := f.svc.SetLocked(t.Context(), "frank", true); err != nil {
			t.Fatal(err)
		}
		// As an unregistered key: nothing tells that the account exists.
		if u, err := f.svc.LoginKey(t.Context(), "frank", frankFP); err != account.ErrLoginFailed || u != nil {
			t.Errorf("LoginKey(locked frank, his key) = %v, %v; want %v", u, err, account.ErrLoginFailed)
		}
	})
}

func TestIntent(t *testing.T) {
	t.Parallel()
	closed := newFixture(t, setup{})
	open := newFixture(t, setup{anonymous: true})
	tests := []struct {
		name         string
		closed, open account.Intent // without and with AllowAnonymous
	}{
		{"new", account.IntentApply, account.IntentApply},
		{"APPLY ", account.IntentApply, account.IntentApply},
		{"bye", account.IntentLeave, account.IntentLeave},
		{"logoff", account.IntentLeave, account.IntentLeave},
		{"g", account.IntentLeave, account.IntentLeave},
		{"anonymous", account.IntentLogin, account.IntentGuest},
		{" Guest", account.IntentLogin, account.IntentGuest},
		{"guest", account.IntentLogin, account.IntentGuest},
		{"erin", account.IntentLogin, account.IntentLogin},
		{"newbie", account.IntentLogin, account.IntentLogin},
		{"a", account.IntentAccessible, account.IntentAccessible},
		{" A ", account.IntentAccessible, account.IntentAccessible},
		{"alice", account.IntentLogin, account.IntentLogin},
	}
	for _, tt := range tests {
		if got := closed.svc.Intent(tt.name); got != tt.closed {
			t.Errorf("Intent(%q) = %v; want %v", tt.name, got, tt.closed)
		}
		if got := open.svc.Intent(tt.name); got != tt.open {
			t.Errorf("with AllowAnonymous: Intent(%q) = %v; want %v", tt.name, got, tt.open)
		}
	}
	if closed.svc.AllowAnonymous() || !open.svc.AllowAnonymous() {
		t.Errorf("AllowAnonymous() = %v, %v; want false, true", closed.svc.AllowAnonymous(), open.svc.AllowAnonymous())
	}
	if g := account.Guest(); g.Handle != "anonymous" || g.ID != 0 || g.Encoding != store.EncodingAuto {
		t.Errorf("Guest() = %+v; want anonymous, ID 0, encoding auto", g)
	}
}
