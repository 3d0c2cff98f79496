package telnetd

import (
	"fmt"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/telnet"
	tt "github.com/x84bbs/x84/telnet/telnettest"
	"github.com/x84bbs/x84/term"
)

func TestChooseEncoding(t *testing.T) {
	utf8Env := map[string]string{"LANG": "en_US.UTF-8"}
	tests := []struct {
		f    Facts
		want term.Encoding
	}{
		// Terminal type, BINARY and locale, as x84 always decided.
		{Facts{Term: "xterm-256color", Binary: true}, term.UTF8},
		{Facts{Term: "xterm-256color"}, term.CP437},
		{Facts{Term: "xterm", Env: utf8Env}, term.UTF8},
		{Facts{Term: "xterm", Env: map[string]string{"LC_ALL": "C.utf8", "LANG": "C"}}, term.UTF8},
		{Facts{Term: "xterm", Env: map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}}, term.CP437},
		{Facts{Term: "ansi", Binary: true, Env: utf8Env}, term.CP437},
		{Facts{Term: "ANSI-BBS", Binary: true}, term.CP437},
		{Facts{Term: "syncterm", Binary: true}, term.CP437},
		{Facts{Term: "pcansi", Binary: true}, term.CP437},
		{Facts{Term: "unknown"}, term.CP437},
		{Facts{Term: "unknown", Binary: true}, term.UTF8},
		{Facts{Term: "vt100"}, term.CP437},
		// MTTS: the UTF-8 bit beats the terminal type; without it,
		// nothing changes.
		{Facts{Term: "xterm", MTTS: telnet.MTTSUTF8 | telnet.MTTS256Colors}, term.UTF8},
		{Facts{Term: "ansi-truecolor", MTTS: telnet.MTTSANSI | telnet.MTTSUTF8 | telnet.MTTSTrueColor}, term.UTF8},
		{Facts{Term: "ansi", MTTS: telnet.MTTSANSI | telnet.MTTS256Colors}, term.CP437},
		{Facts{Term: "xterm", MTTS: telnet.MTTSANSI}, term.CP437},
		{Facts{Term: "xterm", Binary: true, MTTS: telnet.MTTSANSI}, term.UTF8},
		// NEW-ENVIRON CHARSET (MNES) beats MTTS and the terminal type.
		{Facts{Term: "ansi", Env: map[string]string{"CHARSET": "utf-8"}}, term.UTF8},
		{Facts{Term: "xterm", Binary: true, MTTS: telnet.MTTSUTF8, Env: map[string]string{"CHARSET": "CP437"}}, term.CP437},
		{Facts{Term: "ansi", Env: map[string]string{"CHARSET": "ISO-8859-1"}}, term.CP437},
		// An agreement through CHARSET beats everything.
		{Facts{Term: "syncterm", Binary: true, Charset: telnet.CharsetUTF8}, term.UTF8},
		{Facts{Term: "xterm", Binary: true, MTTS: telnet.MTTSUTF8, Env: map[string]string{"CHARSET": "UTF-8"}, Charset: telnet.CharsetCP437}, term.CP437},
	}
	for _, tc := range tests {
		if got := ChooseEncoding(tc.f); got != tc.want {
			t.Errorf("ChooseEncoding(%+v) = %s; want %s", tc.f, got, tc.want)
		}
	}
}

func TestChooseColors(t *testing.T) {
	tests := []struct {
		f    Facts
		want term.Colors
	}{
		{Facts{Term: "xterm", MTTS: telnet.MTTSUTF8 | telnet.MTTS256Colors}, term.Colors256},
		{Facts{Term: "xterm", MTTS: 271}, term.ColorsTrue},
		{Facts{Term: "xterm-256color", MTTS: telnet.MTTSANSI | telnet.MTTSUTF8}, term.Colors16},
		{Facts{Term: "xterm-256color", MTTS: telnet.MTTSUTF8}, term.ColorsUnknown},
		{Facts{Term: "xterm-256color"}, term.Colors256},
		{Facts{Term: "xterm", Env: map[string]string{"COLORTERM": "truecolor"}}, term.ColorsTrue},
		{Facts{Term: "ansi"}, term.ColorsUnknown},
	}
	for _, tc := range tests {
		if got := ChooseColors(tc.f); got != tc.want {
			t.Errorf("ChooseColors(%+v) = %v; want %v", tc.f, got, tc.want)
		}
	}
}

