package door

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"go.uber.org/goleak"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// testDoor is the path of testdata/testdoor, built once for all tests.
var testDoor string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "x84-testdoor")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDoor = filepath.Join(dir, "testdoor")
	out, err := exec.Command("go", "build", "-o", testDoor, "./testdata/testdoor").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the test door: %v\n%s", err, out)
		os.Exit(1)
	}
	killGrace, drainGrace = 300*time.Millisecond, 200*time.Millisecond
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// pipeConn is a term.Conn over one end of a net.Pipe.
type pipeConn struct {
	net.Conn
	info    term.Info
	resized chan term.Size
}

func (c *pipeConn) Info() term.Info           { return c.info }
func (c *pipeConn) Resized() <-chan term.Size { return c.resized }

// caller is the far end of a door run: what the caller's terminal gets.
type caller struct {
	t    *testing.T
	conn net.Conn
	pc   *pipeConn
	sess *session.Session
	r    *bufio.Reader
	seen strings.Builder
}

func newCaller(t *testing.T, enc term.Encoding, sz term.Size) *caller {
	t.Helper()
	server, client := net.Pipe()
	pc := &pipeConn{Conn: server, info: term.Info{Encoding: enc, Size: sz, Term: "xterm"}, resized: make(chan term.Size, 1)}
	s := session.New(pc, session.Config{})
	t.Cleanup(func() { client.Close(); s.Close() })
	return &caller{t: t, conn: client, pc: pc, sess: s, r: bufio.NewReader(client)}
}

// waitFor reads the caller's screen until want shows, and returns the
// line it is on.
func (c *caller) waitFor(want string) string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		line, err := c.r.ReadString('\n')
		c.seen.WriteString(line)
		if strings.Contains(line, want) {
			return strings.TrimRight(line, "\r\n")
		}
		if err != nil {
			c.t.Fatalf("waiting for %q: %v; the caller saw:\n%s", want, err, c.seen.String())
		}
	}
}

// discard reads the rest of what the caller gets, until the connection
// closes.
func (c *caller) discard() {
	for {
		if _, err := c.r.ReadByte(); err != nil {
			return
		}
	}
}

func (c *caller) send(s string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.conn.Write([]byte(s)); err != nil {
		c.t.Fatalf("typing %q: %v", s, err)
	}
}

// start runs d for c on a goroutine; the result comes on the channel.
func (c *caller) start(d *Door, who Caller) <-chan runResult {
	done := make(chan runResult, 1)
	go func() {
		res, err := Run(c.t.Context(), d, c.sess, who, nil)
		done <- runResult{res, err}
	}()
	return done
}

type runResult struct {
	res Result
	err error
}

func wait(t *testing.T, done <-chan runResult) Result {
	t.Helper()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Run: %v", r.err)
		}
		return r.res
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
	return Result{}
}

func testCaller(t *testing.T) Caller {
	return Caller{Node: 7, Handle: "bob smith", Term: "xterm", DataDir: t.TempDir()}
}

func TestRunEcho(t *testing.T) {
	c := newCaller(t, term.UTF8, term.Size{Cols: 100, Rows: 30})
	who := testCaller(t)
	d := &Door{Name: "echo", Command: testDoor, Args: []string{"echo"}, Encoding: term.UTF8}
	done := c.start(d, who)
	home := filepath.Join(who.DataDir, "doors", "echo", "7")
	want := "READY size=100x30 env=100,30 term=xterm lang=C.UTF-8 node=7 handle=bob smith home=" + home
	if got := c.waitFor("READY"); got != want {
		t.Errorf("the door saw\n%s\nwant\n%s", got, want)
	}
	c.send("ab\x1b[A")
	c.waitFor("GOT 61621b5b41")
	c.pc.resized <- term.Size{Cols: 120, Rows: 40}
	c.waitFor("SIZE 120x40")
	c.send("q")
	c.waitFor("GOT 71")
	go c.discard() // the reset sequence and anything written after
	res := wait(t, done)
	if res.Reason != Exited || res.Exit != 3 {
		t.Errorf("Run = %+v; want exited with status 3", res)
	}
	// The board's screen is the caller's again: keys decode.
	go c.conn.Write([]byte("\x1b[B"))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if k, err := c.sess.ReadKey(ctx); err != nil || k.Code != term.KeyDown {
		t.Errorf("ReadKey after the door = %v, %v; want Down", k, err)
	}
}

