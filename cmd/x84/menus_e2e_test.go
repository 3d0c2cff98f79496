package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMenuFiles is a sysop changing the board's menus while a caller is
// on, with Debian's telnet in tmux: the built-in menus copied out, an
// entry added and seen on the next draw, a broken edit refused with its
// line while the last good menu stays, x84 menus check, and SIGHUP.
func TestMenuFiles(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "sue", "sysop-password", true)
	out, err := exec.Command(x84Bin, "--data", s.dir, "menus", "copy").CombinedOutput()
	if err != nil || !strings.Contains(string(out), filepath.Join(s.dir, "menus", "main.toml")+": written") {
		t.Fatalf("x84 menus copy: %v\n%s", err, out)
	}
	main := filepath.Join(s.dir, "menus", "main.toml")
	orig, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}

	tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.login("sue", "sysop-password")
	tm.waitScreen("[X] Extras")
	// A submenu, and back.
	tm.keys("x")
	tm.waitScreen("[R] Art gallery")
	// Extras needs level 10: who's online does not name the menu.
	s.waitWho(t, "sue in the extras menu", func(l []whoEntry) bool { return len(l) == 1 && l[0].Activity == "in a menu" })
	tm.keys("q")
	tm.waitScreen("[X] Extras")

	// An entry added while sue is at the menu shows on the next draw.
	added := append(bytes.Clone(orig), "\n[[entry]]\nkey = \"z\"\nlabel = \"Zebra stripes\"\nart = \"goodbye\"\n"...)
	writeMenu(t, main, added)
	tm.keys("w")
	tm.waitScreen("[q] back")
	tm.keys("q")
	tm.waitScreen("[Z] Zebra stripes")
	tm.keys("z")
	tm.waitScreen("thanks for calling x84") // the art viewer
	tm.keys("Escape")
	tm.waitScreen("[Z] Zebra stripes")

	// A broken edit is refused, with its line, and the menu stays.
	broken := bytes.Replace(added, []byte(`key = "z"`), []byte(`key = "zz"`), 1)
	writeMenu(t, main, broken)
	line := 1 + bytes.Count(broken[:bytes.Index(broken, []byte(`key = "zz"`))], []byte("\n"))
	want := "main.toml:" + strconv.Itoa(line) + ": entry.key: \\\"zz\\\" must be one letter or digit"
	tm.keys("w")
	tm.waitScreen("[q] back")
	tm.keys("q")
	waitLog(t, s, want)
	scr := tm.waitScreen("[Z] Zebra stripes")
	if !strings.Contains(scr, "[W] Who's online") {
		t.Errorf("the last good menu is not whole:\n%s", scr)
	}
	cmd := exec.Command(x84Bin, "--data", s.dir, "menus", "check")
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "main.toml:"+strconv.Itoa(line)+`: entry.key: "zz" must be one letter or digit`) {
		t.Errorf("x84 menus check on a broken file: %v\n%s", err, out)
	}

	// SIGHUP reads the folder at once: the file removed, the built-in
	// menu is back.
	if err := os.Remove(main); err != nil {
		t.Fatal(err)
	}
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, s, "reloaded the menus")
	tm.keys("w")
	tm.waitScreen("[q] back")
	tm.keys("q")
	tm.waitScreen("[X] Extras")
	if strings.Contains(tm.screen(), "Zebra") {
		t.Errorf("the removed file's entry is still on the menu:\n%s", tm.screen())
	}
	out, err = exec.Command(x84Bin, "--data", s.dir, "menus", "check").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "are good") {
		t.Errorf("x84 menus check: %v\n%s", err, out)
	}
	// A screen, door or script the board lacks is not an error in the
	// file (the entry is left off), but check names it.
	writeMenu(t, filepath.Join(s.dir, "menus", "games.toml"), []byte("title = \"Games\"\n[[entry]]\nkey = \"b\"\nlabel = \"Blocks\"\nscript = \"blocks\"\n[[entry]]\nkey = \"t\"\nlabel = \"Trek\"\ndoor = \"trek\"\n"))
	out, err = exec.Command(x84Bin, "--data", s.dir, "menus", "check").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `games: entry "t" opens door "trek", which this board does not have`) || strings.Contains(string(out), "blocks") {
		t.Errorf("x84 menus check with a missing door: %v\n%s", err, out)
	}
}

// writeMenu replaces a menu file and waits until the board will look at
// its folder again (at most once a second).
func writeMenu(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
}
