package account_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/store"
)

// t0 is the tests' "now": 10 s into a 30-second step.
var t0 = time.Date(2024, 5, 1, 12, 0, 10, 0, time.UTC)

// clock is a Service's clock that tests set.
type clock struct{ unix atomic.Int64 }

func (c *clock) Now() time.Time   { return time.Unix(c.unix.Load(), 0) }
func (c *clock) set(t time.Time)  { c.unix.Store(t.Unix()) }
func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }

// oathtool returns the TOTP code for secret at time at, made by Debian's
// oathtool (an implementation of RFC 6238 that is not ours).
func oathtool(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", fmt.Sprintf("@%d", at.Unix()), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// totpFixture is a fixture whose Service runs on clk and logs into log.
type totpFixture struct {
	*fixture
	clk *clock
	log *bytes.Buffer
	mu  *sync.Mutex // guards log
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newTOTPFixture(t *testing.T, su setup) *totpFixture {
	t.Helper()
	e2e.LookPath(t, "oathtool")
	tf := &totpFixture{clk: newClock(t0), log: &bytes.Buffer{}, mu: &sync.Mutex{}}
	more := su.config
	su.config = func(c *account.Config) {
		if more != nil {
			more(c)
		}
		c.Now = tf.clk.Now
		c.Issuer = "Dream World"
		// No time in the lines: the test looks for codes (digits) in them.
		noTime := func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
		c.Logger = slog.New(slog.NewTextHandler(lockedWriter{tf.mu, tf.log}, &slog.HandlerOptions{ReplaceAttr: noTime}))
	}
	tf.fixture = newFixture(t, su)
	return tf
}

func (f *totpFixture) logged() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.String()
}

// enrol turns on two-factor login for a new user with the handle, at a
// time 10 minutes before t0, and returns the secret and recovery codes.
func (f *totpFixture) enrol(handle string) (secret string, recovery []string) {
	f.t.Helper()
	f.user(handle, password)
	f.clk.set(t0.Add(-10 * time.Minute))
	defer f.clk.set(t0)
	e, err := f.svc.NewTOTP(f.ctx, handle)
	if err != nil {
		f.t.Fatalf("NewTOTP(%q) = %v", handle, err)
	}
	recovery, err = f.svc.EnableTOTP(f.ctx, handle, e.Secret, oathtool(f.t, e.Secret, f.clk.Now()))
	if err != nil {
		f.t.Fatalf("EnableTOTP(%q) = %v", handle, err)
	}
	return e.Secret, recovery
}

func TestNewTOTP(t *testing.T) {
	f := newTOTPFixture(t, setup{})
	f.user("alice", password)
	e, err := f.svc.NewTOTP(f.ctx, "ALICE")
	if err != nil {
		t.Fatalf("NewTOTP = %v", err)
	}
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(e.Secret) {
		t.Errorf("NewTOTP: Secret = %q; want 32 base32 letters (160 bits)", e.Secret)
	}
	u, err := url.Parse(e.URL)
	if err != nil {
		t.Fatalf("NewTOTP: URL %q: %v", e.URL, err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Dream World:alice" ||
		q.Get("secret") != e.Secret || q.Get("issuer") != "Dream World" {
		t.Errorf("NewTOTP: URL = %q; want otpauth://totp/Dream%%20World:alice?secret=%s&issuer=Dream%%20World", e.URL, e.Secret)
	}
	if other, _ := f.svc.NewTOTP(f.ctx, "alice"); other.Secret == e.Secret {
		t.Errorf("NewTOTP twice made the same secret %q", e.Secret)
	}
	if account.HasTOTP(f.stored("alice")) {
		t.Errorf("NewTOTP saved the secret; want it saved by EnableTOTP only")
	}
	if _, err := f.svc.NewTOTP(f.ctx, "ghost"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("NewTOTP(ghost) = %v; want store.ErrNotFound", err)
	}
}

func TestEnableTOTP(t *testing.T) {
	f := newTOTPFixture(t, setup{})
	f.user("alice", password)
	e, err := f.svc.NewTOTP(f.ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, secret, code string
		want               error
	}{
		{"wrong code", e.Secret, "000000", account.ErrWrongCode},
		{"code of 2 steps ago", e.Secret, oathtool(t, e.Secret, t0.Add(-60*time.Second)), account.ErrWrongCode},
		{"a recovery code's shape", e.Secret, "abcd-efgh-ijkl-mnop", account.ErrWrongCode},
		{"no secret", "", "123456", account.ErrInvalid},
		{"a short secret", "JBSWY3DPEHPK3PXP", oathtool(t, "JBSWY3DPEHPK3PXP", t0), account.ErrInvalid},
		{"not base32", strings.Repeat("1", 32), "123456", account.ErrInvalid},
	} {
		if _, err := f.svc.EnableTOTP(f.ctx, "alice", tc.secret, tc.code); !errors.Is(err, tc.want) {
			t.Errorf("%s: EnableTOTP = %v; want %v", tc.name, err, tc.want)
		}
	}
	if account.HasTOTP(f.stored("alice")) {
		t.Fatalf("a refused EnableTOTP saved a secret")
	}

	code := oathtool(t, e.Secret, t0)
	recovery, err := f.svc.EnableTOTP(f.ctx, "alice", strings.ToLower(e.Secret), code)
	if err != nil {
		t.Fatalf("EnableTOTP with oathtool's code = %v", err)
	}
	u := f.stored("alice")
	if !account.HasTOTP(u) || u.TOTP.Secret != e.Secret || u.TOTP.LastStep != t0.Unix()/30 {
		t.Errorf("stored TOTP = secret %v, last step %d; want the enrolment's secret, step %d", u.TOTP.Secret == e.Secret, u.TOTP.LastStep, t0.Unix()/30)
	}
	shape := regexp.MustCompile(`^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$`)
	if len(recovery) != account.RecoveryCodes || len(u.TOTP.Recovery) != account.RecoveryCodes {
		t.Errorf("EnableTOTP gave %d recovery codes, stored %d; want %d", len(recovery), len(u.TOTP.Recovery), account.RecoveryCodes)
	}
	for _, c := range recovery {
		if !shape.MatchString(c) {
			t.Errorf("recovery code %q; want abcd-efgh-ijkl-mnop", c)
		}
		for _, h := range u.TOTP.Recovery {
			if strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
				t.Errorf("recovery code %q is stored in clear", c)
			}
		}
	}
	if n := len(slices.Compact(slices.Sorted(slices.Values(recovery)))); n != len(recovery) {
		t.Errorf("recovery codes repeat: %q", recovery)
	}
	// The enrolment's code is spent.
	if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", code, caller); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("LoginSecondFactor with the enrolment's code = %v; want ErrLoginFailed", err)
	}
	if _, err := f.svc.EnableTOTP(f.ctx, "alice", e.Secret, oathtool(t, e.Secret, t0.Add(30*time.Second))); !errors.Is(err, account.ErrTOTPOn) {
		t.Errorf("EnableTOTP again = %v; want ErrTOTPOn", err)
	}
	if _, err := f.svc.NewTOTP(f.ctx, "alice"); !errors.Is(err, account.ErrTOTPOn) {
		t.Errorf("NewTOTP with two-factor login on = %v; want ErrTOTPOn", err)
	}
	if log := f.logged(); !strings.Contains(log, "two-factor login turned on") || strings.Contains(log, e.Secret) || strings.Contains(log, code) {
		t.Errorf("log:\n%s\nwant the event, without the secret or code", log)
	}
}

// TestLoginSecondFactor: which codes let a caller in once the password
// was right, at t0, for an account whose last code was 10 minutes ago.
func TestLoginSecondFactor(t *testing.T) {
	step := 30 * time.Second
	for _, tc := range []struct {
		name string
		code func(secret string, recovery []string) string
		ok   bool
	}{
		{"current code", func(s string, _ []string) string { return oathtool(t, s, t0) }, true},
		{"code of the previous step", func(s string, _ []string) string { return oathtool(t, s, t0.Add(-step)) }, true},
		{"code of the next step", func(s string, _ []string) string { return oathtool(t, s, t0.Add(step)) }, true},
		{"code with a space", func(s string, _ []string) string { c := oathtool(t, s, t0); return c[:3] + " " + c[3:] }, true},
		{"code of 2 steps ago", func(s string, _ []string) string { return oathtool(t, s, t0.Add(-2*step)) }, false},
		{"code of 2 steps ahead", func(s string, _ []string) string { return oathtool(t, s, t0.Add(2*step)) }, false},
		{"the enrolment's code", func(s string, _ []string) string { return oathtool(t, s, t0.Add(-10*time.Minute)) }, false},
		{"wrong code", func(s string, _ []string) string { return wrongCode(oathtool(t, s, t0)) }, false},
		{"recovery code", func(_ string, r []string) string { return r[3] }, true},
		{"recovery code in capitals without dashes", func(_ string, r []string) string { return strings.ToUpper(strings.ReplaceAll(r[3], "-", "")) }, true},
		{"made-up recovery code", func(_ string, _ []string) string { return "abcd-efgh-ijkl-mnop" }, false},
		{"empty", func(string, []string) string { return "" }, false},
		{"5 digits", func(s string, _ []string) string { return oathtool(t, s, t0)[1:] }, false},
		{"huge", func(s string, _ []string) string { return strings.Repeat(oathtool(t, s, t0), 1000) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTOTPFixture(t, setup{})
			secret, recovery := f.enrol("alice")
			code := tc.code(secret, recovery)
			u, err := f.svc.LoginSecondFactor(f.ctx, "alice", code, caller)
			switch {
			case tc.ok && (err != nil || u.Handle != "alice"):
				t.Fatalf("LoginSecondFactor(%q) = %v, %v; want alice", code, u, err)
			case !tc.ok && !errors.Is(err, account.ErrLoginFailed):
				t.Fatalf("LoginSecondFactor(%q) = %v, %v; want ErrLoginFailed", code, u, err)
			}
			if code != "" && strings.Contains(f.logged(), strings.TrimSpace(code)) {
				t.Errorf("the log holds the code:\n%s", f.logged())
			}
			if !tc.ok {
				return
			}
			// Once in, the same code is refused: a replay.
			if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", code, caller); !errors.Is(err, account.ErrLoginFailed) {
				t.Errorf("LoginSecondFactor(%q) replayed = %v; want ErrLoginFailed", code, err)
			}
		})
	}
}

