package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScripts is a caller with Debian's telnet in tmux running scripts:
// the bundled game from the Extras menu with its high-score table, and a
// sysop's own scripts on a menu of their own: one that throws, one that
// never stops, and one changed between two runs. The call goes on
// through all of it.
func TestScripts(t *testing.T) {
	s := startX84(t, "[scripts]\ntime_limit = \"300ms\"\n")
	s.addUser(t, "tess", "tess-password", false)
	for name, src := range map[string]string{
		"hello.js": `bbs.clear(); bbs.print("|14Hello, @USER@ from a script!"); bbs.pause();`,
		"oops.js":  `bbs.clear(); bbs.print("about to fail"); throw new Error("the dice fell off the table");`,
		"spin.js":  `bbs.clear(); bbs.print("spinning"); for (;;) {}`,
	} {
		writeFile(t, filepath.Join(s.dir, "scripts", name), src)
	}
	writeFile(t, filepath.Join(s.dir, "menus", "main.toml"), `title = "Main"
greeting = true
[[entry]]
key = "x"
label = "Extras"
menu = "extras"
[[entry]]
key = "h"
label = "Hello script"
script = "hello"
[[entry]]
key = "o"
label = "Oops script"
script = "oops"
[[entry]]
key = "s"
label = "Spin script"
script = "spin"
[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`)
	time.Sleep(1100 * time.Millisecond) // the board looks at its menus once a second

	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm.login("tess", "tess-password")
	tm.waitScreen("[H] Hello script")

	tm.keys("h")
	tm.waitScreen("Hello, tess from a script!")
	tm.keys("Enter")
	tm.waitScreen("[O] Oops script")

	// A script that throws tells the caller and returns to the menu.
	tm.keys("o")
	tm.waitScreen("the dice fell off the table")
	tm.keys("Enter")
	tm.waitScreen("[S] Spin script")
	waitLog(t, s, "the dice fell off the table")

	// A runaway loop is stopped after the time limit.
	tm.keys("s")
	tm.waitScreen("ran too long")
	tm.keys("Enter")
	tm.waitScreen("[S] Spin script")

	// A changed script runs as changed, without a restart.
	writeFile(t, filepath.Join(s.dir, "scripts", "hello.js"), `bbs.clear(); bbs.print("Changed, @USER@."); bbs.pause();`)
	tm.keys("h")
	tm.waitScreen("Changed, tess.")
	tm.keys("Enter")

	// The bundled game: a piece dropped, the game ended, the score saved.
	tm.keys("x")
	tm.waitScreen("[B] Falling blocks")
	tm.keys("b")
	tm.waitScreen("Enter to play")
	s.waitWho(t, "tess in the game", func(l []whoEntry) bool { return len(l) == 1 && strings.Contains(l[0].Activity, "blocks") })
	tm.keys("Enter")
	tm.waitScreen("Next")
	tm.keys("Space")
	tm.keys("q")
	tm.waitScreen("Quit this game?")
	tm.keys("y")
	tm.waitScreen("GAME ENDED")
	tm.keys("Enter")
	scr := tm.waitScreen("Play again?")
	if !strings.Contains(scr, "1  tess") {
		t.Errorf("the high-score table lacks tess:\n%s", scr)
	}
	tm.keys("n")
	tm.waitScreen("[R] Art gallery")
	tm.keys("q")
	tm.waitScreen("[G] Goodbye")
	s.waitWho(t, "tess at the main menu", func(l []whoEntry) bool { return len(l) == 1 && l[0].Activity == "main menu" })
}

func writeFile(t *testing.T, path, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
}
