package telnet

import (
	"bytes"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/writetest"
)

// TestConcurrentWriteMessages writes from several goroutines at once
// through a negotiated server Conn: every Write must reach the client
// whole, with its IAC still doubled and its newlines still CR LF, never
// interleaved with another's (term.Conn's contract).
func TestConcurrentWriteMessages(t *testing.T) {
	tests := []struct {
		name string
		mid  string // put in the middle of every message
	}{
		{"plain", ""},
		{"IAC", "\xff"},
		{"LF", "\n"},
		{"CR LF", "\r\n"},
		{"IAC and newlines", "\xff\xff\n\xff\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := ClientConfig{TermTypes: []string{"XTERM"}, Cols: 80, Rows: 24, Binary: true, Env: map[string]string{}}
			conn, _, rec, data := negotiateWith(t, cc, &Config{Timeout: 500 * time.Millisecond, Limit: 700 * time.Millisecond})
			defer conn.Close()

			msg := func(g, m int) []byte { return writetest.Message(g, m, tt.mid) }
			// What goes on the wire (the package's Encoder), and what the
			// client's Decoder makes of it.
			wire := func(g, m int) []byte { return (&Encoder{NVT: true}).Append(nil, msg(g, m)) }
			decoded := func(g, m int) []byte { return NewDecoder(0).Decode(nil, wire(g, m), func(Event) {}) }
			total := 0
			for g := range writetest.Writers {
				for m := range writetest.Messages {
					total += len(decoded(g, m))
				}
			}

			done := make(chan struct{})
			go func() {
				defer close(done)
				writetest.Write(t, conn, msg)
			}()
			got := writetest.Collect(t, data, total)
			<-done
			if len(got) != total {
				t.Errorf("client received %d bytes; want %d", len(got), total)
			}
			writetest.Check(t, got, decoded)

			// On the wire, each message is its encoding, contiguous.
			raw := rec.bytes()
			for g := range writetest.Writers {
				for m := range writetest.Messages {
					if w := wire(g, m); bytes.Count(raw, w) != 1 {
						t.Fatalf("bytes.Count(wire, encoded <g%02d-m%03d>) = %d; want 1", g, m, bytes.Count(raw, w))
					}
				}
			}
		})
	}
}
