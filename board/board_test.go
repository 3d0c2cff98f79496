package board_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is a board on a real SQLite file, with fast password hashing
// and an event bus that carries every event as bytes, as a bus between
// processes does.
type fixture struct {
	t      *testing.T
	board  *board.Board
	store  *store.Store
	reg    *session.Registry
	bus    *events.Encoded
	banner *auth.Banner
	hasher *auth.Hasher
	svc    *community.Services
	accts  *account.Service
	// setupCode is the setup code, with settings.Setup.
	setupCode string
}

// settings are what tests change of the board and its accounts.
type settings struct {
	Name             string
	MaxLoginAttempts int
	LoginTimeout     time.Duration
	AllowAnonymous   bool
	// Setup makes the setup code, as the server does on a board with no
	// sysop.
	Setup bool
	Doors []board.Door
	// ArtDir is the sysop's art folder; "" is an empty one.
	ArtDir string
	// Theme and ThemeDir are the board's theme and the sysop's themes.
	Theme, ThemeDir string
	// MenuDir is the sysop's menu folder; "" is none.
	MenuDir string
	// Scripts runs script entries; nil leaves them off.
	Scripts board.ScriptRunner
	// Validation makes applicants wait for a sysop's validation;
	// AreaNeeds are what message areas require.
	Validation bool
	AreaNeeds  map[string]access.Need
	// Reset offers password reset by e-mail, with its Mailer.
	Reset account.ResetConfig
	// Now, if set, is the account service's clock (two-factor codes).
	Now func() time.Time
	// FileAreas, if not nil, give the board a Files service with these
	// areas, on a file area holding pub/a.txt (newFiles).
	FileAreas []files.AreaConfig
}

func newFixture(t *testing.T, set settings) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	banner, err := auth.NewBanner(t.Context(), auth.BanConfig{}, st.Bans, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, reg: &session.Registry{}, bus: &events.Encoded{}, banner: banner,
		hasher: &auth.Hasher{Time: 1, MemoryKiB: 64}}
	presence := community.NewLocalPresence(f.reg)
	f.accts, err = account.New(t.Context(), account.Config{Users: st.Users, Keys: st.Keys, Passwords: f.hasher,
		Bans: banner, Sessions: presence, AllowAnonymous: set.AllowAnonymous, Validation: set.Validation,
		Reset: set.Reset, Now: set.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.accts.Shutdown(context.Background()) })
	if set.Setup {
		if f.setupCode, err = f.accts.StartSetup(t.Context()); err != nil || f.setupCode == "" {
			t.Fatalf("StartSetup() = %q, %v; want a code", f.setupCode, err)
		}
	}
	f.svc, err = community.New(community.Config{Store: st, Events: f.bus, Presence: presence, AreaNeeds: set.AreaNeeds})
	if err != nil {
		t.Fatal(err)
	}
	f.board, err = board.New(board.Config{Name: set.Name, MaxLoginAttempts: set.MaxLoginAttempts, LoginTimeout: set.LoginTimeout,
		Store: st, Events: f.bus, Accounts: f.accts, Community: f.svc, Art: art.NewLibrary(cmp.Or(set.ArtDir, t.TempDir())),
		Doors: set.Doors, DataDir: t.TempDir(), Theme: set.Theme, ThemeDir: set.ThemeDir,
		MenuDir: set.MenuDir, Scripts: set.Scripts, Files: newFiles(t, st, set.FileAreas)})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// broadcast sends a broadcast as the sysop at the console would.
