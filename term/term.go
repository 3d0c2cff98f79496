package term

import (
	"io"
	"net"
	"strings"
	"time"
)

// Kind names the protocol a connection arrived by.
type Kind string

// The kinds of connection x84 serves.
const (
	KindTelnet Kind = "telnet"
	KindSSH    Kind = "ssh"
	KindRlogin Kind = "rlogin"
	KindWeb    Kind = "web"
	// KindSFTP is a file transfer over ssh: listed in who's online, but
	// no terminal.
	KindSFTP Kind = "sftp"
)

// Size is a terminal's window size in character cells.
type Size struct {
	Cols int
	Rows int
}

// DefaultSize is assumed when a client never reports its window size.
var DefaultSize = Size{Cols: 80, Rows: 24}

// Encoding is the character encoding of the bytes exchanged with a terminal.
type Encoding string

// The encodings x84 speaks. CP437 is the IBM PC character set that classic
// BBS terminals (SyncTERM, NetRunner, DOS programs) expect.
const (
	UTF8  Encoding = "utf-8"
	CP437 Encoding = "cp437"
)

// Info holds what the protocol learnt about the client's terminal.
type Info struct {
	Kind       Kind
	RemoteAddr net.Addr
	// Term is the terminal type in lower case, "unknown" when the client
	// never said.
	Term string
	// Size is the window size when the connection opened.
	Size Size
	// Env holds environment variables the client sent (LANG, COLORTERM…).
	Env map[string]string
	// Encoding is the encoding the protocol layer chose.
	Encoding Encoding
	// Colors is the colour depth the client stated, for renderers that
	// can use more than the 16 ANSI colours; ColorsUnknown if it did not.
	Colors Colors
	// User is a login name the client offered before any prompt (rlogin,
	// ssh). Unless UserVerified, it only pre-fills the login screen.
	User string
	// UserVerified means the protocol authenticated User (an ssh password
	// or key), so the board skips its own login.
	UserVerified bool
	// ScreenReader means the client said its user reads the screen with
	// a screen reader (a MUD client's MTTS screen reader bit), so the
	// board offers its plain-text screens.
	ScreenReader bool
}

// Conn is a terminal connection: a byte stream plus what is known about the
// terminal at the other end. Protocol adapters (telnet, ssh, rlogin, web)
// produce a Conn; everything protocol-specific stops below it.
//
// Write is safe to call from several goroutines at once: each call's bytes
// reach the client whole, never interleaved with another's (a sysop's
// Disconnect writes while the session's own goroutine may be writing too).
// Every adapter serialises its writes: telnet, rlogin and ssh with a lock
// of their own, the browser terminal by sending each Write as one
// WebSocket message (which its library locks). Read is
// called from one goroutine at a time (the session's reader). Close may be
// called from any goroutine, more than once.
type Conn interface {
	io.ReadWriteCloser
	// Info reports the terminal's facts as negotiated when the connection
	// opened.
	Info() Info
	// Resized delivers window-size changes. Only the newest size is kept
	// when the receiver falls behind. The channel is never closed.
	Resized() <-chan Size
}

// DirectConn is a Conn that a session reads on its handler's own
// goroutine, with no reading goroutine of its own: one goroutine per
// caller instead of two. Once ReadDirect has been called, a blocked Read
// returns an error wrapping os.ErrDeadlineExceeded, the connection still
// usable, when the read deadline passes or the window size changes, so
// that the session sees the new size at once. Telnet's connections are
// DirectConns.
type DirectConn interface {
	Conn
	SetReadDeadline(t time.Time) error
	// ReadDirect is called once by the goroutine that reads, before its
	// first Read.
	ReadDirect()
}

// TransparentConn is a Conn that can carry a file transfer (XMODEM,
// YMODEM, ZMODEM): in SetTransparent(true)'s mode every byte passes both
// ways unchanged by the protocol's text rules (telnet's CR NUL and CR LF,
// the newline the ssh adapter turns into CR LF). Telnet, ssh and rlogin
// connections are; the browser terminal is not.
type TransparentConn interface {
	Conn
	SetTransparent(on bool)
}

// Wrapper is a Conn that wraps another (to count its traffic, say):
// Unwrap returns the one inside, so that what it can do beyond Conn is
// found (AsTransparent).
type Wrapper interface {
	Unwrap() Conn
}

// AsTransparent returns c, or the connection c wraps, as a
// TransparentConn, if it is one.
func AsTransparent(c Conn) (TransparentConn, bool) {
	for c != nil {
		if t, ok := c.(TransparentConn); ok {
			return t, true
		}
		w, ok := c.(Wrapper)
		if !ok {
			break
		}
		c = w.Unwrap()
	}
	return nil, false
}

// UnknownTerm is the terminal type of a client that never named one.
const UnknownTerm = "unknown"

// bbsTerms are the terminal types of BBS clients that draw the CP437
// character set and expect bytes, not UTF-8.
var bbsTerms = []string{"ansi", "ansi-bbs", "pcansi", "scoansi", "syncterm", "cterm", "netrunner", "qodem", "ansi.sys", "ansi-mono"}

// IsBBSTerm reports whether a terminal type names an ANSI-BBS terminal, which
// shows CP437 and must not be sent UTF-8 whatever else it claims.
func IsBBSTerm(t string) bool {
	t = strings.ToLower(t)
	for _, b := range bbsTerms {
		if t == b || strings.HasPrefix(t, b+"-") {
			return true
		}
	}
	return false
}

// EncodingFromLocale returns UTF8 when a locale value such as
// "en_US.UTF-8" names UTF-8, and "" otherwise.
func EncodingFromLocale(v string) Encoding {
	v = strings.ToLower(v)
	if strings.Contains(v, "utf-8") || strings.Contains(v, "utf8") {
		return UTF8
	}
	return ""
}