func TestRunEncodings(t *testing.T) {
	tests := []struct {
		name      string
		session   term.Encoding
		door      term.Encoding
		args      []string
		wantOut   string // what the caller sees of the door's first line
		typed     string
		wantInput string // what the door reads, hex
	}{
		{"cp437 door, utf-8 caller", term.UTF8, term.CP437, []string{"cp437"}, "BOX ╔═╗ été", "é", "GOT 82"},
		{"cp437 door, cp437 caller", term.CP437, term.CP437, []string{"cp437"}, "BOX \xc9\xcd\xbb \x82t\x82", "\x82", "GOT 82"},
		{"utf-8 door, cp437 caller", term.CP437, term.UTF8, []string{"echo"}, "", "\x82", "GOT c3a9"},
		{"utf-8 door, utf-8 caller", term.UTF8, term.UTF8, []string{"echo"}, "", "é", "GOT c3a9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCaller(t, tt.session, term.Size{Cols: 80, Rows: 24})
			d := &Door{Name: "enc", Command: testDoor, Args: tt.args, Encoding: tt.door}
			done := c.start(d, testCaller(t))
			if tt.wantOut != "" {
				c.waitFor(tt.wantOut)
			}
			c.waitFor("READY")
			c.send(tt.typed)
			c.waitFor(tt.wantInput)
			c.send("q")
			go c.discard()
			wait(t, done)
		})
	}
}

// alive reports whether pid is a process that has not ended (a zombie,
// ended but not yet reaped by its parent, counts as ended).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil && !errors.Is(err, os.ErrNotExist)
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && len(b) > i+2 && b[i+2] != 'Z' && b[i+2] != 'X'
}

func openFiles(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestRunHangUp: a caller who hangs up in the middle leaves no process
// behind, even a child in another process group that ignores SIGHUP, and
// no open pty.
func TestRunHangUp(t *testing.T) {
	before := openFiles(t)
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	d := &Door{Name: "orphan", Command: testDoor, Args: []string{"orphan"}, Encoding: term.UTF8}
	done := c.start(d, testCaller(t))
	line := c.waitFor("CHILD ")
	child, err := strconv.Atoi(strings.TrimPrefix(line, "CHILD "))
	if err != nil {
		t.Fatalf("child pid in %q: %v", line, err)
	}
	c.waitFor("READY")
	if !alive(child) {
		t.Fatalf("the door's child %d is not running", child)
	}
	c.conn.Close()
	res := wait(t, done)
	if res.Reason != HungUp {
		t.Errorf("Run = %+v; want hung up", res)
	}
	for range 100 {
		if !alive(child) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if alive(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the door's child %d outlived the door", child)
	}
	c.sess.Close()
	if after := openFiles(t); after > before {
		t.Errorf("%d files open after the run; %d before", after, before)
	}
	if z := zombies(); len(z) > 0 {
		t.Errorf("children of the test left unreaped: %v", z)
	}
}

// zombies lists this process's children that ended and were not reaped.
func zombies() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[0] == "Z" && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, pid)
		}
	}
	return out
}

// TestRunDeaf: a door that reads nothing and ignores SIGHUP does not keep
// the caller from hanging up, however much the caller types.
func TestRunDeaf(t *testing.T) {
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	d := &Door{Name: "deaf", Command: testDoor, Args: []string{"deaf"}, Encoding: term.UTF8}
	done := c.start(d, testCaller(t))
	c.waitFor("DEAF")
	go c.discard()
	chunk := strings.Repeat("x", 4096)
	for range 32 { // more than a pty holds
		c.send(chunk)
	}
	c.conn.Close()
	res := wait(t, done)
	if res.Reason != HungUp || res.DroppedInput == 0 || res.Exit != -1 {
		t.Errorf("Run = %+v; want hung up, input dropped, killed by a signal", res)
	}
}

