package board_test

import (
	"net/netip"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/term"
)

// resetTOTPBoard is resetBoard on the two-factor tests' clock, with
// carol's two-factor login on; it returns her secret.
func resetTOTPBoard(t *testing.T, set settings) (*fixture, *totpClock, outbox, string) {
	t.Helper()
	box := make(outbox, 10)
	set.Reset = account.ResetConfig{Mailer: box, Interval: -1}
	f, clk := newTOTPFixture(t, set)
	if _, err := f.accts.Create(t.Context(), account.Application{Handle: "carol", Password: "carols-old-pw",
		Email: "carol@example.org"}, false); err != nil {
		t.Fatal(err)
	}
	secret, _ := f.enableTOTP(clk, "carol")
	return f, clk, box, secret
}

// TestResetThenSecondFactor: a reset sets only the password: a caller
// with two-factor login is then asked for the code as at any login; a
// wrong one is refused, and the right one lets them in.
func TestResetThenSecondFactor(t *testing.T) {
	f, clk, box, secret := resetTOTPBoard(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.51:1000")
	tt.WaitFor("Handle:")
	tt.Type("forgot\r")
	tt.WaitFor("[m] mail me a code")
	tt.Type("m")
	tt.Type("carol\r")
	tt.WaitFor("If that account has an e-mail address, a code is on its way.")
	tt.Type(box.code(t) + "\r")
	tt.Type("carols-new-pw\rcarols-new-pw\r")
	tt.WaitFor("Type the code from your authenticator app, or a recovery code.")
	tt.Type(clk.wrong(t, secret) + "\r")
	tt.WaitFor("Wrong code, or one used already: wait for the next one.")
	login(tt, "carol", "carols-new-pw")
	tt.WaitFor("Type the code from your authenticator app, or a recovery code.")
	tt.Type(clk.code(t, secret, 0) + "\r")
	tt.WaitFor("Welcome, carol.")
	if _, err := f.accts.Login(t.Context(), "carol", "carols-new-pw", netip.MustParseAddr("192.0.2.52")); err != nil {
		t.Errorf("Login with the new password = %v", err)
	}
}

// TestLoginFailuresCountTogether: wrong passwords, wrong reset codes
// and wrong second-factor codes count together toward
// max_login_attempts, as one count for the call.
func TestLoginFailuresCountTogether(t *testing.T) {
	wrongPassword := func(t *testing.T, tt typer, _ *totpClock, _ string) {
		tt.Type("carol\rnot-carols-pw\r")
	}
	wrongResetCode := func(t *testing.T, tt typer, _ *totpClock, _ string) {
		tt.Type("forgot\r")
		tt.WaitFor("[c] I have a code")
		tt.Type("c")
		tt.Type("carol\r")
		tt.WaitFor("Type the code from the mail")
		tt.Type("abcd-efgh-ijkl-mnop-qrst-uvwx-yz23\rcarols-new-pw\rcarols-new-pw\r")
	}
	wrongTOTPCode := func(t *testing.T, tt typer, clk *totpClock, secret string) {
		tt.Type("carol\rcarols-old-pw\r")
		tt.WaitFor("Type the code from your authenticator app, or a recovery code.")
		tt.Type(clk.wrong(t, secret) + "\r")
	}
	type step func(*testing.T, typer, *totpClock, string)
	for i, tc := range []struct {
		name  string
		first step
		said  string
		back  bool // Esc from the reset screen to the login screen
		then  step
	}{
		{"a wrong password, then a wrong reset code", wrongPassword, "Login failed", false, wrongResetCode},
		{"a wrong reset code, then a wrong second-factor code", wrongResetCode, "That code is wrong, used or expired.", true, wrongTOTPCode},
		{"a wrong second-factor code, then a wrong reset code", wrongTOTPCode, "Wrong code, or one used already", false, wrongResetCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, clk, _, secret := resetTOTPBoard(t, settings{MaxLoginAttempts: 2})
			tt := f.call(80, 24, term.UTF8, netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(60 + i)}), 1000).String())
			tt.WaitFor("Handle:")
			tc.first(t, tt, clk, secret)
			tt.WaitFor(tc.said)
			if tc.back {
				tt.Type("\x1b")
				tt.WaitFor("Log in with your handle.")
			}
			tc.then(t, tt, clk, secret)
			tt.WaitFor("Too many failed logins. Goodbye.")
			tt.Wait()
		})
	}
}

// typer is what the steps of TestLoginFailuresCountTogether use of a
// terminal.
type typer interface {
	Type(string)
	WaitFor(string) string
}
