package sshd

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// pipe returns a joinConn on one end of a pipe, and what the other end
// reads, as it arrives.
func pipe(t *testing.T) (*joinConn, <-chan []byte) {
	t.Helper()
	a, b := net.Pipe()
	t.Cleanup(func() { b.Close() })
	got := make(chan []byte, 64)
	go func() {
		defer close(got)
		buf := make([]byte, 1<<16)
		for {
			n, err := b.Read(buf)
			if n > 0 {
				got <- bytes.Clone(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	return newJoinConn(a), got
}

func collect(got <-chan []byte, n int, wait time.Duration) []byte {
	var b []byte
	deadline := time.After(wait)
	for len(b) < n {
		select {
		case p, ok := <-got:
			if !ok {
				return b
			}
			b = append(b, p...)
		case <-deadline:
			return b
		}
	}
	return b
}

func TestJoinConn(t *testing.T) {
	c, got := pipe(t)
	defer c.Close()
	first := bytes.Repeat([]byte{1}, bufioSize)
	rest := bytes.Repeat([]byte{2}, 28708)

	// Before the handshake chooses AES-GCM, writes pass as they come.
	if n, err := c.Write(first); n != len(first) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b := collect(got, len(first), time.Second); !bytes.Equal(b, first) {
		t.Fatalf("read %d bytes; want the %d written", len(b), len(first))
	}

	// Then a buffer's worth is held back and goes with the next write.
	c.join.Store(true)
	if n, err := c.Write(first); n != len(first) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if n, err := c.Write(rest); n != len(rest) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b := collect(got, len(first)+len(rest), time.Second); !bytes.Equal(b, append(bytes.Clone(first), rest...)) {
		t.Fatalf("read %d bytes; want the %d written, in order", len(b), len(first)+len(rest))
	}

	// A buffer's worth with nothing after it still goes, a moment later.
	start := time.Now()
	c.Write(first)
	if b := collect(got, len(first), time.Second); !bytes.Equal(b, first) {
		t.Fatalf("held bytes not sent on their own: read %d", len(b))
	}
	if d := time.Since(start); d < holdFor/2 {
		t.Errorf("held bytes went after %v; want about %v", d, holdFor)
	}
	// Other sizes are not held.
	small := []byte("hello")
	c.Write(small)
	if b := collect(got, len(small), time.Second); !bytes.Equal(b, small) {
		t.Fatalf("read %q", b)
	}

	// Closing with bytes held drops them (the start of a packet) and
	// stops the timer.
	c.Write(first)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if b := collect(got, 1, 3*holdFor); len(b) != 0 {
		t.Errorf("%d bytes sent after Close", len(b))
	}
	if _, err := c.Write(small); err == nil {
		t.Errorf("Write after Close succeeded")
	}
	var _ io.Writer = c
}