// Scripted clients: each answers the last request of the opening (DO
// CHARSET) with all its answers, then the subnegotiations as they come.
var (
	dontCharset = tt.Cmd(telnet.WONT, telnet.OptCharset)
	willCharset = tt.Cmd(telnet.WILL, telnet.OptCharset)
	naws100x30  = tt.Join(tt.Cmd(telnet.WILL, telnet.OptNAWS), tt.Subneg(telnet.OptNAWS, 0, 100, 0, 30))
	charMode    = tt.Join(tt.Cmd(telnet.DO, telnet.OptEcho), tt.Cmd(telnet.DO, telnet.OptSGA), tt.Cmd(telnet.WILL, telnet.OptSGA))
	binary      = tt.Join(tt.Cmd(telnet.WILL, telnet.OptBinary), tt.Cmd(telnet.DO, telnet.OptBinary))
	noBinary    = tt.Join(tt.Cmd(telnet.WONT, telnet.OptBinary), tt.Cmd(telnet.DONT, telnet.OptBinary))
	willTTYPE   = tt.Cmd(telnet.WILL, telnet.OptTTYPE)
	willEnv     = tt.Cmd(telnet.WILL, telnet.OptNewEnviron)
	wontEnv     = tt.Cmd(telnet.WONT, telnet.OptNewEnviron)
)

// envIs answers x84's NEW-ENVIRON SEND with one variable.
func envIs(name, value string) tt.Exchange {
	send := []byte{1} // SEND
	for _, v := range telnet.DefaultEnvVars {
		send = append(append(send, 0), v...) // VAR name
	}
	is := append(append(append([]byte{0, 0}, name...), 1), value...) // IS VAR name VALUE value
	return tt.Exchange{On: tt.Subneg(telnet.OptNewEnviron, send...), Send: tt.Subneg(telnet.OptNewEnviron, is...)}
}

func onRequest(list string, send []byte) tt.Exchange {
	return tt.Exchange{On: tt.Charset(tt.REQUEST, list), Send: send}
}

