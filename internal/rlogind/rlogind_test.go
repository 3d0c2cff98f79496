//go:build unix

package rlogind

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/x84bbs/x84/rlogin"
	"github.com/x84bbs/x84/term"

	"github.com/x84bbs/x84/internal/nettest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type opened struct {
	conn term.Conn
	err  error
}

// open runs Open in a goroutine, as the server does for each connection.
func open(ctx context.Context, p *Protocol, c net.Conn) <-chan opened {
	ch := make(chan opened, 1)
	go func() {
		tc, err := p.Open(ctx, c)
		ch <- opened{tc, err}
	}()
	return ch
}

// urgentTimeout bounds the wait for an urgent byte.
const urgentTimeout = 5 * time.Second

// recvUrgent waits for the next urgent byte of c and reads it with
// MSG_OOB, which succeeds only for out-of-band data. Go's poller does not
// wake on urgent data, so it polls: EINVAL means none is pending (or the
// last was read), EAGAIN that its pointer came but not yet the byte.
func recvUrgent(t *testing.T, c net.Conn) byte {
	t.Helper()
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(urgentTimeout)
	for {
		var b [1]byte
		var n int
		var rerr error
		if err := rc.Control(func(fd uintptr) { n, _, rerr = syscall.Recvfrom(int(fd), b[:], syscall.MSG_OOB) }); err != nil {
			t.Fatal(err)
		}
		switch {
		case rerr == nil && n == 1:
			return b[0]
		case rerr == nil, errors.Is(rerr, syscall.EINVAL), errors.Is(rerr, syscall.EAGAIN), errors.Is(rerr, syscall.EWOULDBLOCK):
		default:
			t.Fatalf("recvfrom(MSG_OOB) = %d, %v", n, rerr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no urgent byte within %v (last recvfrom: %d, %v)", urgentTimeout, n, rerr)
		}
		time.Sleep(time.Millisecond)
	}
}

// windowMessage is the client's window size: magic, then rows, columns
// and pixel sizes as big-endian uint16.
func windowMessage(cols, rows int) []byte {
	return []byte{0xff, 0xff, 's', 's', byte(rows >> 8), byte(rows), byte(cols >> 8), byte(cols), 0, 0, 0, 0}
}

// TestOpen connects a client written at the byte level and checks the
// terminal Open makes of the handshake, and that the raw-mode control
// byte reaches the client as urgent data.
//
// The rlogin server first asks for the window size with urgent 0x80 and,
// until a size has come, sets that bit in every later control byte too.
// TCP keeps one urgent byte: when the raw byte overtakes an unread 0x80,
// the client sees only the raw one. So a client that answers with its
// size gets 0x10 alone; one that does not gets 0x90 (raw, and the
// request again). The client reads the urgent byte, and one more if the
// first was the bare window request.
func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handshake string
		size      *term.Size // the window size the client sends, if any
		want      term.Info  // Kind, RemoteAddr and Size are filled in
		urgent    byte
	}{
		{
			name:      "bsd, answers the window request",
			handshake: "\x00cuser\x00suser\x00xterm/38400\x00",
			size:      &term.Size{Cols: 100, Rows: 30},
			want:      term.Info{Term: "xterm", User: "suser", Encoding: term.UTF8},
			urgent:    rlogin.ControlRaw,
		},
		{
			name:      "bsd, never sends a size",
			handshake: "\x00cuser\x00suser\x00xterm/38400\x00",
			want:      term.Info{Term: "xterm", User: "suser", Encoding: term.UTF8},
			urgent:    rlogin.ControlRaw | rlogin.ControlWindow,
		},
		{
			name:      "bsd, no terminal type",
			handshake: "\x00\x00guest\x00\x00",
			size:      &term.Size{Cols: 80, Rows: 25},
			want:      term.Info{Term: term.UnknownTerm, User: "guest", Encoding: term.UTF8},
			urgent:    rlogin.ControlRaw,
		},
		{
			name:      "bsd, ANSI-BBS terminal",
			handshake: "\x00cuser\x00suser\x00ANSI-BBS/9600\x00",
			size:      &term.Size{Cols: 80, Rows: 25},
			want:      term.Info{Term: "ansi-bbs", User: "suser", Encoding: term.CP437},
			urgent:    rlogin.ControlRaw,
		},
		{
			name:      "syncterm form",
			handshake: "password\x00suser\x00xterm/115200\x00",
			size:      &term.Size{Cols: 132, Rows: 60},
			want:      term.Info{Term: "xterm", User: "suser", Encoding: term.CP437},
			urgent:    rlogin.ControlRaw,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, cc := nettest.TCPPair(t)
			res := open(t.Context(), &Protocol{}, sc)

			if _, err := cc.Write([]byte(tt.handshake)); err != nil {
				t.Fatal(err)
			}
			var nul [1]byte
			if _, err := io.ReadFull(cc, nul[:]); err != nil || nul[0] != 0 {
				t.Fatalf("server's answer = % x, %v; want 00", nul, err)
			}
			if tt.size != nil {
				if _, err := cc.Write(windowMessage(tt.size.Cols, tt.size.Rows)); err != nil {
					t.Fatal(err)
				}
			}
			r := <-res
			if r.err != nil {
				t.Fatalf("Open: %v", r.err)
			}
			tc := r.conn
			defer tc.Close()

			// Nothing in band has been read past the urgent marks yet, so
			// the kernel still holds the newest urgent byte. The bare
			// window request comes first if the client reads it before
			// the raw byte arrives; then the raw byte follows.
			got := []byte{recvUrgent(t, cc)}
			if got[0] == rlogin.ControlWindow {
				got = append(got, recvUrgent(t, cc))
			}
			if last := got[len(got)-1]; last != tt.urgent {
				t.Errorf("urgent bytes % x; want %#02x last", got, tt.urgent)
			}

			want := tt.want
			want.Kind = term.KindRlogin
			want.RemoteAddr = cc.LocalAddr()
			want.Size = term.DefaultSize
			if tt.size != nil {
				want.Size = *tt.size
			}
			info := tc.Info()
			if info.RemoteAddr == nil || info.RemoteAddr.String() != want.RemoteAddr.String() {
				t.Errorf("Info().RemoteAddr = %v; want %v", info.RemoteAddr, want.RemoteAddr)
			}
			info.RemoteAddr = want.RemoteAddr
			if info.Kind != want.Kind || info.Term != want.Term || info.Size != want.Size ||
				info.User != want.User || info.Encoding != want.Encoding || info.UserVerified || info.Env != nil {
				t.Errorf("Info() = %+v\nwant     %+v", info, want)
			}

			// Data flows both ways, and the urgent byte is not in it.
			if _, err := tc.Write([]byte("ok")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 2)
			if _, err := io.ReadFull(cc, buf); err != nil || string(buf) != "ok" {
				t.Errorf("client read %q, %v; want \"ok\"", buf, err)
			}
			// A later window size reaches Resized, and is not data.
			if _, err := cc.Write(append(windowMessage(120, 40), 'x')); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(tc, buf[:1]); err != nil || buf[0] != 'x' {
				t.Errorf("server read %q, %v; want \"x\"", buf[:1], err)
			}
			select {
			case s := <-tc.Resized():
				if s != (term.Size{Cols: 120, Rows: 40}) {
					t.Errorf("Resized() sent %+v; want 120x40", s)
				}
			default:
				t.Error("Resized() has no size after a window message")
			}
		})
	}
}

// TestOpenHandshakeError: a client that is not rlogin gets no terminal,
// and its connection is closed.
func TestOpenHandshakeError(t *testing.T) {
	t.Parallel()
	sc, cc := nettest.TCPPair(t)
	res := open(t.Context(), &Protocol{}, sc)
	if _, err := cc.Write([]byte("\xff\xfb\x01")); err != nil { // telnet's IAC WILL ECHO
		t.Fatal(err)
	}
	r := <-res
	var he *rlogin.HandshakeError
	if !errors.As(r.err, &he) || r.conn != nil {
		t.Fatalf("Open = %v, %v; want a *rlogin.HandshakeError", r.conn, r.err)
	}
	cc.SetReadDeadline(time.Now().Add(urgentTimeout))
	if n, err := cc.Read(make([]byte, 1)); err == nil {
		t.Errorf("client read %d bytes; want the connection closed", n)
	}
}

func TestRefusalLine(t *testing.T) {
	if got := (&Protocol{}).RefusalLine("Too many callers."); got != "\x00Too many callers.\r\n" {
		t.Errorf("RefusalLine = %q", got)
	}
}
