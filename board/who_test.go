package board_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// A sysop's disconnect asks first, and n keeps the caller; y ends the
// call, and the caller reads why on a line of its own before the
// connection closes.
func TestWhoDisconnectAsksAndTells(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("pia", "password1", store.GroupSysop)
	f.addUser("quin", "password1")
	quin := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(quin, "quin", "password1")
	quin.WaitFor("[G] Goodbye")

	pia := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(pia, "pia", "password1")
	pia.WaitFor("[U] User list")
	pia.Type("w")
	pia.WaitFor("[d] disconnect")
	pia.Type("d")
	pia.WaitFor("Disconnect which node?")
	pia.Type("1\r")
	pia.WaitFor("Disconnect quin (node 1)? [y/N]")
	pia.Type("n")
	// quin is still there, and still called.
	if scr := pia.WaitFor("Not disconnected: quin (node 1)."); !strings.Contains(scr, "   1  quin ") {
		t.Errorf("after n, who's online lacks quin:\n%s", scr)
	}
	quin.Type("o")
	quin.WaitFor("add a one-liner")

	pia.Type("d")
	pia.WaitFor("Disconnect which node?")
	pia.Type("1\r")
	pia.WaitFor("Disconnect quin (node 1)? [y/N]")
	pia.Type("y")
	const why = "You have been disconnected by the sysop."
	quin.WaitFor(why)
	shown := time.Now()
	// On a line of its own, not mixed into the wall.
	if line := strings.TrimSpace(quin.Line(22)); line != why {
		t.Errorf("quin's row 23 = %q; want only %q\n%s", line, why, quin.Screen())
	}
	// The caller's keys no longer act, and nothing draws over the line.
	quin.Type("q")
	if err := quin.Wait(); !errors.Is(err, session.ErrClosed) {
		t.Errorf("quin's call ended with %v; want %v", err, session.ErrClosed)
	}
	if open := time.Since(shown); open < time.Second {
		t.Errorf("the connection closed %v after the line showed; want it readable for longer", open)
	}
	if scr := quin.Screen(); !strings.Contains(scr, why) || strings.Contains(scr, "[G] Goodbye") {
		t.Errorf("quin's last screen:\n%s\nwant the one-liners wall and the line", scr)
	}
	pia.WaitFor("Disconnected quin (node 1).")
	pia.WaitGone("   1  quin ")
}

// Who's online reads an account's location once for every caller
// watching, until it is edited on the board or a while has passed.
func TestWhoLocationShared(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("mona", "password1")
	if got := f.board.Location("mona"); got != "Springfield" {
		t.Fatalf("Location(mona) = %q; want Springfield", got)
	}
	u, err := f.accts.User(t.Context(), "mona")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accts.SetField(t.Context(), u.ID, account.Location, "Shelbyville"); err != nil {
		t.Fatal(err)
	}
	if got := f.board.Location("mona"); got != "Springfield" {
		t.Errorf("Location(mona) just after a change elsewhere = %q; want the shared Springfield", got)
	}
	f.board.ForgetLocation("mona") // as the profile and the user editor do
	if got := f.board.Location("mona"); got != "Shelbyville" {
		t.Errorf("Location(mona) after the edit = %q; want Shelbyville", got)
	}
}

// Who's online is formatted once for everyone watching, and made anew
// once it is older than WhoShare, with whoever came meanwhile.
func TestWhoTableShared(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("mona", "password1")
	a := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(a, "mona", "password1")
	a.WaitFor("[G] Goodbye")
	rows, made := f.board.WhoRows(78)
	if len(rows) != 1 || !strings.Contains(rows[0], "mona") {
		t.Fatalf("who's online rows = %q; want mona's", rows)
	}
	b := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	b.WaitFor("Password:")
	again, madeAgain := f.board.WhoRows(78)
	if !madeAgain.Equal(made) || len(again) != 1 {
		t.Errorf("a second look within WhoShare made a new table (%d rows); want the shared one", len(again))
	}
	time.Sleep(board.WhoShare)
	if rows, _ := f.board.WhoRows(78); len(rows) != 2 || !strings.Contains(rows[1], "(logging in)") {
		t.Errorf("who's online rows after WhoShare = %q; want mona and a caller logging in", rows)
	}
}
