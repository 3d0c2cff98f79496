package rlogin

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// hs builds a handshake from its strings, each followed by a NUL.
func hs(lead bool, fields ...string) []byte {
	var b []byte
	if lead {
		b = append(b, 0)
	}
	for _, f := range fields {
		b = append(b, f...)
		b = append(b, 0)
	}
	return b
}

var (
	// Captured from netkit rlogin 0.17 and plink 0.78 (see the project's
	// reference notes on rlogin clients).
	netkitHandshake = []byte("\x00root\x00bob\x00xterm-256color/38400\x00")
	plinkHandshake  = []byte("\x00\x00bob\x00xterm/38400\x00")
)

func TestParseHandshake(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name string
		in   []byte // a whole handshake
		rest string // data after it
		want Handshake
	}{
		{"netkit", netkitHandshake, "",
			Handshake{ClientUser: "root", ServerUser: "bob", Term: "xterm-256color", Speed: 38400}},
		{"plink, empty client user", plinkHandshake, "",
			Handshake{ServerUser: "bob", Term: "xterm", Speed: 38400}},
		{"syncterm form", []byte("secret\x00bob\x00ansi-bbs/115200\x00"), "",
			Handshake{ClientUser: "secret", ServerUser: "bob", Term: "ansi-bbs", Speed: 115200, SyncTERM: true}},
		{"missing speed", hs(true, "a", "b", "vt100"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"slash without speed", hs(true, "a", "b", "vt100/"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"junk speed", hs(true, "a", "b", "vt100/fast"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"speed with junk after", hs(true, "a", "b", "vt100/9600baud"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"signed speed", hs(true, "a", "b", "vt100/+9600"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"huge speed", hs(true, "a", "b", "vt100/12345678901234567890"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"second slash", hs(true, "a", "b", "vt100/9600/x"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}},
		{"empty term", hs(true, "a", "b", "/9600"), "",
			Handshake{ClientUser: "a", ServerUser: "b", Speed: 9600}},
		{"all empty", []byte{0, 0, 0, 0}, "",
			Handshake{}},
		{"term lower-cased", hs(true, "Root", "Bob", "XTERM-256COLOR/38400"), "",
			Handshake{ClientUser: "Root", ServerUser: "Bob", Term: "xterm-256color", Speed: 38400}},
		{"trailing user data kept", netkitHandshake, "ab\r",
			Handshake{ClientUser: "root", ServerUser: "bob", Term: "xterm-256color", Speed: 38400}},
		{"trailing window message kept", plinkHandshake, "\xff\xffss\x00\x1e\x00\x64\x00\x00\x00\x00",
			Handshake{ServerUser: "bob", Term: "xterm", Speed: 38400}},
		{"trailing NULs kept", netkitHandshake, "\x00\x00",
			Handshake{ClientUser: "root", ServerUser: "bob", Term: "xterm-256color", Speed: 38400}},
		{"control characters stripped", hs(true, "r\x1b[2Joot", "b\ro\nb\x7f", "xt\x07erm/38400"), "",
			Handshake{ClientUser: "r[2Joot", ServerUser: "bob", Term: "xterm", Speed: 38400}},
		{"C1 control stripped", hs(true, "a\u009bb", "b", "t"), "",
			Handshake{ClientUser: "ab", ServerUser: "b", Term: "t"}},
		{"no control character made by stripping", hs(true, "a\xc2\x06\x94b", "b", "t"), "",
			Handshake{ClientUser: "ab", ServerUser: "b", Term: "t"}},
		{"CP437 bytes kept", hs(false, "\x8e\x99", "\x81ser", "ansi"), "",
			Handshake{ClientUser: "\x8e\x99", ServerUser: "\x81ser", Term: "ansi", SyncTERM: true}},
		{"UTF-8 kept", hs(true, "jürgen", "bob", "xterm"), "",
			Handshake{ClientUser: "jürgen", ServerUser: "bob", Term: "xterm"}},
		{"long fields cut", hs(true, long, long, long+"/9600"), "",
			Handshake{ClientUser: long[:MaxField], ServerUser: long[:MaxField], Term: long[:MaxField], Speed: 9600}},
		{"cut at a character boundary", hs(true, strings.Repeat("x", 63)+"é", "b", "t"), "",
			Handshake{ClientUser: strings.Repeat("x", 63), ServerUser: "b", Term: "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append(append([]byte(nil), tt.in...), tt.rest...)
			got, n, err := ParseHandshake(in)
			if err != nil || got != tt.want || n != len(tt.in) {
				t.Errorf("ParseHandshake(%q) = %+v, %d, %v; want %+v, %d, nil", in, got, n, err, tt.want, len(tt.in))
			}
			// Every proper prefix of the handshake needs more bytes.
			for i := range len(tt.in) {
				if h, m, err := ParseHandshake(tt.in[:i]); !errors.Is(err, ErrIncomplete) || m != 0 || h != (Handshake{}) {
					t.Errorf("ParseHandshake(%q) = %+v, %d, %v; want ErrIncomplete", tt.in[:i], h, m, err)
				}
			}
		})
	}
}

func TestParseHandshakeMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want byte
	}{
		{"telnet IAC", []byte{0xFF, 0xFB, 0x18}, 0xFF},
		{"TLS record", []byte{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00}, 0x16},
		{"enter at a raw socket", []byte("\r\n"), '\r'},
		{"escape", []byte("\x1b[A\x00b\x00c\x00"), 0x1b},
		{"DEL", []byte{0x7F}, 0x7F},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := ParseHandshake(tt.in)
			var he *HandshakeError
			if !errors.As(err, &he) || !errors.Is(err, ErrMalformed) || he.Byte != tt.want || he.Offset != 0 || n != 0 || h != (Handshake{}) {
				t.Errorf("ParseHandshake(%q) = %+v, %d, %v; want a HandshakeError for %#02x", tt.in, h, n, err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "rlogin: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		})
	}
}

func TestAppendHandshake(t *testing.T) {
	tests := []struct {
		name string
		h    Handshake
		want []byte
	}{
		{"netkit", Handshake{ClientUser: "root", ServerUser: "bob", Term: "xterm-256color", Speed: 38400}, netkitHandshake},
		{"plink", Handshake{ServerUser: "bob", Term: "xterm", Speed: 38400}, plinkHandshake},
		{"syncterm", Handshake{ClientUser: "pw", ServerUser: "bob", Term: "ansi", Speed: 115200, SyncTERM: true},
			[]byte("pw\x00bob\x00ansi/115200\x00")},
		{"no speed", Handshake{ClientUser: "a", ServerUser: "b", Term: "vt100"}, []byte("\x00a\x00b\x00vt100\x00")},
		{"NULs dropped", Handshake{ClientUser: "a\x00b", ServerUser: "\x00", Term: "t\x00"}, []byte("\x00ab\x00\x00t\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendHandshake([]byte("x"), tt.h)
			if !bytes.Equal(got[1:], tt.want) || got[0] != 'x' {
				t.Errorf("AppendHandshake(%+v) = %q; want %q", tt.h, got[1:], tt.want)
			}
			if strings.Contains(tt.name, "NUL") {
				return
			}
			if back, n, err := ParseHandshake(got[1:]); err != nil || back != tt.h || n != len(tt.want) {
				t.Errorf("ParseHandshake(AppendHandshake(%+v)) = %+v, %d, %v", tt.h, back, n, err)
			}
		})
	}
}
