package board_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/internal/plaincheck"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// The screens the walk of TestAccessibleEveryScreen does not reach, on a
// terminal that starts on plain screens: every byte of the call is a
// plain line.
func TestAccessibleMoreScreens(t *testing.T) {
	dumb := func(f *fixture, cfg session.Config) *testterm.Term {
		return testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg, Session: cfg}, f.board)
	}
	t.Run("the validation notice", func(t *testing.T) {
		f := newFixture(t, settings{Name: "Test BBS", Validation: true})
		tt := dumb(f, session.Config{})
		waitOutput(t, tt, 0, "Handle:")
		walk(t, tt, []step{
			{"new\r", []string{"Apply for an account on Test BBS."}},
			{"newbie\rpassword1\rpassword1\r\r\r\r", []string{"Create the account newbie? (y or n):"}},
			{"y\r", []string{"Your account awaits a sysop's validation;", "until then only part of the board is open to you.", "Press Enter to go on."}},
			{"\r", []string{"Main menu", "Your choice, 1 to"}},
		})
		checkPlain(t, tt.Raw(), "Your account awaits a sysop's validation;")
	})
	t.Run("the login code", func(t *testing.T) {
		f, clk := newTOTPFixture(t, settings{Name: "Test BBS"})
		f.addUser("pat", "password1")
		secret, _ := f.enableTOTP(clk, "pat")
		tt := dumb(f, session.Config{})
		waitOutput(t, tt, 0, "Handle:")
		walk(t, tt, []step{
			{"pat\rpassword1\r", []string{"Type the code from your authenticator app, or a recovery code."}},
			{clk.wrong(t, secret) + "\r", []string{"Handle:"}},
			{"pat\rpassword1\r", []string{"Type the code from your authenticator app, or a recovery code."}},
			{clk.code(t, secret, 30*time.Second) + "\r", []string{"Welcome, pat."}},
		})
		checkPlain(t, tt.Raw())
	})
	t.Run("the idle warning, and the terminal check after it", func(t *testing.T) {
		f := newFixture(t, settings{Name: "Test BBS"})
		f.addUser("ida", "password1")
		// Warned after a second without a key; the call ends after four.
		tt := dumb(f, session.Config{IdleTimeout: 4 * time.Second, IdleWarning: 3 * time.Second})
		waitOutput(t, tt, 0, "Handle:")
		walk(t, tt, []step{
			{"ida\rpassword1\r", []string{"Your choice, 1 to"}},
			{"k\r", []string{"Terminal check.", "Press any key to hear its name"}},
		})
		from := len(tt.Raw())
		waitOutput(t, tt, from, "Idle: you will be disconnected in 3s unless you press a key.")
		walk(t, tt, []step{
			{"x", []string{"Key: x"}},
			{"q", []string{"End of the terminal check."}},
		})
		checkPlain(t, tt.Raw())
		if lines := linesAfter(tt.Raw()[from:]); containsPrefix(lines, "Window resized") {
			t.Errorf("the idle warning was read as a resize:\n%q", lines)
		}
	})
}

// Screens that ask for one of their keys, on plain screens, say the keys
// again for a letter that is none of them and for Enter alone; q leaves.
func TestAccessibleKeysAgain(t *testing.T) {
	f := plainBoard(t)
	f.addUser("alice", "password1", store.GroupSysop)
	f.addUser("bob", "password2")
	bob, err := f.accts.User(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Messages.Reading(bob).Post(t.Context(), community.Draft{Area: community.MailArea, To: "alice",
		Subject: "A letter", Body: "hello."}); err != nil {
		t.Fatal(err)
	}
	tt := testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg}, f.board)
	waitOutput(t, tt, 0, "Handle:")
	const whoKeys = "Keys: p, page; d, disconnect; b, broadcast; r, read the list again; q, back."
	walk(t, tt, []step{
		{"alice\rpassword1\r", []string{"Your choice, 1 to"}},
		// Who's online, a sysop's keys included.
		{"w\r", []string{"Online: 1 caller.", whoKeys}},
		{"z\r", []string{"There is no key z here.", whoKeys}},
		{"\r", []string{"Type one of the keys, then Enter.", whoKeys}},
		{"q\r", []string{"Your choice, 1 to"}},
		// The profile.
		{"p\r", []string{"Your profile"}},
		{"z\r", []string{"There is no key z here.", "Keys: a letter above, change that"}},
		{"\r", []string{"Type one of the keys, then Enter.", "Keys: a letter above, change that"}},
		{"q\r", []string{"Your choice, 1 to"}},
		// The user editor, whose question names the field.
		{"u\r", []string{"Users of Test BBS: 2."}},
		{"e\r", []string{"Edit which user?"}},
		{"bob\r", []string{"Editing bob"}},
		{"z\r", []string{"There is no key z here.", "Keys: a letter above, change that"}},
		{"\r", []string{"Type one of the keys, then Enter.", "Keys: a letter above, change that"}},
		{"a\r", []string{"Level: 10"}},
		{"\x1520\r", []string{"Saved."}},
		{"q\r", []string{"Users of Test BBS: 2."}},
		{"q\r", []string{"Your choice, 1 to"}},
		// The message reader.
		{"m\r", []string{"1. Your mail: 1 message, 1 new, key m"}},
		{"1\r", []string{"1. New: A letter, by bob"}},
		{"1\r", []string{"End of the message.", "Keys: n, next"}},
		{"z\r", []string{"There is no key z here.", "Keys: n, next"}},
		{"\r", []string{"Type one of the keys, then Enter.", "Keys: n, next"}},
		{"q\r", []string{"Back at the list."}},
		{"q\r", []string{"Messages on Test BBS"}},
		{"q\r", []string{"Your choice, 1 to"}},
		// A transfer's protocol.
		{"f\r", []string{"File areas of Test BBS"}},
		{"1\r", []string{"Files in Pub"}},
		{"u\r", []string{"Upload by which protocol?"}},
		{"w\r", []string{"There is no key w here.", "Keys: z, ZMODEM"}},
		{"\r", []string{"Type one of the keys, then Enter.", "Keys: z, ZMODEM"}},
		{"q\r", []string{"Number of a file"}},
	})
	checkPlain(t, tt.Raw())
	if u, err := f.store.Users.User(context.Background(), "bob"); err != nil || u.Level != 20 {
		t.Errorf("bob's level after the edit: %v, %v; want 20", u != nil && u.Level == 20, err)
	}
}

// linesAfter is what a screen reader reads of out, as lines.
func linesAfter(out []byte) []string { return plaincheck.Lines(out) }

// containsPrefix reports whether a line starts with prefix.
func containsPrefix(lines []string, prefix string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
}
