package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/telnetd"
	"github.com/x84bbs/x84/telnet"
	"github.com/x84bbs/x84/term"
)

// The concurrent-write tests have cwWriters goroutines write cwMessages
// distinct messages each through one connection at the same time.
const (
	cwWriters  = 8
	cwMessages = 50
)

// cwMessage returns writer g's message m: "<g03-m017:", its label
// repeated to a few hundred bytes with mid in the middle, and ">". Only
// the ends are '<' and '>', so a stream splits back into messages at '>'.
func cwMessage(g, m int, mid string) []byte {
	label := fmt.Sprintf("g%02d-m%03d", g, m)
	size := 200 + (g*37+m*13)%200
	b := make([]byte, 0, size+len(mid)+16)
	b = append(b, '<')
	b = append(b, label...)
	b = append(b, ':')
	for i := 0; len(b) < size; i++ {
		if i == 8 {
			b = append(b, mid...)
		}
		b = append(b, label...)
		b = append(b, '.')
	}
	return append(b, '>')
}

// cwParseLabel reads the writer and message numbers of "<gGG-mMMM:".
func cwParseLabel(p []byte) (g, m int, ok bool) {
	if len(p) < 10 || p[0] != '<' || p[1] != 'g' || p[4] != '-' || p[5] != 'm' || p[9] != ':' {
		return 0, 0, false
	}
	g, err1 := strconv.Atoi(string(p[2:4]))
	m, err2 := strconv.Atoi(string(p[6:9]))
	if err1 != nil || err2 != nil || g >= cwWriters || m >= cwMessages {
		return 0, 0, false
	}
	return g, m, true
}

// cwCheck splits what the client received into messages and checks that
// each is whole (equal to want(g, m) for the label it starts with), that
// every message came exactly once, and each writer's in the order
// written.
func cwCheck(t *testing.T, stream []byte, want func(g, m int) []byte) {
	t.Helper()
	var seen [cwWriters][cwMessages]int
	var next [cwWriters]int
	bad := 0
	for i := 0; len(stream) > 0 && bad < 5; i++ {
		end := bytes.IndexByte(stream, '>')
		if end < 0 {
			t.Errorf("the stream ends with %q, not a whole message", stream)
			bad++
			break
		}
		piece := stream[:end+1]
		stream = stream[end+1:]
		g, m, ok := cwParseLabel(piece)
		if !ok {
			t.Errorf("message %d = %q; want one starting <gGG-mMMM:", i, piece)
			bad++
			continue
		}
		if w := want(g, m); !bytes.Equal(piece, w) {
			t.Errorf("message %d = %q; want %q (interleaved)", i, piece, w)
			bad++
		}
		seen[g][m]++
		if m != next[g] {
			t.Errorf("message %d is writer %d's m%03d; want m%03d (writes out of order)", i, g, m, next[g])
			bad++
		}
		next[g] = m + 1
	}
	if bad > 0 {
		return
	}
	for g := range seen {
		for m, n := range seen[g] {
			if n != 1 {
				t.Errorf("writer %d's m%03d received %d times; want 1", g, m, n)
			}
		}
	}
}

// cwWrite has cwWriters goroutines write their messages through w at
// once, and returns when all have finished.
func cwWrite(t *testing.T, w io.Writer, msg func(g, m int) []byte) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range cwWriters {
		wg.Go(func() {
			<-start
			for m := range cwMessages {
				p := msg(g, m)
				if n, err := w.Write(p); n != len(p) || err != nil {
					t.Errorf("Write(%.12q…) = %d, %v; want %d, nil", p, n, err, len(p))
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
}

// wsPair returns both ends of a WebSocket on loopback: the server's,
// accepted as upgrade accepts a terminal's, and a client's. The test
// must close both.
func wsPair(t *testing.T, protos ...string) (server, client *websocket.Conn) {
	t.Helper()
	accepted := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled, Subprotocols: protos})
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
	for g := range cwWriters {
		for m := range cwMessages {
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

	message := func(g, m int) []byte { return cwMessage(g, m, "\x1b[1;36m\xe2\x94\x80\r\n") }
	done := make(chan struct{})
	go func() {
		defer close(done)
		cwWrite(t, conn, message)
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
	if frames != cwWriters*cwMessages {
		t.Errorf("client received %d WebSocket messages; want %d, one a Write", frames, cwWriters*cwMessages)
	}
	cwCheck(t, got, message)

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

	message := func(g, m int) []byte { return cwMessage(g, m, "\xff\n\xff\xff\r\n") }
	// What the client's decoder makes of the package's encoding.
	decoded := func(g, m int) []byte {
		wire := (&telnet.Encoder{NVT: true}).Append(nil, message(g, m))
		return telnet.NewDecoder(0).Decode(nil, wire, func(telnet.Event) {})
	}
	total := cwTotal(decoded)
	done := make(chan struct{})
	go func() {
		defer close(done)
		cwWrite(t, conn, message)
	}()
	var got []byte
	timeout := time.After(10 * time.Second)
	for len(got) < total {
		select {
		case b, ok := <-data:
			if !ok {
				t.Fatalf("client's stream ended after %d bytes; want %d", len(got), total)
			}
			got = append(got, b...)
		case <-timeout:
			t.Fatalf("client received %d bytes in 10s; want %d", len(got), total)
		}
	}
	<-done
	if len(got) != total {
		t.Errorf("client received %d bytes; want %d", len(got), total)
	}
	cwCheck(t, got, decoded)
}