// TestOpenScripted plays clients byte by byte through Open and checks
// the terminal the session gets: its type, encoding and colours, what
// x84 said in CHARSET, and that no client waits longer than before.
func TestOpenScripted(t *testing.T) {
	bbsOffer := ";UTF-8;IBM437;CP437"
	tests := []struct {
		name    string
		script  []tt.Exchange
		term    string
		enc     term.Encoding
		colors  term.Colors
		charset []string // x84's CHARSET subnegotiations
	}{
		// The clients x84 served before CHARSET and MTTS keep their
		// encoding.
		{"Debian telnet", tt.Script(tt.OnOpening(charMode, binary, willTTYPE, naws100x30, willEnv, dontCharset), tt.TTypes("XTERM-256COLOR", "XTERM-256COLOR"),
			envIs("DISPLAY", "localhost:9")), "xterm-256color", term.UTF8, term.Colors256, nil},
		{"PuTTY plink", tt.Script(tt.OnOpening(charMode, binary, willTTYPE, naws100x30, willEnv, dontCharset), tt.TTypes("XTERM", "XTERM"),
			envIs("USER", "root")), "xterm", term.UTF8, term.ColorsUnknown, nil},
		{"busybox telnet", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, dontCharset), tt.TTypes("xterm-256color", "xterm-256color")),
			"xterm-256color", term.CP437, term.Colors256, nil},
		{"SyncTERM-style BBS terminal", tt.Script(tt.OnOpening(charMode, binary, willTTYPE, naws100x30, wontEnv, dontCharset), tt.TTypes("syncterm", "syncterm")),
			"syncterm", term.CP437, term.ColorsUnknown, nil},
		// MTTS.
		{"MUD client, MTTS 4|8", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, dontCharset), tt.TTypes("MUDCLIENT", "xterm", "MTTS 12")),
			"xterm", term.UTF8, term.Colors256, nil},
		{"MUD client, ANSI type, MTTS 1|4|256", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, dontCharset), tt.TTypes("MUDCLIENT", "ANSI-TRUECOLOR", "MTTS 261")),
			"ansi-truecolor", term.UTF8, term.ColorsTrue, nil},
		{"MUD client, MTTS without UTF-8", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, dontCharset), tt.TTypes("MUDCLIENT", "xterm", "MTTS 9")),
			"xterm", term.CP437, term.Colors256, nil},
		{"MUD client, ANSI type, MTTS without UTF-8", tt.Script(tt.OnOpening(charMode, binary, willTTYPE, naws100x30, wontEnv, dontCharset), tt.TTypes("MUDCLIENT", "ANSI", "MTTS 1")),
			"ansi", term.CP437, term.Colors16, nil},
		// CHARSET.
		{"accepts UTF-8 though its type is ANSI", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, willCharset), tt.TTypes("ANSI", "ANSI"),
			onRequest(bbsOffer, tt.Charset(tt.ACCEPTED, "UTF-8"))), "ansi", term.UTF8, term.ColorsUnknown, []string{`"\x01` + bbsOffer + `"`}},
		{"accepts CP437", tt.Script(tt.OnOpening(charMode, binary, willTTYPE, naws100x30, wontEnv, willCharset), tt.TTypes("ANSI-BBS", "ANSI-BBS"),
			onRequest(bbsOffer, tt.Charset(tt.ACCEPTED, "CP437"))), "ansi-bbs", term.CP437, term.ColorsUnknown, []string{`"\x01` + bbsOffer + `"`}},
		{"rejects", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, willCharset), tt.TTypes("xterm", "xterm"),
			onRequest(";UTF-8", tt.Charset(tt.REJECTED, ""))), "xterm", term.CP437, term.ColorsUnknown, []string{`"\x01;UTF-8"`}},
		{"rejects, BINARY both ways", tt.Script(tt.OnOpening(charMode, binary, willTTYPE, naws100x30, wontEnv, willCharset), tt.TTypes("xterm", "xterm"),
			onRequest(";UTF-8", tt.Charset(tt.REJECTED, ""))), "xterm", term.UTF8, term.ColorsUnknown, []string{`"\x01;UTF-8"`}},
		{"sends its own REQUEST", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, willCharset),
			tt.Exchange{On: tt.TTypeSend(), Send: tt.Join(tt.Charset(tt.REQUEST, " ISO-8859-1 UTF-8"), tt.TTypeIs("xterm"))}, tt.TTypes("xterm")),
			"xterm", term.UTF8, term.ColorsUnknown, []string{`"\x02UTF-8"`}},
		{"answers with a translation table", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, willCharset), tt.TTypes("xterm", "xterm"),
			onRequest(";UTF-8", tt.Charset(tt.TTABLEIS, "\x01;UTF-8;UTF-8\x01\x00"))), "xterm", term.CP437, term.ColorsUnknown, []string{`"\x01;UTF-8"`, `"\x05"`}},
		// NEW-ENVIRON CHARSET, as MNES clients send it.
		{"MNES CHARSET", tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, willEnv, dontCharset), tt.TTypes("ANSI", "ANSI"),
			envIs("CHARSET", "UTF-8")), "ansi", term.UTF8, term.ColorsUnknown, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc, cc := net.Pipe()
				wait := tt.Play(cc, tc.script...)
				start := time.Now()
				c, err := (&Protocol{}).Open(t.Context(), sc)
				if err != nil {
					t.Fatal(err)
				}
				if d := time.Since(start); d != 0 {
					t.Errorf("negotiation took %v; want no wait", d)
				}
				c.Close()
				var charset []string
				for _, m := range wait() {
					if len(m) > 5 && m[1] == telnet.SB && m[2] == telnet.OptCharset {
						charset = append(charset, fmt.Sprintf("%q", m[3:len(m)-2]))
					}
				}
				info := c.Info()
				if info.Term != tc.term || info.Encoding != tc.enc || info.Colors != tc.colors {
					t.Errorf("Info() = %s, %s, %v colours; want %s, %s, %v", info.Term, info.Encoding, info.Colors, tc.term, tc.enc, tc.colors)
				}
				if fmt.Sprint(charset) != fmt.Sprint(tc.charset) {
					t.Errorf("x84's CHARSET subnegotiations = %v; want %v", charset, tc.charset)
				}
			})
		})
	}
}
