package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

// These tests build the x84 binary and drive it with the real clients
// callers use: Debian's telnet and PuTTY's plink inside tmux, and a raw
// socket. A test skips, saying why, only when a client is not installed;
// with X84_E2E=require (as .ci/run sets) it fails instead (internal/e2e).

var x84Bin, hostKeys string

// copyHostKeys puts the keys made in TestMain into a data directory.
func copyHostKeys(t testing.TB, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(hostKeys, "ssh_host_*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.Base(f))
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "x84-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	x84Bin = filepath.Join(dir, "x84")
	build := []string{"build", "-o", x84Bin}
	if os.Getenv("X84_E2E_RACE") == "1" {
		// The server under test built with the race detector (slower).
		build = append(build, "-race")
	}
	if out, err := exec.Command("go", append(build, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building x84: %v\n%s", err, out)
		os.Exit(1)
	}
	// Host keys made once and copied into every test's data directory:
	// an RSA key takes a while to generate.
	hostKeys = filepath.Join(dir, "keys")
	if out, err := exec.Command(x84Bin, "--data", hostKeys, "keys").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "making host keys: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running x84 process.
type server struct {
	cmd  *exec.Cmd
	dir  string
	addr string // telnet's
	log  *lockedBuf
	done chan error

	mu    sync.Mutex
	addrs map[string]string // by protocol
}

// addrOf returns where a protocol listens.
func (s *server) addrOf(proto string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrs[proto]
}

// portOf returns the port a protocol listens on.
func (s *server) portOf(proto string) string {
	_, p, _ := net.SplitHostPort(s.addrOf(proto))
	return p
}

type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenRE = regexp.MustCompile(`msg=listening (?:host=\S+ )?proto=(\w+) addr=(\S+)`)

// testConfig adds to conf what every test needs: free ports for every
// listener (rlogin enabled too), whatever sections conf sets itself.
func testConfig(conf string) string {
	for _, sec := range []string{"telnet", "ssh", "rlogin", "web"} {
		head := "[" + sec + "]\n"
		extra := "port = 0\n"
		if sec == "rlogin" {
			extra += "enabled = true\n"
		}
		if strings.Contains(conf, head) {
			conf = strings.Replace(conf, head, head+extra, 1)
		} else {
			conf += head + extra
		}
	}
	return conf
}

// startX84 runs the binary on a fresh data directory with free ports.
func startX84(t testing.TB, conf string) *server {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig(conf)), 0o600); err != nil {
		t.Fatal(err)
	}
	return runX84(t, x84Bin, dir)
}

// restart runs the binary again on the same data directory.
func (s *server) restart(t *testing.T) *server {
	t.Helper()
	return runX84(t, x84Bin, s.dir)
}

// runX84 runs a board binary on a data directory and waits until it
// listens.
func runX84(t testing.TB, bin, dir string) *server {
	t.Helper()
	copyHostKeys(t, dir)
	cmd := exec.Command(bin, "--data", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, dir: dir, log: &lockedBuf{}, done: make(chan error, 1)}
	addrc := make(chan string, 1)
	s.addrs = map[string]string{}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.log, line)
			if m := listenRE.FindStringSubmatch(line); m != nil {
				s.mu.Lock()
				s.addrs[m[1]] = m[2]
				s.mu.Unlock()
			}
			if strings.Contains(line, "x84 started") {
				s.mu.Lock()
				addrc <- s.addrs["telnet"]
				s.mu.Unlock()
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.addr = <-addrc:
	case err := <-s.done:
		t.Fatalf("x84 exited: %v\n%s", err, s.log.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("x84 did not start\n%s", s.log.String())
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		if strings.Contains(s.log.String(), "WARNING: DATA RACE") {
			t.Errorf("the server had a data race (X84_E2E_RACE=1)")
		}
		if t.Failed() {
			t.Logf("x84 log:\n%s", s.log.String())
		}
	})
	return s
}

