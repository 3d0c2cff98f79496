package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/telnetd"
	"github.com/x84bbs/x84/telnet"
	"github.com/x84bbs/x84/term"

	"github.com/x84bbs/x84/internal/writetest"
)

// wsPair returns both ends of a WebSocket on loopback: the server's,
// accepted as upgrade accepts a terminal's, and a client's. The test
// must close both.
func wsPair(t *testing.T, protos ...string) (server, client *websocket.Conn) {
	t.Helper()
	accepted := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(&smallBuffers{ResponseWriter: w}, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled, Subprotocols: protos})
		if err != nil {
			t.Errorf("websocket.Accept: %v", err)
		}
		accepted <- ws
	}))
	// Close waits for the handler; the hijacked connection stays open.
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	client, _, err := websocket.Dial(ctx, "ws://"+srv.Listener.Addr().String(), &websocket.DialOptions{Subprotocols: protos})
	if err != nil {
		t.Fatalf("websocket.Dial: %v", err)
	}
	server = <-accepted
	if server == nil {
		client.CloseNow()
		t.FailNow()
	}
	return server, client
}

// cwTotal returns the length of all messages together.
func cwTotal(message func(g, m int) []byte) int {
	total := 0
	for g := range writetest.Writers {
		for m := range writetest.Messages {
			total += len(message(g, m))
		}
	}
	return total
}

// TestConcurrentWriteTerminal writes from several goroutines at once
// through a browser terminal's term.Conn, as a sysop's Disconnect writes
// while the session writes: each Write must reach the browser as one
// binary message holding exactly its bytes, every one exactly once
// (term.Conn's contract; termConn relies on websocket.Conn.Write, which
// is safe for concurrent use).
func TestConcurrentWriteTerminal(t *testing.T) {
	sws, cws := wsPair(t)
	defer cws.CloseNow()
	tc := newTermConn(sws, term.Info{Kind: term.KindWeb, Term: TermType, Size: term.DefaultSize, Encoding: term.UTF8})
	var conn term.Conn = tc

	message := func(g, m int) []byte { return writetest.Message(g, m, "\x1b[1;36m\xe2\x94\x80\r\n") }
	done := make(chan struct{})
	go func() {
		defer close(done)
		writetest.Write(t, conn, message)
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var got []byte
	frames, bad := 0, 0
	for total := cwTotal(message); len(got) < total; frames++ {
		typ, b, err := cws.Read(ctx)
		if err != nil {
			t.Fatalf("client Read after %d messages (%d bytes): %v", frames, len(got), err)
		}
		if typ != websocket.MessageBinary || len(b) == 0 || b[0] != '<' || bytes.IndexByte(b, '>') != len(b)-1 {
			if bad++; bad <= 5 {
				t.Errorf("client message %d = %v %q; want binary, one whole message", frames, typ, b)
			}
		}
		got = append(got, b...)
	}
	<-done
	if frames != writetest.Writers*writetest.Messages {
		t.Errorf("client received %d WebSocket messages; want %d, one a Write", frames, writetest.Writers*writetest.Messages)
	}
	writetest.Check(t, got, message)

	// Close: the browser answers the close handshake by reading on.
	conn.Close()
	if _, b, err := cws.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("client Read after Close = %q, %v; want a normal closure", b, err)
	}
	<-tc.closed
}

// TestConcurrentWriteWebTelnet does the same through a telnet terminal
// inside a WebSocket (/ws/telnet), the web's other term.Conn: telnet's
// encoding (IAC doubled, LF as CR LF) must reach the client intact.
func TestConcurrentWriteWebTelnet(t *testing.T) {
	sws, cws := wsPair(t, "telnet")
	defer cws.CloseNow()
	fc := newFrameConn(sws, 1<<20)
	defer fc.wait()

	// The client answers negotiation, so it must read from the start.
	nc := websocket.NetConn(context.Background(), cws, websocket.MessageBinary)
	defer nc.Close()
	client := telnet.NewClientConn(nc, &telnet.ClientConfig{TermTypes: []string{"XTERM-256COLOR"}, Cols: 80, Rows: 24, Binary: true, Env: map[string]string{}})
	data := make(chan []byte, 64)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(stop)
	wg.Go(func() {
		defer close(data)
		buf := make([]byte, 4096)
		for {
			n, err := client.Read(buf)
			if n > 0 {
				select {
				case data <- append([]byte(nil), buf[:n]...):
				case <-stop:
					return
				}
			}
			if err != nil {
				return
			}
		}
	})

	p := &telnetd.Protocol{Config: telnet.Config{Timeout: 500 * time.Millisecond, Limit: 700 * time.Millisecond}}
	tc, err := p.Open(t.Context(), fc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var conn term.Conn = webKind{tc}
	defer conn.Close()

	message := func(g, m int) []byte { return writetest.Message(g, m, "\xff\n\xff\xff\r\n") }
	// What the client's decoder makes of the package's encoding.
	decoded := func(g, m int) []byte {
		wire := (&telnet.Encoder{NVT: true}).Append(nil, message(g, m))
		return telnet.NewDecoder(0).Decode(nil, wire, func(telnet.Event) {})
	}
	total := cwTotal(decoded)
	done := make(chan struct{})
	go func() {
		defer close(done)
		writetest.Write(t, conn, message)
	}()
	got := writetest.Collect(t, data, total)
	<-done
	if len(got) != total {
		t.Errorf("client received %d bytes; want %d", len(got), total)
	}
	writetest.Check(t, got, decoded)
}
