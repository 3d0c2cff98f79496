package board_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// fakeScripts is a script runner with the scripts it is given.
type fakeScripts struct {
	mu    sync.Mutex
	names map[string]bool
}

func (f *fakeScripts) Has(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.names[name]
}

func (f *fakeScripts) Run(ctx context.Context, c *board.Call, name string) error {
	c.WriteString("\x1b[2J\x1b[HScript " + name + " ran. Press a key.")
	_, err := c.ReadKey(ctx)
	return err
}

func writeMenuFile(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".toml"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A menu a caller may use nothing of says so instead of spinning, and the
// main menu then ends the call: it has no way back.
func TestEmptyMainMenu(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", "title = \"Staff\"\n[[entry]]\nkey = \"u\"\nlabel = \"Users\"\nscreen = \"userlist\"\n")
	f := newFixture(t, settings{MenuDir: dir})
	f.addUser("nat", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "nat", "password1")
	tt.WaitFor("Nothing on this menu is open to you; the sysop has been told.")
	tt.WaitFor("Press a key to log off.")
	tt.Type(" ")
	if err := tt.Wait(); err != nil {
		t.Fatalf("the call ended with %v", err)
	}
}

// Entries come and go with what they open: a submenu file added after
// the main menu names it, and a script that appears, show on the next
// draw; the sysop-only entries stay hidden from callers.
func TestMenuEntriesFollowTargets(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", `title = "Home"
[[entry]]
key = "w"
label = "Who's online"
screen = "who"
[[entry]]
key = "s"
label = "Secret room"
menu = "secret"
sysop = true
[[entry]]
key = "y"
label = "Yonder"
menu = "yonder"
[[entry]]
key = "t"
label = "Tetroid"
script = "tetroid"
[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`)
	scripts := &fakeScripts{names: map[string]bool{}}
	f := newFixture(t, settings{MenuDir: dir, Scripts: scripts})
	f.addUser("ora", "password1", store.GroupSysop)
	f.addUser("pip", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "pip", "password1")
	scr := tt.WaitFor("[G] Goodbye")
	for _, hidden := range []string{"Yonder", "Tetroid", "Secret"} {
		if strings.Contains(scr, hidden) {
			t.Errorf("%q is on the menu before it exists:\n%s", hidden, scr)
		}
	}
	writeMenuFile(t, dir, "yonder", "title = \"Over yonder\"\n[[entry]]\nkey = \"w\"\nlabel = \"Who is here\"\nscreen = \"who\"\n")
	writeMenuFile(t, dir, "secret", "title = \"Secret\"\n[[entry]]\nkey = \"w\"\nlabel = \"Who\"\nscreen = \"who\"\n")
	scripts.mu.Lock()
	scripts.names["tetroid"] = true
	scripts.mu.Unlock()
	f.board.ReloadMenus()
	// Views are shared for a few seconds; the next draw after that shows
	// the script.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(tt.Screen(), "[T] Tetroid") {
		if time.Now().After(deadline) {
			t.Fatalf("the new entries never showed:\n%s", tt.Screen())
		}
		tt.Type("\x1b") // Esc: the main menu stays and draws again
		time.Sleep(200 * time.Millisecond)
	}
	scr = tt.WaitFor("[Y] Yonder")
	if strings.Contains(scr, "Secret") {
		t.Errorf("a sysop-only entry shows to a caller:\n%s", scr)
	}
	tt.Type("y")
	tt.WaitFor("Over yonder")
	tt.WaitFor("[W] Who is here")
	tt.Type("q")
	tt.WaitFor("[Y] Yonder")
	tt.Type("t")
	tt.WaitFor("Script tetroid ran. Press a key.")
	tt.Type(" ")
	tt.WaitFor("[T] Tetroid")

	sysop := f.call(80, 24, term.UTF8, "192.0.2.1:1001")
	login(sysop, "ora", "password1")
	sysop.WaitFor("[S] Secret room")
}

// A key a menu file uses wins over the same key added in Go, which is
// left off rather than shown twice.
func TestGoEntryYieldsToFile(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, settings{MenuDir: dir})
	if err := f.board.Menu.Add(board.Entry{Key: 'j', Label: "Jukebox", Run: func(context.Context, *board.Call) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	writeMenuFile(t, dir, "main", "title = \"M\"\n[[entry]]\nkey = \"j\"\nlabel = \"Jokes\"\nscreen = \"who\"\n[[entry]]\nkey = \"g\"\nlabel = \"Bye\"\nlogoff = true\n")
	f.board.ReloadMenus()
	var labels []string
	for _, e := range f.board.Menu.Entries(false) {
		labels = append(labels, e.Label)
	}
	if got := strings.Join(labels, ","); got != "Jokes,Bye" {
		t.Fatalf("entries = %s", got)
	}
}
