package board_test

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// applyUpTo applies for handle and fills in the fields before the setup
// code, leaving the optional ones empty.
func applyUpTo(tt *testterm.Term, handle string) {
	tt.WaitFor("Handle:")
	tt.Type("new\r")
	tt.WaitFor("Apply for an account")
	tt.Type(handle + "\rpassword1\rpassword1\r\r\r\r")
}

// isSysop reports whether the store holds handle as a sysop.
func (f *fixture) isSysop(handle string) bool {
	f.t.Helper()
	u, err := f.store.Users.User(f.t.Context(), handle)
	if err != nil {
		f.t.Fatalf("store: User(%q) = %v", handle, err)
	}
	return u.InGroup(store.GroupSysop)
}

// On a board with no sysop the application asks for the setup code: the
// right code makes the sysop, once; skipping it or a wrong one (as many
// tries as logins get) makes an ordinary account; once the board has its
// sysop, no one is asked.
func TestApplySetupCode(t *testing.T) {
	f := newFixture(t, settings{Setup: true, MaxLoginAttempts: 2})

	// Enter skips the code.
	bob := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	applyUpTo(bob, "bob")
	scr := bob.WaitFor("Setup code:")
	if !strings.Contains(scr, "(only the sysop has it; Enter to skip)") {
		t.Errorf("the setup code field does not say what it is:\n%s", scr)
	}
	bob.Type("\r")
	bob.WaitFor("Create the account bob?")
	bob.Type("y")
	if scr := bob.WaitFor("[G] Goodbye"); strings.Contains(scr, "[U] User list") {
		t.Errorf("bob skipped the setup code and got the sysop's menu:\n%s", scr)
	}

	// Wrong codes, up to the board's attempts.
	mal := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	applyUpTo(mal, "mallory")
	mal.WaitFor("Setup code:")
	mal.Type("AAAA-BBBB-CCCC\r")
	mal.WaitFor("That is not the setup code. Type it again, or press Enter to skip.")
	mal.Type("2222-3333-4444\r")
	scr = mal.WaitFor("That is not the setup code either: this will be an ordinary account.")
	if strings.Contains(scr, "Setup code:") {
		t.Errorf("the form still asks for the setup code after the last try:\n%s", scr)
	}
	mal.WaitFor("Create the account mallory?")
	mal.Type("y")
	if scr := mal.WaitFor("[G] Goodbye"); strings.Contains(scr, "[U] User list") {
		t.Errorf("mallory gave wrong codes and got the sysop's menu:\n%s", scr)
	}

	// The right code, typed loosely (lower case, spaces), makes the sysop.
	alice := f.call(80, 24, term.UTF8, "192.0.2.3:1000")
	applyUpTo(alice, "alice")
	alice.WaitFor("Setup code:")
	alice.Type(strings.ToLower(strings.ReplaceAll(f.setupCode, "-", " ")) + "\r")
	alice.WaitFor("That is the setup code: this account will be the sysop's.")
	alice.WaitFor("Create the account alice?")
	alice.Type("y")
	alice.WaitFor("[U] User list")
	if f.isSysop("bob") || f.isSysop("mallory") || !f.isSysop("alice") {
		t.Errorf("sysops: bob %v, mallory %v, alice %v; want only alice", f.isSysop("bob"), f.isSysop("mallory"), f.isSysop("alice"))
	}

	// The board has its sysop: the form no longer asks.
	carol := f.call(80, 24, term.UTF8, "192.0.2.4:1000")
	applyUpTo(carol, "carol")
	if scr := carol.WaitFor("Create the account carol?"); strings.Contains(scr, "Setup code") {
		t.Errorf("the form asks for the setup code on a board with a sysop:\n%s", scr)
	}
}

// A board that started no setup (it has a sysop, or its program never
// asked) shows no setup code field.
func TestApplyWithoutSetup(t *testing.T) {
	f := newFixture(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	applyUpTo(tt, "dave")
	if scr := tt.WaitFor("Create the account dave?"); strings.Contains(scr, "Setup code") {
		t.Errorf("the form asks for a setup code that was never made:\n%s", scr)
	}
}

// The rules' longest message, the handle's, is 80 characters: on an
// 80-column terminal it wraps under the form instead of being cut.
func TestApplyMessageWraps(t *testing.T) {
	const msg = "Handles use letters, digits, '.', '_' and '-', and start with a letter or digit."
	f := newFixture(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Handle:")
	tt.Type("new\r")
	tt.WaitFor("Apply for an account")
	tt.Type("_erin")
	tt.WaitFor("Handles use letters")
	lines := strings.Split(tt.WaitFor("digit."), "\n")
	var shown []string
	for i, l := range lines {
		if strings.Contains(l, "Handles use letters") && i+1 < len(lines) {
			shown = []string{strings.TrimSpace(l), strings.TrimSpace(lines[i+1])}
		}
	}
	if got := strings.Join(shown, " "); got != msg {
		t.Errorf("the handle's message reads %q on 80 columns; want all of %q", got, msg)
	}
	// Corrected, the message goes.
	tt.Type("\x15erin")
	tt.WaitGone("Handles use letters")
	tt.WaitGone("digit.")
}
