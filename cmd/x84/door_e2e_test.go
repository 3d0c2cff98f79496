package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/e2e"
)

var (
	testDoorOnce sync.Once
	testDoorBin  string
	testDoorErr  error
)

// testDoor builds internal/door's test door once for the e2e tests.
func testDoor(t *testing.T) string {
	t.Helper()
	testDoorOnce.Do(func() {
		testDoorBin = filepath.Join(filepath.Dir(x84Bin), "testdoor")
		out, err := exec.Command("go", "build", "-o", testDoorBin, "../../internal/door/testdata/testdoor").CombinedOutput()
		if err != nil {
			testDoorErr = fmt.Errorf("building the test door: %v\n%s", err, out)
		}
	})
	if testDoorErr != nil {
		t.Fatal(testDoorErr)
	}
	return testDoorBin
}

// doorsConfig is a board with a real game, a pager, and test doors.
func doorsConfig(t *testing.T) string {
	td := testDoor(t)
	return fmt.Sprintf(`
[[door]]
name = "tetris"
key = "t"
label = "Tetris (bsdgames)"
command = "tetris-bsd"

[[door]]
name = "less"
key = "l"
label = "Read the numbers"
command = "less"
args = ["{data}/numbers.txt"]

[[door]]
name = "echo"
key = "e"
label = "Echo door"
command = %[1]q
args = ["dropfile", "{dropfile}"]
dropfile = "door32.sys"
max_nodes = 1
env = { DOOR_GREETING = "hello from x84.toml" }

[[door]]
name = "wide"
key = "w"
label = "Wide door"
command = %[1]q
args = ["echo"]
min_cols = 110
min_rows = 30

[[door]]
name = "broken"
key = "b"
command = "/nonexistent/door"

[[door]]
name = "cp437"
key = "c"
command = %[1]q
args = ["cp437"]
encoding = "cp437"

[[door]]
name = "orphan"
key = "o"
command = %[1]q
args = ["orphan"]
sysop_only = true
`, td)
}

// alive reports whether a process runs (a zombie has ended).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && len(b) > i+2 && b[i+2] != 'Z' && b[i+2] != 'X'
}

