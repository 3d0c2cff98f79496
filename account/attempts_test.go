package account_test

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/store"
)

// The board's Banner counts attempts in flight.
var _ account.Attempts = (*auth.Banner)(nil)

// plainBans is a Bans that does not count attempts in flight (it hides
// auth.Banner's Begin, Release and Fail), as a custom board's might.
type plainBans struct{ account.Bans }

// withBans makes f's Service again on bans, with f's store, passwords and
// hooks.
func (f *fixture) withBans(t *testing.T, bans account.Bans) {
	t.Helper()
	rules, err := auth.NewValidator(auth.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	f.svc, err = account.New(f.ctx, account.Config{
		Users:     f.st.Users,
		Keys:      f.st.Keys,
		Passwords: f.pw,
		Rules:     rules,
		Bans:      bans,
		FailDelay: fastDelay,
		OnLogin: func(ok bool) {
			f.mu.Lock()
			f.logins = append(f.logins, ok)
			f.mu.Unlock()
		},
		OnBan: func() { f.bans.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
}

// atOnce runs n calls of try at the same moment, and holds every password
// check that has been made until each call has either reached its check
// or returned: the worst case for a ban, where no failure is recorded
// before every attempt has begun. It returns each call's answer.
func atOnce(t *testing.T, f *fixture, n int, try func(ctx context.Context) error) []error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var (
		checking, returned atomic.Int64
		once               sync.Once
		open               = make(chan struct{})
		start              = make(chan struct{})
		wg                 sync.WaitGroup
	)
	progress := func() {
		if checking.Load()+returned.Load() == int64(n) {
			once.Do(func() { close(open) })
		}
	}
	f.pw.afterVerify = func() {
		checking.Add(1)
		progress()
		select {
		case <-open:
		case <-ctx.Done():
		}
	}
	defer func() { f.pw.afterVerify = nil }()
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			began := time.Now()
			errs[i] = try(t.Context())
			if took := time.Since(began); errs[i] != nil && took < fastDelay {
				t.Errorf("attempt %d answered %v after %v; want the pause, %v", i, errs[i], took, fastDelay)
			}
			returned.Add(1)
			progress()
		})
	}
	close(start)
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the attempts never all reached their checks or returned")
	}
	return errs
}

// count returns how many of errs are each of the errors in kinds, and
// how many are none of them.
func count(errs []error, kinds ...error) (n []int, other int) {
	n = make([]int, len(kinds))
outer:
	for _, err := range errs {
		for i, k := range kinds {
			if err == k {
				n[i]++
				continue outer
			}
		}
		other++
	}
	return n, other
}

