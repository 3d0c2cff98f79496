package rlogin

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"unicode/utf8"
)

func FuzzParseHandshake(f *testing.F) {
	f.Add(netkitHandshake)
	f.Add(plinkHandshake)
	f.Add([]byte("secret\x00bob\x00ansi-bbs/115200\x00"))
	f.Add(cat(netkitHandshake, []byte("ab\r"), netkitWindow))
	f.Add([]byte("\x00r\x1b[2Joot\x00b\u009bob\x00XTERM/9600x\x00"))
	f.Add([]byte{0xFF, 0xFB, 0x18})
	f.Add([]byte("\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, n, err := ParseHandshake(in)
		switch {
		case err == nil:
		case errors.Is(err, ErrIncomplete):
			if n != 0 || h != (Handshake{}) {
				t.Fatalf("ParseHandshake(%q) = %+v, %d, %v; want nothing with ErrIncomplete", in, h, n, err)
			}
			// Four more NULs always end what was a prefix (three, unless
			// it was empty).
			if _, m, err := ParseHandshake(cat(in, []byte{0, 0, 0, 0})); err != nil || m > len(in)+4 {
				t.Fatalf("ParseHandshake(%q + 4 NULs) = %d, %v; want a handshake", in, m, err)
			}
			return
		default:
			var he *HandshakeError
			if !errors.As(err, &he) || !errors.Is(err, ErrMalformed) || n != 0 || he.Offset != 0 || he.Byte != in[0] {
				t.Fatalf("ParseHandshake(%q) = %+v, %d, %#v", in, h, n, err)
			}
			return
		}
		if n <= 0 || n > len(in) || in[n-1] != 0 {
			t.Fatalf("ParseHandshake(%q) took %d bytes", in, n)
		}
		if h.SyncTERM != (in[0] != 0) {
			t.Fatalf("ParseHandshake(%q).SyncTERM = %v", in, h.SyncTERM)
		}
		for _, s := range []string{h.ClientUser, h.ServerUser, h.Term} {
			checkClean(t, s)
		}
		if h.Speed < 0 || bytes.IndexByte([]byte(h.Term), '/') >= 0 || bytes.ContainsAny([]byte(h.Term), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("ParseHandshake(%q) = %+v", in, h)
		}
		// The bytes after the handshake change nothing.
		if h2, n2, err := ParseHandshake(in[:n]); err != nil || h2 != h || n2 != n {
			t.Fatalf("ParseHandshake(%q) = %+v, %d, %v; with more after it %+v, %d", in[:n], h2, n2, err, h, n)
		}
		if n <= 256 {
			for i := range n {
				if _, _, err := ParseHandshake(in[:i]); !errors.Is(err, ErrIncomplete) {
					t.Fatalf("ParseHandshake(%q) = %v; want ErrIncomplete", in[:i], err)
				}
			}
		}
		// What was parsed, sent again in the BSD form, parses the same.
		bsd := h
		bsd.SyncTERM = false
		if back, _, err := ParseHandshake(AppendHandshake(nil, bsd)); err != nil || back != bsd {
			t.Fatalf("ParseHandshake(AppendHandshake(%+v)) = %+v, %v", bsd, back, err)
		}
	})
}

// checkClean fails if s is too long or holds a control character.
func checkClean(t *testing.T, s string) {
	t.Helper()
	if len(s) > MaxField {
		t.Fatalf("field of %d bytes: %q", len(s), s)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 && r == utf8.RuneError {
			i++
			continue
		}
		if r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F) {
			t.Fatalf("control character %U in %q", r, s)
		}
		i += size
	}
}

func FuzzWindowScanner(f *testing.F) {
	f.Add(netkitWindow, uint16(3), uint16(7))
	f.Add(cat([]byte("ab"), netkitWindow, []byte("c"), netkitResize), uint16(5), uint16(14))
	f.Add([]byte{0xFF, 0xFF, 0x73, 0x41, 0xFF, 0xFF, 0xFF, 0x73, 0x73, 1, 2, 3}, uint16(1), uint16(2))
	f.Add([]byte("a\xff\xffb\xff"), uint16(2), uint16(5))
	f.Add(cat([]byte{0xFF, 0xFF, 0x73}, plinkWindow), uint16(3), uint16(3))
	f.Fuzz(func(t *testing.T, in []byte, s1, s2 uint16) {
		data, msgs, held := scanAll(in)
		if held > maxHeld || held > len(in) {
			t.Fatalf("Scan(% x) holds %d bytes", in, held)
		}
		// Every input byte is data, part of a message, or held.
		if len(data)+WindowMessageLen*len(msgs)+held != len(in) {
			t.Fatalf("Scan(% x) = % x, %d messages, %d held: bytes lost or invented", in, data, len(msgs), held)
		}
		rdata, rmsgs, rheld := refScan(in)
		if !bytes.Equal(data, rdata) || fmt.Sprint(msgs) != fmt.Sprint(rmsgs) || held != rheld {
			t.Fatalf("Scan(% x) = % x, %v, %d; reference % x, %v, %d", in, data, msgs, held, rdata, rmsgs, rheld)
		}
		for _, m := range msgs {
			if m.cols < 0 || m.cols > 0xFFFF || m.rows < 0 || m.rows > 0xFFFF || m.xpix < 0 || m.xpix > 0xFFFF || m.ypix < 0 || m.ypix > 0xFFFF {
				t.Fatalf("Scan(% x) reported %v", in, m)
			}
		}
		// Splitting the input anywhere changes nothing, copied or in place.
		i, j := int(s1)%(len(in)+1), int(s2)%(len(in)+1)
		if i > j {
			i, j = j, i
		}
		parts := [][]byte{in[:i], in[i:j], in[j:]}
		if got, gmsgs, gheld := scanAll(parts...); !bytes.Equal(got, data) || fmt.Sprint(gmsgs) != fmt.Sprint(msgs) || gheld != held {
			t.Fatalf("Scan(% x) split at %d, %d = % x, %v, %d; whole % x, %v, %d", in, i, j, got, gmsgs, gheld, data, msgs, held)
		}
		if got, gmsgs := scanInPlace(parts...); !bytes.Equal(got, data) || fmt.Sprint(gmsgs) != fmt.Sprint(msgs) {
			t.Fatalf("Scan(% x) in place, split at %d, %d = % x, %v; whole % x, %v", in, i, j, got, gmsgs, data, msgs)
		}
		// At the end of the stream the held bytes come out as they came in.
		var w WindowScanner
		out := w.Flush(w.Scan(nil, in, nil))
		if len(out)+WindowMessageLen*len(msgs) != len(in) || w.Held() != 0 || !bytes.HasSuffix(in, out[len(data):]) {
			t.Fatalf("Scan then Flush(% x) = % x", in, out)
		}
	})
}