// wrongCode returns a 6-digit code that is not c.
func wrongCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// TestLoginSecondFactorSteps: codes go forward only. After the next
// step's code, the current one is refused; a recovery code works once and
// leaves the others.
func TestLoginSecondFactorSteps(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true})
	secret, recovery := f.enrol("alice")
	for i, tc := range []struct {
		code string
		ok   bool
	}{
		{oathtool(t, secret, t0.Add(30*time.Second)), true},
		{oathtool(t, secret, t0), false}, // older than the last one used
		{recovery[0], true},
		{recovery[0], false},
		{recovery[1], true},
		{oathtool(t, secret, t0.Add(30*time.Second)), false},
	} {
		_, err := f.svc.LoginSecondFactor(f.ctx, "alice", tc.code, caller)
		if tc.ok != (err == nil) {
			t.Errorf("%d: LoginSecondFactor = %v; want ok %v", i, err, tc.ok)
		}
	}
	if n := len(f.stored("alice").TOTP.Recovery); n != account.RecoveryCodes-2 {
		t.Errorf("%d recovery codes left; want %d", n, account.RecoveryCodes-2)
	}
	// The clock moves on: the next code works.
	f.clk.set(t0.Add(time.Minute))
	if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", oathtool(t, secret, t0.Add(time.Minute)), caller); err != nil {
		t.Errorf("LoginSecondFactor with a later code = %v", err)
	}
}