func (s *server) port() string {
	_, p, _ := net.SplitHostPort(s.addr)
	return p
}

type whoEntry struct {
	Host        string  `json:"host"`
	Node        int     `json:"node"`
	Kind        string  `json:"kind"`
	RemoteAddr  string  `json:"remote_addr"`
	Term        string  `json:"term"`
	Cols        int     `json:"cols"`
	Rows        int     `json:"rows"`
	Encoding    string  `json:"encoding"`
	User        *string `json:"user"`
	Activity    string  `json:"activity"`
	ConnectedAt string  `json:"connected_at"`
	IdleSeconds *int64  `json:"idle_seconds"`
}

// whoJSON runs `x84 who --json` as a sysop would.
func (s *server) whoJSON(t *testing.T) []whoEntry {
	t.Helper()
	out, err := exec.Command(x84Bin, "--data", s.dir, "who", "--json").Output()
	if err != nil {
		t.Fatalf("x84 who --json: %v", err)
	}
	var list []whoEntry
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("x84 who --json printed %q: %v", out, err)
	}
	return list
}

// waitWho polls `x84 who --json` until cond holds for its list.
func (s *server) waitWho(t *testing.T, what string, cond func([]whoEntry) bool) []whoEntry {
	t.Helper()
	return s.waitWhoFor(t, 10*time.Second, what, cond)
}

