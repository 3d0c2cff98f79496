package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// testFrame returns a binary frame with a payload of n bytes of fill.
func testFrame(n int, masked bool, fill byte) []byte {
	var mask byte
	if masked {
		mask = 0x80
	}
	h := []byte{0x82}
	switch {
	case n < 126:
		h = append(h, mask|byte(n))
	case n <= 0xffff:
		h = binary.BigEndian.AppendUint16(append(h, mask|126), uint16(n))
	default:
		h = binary.BigEndian.AppendUint64(append(h, mask|127), uint64(n))
	}
	if masked {
		h = append(h, 1, 2, 3, 4)
	}
	return append(h, bytes.Repeat([]byte{fill}, n)...)
}

// writeLog records the writes made to it.
type writeLog struct {
	mu     sync.Mutex
	writes [][]byte
}

func (l *writeLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, bytes.Clone(p))
	return len(p), nil
}

// take returns the writes since the last take.
func (l *writeLog) take() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.writes
	l.writes = nil
	return w
}

var frameSizes = []int{0, 1, 12, 13, 14, 100, 125, 126, 1000, joinBufSize - 5, joinBufSize - 4, joinBufSize, 65535, 65536, 100000}

// TestFrameWriter writes frames as the websocket package does, through
// a bufio.Writer of wsWriteBufSize: each frame that fits joinBufSize
// must reach the connection in one write, a bigger one in two, and no
// buffer may be held between frames.
func TestFrameWriter(t *testing.T) {
	t.Parallel()
	for _, masked := range []bool{false, true} {
		log := &writeLog{}
		fw := &frameWriter{w: log}
		bw := bufio.NewWriterSize(fw, wsWriteBufSize)
		for i, n := range frameSizes {
			f := testFrame(n, masked, byte(i))
			hl := frameHeaderLen(f)
			bw.WriteByte(f[0])
			bw.Write(f[1:hl])
			bw.Write(f[hl:])
			if err := bw.Flush(); err != nil {
				t.Fatal(err)
			}
			got := log.take()
			if !bytes.Equal(bytes.Join(got, nil), f) {
				t.Errorf("masked %v, payload %d: wrote %d bytes; want the frame's %d", masked, n, len(bytes.Join(got, nil)), len(f))
			}
			want := 1
			if len(f) > joinBufSize {
				want = 2
			}
			if len(got) != want {
				t.Errorf("masked %v, payload %d: frame of %d bytes went out in %d writes; want %d", masked, n, len(f), len(got), want)
			}
			if fw.held != nil {
				t.Errorf("masked %v, payload %d: a buffer is held after the frame", masked, n)
			}
		}
	}
}

// FuzzFrameWriter writes frames to a frameWriter in pieces of any size:
// the bytes must go out intact and in order, and nothing may be held
// once the last frame is complete.
func FuzzFrameWriter(f *testing.F) {
	f.Add([]byte{0, 0, 5, 0x80, 1, 0}, []byte{1, 2, 3})
	f.Add([]byte{0, 0, 125, 0, 0, 126, 1, 0, 0}, []byte{0, 200, 7})
	f.Add([]byte{0x81, 0x11, 0x70}, []byte{255, 1})
	f.Fuzz(func(t *testing.T, spec, cuts []byte) {
		if len(spec) > 24 || len(cuts) > 64 {
			return
		}
		var stream []byte
		for i := 0; i+3 <= len(spec); i += 3 {
			n := (int(spec[i]&0x7f)<<16 | int(spec[i+1])<<8 | int(spec[i+2])) % 70000
			stream = append(stream, testFrame(n, spec[i]&0x80 != 0, byte(i))...)
		}
		log := &writeLog{}
		fw := &frameWriter{w: log}
		rest := stream
		for _, c := range cuts {
			n := min(int(c)*37+1, len(rest))
			fw.Write(rest[:n])
			rest = rest[n:]
		}
		fw.Write(rest)
		if got := bytes.Join(log.take(), nil); !bytes.Equal(got, stream) {
			t.Fatalf("wrote %d bytes; want the %d of the frames, the same", len(got), len(stream))
		}
		if fw.held != nil {
			t.Fatalf("a buffer is held after the last frame")
		}
	})
}