// TestLoginSecondFactorRace: many logins racing with one code (each from
// its own address, so that no ban stops them): exactly one gets in.
func TestLoginSecondFactorRace(t *testing.T) {
	// Not the account's throttle, which the replays would trip (see
	// TestTOTPThrottle): the store's one write.
	f := newTOTPFixture(t, setup{config: func(c *account.Config) { c.TOTPMaxFailures = 100 }})
	secret, recovery := f.enrol("alice")
	for _, code := range []string{oathtool(t, secret, t0), recovery[0]} {
		const n = 12
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = f.svc.LoginSecondFactor(f.ctx, "alice", code, netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)}))
			})
		}
		close(start)
		wg.Wait()
		ok, failed := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, account.ErrLoginFailed):
				failed++
			default:
				t.Errorf("LoginSecondFactor = %v", err)
			}
		}
		if ok != 1 || failed != n-1 {
			t.Errorf("%d logins racing with one code: %d in, %d refused; want 1 in", n, ok, failed)
		}
	}
}

// TestLoginSecondFactorStrikes: a wrong code is a failed login: the
// pause, a strike, and at the third the caller's address is banned.
func TestLoginSecondFactorStrikes(t *testing.T) {
	f := newTOTPFixture(t, setup{})
	secret, _ := f.enrol("alice")
	wrong := wrongCode(oathtool(t, secret, t0))
	for i, want := range []error{account.ErrLoginFailed, account.ErrLoginFailed, account.ErrBanned} {
		start := time.Now()
		_, err := f.svc.LoginSecondFactor(f.ctx, "alice", wrong, caller)
		if !errors.Is(err, want) {
			t.Fatalf("wrong code %d: LoginSecondFactor = %v; want %v", i+1, err, want)
		}
		if d := time.Since(start); d < fastDelay {
			t.Errorf("wrong code %d answered after %v; want the failure pause (%v)", i+1, d, fastDelay)
		}
	}
	if !f.banned(caller) {
		t.Errorf("3 wrong codes did not ban the caller")
	}
	// Banned now: even the right code is refused, without a check.
	if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", oathtool(t, secret, t0), caller); !errors.Is(err, account.ErrBanned) {
		t.Errorf("right code from a banned caller = %v; want ErrBanned", err)
	}
	// A wrong password and a wrong code count toward one ban.
	if _, err := f.svc.Login(f.ctx, "alice", "wrong password", caller2); !errors.Is(err, account.ErrLoginFailed) {
		t.Fatal(err)
	}
	f.svc.LoginSecondFactor(f.ctx, "alice", wrong, caller2)
	if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", wrong, caller2); !errors.Is(err, account.ErrBanned) {
		t.Errorf("a wrong password and two wrong codes = %v; want ErrBanned", err)
	}
	if log := f.logged(); !strings.Contains(log, "second factor refused") || strings.Contains(log, wrong) {
		t.Errorf("log:\n%s\nwant the refusals, without the code", log)
	}
}