// TestRunFlood: a door's output reaches a slow caller whole and in
// order.
func TestRunFlood(t *testing.T) {
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	const lines = 20000
	d := &Door{Name: "flood", Command: testDoor, Args: []string{"flood", strconv.Itoa(lines)}, Encoding: term.UTF8}
	done := c.start(d, testCaller(t))
	c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for i := range lines {
		line, err := c.r.ReadString('\n')
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if want := fmt.Sprintf("flood line %08d ", i); !strings.HasPrefix(line, want) {
			t.Fatalf("line %d = %q; want %q…", i, line, want)
		}
		if i%5000 == 0 {
			time.Sleep(50 * time.Millisecond) // a slow connection
		}
	}
	c.waitFor("FLOOD END")
	go c.discard()
	if res := wait(t, done); res.Reason != Exited || res.Exit != 0 {
		t.Errorf("Run = %+v; want exited 0", res)
	}
}

func TestRunTimeLimit(t *testing.T) {
	defer func(w time.Duration) { warnBefore = w }(warnBefore)
	warnBefore = 300 * time.Millisecond
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	d := &Door{Name: "echo", Command: testDoor, Args: []string{"echo"}, Encoding: term.UTF8, TimeLimit: time.Second}
	done := c.start(d, testCaller(t))
	c.waitFor("READY")
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	var got strings.Builder
	for !strings.Contains(got.String(), "One minute left") {
		n, err := c.r.Read(buf)
		if err != nil {
			t.Fatalf("waiting for the warning: %v (saw %q)", err, got.String())
		}
		got.Write(buf[:n])
	}
	go c.discard()
	res := wait(t, done)
	if res.Reason != TimeLimit || res.Duration < time.Second {
		t.Errorf("Run = %+v; want ended by the time limit after 1s", res)
	}
}

func TestRunCannotStart(t *testing.T) {
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	for _, cmd := range []string{"no-such-door-x84", "/nonexistent/door"} {
		d := &Door{Name: "none", Command: cmd}
		_, err := Run(t.Context(), d, c.sess, testCaller(t), nil)
		if !errors.Is(err, ErrStart) {
			t.Errorf("Run(%q) = %v; want ErrStart", cmd, err)
		}
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"node": "3", "handle": "bob smith", "dropfile": "/d/DOOR.SYS", "cols": "80", "rows": "25", "data": "/var/x84"}
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"{node}", "3"},
		{"-n{node}", "-n3"},
		{"{handle}", "bob smith"},
		{"{dropfile}:{cols}x{rows}", "/d/DOOR.SYS:80x25"},
		{"{data}/x", "/var/x84/x"},
		{"{unknown}", "{unknown}"},
		{"{", "{"},
		{"}{node", "}{node"},
		{"{{node}}", "{3}"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Expand(tt.in, vars); got != tt.want {
			t.Errorf("Expand(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestRunDropfile: the door finds its dropfile where {dropfile} says,
// with the caller's real values in it.
func TestRunDropfile(t *testing.T) {
	tests := []struct {
		format Format
		want   []string // lines the door prints, L<n>=[value]
	}{
		{DoorSys, []string{"L4=[7]", "L10=[Robert Smith]", "L11=[Paris]", "L15=[30]", "L16=[42]", "L20=[GR]", "L21=[30]", "L36=[bob smith]"}},
		{Door32Sys, []string{"L1=[0]", "L6=[Robert Smith]", "L7=[bob smith]", "L8=[30]", "L9=[20]", "L11=[7]"}},
		{DorInfo, []string{"L7=[bob]", "L8=[smith]", "L9=[Paris]", "L11=[30]", "L12=[20]"}},
		{CallInfo, []string{"L1=[bob smith]", "L3=[Paris]", "L4=[30]", "L5=[20]", "L22=[42]", "L23=[30]", "L35=[7]"}},
		{ChainTxt, []string{"L2=[bob smith]", "L3=[Robert Smith]", "L9=[100]", "L10=[30]", "L11=[30]", "L16=[1200]"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			c := newCaller(t, term.UTF8, term.Size{Cols: 100, Rows: 30})
			who := testCaller(t)
			who.Drop = DropInfo{BBSName: "x84 test", SysopName: "Sysop", UserNum: 5, Handle: "bob smith",
				RealName: "Robert Smith", Location: "Paris", Level: 30, Calls: 42, Now: time.Now(), ANSI: true}
			d := &Door{Name: "drop", Command: testDoor, Args: []string{"dropfile", "{dropfile}"},
				Dropfile: tt.format, TimeLimit: 20 * time.Minute}
			done := c.start(d, who)
			c.waitFor("DROPFILE END")
			got := c.seen.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w+"\r") { // the pty makes \r\n \r\r\n
					t.Errorf("the door read no line %s; it read:\n%s", w, got)
				}
			}
			name := filepath.Join(who.DataDir, "doors", "drop", "7", tt.format.FileName(7))
			if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("dropfile %s: %v, %v; want mode 0600", name, fi, err)
			}
			c.waitFor("READY")
			c.send("q")
			go c.discard()
			wait(t, done)
		})
	}
}

