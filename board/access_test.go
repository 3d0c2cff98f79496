package board_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// An applicant on a board with validation is told, after login, that the
// account awaits the sysop; the default menus keep messages, files, doors
// and the extras from it until the sysop validates it, and the next menu
// drawn shows them.
func TestValidationWait(t *testing.T) {
	f := newFixture(t, settings{Validation: true, Doors: []board.Door{{Name: "game", Key: 'g', Command: "/bin/true"}},
		FileAreas: []files.AreaConfig{{Name: "Pub", Dir: "pub"}}})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Handle:")
	tt.Type("new\r")
	tt.WaitFor("Apply for an account")
	tt.Type("newbie\rpassword1\rpassword1\r\r\r\r")
	tt.WaitFor("Create the account newbie?")
	tt.Type("y")
	tt.WaitFor("Your account awaits a sysop's validation;")
	tt.WaitFor("until then only part of the board is open to you.")
	tt.Type(" ")
	menu := tt.WaitFor("[G] Goodbye")
	for _, hidden := range []string{"Messages", "Voting", "Files", "Doors", "Extras"} {
		if strings.Contains(menu, hidden) {
			t.Errorf("an unvalidated caller sees %q:\n%s", hidden, menu)
		}
	}
	for _, shown := range []string{"[O] One-liners", "[C] Chat", "[P] Your profile"} {
		if !strings.Contains(menu, shown) {
			t.Errorf("an unvalidated caller does not see %q:\n%s", shown, menu)
		}
	}
	if _, err := f.accts.Validate(t.Context(), "newbie"); err != nil {
		t.Fatal(err)
	}
	tt.Type("w") // who's online, then back: the menu is drawn again
	tt.WaitFor("[p] page")
	tt.Type("q")
	tt.WaitFor("[M] Messages")
	tt.WaitFor("[D] Doors")
	tt.WaitFor("[F] Files")

	// The next call has no notice.
	again := f.call(80, 24, term.UTF8, "192.0.2.1:1001")
	login(again, "newbie", "password1")
	if s := again.WaitFor("[M] Messages"); strings.Contains(s, "validation") {
		t.Errorf("a validated caller is told of validation:\n%s", s)
	}
}