// TestLoginSecondFactorRefusesAccounts: an account locked, without a
// second factor, or unknown gets no code accepted.
func TestLoginSecondFactorRefusesAccounts(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true})
	secret, recovery := f.enrol("alice")
	f.user("bob", password)
	if _, err := f.svc.SetLocked(f.ctx, "alice", true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ handle, code string }{
		{"alice", oathtool(t, secret, t0)},
		{"alice", recovery[0]},
		{"bob", oathtool(t, secret, t0)},
		{"ghost", oathtool(t, secret, t0)},
	} {
		if _, err := f.svc.LoginSecondFactor(f.ctx, tc.handle, tc.code, caller); !errors.Is(err, account.ErrLoginFailed) {
			t.Errorf("LoginSecondFactor(%s) = %v; want ErrLoginFailed", tc.handle, err)
		}
	}
}

func TestRemoveTOTP(t *testing.T) {
	f := newTOTPFixture(t, setup{})
	f.enrol("alice")
	u, err := f.svc.RemoveTOTP(f.ctx, "Alice")
	if err != nil || account.HasTOTP(u) || account.HasTOTP(f.stored("alice")) {
		t.Fatalf("RemoveTOTP = %v, %v; want the second factor gone", u, err)
	}
	if st := f.stored("alice").TOTP; st.LastStep != 0 || len(st.Recovery) != 0 {
		t.Errorf("RemoveTOTP left %+v", st)
	}
	_, err = f.svc.RemoveTOTP(f.ctx, "alice")
	if !errors.Is(err, account.ErrTOTPOff) || !errors.Is(err, store.ErrNotFound) || err.Error() != "alice has no two-factor login" {
		t.Errorf("RemoveTOTP again = %v; want ErrTOTPOff saying so", err)
	}
	if _, err := f.svc.RemoveTOTP(f.ctx, "ghost"); !errors.Is(err, store.ErrNotFound) || errors.Is(err, account.ErrTOTPOff) {
		t.Errorf("RemoveTOTP(ghost) = %v; want store.ErrNotFound", err)
	}
}

