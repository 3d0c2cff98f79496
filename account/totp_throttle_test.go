package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
)

// TestTOTPThrottle: wrong codes of one account, from any address, stop
// its codes being checked once there are TOTPMaxFailures of them within
// TOTPWindow of the first: even the right code is then answered as a
// wrong one, until the window ends. The lockout is logged once, without
// a code; other accounts are not touched; a right code clears the count.
func TestTOTPThrottle(t *testing.T) {
	f := newTOTPFixture(t, setup{noBans: true, config: func(c *account.Config) {
		c.TOTPMaxFailures = 3
		c.TOTPWindow = 10 * time.Minute
	}})
	secret, _ := f.enrol("alice")
	bobSecret, _ := f.enrol("bob")
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	try := func(handle, code string) error {
		t.Helper()
		_, err := f.svc.LoginSecondFactor(f.ctx, handle, code, caller)
		if err != nil && !errors.Is(err, account.ErrLoginFailed) {
			t.Fatalf("LoginSecondFactor(%s) = %v", handle, err)
		}
		return err
	}
	wrong := func(at time.Time) string { return wrongCode(oathtool(t, secret, at)) }

	// Two wrong codes, then a right one: the count starts over.
	f.clk.set(at(0))
	try("alice", wrong(at(0)))
	try("alice", wrong(at(0)))
	if err := try("alice", oathtool(t, secret, at(0))); err != nil {
		t.Fatalf("the right code after 2 wrong ones (limit 3) = %v; want in", err)
	}
	// Three wrong codes within the window, the first at 1m: locked until 11m.
	for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute} {
		f.clk.set(at(d))
		try("alice", wrong(at(d)))
	}
	for _, d := range []time.Duration{5 * time.Minute, 10*time.Minute + 59*time.Second} {
		f.clk.set(at(d))
		if err := try("alice", oathtool(t, secret, at(d))); err == nil {
			t.Errorf("the right code at +%v, after 3 wrong ones since +1m = in; want refused until +11m", d)
		}
		if err := try("alice", "abcd-efgh-ijkl-mnop"); err == nil {
			t.Errorf("a recovery code's shape at +%v logged in", d)
		}
	}
	// Bob's codes are his own.
	if err := try("bob", oathtool(t, bobSecret, at(10*time.Minute+59*time.Second))); err != nil {
		t.Errorf("bob's right code while alice's are refused = %v; want in", err)
	}
	f.clk.set(at(11 * time.Minute))
	if err := try("alice", oathtool(t, secret, at(11*time.Minute))); err != nil {
		t.Errorf("the right code once the window ended = %v; want in", err)
	}
	log := f.logged()
	if n := strings.Count(log, "two-factor codes failing for account; codes refused"); n != 1 {
		t.Errorf("the lockout is logged %d times; want once:\n%s", n, log)
	}
	if !strings.Contains(log, "user=alice failures=3 minutes=6") {
		t.Errorf("the lockout's line does not name alice, 3 failures and 6 minutes:\n%s", log)
	}
	if strings.Contains(log, wrong(at(5*time.Minute))) || strings.Contains(log, secret) {
		t.Errorf("the log holds a code or the secret:\n%s", log)
	}
}