// TestRunDropDirAndDir: the sysop's working directory and dropfile folder
// are used as given.
func TestRunDropDirAndDir(t *testing.T) {
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	work, drops := t.TempDir(), filepath.Join(t.TempDir(), "drops")
	d := &Door{Name: "dirs", Command: testDoor, Args: []string{"dropfile", "{dropfile}"},
		Dir: work, Dropfile: DoorSys, DropDir: drops}
	done := c.start(d, testCaller(t))
	c.waitFor("DROPFILE END")
	if _, err := os.Stat(filepath.Join(drops, "DOOR.SYS")); err != nil {
		t.Errorf("no dropfile in dropfile_dir: %v", err)
	}
	if got := c.waitFor("READY"); !strings.HasSuffix(got, "home="+work) {
		t.Errorf("the door's HOME is not its working directory %s: %q", work, got)
	}
	c.send("q")
	go c.discard()
	wait(t, done)
}

// TestRunSetsidChild: a child that starts a session of its own but keeps
// the door's terminal is ended with the door.
func TestRunSetsidChild(t *testing.T) {
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	d := &Door{Name: "sh", Command: "/bin/sh",
		Args: []string{"-c", `setsid sh -c 'echo CHILD $$; exec sleep 30' & sleep 0.3; echo READY; exec sleep 30`}}
	done := c.start(d, testCaller(t))
	child, _ := strconv.Atoi(strings.TrimPrefix(c.waitFor("CHILD "), "CHILD "))
	c.waitFor("READY")
	if child == 0 || !alive(child) {
		t.Fatalf("no child running (pid %d)", child)
	}
	c.conn.Close()
	wait(t, done)
	for i := 0; i < 100 && alive(child); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the door's child %d, in a session of its own, outlived the door", child)
	}
}

// TestRunSharedDirDropfile: with a working directory shared by every node
// (dir = "/opt/game"), each caller's door still reads its own dropfile.
func TestRunSharedDirDropfile(t *testing.T) {
	shared := t.TempDir()
	a := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	b := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	d := &Door{Name: "game", Command: "/bin/sh", Dir: shared, Dropfile: DoorSys,
		Args: []string{"-c", `sleep 0.5; echo "HANDLE=$(sed -n 36p {dropfile} | tr -d '\r')"; exec sleep 30`}}
	wa, wb := testCaller(t), testCaller(t)
	wb.DataDir = wa.DataDir
	wa.Node, wa.Handle, wa.Drop = 1, "alice", DropInfo{Handle: "alice", Now: time.Now()}
	wb.Node, wb.Handle, wb.Drop = 2, "mallory", DropInfo{Handle: "mallory", Now: time.Now()}
	da := a.start(d, wa)
	time.Sleep(100 * time.Millisecond)
	db := b.start(d, wb)
	if got := a.waitFor("HANDLE="); got != "HANDLE=alice" {
		t.Errorf("alice's door read %q: another node's dropfile", got)
	}
	if got := b.waitFor("HANDLE="); got != "HANDLE=mallory" {
		t.Errorf("mallory's door read %q", got)
	}
	a.conn.Close()
	b.conn.Close()
	wait(t, da)
	wait(t, db)
}

