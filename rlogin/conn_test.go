package rlogin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/internal/nettest"
)

type serverResult struct {
	conn *Conn
	err  error
}

// startServer runs NewServerConn on c in a goroutine.
func startServer(ctx context.Context, c net.Conn, cfg *Config) <-chan serverResult {
	ch := make(chan serverResult, 1)
	go func() {
		conn, err := NewServerConn(ctx, c, cfg)
		ch <- serverResult{conn, err}
	}()
	return ch
}

// resizes records the calls to OnResize.
type resizes struct {
	mu  sync.Mutex
	got [][2]int
}

func (r *resizes) record(cols, rows int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, [2]int{cols, rows})
}

func (r *resizes) list() [][2]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][2]int(nil), r.got...)
}

func TestServerConnWithClient(t *testing.T) {
	tests := []struct {
		name string
		h    Handshake
	}{
		{"netkit", Handshake{ClientUser: "root", ServerUser: "bob", Term: "xterm-256color", Speed: 38400}},
		{"plink", Handshake{ServerUser: "bob", Term: "xterm", Speed: 38400}},
		{"syncterm", Handshake{ClientUser: "pw", ServerUser: "bob", Term: "ansi-bbs", Speed: 115200, SyncTERM: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, cc := nettest.TCPPair(t)
			var rs resizes
			res := startServer(t.Context(), sc, &Config{OnResize: rs.record})
			client, err := NewClientConn(cc, tt.h, 100, 30)
			if err != nil {
				t.Fatalf("NewClientConn: %v", err)
			}
			r := <-res
			if r.err != nil {
				t.Fatalf("NewServerConn: %v", r.err)
			}
			conn := r.conn
			defer conn.Close()
			if got := conn.Handshake(); got != tt.h {
				t.Errorf("Handshake() = %+v; want %+v", got, tt.h)
			}
			if cols, rows := conn.WindowSize(); cols != 100 || rows != 30 {
				t.Errorf("WindowSize() = %d, %d; want 100, 30", cols, rows)
			}

			// A resize after setup reaches OnResize from Read.
			if err := client.Resize(120, 40); err != nil {
				t.Fatal(err)
			}
			if _, err := client.Write([]byte("ab\r")); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 3)
			if _, err := io.ReadFull(conn, got); err != nil || string(got) != "ab\r" {
				t.Errorf("Read = %q, %v; want \"ab\\r\"", got, err)
			}
			if got := rs.list(); len(got) != 1 || got[0] != [2]int{120, 40} {
				t.Errorf("OnResize calls = %v; want [[120 40]]", got)
			}
			if cols, rows := conn.WindowSize(); cols != 120 || rows != 40 {
				t.Errorf("WindowSize() = %d, %d; want 120, 40", cols, rows)
			}

			// The urgent byte never shows in the client's data.
			if _, err := conn.Write([]byte("ok")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 2)
			if _, err := io.ReadFull(client, buf); err != nil || string(buf) != "ok" {
				t.Errorf("client Read = %q, %v; want \"ok\"", buf, err)
			}
		})
	}
}

func TestDial(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	res := make(chan serverResult, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			res <- serverResult{nil, err}
			return
		}
		conn, err := NewServerConn(context.Background(), c, nil)
		res <- serverResult{conn, err}
	}()
	h := Handshake{ClientUser: "load", ServerUser: "guest", Term: "ansi", Speed: 9600}
	client, err := Dial(t.Context(), l.Addr().String(), h, 80, 25)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer client.Close()
	r := <-res
	if r.err != nil {
		t.Fatalf("NewServerConn: %v", r.err)
	}
	defer r.conn.Close()
	if got := r.conn.Handshake(); got != h {
		t.Errorf("Handshake() = %+v; want %+v", got, h)
	}
	if cols, rows := r.conn.WindowSize(); cols != 80 || rows != 25 {
		t.Errorf("WindowSize() = %d, %d; want 80, 25", cols, rows)
	}
}

func TestClientRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		go func() {
			defer sc.Close()
			buf := make([]byte, 64)
			sc.Read(buf)
			sc.Write([]byte("\x01Permission denied.\n"))
		}()
		_, err := NewClientConn(cc, Handshake{ServerUser: "x", Term: "t"}, 80, 24)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("NewClientConn = %v; want ErrRefused", err)
		}
	})
}

