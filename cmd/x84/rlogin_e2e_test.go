package main

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

// TestRlogin is Debian's rlogin (netkit): it needs a privileged source
// port, so root.
func TestRlogin(t *testing.T) {
	e2e.LookPath(t, "rlogin", "tmux")
	if os.Geteuid() != 0 {
		e2e.Missing(t, "not root, and rlogin binds a privileged source port (.ci/run runs as root)")
	}
	s := startX84(t, "")
	s.addUser(t, "kay", "kays-password", false)
	tm := newTmux(t, 100, 30, "rlogin -p "+s.portOf("rlogin")+" -l kay 127.0.0.1")
	tm.waitScreen("Handle:   kay") // the rlogin user name fills in the handle
	tm.waitScreen("Press Esc to log in with another handle.")
	// The size comes when the client answers the urgent request.
	list := s.waitWho(t, "the rlogin session at its size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 100 })
	if w := list[0]; w.Kind != "rlogin" || w.Term != "xterm-256color" || w.Cols != 100 || w.Rows != 30 || w.User != nil {
		t.Errorf("x84 who --json = %+v; want rlogin xterm-256color 100x30, not logged in", w)
	}
	tm.keys("kays-password", "Enter") // the cursor waits at the password
	tm.waitScreen("Welcome, kay.")
	// The board put the client in raw mode with an urgent byte, so ^S and
	// ^Q reach it instead of stopping the output.
	tm.keys("k")
	tm.waitScreen("Terminal type  xterm-256color")
	tm.keys("C-s", "C-q", "z")
	tm.waitScreen("Ctrl-S Ctrl-Q z")
	tm.resize(120, 40)
	start := time.Now()
	tm.waitScreen("Window size    120 × 40")
	if d := time.Since(start); d > time.Second {
		t.Errorf("the new size took %v to show", d)
	}
	s.waitWho(t, "the new size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 120 && l[0].Rows == 40 })

	// A refused caller reads the whole line: it comes after the zero
	// byte the client takes as the handshake's answer.
	if out, err := exec.Command(x84Bin, "--data", s.dir, "user", "ban", "127.0.0.1").CombinedOutput(); err != nil {
		t.Fatalf("x84 user ban: %v\n%s", err, out)
	}
	banned := newTmux(t, 100, 30, "rlogin -p "+s.portOf("rlogin")+" -l kay 127.0.0.1; sleep 10")
	banned.waitScreen("Your address is banned")
}

// TestPlinkRlogin is PuTTY's plink over rlogin.
func TestPlinkRlogin(t *testing.T) {
	e2e.LookPath(t, "plink", "tmux")
	s := startX84(t, "")
	tm := newTmux(t, 90, 25, "plink -rlogin -P "+s.portOf("rlogin")+" -l lou 127.0.0.1")
	tm.waitScreen("Handle:   lou")
	list := s.waitWho(t, "the plink session at its size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 90 })
	if w := list[0]; w.Kind != "rlogin" || w.Term != "xterm" || w.Cols != 90 || w.Rows != 25 {
		t.Errorf("x84 who --json = %+v; want rlogin xterm 90x25", w)
	}
	tm.resize(100, 30)
	s.waitWho(t, "the new size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 100 && l[0].Rows == 30 })
}
