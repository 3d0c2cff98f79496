package telnet

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
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
		// An independent, whole-input reading of the rules agrees.
		refData, refEv := referenceDecode(in, max)
		if !bytes.Equal(refData, want) || fmt.Sprint(refEv) != fmt.Sprint(wantEv) {
			t.Fatalf("Decode = %q %v; reference %q %v", want, wantEv, refData, refEv)
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
	// CHARSET (RFC 2066): agreement, the answers to our REQUEST, and the
	// client's own REQUEST, with a translation table and without.
	f.Add([]byte("\xff\xfb\x2a\xff\xfb\x18\xff\xfa\x18\x00ANSI\xff\xf0\xff\xfa\x2a\x02IBM437\xff\xf0"))
	f.Add([]byte("\xff\xfb\x2a\xff\xfc\x18\xff\xfa\x2a\x03\xff\xf0\xff\xfa\x2a\x04\x01\x08\x08UTF-8\x00\xff\xf0"))
	f.Add([]byte("\xff\xfb\x2a\xff\xfa\x2a\x01[TTABLE]\x01;KOI8-R;utf8\xff\xf0\xff\xfa\x2a\x01 437\xff\xf0"))
	f.Add([]byte("\xff\xfa\x2a\x01;UTF-8\xff\xf0\xff\xfb\x2a\xff\xfa\x2a\x06\xff\xf0\xff\xfa\x2a\x07\xff\xf0\xff\xfa\x2a\x05\xff\xf0"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := &Conn{conn: discardConn{}, cfg: Config{MaxTTYPE: 8, EnvVars: DefaultEnvVars, WriteTimeout: time.Second,
			OfferCP437: func(tt string) bool { return strings.EqualFold(tt, "ansi") }}, dec: NewDecoder(256)}
		c.dec.Limit = subnegLimit
		c.log = slog.New(slog.DiscardHandler)
		c.opts.AcceptLocal, c.opts.AcceptRemote = acceptLocal, acceptRemote
		for _, o := range opening {
			c.opts.Enable(nil, o.side, o.opt)
		}
		c.negotiating = true
		c.state.ttypeAsked = true
		half := len(in) / 2
		if _, err := c.decode(append([]byte(nil), in[:half]...)); err != nil {
			t.Fatal(err)
		}
		c.negotiating = false
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
		if c.charset != "" && c.charset != CharsetUTF8 && c.charset != CharsetCP437 {
			t.Fatalf("agreed on character set %q", c.charset)
		}
		if c.replies > replyBudget {
			t.Fatalf("%d answers; budget %d", c.replies, replyBudget)
		}
	})
}

// referenceDecode is a second, deliberately naive reading of the decoding
// rules over the whole input, for FuzzDecoder to compare against.
func referenceDecode(in []byte, max int) (data []byte, events []string) {
	cr := false
	i := 0
	for i < len(in) {
		b := in[i]
		if b != IAC {
			if !(cr && (b == 0 || b == '\n')) {
				data = append(data, b)
			}
			cr = b == '\r' && !(cr && (b == 0 || b == '\n'))
			i++
			continue
		}
		cr = false
		if i+1 >= len(in) {
			return
		}
		c := in[i+1]
		switch {
		case c == IAC:
			data = append(data, IAC)
			i += 2
		case c >= WILL:
			if i+2 >= len(in) {
				return
			}
			events = append(events, describe(Event{Kind: EventOption, Cmd: c, Opt: in[i+2]}))
			i += 3
		case c == SB:
			if i+2 >= len(in) {
				return
			}
			if in[i+2] == IAC {
				i += 2 // no option: parse from that IAC
				continue
			}
			opt := in[i+2]
			var payload []byte
			over := false
			j := i + 3
			for {
				if j >= len(in) {
					return
				}
				if in[j] != IAC {
					if !over && len(payload) >= max {
						over = true
						events = append(events, describe(Event{Kind: EventSubnegOverflow, Opt: opt}))
					}
					if !over {
						payload = append(payload, in[j])
					}
					j++
					continue
				}
				if j+1 >= len(in) {
					return
				}
				switch in[j+1] {
				case IAC:
					if !over && len(payload) >= max {
						over = true
						events = append(events, describe(Event{Kind: EventSubnegOverflow, Opt: opt}))
					}
					if !over {
						payload = append(payload, IAC)
					}
					j += 2
					continue
				case SE:
					if !over {
						events = append(events, describe(Event{Kind: EventSubneg, Opt: opt, Data: payload}))
					}
					i = j + 2
				default:
					i = j // a command ends the subnegotiation
				}
				break
			}
		case c == SE || c < EOF:
			i += 2
		default:
			events = append(events, describe(Event{Kind: EventCommand, Cmd: c}))
			i += 2
		}
	}
	return
}