// TestServerConnPipe covers the setup over net.Pipe, which cannot carry
// urgent data, in fake time: what the client sends (in separate writes)
// and how long NewServerConn takes.
func TestServerConnPipe(t *testing.T) {
	win := AppendWindowSize(nil, 100, 30, 0, 0)
	tests := []struct {
		name     string
		cfg      Config
		writes   [][]byte // after reading the NUL
		early    []byte   // sent with the handshake, in the same write
		wantDur  time.Duration
		wantSize [2]int
		wantData string
	}{
		{"window at once", Config{}, [][]byte{win}, nil, 0, [2]int{100, 30}, ""},
		{"no window", Config{}, nil, nil, 500 * time.Millisecond, [2]int{0, 0}, ""},
		{"no window, SizeWait 2s", Config{SizeWait: 2 * time.Second}, nil, nil, 2 * time.Second, [2]int{0, 0}, ""},
		{"no window, no wait", Config{SizeWait: -1}, nil, nil, 0, [2]int{0, 0}, ""},
		{"data with the handshake", Config{}, [][]byte{win}, []byte("hello"), 0, [2]int{100, 30}, "hello"},
		{"window with the handshake", Config{}, nil, cat([]byte("he"), win, []byte("llo")), 0, [2]int{100, 30}, "hello"},
		{"data before the window", Config{}, [][]byte{[]byte("ab"), win, []byte("cd")}, nil, 0, [2]int{100, 30}, "ab"},
		{"window split", Config{}, [][]byte{win[:5], win[5:]}, nil, 0, [2]int{100, 30}, ""},
		{"zero size", Config{}, [][]byte{AppendWindowSize(nil, 0, 0, 0, 0)}, nil, 0, [2]int{0, 0}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc, cc := net.Pipe()
				defer cc.Close()
				go func() {
					cc.Write(cat(netkitHandshake, tt.early))
					var b [1]byte
					if _, err := cc.Read(b[:]); err != nil || b[0] != 0 {
						return
					}
					for _, w := range tt.writes {
						cc.Write(w)
					}
				}()
				var rs resizes
				cfg := tt.cfg
				cfg.OnResize = rs.record
				start := time.Now()
				conn, err := NewServerConn(t.Context(), sc, &cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				if d := time.Since(start); d != tt.wantDur {
					t.Errorf("NewServerConn took %v; want %v", d, tt.wantDur)
				}
				if cols, rows := conn.WindowSize(); [2]int{cols, rows} != tt.wantSize {
					t.Errorf("WindowSize() = %d, %d; want %v", cols, rows, tt.wantSize)
				}
				if tt.wantData != "" {
					got := make([]byte, len(tt.wantData))
					if _, err := io.ReadFull(conn, got); err != nil || string(got) != tt.wantData {
						t.Errorf("Read = %q, %v; want %q", got, err, tt.wantData)
					}
				}
				if got := rs.list(); len(got) != 0 {
					t.Errorf("OnResize called with %v for the first size", got)
				}
				if err := conn.SendUrgent(ControlFlush); !errors.Is(err, ErrUrgentUnsupported) {
					t.Errorf("SendUrgent on a pipe = %v; want ErrUrgentUnsupported", err)
				}
			})
		})
	}
}

