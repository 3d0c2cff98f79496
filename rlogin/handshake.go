package rlogin

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// MaxField is the longest string, in bytes, that ParseHandshake returns
// for a user name or terminal type; longer ones are cut at a character
// boundary.
const MaxField = 64

// maxSpeedDigits keeps the speed within an int on every platform.
const maxSpeedDigits = 9

// Handshake is what an rlogin client sends when it connects.
type Handshake struct {
	// ClientUser is the user name on the client's machine (empty from
	// PuTTY). SyncTERM, following Synchronet, may put a password here:
	// do not log it.
	ClientUser string
	// ServerUser is the account the client asks for on the server.
	ServerUser string
	// Term is the terminal type, the part of "term/speed" before the
	// slash, in lower case ("" if the client named none).
	Term string
	// Speed is the line speed after the slash, or 0 when it is missing
	// or not a decimal number.
	Speed int
	// SyncTERM reports the form without the leading NUL, which SyncTERM
	// sends (x/84 calls it "3 NULs" and forces CP437 for it).
	SyncTERM bool
}

// ParseHandshake parses the handshake at the start of b. It returns the
// handshake and the number of bytes it took; the bytes after them are the
// client's first data. If b is a proper prefix of a handshake it returns
// ErrIncomplete; if b cannot start one, a *HandshakeError.
//
// A leading NUL means the BSD form, NUL client-user NUL server-user NUL
// term/speed NUL; any other first byte starts the SyncTERM form, the same
// three strings without the leading NUL. A control character or 0xFF
// (telnet's IAC) as the first byte is neither: it is a telnet client, a
// TLS record or someone typing at a raw socket.
//
// The strings are returned without control characters (C0, DEL and, in
// valid UTF-8, C1) and cut to MaxField bytes. Other bytes are kept as
// sent, so the strings need not be valid UTF-8 (SyncTERM speaks CP437).
func ParseHandshake(b []byte) (h Handshake, n int, err error) {
	if len(b) == 0 {
		return Handshake{}, 0, ErrIncomplete
	}
	pos := 0
	if c := b[0]; c == 0 {
		pos = 1
	} else {
		if reason := badFirstByte(c); reason != "" {
			return Handshake{}, 0, &HandshakeError{Offset: 0, Byte: c, Reason: reason}
		}
		h.SyncTERM = true
	}
	var f [3][]byte
	for i := range f {
		j := bytes.IndexByte(b[pos:], 0)
		if j < 0 {
			return Handshake{}, 0, ErrIncomplete
		}
		f[i] = b[pos : pos+j]
		pos += j + 1
	}
	term, speed, _ := bytes.Cut(f[2], []byte{'/'})
	h.ClientUser = clean(f[0], false)
	h.ServerUser = clean(f[1], false)
	h.Term = clean(term, true)
	h.Speed = parseSpeed(speed)
	return h, pos, nil
}

func badFirstByte(c byte) string {
	switch {
	case c == 0xFF:
		return "telnet IAC, not rlogin"
	case c < 0x20 || c == 0x7F:
		return "a control character cannot start a user name"
	}
	return ""
}

// clean returns b without control characters, at most MaxField bytes
// long, with ASCII letters lowered if lower is set.
func clean(b []byte, lower bool) string {
	var buf [MaxField]byte
	n := cleanPass(buf[:], b)
	// Dropping a control character can join the bytes around it into a
	// new one ("\xc2\x06\x94" gives U+0094), so clean until nothing
	// changes; each further pass only removes bytes.
	for {
		m := cleanPass(buf[:], buf[:n])
		if m == n {
			break
		}
		n = m
	}
	if lower {
		for i, c := range buf[:n] {
			if 'A' <= c && c <= 'Z' {
				buf[i] = c + 'a' - 'A'
			}
		}
	}
	return string(buf[:n])
}

// cleanPass copies src to dst without control characters, stopping before
// a character that would not fit, and returns the length. dst may be src.
func cleanPass(dst, src []byte) int {
	n := 0
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if size == 1 && r == utf8.RuneError {
			r = -1 // a byte that is not UTF-8: kept as it is
		}
		if r >= 0 && (r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F)) {
			src = src[size:]
			continue
		}
		if n+size > len(dst) {
			break
		}
		copy(dst[n:], src[:size])
		n += size
		src = src[size:]
	}
	return n
}

// parseSpeed returns the decimal number in b, or 0 if b is anything else.
func parseSpeed(b []byte) int {
	if len(b) == 0 || len(b) > maxSpeedDigits {
		return 0
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return 0
	}
	return v
}

// AppendHandshake appends the handshake a client sends for h to b: the
// BSD form, or the SyncTERM form if h.SyncTERM is set. The terminal field
// is "term/speed", or just "term" when h.Speed is not positive. NUL bytes
// in the strings, which would end them early, are dropped.
//
// A SyncTERM-form handshake with an empty ClientUser starts with a NUL and
// so reads as the start of the BSD form; the two cannot be told apart.
func AppendHandshake(b []byte, h Handshake) []byte {
	if !h.SyncTERM {
		b = append(b, 0)
	}
	b = appendNoNUL(b, h.ClientUser)
	b = append(b, 0)
	b = appendNoNUL(b, h.ServerUser)
	b = append(b, 0)
	b = appendNoNUL(b, h.Term)
	if h.Speed > 0 {
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(h.Speed), 10)
	}
	return append(b, 0)
}

func appendNoNUL(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] != 0 {
			b = append(b, s[i])
		}
	}
	return b
}