// FuzzEncoder checks the encoder against the rules read naively: every
// IAC doubled, and with NVT a LF not after CR preceded by CR.
func FuzzEncoder(f *testing.F) {
	f.Add([]byte("a\nb\r\n\xff"), 2, true)
	f.Add([]byte("\r\n\n\r\r\n"), 1, false)
	f.Fuzz(func(t *testing.T, in []byte, split int, nvt bool) {
		var want []byte
		for i, b := range in {
			switch {
			case b == IAC:
				want = append(want, IAC, IAC)
			case b == '\n' && nvt && (i == 0 || in[i-1] != '\r'):
				want = append(want, '\r', '\n')
			default:
				want = append(want, b)
			}
		}
		if split < 0 {
			split = -split
		}
		split %= len(in) + 1
		e := Encoder{NVT: nvt}
		got := e.Append(nil, in[:split])
		got = e.Append(got, in[split:])
		if !bytes.Equal(got, want) {
			t.Fatalf("Append(%q) split at %d = %q; want %q", in, split, got, want)
		}
	})
}

// FuzzPeers plays two option tables against each other from arbitrary
// requests and checks that the exchange ends and both agree.
func FuzzPeers(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, uint16(0xffff), uint16(0))
	f.Add([]byte{1, 1, 1, 0, 0, 3}, uint16(0x5555), uint16(0xaaaa))
	f.Fuzz(func(t *testing.T, actions []byte, acceptA, acceptB uint16) {
		var a, b OptionTable
		// A handful of options, each side's policy from the fuzzer.
		const opts = 4
		policy := func(mask uint16, shift int) func(byte) bool {
			return func(o byte) bool { return o < opts && mask>>(int(o)+shift)&1 == 1 }
		}
		a.AcceptLocal, a.AcceptRemote = policy(acceptA, 0), policy(acceptA, 8)
		b.AcceptLocal, b.AcceptRemote = policy(acceptB, 0), policy(acceptB, 8)
		var toA, toB []byte
		exchange := func() {
			for round := 0; len(toA)+len(toB) > 0; round++ {
				if round > 16 {
					t.Fatalf("negotiation loop after actions %v", actions)
				}
				var nextA, nextB []byte
				for i := 0; i+2 < len(toB); i += 3 {
					nextA, _ = b.Receive(nextA, toB[i+1], toB[i+2])
				}
				for i := 0; i+2 < len(toA); i += 3 {
					nextB, _ = a.Receive(nextB, toA[i+1], toA[i+2])
				}
				toA, toB = nextA, nextB
			}
		}
		for _, act := range actions {
			opt, side := act&3, Side(act>>2&1)
			t1, out := &a, &toB
			if act>>3&1 == 1 {
				t1, out = &b, &toA
			}
			if act>>4&1 == 1 {
				// A side asks only for what it would accept itself, as the
				// server does; a peer that asked for an option it refuses
				// could be left waiting on a request the other side ignored.
				accept := t1.AcceptLocal
				if side == Remote {
					accept = t1.AcceptRemote
				}
				if !accept(opt) {
					continue
				}
				*out = t1.Enable(*out, side, opt)
			} else {
				*out = t1.Disable(*out, side, opt)
			}
			exchange()
		}
		// A request is refused once per option (the rule against
		// loops), so a peer asking again for an option refused before waits
		// in vain; that is the one case where a request may stay pending.
		refusedBefore := func(x *OptionTable, s Side, o byte) bool { return x.st[s][o]&qRefusedMask != 0 }
		for o := byte(0); o < opts; o++ {
			if a.Pending(Local, o) && !refusedBefore(&b, Remote, o) || a.Pending(Remote, o) && !refusedBefore(&b, Local, o) ||
				b.Pending(Local, o) && !refusedBefore(&a, Remote, o) || b.Pending(Remote, o) && !refusedBefore(&a, Local, o) {
				t.Fatalf("option %d still pending after the exchange", o)
			}
			if a.Enabled(Local, o) != b.Enabled(Remote, o) || a.Enabled(Remote, o) != b.Enabled(Local, o) {
				t.Fatalf("option %d: peers disagree (a local %v remote %v; b local %v remote %v)", o,
					a.Enabled(Local, o), a.Enabled(Remote, o), b.Enabled(Local, o), b.Enabled(Remote, o))
			}
		}
	})
}
