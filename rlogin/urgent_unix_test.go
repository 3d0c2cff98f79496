//go:build unix

package rlogin

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/x84bbs/x84/internal/nettest"
)

// peekWait blocks until c has ordinary data to read, without reading it:
// reading past the urgent mark would make the kernel forget the urgent
// byte, while data sent after it proves that it has arrived.
func peekWait(t *testing.T, c net.Conn) {
	t.Helper()
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	var perr error
	err = rc.Read(func(fd uintptr) bool {
		_, _, perr = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		return perr != syscall.EAGAIN
	})
	if err != nil || perr != nil {
		t.Fatalf("peek: %v, %v", err, perr)
	}
}

// recvUrgent reads the pending urgent byte of c with MSG_OOB, which
// succeeds only if it was sent as out-of-band data.
func recvUrgent(t *testing.T, c net.Conn) byte {
	t.Helper()
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	var n int
	var rerr error
	if err := rc.Control(func(fd uintptr) { n, _, rerr = syscall.Recvfrom(int(fd), b[:], syscall.MSG_OOB) }); err != nil {
		t.Fatal(err)
	}
	if rerr != nil || n != 1 {
		t.Fatalf("recvfrom(MSG_OOB) = %d, %v; want 1 urgent byte", n, rerr)
	}
	return b[0]
}