func (s *server) waitWhoFor(t *testing.T, limit time.Duration, what string, cond func([]whoEntry) bool) []whoEntry {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		list := s.whoJSON(t)
		if cond(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("x84 who never showed %s; last: %+v", what, list)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tmux runs a client in its own tmux server so tests cannot disturb each
// other or the developer's sessions.
type tmux struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, cols, rows int, command string) *tmux {
	t.Helper()
	e2e.LookPath(t, "tmux", strings.Fields(command)[0])
	tm := &tmux{t: t, socket: fmt.Sprintf("x84-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	tm.run("new-session", "-d", "-s", "main", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		"env TERM=xterm-256color "+command+"; sleep 30")
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (tm *tmux) screen() string { return tm.run("capture-pane", "-p", "-t", "main") }

// waitScreen waits until the visible screen contains text.
func (tm *tmux) waitScreen(text string) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.screen()
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q; it shows:\n%s", text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tm *tmux) keys(keys ...string) { tm.run(append([]string{"send-keys", "-t", "main"}, keys...)...) }

func (tm *tmux) resize(cols, rows int) {
	tm.run("resize-window", "-t", "main", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows))
}

// addUser creates an account with `x84 user add`, as a sysop would.
func (s *server) addUser(t testing.TB, name, password string, sysop bool) {
	t.Helper()
	args := []string{"--data", s.dir, "user", "add", name, "--password-stdin"}
	if sysop {
		args = append(args, "--sysop")
	}
	cmd := exec.Command(x84Bin, args...)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("x84 user add %s: %v\n%s", name, err, out)
	}
}

// postOneliner posts a one-liner from the main menu and returns the wall
// once it shows the line.
func (tm *tmux) postOneliner(text string) string {
	tm.t.Helper()
	tm.keys("o")
	tm.waitScreen("add a one-liner")
	tm.keys("a")
	tm.waitScreen("Say:")
	tm.keys(text, "Enter")
	return tm.waitScreen(text)
}

// login logs in at the login screen shown in tm.
func (tm *tmux) login(handle, password string) {
	tm.waitScreen("Handle:")
	tm.keys(handle, "Enter")
	tm.keys(password, "Enter")
	tm.waitScreen("Welcome, " + handle + ".")
}

// TestDebianTelnet is a caller with Debian's telnet in a 100x30 xterm: the
// login screen, the menu, the keyboard test with keys and a resize, and
// logoff.
func TestDebianTelnet(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "alice", "wonderland", true)
	tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.waitScreen("Connected to x84, node 1.")
	tm.waitScreen("▄██████████▄") // the login art, in UTF-8
	tm.login("alice", "wonderland")
	tm.waitScreen("[K] Keyboard test")

	list := s.waitWho(t, "alice at the menu", func(l []whoEntry) bool {
		return len(l) == 1 && l[0].User != nil && l[0].Activity == "main menu"
	})
	w := list[0]
	if w.Node != 1 || w.Kind != "telnet" || w.Term != "xterm-256color" || w.Cols != 100 || w.Rows != 30 ||
		w.Encoding != "utf-8" || *w.User != "alice" || w.IdleSeconds == nil || !strings.HasPrefix(w.RemoteAddr, "127.0.0.1:") {
		t.Errorf("x84 who --json = %+v", w)
	}

	// The keyboard test names every key pressed.
	tm.keys("k")
	tm.waitScreen("Terminal type  xterm-256color")
	tm.waitScreen("Window size    100 × 30")
	tm.waitScreen("Encoding       utf-8")
	for _, k := range []string{"Up", "Down", "Left", "Right", "Home", "End", "PPage", "NPage", "IC", "DC",
		"F1", "F4", "F5", "F12", "BSpace", "Enter", "C-a", "Tab", "a", "é"} {
		tm.keys(k)
	}
	tm.waitScreen("Up Down Left Right Home End PgUp PgDn Insert Delete F1 F4 F5 F12 Backspace Enter Ctrl-A Tab a é")
	tm.waitScreen("Last key: é  (U+00E9)")

	// Resizing the window shows at once, on screen and in x84 who.
	tm.resize(120, 40)
	start := time.Now()
	tm.waitScreen("Window size    120 × 40")
	if d := time.Since(start); d > time.Second {
		t.Errorf("the new size took %v to show; want under 1 s", d)
	}
	s.waitWho(t, "the new size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 120 && l[0].Rows == 40 })

	tm.keys("q")
	tm.waitScreen("[G] Goodbye (log off)")
	tm.keys("g")
	tm.waitScreen("Log off now?")
	tm.keys("y")
	tm.waitScreen("Thanks for calling x84, alice.")
	s.waitWho(t, "the session gone", func(l []whoEntry) bool { return len(l) == 0 })
}

// TestPlinkTelnet is a caller with PuTTY's plink.
func TestPlinkTelnet(t *testing.T) {
	s := startX84(t, "")
	tm := newTmux(t, 100, 30, "plink -telnet -P "+s.port()+" 127.0.0.1")
	tm.waitScreen("Handle:")
	list := s.waitWho(t, "the plink session", func(l []whoEntry) bool { return len(l) == 1 })
	if w := list[0]; w.Term != "xterm" || w.Cols != 100 || w.Rows != 30 || w.Encoding != "utf-8" || w.Activity != "logging in" {
		t.Errorf("x84 who --json = %+v; want xterm 100x30 utf-8, logging in", w)
	}
	tm.resize(90, 25)
	s.waitWho(t, "the new size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 90 && l[0].Rows == 25 })
	tm.waitScreen("Handle:") // redrawn for the new size
	tm.keys("bye", "Enter")
	tm.waitScreen("Goodbye!")
}

// TestNewUserAndOneliners applies for an account, logs off and in again,
// posts a one-liner and sees it from a second session.
func TestNewUserAndOneliners(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "sysop1", "operator-pw", true)
	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm.waitScreen("Handle:")
	tm.keys("new", "Enter")
	tm.waitScreen("Apply for an account")
	tm.keys("bob", "Enter", "bobs-password", "Enter", "bobs-password", "Enter", "Bob", "Enter", "Bobtown", "Enter",
		"bob@example.org", "Enter")
	tm.waitScreen("Create the account bob?")
	tm.keys("y")
	tm.waitScreen("Welcome, bob. This is your first call.")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")

	tm2 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm2.login("bob", "bobs-password")
	tm2.waitScreen("This is your call number 2.")
	tm2.keys("o")
	tm2.waitScreen("add a one-liner")
	tm2.keys("a")
	tm2.waitScreen("Say:")
	tm2.keys("Hello from bob's telnet!", "Enter")
	tm2.waitScreen("bob │ Hello from bob's telnet!")
	s.waitWho(t, "bob reading one-liners", func(l []whoEntry) bool {
		return len(l) == 1 && l[0].User != nil && *l[0].User == "bob" && l[0].Activity == "reading one-liners"
	})

	tm3 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm3.login("sysop1", "operator-pw")
	tm3.keys("o")
	tm3.waitScreen("bob │ Hello from bob's telnet!")
	tm3.keys("q", "l")
	tm3.waitScreen("Bobtown")
}

// TestBanAfterBadPasswords tries three wrong passwords: the address is
// banned and its next connection is refused with a line saying so, until
// the sysop unbans it.
func TestBanAfterBadPasswords(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "carol", "carols-password", false)
	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	for i := range 3 {
		tm.waitScreen("Handle:")
		tm.keys("carol", "Enter", fmt.Sprintf("wrong-%d", i), "Enter")
	}
	tm.waitScreen("banned for a while")
	line := firstLine(t, s.addr)
	if !strings.Contains(line, "Your address is banned until") {
		t.Errorf("the next connection got %q; want a ban notice", line)
	}
	out, err := exec.Command(x84Bin, "--data", s.dir, "user", "unban", "127.0.0.1").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Unbanned 127.0.0.1/32") {
		t.Fatalf("x84 user unban: %v\n%s", err, out)
	}
	tm2 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm2.login("carol", "carols-password")
}

