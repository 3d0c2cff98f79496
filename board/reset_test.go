package board_test

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/term"
)

// outbox is a Mailer that hands the tests each mail. The real sending is
// internal/mail's, and the whole path is cmd/x84's reset end-to-end test.
type outbox chan string

func (o outbox) Send(_ context.Context, _, _, body string) error {
	o <- body
	return nil
}

var resetCodeRE = regexp.MustCompile(`\b[a-z2-7]{4}(?:-[a-z2-7]{4}){6}\b`)

// code waits for the next mail and returns its code.
func (o outbox) code(t *testing.T) string {
	t.Helper()
	select {
	case body := <-o:
		c := resetCodeRE.FindString(body)
		if c == "" {
			t.Fatalf("no code in the mail:\n%s", body)
		}
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no mail was sent")
		return ""
	}
}

// resetBoard is a board that mails reset codes to an outbox, with carol,
// who has an e-mail address.
func resetBoard(t *testing.T, set settings) (*fixture, outbox) {
	t.Helper()
	box := make(outbox, 10)
	set.Reset = account.ResetConfig{Mailer: box, Interval: -1}
	f := newFixture(t, set)
	if _, err := f.accts.Create(t.Context(), account.Application{Handle: "carol", Password: "carols-old-pw",
		Email: "carol@example.org"}, false); err != nil {
		t.Fatal(err)
	}
	return f, box
}

func TestResetAtLogin(t *testing.T) {
	f, box := resetBoard(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.41:1000")
	tt.WaitFor("Forgot your password? Type forgot to reset it by e-mail.")
	tt.Type("forgot\r")
	tt.WaitFor("[m] mail me a code")
	tt.Type("m")
	tt.Type("carol\r")
	tt.WaitFor("If that account has an e-mail address, a code is on its way.")
	code := box.code(t)
	// A resize redraws the screen with what was typed.
	tt.Resize(100, 30)
	tt.WaitFor("Handle:       carol")
	tt.WaitFor("If that account has an e-mail address, a code is on its way.")
	tt.Type(code + "\r")
	tt.Type("short\r")
	tt.WaitFor("Passwords need at least 8 characters.")
	tt.Type("carols-new-pw\rcarols-NEW-pw\r")
	tt.WaitFor("The passwords differ; type the new one again.")
	tt.Type("carols-new-pw\rcarols-new-pw\r")
	tt.WaitFor("Welcome, carol.")
	if _, err := f.accts.Login(t.Context(), "carol", "carols-new-pw", netip.MustParseAddr("192.0.2.41")); err != nil {
		t.Errorf("Login with the new password = %v", err)
	}
}

// Wrong codes count as failed logins: the call ends after
// max_login_attempts of them, even if the caller leaves the reset screen
// between them.
func TestResetWrongCodesEndCall(t *testing.T) {
	f, _ := resetBoard(t, settings{MaxLoginAttempts: 2})
	tt := f.call(80, 24, term.UTF8, "192.0.2.42:1000")
	tt.WaitFor("Handle:")
	tt.Type("FORGOT\r")
	tt.WaitFor("[c] I have a code")
	tt.Type("c")
	tt.Type("carol\r")
	tt.WaitFor("Type the code from the mail")
	tt.Type("abcd-efgh-ijkl-mnop-qrst-uvwx-yz23\rcarols-new-pw\rcarols-new-pw\r")
	tt.WaitFor("That code is wrong, used or expired.")
	tt.Type("\x1b")
	tt.WaitFor("Log in with your handle.")
	tt.Type("forgot\r")
	tt.WaitFor("[c] I have a code")
	tt.Type("c")
	tt.Type("carol\r")
	tt.WaitFor("Type the code from the mail")
	tt.Type("abcd-efgh-ijkl-mnop-qrst-uvwx-yz24\rcarols-new-pw\rcarols-new-pw\r")
	tt.WaitFor("Too many failed logins. Goodbye.")
	tt.Wait()
	if _, err := f.accts.Login(t.Context(), "carol", "carols-old-pw", netip.MustParseAddr("192.0.2.43")); err != nil {
		t.Errorf("Login with the old password = %v; want it unchanged", err)
	}
}

// Esc at the choice goes back to the login screen; "q" too.
func TestResetBack(t *testing.T) {
	f, _ := resetBoard(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.44:1000")
	for _, key := range []string{"\x1b", "q"} {
		tt.WaitFor("Handle:")
		tt.Type("forgot\r")
		tt.WaitFor("[m] mail me a code")
		tt.Type(key)
		tt.WaitFor("Log in with your handle.")
	}
	tt.Type("carol\rcarols-old-pw\r")
	tt.WaitFor("Welcome, carol.")
}

// In accessible mode the reset is plain lines, each question on its own.
func TestResetAccessible(t *testing.T) {
	f, box := resetBoard(t, settings{Name: "Test BBS"})
	tt := testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg}, f.board)
	waitOutput(t, tt, 0, "Forgot your password? Type forgot to reset it by e-mail.", "Handle:")
	start := 0
	walk(t, tt, []step{
		{"forgot\r", []string{"Forgotten password", "Type m to be mailed a code, c if you have one, q to go back:"}},
		{"m\r", []string{"Handle:"}},
		{"carol\r", []string{"If that account has an e-mail address, a code is on its way.", "Code:"}},
	})
	code := box.code(t)
	walk(t, tt, []step{
		{code + "\r", []string{"New password:"}},
		{"carols-new-pw\r", []string{"Again:"}},
		{"carols-new-pw\r", []string{"Your password is changed.", "Welcome, carol."}},
	})
	checkPlain(t, tt.Raw()[start:], "Forgotten password", "Handle: carol", "New password: *************")
	if strings.Contains(string(tt.Raw()), "carols-new-pw") {
		t.Errorf("the new password was echoed")
	}
}