// TestLoginAtOnce is the attack on the ban: many connections of one
// caller try a password each at the same moment. No more passwords are
// checked than the ban allows (3), the ban is counted once, and every
// attempt gets the answer and pause of a failed login.
func TestLoginAtOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		attempts         int
		handle, password string
		locked           bool
		from             netip.Addr
		allow            bool // the caller's network is on the allow list
		checked          int64
		failed, banned   int // answers ErrLoginFailed and ErrBanned
		bans             int64
	}{
		{"20 wrong passwords", 20, "erin", "battery staple", false, caller, false, 3, 19, 1, 1},
		{"20 unknown handles", 20, "frank", password, false, caller, false, 3, 19, 1, 1},
		{"20 right passwords of a locked account", 20, "erin", password, true, caller, false, 3, 19, 1, 1},
		{"3 wrong passwords", 3, "erin", "battery staple", false, caller, false, 3, 2, 1, 1},
		{"2 wrong passwords", 2, "erin", "battery staple", false, caller, false, 2, 2, 0, 0},
		{"over IPv6, one /64", 20, "erin", "battery staple", false, netip.MustParseAddr("2001:db8::7"), false, 3, 19, 1, 1},
		{"allowed network", 20, "erin", "battery staple", false, caller, true, 20, 20, 0, 0},
		{"not on IP", 20, "erin", "battery staple", false, netip.Addr{}, false, 20, 20, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, setup{})
			f.user("erin", password)
			if tt.locked {
				if _, err := f.svc.SetLocked(t.Context(), "erin", true); err != nil {
					t.Fatal(err)
				}
			}
			if tt.allow {
				bn, err := auth.NewBanner(t.Context(), auth.BanConfig{MaxFailures: 3,
					Allow: []netip.Prefix{netip.PrefixFrom(caller, 24).Masked()}}, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				f.banner = bn
				f.withBans(t, bn)
			}
			// A caller at several addresses of its /64 is one caller.
			addr := func(i int) netip.Addr {
				if !tt.from.Is6() {
					return tt.from
				}
				b := tt.from.As16()
				b[15] += byte(i)
				return netip.AddrFrom16(b)
			}
			var n atomic.Int64
			errs := atOnce(t, f, tt.attempts, func(ctx context.Context) error {
				i := int(n.Add(1))
				_, err := f.svc.Login(ctx, tt.handle, tt.password, addr(i))
				return err
			})
			if _, v := f.pw.cost(); v != tt.checked {
				t.Errorf("%d logins at once checked %d passwords; want %d", tt.attempts, v, tt.checked)
			}
			got, other := count(errs, account.ErrLoginFailed, account.ErrBanned)
			if got[0] != tt.failed || got[1] != tt.banned || other != 0 {
				t.Errorf("answers: %d login failed, %d banned, %d other (%v); want %d, %d, 0", got[0], got[1], other, errs, tt.failed, tt.banned)
			}
			if b := f.bans.Load(); b != tt.bans {
				t.Errorf("OnBan heard %d bans; want %d", b, tt.bans)
			}
			if heard := f.heard(); int64(len(heard)) != tt.checked {
				t.Errorf("OnLogin heard %d logins decided; want one per password checked, %d", len(heard), tt.checked)
			}
			if tt.bans > 0 && !f.banned(tt.from) {
				t.Errorf("Check(%v) = nil after the attack; want a ban", tt.from)
			}
		})
	}
}

// A success gives its place back: a caller that logs in again and again,
// in turn, is never refused, and after a burst at once the next login is
// checked.
func TestLoginAtOncePlacesComeBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	for i := range 10 {
		if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
			t.Fatalf("login %d in turn: Login(erin) = %v; want nil", i+1, err)
		}
	}
	errs := atOnce(t, f, 10, func(ctx context.Context) error {
		_, err := f.svc.Login(ctx, "erin", password, caller)
		return err
	})
	got, other := count(errs, nil, account.ErrLoginFailed)
	if got[0] != 3 || got[1] != 7 || other != 0 {
		t.Errorf("10 right passwords at once: %d in, %d login failed, %d other; want 3 checked and in, 7 refused", got[0], got[1], other)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
		t.Errorf("after the burst: Login(erin) = %v; want nil", err)
	}
	if f.banned(caller) || f.bans.Load() != 0 {
		t.Errorf("refused attempts counted toward a ban; want no strike for a password not checked")
	}
}

// A Bans that does not count attempts still hears of each ban once when
// the failures come in turn, including a failure begun before the ban
// and ended after it.
func TestLoginPlainBansCountsBanOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	f.withBans(t, plainBans{f.banner})
	var nested atomic.Bool
	var inner []error
	f.pw.afterVerify = func() {
		if !nested.CompareAndSwap(false, true) {
			return
		}
		// While the first login is checked, three others fail and ban.
		for range 3 {
			_, err := f.svc.Login(t.Context(), "erin", "battery staple", caller)
			inner = append(inner, err)
		}
	}
	_, err := f.svc.Login(t.Context(), "erin", "battery staple", caller)
	if err != account.ErrBanned {
		t.Errorf("the login begun before the ban = %v; want %v", err, account.ErrBanned)
	}
	if want := []error{account.ErrLoginFailed, account.ErrLoginFailed, account.ErrBanned}; len(inner) != 3 || inner[0] != want[0] || inner[1] != want[1] || inner[2] != want[2] {
		t.Errorf("the logins during it = %v; want %v", inner, want)
	}
	if n := f.bans.Load(); n != 1 {
		t.Errorf("OnBan heard %d bans; want 1", n)
	}
}

