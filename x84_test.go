package x84_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/telnet"
	"go.uber.org/goleak"
)

// runningBoard is a running x84 for one test.
type runningBoard struct {
	addr string
	dir  string
	log  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBoard runs x84 with the given extra configuration until the test
// ends, then checks that it shut down cleanly and left no goroutine.
func startBoard(t *testing.T, conf string) *runningBoard {
	t.Helper()
	dir := t.TempDir()
	if strings.Contains(conf, "[telnet]\n") {
		conf = strings.Replace(conf, "[telnet]\n", "[telnet]\nport = 0\n", 1)
	} else {
		conf = "[telnet]\nport = 0\n" + conf
	}
	conf += "[ssh]\nenabled = false\n[web]\nport = 0\n"
	if err := os.WriteFile(filepath.Join(dir, x84.ConfigFile), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		// The foundation's tests run the terminal check on every session;
		// the board's own tests are in package board and cmd/x84.
		done <- x84.Run(ctx, x84.Options{DataDir: dir, Log: logs, Board: keyTest, Ready: func(a map[string]net.Addr) { ready <- a["telnet"] }})
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
		goleak.VerifyNone(t, goleak.IgnoreCurrent())
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &runningBoard{addr: addr.String(), dir: dir, log: logs}
}

// screen collects what a client receives and waits for text in it.
type screen struct {
	r   io.Reader
	mu  sync.Mutex
	buf []byte
	err error
	got chan struct{}
}

func newScreen(r io.Reader) *screen {
	s := &screen{r: r, got: make(chan struct{}, 1)}
	go s.loop()
	return s
}

func (s *screen) loop() {
	b := make([]byte, 4096)
	for {
		n, err := s.r.Read(b)
		s.mu.Lock()
		s.buf = append(s.buf, b[:n]...)
		if len(s.buf) > 1<<20 { // keep the tail only
			s.buf = append([]byte(nil), s.buf[len(s.buf)-256<<10:]...)
		}
		s.err = err
		s.mu.Unlock()
		select {
		case s.got <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// waitFor waits until the output contains text, and returns how long it
// took.
func (s *screen) waitFor(t *testing.T, text string) time.Duration {
	t.Helper()
	start := time.Now()
	if err := s.waitForErr(text); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

func (s *screen) waitForErr(text string) error {
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		found := bytes.Contains(s.buf, []byte(text))
		err := s.err
		s.mu.Unlock()
		if found {
			return nil
		}
		if err != nil {
			return fmt.Errorf("connection ended (%v) before %q appeared; got %q", err, text, s.tail())
		}
		select {
		case <-s.got:
		case <-deadline:
			return fmt.Errorf("%q did not appear; got %q", text, s.tail())
		}
	}
}

func (s *screen) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.buf[max(0, len(s.buf)-2000):])
}

func who(t *testing.T, b *runningBoard) []control.Who {
	t.Helper()
	c := control.NewClient(filepath.Join(b.dir, x84.SocketFile))
	defer c.Close()
	list, err := c.Who(t.Context())
	if err != nil {
		t.Fatalf("who: %v", err)
	}
	return list
}

// xterm is what Debian's telnet in an xterm says about itself.
var xterm = telnet.ClientConfig{TermTypes: []string{"XTERM-256COLOR"}, Cols: 100, Rows: 30, Binary: true, Env: map[string]string{"DISPLAY": ":0"}}

func dialTelnet(t *testing.T, b *runningBoard, cfg telnet.ClientConfig) (*telnet.ClientConn, *screen) {
	t.Helper()
	c, err := net.Dial("tcp", b.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	tc := telnet.NewClientConn(c, &cfg)
	return tc, newScreen(tc)
}

func TestTelnetSession(t *testing.T) {
	b := startBoard(t, "")
	tc, scr := dialTelnet(t, b, xterm)
	scr.waitFor(t, "xterm-256color")
	scr.waitFor(t, "100 × 30")
	scr.waitFor(t, "utf-8")
	list := who(t, b)
	if len(list) != 1 {
		t.Fatalf("who lists %d sessions; want 1", len(list))
	}
	w := list[0]
	if w.Node != 1 || w.Kind != "telnet" || w.Term != "xterm-256color" || w.Cols != 100 || w.Rows != 30 ||
		w.Encoding != "utf-8" || w.User != nil || w.Activity != "terminal check" {
		t.Errorf("who = %+v", w)
	}
	if _, err := time.Parse(time.RFC3339, w.ConnectedAt); err != nil {
		t.Errorf("connected_at %q: %v", w.ConnectedAt, err)
	}
	tc.Write([]byte("\x1b[A\x1b[15~é"))
	scr.waitFor(t, "Up F5 é")
	tc.Resize(132, 50)
	scr.waitFor(t, "132 × 50")
	if w := who(t, b)[0]; w.Cols != 132 || w.Rows != 50 {
		t.Errorf("who after resize: %dx%d; want 132x50", w.Cols, w.Rows)
	}
	tc.Write([]byte("q"))
	scr.waitFor(t, "Goodbye")
}

// TestRawClient is a client that never negotiates (nc): it gets its
// session after the no-answer timeout, in CP437 at 80x24.
func TestRawClient(t *testing.T) {
	b := startBoard(t, "")
	c, err := net.Dial("tcp", b.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	scr := newScreen(c)
	took := scr.waitFor(t, "Terminal type  \x1b[1munknown")
	scr.waitFor(t, "80 x 24") // × has no CP437 form
	scr.waitFor(t, "cp437")
	if took > 1500*time.Millisecond {
		t.Errorf("raw client waited %v for its session; want about 1s", took)
	}
	c.Write([]byte("a\n"))
	scr.waitFor(t, "a Enter")
}

func TestShutdownGoodbye(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, x84.ConfigFile), []byte("[telnet]\nport = 0\n[ssh]\nenabled = false\n[web]\nport = 0\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- x84.Run(ctx, x84.Options{DataDir: dir, Log: io.Discard, Board: keyTest, Ready: func(a map[string]net.Addr) { ready <- a["telnet"] }})
	}()
	b := &runningBoard{addr: (<-ready).String(), dir: dir}
	var screens []*screen
	for range 3 {
		_, scr := dialTelnet(t, b, xterm)
		scr.waitFor(t, "terminal check")
		screens = append(screens, scr)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, scr := range screens {
		scr.waitFor(t, "shutting down. Goodbye!")
	}
	if _, err := os.Stat(filepath.Join(dir, x84.SocketFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("control socket left behind: %v", err)
	}
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestHostileInput sends each kind of bad input and checks that the board
// neither panics nor hangs nor grows its memory, and still serves others.
func TestHostileInput(t *testing.T) {
	b := startBoard(t, "[telnet]\nmax_subnegotiation = 4096\n")
	const mib = 1 << 20
	tests := []struct {
		name string
		send func(c net.Conn) error
		// after, if set, is typed after the input and must show on screen.
		after, want string
	}{
		{"IAC NOP flood", func(c net.Conn) error {
			_, err := c.Write(bytes.Repeat([]byte{telnet.IAC, telnet.NOP}, 4*mib))
			return err
		}, "z", "Last key: \x1b[1;33mz"},
		{"endless subnegotiation", func(c net.Conn) error {
			c.Write([]byte{telnet.IAC, telnet.SB, telnet.OptNewEnviron})
			if _, err := c.Write(bytes.Repeat([]byte{'x'}, 8*mib)); err != nil {
				return err
			}
			_, err := c.Write([]byte{telnet.IAC, telnet.SE}) // it ends after all
			return err
		}, "z", "Last key: \x1b[1;33mz"},
		{"1 MiB without a newline", func(c net.Conn) error {
			_, err := c.Write(bytes.Repeat([]byte{'y'}, mib))
			return err
		}, "z", "Last key: \x1b[1;33mz"},
		{"invalid UTF-8", func(c net.Conn) error {
			_, err := c.Write([]byte("\xc3\x28\xa0\xa1\xed\xa0\x80"))
			return err
		}, "", "U+FFFD"},
	}
	before := heapInUse()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, scr := dialTelnet(t, b, xterm)
			scr.waitFor(t, "terminal check")
			c := rawOf(tc)
			errc := make(chan error, 1)
			go func() { errc <- tt.send(c) }()
			if err := <-errc; err != nil {
				t.Fatalf("sending: %v", err)
			}
			if tt.after != "" {
				tc.Write([]byte(tt.after))
			}
			if tt.want != "" {
				scr.waitFor(t, tt.want)
			}
			// The test's own screen keeps up to 1.25 MiB of output; the
			// server must add next to nothing for megabytes of input.
			if grown := int64(heapInUse()) - int64(before); grown > 4*mib {
				t.Errorf("heap grew by %.1f MiB", float64(grown)/mib)
			}
			// The board still serves a newcomer.
			_, other := dialTelnet(t, b, xterm)
			other.waitFor(t, "terminal check")
		})
	}
	if !strings.Contains(b.log.String(), "subnegotiation too long") {
		t.Errorf("the endless subnegotiation was not logged")
	}
}

// rawOf returns the network connection under a telnet client, to send
// bytes the client would escape.
func rawOf(tc *telnet.ClientConn) net.Conn { return tc.NetConn() }

// TestDisconnectDuringNegotiation hangs up mid-negotiation again and
// again with a per-address limit of one: a leaked count would lock the
// address out.
func TestDisconnectDuringNegotiation(t *testing.T) {
	b := startBoard(t, "[server]\nmax_per_address = 1\n")
	for range 20 {
		c, err := net.Dial("tcp", b.addr)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 24)
		io.ReadFull(c, buf)
		c.Write([]byte{telnet.IAC, telnet.WILL})
		c.Close()
	}
	// The server notices each hang-up on its own schedule; a caller
	// refused meanwhile is told so, and calls again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, scr := dialTelnet(t, b, xterm)
		if err := scr.waitForErr("terminal check"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("a real caller never got in after 20 aborted negotiations: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestManyFromOneAddress opens 500 connections from one address at once:
// the per-address limit lets 20 in and tells the rest why.
func TestManyFromOneAddress(t *testing.T) {
	b := startBoard(t, "[server]\nmax_per_address = 20\n")
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := 0
	var conns []net.Conn
	for range 500 {
		wg.Go(func() {
			c, err := net.Dial("tcp", b.addr)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 128)
			n, _ := io.ReadAtLeast(c, buf, 3)
			mu.Lock()
			defer mu.Unlock()
			conns = append(conns, c)
			if bytes.Contains(buf[:n], []byte("Too many connections")) {
				refused++
			}
		})
	}
	wg.Wait()
	if refused != 480 {
		t.Errorf("%d of 500 connections refused; want 480", refused)
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestIPv6(t *testing.T) {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	l.Close()
	b := startBoard(t, "[telnet]\naddress = \"::1\"\n")
	if !strings.HasPrefix(b.addr, "[::1]:") {
		t.Fatalf("listening on %s; want [::1]", b.addr)
	}
	_, scr := dialTelnet(t, b, xterm)
	scr.waitFor(t, "telnet from [::1]:")
	if w := who(t, b); len(w) != 1 || !strings.HasPrefix(w[0].RemoteAddr, "[::1]:") {
		t.Errorf("who = %+v; want one caller from [::1]", w)
	}
}

// keyTest serves every session with the keyboard test, instead of the
// default board.
func keyTest(*x84.Parts) (session.Handler, error) { return board.KeyTest(), nil }
