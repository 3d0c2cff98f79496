package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/smtptest"
)

// resetCodeRE finds the code in a reset mail.
var resetCodeRE = regexp.MustCompile(`\b[a-z2-7]{4}(?:-[a-z2-7]{4}){6}\b`)

// mailConfig is a [mail] section for the test's own Postfix, in clear
// over loopback.
func mailConfig(srv *smtptest.Server) string {
	return fmt.Sprintf("[mail]\nhost = %q\nport = %d\ntls = \"none\"\nfrom = \"x84 <bbs@%s>\"\n", srv.Host, srv.Port, smtptest.Domain)
}

// TestPasswordResetByMail is a caller who forgot their password, with
// Debian's telnet, against x84 mailing through a real Postfix: "forgot",
// the handle, the code from the delivered mail, a new password, and in.
// The old password then fails, the code is refused a second time, and an
// unknown handle gets the same answer and no mail.
func TestPasswordResetByMail(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := startX84(t, mailConfig(srv))
	s.addUser(t, "sysop1", "operator-pw", true)
	carol := "carol@" + smtptest.Domain

	// carol applies, with her e-mail address.
	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm.waitScreen("Type forgot to reset it by e-mail.")
	tm.keys("new", "Enter")
	tm.waitScreen("Apply for an account")
	tm.keys("carol", "Enter", "carols-old-pw", "Enter", "carols-old-pw", "Enter", "Carol", "Enter", "Cartown", "Enter",
		carol, "Enter")
	tm.waitScreen("Create the account carol?")
	tm.keys("y")
	tm.waitScreen("Welcome, carol. This is your first call.")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")

	// She forgot her password: a code by mail.
	tm2 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm2.waitScreen("Handle:")
	tm2.keys("forgot", "Enter")
	tm2.waitScreen("Forgotten password")
	tm2.waitScreen("[m] mail me a code")
	tm2.keys("m")
	tm2.keys("carol", "Enter")
	tm2.waitScreen("If that account has an e-mail address, a code is on its way.")
	m := srv.Wait(t, carol, 1)
	code := resetCodeRE.FindString(m.Body)
	if code == "" {
		t.Fatalf("no code in the mail %q:\n%s", m.Subject, m.Body)
	}
	if m.Subject != "Password reset for x84" || !strings.Contains(m.Body, "carol on x84") {
		t.Errorf("mail: subject %q, body:\n%s", m.Subject, m.Body)
	}
	tm2.keys(code, "Enter")
	tm2.keys("carols-new-pw", "Enter", "carols-new-pw", "Enter")
	tm2.waitScreen("Welcome, carol.")
	waitLog(t, s, "msg=\"password reset\" user=carol")
	tm2.keys("g", "y")
	tm2.waitScreen("Thanks for calling")

	// The old password fails; the new one works.
	tm3 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm3.waitScreen("Handle:")
	tm3.keys("carol", "Enter", "carols-old-pw", "Enter")
	tm3.waitScreen("Login failed")
	tm3.login("carol", "carols-new-pw")
	tm3.keys("g", "y")
	tm3.waitScreen("Thanks for calling")

	// The code again, as one who kept the mail: refused.
	tm4 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm4.waitScreen("Handle:")
	tm4.keys("forgot", "Enter")
	tm4.waitScreen("[c] I have a code")
	tm4.keys("c")
	tm4.keys("carol", "Enter")
	tm4.waitScreen("Type the code from the mail")
	tm4.keys(code, "Enter", "another-pw-1", "Enter", "another-pw-1", "Enter")
	tm4.waitScreen("That code is wrong, used or expired.")
	// Esc goes back to the login screen, where carol's password is still
	// the one she set.
	tm4.keys("Escape")
	tm4.waitScreen("Log in with your handle.")
	tm4.login("carol", "carols-new-pw")

	// An unknown handle: the same answer, and nothing is mailed.
	tm5 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm5.waitScreen("Handle:")
	tm5.keys("forgot", "Enter")
	tm5.waitScreen("[m] mail me a code")
	tm5.keys("m", "nobody9", "Enter")
	tm5.waitScreen("If that account has an e-mail address, a code is on its way.")
	waitLog(t, s, "password reset asked; nothing sent\" user=nobody9")
	if n := len(srv.Messages(t)); n != 1 {
		t.Errorf("%d mails delivered; want 1", n)
	}
	// Esc at the code: back at the login screen, which says it again.
	tm5.keys("Escape")
	tm5.waitScreen("Log in with your handle.")
	tm5.waitScreen("If that account has an e-mail address, a code is on its way.")

	// No secret reached the log.
	for _, secret := range []string{code, strings.ReplaceAll(code, "-", ""), "carols-new-pw", "carols-old-pw"} {
		if strings.Contains(s.log.String(), secret) {
			t.Errorf("the log holds the secret %q", secret)
		}
	}
}

// TestNoForgotWithoutMail: without [mail] the login screen does not
// offer "forgot", and the word is a handle like any other.
func TestNoForgotWithoutMail(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "sysop1", "operator-pw", true)
	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	screen := tm.waitScreen("Handle:")
	if strings.Contains(strings.ToLower(screen), "forgot") {
		t.Errorf("the login screen offers forgot without [mail]:\n%s", screen)
	}
	tm.keys("forgot", "Enter", "some-password", "Enter")
	tm.waitScreen("Login failed")
}