// firstLine connects to addr and returns the first line it gets.
func firstLine(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// TestKill9 posts a one-liner, kills the server with SIGKILL, starts it
// again, and finds the one-liner there.
func TestKill9(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "dora", "explorer-pw", false)
	tm := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	tm.login("dora", "explorer-pw")
	tm.keys("o", "a")
	tm.waitScreen("Say:")
	tm.keys("Written before the crash", "Enter")
	tm.waitScreen("dora │ Written before the crash")
	s.cmd.Process.Kill()
	<-s.done
	s.done <- nil

	s2 := s.restart(t)
	tm2 := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s2.port())
	tm2.login("dora", "explorer-pw")
	tm2.waitScreen("This is your call number 2.")
	tm2.keys("o")
	tm2.waitScreen("dora │ Written before the crash")
}

// TestRawSocket is a client that never negotiates.
func TestRawSocket(t *testing.T) {
	s := startX84(t, "")
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	list := s.waitWho(t, "the raw session", func(l []whoEntry) bool { return len(l) == 1 })
	if w := list[0]; w.Term != "unknown" || w.Cols != 80 || w.Rows != 24 || w.Encoding != "cp437" {
		t.Errorf("x84 who --json = %+v; want unknown 80x24 cp437", w)
	}
}

func TestWhoTable(t *testing.T) {
	s := startX84(t, "")
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.waitWho(t, "a session", func(l []whoEntry) bool { return len(l) == 1 })
	out, err := exec.Command(x84Bin, "--data", s.dir, "who").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "NODE") || !strings.Contains(lines[1], "telnet") || !strings.Contains(lines[1], "80x24") {
		t.Errorf("x84 who printed:\n%s", out)
	}
}

func TestWhoWithoutServer(t *testing.T) {
	cmd := exec.Command(x84Bin, "--data", t.TempDir(), "who")
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "no server is running") {
		t.Errorf("x84 who with no server: exit %d, %v, output %q; want exit 1 and a clear message", cmd.ProcessState.ExitCode(), err, out)
	}
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "Usage:"},
		{[]string{"help"}, 0, "x84 [--data DIR] who [--json]"},
		{[]string{"version"}, 0, "x84 "},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"who", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		cmd := exec.Command(x84Bin, tt.args...)
		out, _ := cmd.CombinedOutput()
		if cmd.ProcessState.ExitCode() != tt.code || !strings.Contains(string(out), tt.want) {
			t.Errorf("x84 %v: exit %d, output %q; want exit %d and %q", tt.args, cmd.ProcessState.ExitCode(), out, tt.code, tt.want)
		}
	}
}

