package board_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/plaincheck"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// plainBoard is a fixture whose board has every screen: file areas, a
// door, art in the gallery, and a main menu entry that shows art.
func plainBoard(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, settings{Name: "Test BBS"})
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"pub/a.txt": "hello\r\nworld\n", "pub/b.txt": "second file\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	area, err := filearea.Open(filearea.Config{Dir: dir, Uploads: f.store.Uploads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { area.Close() })
	fs, err := files.New(files.Config{Area: area, Store: f.store.Files, Areas: []files.AreaConfig{{Name: "Pub", Dir: "pub", Description: "public files"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.board, err = board.New(board.Config{Name: "Test BBS", Store: f.store, Events: f.bus, Accounts: f.accts, Community: f.svc,
		Art: art.NewLibrary(artDir(t)), Files: fs, DataDir: t.TempDir(),
		Doors: []board.Door{{Name: "game", Key: 'g', Command: "/bin/true"}}})
	if err != nil {
		t.Fatal(err)
	}
	show := func(ctx context.Context, c *board.Call) error { return c.ShowArt(ctx, "gallery/tall") }
	if err := f.board.Menu.Add(board.Entry{Key: 'j', Label: "Show a picture", Run: show}); err != nil {
		t.Fatal(err)
	}
	return f
}

// step is a line typed (keys, Enter included) and what the caller then
// reads.
type step struct {
	keys string
	want []string
}

// walk types each step's keys and waits until what the board writes
// after them holds each of the step's texts (plain text: a screen reader
// reads the output, not a screen).
func walk(t *testing.T, tt *testterm.Term, steps []step) {
	t.Helper()
	for _, s := range steps {
		from := len(tt.Raw())
		tt.Type(s.keys)
		waitOutput(t, tt, from, s.want...)
	}
}

// waitOutput waits until the output after from holds each of texts, in
// order.
func waitOutput(t *testing.T, tt *testterm.Term, from int, texts ...string) {
	t.Helper()
	if out, missing := waitFor(tt, from, texts, 10*time.Second); missing != "" {
		t.Fatalf("%q never came; the caller read:\n%s", missing, out)
	}
}

// waitFor waits up to d until the plain lines after from hold each of
// texts, in order, and returns them and the first text missing.
func waitFor(tt *testterm.Term, from int, texts []string, d time.Duration) (out, missing string) {
	deadline := time.Now().Add(d)
	for {
		out = strings.Join(plaincheck.Lines(tt.Raw()[from:]), "\n")
		rest := out
		missing = ""
		for _, w := range texts {
			i := strings.Index(rest, w)
			if i < 0 {
				missing = w
				break
			}
			rest = rest[i+len(w):]
		}
		if missing == "" || time.Now().After(deadline) {
			return out, missing
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkPlain fails the test for anything but plain lines in out, and
// for each line of want that the caller did not read, whole, on a line
// of its own.
func checkPlain(t *testing.T, out []byte, want ...string) {
	t.Helper()
	if bad := plaincheck.Violations(out); len(bad) > 0 {
		t.Errorf("accessible mode wrote %d control sequences; the first:\n%s", len(bad), strings.Join(bad[:min(len(bad), 10)], "\n"))
	}
	lines := plaincheck.Lines(out)
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("no line %q in what the caller read:\n%s", w, strings.Join(lines, "\n"))
			return
		}
	}
}

// TestAccessibleEveryScreen logs in a sysop whose account has the
// accessible screens on, from an ordinary terminal, and walks every
// built-in screen: from the main menu on, every byte the board sends is
// a plain line, and the screens say what they should.
func TestAccessibleEveryScreen(t *testing.T) {
	f := plainBoard(t)
	f.addUser("alice", "password1", store.GroupSysop)
	f.addUser("bob", "password2")
	alice, err := f.accts.User(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accts.SetAccessible(t.Context(), alice.ID, true); err != nil {
		t.Fatal(err)
	}
	bob, err := f.accts.User(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Messages.Reading(bob).Post(t.Context(), community.Draft{Area: community.MailArea, To: "alice",
		Subject: "A letter", Body: "Dear alice,\nhello."}); err != nil {
		t.Fatal(err)
	}
	tt := f.call(80, 24, term.UTF8, "192.0.2.30:1000")
	login(tt, "alice", "password1")
	walk(t, tt, []step{
		// The main menu.
		{"", []string{"Welcome, alice.", "1. Who's online, key w", "Your choice, 1 to"}},
		{"?\r", []string{"15. Goodbye (log off), key g"}},
		{"zz\r", []string{"There is no choice zz here"}},
		// Who's online, and a page asked for and not sent.
		{"w\r", []string{"Online: 1 caller.", "Node 1: alice, who's online"}},
		{"p\r", []string{"Page which node?"}},
		{"\r", []string{"Keys: p, page"}},
		{"q\r", []string{"Main menu"}},
		// One-liners.
		{"o\r", []string{"No one-liners yet."}},
		{"a\r", []string{"Say:"}},
		{"hello plain world\r", []string{"alice says: hello plain world"}},
		{"q\r", []string{"Your choice, 1 to"}},
		// Last callers.
		{"l\r", []string{"Last callers", "call number 1."}},
		{"\r", []string{"Your choice, 1 to"}},
		// Chat.
		{"c\r", []string{"Chat: the lounge"}},
		{"hi all\r", []string{"alice: hi all"}},
		{"/who\r", []string{"Here: alice."}},
		{"/quit\r", []string{"You left the chat."}},
		// Messages: an area, writing, reading, replying; mail.
		{"m\r", []string{"Messages on Test BBS", "1. Your mail: 1 message, 1 new, key m", "4. Write a letter, key w"}},
		{"2\r", []string{"general: 0 messages, 0 unread.", "Number to read"}},
		{"n\r", []string{"Subject:"}},
		{"Plain subject\r", []string{"A dot alone on a line sends it."}},
		{"line one\rline two\r/l\r", []string{"1: line one"}},
		{".\r", []string{"general: 1 message, 0 unread."}},
		{"1\r", []string{"Subject: Plain subject", "End of the message."}},
		{"r\r", []string{"Subject: Re: Plain subject"}},
		{"\r", []string{"of the message you answer, quoted"}},
		{"my answer\r.\r", []string{"Your reply is posted."}},
		{"n\r", []string{"That was the last one."}},
		{"q\r", []string{"Back at the list. general: 2 messages, 0 unread."}},
		{"2\r", []string{"A reply to message 2.", "Subject: Re: Plain subject"}},
		{"q\r", []string{"Back at the list."}},
		{"q\r", []string{"1. Your mail: 1 message, 1 new, key m"}},
		{"1\r", []string{"Your mail: 1 message, 1 unread.", "1. New: A letter, by bob"}},
		{"u\r", []string{"Message 1, from bob to alice", "hello."}},
		{"q\r", []string{"Back at the list."}},
		{"q\r", []string{"4. Write a letter, key w"}},
		{"w\r", []string{"To:"}},
		{"bob\rAn answer\rthanks, bob\r.\r", []string{"Messages on Test BBS"}},
		{"q\r", []string{"Your choice, 1 to"}},
		// Voting: a poll made, opened, voted in.
		{"v\r", []string{"The voting booth: 0 polls."}},
		{"+\r", []string{"Question:"}},
		{"Plain poll?\ryes\rno\r\r", []string{"a. Plain poll?"}},
		{"a\r", []string{"1. yes: 0 votes, 0%."}},
		{"1\r", []string{"Your vote is counted.", "1. yes: 1 vote, 100%. Your vote."}},
		{"q\r", []string{"a. Plain poll? (you voted)"}},
		{"q\r", []string{"Your choice, 1 to"}},
		// The profile: a change, the ssh keys, someone else's profile.
		{"p\r", []string{"Your profile", "Accessible: on: plain text screens at every call (a changes it)"}},
		{"n\r", []string{"Real name:"}},
		{"\x15Alice Plain\r", []string{"Saved."}},
		{"r\r", []string{"Real name: Alice Plain (n changes it)"}},
		{"k\r", []string{"No keys yet."}},
		{"q\r", []string{"Keys: a letter above, change that"}},
		{"v\r", []string{"Whose profile?"}},
		{"bob\r", []string{"Profile of bob"}},
		{"\r", []string{"Keys: a letter above"}},
		{"q\r", []string{"Your choice, 1 to"}},
		// The terminal check.
		{"k\r", []string{"Terminal check.", "Terminal type: xterm-256color."}},
		{"x", []string{"Key: x  (U+0078)"}},
		{"q", []string{"End of the terminal check."}},
		// The user list and the user editor.
		{"u\r", []string{"Users of Test BBS: 2.", "bob from Springfield, 0 calls, last call never."}},
		{"e\r", []string{"Edit which user?"}},
		{"bob\r", []string{"Editing bob: 0 calls, last call never.", "Location: Springfield (l changes it)"}},
		{"l\r", []string{"Location: Springfield"}},
		{"\x15Shelbyville\r", []string{"Saved."}},
		{"q\r", []string{"bob from Shelbyville, 0 calls, last call never."}},
		{"q\r", []string{"Your choice, 1 to"}},
		// A broadcast, which reaches the sysop too, as a notice.
		{"b\r", []string{"Broadcast:"}},
		{"hello everyone\r", []string{"Sent to 1 session.", "Broadcast from the sysop:", "hello everyone", "Press Enter to go on."}},
		{"\r", []string{"Your choice, 1 to"}},
		// Extras: the art gallery; a picture shown from the menu.
		{"x\r", []string{"Extras", "1. Art gallery, key r"}},
		{"1\r", []string{"Art gallery: 4 pieces.", "2. Tall test by tester"}},
		{"2\r", []string{"Art: Tall test. The picture is skipped on plain text screens.", "a comment line"}},
		{"\r", []string{"Number of a piece"}},
		{"q\r", []string{"Your choice, 1, or Enter to list it:"}},
		{"q\r", []string{"Main menu"}},
		{"j\r", []string{"Art: Tall test."}},
		{"\r", []string{"Your choice, 1 to"}},
		// Doors.
		{"d\r", []string{"Doors on Test BBS", "1. game, key g"}},
		{"1\r", []string{"game is a door, a program of its own", "Back from game."}},
		{"q\r", []string{"Your choice, 1 to"}},
		// Files: an area, a file tagged and viewed, the tagged files,
		// a download's question.
		{"f\r", []string{"File areas of Test BBS", "1. Pub - public files", "3. Search names and descriptions, key s"}},
		{"1\r", []string{"Files in Pub: 2 files", "1. a.txt"}},
		{"1\r", []string{"Keys: t, tag it; v, view it; d, download it"}},
		{"t\r", []string{"Tagged a.txt."}},
		{"1\r", []string{"a.txt,"}},
		{"v\r", []string{"world", "End of a.txt."}},
		{"u\r", []string{"Upload by which protocol?", "Keys: z, ZMODEM; y, YMODEM batch; x, XMODEM-1K; c, XMODEM-CRC; Esc, cancel."}},
		{"q\r", []string{"Number of a file"}},
		{"q\r", []string{"5. Your tagged files, key t"}},
		{"3\r", []string{"Search for:"}},
		{"a.txt\r", []string{"Files matching a.txt: 1 file", "1. a.txt"}},
		{"q\r", []string{"File areas of Test BBS"}},
		{"5\r", []string{"Your tagged files: 1 file"}},
		{"b\r", []string{"Download 1 file"}},
		{"q\r", []string{"l list, q back:"}},
		{"q\r", []string{"File areas of Test BBS"}},
		{"q\r", []string{"Your choice, 1 to"}},
	})
	// A letter that comes meanwhile.
	from := len(tt.Raw())
	if _, err := f.svc.Messages.Reading(bob).Post(t.Context(), community.Draft{Area: community.MailArea, To: "alice", Subject: "Another", Body: "hi"}); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, tt, from, "You have mail.", "A new letter from bob: Another", "Press Enter to go on.")
	walk(t, tt, []step{
		{"\r", []string{"Your choice, 1 to"}},
		{"g\r", []string{"Log off now? (y or n):"}},
		{"y\r", []string{"Thanks for calling Test BBS, alice."}},
	})
	if err := tt.Wait(); err != nil {
		t.Errorf("the call ended with %v", err)
	}
	raw := tt.Raw()
	start := bytes.Index(raw, []byte("\r\nMain menu\r\n"))
	if start < 0 {
		t.Fatalf("the main menu never said its title on a line of its own:\n%q", raw)
	}
	checkPlain(t, raw[start:],
		"Main menu",
		"Welcome, alice. This is your first call.",
		"1. Who's online, key w",
		"Your choice, 1 to 15, or Enter to list them: w",
		"Keys: p, page; d, disconnect; b, broadcast; r, read the list again; q, back.",
		"Say: hello plain world",
		"Subject: Plain subject",
		"2: line two",
		"Log off now? (y or n): y",
	)
}

// A terminal whose type says a screen reader may be in use starts on the
// plain screens, for the login screen, the application and the rest of
// the call, and the new account keeps them.
func TestAccessibleLoginAndApply(t *testing.T) {
	f := newFixture(t, settings{Name: "Test BBS"})
	tt := testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg}, f.board)
	waitOutput(t, tt, 0, "Plain text screens. Type a at the handle prompt for full screens.", "Test BBS", "Connected to Test BBS, node 1.", "Handle:")
	walk(t, tt, []step{
		{"new\r", []string{"Apply for an account on Test BBS. Esc cancels.", "Handle:"}},
		{"x\r", []string{"Handles are 3 to 16 characters long.", "Handle: x"}},
		{"\x15carol\r", []string{"Password:"}},
		{"password1\r", []string{"Password again:"}},
		{"password1\r", []string{"Real name (optional):"}},
		{"Carol\rMars\r\r", []string{"Create the account carol? (y or n):"}},
		{"y\r", []string{"Welcome aboard, carol!", "Main menu", "Welcome, carol. This is your first call.", "1. Who's online, key w"}},
		{"g\r", []string{"Log off now? (y or n):"}},
		{"y\r", []string{"Thanks for calling Test BBS, carol."}},
	})
	if err := tt.Wait(); err != nil {
		t.Errorf("the call ended with %v", err)
	}
	checkPlain(t, tt.Raw(), "Password: *********", "Password again: *********", "Real name (optional): Carol", "Location (optional): Mars")
	u, err := f.store.Users.User(t.Context(), "carol")
	if err != nil || !u.Accessible {
		t.Errorf("the new account's Accessible = %v, %v; want true: chosen at the login screen", u != nil && u.Accessible, err)
	}
}

// "a" at the handle prompt of the full login screen switches to plain
// screens, for the login and the call after it; an account without the
// setting is told how to keep them.
func TestAccessibleWordAtLogin(t *testing.T) {
	f := newFixture(t, settings{Name: "Test BBS"})
	f.addUser("bob", "password2")
	tt := f.call(80, 24, term.UTF8, "192.0.2.31:1000")
	tt.WaitFor("Type a for plain text screens (screen readers, braille).")
	from := len(tt.Raw())
	tt.Type("a\r")
	waitOutput(t, tt, from, "Plain text screens are on.", "Handle:")
	start := from + bytes.Index(tt.Raw()[from:], []byte("\r\nTest BBS\r\n"))
	walk(t, tt, []step{
		{"bob\rpassword2\r", []string{"Welcome, bob.", "To have them at every call, turn them on in your profile.", "Your choice, 1 to"}},
		{"g\ry\r", []string{"Thanks for calling Test BBS, bob."}},
	})
	tt.Wait()
	checkPlain(t, tt.Raw()[start:], "Handle: bob", "Password: *********")
}

// Typing a again goes back to the full screens.
func TestAccessibleWordTwice(t *testing.T) {
	f := newFixture(t, settings{})
	tt := f.call(80, 24, term.UTF8, "192.0.2.32:1000")
	tt.WaitFor("Handle:")
	tt.Type("a\r")
	tt.WaitFor("Plain text screens are on.")
	tt.Type("a\r")
	scr := tt.WaitFor("Full screens are back. Type a for plain text screens again.")
	if tt.Session.Accessible() {
		t.Errorf("the session is still accessible after a second a:\n%s", scr)
	}
}

// The terminal types that say a screen reader may be in use start on
// plain screens; every other one, none included, gets the full login
// screen, which says how to have them. Nothing is asked first.
func TestAccessibleStart(t *testing.T) {
	tests := []struct {
		term  string
		plain bool
	}{
		{"dumb", true},
		{"emacs", true},
		{"unknown", false},
		{"", false},
		{"xterm-256color", false},
		{"ansi", false},
		{"linux", false},
	}
	for _, tc := range tests {
		t.Run(tc.term, func(t *testing.T) {
			f := newFixture(t, settings{})
			tt := testterm.Start(t, testterm.Options{Term: tc.term, Registry: f.reg}, f.board)
			if !tc.plain {
				tt.WaitFor("Type a for plain text screens (screen readers, braille).")
				if tt.Session.Accessible() {
					t.Errorf("TERM %q started on plain screens", tc.term)
				}
				return
			}
			waitOutput(t, tt, 0, "Plain text screens. Type a at the handle prompt for full screens.", "Handle:")
			checkPlain(t, tt.Raw())
			tt.Type("a\r")
			tt.WaitFor("Full screens are back. Type a for plain text screens again.")
		})
	}
}

// A client that types ahead of the login screen (a script, a paste):
// its keys are the handle it meant, on full screens and plain ones.
func TestAccessibleTypeAhead(t *testing.T) {
	for _, typ := range []string{"unknown", "dumb"} {
		t.Run(typ, func(t *testing.T) {
			f := newFixture(t, settings{})
			f.addUser("alfred", "password3")
			tt := testterm.Start(t, testterm.Options{Term: typ, Registry: f.reg}, f.board)
			tt.Type("alfred\rpassword3\r")
			tt.WaitFor("Welcome, alfred.")
			if tt.Session.Accessible() != (typ == "dumb") {
				t.Errorf("TERM %s: Accessible = %v after a handle typed ahead", typ, tt.Session.Accessible())
			}
		})
	}
}

// The profile's switch turns the plain screens off and on, for the call
// and the account.
func TestAccessibleProfileSwitch(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("dora", "password4")
	tt := f.call(80, 24, term.UTF8, "192.0.2.33:1000")
	login(tt, "dora", "password4")
	tt.WaitFor("Welcome, dora.")
	tt.Type("p")
	tt.WaitFor("Accessible")
	tt.Type("a")
	tt.WaitFor("Accessible screens are on: plain text, now and at every call.")
	from := len(tt.Raw())
	walk(t, tt, []step{
		{"q\r", []string{"Main menu", "Your choice, 1 to"}},
		{"p\r", []string{"Accessible: on: plain text screens at every call (a changes it)"}},
	})
	checkPlain(t, tt.Raw()[from:])
	if u, err := f.store.Users.User(t.Context(), "dora"); err != nil || !u.Accessible {
		t.Fatalf("stored Accessible = %v, %v; want true", u != nil && u.Accessible, err)
	}
	tt.Type("a\r")
	tt.WaitFor("Accessible screens are off: full screens from now on.")
	tt.Type("q")
	tt.WaitFor("[G] Goodbye")
	if u, err := f.store.Users.User(t.Context(), "dora"); err != nil || u.Accessible {
		t.Errorf("stored Accessible = %v, %v; want false", u != nil && u.Accessible, err)
	}
}

// A page reaches a caller on plain screens as lines at their question;
// they join the private chat, where the pager's lines come as they are
// said, above the line being typed.
func TestAccessiblePageAndChat(t *testing.T) {
	f := newFixture(t, settings{Name: "Test BBS"})
	f.addUser("alice", "password1")
	f.addUser("bob", "password2")
	alice := testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg}, f.board)
	alice.WaitFor("Handle:")
	walk(t, alice, []step{{"alice\rpassword1\r", []string{"Your choice, 1 to"}}})
	bob := f.call(80, 24, term.UTF8, "192.0.2.34:1000")
	login(bob, "bob", "password2")
	bob.WaitFor("Welcome, bob.")
	from := len(alice.Raw())
	bob.Type("w")
	bob.WaitFor("[p] page")
	bob.Type("p1\r")
	waitOutput(t, alice, from, "bob (node 2) is paging you.", "Join a private chat?", "Yes or no? (y or n):")
	walk(t, alice, []step{{"y\r", []string{"Chat: a private chat with bob", "Say:"}}})
	bob.WaitFor("alice joins")
	from = len(alice.Raw())
	alice.Type("hel")
	bob.Type("hello alice\r")
	waitOutput(t, alice, from, "bob: hello alice", "Say: hel")
	walk(t, alice, []step{
		{"lo\r", []string{"Say:"}},
		{"/quit\r", []string{"You left the chat.", "Your choice, 1 to"}},
	})
	bob.WaitFor("<alice> hello")
	start := bytes.Index(alice.Raw(), []byte("\r\nTest BBS\r\n"))
	checkPlain(t, alice.Raw()[start:], "bob: hello alice", "Say: hello")
}

// On plain screens the application says a refusal each time, the same
// one again included: the caller hears why the answer is not taken.
func TestAccessibleApplyRepeatedError(t *testing.T) {
	f := newFixture(t, settings{Name: "Test BBS"})
	tt := testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg}, f.board)
	waitOutput(t, tt, 0, "Handle:")
	walk(t, tt, []step{
		{"new\r", []string{"Apply for an account on Test BBS. Esc cancels.", "Handle:"}},
		{"x\r", []string{"Handles are 3 to 16 characters long.", "Handle: x"}},
		{"\r", []string{"Handles are 3 to 16 characters long.", "Handle: x"}},
	})
	checkPlain(t, tt.Raw())
}
