package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
)

var setupCodeRE = regexp.MustCompile(`level=WARN msg="no sysop yet[^"]*" setup_code=([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})`)

// setupCode returns the setup code a fresh board logged, checking that
// its console says it too, with how to use it.
func (s *server) setupCode(t *testing.T) string {
	t.Helper()
	out := s.log.String()
	m := setupCodeRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("a fresh board logged no setup code at Warn level:\n%s", out)
	}
	for _, want := range []string{"this board has no sysop yet", "\n        " + m[1] + "\n", "give the code when the application asks"} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q:\n%s", want, out)
		}
	}
	return m[1]
}

// TestSetupCode starts x84 on a fresh data directory: a stranger who
// applies first (telnet) without the code is no sysop; the operator who
// applies with the code from the log (ssh new@) is.
func TestSetupCode(t *testing.T) {
	e2e.LookPath(t, "telnet", "ssh", "sshpass", "tmux")
	s := startX84(t, "")
	code := s.setupCode(t)

	stranger := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	stranger.waitScreen("Handle:")
	stranger.keys("new", "Enter")
	stranger.waitScreen("Apply for an account")
	stranger.keys("mallory", "Enter", "mallorys-pw", "Enter", "mallorys-pw", "Enter", "Enter", "Enter", "Enter")
	stranger.waitScreen("(only the sysop has it; Enter to skip)")
	stranger.keys("Enter")
	stranger.waitScreen("Create the account mallory?")
	stranger.keys("y")
	stranger.waitScreen("Welcome, mallory. This is your first call.")
	if scr := stranger.waitScreen("[G] Goodbye"); strings.Contains(scr, "[U] User list") {
		t.Errorf("the first applicant, without the setup code, has the sysop's menu:\n%s", scr)
	}
	stranger.keys("w")
	if scr := stranger.waitScreen("[p] page"); strings.Contains(scr, "disconnect") || strings.Contains(scr, "broadcast") {
		t.Errorf("the first applicant, without the setup code, has the sysop's keys in who's online:\n%s", scr)
	}

	operator := newTmux(t, 80, 24, sshCommand(s.portOf("ssh"), "new", ""))
	operator.waitScreen("Apply for an account on x84.")
	operator.keys("opal", "Enter", "operators-pw", "Enter", "operators-pw", "Enter", "Enter", "Enter", "Enter")
	operator.waitScreen("Setup code:")
	operator.keys(strings.ToLower(code), "Enter")
	operator.waitScreen("That is the setup code: this account will be the sysop's.")
	operator.waitScreen("Create the account opal?")
	operator.keys("y")
	operator.waitScreen("Welcome, opal. This is your first call.")
	operator.waitScreen("[U] User list")
	operator.keys("w")
	operator.waitScreen("[d] disconnect")

	// Spent: the next applicant is not asked.
	third := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	third.waitScreen("Handle:")
	third.keys("new", "Enter")
	third.waitScreen("Apply for an account")
	third.keys("trent", "Enter", "trents-pass", "Enter", "trents-pass", "Enter", "Enter", "Enter", "Enter")
	if scr := third.waitScreen("Create the account trent?"); strings.Contains(scr, "Setup code") {
		t.Errorf("the setup code is asked for after it was spent:\n%s", scr)
	}
	if !s.logSays(`msg="setup code used; the board has its sysop" user=opal`) {
		t.Errorf("the log does not say who used the setup code:\n%s", s.log.String())
	}
}

// TestSetupCodeEndsWithUserAdd: `x84 user add --sysop` on the running
// board (through the control socket) ends the wait for a sysop, and a
// board that has one at start makes no code.
func TestSetupCodeEndsWithUserAdd(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux")
	s := startX84(t, "")
	s.setupCode(t)
	s.addUser(t, "grace", "graces-password", true)
	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm.waitScreen("Handle:")
	tm.keys("new", "Enter")
	tm.waitScreen("Apply for an account")
	tm.keys("heidi", "Enter", "heidis-pass", "Enter", "heidis-pass", "Enter", "Enter", "Enter", "Enter")
	if scr := tm.waitScreen("Create the account heidi?"); strings.Contains(scr, "Setup code") {
		t.Errorf("the setup code is asked for on a board with a sysop:\n%s", scr)
	}

	s.cmd.Process.Kill()
	<-s.done
	s.done <- nil
	s2 := s.restart(t)
	if out := s2.log.String(); strings.Contains(out, "setup_code=") || strings.Contains(out, "no sysop yet") {
		t.Errorf("a board with a sysop made a setup code:\n%s", out)
	}
}