func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x84.toml"), []byte("[telnet]\nprot = 23\n"), 0o600)
	cmd := exec.Command(x84Bin, "--data", dir)
	out, _ := cmd.CombinedOutput()
	want := filepath.Join(dir, "x84.toml") + ":2: telnet.prot: unknown key"
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), want) {
		t.Errorf("x84 with a typo in its config: exit %d, output %q; want exit 1 and %q", cmd.ProcessState.ExitCode(), out, want)
	}
}

// TestDataDirCreated starts x84 with only $X84_DATA set, naming a
// directory that does not exist yet.
func TestDataDirCreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh", ".x84")
	srv := exec.Command(x84Bin)
	srv.Env = append(os.Environ(), "X84_DATA="+dir)
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// The default port may be taken on a developer's machine; the
	// directory is made before anything listens, so either outcome works.
	sc := bufio.NewScanner(stderr)
	for sc.Scan() && !strings.Contains(sc.Text(), "x84 started") {
	}
	srv.Process.Signal(syscall.SIGTERM)
	for sc.Scan() {
	}
	srv.Wait()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("data directory not created: %v", err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %v; want 0700", fi.Mode().Perm())
	}
}

// TestSignals checks that SIGTERM ends every session with a goodbye and
// the process within 5 s, and that a second signal ends it at once.
func TestSignals(t *testing.T) {
	s := startX84(t, "[server]\nshutdown_grace = \"3s\"\n")
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	s.waitWho(t, "three sessions", func(l []whoEntry) bool { return len(l) == 3 })
	start := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var all []byte
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			all = append(all, buf[:n]...)
			if err != nil {
				break
			}
		}
		if !strings.Contains(string(all), "Goodbye") {
			t.Errorf("session %d got no goodbye; its last bytes: %q", i, all[max(0, len(all)-200):])
		}
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("x84 exited with %v after SIGTERM; want status 0", err)
		}
		s.done <- err
	case <-time.After(5*time.Second - time.Since(start)):
		t.Fatalf("x84 still running 5 s after SIGTERM")
	}
}

// TestSecondSignal keeps shutdown busy with a caller that stops reading,
// and checks that a second signal ends the process at once.
func TestSecondSignal(t *testing.T) {
	s := startX84(t, "[server]\nshutdown_grace = \"30s\"\n")
	s.addUser(t, "erin", "erins-password", false)
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Log in (typing ahead) and open the keyboard test, which redraws its
	// key history for every paste it is sent.
	c.Write([]byte("erin\rerins-password\rk"))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var seen []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(seen, []byte("Terminal type")) {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("never reached the keyboard test: %v; got %q", err, seen)
		}
		seen = append(seen, buf[:n]...)
	}
	// A paste never read: the handler ends up blocked writing to a full
	// socket and stops taking input, which shows as a growing idle time.
	go c.Write(bytes.Repeat([]byte("x"), 64<<20))
	s.waitWhoFor(t, 60*time.Second, "the handler blocked in a write", func(l []whoEntry) bool {
		return len(l) == 1 && *l[0].IdleSeconds >= 2
	})
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		t.Fatalf("x84 exited (%v) although a session could not end; the test needs a slow shutdown", err)
	case <-time.After(time.Second):
	}
	start := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if code := s.cmd.ProcessState.ExitCode(); code != 1 {
			t.Errorf("exit status after a second signal = %d (%v); want 1", code, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("x84 took %v to exit after the second signal", d)
		}
		if !strings.Contains(s.log.String(), "second signal") {
			t.Errorf("x84 did not say why it exited; log:\n%s", s.log.String())
		}
		s.done <- err
	case <-time.After(5 * time.Second):
		t.Fatalf("x84 still running 5 s after a second signal")
	}
}