// TestSmallBuffers runs a WebSocket through smallBuffers, as upgrade
// does, both ways: messages of every size arrive intact, each written
// to the connection in one write while it fits joinBufSize, with no
// buffer held in between; a frame the client sends with its request,
// before the reply, is read.
func TestSmallBuffers(t *testing.T) {
	t.Parallel()
	log := &writeLog{}
	handlerErr := make(chan error, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sb := &smallBuffers{ResponseWriter: w}
		ws, err := websocket.Accept(sb, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			handlerErr <- err
			return
		}
		defer ws.CloseNow()
		handlerErr <- echo(ws, sb, log)
	}))
	srv.Listener = &loggingListener{srv.Listener, log}
	srv.Start()
	defer srv.Close()

	// The request and a first frame in one write.
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := c.Write(append([]byte(req), maskedFrame([]byte("early"))...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v, %v", resp, err)
	}
	if got := readFrame(t, br); string(got) != "early" {
		t.Fatalf("echo of the early frame = %q; want %q", got, "early")
	}
	for i, n := range frameSizes {
		msg := bytes.Repeat([]byte{byte(i)}, n)
		if _, err := c.Write(maskedFrame(msg)); err != nil {
			t.Fatal(err)
		}
		if got := readFrame(t, br); !bytes.Equal(got, msg) {
			t.Errorf("echo of %d bytes = %d bytes; want the same", n, len(got))
		}
	}
	c.Close()
	if err := <-handlerErr; err != nil {
		t.Error(err)
	}
}

// echo sends back every message, checking how each went out.
func echo(ws *websocket.Conn, sb *smallBuffers, log *writeLog) error {
	ctx := context.Background()
	ws.SetReadLimit(-1)
	log.take() // the 101 reply
	for {
		_, msg, err := ws.Read(ctx)
		if err != nil {
			return nil // the client hung up
		}
		if err := ws.Write(ctx, websocket.MessageBinary, msg); err != nil {
			return err
		}
		writes := log.take()
		frame := testFrame(len(msg), false, 0)
		want := 1
		if len(frame) > joinBufSize {
			want = 2
		}
		if len(writes) != want || len(bytes.Join(writes, nil)) != len(frame) {
			return fmt.Errorf("message of %d bytes went out in %d writes of %d bytes; want %d of %d", len(msg), len(writes), len(bytes.Join(writes, nil)), want, len(frame))
		}
		if sb.fw.held != nil {
			return fmt.Errorf("a buffer is held after a message of %d bytes", len(msg))
		}
	}
}

// loggingListener logs the writes to its connections.
type loggingListener struct {
	net.Listener
	log *writeLog
}

func (l *loggingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &loggingConn{c, l.log}, nil
}

type loggingConn struct {
	net.Conn
	log *writeLog
}

func (c *loggingConn) Write(p []byte) (int, error) {
	c.log.Write(p)
	return c.Conn.Write(p)
}

// maskedFrame returns a client's binary frame carrying p.
func maskedFrame(p []byte) []byte {
	f := testFrame(len(p), true, 0)
	key := f[frameHeaderLen(f)-4 : frameHeaderLen(f)]
	payload := f[frameHeaderLen(f):]
	for i, b := range p {
		payload[i] = b ^ key[i%4]
	}
	return f
}

// readFrame reads a server's frame and returns its payload.
func readFrame(t *testing.T, r io.Reader) []byte {
	t.Helper()
	h := make([]byte, 2, maxFrameHeader)
	if _, err := io.ReadFull(r, h); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	h = h[:frameHeaderLen(h)]
	if _, err := io.ReadFull(r, h[2:]); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	p := make([]byte, framePayloadLen(h))
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	return p
}
