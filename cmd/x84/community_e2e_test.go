package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestCommunity drives two of Debian's telnet clients in tmux: chat, a
// page, and a message counted as new for the other caller and answered in
// a thread.
func TestCommunity(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "ann", "anns-password", false)
	s.addUser(t, "ben", "bens-password", false)
	ann := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	ann.login("ann", "anns-password")
	ben := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	ben.login("ben", "bens-password")

	// Chat: each sees the other's lines.
	ann.keys("c")
	ann.waitScreen("the lounge")
	ben.keys("c")
	ben.waitScreen("the lounge · 2 here")
	ann.keys("hi ben", "Enter")
	ben.waitScreen("<ann> hi ben")
	ben.keys("hello ann", "Enter")
	ann.waitScreen("<ben> hello ann")
	ben.keys("/quit", "Enter")
	ann.waitScreen("-- ben leaves")
	ann.keys("/quit", "Enter")

	// A page reaches ben on the one-liners screen.
	ben.keys("o")
	ben.waitScreen("add a one-liner")
	ann.waitScreen("[W] Who's online")
	ann.keys("w")
	ann.waitScreen("[p] page")
	ann.keys("p")
	ann.waitScreen("Page which node?")
	ann.keys("2", "Enter")
	ben.waitScreen("ann (node 1) is paging you.")
	ben.keys("y")
	ben.waitScreen("a private chat with ann")
	ben.keys("here I am", "Enter")
	ann.waitScreen("<ben> here I am")
	ben.keys("/quit", "Enter")
	ann.keys("/quit", "Enter")
	ben.keys("q")
	ben.waitScreen("[G] Goodbye")

	// A message from ann counts as new for ben after he logs in again.
	ann.keys("q")
	ann.waitScreen("[M] Messages")
	ann.keys("m")
	ann.waitScreen("general")
	ann.keys("1", "n")
	ann.waitScreen("Subject:")
	ann.keys("Meeting", "Enter")
	ann.waitScreen("Save")
	ann.keys("Saturday at the park?", "C-z")
	ann.waitScreen("Meeting")
	ben.keys("g", "y")
	ben.waitScreen("Thanks for calling")
	ben2 := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	ben2.login("ben", "bens-password")
	ben2.waitScreen("New for you: 1 message and 0 letters.")
	ben2.keys("m")
	ben2.waitScreen("1, 1 new")
	ben2.keys("1", "Enter")
	ben2.waitScreen("Saturday at the park?")
	ben2.keys("r", "Enter")
	ben2.waitScreen("ann wrote:")
	ben2.keys("Count me in.", "C-z")
	ben2.waitScreen("Your reply is posted.")
	ben2.keys("q")
	scr := ben2.waitScreen("Re: Meeting")
	lines := strings.Split(scr, "\n")
	parent := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "Meeting") && !strings.Contains(l, "Re:") })
	if parent < 0 || parent+1 >= len(lines) || !strings.Contains(lines[parent+1], "  Re: Meeting") {
		t.Errorf("the reply is not threaded under its parent:\n%s", scr)
	}
}

// TestDeleteWhileOnline checks that `x84 user del` on a running board
// ends the deleted user's call at once, with a line saying why.
func TestDeleteWhileOnline(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "cid", "cids-password", false)
	cid := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	cid.login("cid", "cids-password")
	cid.waitScreen("[G] Goodbye")
	out, err := exec.Command(x84Bin, "--data", s.dir, "user", "del", "cid").CombinedOutput()
	if err != nil {
		t.Fatalf("x84 user del cid: %v\n%s", err, out)
	}
	cid.waitScreen("Your account has been removed by the sysop.")
	cid.waitScreen("Connection closed by foreign host.")
}