// Menu entries, doors and message areas with a level or a group are
// left off for callers who lack it, and show once the sysop gives it.
// Callers of different levels at one menu see their own entries.
func TestAccessNeeds(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", `title = "Main"
[[entry]]
key = "e"
label = "Elite corner"
screen = "keytest"
level = 50

[[entry]]
key = "s"
label = "Staff room"
screen = "keytest"
group = "staff"

[[entry]]
key = "d"
label = "Doors"
screen = "doors"

[[entry]]
key = "h"
label = "Hidden door"
door = "vault"

[[entry]]
key = "m"
label = "Messages"
screen = "messages"

[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`)
	f := newFixture(t, settings{MenuDir: dir,
		Doors: []board.Door{
			{Name: "arcade", Key: 'a', Label: "Arcade", Command: "/bin/true"},
			{Name: "vault", Key: 'v', Label: "Vault", Command: "/bin/true", Need: access.Need{Level: 20}},
		},
		AreaNeeds: map[string]access.Need{"x84": {Level: 30}},
	})
	f.addUser("low", "password1")
	f.addUser("high", "password1")
	if _, err := f.accts.SetLevel(t.Context(), "high", 50); err != nil {
		t.Fatal(err)
	}
	low := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(low, "low", "password1")
	high := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(high, "high", "password1")
	lowMenu := low.WaitFor("[G] Goodbye")
	highMenu := high.WaitFor("[G] Goodbye")
	for _, hidden := range []string{"Elite corner", "Staff room", "Hidden door"} {
		if strings.Contains(lowMenu, hidden) {
			t.Errorf("a level 10 caller sees %q:\n%s", hidden, lowMenu)
		}
	}
	for _, shown := range []string{"Elite corner", "Hidden door"} {
		if !strings.Contains(highMenu, shown) {
			t.Errorf("a level 50 caller does not see %q:\n%s", shown, highMenu)
		}
	}
	if strings.Contains(highMenu, "Staff room") {
		t.Errorf("a caller outside the group sees its entry:\n%s", highMenu)
	}

	// The Doors menu lists only the doors open to the caller.
	low.Type("d")
	if s := low.WaitFor("[A] Arcade"); strings.Contains(s, "Vault") {
		t.Errorf("a level 10 caller's Doors menu lists the vault:\n%s", s)
	}
	low.Type("q")
	high.Type("d")
	high.WaitFor("[V] Vault")
	high.Type("q")

	// The message areas: x84 needs level 30.
	low.Type("m")
	if s := low.WaitFor("[1] general"); strings.Contains(s, "[2]") {
		t.Errorf("a level 10 caller's message areas list x84:\n%s", s)
	}
	low.Type("q")
	high.Type("m")
	high.WaitFor("[2] x84")
	high.Type("q")

	// A group and a level given by the sysop count from the next menu.
	if _, err := f.accts.SetGroups(t.Context(), "low", []string{"staff"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.accts.SetLevel(t.Context(), "low", 20); err != nil {
		t.Fatal(err)
	}
	low.Type("m") // a screen, and the menu drawn again
	low.WaitFor("[1] general")
	low.Type("q")
	lowMenu = low.WaitFor("[S] Staff room")
	low.Type("d")
	low.WaitFor("[V] Vault")
	low.Type("q")
	if !strings.Contains(lowMenu, "Hidden door") || strings.Contains(lowMenu, "Elite corner") {
		t.Errorf("at level 20 in staff the menu is:\n%s", lowMenu)
	}
}

// The entries a board's Go code adds may need a level too.
func TestGoEntryNeed(t *testing.T) {
	f := newFixture(t, settings{})
	zone := func(context.Context, *board.Call) error { return nil }
	if err := f.board.Menu.Add(board.Entry{Key: 'z', Label: "Zone", Need: access.Need{Level: 40}, Run: zone}); err != nil {
		t.Fatal(err)
	}
	has := func(entries []board.Entry) bool {
		return slices.ContainsFunc(entries, func(e board.Entry) bool { return e.Label == "Zone" })
	}
	if has(f.board.Menu.EntriesFor(&store.User{Level: 39})) || !has(f.board.Menu.EntriesFor(&store.User{Level: 40})) {
		t.Errorf("a Go entry's Need is not applied")
	}
	if !has(f.board.Menu.Entries(true)) || has(f.board.Menu.Entries(false)) {
		t.Errorf("Entries(sysop) and Entries(caller) disagree with the entry's Need")
	}
}

// The sysop's user editor shows and changes levels, groups and
// validation, and says why a value is refused.
func TestUserEditorAccess(t *testing.T) {
	f := newFixture(t, settings{Validation: true})
	f.addUser("rex", "password1", store.GroupSysop)
	f.addUser("sue", "password1", store.GroupUnvalidated)
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	editUser(tt, "rex", "sue")
	tt.WaitFor("Validated  no: awaiting validation (v validates)")
	tt.WaitFor("Level      10")
	tt.WaitFor("Groups     none")
	tt.Type("v")
	tt.WaitFor("Validated  yes")

	tt.Type("a\x15300\r")
	tt.WaitFor("Levels are whole numbers from 0 to 255.")
	tt.Type("a\x1542\r")
	tt.WaitFor("Level      42")

	tt.Type("g\x15staff, Bad!\r")
	tt.WaitFor(`"Bad!" is not a group name`)
	tt.Type("g\x15staff elite\r")
	tt.WaitFor("Groups     elite, staff")
	u, err := f.store.Users.User(t.Context(), "sue")
	if err != nil || u.Level != 42 || !slices.Equal(u.Groups, []string{"elite", "staff"}) {
		t.Errorf("sue = level %d, groups %v, %v; want 42, [elite staff]", u.Level, u.Groups, err)
	}
}

// newFiles is a Files service with areas on a fresh file area whose pub
// folder holds a.txt; nil areas give none.
func newFiles(t *testing.T, st *store.Store, areas []files.AreaConfig) *files.Service {
	t.Helper()
	if areas == nil {
		return nil
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pub", "a.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	area, err := filearea.Open(filearea.Config{Dir: dir, Uploads: st.Uploads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { area.Close() })
	svc, err := files.New(files.Config{Area: area, Store: st.Files, Areas: areas})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// openMenu is a sysop's main menu that offers messages, doors and files
// with no level: validation must hold all the same.
const openMenu = `title = "Main"
[[entry]]
key = "m"
label = "Messages"
screen = "messages"

[[entry]]
key = "d"
label = "Doors"
screen = "doors"

[[entry]]
key = "f"
label = "Files"
screen = "files"

[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`

// An account awaiting validation, on a board whose sysop's menus offer
// it messages, doors and files, reads but posts no letter, runs no
// door and uploads nothing: each says why.
func TestUnvalidatedRefused(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", openMenu)
	f := newFixture(t, settings{MenuDir: dir, Validation: true,
		Doors:     []board.Door{{Name: "game", Key: 'a', Label: "Arcade", Command: "/bin/sh", Args: []string{"-c", "echo IN THE DOOR"}}},
		FileAreas: []files.AreaConfig{{Name: "Pub", Dir: "pub"}}})
	f.addUser("ivy", "password1", store.GroupUnvalidated)
	const why = "Your account awaits a sysop's validation."
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "ivy", "password1")
	tt.WaitFor("Your account awaits a sysop's validation;")
	tt.Type(" ")
	tt.WaitFor("[G] Goodbye")

	for _, step := range []struct {
		menu, offer, pick string // the menu's key, an item it offers, its key
		never, what       string // what must not be seen, and what it would mean
	}{
		{"m", "[W] Write a letter", "w", "To:", "the letter was begun before the refusal"},
		{"d", "[A] Arcade", "a", "IN THE DOOR", "the door ran"},
	} {
		tt.Type(step.menu)
		tt.WaitFor(step.offer)
		tt.Type(step.pick)
		if s := tt.WaitFor(why); strings.Contains(s, step.never) {
			t.Errorf("%s:\n%s", step.what, s)
		}
		tt.Type("q")
		tt.WaitFor("[G] Goodbye")
	}

	tt.Type("f")
	tt.WaitFor("[1] Pub")
	tt.Type("1")
	if s := tt.WaitFor("a.txt"); strings.Contains(s, "upload") {
		t.Errorf("the file list offers an upload:\n%s", s)
	}
	tt.Type("u")
	tt.WaitFor(why)
}

// A drop file carries the caller's level as the board counts it
// (access.Level): the account's own, 255 for a sysop.
func TestDropFileLevel(t *testing.T) {
	f := newFixture(t, settings{Doors: []board.Door{{Name: "lvl", Key: 'l', Label: "Level door", Command: "/bin/sh",
		Dropfile: "door32.sys",
		Args:     []string{"-c", `echo "LEVEL=$(sed -n 8p "$0" | tr -d '\r')"; read x`, "{dropfile}"}}}})
	f.addUser("kim", "password1")
	f.addUser("root", "password1", store.GroupSysop)
	if _, err := f.accts.SetLevel(t.Context(), "kim", 42); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ user, want string }{{"kim", "LEVEL=42"}, {"root", "LEVEL=255"}} {
		tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
		login(tt, tc.user, "password1")
		tt.WaitFor("[D] Doors")
		tt.Type("d")
		tt.WaitFor("[L] Level door")
		tt.Type("l")
		tt.WaitFor(tc.want)
		tt.Type("\r")
		tt.WaitFor("[L] Level door")
	}
}

// editUser logs the sysop in (password "password1") and opens the
// user editor on the account handle.
func editUser(tt *testterm.Term, sysop, handle string) {
	login(tt, sysop, "password1")
	tt.WaitFor("[U] User list")
	tt.Type("u")
	tt.WaitFor("[e] edit a user")
	tt.Type("e")
	tt.WaitFor("Edit which user?")
	tt.Type(handle + "\r")
}

// activity is what who's online says the caller is doing.
func activity(tt *testterm.Term) string { return tt.Session.Snapshot().Activity }

// Who's online names no message area, door or menu that needs a level,
// a group or a sysop: a generic line stands in.
func TestActivityKeepsRestrictedNames(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", `title = "Main"
[[entry]]
key = "m"
label = "Messages"
screen = "messages"

[[entry]]
key = "d"
label = "Doors"
screen = "doors"

[[entry]]
key = "e"
label = "Elite menu"
menu = "elite"
level = 20

[[entry]]
key = "o"
label = "Open menu"
menu = "lounge"

[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`)
	writeMenuFile(t, dir, "elite", "title = \"Elite\"\n[[entry]]\nkey = \"a\"\nlabel = \"Arcade\"\ndoor = \"arcade\"\n")
	writeMenuFile(t, dir, "lounge", "title = \"Lounge\"\n[[entry]]\nkey = \"w\"\nlabel = \"Who\"\nscreen = \"who\"\n")
	door := func(name string, key rune, need access.Need) board.Door {
		return board.Door{Name: name, Key: key, Label: "Door " + name, Command: "/bin/sh", Need: need,
			Args: []string{"-c", "echo IN " + name + "; read x"}}
	}
	f := newFixture(t, settings{MenuDir: dir, AreaNeeds: map[string]access.Need{"x84": {Level: 30}},
		Doors: []board.Door{door("arcade", 'a', access.Need{}), door("vault", 'v', access.Need{Level: 20})}})
	f.addUser("hi", "password1")
	if _, err := f.accts.SetLevel(t.Context(), "hi", 30); err != nil {
		t.Fatal(err)
	}
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "hi", "password1")
	tt.WaitFor("[G] Goodbye")
	check := func(want string) {
		t.Helper()
		if got := activity(tt); got != want {
			t.Errorf("activity = %q; want %q", got, want)
		}
	}

	tt.Type("m")
	tt.WaitFor("[2] x84")
	tt.Type("1")
	tt.WaitFor("general: 0 messages")
	check("reading general")
	tt.Type("q")
	tt.WaitFor("[2] x84")
	tt.Type("2")
	tt.WaitFor("x84: 0 messages")
	check("reading messages")
	tt.Type("q")
	tt.WaitFor("[2] x84")
	tt.Type("q")
	tt.WaitFor("[G] Goodbye")

	tt.Type("d")
	tt.WaitFor("[V] Door vault")
	tt.Type("a")
	tt.WaitFor("IN arcade")
	check("in door arcade")
	tt.Type("\r")
	tt.WaitFor("[V] Door vault")
	tt.Type("v")
	tt.WaitFor("IN vault")
	check("in a door")
	tt.Type("\r")
	tt.WaitFor("[V] Door vault")
	tt.Type("q")
	tt.WaitFor("[G] Goodbye")

	tt.Type("o")
	tt.WaitFor("[W] Who")
	check("menu: lounge")
	tt.Type("q")
	tt.WaitFor("[G] Goodbye")
	tt.Type("e")
	tt.WaitFor("[A] Arcade")
	check("in a menu")
	// A door opened from a restricted menu is not named either.
	tt.Type("a")
	tt.WaitFor("IN arcade")
	check("in a door")
	tt.Type("\r")
	tt.WaitFor("[A] Arcade")
	tt.Type("q")
	tt.WaitFor("[G] Goodbye")
	check("main menu")
}

// An entry picked from a menu drawn before the sysop took its level
// away does not run: the caller is told, and the menu drawn again
// leaves it off.
func TestEntryRecheckedWhenPicked(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", `title = "Main"
[[entry]]
key = "e"
label = "Elite corner"
screen = "who"
level = 50

[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`)
	f := newFixture(t, settings{MenuDir: dir})
	f.addUser("hi", "password1")
	if _, err := f.accts.SetLevel(t.Context(), "hi", 50); err != nil {
		t.Fatal(err)
	}
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "hi", "password1")
	tt.WaitFor("[E] Elite corner")
	if _, err := f.accts.SetLevel(t.Context(), "hi", 10); err != nil {
		t.Fatal(err)
	}
	tt.Type("e")
	if s := tt.WaitFor("Elite corner is no longer open to you."); strings.Contains(s, "[p] page") {
		t.Errorf("the entry ran:\n%s", s)
	}
	tt.Type(" ")
	if s := tt.WaitFor("[G] Goodbye"); strings.Contains(s, "Elite corner") {
		t.Errorf("the menu drawn again still offers the entry:\n%s", s)
	}
}
