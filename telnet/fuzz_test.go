package telnet

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"
)

func FuzzDecoder(f *testing.F) {
	f.Add([]byte("plain text\r\n"), 3)
	f.Add([]byte{IAC, IAC, IAC, WILL, OptNAWS, IAC, SB, OptNAWS, 0, 80, 0, 24, IAC, SE}, 5)
	f.Add([]byte{IAC, SB, OptNewEnviron, sbIS, envVAR, 'A', envVALUE, 'b', IAC, IAC, IAC, SE}, 1)
	f.Add([]byte{IAC, SB, OptTTYPE, 'x', IAC, DO, 1, '\r', 0, '\r', '\n'}, 7)
	f.Add([]byte{IAC, SB, IAC, SE, IAC, 1, IAC}, 2)
	f.Fuzz(func(t *testing.T, in []byte, split int) {
		const max = 16
		whole := NewDecoder(max)
		var wantEv []string
		want := whole.Decode(nil, in, func(ev Event) {
			if len(ev.Data) > max {
				t.Fatalf("subnegotiation of %d bytes; limit %d", len(ev.Data), max)
			}
			wantEv = append(wantEv, describe(ev))
		})
		if len(want) > len(in) {
			t.Fatalf("decoded %d bytes of data from %d bytes of input", len(want), len(in))
		}
		if split < 0 {
			split = -split
		}
		if len(in) > 0 {
			split %= len(in) + 1
		} else {
			split = 0
		}
		parts := NewDecoder(max)
		var gotEv []string
		got := parts.Decode(nil, in[:split], func(ev Event) { gotEv = append(gotEv, describe(ev)) })
		got = parts.Decode(got, in[split:], func(ev Event) { gotEv = append(gotEv, describe(ev)) })
		if !bytes.Equal(got, want) || fmt.Sprint(gotEv) != fmt.Sprint(wantEv) {
			t.Fatalf("split at %d: %q %v; whole: %q %v", split, got, gotEv, want, wantEv)
		}
		// Decoding in place gives the same data.
		buf := append([]byte(nil), in...)
		if inPlace := NewDecoder(max).Decode(buf[:0], buf, func(Event) {}); !bytes.Equal(inPlace, want) {
			t.Fatalf("in place: %q; want %q", inPlace, want)
		}
	})
}

// discardConn is a net.Conn that swallows writes and has nothing to read.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error)      { return len(p), nil }
func (discardConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (discardConn) SetReadDeadline(time.Time) error  { return nil }
func (discardConn) SetWriteDeadline(time.Time) error { return nil }
func (discardConn) Close() error                     { return nil }

// FuzzServerInput feeds arbitrary client input to a server connection's
// command handling: it must never panic and keep what it learns bounded.
func FuzzServerInput(f *testing.F) {
	f.Add([]byte{IAC, WILL, OptTTYPE, IAC, SB, OptTTYPE, sbIS, 'a', IAC, SE, IAC, SB, OptTTYPE, sbIS, 'b', IAC, SE})
	f.Add([]byte{IAC, WILL, OptNewEnviron, IAC, SB, OptNewEnviron, sbIS, envVAR, 'L', 'A', 'N', 'G', envVALUE, 'C', IAC, SE})
	f.Add([]byte{IAC, WILL, OptNAWS, IAC, SB, OptNAWS, IAC, IAC, IAC, IAC, 0, 0, IAC, SE, IAC, DO, OptLinemode, IAC, AYT})
	f.Fuzz(func(t *testing.T, in []byte) {
		c := &Conn{conn: discardConn{}, cfg: Config{MaxTTYPE: 8, EnvVars: DefaultEnvVars}, dec: NewDecoder(256)}
		c.log = slog.New(slog.DiscardHandler)
		c.opts.AcceptLocal, c.opts.AcceptRemote = acceptLocal, acceptRemote
		for _, o := range opening {
			c.opts.Enable(nil, o.side, o.opt)
		}
		c.state.negotiating = true
		c.state.ttypeAsked = true
		half := len(in) / 2
		if _, err := c.decode(append([]byte(nil), in[:half]...)); err != nil {
			t.Fatal(err)
		}
		c.state.negotiating = false
		if _, err := c.decode(append([]byte(nil), in[half:]...)); err != nil {
			t.Fatal(err)
		}
		if len(c.ttypes) > 8 || len(c.env) > envMaxVars {
			t.Fatalf("kept %d terminal types and %d variables", len(c.ttypes), len(c.env))
		}
		for _, tt := range c.ttypes {
			if len(tt) > ttypeMax {
				t.Fatalf("terminal type of %d bytes", len(tt))
			}
		}
	})
}
