package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/internal/plaincheck"
)

// TestAccessibleTelnet is a caller who reads the screen with a screen
// reader: Debian's telnet in a terminal whose TERM is dumb (as in Emacs's
// shell buffers, where Emacspeak users call from). The board starts on
// its plain screens, for that terminal type; the caller goes from the main menu
// to the one-liners, who's online, the messages, and logs off. Every
// byte that reached the terminal (tmux's pipe-pane) is plain text, and
// the caller reads the screens as lines, top to bottom.
func TestAccessibleTelnet(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux", "sh")
	s := startX84(t, "")
	s.addUser(t, "alice", "wonderland", false)
	// telnet starts once the pane's output is being recorded.
	tm := newTmux(t, 80, 24, "sh -c 'read go; TERM=dumb exec telnet 127.0.0.1 "+s.port()+"'")
	out := filepath.Join(t.TempDir(), "pane.out")
	tm.run("pipe-pane", "-t", "main", "-o", "cat >> "+out)
	tm.keys("Enter")

	tm.waitScreen("Plain text screens. Type a at the handle prompt for full screens.")
	tm.waitScreen("Handle:")
	tm.keys("alice", "Enter")
	tm.waitScreen("Password:")
	tm.keys("wonderland", "Enter")
	tm.waitScreen("Welcome, alice. This is your first call.")
	tm.waitScreen("Your choice, 1 to")
	// The one-liners: one posted.
	tm.keys("o", "Enter")
	tm.waitScreen("No one-liners yet.")
	tm.keys("a", "Enter")
	tm.waitScreen("Say:")
	tm.keys("hello from a screen reader", "Enter")
	tm.waitScreen("alice says: hello from a screen reader")
	tm.keys("q", "Enter")
	// Who's online.
	tm.waitScreen("or Enter to list them:")
	tm.keys("w", "Enter")
	tm.waitScreen("Node 1: alice, who's online")
	tm.keys("q", "Enter")
	// Messages: a message written in the line editor, and read.
	tm.waitScreen("or Enter to list them:")
	tm.keys("m", "Enter")
	tm.waitScreen("2. general: 0 messages, 0 new")
	tm.keys("2", "Enter")
	tm.waitScreen("general: 0 messages, 0 unread.")
	tm.keys("n", "Enter")
	tm.waitScreen("Subject:")
	tm.keys("Hello", "Enter")
	tm.waitScreen("A dot alone on a line sends it.")
	tm.keys("my first message", "Enter")
	tm.keys(".", "Enter")
	tm.waitScreen("general: 1 message, 0 unread.")
	tm.keys("1", "Enter")
	tm.waitScreen("End of the message.")
	tm.keys("q", "Enter")
	tm.waitScreen("Back at the list.")
	tm.keys("q", "Enter")
	tm.waitScreen("Messages on x84")
	tm.keys("q", "Enter")
	// Log off.
	tm.waitScreen("or Enter to list them:")
	tm.keys("g", "Enter")
	tm.waitScreen("Log off now? (y or n):")
	tm.keys("y", "Enter")
	scr := tm.waitScreen("Connection closed by foreign host.")
	if !strings.Contains(scr, "Thanks for calling x84, alice.") {
		t.Errorf("no goodbye on the last screen:\n%s", scr)
	}

	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bad := plaincheck.Violations(raw); len(bad) > 0 {
		t.Errorf("the terminal got %d control sequences; the first:\n%s", len(bad), strings.Join(bad[:min(len(bad), 10)], "\n"))
	}
	// What a screen reader reads, in order.
	lines := plaincheck.Lines(raw)
	at := 0
	for _, want := range []string{
		"Plain text screens. Type a at the handle prompt for full screens.",
		"Connected to x84, node 1.",
		"Handle: alice",
		"Password: **********",
		"Main menu",
		"Welcome, alice. This is your first call.",
		"1. Who's online, key w",
		"Say: hello from a screen reader",
		"alice says: hello from a screen reader",
		"Who's online",
		"Subject: Hello",
		"1: my first message",
		"Subject: Hello",
		"my first message",
		"End of the message.",
		"Log off now? (y or n): y",
		"Thanks for calling x84, alice. Call again soon!",
	} {
		i := slices.IndexFunc(lines[at:], func(l string) bool { return strings.HasPrefix(l, want) })
		if i < 0 {
			t.Fatalf("after line %d, no line %q; the caller read:\n%s", at, want, strings.Join(lines, "\n"))
		}
		at += i + 1
	}
}

// TestAccessibleTinTin is a caller with TinTin++, a MUD client many blind
// players use, in its screen reader mode (-s), which sets the MTTS screen
// reader bit: the board starts on its plain screens, and the caller
// logs in with lines, as a line-mode client sends them.
func TestAccessibleTinTin(t *testing.T) {
	bin := tintin(t)
	s := startX84(t, "")
	s.addUser(t, "alice", "wonderland", false)
	tm := newTmux(t, 100, 30, bin+" -s -e '#session x84 127.0.0.1 "+s.port()+"'")
	tm.waitScreen("Plain text screens. Type a at the handle prompt for full screens.")
	tm.waitScreen("Handle:")
	tm.keys("alice", "Enter")
	tm.keys("wonderland", "Enter")
	tm.waitScreen("Welcome, alice. This is your first call.")
	tm.waitScreen("1. Who's online, key w")
}
