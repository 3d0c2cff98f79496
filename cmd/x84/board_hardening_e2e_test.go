package main

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
)

// TestSysopDisconnect: in who's online a sysop's d asks first (n keeps
// the caller); y ends the call, and the caller's telnet shows why while
// the connection is still open, then the close.
func TestSysopDisconnect(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux")
	s := startX84(t, "")
	s.addUser(t, "opal", "operator-pw", true)
	s.addUser(t, "bob", "bobs-password", false)
	bob := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	bob.login("bob", "bobs-password")
	bob.keys("o")
	bob.waitScreen("add a one-liner")

	op := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	op.login("opal", "operator-pw")
	op.keys("w")
	op.waitScreen("[d] disconnect")
	op.keys("d")
	op.waitScreen("Disconnect which node?")
	op.keys("1", "Enter")
	op.waitScreen("Disconnect bob (node 1)? [y/N]")
	op.keys("n")
	op.waitScreen("Not disconnected: bob (node 1).")
	bob.keys("q")
	bob.waitScreen("[G] Goodbye") // still called

	op.keys("d")
	op.waitScreen("Disconnect which node?")
	op.keys("1", "Enter")
	op.waitScreen("Disconnect bob (node 1)? [y/N]")
	op.keys("y")
	const why = "You have been disconnected by the sysop."
	if scr := bob.waitScreen(why); strings.Contains(scr, "Connection closed") {
		t.Errorf("the line came with the close, not before it:\n%s", scr)
	}
	bob.waitScreen("Connection closed by foreign host.")
	op.waitScreen("Disconnected bob (node 1).")
	s.waitWho(t, "bob gone", func(l []whoEntry) bool { return len(l) == 1 })
}