func TestVerifyFrom(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	f.user("frank", password)
	if _, err := f.svc.SetLocked(t.Context(), "frank", true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, handle, password string
		from                   netip.Addr
		want                   error
		checked                int64
		strike                 bool
	}{
		{"right password", "erin", password, caller, nil, 1, false},
		{"wrong password", "erin", "battery staple", caller, account.ErrWrongPassword, 1, true},
		{"locked account's password", "frank", password, caller, account.ErrWrongPassword, 1, true},
		{"no address: no strike", "erin", "battery staple", netip.Addr{}, account.ErrWrongPassword, 1, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One address each, so that no case is banned by the others.
			from := tt.from
			if from.IsValid() {
				from = netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)})
			}
			_, v0 := f.pw.cost()
			start := time.Now()
			err := f.svc.VerifyFrom(t.Context(), tt.handle, tt.password, from)
			took := time.Since(start)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("VerifyFrom(%q, %q) = %v; want %v", tt.handle, tt.password, err, tt.want)
			}
			if err != nil && took < fastDelay {
				t.Errorf("VerifyFrom(%q, %q) answered after %v; want the pause, %v", tt.handle, tt.password, took, fastDelay)
			}
			if _, v := f.pw.cost(); v-v0 != tt.checked {
				t.Errorf("VerifyFrom(%q, %q) checked %d passwords; want %d", tt.handle, tt.password, v-v0, tt.checked)
			}
			// Two more failures ban a caller that has a strike.
			if from.IsValid() {
				f.banner.Failed(t.Context(), from)
				banned, _ := f.banner.Failed(t.Context(), from)
				if banned != tt.strike {
					t.Errorf("after VerifyFrom(%q, %q) and 2 failures: banned = %v; want %v", tt.handle, tt.password, banned, tt.strike)
				}
			}
		})
	}
	if err := f.svc.VerifyFrom(t.Context(), "nobody", password, caller); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("VerifyFrom(nobody) = %v; want an error matching store.ErrNotFound", err)
	}
}

// A caller banned while logged in, or trying passwords at once, gets
// ErrWrongPassword with no check.
func TestVerifyFromBannedAndAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	errs := atOnce(t, f, 20, func(ctx context.Context) error {
		return f.svc.VerifyFrom(ctx, "erin", "battery staple", caller)
	})
	if _, v := f.pw.cost(); v != 3 {
		t.Errorf("20 VerifyFrom at once checked %d passwords; want 3", v)
	}
	if got, other := count(errs, account.ErrWrongPassword); got[0] != 20 || other != 0 {
		t.Errorf("20 VerifyFrom at once = %v; want ErrWrongPassword each", errs)
	}
	if n := f.bans.Load(); n != 1 || !f.banned(caller) {
		t.Errorf("after 20 VerifyFrom at once: OnBan heard %d, banned %v; want 1, true", n, f.banned(caller))
	}
	_, v0 := f.pw.cost()
	if err := f.svc.VerifyFrom(t.Context(), "erin", password, caller); err != account.ErrWrongPassword {
		t.Errorf("banned: VerifyFrom(erin, right password) = %v; want %v", err, account.ErrWrongPassword)
	}
	if _, v := f.pw.cost(); v != v0 {
		t.Errorf("banned: VerifyFrom checked %d passwords; want none", v-v0)
	}
	// Verify, with no address, is not refused by the ban.
	if err := f.svc.Verify(t.Context(), "erin", password); err != nil {
		t.Errorf("Verify(erin, right password) = %v; want nil", err)
	}
}