// TestDoorsTelnet: a caller with Debian's telnet plays a bsdgames game,
// reads with less through a resize, reads a dropfile, meets a full door,
// sees a CP437 door in UTF-8, and hangs up in a door with a child that
// ignores SIGHUP: no process is left.
func TestDoorsTelnet(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux", "less")
	if _, err := os.Stat("/usr/games/tetris-bsd"); err != nil {
		e2e.Missing(t, "/usr/games/tetris-bsd is not installed (apt-get install bsdgames, as .ci/run does)")
	}
	s := startX84(t, doorsConfig(t))
	var nums strings.Builder
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&nums, "number %d\n", i)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "numbers.txt"), []byte(nums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s.addUser(t, "alice", "wonderland", true)
	s.addUser(t, "bob", "builder12", false)
	tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.login("alice", "wonderland")
	tm.waitScreen("[D] Doors")
	tm.keys("d")
	tm.waitScreen("Doors on x84")
	tm.waitScreen("[T] Tetris (bsdgames)")
	tm.waitScreen("[O] orphan")

	// A real curses game: drawn, and answering keys.
	tm.keys("t")
	tm.waitScreen("j - left   k - rotate   l - right")
	s.waitWho(t, "alice in the door", func(l []whoEntry) bool { return len(l) == 1 && l[0].Activity == "in door tetris" })
	tm.keys("p")
	tm.waitScreen("paused - press RETURN to continue")
	tm.keys("Enter")
	tm.keys("q")
	tm.waitScreen("Hit RETURN to see high scores")
	tm.keys("Enter")
	tm.waitScreen("Doors on x84")
	s.waitWho(t, "alice back in the menu", func(l []whoEntry) bool { return len(l) == 1 && l[0].Activity == "doors" })

	// A resize reaches a full-screen program, which redraws for it.
	tm.keys("l")
	tm.waitScreen("number 29")
	if strings.Contains(tm.screen(), "number 35") {
		t.Fatalf("less showed more than a 30-row window holds:\n%s", tm.screen())
	}
	tm.resize(120, 40)
	tm.waitScreen("number 39")
	tm.keys("q")
	tm.waitScreen("Doors on x84")

	// The dropfile holds the caller's values; the door's window is the
	// caller's; a second caller finds the door full.
	tm.keys("e")
	tm.waitScreen("L7=[alice]")
	tm.waitScreen("GREETING hello from x84.toml")
	tm.waitScreen("READY size=120x40 env=120,40 term=xterm-256color lang=C.UTF-8")
	tm2 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm2.login("bob", "builder12")
	tm2.keys("d")
	tm2.waitScreen("[E] Echo door")
	if strings.Contains(tm2.screen(), "orphan") {
		t.Errorf("a sysop-only door is listed to bob:\n%s", tm2.screen())
	}
	tm2.keys("e")
	tm2.waitScreen("Echo door is full: 1 caller is in it. Try again later.")
	tm.resize(100, 30)
	tm.waitScreen("SIZE 100x30")
	tm.keys("é")
	tm.waitScreen("GOT c3a9")
	tm.keys("q")
	tm.waitScreen("Doors on x84")

	// A CP437 door, seen in UTF-8.
	tm.keys("c")
	tm.waitScreen("BOX ╔═╗ été")
	tm.keys("q")
	tm.waitScreen("Doors on x84")

	// Hanging up in a door leaves nothing behind.
	tm.keys("o")
	line := tm.waitScreen("CHILD ")
	var child int
	for l := range strings.Lines(line) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "CHILD "); ok {
			child, _ = strconv.Atoi(rest)
		}
	}
	if child == 0 || !alive(child) {
		t.Fatalf("no child running (pid %d) on:\n%s", child, line)
	}
	tm.run("kill-server")
	s.waitWho(t, "alice gone", func(l []whoEntry) bool { return len(l) == 1 && l[0].User != nil && *l[0].User == "bob" })
	deadline := time.Now().Add(10 * time.Second)
	for alive(child) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if alive(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the door's child %d outlived the caller's hang-up", child)
	}
	for _, want := range []string{"door started", "door ended", "reason=\"hung up\"", "door=orphan"} {
		if !s.logSays(want) {
			t.Errorf("the log has no %q", want)
		}
	}
}

// TestDoorSSH: through OpenSSH's client, a door gets the terminal type
// and size, the caller's keys and a window change; a door that needs a
// larger window asks for one; a door that cannot start says so; the
// server's shutdown ends a door that is running.
func TestDoorSSH(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass", "tmux")
	s := startX84(t, doorsConfig(t))
	s.addUser(t, "alice", "wonderland", false)
	tm := newTmux(t, 100, 30, sshCommand(s.portOf("ssh"), "alice", "wonderland")+"; echo ssh exited $?")
	tm.waitScreen("Welcome, alice.")
	tm.keys("d")
	tm.waitScreen("[E] Echo door")
	tm.keys("e")
	tm.waitScreen("READY size=100x30 env=100,30 term=xterm-256color lang=C.UTF-8")
	tm.resize(90, 25)
	tm.waitScreen("SIZE 90x25")
	tm.keys("x")
	tm.waitScreen("GOT 78")
	tm.keys("q")
	tm.waitScreen("Doors on x84")

	tm.keys("b")
	tm.waitScreen("Sorry, broken could not start. The sysop can read why in the log.")
	if !s.logSays("door could not start") || !s.logSays("/nonexistent/door") {
		t.Errorf("the log does not say why the door could not start")
	}

	// Too small a window: asked to grow; Esc goes back, a resize starts it.
	tm.keys("w")
	tm.waitScreen("This door needs a window of at least 110×30; yours is 90×25.")
	tm.keys("Escape")
	tm.waitScreen("Doors on x84")
	tm.keys("w")
	tm.waitScreen("needs a window of at least 110×30")
	tm.resize(110, 30)
	pid := doorPID(t, tm.waitScreen("READY size=110x30"))
	// The board shuts down with a caller in the door: the door ends too.
	stopWithDoor(t, s, pid)
	tm.waitScreen("ssh exited")
}

