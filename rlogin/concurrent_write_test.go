package rlogin

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"
	"time"
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

// TestConcurrentWriteMessages writes from several goroutines at once
// through a server Conn on loopback TCP, as a sysop's Disconnect writes
// while the session writes: every Write must reach the client whole and
// exactly once, never interleaved with another's (term.Conn's contract).
// rlogin sends data as it is, so the client's bytes are the messages.
func TestConcurrentWriteMessages(t *testing.T) {
	sc, cc := tcpPair(t)
	res := startServer(t.Context(), sc, nil)
	client, err := NewClientConn(cc, Handshake{ServerUser: "bob", Term: "xterm", Speed: 38400}, 80, 24)
	if err != nil {
		t.Fatalf("NewClientConn: %v", err)
	}
	defer client.Close()
	r := <-res
	if r.err != nil {
		t.Fatalf("NewServerConn: %v", r.err)
	}
	conn := r.conn
	defer conn.Close()

	// A window message's marker (which means something only from the
	// client), a line end and a NUL all pass unchanged.
	msg := func(g, m int) []byte { return cwMessage(g, m, "\xff\xff\x73\x73\r\n\x00") }
	total := 0
	for g := range cwWriters {
		for m := range cwMessages {
			total += len(msg(g, m))
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		cwWrite(t, conn, msg)
	}()
	client.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, total)
	if n, err := io.ReadFull(client, got); err != nil {
		t.Fatalf("client ReadFull = %d, %v; want %d bytes", n, err, total)
	}
	<-done
	cwCheck(t, got, msg)
	conn.Close()
	if rest, err := io.ReadAll(client); len(rest) != 0 || err != nil {
		t.Errorf("client ReadAll after the messages = %q, %v; want nothing, nil", rest, err)
	}
}