// TestUserCommands runs `x84 user …` with the server stopped (on the
// database) and running (through the control socket).
func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig("")), 0o600)
	run := func(stdin string, args ...string) (string, int) {
		cmd := exec.Command(x84Bin, append([]string{"--data", dir, "user"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"add a sysop", "sekrit-password\n", []string{"add", "Grace", "--sysop", "--password-stdin"}, 0, "Added Grace."},
		{"add a user", "another-password\n", []string{"add", "heidi", "--password-stdin"}, 0, "Added heidi."},
		{"taken in any case", "another-password\n", []string{"add", "GRACE", "--password-stdin"}, 1, "is taken"},
		{"reserved", "another-password\n", []string{"add", "sysop", "--password-stdin"}, 1, "That name is reserved."},
		{"short password", "short\n", []string{"add", "ivan", "--password-stdin"}, 1, "Passwords need at least 8 characters."},
		{"no terminal for a prompt", "", []string{"add", "ivan"}, 1, "use --password-stdin"},
		{"list", "", []string{"list"}, 0, "Grace   sysop"},
		{"passwd", "brand-new-password\n", []string{"passwd", "heidi", "--password-stdin"}, 0, "Changed the password of heidi."},
		{"passwd unknown", "brand-new-password\n", []string{"passwd", "nobody", "--password-stdin"}, 1, `no user "nobody"`},
		{"ban", "", []string{"ban", "203.0.113.0/24"}, 0, "Banned 203.0.113.0/24."},
		{"ban junk", "", []string{"ban", "not-an-address"}, 1, "not an IP address or CIDR range"},
		{"unban", "", []string{"unban", "203.0.113.0/24"}, 0, "Unbanned 203.0.113.0/24."},
		{"unban unknown", "", []string{"unban", "203.0.113.9"}, 1, "is not banned"},
		{"del", "", []string{"del", "heidi"}, 0, "Deleted heidi."},
		{"del unknown", "", []string{"del", "heidi"}, 1, `no user "heidi"`},
		{"usage", "", []string{"frob"}, 2, "unknown command"},
	}
	check := func(t *testing.T) {
		for _, tt := range tests {
			out, code := run(tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("x84 user %s: exit %d, %q; want exit %d and %q", strings.Join(tt.args, " "), code, out, tt.code, tt.want)
			}
		}
	}
	t.Run("stopped", check)
	// The same with a server running; start from a fresh database.
	os.Remove(filepath.Join(dir, "x84.db"))
	os.Remove(filepath.Join(dir, "x84.db-wal"))
	os.Remove(filepath.Join(dir, "x84.db-shm"))
	s := runX84(t, x84Bin, dir)
	t.Run("running", check)
	// A ban through the socket takes effect at once in the server.
	if out, code := run("", "ban", "127.0.0.1"); code != 0 {
		t.Fatalf("x84 user ban 127.0.0.1: %s", out)
	}
	if line := firstLine(t, s.addr); !strings.Contains(line, "Your address is banned.") {
		t.Errorf("after a ban the next connection got %q", line)
	}
	if out, code := run("ivans-password\n", "add", "ivan", "--password-stdin"); code != 0 {
		t.Fatalf("x84 user add ivan: %s", out)
	}
	out, _ := run("", "list", "--json")
	if !strings.Contains(out, `"handle": "Grace"`) || !strings.Contains(out, `"groups": [`) ||
		!strings.Contains(out, `"groups": []`) { // ivan's: a list, not null
		t.Errorf("x84 user list --json printed %s", out)
	}
}

// logSays reports whether the server's log comes to hold text within
// ten seconds. The log arrives through a pipe, so a line the server
// wrote before drawing a screen can reach the test after the screen.
func (s *server) logSays(text string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.log.String(), text) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// waitLog waits until the server's log holds text, failing the test if
// it never does.
func waitLog(t *testing.T, s *server, text string) {
	t.Helper()
	if !s.logSays(text) {
		t.Fatalf("the log never said %q:\n%s", text, s.log.String())
	}
}
