package telnet_test

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/telnet"
	tt "github.com/x84bbs/x84/telnet/telnettest"
)

// mudAnswers is a MUD client's answer to the opening flight, minus its
// answer to DO CHARSET: character mode, a 100x30 window, no BINARY and no
// NEW-ENVIRON (TinTin++'s choices), every request answered.
var mudAnswers = tt.Join(
	tt.Cmd(telnet.DO, telnet.OptEcho), tt.Cmd(telnet.DO, telnet.OptSGA), tt.Cmd(telnet.WILL, telnet.OptSGA),
	tt.Cmd(telnet.WONT, telnet.OptBinary), tt.Cmd(telnet.DONT, telnet.OptBinary),
	tt.Cmd(telnet.WILL, telnet.OptTTYPE), tt.Cmd(telnet.WILL, telnet.OptNAWS), tt.Subneg(telnet.OptNAWS, 0, 100, 0, 30),
	tt.Cmd(telnet.WONT, telnet.OptNewEnviron),
)

// charsetMessages keeps the server's CHARSET subnegotiations, in order.
func charsetMessages(msgs [][]byte) []string {
	var out []string
	prefix := []byte{telnet.IAC, telnet.SB, telnet.OptCharset}
	for _, m := range msgs {
		if bytes.HasPrefix(m, prefix) {
			out = append(out, fmt.Sprintf("%q", m[len(prefix):len(m)-2]))
		}
	}
	return out
}

func isBBS(term string) bool { return strings.HasPrefix(strings.ToLower(term), "ansi") }