// TestDoorRlogin: over rlogin (urgent-data window changes), the door gets
// the caller's size and its changes, and the caller's ^S and ^Q.
func TestDoorRlogin(t *testing.T) {
	e2e.LookPath(t, "rlogin", "tmux")
	if os.Geteuid() != 0 {
		e2e.Missing(t, "not root, and rlogin binds a privileged source port (.ci/run runs as root)")
	}
	s := startX84(t, doorsConfig(t))
	s.addUser(t, "kay", "kays-password", false)
	tm := newTmux(t, 100, 30, "rlogin -p "+s.portOf("rlogin")+" -l kay 127.0.0.1")
	tm.waitScreen("Handle:   kay")
	s.waitWho(t, "the rlogin session at its size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 100 })
	tm.keys("kays-password", "Enter")
	tm.waitScreen("Welcome, kay.")
	tm.keys("d")
	tm.waitScreen("[E] Echo door")
	tm.keys("e")
	tm.waitScreen("READY size=100x30 env=100,30 term=xterm-256color")
	tm.resize(120, 40)
	tm.waitScreen("SIZE 120x40")
	tm.keys("C-s")
	tm.waitScreen("GOT 13")
	tm.keys("C-q")
	tm.waitScreen("GOT 11")
	tm.keys("q")
	tm.waitScreen("Doors on x84")
}

// TestDoorShutdownStubborn: the board stops with a caller in a door that
// ignores SIGHUP, with a short shutdown grace: the door does not outlive
// the board.
func TestDoorShutdownStubborn(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux")
	s := startX84(t, `
[server]
shutdown_grace = "1s"

[[door]]
name = "stubborn"
key = "s"
command = "/bin/sh"
args = ["-c", "trap '' HUP; echo PID $$; exec sleep 300"]
`)
	s.addUser(t, "alice", "wonderland", false)
	tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.login("alice", "wonderland")
	tm.keys("d")
	tm.waitScreen("[S] stubborn")
	tm.keys("s")
	stopWithDoor(t, s, doorPID(t, tm.waitScreen("PID ")))
}

// doorPID reads the door's "PID n" line off a screen, and checks that
// the process runs.
func doorPID(t *testing.T, screen string) int {
	t.Helper()
	var pid int
	for l := range strings.Lines(screen) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "PID "); ok {
			pid, _ = strconv.Atoi(rest)
		}
	}
	if pid == 0 || !alive(pid) {
		t.Fatalf("no door process (pid %d) on:\n%s", pid, screen)
	}
	return pid
}

// stopWithDoor stops the board (SIGTERM) while a caller is in the door
// pid, and checks that the door is gone with it.
func stopWithDoor(t *testing.T, s *server, pid int) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err // for the test's cleanup
	case <-time.After(20 * time.Second):
		t.Fatal("x84 did not stop with a caller in a door")
	}
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("the door (pid %d) outlived the server", pid)
	}
}

// TestDoorWeb: through the browser terminal's WebSocket, the door gets
// the window's size, its changes and the caller's keys.
func TestDoorWeb(t *testing.T) {
	s := startX84(t, doorsConfig(t))
	s.addUser(t, "erin", "erins-password", false)
	ctx, c, _, waitFor := dialWeb(t, s.addrOf("web"))
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`))
	waitFor("Handle:")
	c.Write(ctx, websocket.MessageBinary, []byte("erin\r"))
	c.Write(ctx, websocket.MessageBinary, []byte("erins-password\r"))
	waitFor("Goodbye (log off)") // the menu, drawn in colours
	c.Write(ctx, websocket.MessageBinary, []byte("d"))
	waitFor("Echo door")
	c.Write(ctx, websocket.MessageBinary, []byte("e"))
	waitFor("READY size=100x30 env=100,30 term=xterm-256color lang=C.UTF-8")
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":132,"rows":43}`))
	waitFor("SIZE 132x43")
	c.Write(ctx, websocket.MessageBinary, []byte("é"))
	waitFor("GOT c3a9")
	c.Write(ctx, websocket.MessageBinary, []byte("q"))
	waitFor("Doors on x84")
	c.Close(websocket.StatusNormalClosure, "")
}