// TestServerConnBadInput checks each way a handshake can fail, in fake
// time: the error, when it comes, and that the connection is closed.
func TestServerConnBadInput(t *testing.T) {
	long := strings.Repeat("a", 5000)
	tests := []struct {
		name    string
		cfg     Config
		client  func(c net.Conn, cancel context.CancelFunc)
		wantErr error
		wantDur time.Duration
	}{
		{"silent", Config{}, func(net.Conn, context.CancelFunc) {}, ErrHandshakeTimeout, 5 * time.Second},
		{"no NULs", Config{}, func(c net.Conn, _ context.CancelFunc) { c.Write([]byte("hello\r\n")) },
			ErrHandshakeTimeout, 5 * time.Second},
		{"no NULs, over 4 KiB", Config{}, func(c net.Conn, _ context.CancelFunc) { c.Write([]byte(long)) },
			ErrHandshakeTooLong, 0},
		{"over 4096 bytes before the last NUL", Config{}, func(c net.Conn, _ context.CancelFunc) {
			c.Write(hs(true, "root", "bob", strings.Repeat("x", 4090)))
		}, ErrHandshakeTooLong, 0},
		{"over MaxHandshake", Config{MaxHandshake: 16}, func(c net.Conn, _ context.CancelFunc) { c.Write(netkitHandshake) },
			ErrHandshakeTooLong, 0},
		{"slow drip", Config{}, func(c net.Conn, _ context.CancelFunc) {
			for _, b := range netkitHandshake {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(time.Second) // fake time
			}
		}, ErrHandshakeTimeout, 5 * time.Second},
		{"slow drip, HandshakeTimeout 2s", Config{HandshakeTimeout: 2 * time.Second}, func(c net.Conn, _ context.CancelFunc) {
			for _, b := range netkitHandshake {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(300 * time.Millisecond)
			}
		}, ErrHandshakeTimeout, 2 * time.Second},
		{"closed mid-handshake", Config{}, func(c net.Conn, _ context.CancelFunc) {
			c.Write(netkitHandshake[:10])
			time.Sleep(time.Second)
			c.Close()
		}, io.ErrUnexpectedEOF, time.Second},
		{"closed at once", Config{}, func(c net.Conn, _ context.CancelFunc) {
			// Once the server waits for the handshake: a net.Pipe closed
			// before that refuses SetDeadline, which a TCP socket never does.
			synctest.Wait()
			c.Close()
		}, io.EOF, 0},
		{"cancelled mid-handshake", Config{}, func(c net.Conn, cancel context.CancelFunc) {
			c.Write(netkitHandshake[:10])
			time.Sleep(2 * time.Second)
			cancel()
		}, context.Canceled, 2 * time.Second},
		{"cancelled waiting for the window", Config{SizeWait: 3 * time.Second}, func(c net.Conn, cancel context.CancelFunc) {
			c.Write(netkitHandshake)
			var b [1]byte
			c.Read(b[:])
			time.Sleep(time.Second)
			cancel()
		}, context.Canceled, time.Second},
		{"client never reads the answer", Config{}, func(c net.Conn, _ context.CancelFunc) { c.Write(netkitHandshake) },
			ErrHandshakeTimeout, 5 * time.Second},
		{"telnet client", Config{}, func(c net.Conn, _ context.CancelFunc) { c.Write([]byte{0xFF, 0xFB, 0x18}) },
			ErrMalformed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				sc, cc := net.Pipe()
				defer cc.Close()
				done := make(chan struct{})
				go func() {
					defer close(done)
					tt.client(cc, cancel)
				}()
				start := time.Now()
				conn, err := NewServerConn(ctx, sc, &tt.cfg)
				if conn != nil || !errors.Is(err, tt.wantErr) {
					t.Fatalf("NewServerConn = %v, %v; want nil, %v", conn, err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "rlogin: ") && err != context.Canceled {
					t.Errorf("error %q does not start with the package name", err)
				}
				if d := time.Since(start); d != tt.wantDur {
					t.Errorf("NewServerConn failed after %v; want %v", d, tt.wantDur)
				}
				// The server closed its end: the client's writes fail.
				if _, err := sc.Write([]byte{1}); !errors.Is(err, io.ErrClosedPipe) {
					t.Errorf("server end after failure: Write = %v; want io.ErrClosedPipe", err)
				}
				cc.Close()
				<-done
			})
		})
	}
}

func TestServerConnExactMaxHandshake(t *testing.T) {
	// A handshake of exactly MaxHandshake bytes is accepted.
	in := hs(true, "root", "bob", strings.Repeat("x", 4096-11))
	if len(in) != 4096 {
		t.Fatalf("handshake of %d bytes", len(in))
	}
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		defer cc.Close()
		go func() {
			cc.Write(in)
			var b [1]byte
			cc.Read(b[:])
			cc.Write(AppendWindowSize(nil, 80, 24, 0, 0))
		}()
		conn, err := NewServerConn(t.Context(), sc, nil)
		if err != nil {
			t.Fatalf("NewServerConn with a %d-byte handshake: %v", len(in), err)
		}
		defer conn.Close()
		if got := conn.Handshake().Term; got != strings.Repeat("x", MaxField) {
			t.Errorf("Handshake().Term = %q; want %d x's", got, MaxField)
		}
	})
}

func TestServerConnCancelledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	sc, cc := net.Pipe()
	defer cc.Close()
	if conn, err := NewServerConn(ctx, sc, nil); conn != nil || err != context.Canceled {
		t.Fatalf("NewServerConn = %v, %v; want nil, context.Canceled", conn, err)
	}
	if _, err := sc.Write([]byte{1}); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("Write after failure = %v; want io.ErrClosedPipe", err)
	}
}