func (f *fixture) broadcast(text string) int {
	f.t.Helper()
	n, err := f.svc.Broadcasts.Send(nil, text)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// call connects a caller from addr with a terminal of the given size.
func (f *fixture) call(cols, rows int, enc term.Encoding, addr string) *testterm.Term {
	tt := testterm.Start(f.t, testterm.Options{Cols: cols, Rows: rows, Encoding: enc, Registry: f.reg,
		RemoteAddr: net.TCPAddrFromAddrPort(netip.MustParseAddrPort(addr))}, f.board)
	f.bus.Publish(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	return tt
}

// addUser creates an account directly in the store.
func (f *fixture) addUser(handle, password string, groups ...string) {
	f.t.Helper()
	h, err := f.hasher.Hash(f.t.Context(), password)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.Users.CreateUser(f.t.Context(), &store.User{Handle: handle, Password: h, Groups: groups,
		Location: "Springfield", Encoding: store.EncodingAuto, Level: store.DefaultLevel}); err != nil {
		f.t.Fatal(err)
	}
}

// login types a handle and password at the login screen.
func login(tt *testterm.Term, handle, password string) {
	tt.WaitFor("Handle:")
	tt.Type(handle + "\r")
	tt.Type(password + "\r")
}

func TestApplyThenLogin(t *testing.T) {
	f := newFixture(t, settings{Name: "Test BBS"})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Connected to Test BBS, node 1.")
	tt.Type("new\r")
	tt.WaitFor("Apply for an account")
	tt.Type("x\r") // too short: the caller stays in the field
	tt.WaitFor("Handles are 3 to 16 characters long.")
	tt.Type("\x15alice\r")
	tt.Type("short\r")
	tt.WaitFor("Passwords need at least 8 characters.")
	tt.Type("\x15correct horse\r")
	tt.Type("correct hose\r") // differs: back to the password
	tt.WaitFor("The two passwords differ")
	tt.Type("correct horse\rcorrect horse\r")
	tt.Type("Alice Liddell\rWonderland\rnot-an-address\r")
	tt.WaitFor("That does not look like an e-mail address.")
	tt.Type("\x15alice@example.org\r")
	tt.WaitFor("Create the account alice?")
	tt.Type("y")
	tt.WaitFor("Welcome, alice. This is your first call.")
	// Applying first makes no sysop: the board started no setup.
	if scr := tt.WaitFor("[G] Goodbye"); strings.Contains(scr, "[U] User list") {
		t.Errorf("the board's first applicant got the sysop's menu:\n%s", scr)
	}
	if u := tt.Session.User(); u != "alice" {
		t.Errorf("session user = %q; want alice", u)
	}
	u, err := f.store.Users.User(t.Context(), "ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if u.RealName != "Alice Liddell" || u.Location != "Wonderland" || u.Email != "alice@example.org" ||
		u.InGroup(store.GroupSysop) || u.Calls != 1 || !strings.HasPrefix(u.Password, "$argon2id$") {
		t.Errorf("stored account = %+v", u)
	}
	tt.Type("g")
	tt.WaitFor("Log off now?")
	tt.Type("y")
	tt.WaitFor("Thanks for calling Test BBS, alice.")
	if err := tt.Wait(); err != nil {
		t.Errorf("the call ended with %v; want a clean logoff", err)
	}

	// The second call logs in and is counted.
	tt = f.call(80, 24, term.UTF8, "192.0.2.1:1001")
	login(tt, "Alice", "correct horse")
	tt.WaitFor("This is your call number 2. You last called just now.")
	calls, err := f.store.Calls.LastCalls(t.Context(), 10)
	if err != nil || len(calls) != 2 || calls[0].Handle != "alice" || calls[0].Calls != 2 {
		t.Errorf("last calls = %+v, %v", calls, err)
	}
}

func TestApplyRefusesTakenAndReserved(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("Bob", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Handle:")
	tt.Type("new\r")
	tt.Type("BOB")
	tt.WaitFor("That handle is taken.")
	tt.Type("\x15sysop")
	tt.WaitFor("That name is reserved.")
	tt.Type("\x1b") // Esc, then confirm the cancel
	tt.WaitFor("Cancel the application?")
	tt.Type("y")
	tt.WaitFor("Connected to")
}

func TestApplySurvivesResize(t *testing.T) {
	f := newFixture(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Handle:")
	tt.Type("new\rcarol\rpassword1\rpassword1\rCarol\r")
	tt.WaitFor("Location:")
	tt.Type("Mars")
	tt.WaitFor("Mars")
	tt.Resize(132, 50)
	tt.Type(" base")
	scr := tt.WaitFor("Mars base")
	for _, want := range []string{"carol", "Carol", "********"} {
		if !strings.Contains(scr, want) {
			t.Errorf("after a resize the form lost %q:\n%s", want, scr)
		}
	}
	tt.Type("\r\r")
	tt.WaitFor("Create the account carol?")
}

func TestLoginFailuresBan(t *testing.T) {
	f := newFixture(t, settings{MaxLoginAttempts: 5})
	f.addUser("dave", "password1")
	tt := f.call(80, 24, term.UTF8, "198.51.100.7:1000")
	for i := range 3 {
		login(tt, "dave", "wrong"+string(rune('a'+i)))
		if i < 2 {
			tt.WaitFor("Login failed")
		}
	}
	tt.WaitFor("it is banned for a while")
	tt.Wait()
	if err := f.banner.Check(netip.MustParseAddr("198.51.100.7")); err == nil {
		t.Errorf("the address is not banned after three failed logins")
	}
	bans, err := f.store.Bans.Bans(t.Context())
	if err != nil || len(bans) != 1 || bans[0].Prefix != "198.51.100.7/32" {
		t.Errorf("stored bans = %+v, %v; want the address", bans, err)
	}
}

// A caller with an account of their own must not be able to clear their
// failures on another account by logging in between guesses.
func TestLoginSuccessKeepsFailures(t *testing.T) {
	f := newFixture(t, settings{MaxLoginAttempts: 5})
	f.addUser("dave", "password1")
	f.addUser("mallory", "password1")
	guesser := f.call(80, 24, term.UTF8, "198.51.100.9:1000")
	for _, pw := range []string{"guess1", "guess2"} {
		login(guesser, "dave", pw)
		guesser.WaitFor("Login failed")
	}
	own := f.call(80, 24, term.UTF8, "198.51.100.9:1001")
	login(own, "mallory", "password1")
	own.WaitFor("Welcome, mallory.")
	login(guesser, "dave", "guess3")
	guesser.WaitFor("it is banned for a while")
	guesser.Wait()
}

func TestLoginTimeout(t *testing.T) {
	f := newFixture(t, settings{LoginTimeout: 300 * time.Millisecond})
	tt := f.call(80, 24, term.UTF8, "198.51.100.10:1000")
	tt.WaitFor("Handle:")
	tt.Type("slow") // typing does not reset the clock
	tt.WaitFor("You took too long to log in. Goodbye.")
	if err := tt.Wait(); err != nil {
		t.Errorf("the timed-out call ended with %v", err)
	}
}

func TestLoginAttemptsEndCall(t *testing.T) {
	f := newFixture(t, settings{MaxLoginAttempts: 2})
	tt := f.call(80, 24, term.UTF8, "198.51.100.8:1000")
	login(tt, "nobody", "whatever1")
	tt.WaitFor("Login failed")
	login(tt, "nobody", "whatever2")
	tt.WaitFor("Too many failed logins. Goodbye.")
	tt.Wait()
}

// A user name offered by the protocol (rlogin) fills in the handle and
// the cursor waits at the password, so that it is never typed into the
// handle in the clear; Esc asks for another handle.
func TestLoginOfferedHandle(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("bob", "password1")
	f.addUser("carol", "password2")
	for _, other := range []bool{false, true} {
		tt := testterm.Start(t, testterm.Options{Kind: term.KindRlogin, User: "bob", Registry: f.reg}, f.board)
		tt.WaitFor("Handle:   bob")
		tt.WaitFor("Press Esc to log in with another handle.")
		if !other {
			tt.Type("password1\r")
			tt.WaitFor("Welcome, bob.")
			continue
		}
		tt.Type("\x1b")
		tt.WaitGone("Press Esc")
		tt.Type("carol\rpassword2\r")
		tt.WaitFor("Welcome, carol.")
	}
	// An offered name that is a word for leaving is no wish to leave.
	tt := testterm.Start(t, testterm.Options{Kind: term.KindRlogin, User: "quit", Registry: f.reg}, f.board)
	tt.WaitFor("Handle:")
	tt.Type("bob\rpassword1\r")
	tt.WaitFor("Welcome, bob.")
}

// Passwords are taken as typed: a long one (set from the shell) can be
// typed at the login screen, and one with a space at the end is refused
// by the rules rather than quietly trimmed (the login screen would not
// trim it).
func TestPasswordsAsTyped(t *testing.T) {
	f := newFixture(t, settings{})
	long := strings.Repeat("long-pass-", 10) // 100 characters
	f.addUser("lena", long)
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "lena", long)
	tt.WaitFor("Welcome, lena.")

	tt = f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	tt.WaitFor("Handle:")
	tt.Type("new\r")
	tt.WaitFor("Apply for an account")
	tt.Type("spacey\rpassword1 \r")
	tt.WaitFor("Remove the spaces at the start and end.")
	tt.Type("password1\rpassword1\r\r\r\r")
	tt.WaitFor("Create the account spacey?")
	tt.Type("y")
	tt.WaitFor("Welcome, spacey.")
}

func TestLoginWords(t *testing.T) {
	f := newFixture(t, settings{AllowAnonymous: true})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Log in as anonymous")
	tt.Type("anonymous\r")
	tt.WaitFor("Welcome, anonymous.")
	if strings.Contains(tt.WaitFor("[G] Goodbye"), "User list") {
		t.Errorf("an anonymous caller sees the sysop's entries")
	}
	tt.Type("o")
	tt.WaitFor("add a one-liner")
	tt.Type("a")
	tt.WaitFor("Log in with an account to post one-liners.")

	tt2 := f.call(80, 24, term.UTF8, "192.0.2.1:1001")
	tt2.WaitFor("Handle:")
	tt2.Type("bye\r")
	tt2.WaitFor("Goodbye!")
	if err := tt2.Wait(); err != nil {
		t.Errorf("bye ended the call with %v", err)
	}
}

// A screen that waits for any key shows a broadcast that comes meanwhile
// and goes on waiting: the notice is not the caller's key.
func TestAnyKeyShowsNotices(t *testing.T) {
	f := newFixture(t, settings{AllowAnonymous: true})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Log in as anonymous")
	tt.Type("anonymous\r")
	tt.WaitFor("[G] Goodbye")
	tt.Type("p")
	tt.WaitFor("You are visiting without an account")
	f.broadcast("Back in five minutes.")
	tt.WaitFor("Back in five minutes.")
	tt.Type(" ")
	// The box goes and the screen is drawn again (WaitGone may catch it
	// cleared, before the redraw).
	tt.WaitGone("Back in five minutes.")
	tt.WaitFor("You are visiting without an account")
	tt.Type(" ")
	tt.WaitFor("[G] Goodbye")
}

func TestOnelinersLive(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("erin", "password1")
	f.addUser("frank", "password1")
	reader := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(reader, "frank", "password1")
	reader.WaitFor("Welcome, frank.")
	reader.Type("o")
	reader.WaitFor("add a one-liner")

	writer := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(writer, "erin", "password1")
	writer.WaitFor("Welcome, erin.")
	writer.Type("oa")
	writer.WaitFor("Say:")
	writer.Type("Hello, wall!\r")
	writer.WaitFor("Hello, wall!")
	// The reader's wall shows it without a key pressed.
	reader.WaitFor("erin │ Hello, wall!")
	// One a minute.
	writer.Type("a")
	writer.WaitFor("you may post again in")
}

func TestOnelinerFromElsewhereIsSanitised(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("gina", "password1")
	evil := "hi\x1b]0;pwned\x07\x1b[2J\x1b[31mthere"
	f.store.Oneliners.AddOneliner(t.Context(), &store.Oneliner{Handle: "mallory\x1b[5m", Text: evil, Posted: time.Now()}, 0)
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "gina", "password1")
	tt.WaitFor("Welcome, gina.")
	tt.Type("o")
	tt.WaitFor("hithere")
	if raw := string(tt.Raw()); strings.Contains(raw, "pwned") || strings.Contains(raw, "\x1b[5m") || strings.Contains(raw, "\x1b[31m") {
		t.Errorf("control sequences from stored text reached the terminal")
	}
}

func TestWhoFollowsArrivals(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("hank", "password1")
	f.addUser("ivy", "password1")
	watcher := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(watcher, "hank", "password1")
	watcher.WaitFor("Welcome, hank.")
	watcher.Type("w")
	watcher.WaitFor("who's online")
	arrival := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	watcher.WaitFor("(logging in)")
	login(arrival, "ivy", "password1")
	arrival.WaitFor("Welcome, ivy.")
	// Ivy's handle can show a moment before her activity changes; only
	// she can be at the main menu, as hank is on this screen.
	scr := watcher.WaitFor("main menu")
	if !strings.Contains(scr, "ivy") || !strings.Contains(scr, "Springfield") {
		t.Errorf("who's online does not show ivy's location and activity:\n%s", scr)
	}
}

// TestMainMenuShortWindow: on a short window the art gives way and every
// entry shows above the status line.
func TestMainMenuShortWindow(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("zed", "password1", store.GroupSysop)
	for _, sz := range []struct{ cols, rows int }{{30, 10}, {40, 15}, {80, 12}} {
		tt := f.call(sz.cols, sz.rows, term.UTF8, "192.0.2.1:1000")
		login(tt, "zed", "password1")
		tt.WaitFor("zed@x84")
		scr := tt.WaitFor("[G]") // the last entry, drawn after the status line
		lines := strings.Split(scr, "\n")
		if last := lines[sz.rows-1]; strings.Contains(last, "[") {
			t.Errorf("%dx%d: the menu runs into the status line: %q", sz.cols, sz.rows, last)
		}
		for _, k := range []string{"[W]", "[O]", "[C]", "[M]", "[G]", "[U]", "[B]"} {
			if !strings.Contains(scr, k) {
				t.Errorf("%dx%d: %s missing:\n%s", sz.cols, sz.rows, k, scr)
			}
		}
		for i, l := range lines {
			if ui.Width(l) > sz.cols {
				t.Errorf("%dx%d: row %d is too wide: %q", sz.cols, sz.rows, i, l)
			}
		}
	}
}

// TestRender checks the login screen and the main menu at two sizes and in
// both encodings: everything fits, nothing wraps, and the art shows.
func TestRender(t *testing.T) {
	sizes := []struct{ cols, rows int }{{80, 24}, {132, 50}}
	for _, enc := range []term.Encoding{term.UTF8, term.CP437} {
		for _, sz := range sizes {
			t.Run(string(enc)+"/"+sizeName(sz.cols, sz.rows), func(t *testing.T) {
				f := newFixture(t, settings{Name: "Render BBS"})
				f.addUser("judy", "password1", store.GroupSysop)
				tt := f.call(sz.cols, sz.rows, enc, "192.0.2.1:1000")
				scr := tt.WaitFor("Password:")
				checkScreen(t, scr, sz.cols, sz.rows, "Connected to Render BBS", "▄██████████▄")
				login(tt, "judy", "password1")
				scr = tt.WaitFor("[U] User list") // the last thing the menu draws
				checkScreen(t, scr, sz.cols, sz.rows, "[W] Who's online", "[G] Goodbye (log off)", "[U] User list", "judy@Render BBS")
				if line := strings.Split(scr, "\n")[sz.rows-1]; !strings.Contains(line, "judy@Render BBS") {
					t.Errorf("the status line is not on the last row (%d): %q", sz.rows, line)
				}
				if enc == term.CP437 && !strings.Contains(string(tt.Raw()), "\xdb\xdb\xdb") {
					t.Errorf("a CP437 terminal did not get the art's CP437 block bytes")
				}
			})
		}
	}
}

func sizeName(c, r int) string { return strings.Join([]string{itoa(c), itoa(r)}, "x") }

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func checkScreen(t *testing.T, scr string, cols, rows int, want ...string) {
	t.Helper()
	lines := strings.Split(scr, "\n")
	if len(lines) != rows {
		t.Errorf("screen has %d rows; want %d", len(lines), rows)
	}
	for i, l := range lines {
		if w := ui.Width(l); w > cols {
			t.Errorf("row %d is %d cells wide on a %d-column terminal: %q", i+1, w, cols, l)
		}
	}
	for _, w := range want {
		if !strings.Contains(scr, w) {
			t.Errorf("screen lacks %q:\n%s", w, scr)
		}
	}
}

func TestProfileChanges(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("kim", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "kim", "password1")
	tt.WaitFor("Welcome, kim.")
	tt.Type("p")
	tt.WaitFor("Member since")
	tt.Type("l\x15Moon\r")
	tt.WaitFor("Saved.")
	tt.Type("c") // auto → utf-8
	tt.WaitFor("utf-8")
	tt.Type("c") // → cp437, applied at once
	tt.WaitFor("cp437")
	if enc := tt.Session.Encoding(); enc != term.CP437 {
		t.Errorf("session encoding = %s after choosing cp437", enc)
	}
	tt.Type("p")
	tt.Type("password1\rnew-password\rnew-password\r")
	tt.WaitFor("Password changed.")
	u, err := f.store.Users.User(t.Context(), "kim")
	if err != nil {
		t.Fatal(err)
	}
	if u.Location != "Moon" || u.Encoding != store.EncodingCP437 {
		t.Errorf("stored profile = %+v", u)
	}
	if ok, _, _ := f.hasher.Verify(t.Context(), u.Password, "new-password"); !ok {
		t.Errorf("the new password does not verify")
	}
}

func TestCustomEntry(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("lee", "password1")
	err := f.board.Menu.Add(board.Entry{Key: 'h', Label: "Hello screen", Run: func(ctx context.Context, c *board.Call) error {
		c.WriteString(ui.ClearScreen + "Hello, " + c.User.Handle + "! Press a key.")
		_, err := c.ReadKey(ctx)
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.board.Menu.Add(board.Entry{Key: 'W', Label: "Clash", Run: func(context.Context, *board.Call) error { return nil }}); err == nil {
		t.Errorf("Menu.Add accepted a key already taken")
	}
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "lee", "password1")
	tt.WaitFor("[H] Hello screen")
	entries := f.board.Menu.Entries(false)
	if last := entries[len(entries)-1]; last.Key != 'g' || entries[len(entries)-2].Key != 'h' {
		t.Errorf("a new entry should come just before Goodbye; the menu ends with %q", last.Label)
	}
	tt.Type("h")
	tt.WaitFor("Hello, lee! Press a key.")
	tt.Type(" ")
	tt.WaitFor("[H] Hello screen")
}

func TestListsForSysop(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("mona", "password1", store.GroupSysop)
	f.addUser("ned", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "mona", "password1")
	tt.WaitFor("[U] User list")
	tt.Type("u")
	tt.WaitFor("Users of x84: 2")
	scr := tt.WaitFor("[q] back")
	for _, want := range []string{"Springfield     sysop            1  just now", "Springfield                      0  never"} {
		if !strings.Contains(scr, want) {
			t.Errorf("user list lacks %q:\n%s", want, scr)
		}
	}
	tt.Type("q")
	tt.WaitFor("[L] Last callers")
	tt.Type("l")
	tt.WaitFor("mona             Springfield")
	tt.WaitFor("(just now)")
}

func TestChat(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("nina", "password1")
	f.addUser("otto", "password1")
	a := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(a, "nina", "password1")
	a.WaitFor("[C] Chat")
	a.Type("c")
	a.WaitFor("the lounge · 1 here")
	a.Type("hello there\r")
	// One's own arrival is in the history and comes as an event too: it
	// shows once.
	if n := strings.Count(a.WaitFor("<nina> hello there"), "nina joins"); n != 1 {
		t.Errorf("nina's arrival shows %d times on her screen; want once", n)
	}

	b := f.call(132, 50, term.UTF8, "192.0.2.2:1000")
	login(b, "otto", "password1")
	b.WaitFor("[C] Chat")
	b.Type("c")
	// The newcomer sees what was said before, and both see the arrival.
	b.WaitFor("<nina> hello there")
	a.WaitFor("-- otto joins")
	b.Type("/me waves\r")
	a.WaitFor("* otto waves")
	if n := strings.Count(b.WaitFor("* otto waves"), "otto joins"); n != 1 {
		t.Errorf("otto's arrival shows %d times on his screen; want once", n)
	}
	b.Type("/who\r")
	b.WaitFor("Here: nina, otto")
	// The input line stays at the bottom, the bar above it.
	if line := a.Line(22); !strings.Contains(line, "the lounge · 2 here") {
		t.Errorf("row 23 of 24 should be the bar: %q", line)
	}
	b.Type("/quit\r")
	a.WaitFor("-- otto leaves")
	// Rate limit: five quick lines pass, the sixth waits.
	a.Type("1\r2\r3\r4\r5\r6\r")
	a.WaitFor("Not so fast")
}

// A caller whose connection stops taking data while the room talks holds
// up no one, and is told how many lines it missed when it reads again.
func TestChatSlowCaller(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("nina", "password1")
	f.addUser("otto", "password1")
	a := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(a, "nina", "password1")
	a.Type("c")
	a.WaitFor("the lounge · 1 here")
	b := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(b, "otto", "password1")
	b.Type("c")
	b.WaitFor("the lounge · 2 here")
	a.WaitFor("-- otto joins")

	resume := a.Stall()
	var talkers []*community.Member
	for i := range 30 {
		m := f.svc.Chat.Join(community.PublicRoom, fmt.Sprintf("t%d", i))
		defer m.Leave()
		talkers = append(talkers, m)
	}
	for round := range 3 {
		for i, m := range talkers {
			if err := m.Say(fmt.Sprintf("line %d", round)); err != nil {
				t.Fatalf("t%d says line %d: %v", i, round, err)
			}
		}
	}
	// otto, who reads, sees the last line while nina's screen is stuck.
	b.WaitFor("<t29> line 2")
	resume()
	a.WaitFor("skipped: your connection was slower than the room.")
	a.WaitFor("<t29> line 2")
}

func TestPageAndBroadcast(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("pia", "password1", store.GroupSysop)
	f.addUser("quin", "password1")
	quin := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(quin, "quin", "password1")
	quin.WaitFor("[G] Goodbye")
	quin.Type("o") // on the one-liners screen
	quin.WaitFor("add a one-liner")

	pia := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(pia, "pia", "password1")
	pia.WaitFor("[U] User list")
	pia.Type("w")
	pia.WaitFor("[p] page")
	pia.Type("p")
	pia.WaitFor("Page which node?")
	pia.Type("1\r")
	pia.WaitFor("a private chat with quin")
	// The page reaches quin at once, on the screen it is on.
	quin.WaitFor("pia (node 2) is paging you.")
	quin.Type("y")
	quin.WaitFor("a private chat with pia")
	pia.WaitFor("-- quin joins")
	quin.Type("hi pia\r")
	pia.WaitFor("<quin> hi pia")
	quin.Type("/quit\r")
	quin.WaitFor("add a one-liner") // back where the page found it

	// A page never interrupts typing: it waits in the queue.
	quin.Type("a")
	quin.WaitFor("Say:")
	quin.Type("half a line")
	n := f.broadcast("The board restarts in 5 minutes.")
	if n != 2 {
		t.Errorf("Broadcast reached %d sessions; want 2", n)
	}
	// Keys typed after the broadcast are echoed after it was delivered.
	quin.Type(" more")
	if scr := quin.WaitFor("half a line more"); strings.Contains(scr, "restarts") {
		t.Errorf("a broadcast interrupted typing")
	}
	quin.Type("\x1b") // Esc: no post, so no other event wakes the screen
	quin.WaitFor("The board restarts in 5 minutes.")
}

// A page that finds its caller in chat, or behind another notice, can
// still be answered.
func TestPageWhileBusy(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("quin", "password1")
	f.addUser("pia", "password1")
	f.addUser("ray", "password1")
	quin := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(quin, "quin", "password1")
	quin.Type("c")
	quin.WaitFor("the lounge · 1 here")
	page := func(tt *testterm.Term, handle string) {
		t.Helper()
		loginAndPage(tt, handle, 1)
		tt.WaitFor("a private chat with quin")
	}
	pia := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	page(pia, "pia")
	quin.WaitFor("pia (node 2) is paging you: leave this chat to answer.")
	quin.Type("\x1b")
	quin.WaitFor("pia (node 2) is paging you.")
	quin.Type("y")
	quin.WaitFor("a private chat with pia")
	pia.WaitFor("-- quin joins")
	quin.Type("/quit\r")
	quin.WaitFor("[G] Goodbye")

	// A page that comes while a broadcast is on the screen follows it.
	f.broadcast("Tea is served.")
	quin.WaitFor("Tea is served.")
	ray := f.call(80, 24, term.UTF8, "192.0.2.3:1000")
	page(ray, "ray")
	quin.Type(" ")
	quin.WaitFor("ray (node 3) is paging you.")
}

// loginAndPage logs handle in (password "password1") and pages node from
// who's online.
func loginAndPage(tt *testterm.Term, handle string, node int) {
	login(tt, handle, "password1")
	tt.WaitFor("[G] Goodbye")
	tt.Type("wp")
	tt.WaitFor("Page which node?")
	tt.Type(fmt.Sprintf("%d\r", node))
}

// A page goes to the node asked for, not to the user's other sessions.
func TestPageOneNode(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("quin", "password1")
	f.addUser("pia", "password1")
	var quins []*testterm.Term
	for i := range 2 {
		q := f.call(80, 24, term.UTF8, fmt.Sprintf("192.0.2.%d:1000", i+1))
		login(q, "quin", "password1")
		q.WaitFor("[G] Goodbye")
		quins = append(quins, q)
	}
	pia := f.call(80, 24, term.UTF8, "192.0.2.9:1000")
	loginAndPage(pia, "pia", 2)
	quins[1].WaitFor("pia (node 3) is paging you.")
	// Notices come in order: node 1 shows a later broadcast, and no page.
	f.broadcast("Marker.")
	if scr := quins[0].WaitFor("Marker."); strings.Contains(scr, "paging you") {
		t.Errorf("node 1 was paged too:\n%s", scr)
	}
}

func TestPageDeclinedStaleAndRateLimited(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("pia", "password1")
	f.addUser("quin", "password1")
	f.addUser("ray", "password1")
	quin := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(quin, "quin", "password1")
	quin.WaitFor("[G] Goodbye")
	pia := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(pia, "pia", "password1")
	pia.WaitFor("[G] Goodbye")
	pia.Type("w")
	pia.WaitFor("[p] page")
	pia.Type("p1\r")
	pia.WaitFor("a private chat with quin")
	quin.WaitFor("pia (node 2) is paging you.")
	quin.Type("n")
	pia.WaitFor("** quin cannot chat now.")
	pia.Type("/quit\r")
	pia.WaitFor("[p] page")
	pia.Type("p1\r")
	pia.WaitFor("You paged a moment ago; wait")

	// A page whose pager gave up is not a room to sit alone in.
	quin.Type("o")
	quin.WaitFor("add a one-liner")
	quin.Type("a")
	quin.WaitFor("Say:")
	ray := f.call(80, 24, term.UTF8, "192.0.2.3:1000")
	login(ray, "ray", "password1")
	ray.WaitFor("[G] Goodbye")
	ray.Type("w")
	ray.WaitFor("[p] page")
	ray.Type("p1\r")
	ray.WaitFor("a private chat with quin")
	ray.Type("/quit\r")
	ray.WaitFor("[p] page")
	quin.Type("\x1b")
	quin.WaitFor("but has stopped waiting.")
	quin.Type(" ")
	if scr := quin.WaitFor("add a one-liner"); strings.Contains(scr, "private chat") {
		t.Errorf("quin was put in an empty private chat:\n%s", scr)
	}
}

// A caller's profile edit and the sysop's change to the same account,
// made while the caller had the field open, must both stay; and an
// account locked while its user is on ends their call.
func TestAccountChangedWhileOnline(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("rex", "password1", store.GroupSysop)
	f.addUser("sue", "password1")
	sue := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(sue, "sue", "password1")
	sue.WaitFor("[G] Goodbye")
	sue.Type("p")
	sue.WaitFor("Member since")
	sue.Type("l\x15Mars") // the field is open, not saved yet

	rex := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(rex, "rex", "password1")
	rex.WaitFor("[U] User list")
	rex.Type("u")
	rex.WaitFor("[e] edit a user")
	rex.Type("e")
	rex.WaitFor("Edit which user?")
	rex.Type("sue\r")
	rex.WaitFor("Editing sue")
	rex.Type("s") // make sue a sysop
	rex.WaitFor("Sysop      yes")

	sue.Type("\r")
	sue.WaitFor("Saved.")
	u, err := f.store.Users.User(t.Context(), "sue")
	if err != nil || u.Location != "Mars" || !u.InGroup(store.GroupSysop) {
		t.Fatalf("sue = %+v, %v; want both the new location and the sysop group", u, err)
	}

	rex.Type("k") // lock: sue's call ends
	rex.WaitFor("Locked     yes")
	sue.WaitFor("Your account has been locked by the sysop.")
	if err := sue.Wait(); err != nil && !errors.Is(err, session.ErrClosed) {
		t.Errorf("sue's call ended with %v", err)
	}
	rex.Type("d")
	rex.WaitFor("Delete sue for good?")
	rex.Type("y")
	rex.WaitFor("[e] edit a user")
}

// A password hashed with older parameters is hashed again at login, and
// still works.
func TestLoginRehashes(t *testing.T) {
	f := newFixture(t, settings{})
	old := &auth.Hasher{Time: 2, MemoryKiB: 64}
	h, err := old.Hash(t.Context(), "password1")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Users.CreateUser(t.Context(), &store.User{Handle: "olga", Password: h, Location: "Riga", Encoding: store.EncodingAuto}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
		login(tt, "olga", "password1")
		tt.WaitFor("Welcome, olga.")
		tt.Session.Close()
		tt.Wait()
	}
	u, err := f.store.Users.User(t.Context(), "olga")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, _ := f.hasher.Verify(t.Context(), u.Password, "password1"); !ok || rehash || u.Password == h {
		t.Errorf("stored hash %q after login: verifies %v, needs rehash %v; want a current hash", u.Password, ok, rehash)
	}
	if u.Location != "Riga" {
		t.Errorf("the rehash changed the location to %q", u.Location)
	}
}

func TestSysopEntriesRefused(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("una", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "una", "password1")
	if scr := tt.WaitFor("[G] Goodbye"); strings.Contains(scr, "User list") || strings.Contains(scr, "Broadcast") {
		t.Errorf("a caller sees the sysop's entries:\n%s", scr)
	}
	// Had u or b opened a screen, w would not reach who's online.
	tt.Type("ubw")
	if scr := tt.WaitFor("[p] page"); strings.Contains(scr, "edit a user") || strings.Contains(scr, "disconnect") {
		t.Errorf("who's online offers a caller the sysop's actions:\n%s", scr)
	}
	tt.Type("dbp")
	if scr := tt.WaitFor("Page which node?"); strings.Contains(scr, "Disconnect which") || strings.Contains(scr, "Broadcast: ") {
		t.Errorf("a caller reached the sysop's actions:\n%s", scr)
	}
}

func TestSysopEditsUser(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("rex", "password1", store.GroupSysop)
	f.addUser("sue", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "rex", "password1")
	tt.WaitFor("[U] User list")
	tt.Type("u")
	tt.WaitFor("[e] edit a user")
	tt.Type("/su\r")
	tt.WaitFor("matching su")
	tt.Type("e")
	tt.WaitFor("Edit which user?")
	tt.Type("SUE\r")
	tt.WaitFor("Editing sue")
	tt.Type("l\x15Mars\r")
	tt.WaitFor("Saved.")
	tt.Type("k") // lock the account
	tt.WaitFor("Locked     yes")
	u, err := f.store.Users.User(t.Context(), "sue")
	if err != nil || u.Location != "Mars" || !u.InGroup(store.GroupLocked) {
		t.Fatalf("sue = %+v, %v", u, err)
	}
	// A locked account cannot log in, even with the right password, and
	// is answered as a wrong password (account.Login).
	other := f.call(80, 24, term.UTF8, "192.0.2.9:1000")
	login(other, "sue", "password1")
	other.WaitFor("Login failed: no such handle, or a wrong password.")
	tt.Type("d")
	tt.WaitFor("Delete sue for good?")
	tt.Type("y")
	tt.WaitFor("[e] edit a user")
	// Notices reach a sysop in the user list.
	f.broadcast("Tea in five.")
	tt.WaitFor("Tea in five.")
	tt.Type(" ")
	tt.WaitGone("Tea in five.")
	if _, err := f.store.Users.User(t.Context(), "sue"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("sue still exists after delete: %v", err)
	}

	// A sysop edits their own name in place, but cannot take away their
	// own rights, lock or delete themselves.
	tt.Type("e")
	tt.WaitFor("Edit which user?")
	tt.Type("rex\r")
	tt.WaitFor("Editing rex")
	tt.Type("nRex Roy\r")
	tt.WaitFor("Saved.")
	tt.Type("n\x05!") // End, and a mark to know the field is open
	if scr := tt.WaitFor("Rex Roy!"); strings.Contains(scr, "ReRex") {
		t.Errorf("the old value shows through the field:\n%s", scr)
	}
	tt.Type("\x08\r")
	for _, k := range []string{"s", "k", "d"} {
		tt.Type(k)
		tt.WaitFor("Not your own account: another sysop can do that.")
		tt.Type("l") // the message goes as the next edit begins
		tt.WaitGone("Not your own account")
		tt.Type("\r") // the location, unchanged
		tt.WaitFor("Saved.")
	}
	if u, err := f.store.Users.User(t.Context(), "rex"); err != nil || !u.InGroup(store.GroupSysop) || u.InGroup(store.GroupLocked) || u.RealName != "Rex Roy" {
		t.Errorf("rex = %+v, %v; want a sysop, unlocked, named Rex Roy", u, err)
	}
}

func TestViewProfile(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("tom", "password1")
	f.addUser("uma", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "tom", "password1")
	tt.WaitFor("[P] Your profile")
	tt.Type("p")
	tt.WaitFor("Member since")
	tt.Type("s\x15Tom was here.\r")
	tt.WaitFor("Saved.")
	tt.Type("v")
	tt.WaitFor("Whose profile?")
	tt.Type("uma\r")
	tt.WaitFor("Profile of uma")
	scr := tt.WaitFor("[q] back")
	if !strings.Contains(scr, "Springfield") || strings.Contains(scr, "E-mail") {
		t.Errorf("public profile shows:\n%s", scr)
	}
}

func TestMessagesThreadsAndUnread(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("vic", "password1")
	f.addUser("wes", "password1")
	vic := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(vic, "vic", "password1")
	vic.WaitFor("New for you: 0 messages and 0 letters.")
	vic.Type("m")
	vic.WaitFor("general")
	vic.Type("1")
	vic.WaitFor("No messages yet.")
	vic.Type("n")
	vic.WaitFor("Subject:")
	vic.Type("Hello board\r")
	vic.WaitFor("Save")
	vic.Type("First post on the board.\x1a") // Ctrl-Z saves
	// An author's own message is not new to them.
	// The list's key help is drawn after its rows.
	for _, l := range strings.Split(vic.WaitFor("[Enter] read"), "\n") {
		if strings.Contains(l, "Hello board") && strings.HasPrefix(strings.TrimSpace(l), "*") {
			t.Errorf("vic's own message is marked unread: %q", l)
		}
	}

	wes := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(wes, "wes", "password1")
	wes.WaitFor("New for you: 1 message and 0 letters.")
	wes.Type("m")
	wes.WaitFor("general           1, 1 new")
	wes.Type("1")
	wes.WaitFor("Hello board")
	wes.Type("\r")
	wes.WaitFor("First post on the board.")
	wes.Type("r")
	wes.WaitFor("Subject:")
	wes.Type("\r") // keep "Re: Hello board"
	wes.WaitFor("vic wrote:")
	wes.WaitFor("> First post on the board.")
	wes.Type("Welcome, vic!\x1a")
	wes.WaitFor("Your reply is posted.")
	wes.Type("q")
	scr := wes.WaitFor("Re: Hello board")
	// The reply sits under its parent, indented.
	lines := strings.Split(scr, "\n")
	var parentRow, replyRow int
	for i, l := range lines {
		if strings.Contains(l, "Hello board") && !strings.Contains(l, "Re:") {
			parentRow = i
		}
		if strings.Contains(l, "  Re: Hello board") {
			replyRow = i
		}
	}
	if parentRow == 0 || replyRow != parentRow+1 {
		t.Errorf("the reply is not threaded under its parent (rows %d, %d):\n%s", parentRow, replyRow, scr)
	}
	msgs, err := f.store.Messages.ListMessages(t.Context(), store.MessageQuery{Area: "general"})
	if err != nil || len(msgs) != 2 || msgs[1].Parent != msgs[0].ID || !strings.Contains(msgs[1].Body, "> First post") {
		t.Fatalf("stored messages = %+v, %v", msgs, err)
	}

	// A letter reaches wes as a notice, and counts as new mail.
	vic.Type("q")
	vic.WaitFor("Write a letter")
	vic.WaitFor("general           2, 1 new") // wes's reply
	vic.Type("w")
	vic.WaitFor("To:")
	vic.Type("wes\r")
	vic.WaitFor("Subject:")
	vic.Type("Just us\r")
	vic.Type("A private word.\x1a")
	wes.WaitFor("You have mail.")
	wes.Type(" ")
	wes.Type("q")
	wes.WaitFor("Your mail")
	wes.WaitFor("1, 1 new")
}

// The messages menu follows posts and deletions elsewhere, shows notices
// at once, and does not count a message read and then deleted; the
// recipient of a letter may delete it.
func TestMessagesMenuFollows(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("ann", "password1")
	f.addUser("bob", "password1")
	post := func(m *store.Message) {
		t.Helper()
		m.Created = time.Now()
		if err := f.store.Messages.PostMessage(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		f.bus.Publish(events.Event{Topic: events.TopicMessage, Data: events.MessageChanged{ID: m.ID}})
	}
	one := &store.Message{Area: "general", From: "ann", Subject: "Topic one", Body: "About one."}
	two := &store.Message{Area: "general", From: "ann", Subject: "Topic two", Body: "About two."}
	post(one)
	post(two)
	bob := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(bob, "bob", "password1")
	bob.WaitFor("New for you: 2 messages")
	bob.Type("m1")
	bob.WaitFor("Topic two")
	bob.Type("\x1b[F\r") // the newest first: one stays unread
	bob.WaitFor("About two.")
	bob.Type("qq")
	bob.WaitFor("general           2, 1 new")

	// Two is deleted, and a third posted, while bob looks at the menu.
	if err := f.store.Messages.DeleteMessage(t.Context(), two.ID); err != nil {
		t.Fatal(err)
	}
	f.bus.Publish(events.Event{Topic: events.TopicMessage, Data: events.MessageChanged{ID: two.ID}})
	bob.WaitFor("general           1, 1 new")
	post(&store.Message{Area: "general", From: "ann", Subject: "Topic three", Body: "About three."})
	bob.WaitFor("general           2, 2 new")

	// A letter: the notice shows on this menu, and the count follows.
	post(&store.Message{To: "bob", From: "ann", Subject: "Just us", Body: "A private word."})
	f.bus.Publish(events.Event{Topic: events.UserTopic("bob"), Data: events.Mail{From: "ann", Subject: "Just us"}})
	bob.WaitFor("You have mail.")
	// A post while the box is up is counted once it closes.
	post(&store.Message{Area: "general", From: "ann", Subject: "Topic four", Body: "About four."})
	time.Sleep(50 * time.Millisecond) // so that the event comes while the box is up (not a timing assertion)
	bob.Type(" ")
	bob.WaitFor("Your mail         1, 1 new")
	bob.WaitFor("general           3, 3 new")
	bob.Type("m\r")
	bob.WaitFor("A private word.")
	bob.WaitFor("[d] delete")
	bob.Type("d")
	bob.WaitFor("Delete message")
	bob.Type("y")
	bob.WaitFor("No messages yet.")
}

// Reading the newest message first leaves the older ones unread; the
// list follows new posts; and an author's freed handle, registered again,
// does not inherit the right to delete their messages.
func TestMessagesReadPointerLiveAndDelete(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("ann", "password1")
	f.addUser("bob", "password1")
	for _, subj := range []string{"one", "two", "three"} {
		m := &store.Message{Area: "general", From: "ann", Subject: "Topic " + subj, Body: "About " + subj + ".", Created: time.Now()}
		if err := f.store.Messages.PostMessage(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	bob := f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(bob, "bob", "password1")
	bob.WaitFor("New for you: 3 messages")
	bob.Type("m1")
	bob.WaitFor("Topic three")
	bob.Type("\x1b[F\r") // End, Enter: the newest
	bob.WaitFor("About three.")
	bob.Type("q")
	bob.WaitFor("Topic one")

	// ann posts while bob looks at the list.
	ann := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(ann, "ann", "password1")
	ann.WaitFor("[G] Goodbye")
	ann.Type("m1n")
	ann.WaitFor("Subject:")
	ann.Type("Topic four\rAbout four.\x1a")
	ann.WaitFor("Topic four")
	bob.WaitFor("Topic four")
	bob.Type("qq")
	// Three is read; one and two, skipped, stay new, and four is.
	bob.WaitFor("New for you: 3 messages")
	bob.Type("m1\r") // the first unread: one
	bob.WaitFor("About one.")
	bob.Type("n")
	bob.WaitFor("About two.")
	bob.Type("qqq")
	bob.WaitFor("New for you: 1 message ") // four

	// ann leaves; someone else takes her handle.
	ann.Type("qqgy")
	ann.WaitFor("Call again soon!")
	ann.Wait()
	if err := f.store.Users.DeleteUser(t.Context(), "ann"); err != nil {
		t.Fatal(err)
	}
	f.addUser("ann", "password2")
	ann2 := f.call(80, 24, term.UTF8, "192.0.2.3:1000")
	login(ann2, "ann", "password2")
	ann2.WaitFor("[G] Goodbye")
	ann2.Type("m1")
	ann2.WaitFor("Topic one")
	ann2.Type("\r")
	if scr := ann2.WaitFor("About one."); strings.Contains(scr, "delete") {
		t.Errorf("the new owner of a freed handle may delete the old owner's message:\n%s", scr)
	}
	ann2.Type("d")
	ann2.Type("q")
	ann2.WaitFor("Topic one")
	if msgs, err := f.store.Messages.ListMessages(t.Context(), store.MessageQuery{Area: "general"}); err != nil || len(msgs) != 4 {
		t.Errorf("messages after the new ann pressed d: %d, %v; want all 4", len(msgs), err)
	}
}

func TestVoting(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("xena", "password1", store.GroupSysop)
	f.addUser("yuri", "password1")
	x := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(x, "xena", "password1")
	x.WaitFor("[V] Voting booth")
	x.Type("v")
	x.WaitFor("No polls yet.")
	x.Type("+")
	x.WaitFor("Question:")
	x.Type("Best terminal?\rSyncTERM\rxterm\rPuTTY\r\r")
	x.WaitFor("[a]")
	x.Type("a")
	x.WaitFor("Best terminal?")
	x.Type("1")
	x.WaitFor("Your vote is counted.")

	y := f.call(132, 50, term.CP437, "192.0.2.2:1000")
	login(y, "yuri", "password1")
	y.WaitFor("[V] Voting booth")
	y.Type("va")
	y.WaitFor("1 vote")
	y.Type("2")
	y.WaitFor("2 votes")
	x.WaitFor("2 votes")                      // xena, on the same poll, sees it at once
	y.Type("3")                               // change of mind
	y.WaitFor("3 √ PuTTY")                    // CP437 draws the check mark as √
	scr := y.WaitFor("Your vote is counted.") // drawn last, after the clear
	if !strings.Contains(scr, "2 votes") {
		t.Errorf("changing a vote added one:\n%s", scr)
	}
	for _, want := range []string{"SyncTERM", "50%", "PuTTY"} {
		if !strings.Contains(scr, want) {
			t.Errorf("results lack %q:\n%s", want, scr)
		}
	}
	counts, mine, err := f.store.Polls.Results(t.Context(), 1, "yuri")
	if err != nil || mine != 2 || counts[0] != 1 || counts[2] != 1 {
		t.Errorf("Results = %v, %d, %v", counts, mine, err)
	}

	// A narrow window cuts the rows short rather than wrapping them.
	y.Resize(24, 12)
	// The emulator cuts the old rows at 24 columns; wait for the redraw.
	// The old rows fill all 24 cells; the redrawn ones stop short.
	y.WaitGone("SyncTERM ███") // the old bar was longer than the new one can be
	scr = y.WaitFor("2 votes") // drawn after the rows
	for i, line := range strings.Split(scr, "\n") {
		if ui.Width(line) > 23 {
			t.Errorf("row %d is %d cells wide at 24 columns: %q", i, ui.Width(line), line)
		}
	}
	if lines := strings.Split(scr, "\n"); !strings.HasPrefix(strings.TrimSpace(lines[4]), "2 ") {
		t.Errorf("the second answer is not on its own row:\n%s", scr)
	}

	// Voting in a poll deleted meanwhile goes back to the list.
	if err := f.store.Polls.DeletePoll(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	y.Type("1")
	y.WaitFor("No polls yet.")
}

// TestChatRender checks the chat's layout at two sizes and in both
// encodings: the conversation above, the bar on the row before last, the
// input line on the last row, nothing wider than the window.
func TestChatRender(t *testing.T) {
	for _, enc := range []term.Encoding{term.UTF8, term.CP437} {
		for _, sz := range []struct{ cols, rows int }{{80, 24}, {132, 50}} {
			t.Run(string(enc)+"/"+sizeName(sz.cols, sz.rows), func(t *testing.T) {
				f := newFixture(t, settings{})
				f.addUser("zed", "password1")
				tt := f.call(sz.cols, sz.rows, enc, "192.0.2.1:1000")
				login(tt, "zed", "password1")
				tt.WaitFor("[C] Chat")
				tt.Type("c")
				tt.WaitFor("the lounge")
				long := strings.Repeat("word ", 40)
				tt.Type("short line\r" + long + "\r")
				tt.WaitFor("<zed> short line")
				scr := tt.WaitFor("word word")
				checkScreen(t, scr, sz.cols, sz.rows, "-- zed joins", "<zed> short line")
				lines := strings.Split(scr, "\n")
				if !strings.Contains(lines[sz.rows-2], "the lounge · 1 here") {
					t.Errorf("row %d should be the bar: %q", sz.rows-1, lines[sz.rows-2])
				}
				if lines[sz.rows-1] != ">" { // the prompt, the input empty
					t.Errorf("the last row should be the input line: %q", lines[sz.rows-1])
				}
				// The long line wrapped, not cut.
				if n := strings.Count(scr, "word"); n != 40 {
					t.Errorf("the long line shows %d of its 40 words:\n%s", n, scr)
				}
			})
		}
	}
}

// A caller who hangs up in the middle of a screen ends the call; it is
// not logged as the screen failing.
func TestSessionOver(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{io.EOF, true},
		{fmt.Errorf("read tcp 127.0.0.1:23->127.0.0.1:4000: %w", &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}), true},
		{&net.OpError{Op: "write", Err: &os.SyscallError{Syscall: "write", Err: syscall.EPIPE}}, true},
		{fmt.Errorf("session: %w", net.ErrClosed), true},
		{errors.New("sqlite: disk I/O error"), false},
	} {
		if got := board.SessionOver(t.Context(), tt.err); got != tt.want {
			t.Errorf("SessionOver(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}
