package rlogin

import (
	"io"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/writetest"

	"github.com/x84bbs/x84/internal/nettest"
)

// TestConcurrentWriteMessages writes from several goroutines at once
// through a server Conn on loopback TCP, as a sysop's Disconnect writes
// while the session writes: every Write must reach the client whole and
// exactly once, never interleaved with another's (term.Conn's contract).
// rlogin sends data as it is, so the client's bytes are the messages.
func TestConcurrentWriteMessages(t *testing.T) {
	sc, cc := nettest.TCPPair(t)
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
	msg := func(g, m int) []byte { return writetest.Message(g, m, "\xff\xff\x73\x73\r\n\x00") }
	total := 0
	for g := range writetest.Writers {
		for m := range writetest.Messages {
			total += len(msg(g, m))
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		writetest.Write(t, conn, msg)
	}()
	client.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, total)
	if n, err := io.ReadFull(client, got); err != nil {
		t.Fatalf("client ReadFull = %d, %v; want %d bytes", n, err, total)
	}
	<-done
	writetest.Check(t, got, msg)
	conn.Close()
	if rest, err := io.ReadAll(client); len(rest) != 0 || err != nil {
		t.Errorf("client ReadAll after the messages = %q, %v; want nothing, nil", rest, err)
	}
}