func TestDisableTOTP(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true})
	secret, recovery := f.enrol("alice")
	for _, tc := range []struct {
		name, password, code string
		want                 error
	}{
		{"wrong password", "wrong password", oathtool(t, secret, t0), account.ErrWrongPassword},
		{"wrong code", password, wrongCode(oathtool(t, secret, t0)), account.ErrWrongCode},
		{"the enrolment's code", password, oathtool(t, secret, t0.Add(-10*time.Minute)), account.ErrWrongCode},
	} {
		if _, err := f.svc.DisableTOTP(f.ctx, "alice", tc.password, tc.code, caller); !errors.Is(err, tc.want) {
			t.Errorf("%s: DisableTOTP = %v; want %v", tc.name, err, tc.want)
		}
	}
	if !account.HasTOTP(f.stored("alice")) {
		t.Fatalf("a refused DisableTOTP turned two-factor login off")
	}
	if _, err := f.svc.DisableTOTP(f.ctx, "alice", password, recovery[9], caller); err != nil {
		t.Fatalf("DisableTOTP with the password and a recovery code = %v", err)
	}
	if account.HasTOTP(f.stored("alice")) {
		t.Errorf("DisableTOTP left two-factor login on")
	}
}

func TestRegenerateRecovery(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true})
	secret, old := f.enrol("alice")
	if _, err := f.svc.RegenerateRecovery(f.ctx, "alice", "000000", caller); !errors.Is(err, account.ErrWrongCode) {
		t.Errorf("RegenerateRecovery with a wrong code = %v; want ErrWrongCode", err)
	}
	fresh, err := f.svc.RegenerateRecovery(f.ctx, "alice", oathtool(t, secret, t0), caller)
	if err != nil || len(fresh) != account.RecoveryCodes {
		t.Fatalf("RegenerateRecovery = %d codes, %v", len(fresh), err)
	}
	if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", old[0], caller); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("an old recovery code after RegenerateRecovery = %v; want ErrLoginFailed", err)
	}
	if _, err := f.svc.LoginSecondFactor(f.ctx, "alice", fresh[0], caller); err != nil {
		t.Errorf("a new recovery code = %v", err)
	}
}

// TestTOTPCodesMatchOathtool: the codes the Service accepts are oathtool's
// for many secrets and times, including the steps either side.
func TestTOTPCodesMatchOathtool(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true, failDelay: -1})
	for i := range 5 {
		handle := fmt.Sprintf("user%d", i)
		secret, _ := f.enrol(handle)
		at := t0.Add(time.Duration(i) * 7919 * time.Second)
		f.clk.set(at)
		for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
			code := oathtool(t, secret, at.Add(d))
			if _, err := f.svc.LoginSecondFactor(context.Background(), handle, code, caller); err != nil {
				t.Errorf("%s at %v%+v: oathtool's code %s refused: %v", handle, at, d, code, err)
			}
		}
	}
}