// TestReadAfterSetup checks Read with buffers of every small size, window
// messages split between writes, and the client's end of stream.
func TestReadAfterSetup(t *testing.T) {
	stream := cat([]byte("one\xff"), netkitWindow[:3], []byte{}, netkitWindow[3:], []byte("two\xff\xff\x73\x41"),
		netkitResize[:11], netkitResize[11:], []byte("three"), AppendWindowSize(nil, 0, 50, 0, 0), []byte("\xff"))
	wantData := "one\xfftwo\xff\xff\x73\x41three\xff"
	wantResizes := [][2]int{{100, 30}, {120, 40}, {120, 50}}
	for size := 1; size <= 80; size++ {
		synctest.Test(t, func(t *testing.T) {
			sc, cc := net.Pipe()
			go func() {
				defer cc.Close()
				cc.Write(plinkHandshake)
				var b [1]byte
				cc.Read(b[:])
				// Byte by byte, so that messages split everywhere.
				for i := range stream {
					if _, err := cc.Write(stream[i : i+1]); err != nil {
						return
					}
				}
			}()
			var rs resizes
			conn, err := NewServerConn(t.Context(), sc, &Config{SizeWait: -1, OnResize: rs.record})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var got []byte
			buf := make([]byte, size)
			for {
				n, err := conn.Read(buf)
				got = append(got, buf[:n]...)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
			}
			if string(got) != wantData {
				t.Errorf("Read with a %d-byte buffer = %q; want %q", size, got, wantData)
			}
			if r := rs.list(); len(r) != len(wantResizes) || r[0] != wantResizes[0] || r[1] != wantResizes[1] || r[2] != wantResizes[2] {
				t.Errorf("OnResize calls with a %d-byte buffer = %v; want %v", size, r, wantResizes)
			}
		})
	}
}

func TestReadErrorDuringSizeWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		go func() {
			cc.Write(netkitHandshake)
			var b [1]byte
			cc.Read(b[:])
			cc.Write([]byte("bye"))
			cc.Close()
		}()
		conn, err := NewServerConn(t.Context(), sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		got, err := io.ReadAll(conn)
		if string(got) != "bye" || err != nil {
			t.Errorf("ReadAll = %q, %v; want \"bye\", nil", got, err)
		}
	})
}

func TestWriteTimeout(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		deadline time.Duration // set with SetWriteDeadline if non-zero
		want     time.Duration
	}{
		{"default", Config{}, 0, time.Minute},
		{"configured", Config{WriteTimeout: 10 * time.Second}, 0, 10 * time.Second},
		{"earlier deadline", Config{}, 3 * time.Second, 3 * time.Second},
		{"later deadline", Config{}, time.Hour, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc, cc := net.Pipe()
				defer cc.Close()
				go func() {
					cc.Write(netkitHandshake)
					var b [1]byte
					cc.Read(b[:])
					cc.Write(netkitWindow)
					// and never reads again
				}()
				conn, err := NewServerConn(t.Context(), sc, &tt.cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				start := time.Now()
				if tt.deadline != 0 {
					conn.SetWriteDeadline(start.Add(tt.deadline))
				}
				if _, err := conn.Write([]byte("hello")); !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Errorf("Write to a client that does not read = %v; want a deadline error", err)
				}
				if d := time.Since(start); d != tt.want {
					t.Errorf("Write gave up after %v; want %v", d, tt.want)
				}
			})
		})
	}
}

// TestConcurrentWrites runs Write and SendUrgent against Read under the
// race detector: writes must arrive whole and in order per writer.
func TestConcurrentWrites(t *testing.T) {
	sc, cc := nettest.TCPPair(t)
	res := startServer(t.Context(), sc, &Config{OnResize: func(int, int) {}})
	client, err := NewClientConn(cc, Handshake{ServerUser: "bob", Term: "xterm"}, 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	conn := r.conn
	defer conn.Close()

	const writers, lines = 4, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			line := bytes.Repeat([]byte{'a' + byte(w)}, 100)
			for i := range lines {
				if _, err := conn.Write(line); err != nil {
					t.Errorf("Write: %v", err)
					return
				}
				if i%10 == 0 {
					conn.SendUrgent(ControlRaw)
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			client.Resize(80+i, 24)
		}
		client.Write([]byte("x"))
	})
	wg.Go(func() {
		var b [1]byte
		if _, err := io.ReadFull(conn, b[:]); err != nil || b[0] != 'x' {
			t.Errorf("Read = %q, %v; want x", b, err)
		}
	})
	// Urgent bytes sent close together reach the client in-band (TCP
	// marks one at a time), but only between writes.
	var got []byte
	buf := make([]byte, 4096)
	for len(got) < writers*lines*100 {
		n, err := client.Read(buf)
		for _, c := range buf[:n] {
			if c == ControlRaw {
				if len(got)%100 != 0 {
					t.Fatalf("urgent byte inside a write, after %d bytes", len(got))
				}
				continue
			}
			got = append(got, c)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for i := 0; i < len(got); i += 100 {
		if c := got[i]; c < 'a' || c >= 'a'+writers || !bytes.Equal(got[i:i+100], bytes.Repeat([]byte{c}, 100)) {
			t.Fatalf("client received a torn write at %d: %q", i, got[i:i+100])
		}
	}
	if cols, _ := conn.WindowSize(); cols != 99 {
		t.Errorf("WindowSize() cols = %d; want 99", cols)
	}
}