// TestRunSessionEnds: a sysop's disconnect (while the caller has stopped
// reading and the door floods) and the idle limit end the run with the
// session's own error.
func TestRunSessionEnds(t *testing.T) {
	t.Run("disconnect", func(t *testing.T) {
		c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
		d := &Door{Name: "flood", Command: testDoor, Args: []string{"flood", "100000000"}}
		done := c.start(d, testCaller(t))
		c.waitFor("flood line")
		time.Sleep(300 * time.Millisecond) // the caller stops reading
		go c.sess.Disconnect("bye")
		if res := wait(t, done); res.Reason != HungUp || res.Err != session.ErrClosed {
			t.Errorf("Run = %+v; want hung up with session.ErrClosed", res)
		}
	})
	t.Run("idle", func(t *testing.T) {
		c := newCallerConfig(t, session.Config{IdleTimeout: 500 * time.Millisecond, IdleWarning: 200 * time.Millisecond})
		d := &Door{Name: "echo", Command: testDoor, Args: []string{"echo"}}
		done := c.start(d, testCaller(t))
		c.waitFor("READY")
		go c.discard()
		if res := wait(t, done); res.Reason != HungUp || res.Err != session.ErrIdle {
			t.Errorf("Run = %+v; want hung up with session.ErrIdle", res)
		}
	})
}

// TestRunWarnShortLimit: a limit of two minutes (time_limit = 2) is
// warned of a minute before too.
func TestRunWarnShortLimit(t *testing.T) {
	defer func(w time.Duration) { warnBefore = w }(warnBefore)
	warnBefore = 500 * time.Millisecond
	c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
	d := &Door{Name: "echo", Command: testDoor, Args: []string{"echo"}, TimeLimit: 2 * warnBefore}
	done := c.start(d, testCaller(t))
	c.waitFor("READY")
	var got strings.Builder
	c.conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), "One minute left") {
		n, err := c.r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("no warning before a limit of 2×warnBefore: %v", err)
		}
	}
	go c.discard()
	wait(t, done)
}

// TestPollableCloseOnExec: a program started while a pty is being made
// pollable does not inherit its master (the copy is made close-on-exec
// at once, not after).
func TestPollableCloseOnExec(t *testing.T) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				m, s, err := pty.Open()
				if err != nil {
					t.Error(err)
					return
				}
				s.Close()
				p, err := pollable(m)
				if err != nil {
					t.Error(err)
					return
				}
				p.Close()
			}
		})
	}
	defer func() { stop.Store(true); wg.Wait() }()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		out, err := exec.Command("/bin/sh", "-c", "ls -l /proc/$$/fd").Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "/dev/ptmx") {
			t.Fatalf("a program inherited a pty master:\n%s", out)
		}
	}
}

func newCallerConfig(t *testing.T, cfg session.Config) *caller {
	t.Helper()
	server, client := net.Pipe()
	pc := &pipeConn{Conn: server, info: term.Info{Encoding: term.UTF8, Size: term.Size{Cols: 80, Rows: 24}, Term: "xterm"}, resized: make(chan term.Size, 1)}
	s := session.New(pc, cfg)
	t.Cleanup(func() { client.Close(); s.Close() })
	return &caller{t: t, conn: client, pc: pc, sess: s, r: bufio.NewReader(client)}
}