// TestTOTPURLEscapes: a board name with "&", "+", "=" and spaces stays
// whole in the otpauth URL, as a URL parser and pquerna/otp's reader of
// Key URIs read it; spaces are %20, not "+".
func TestTOTPURLEscapes(t *testing.T) {
	const issuer = "Bits & Bytes+BBS=1"
	f := newFixture(t, setup{config: func(c *account.Config) { c.Issuer = issuer }})
	f.user("alice", password)
	e, err := f.svc.NewTOTP(f.ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(e.URL)
	if err != nil {
		t.Fatalf("NewTOTP: URL %q: %v", e.URL, err)
	}
	q := u.Query()
	if u.Path != "/"+issuer+":alice" || q.Get("issuer") != issuer || q.Get("secret") != e.Secret || len(q) != 2 {
		t.Errorf("NewTOTP: URL %q reads as path %q, query %v; want /%s:alice, issuer %q and the secret", e.URL, u.Path, q, issuer, issuer)
	}
	if strings.ContainsAny(e.URL, " +") {
		t.Errorf("NewTOTP: URL %q holds a space or a '+'; want them escaped (%%20, %%2B)", e.URL)
	}
	key, err := otp.NewKeyFromURL(e.URL)
	if err != nil || key.Issuer() != issuer || key.AccountName() != "alice" || key.Secret() != e.Secret {
		t.Errorf("otp.NewKeyFromURL(%q) = issuer %q, account %q (%v); want %q, alice", e.URL, key.Issuer(), key.AccountName(), err, issuer)
	}
}

// TestTOTPOffMeanwhile: a caller on the profile's two-factor screen whose
// second factor a sysop removed meanwhile is told it is off: DisableTOTP
// and RegenerateRecovery return ErrTOTPOff before checking anything, so
// that nothing pauses or strikes, whatever was typed. (The failure pause
// here is an hour: a call that paused would end with ctx's deadline.)
func TestTOTPOffMeanwhile(t *testing.T) {
	f := newTOTPFixture(t, setup{failDelay: time.Hour})
	secret, recovery := f.enrol("alice")
	if _, err := f.svc.RemoveTOTP(f.ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	for i := range 4 { // more than the ban's 3 strikes
		if _, err := f.svc.DisableTOTP(ctx, "alice", password, oathtool(t, secret, t0), caller); !errors.Is(err, account.ErrTOTPOff) {
			t.Errorf("%d: DisableTOTP after the removal = %v; want ErrTOTPOff", i, err)
		}
		if _, err := f.svc.DisableTOTP(ctx, "alice", "wrong password", "000000", caller); !errors.Is(err, account.ErrTOTPOff) {
			t.Errorf("%d: DisableTOTP with a wrong password after the removal = %v; want ErrTOTPOff", i, err)
		}
		if _, err := f.svc.RegenerateRecovery(ctx, "alice", recovery[0], caller); !errors.Is(err, account.ErrTOTPOff) {
			t.Errorf("%d: RegenerateRecovery after the removal = %v; want ErrTOTPOff", i, err)
		}
	}
	if f.banned(caller) {
		t.Errorf("asking to change a second factor that is gone banned the caller; want no strike")
	}
	if _, err := f.svc.DisableTOTP(f.ctx, "ghost", password, "000000", caller); !errors.Is(err, store.ErrNotFound) || errors.Is(err, account.ErrTOTPOff) {
		t.Errorf("DisableTOTP(ghost) = %v; want store.ErrNotFound", err)
	}
}

// TestTOTPLoginsHeard: for an account with two-factor login, OnLogin
// (the metrics' logins) hears of a login when the code is decided, not
// at the password or key: a wrong code is a failed login, a right one a
// login. Codes checked to change the second factor are no logins.
func TestTOTPLoginsHeard(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true})
	secret, recovery := f.enrol("alice")
	key, fp := newKey(t, "")
	if _, err := f.svc.AddKey(f.ctx, "alice", key); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
		want []bool
	}{
		{"right password", func() error { _, err := f.svc.Login(f.ctx, "alice", password, caller); return err }, nil},
		{"proved key", func() error { _, err := f.svc.LoginKey(f.ctx, "alice", fp); return err }, nil},
		{"wrong code", func() error {
			_, err := f.svc.LoginSecondFactor(f.ctx, "alice", wrongCode(oathtool(t, secret, t0)), caller)
			return expect(err, account.ErrLoginFailed)
		}, []bool{false}},
		{"right code", func() error {
			_, err := f.svc.LoginSecondFactor(f.ctx, "alice", oathtool(t, secret, t0), caller)
			return err
		}, []bool{true}},
		{"wrong password", func() error {
			_, err := f.svc.Login(f.ctx, "alice", "wrong password", caller)
			return expect(err, account.ErrLoginFailed)
		}, []bool{false}},
		{"new recovery codes", func() error {
			_, err := f.svc.RegenerateRecovery(f.ctx, "alice", recovery[0], caller)
			return err
		}, nil},
		{"a wrong code to turn it off", func() error {
			_, err := f.svc.DisableTOTP(f.ctx, "alice", password, "000000", caller)
			return expect(err, account.ErrWrongCode)
		}, nil},
	}
	for _, st := range steps {
		before := len(f.heard())
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := f.heard()[before:]; !slices.Equal(got, st.want) {
			t.Errorf("%s: OnLogin heard %v; want %v", st.name, got, st.want)
		}
	}
}

// expect returns nil if err matches want, else an error saying so.
func expect(err, want error) error {
	if errors.Is(err, want) {
		return nil
	}
	return fmt.Errorf("got %v; want %v", err, want)
}