// TestCharsetAndMTTS plays scripted MUD and BBS clients, byte by byte,
// through the opening negotiation: what they state with MTTS and agree
// with CHARSET (RFC 2066), what x84 sends them, and how long they wait.
func TestCharsetAndMTTS(t *testing.T) {
	onRequest := func(list string, send []byte) tt.Exchange {
		return tt.Exchange{On: tt.Charset(tt.REQUEST, list), Send: send}
	}
	tests := []struct {
		name       string
		cfg        telnet.Config
		script     []tt.Exchange
		term       string
		mtts       int
		charset    string
		sent       []string // the server's CHARSET subnegotiations
		dur        time.Duration
		incomplete bool
	}{
		{name: "MTTS 4|8, CHARSET refused",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WONT, telnet.OptCharset)), tt.TTypes("MUDCLIENT", "xterm-256color", "MTTS 12")),
			term:   "xterm-256color", mtts: 12},
		{name: "MTTS without UTF-8",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WONT, telnet.OptCharset)), tt.TTypes("MUDCLIENT", "ANSI", "MTTS 9")),
			term:   "ansi", mtts: 9},
		{name: "MTTS 0 still names the terminal second",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WONT, telnet.OptCharset)), tt.TTypes("MUDCLIENT", "vt100", "MTTS 0")),
			term:   "vt100", mtts: 0},
		{name: "ignores DO CHARSET",
			script: tt.Script(tt.OnOpening(mudAnswers), tt.TTypes("xterm", "xterm")),
			term:   "xterm"},
		{name: "accepts UTF-8",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("MUDCLIENT", "xterm", "MTTS 1"),
				onRequest(";UTF-8", tt.Charset(tt.ACCEPTED, "UTF-8"))),
			term: "xterm", mtts: 1, charset: telnet.CharsetUTF8, sent: []string{`"\x01;UTF-8"`}},
		{name: "accepts utf8 with a space",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm"),
				onRequest(";UTF-8", tt.Charset(tt.ACCEPTED, " utf8"))),
			term: "xterm", charset: telnet.CharsetUTF8, sent: []string{`"\x01;UTF-8"`}},
		{name: "rejects",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm"),
				onRequest(";UTF-8", tt.Charset(tt.REJECTED, ""))),
			term: "xterm", sent: []string{`"\x01;UTF-8"`}},
		{name: "accepts a set not offered",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm"),
				onRequest(";UTF-8", tt.Charset(tt.ACCEPTED, "CP437"))),
			term: "xterm", sent: []string{`"\x01;UTF-8"`}},
		{name: "BBS terminal offered CP437 second, takes IBM437", cfg: telnet.Config{OfferCP437: isBBS},
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("ANSI-BBS", "ANSI-BBS"),
				onRequest(";UTF-8;IBM437;CP437", tt.Charset(tt.ACCEPTED, "ibm437"))),
			term: "ansi-bbs", charset: telnet.CharsetCP437, sent: []string{`"\x01;UTF-8;IBM437;CP437"`}},
		{name: "other terminal offered UTF-8 alone", cfg: telnet.Config{OfferCP437: isBBS},
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm"),
				onRequest(";UTF-8", tt.Charset(tt.ACCEPTED, "UTF-8"))),
			term: "xterm", charset: telnet.CharsetUTF8, sent: []string{`"\x01;UTF-8"`}},
		{name: "TTYPE refused, request not delayed", cfg: telnet.Config{OfferCP437: isBBS},
			script: tt.Script(tt.OnOpening(bytes.Replace(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptTTYPE), tt.Cmd(telnet.WONT, telnet.OptTTYPE), 1), tt.Cmd(telnet.WILL, telnet.OptCharset)),
				onRequest(";UTF-8", tt.Charset(tt.ACCEPTED, "UTF-8"))),
			charset: telnet.CharsetUTF8, sent: []string{`"\x01;UTF-8"`}},
		{name: "TTABLE-IS refused",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm"),
				onRequest(";UTF-8", tt.Charset(tt.TTABLEIS, "\x01\x08\x08UTF-8\x00CP437\x00"))),
			term: "xterm", sent: []string{`"\x01;UTF-8"`, `"\x05"`}},
		{name: "own REQUEST, UTF-8 listed second",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset), tt.Charset(tt.REQUEST, " CP437 UTF-8")), tt.TTypes("xterm", "xterm")),
			term:   "xterm", charset: telnet.CharsetUTF8, sent: []string{`"\x01;UTF-8"`, `"\x02UTF-8"`}},
		{name: "own REQUEST, CP437 only",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset), tt.Charset(tt.REQUEST, ";437")), tt.TTypes("xterm", "xterm")),
			term:   "xterm", charset: telnet.CharsetCP437, sent: []string{`"\x01;UTF-8"`, `"\x02437"`}},
		{name: "own REQUEST with TTABLE, neither set",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset), tt.Charset(tt.REQUEST, "[TTABLE]\x01,ISO-8859-1,KOI8-R")), tt.TTypes("xterm", "xterm")),
			term:   "xterm", sent: []string{`"\x01;UTF-8"`, `"\x03"`}},
		{name: "REQUEST without WILL CHARSET ignored",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WONT, telnet.OptCharset), tt.Charset(tt.REQUEST, ";UTF-8")), tt.TTypes("xterm", "xterm")),
			term:   "xterm"},
		{name: "agrees, never answers the REQUEST",
			script: tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm")),
			term:   "xterm", sent: []string{`"\x01;UTF-8"`}, dur: 2 * time.Second, incomplete: true},
		{name: "TinTin++ 2.02.20 as captured",
			// It leaves DO SGA, WILL BINARY and NEW-ENVIRON SEND
			// unanswered, so negotiation ends at its limit, as before.
			script: tt.Script(tt.OnOpening(tt.Cmd(telnet.DO, telnet.OptEcho), tt.Cmd(telnet.DO, telnet.OptSGA), tt.Cmd(telnet.WONT, telnet.OptBinary), tt.Cmd(telnet.WILL, telnet.OptTTYPE),
				tt.Cmd(telnet.WILL, telnet.OptNAWS), tt.Subneg(telnet.OptNAWS, 0, 100, 0, 30), tt.Cmd(telnet.WILL, telnet.OptNewEnviron), tt.Cmd(telnet.WILL, telnet.OptCharset)),
				tt.TTypes("TINTIN++", "xterm-256color", "MTTS 271", "MTTS 271"),
				onRequest(";UTF-8", tt.Charset(tt.ACCEPTED, "UTF-8"))),
			term: "xterm-256color", mtts: 271, charset: telnet.CharsetUTF8, sent: []string{`"\x01;UTF-8"`},
			dur: 2 * time.Second, incomplete: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc, cc := net.Pipe()
				wait := tt.Play(cc, tc.script...)
				start := time.Now()
				conn, err := telnet.NewServerConn(t.Context(), sc, &tc.cfg)
				if err != nil {
					t.Fatal(err)
				}
				dur := time.Since(start)
				conn.Close()
				sent := wait()
				if got := conn.TermType(); got != tc.term {
					t.Errorf("TermType() = %q; want %q", got, tc.term)
				}
				if got := conn.MTTS(); got != tc.mtts {
					t.Errorf("MTTS() = %d; want %d", got, tc.mtts)
				}
				if got := conn.Charset(); got != tc.charset {
					t.Errorf("Charset() = %q; want %q", got, tc.charset)
				}
				if got := charsetMessages(sent); fmt.Sprint(got) != fmt.Sprint(tc.sent) {
					t.Errorf("server's CHARSET subnegotiations = %v; want %v", got, tc.sent)
				}
				if dur != tc.dur {
					t.Errorf("negotiation took %v; want %v", dur, tc.dur)
				}
				if got := conn.Negotiation().Complete; got == tc.incomplete {
					t.Errorf("Negotiation().Complete = %v; want %v", got, !tc.incomplete)
				}
			})
		})
	}
}

// TestCharsetRequestAfterNegotiation checks that a REQUEST once the
// session has started is refused: the session's encoding is settled.
func TestCharsetRequestAfterNegotiation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		wait := tt.Play(cc, tt.Script(tt.OnOpening(mudAnswers, tt.Cmd(telnet.WILL, telnet.OptCharset)), tt.TTypes("xterm", "xterm"),
			tt.Exchange{On: tt.Charset(tt.REQUEST, ";UTF-8"), Send: tt.Charset(tt.ACCEPTED, "UTF-8")})...)
		conn, err := telnet.NewServerConn(t.Context(), sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		go cc.Write(tt.Join(tt.Charset(tt.REQUEST, ";CP437"), []byte("x")))
		buf := make([]byte, 8)
		if n, err := conn.Read(buf); err != nil || string(buf[:n]) != "x" {
			t.Fatalf("Read = %q, %v; want x", buf[:n], err)
		}
		conn.Close()
		if got, want := charsetMessages(wait()), []string{`"\x01;UTF-8"`, `"\x03"`}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("server's CHARSET subnegotiations = %v; want %v", got, want)
		}
		if got := conn.Charset(); got != telnet.CharsetUTF8 {
			t.Errorf("Charset() = %q after a late request; want %q", got, telnet.CharsetUTF8)
		}
	})
}