// TestServerConnUrgent runs the setup over loopback TCP with a client
// written at the byte level, and checks that the window request and a
// later control byte really arrive out of band.
func TestServerConnUrgent(t *testing.T) {
	sc, cc := nettest.TCPPair(t)
	var rs resizes
	res := startServer(t.Context(), sc, &Config{OnResize: rs.record})

	// Handshake and first data in one write, as a fast client may send.
	if _, err := cc.Write(cat(netkitHandshake, []byte("hello"))); err != nil {
		t.Fatal(err)
	}
	var nul [1]byte
	if _, err := io.ReadFull(cc, nul[:]); err != nil || nul[0] != 0 {
		t.Fatalf("server's answer = % x, %v; want 00", nul, err)
	}
	if _, err := cc.Write(netkitWindow); err != nil {
		t.Fatal(err)
	}
	r := <-res
	if r.err != nil {
		t.Fatalf("NewServerConn: %v", r.err)
	}
	conn := r.conn
	defer conn.Close()
	want := Handshake{ClientUser: "root", ServerUser: "bob", Term: "xterm-256color", Speed: 38400}
	if got := conn.Handshake(); got != want {
		t.Errorf("Handshake() = %+v; want %+v", got, want)
	}
	if cols, rows := conn.WindowSize(); cols != 100 || rows != 30 {
		t.Errorf("WindowSize() = %d, %d; want 100, 30", cols, rows)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "hello" {
		t.Errorf("Read = %q, %v; want \"hello\"", got, err)
	}

	for _, tt := range []struct {
		name   string
		urgent func() error
		want   byte
	}{
		{"window request", func() error { return nil }, ControlWindow},
		{"flush", func() error { return conn.SendUrgent(ControlFlush) }, ControlFlush},
		{"raw", func() error { return conn.SendUrgent(ControlRaw) }, ControlRaw},
		{"cooked", func() error { return conn.SendUrgent(ControlCooked) }, ControlCooked},
	} {
		if err := tt.urgent(); err != nil {
			t.Fatalf("%s: SendUrgent: %v", tt.name, err)
		}
		if _, err := conn.Write([]byte("ok")); err != nil {
			t.Fatal(err)
		}
		peekWait(t, cc)
		if b := recvUrgent(t, cc); b != tt.want {
			t.Errorf("%s: urgent byte %#02x; want %#02x", tt.name, b, tt.want)
		}
		// In band there is only the data: the urgent byte is not in it.
		buf := make([]byte, 2)
		if _, err := io.ReadFull(cc, buf); err != nil || string(buf) != "ok" {
			t.Errorf("%s: client read %q, %v; want \"ok\"", tt.name, buf, err)
		}
	}

	// A resize after setup reaches OnResize.
	if _, err := cc.Write(cat(netkitResize, []byte("x"))); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(conn, got[:1]); err != nil || got[0] != 'x' {
		t.Errorf("Read = %q, %v; want \"x\"", got[:1], err)
	}
	if got := rs.list(); len(got) != 1 || got[0] != [2]int{120, 40} {
		t.Errorf("OnResize calls = %v; want [[120 40]]", got)
	}
}

// TestUrgentAsksForWindowUntilSized: while a client has sent no window
// size (it may have missed the first request), every control byte asks
// for one again; once it has, control bytes go alone.
func TestUrgentAsksForWindowUntilSized(t *testing.T) {
	sc, cc := nettest.TCPPair(t)
	res := startServer(t.Context(), sc, &Config{SizeWait: -1})
	if _, err := cc.Write(netkitHandshake); err != nil {
		t.Fatal(err)
	}
	var nul [1]byte
	if _, err := io.ReadFull(cc, nul[:]); err != nil || nul[0] != 0 {
		t.Fatalf("server's answer = % x, %v; want 00", nul, err)
	}
	r := <-res
	if r.err != nil {
		t.Fatalf("NewServerConn: %v", r.err)
	}
	conn := r.conn
	defer conn.Close()
	send := func(b byte) byte {
		t.Helper()
		if b != 0 {
			if err := conn.SendUrgent(b); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := conn.Write([]byte("ok")); err != nil {
			t.Fatal(err)
		}
		peekWait(t, cc)
		got := recvUrgent(t, cc)
		buf := make([]byte, 2)
		if _, err := io.ReadFull(cc, buf); err != nil || string(buf) != "ok" {
			t.Fatalf("client read %q, %v; want \"ok\"", buf, err)
		}
		return got
	}
	if b := send(0); b != ControlWindow {
		t.Fatalf("first urgent byte %#02x; want the window request", b)
	}
	if b := send(ControlRaw); b != ControlRaw|ControlWindow {
		t.Errorf("raw before any size: urgent byte %#02x; want %#02x", b, ControlRaw|ControlWindow)
	}
	if _, err := cc.Write(cat(netkitWindow, []byte("x"))); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 1)
	if _, err := io.ReadFull(conn, got); err != nil || got[0] != 'x' {
		t.Fatalf("Read = %q, %v; want \"x\"", got, err)
	}
	if b := send(ControlRaw); b != ControlRaw {
		t.Errorf("raw after a size: urgent byte %#02x; want %#02x alone", b, ControlRaw)
	}
}

// TestUrgentUnixSocket checks that setup completes on a Unix socket,
// whether or not it can carry urgent data.
func TestUrgentUnixSocket(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("unix", dir+"/s")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		acc <- c
	}()
	cc, err := net.Dial("unix", dir+"/s")
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	sc := <-acc
	if sc == nil {
		t.Fatal("accept failed")
	}
	res := startServer(t.Context(), sc, nil)
	client, err := NewClientConn(cc, Handshake{ServerUser: "bob", Term: "xterm"}, 90, 20)
	if err != nil {
		t.Fatal(err)
	}
	r := <-res
	if r.err != nil {
		t.Fatalf("NewServerConn on a Unix socket: %v", r.err)
	}
	defer r.conn.Close()
	if cols, rows := r.conn.WindowSize(); cols != 90 || rows != 20 {
		t.Errorf("WindowSize() = %d, %d; want 90, 20", cols, rows)
	}
	// Linux has urgent data on Unix sockets since 5.15; elsewhere it is
	// unsupported.
	if err := r.conn.SendUrgent(ControlFlush); err != nil && !errors.Is(err, ErrUrgentUnsupported) {
		t.Errorf("SendUrgent on a Unix socket = %v; want nil or ErrUrgentUnsupported", err)
	}
	client.Close()
}
