package telnetd

import (
	"context"
	"net"
	"time"

	"github.com/x84bbs/x84/telnet"
	"github.com/x84bbs/x84/term"
)

// Protocol serves telnet. Its zero value uses the telnet package's
// defaults, and offers CP437 in a CHARSET REQUEST to ANSI-BBS terminals
// (term.IsBBSTerm) unless Config.OfferCP437 says otherwise.
type Protocol struct {
	Config telnet.Config
}

// Open negotiates with the client on c and returns its terminal.
func (p *Protocol) Open(ctx context.Context, c net.Conn) (term.Conn, error) {
	tc := &conn{resized: make(chan term.Size, 1)}
	cfg := p.Config
	cfg.OnResize = tc.onResize
	if cfg.OfferCP437 == nil {
		cfg.OfferCP437 = term.IsBBSTerm
	}
	t, err := telnet.NewServerConn(ctx, c, &cfg)
	if err != nil {
		return nil, err
	}
	tc.Conn = t
	tc.info = infoOf(t)
	return tc, nil
}

// infoOf collects the terminal's facts after negotiation.
func infoOf(t *telnet.Conn) term.Info {
	info := term.Info{
		Kind:       term.KindTelnet,
		RemoteAddr: t.RemoteAddr(),
		Term:       t.TermType(),
		Size:       term.DefaultSize,
		Env:        t.Env(),
	}
	if info.Term == "" {
		info.Term = term.UnknownTerm
	}
	if cols, rows := t.WindowSize(); cols > 0 && rows > 0 {
		info.Size = term.Size{Cols: cols, Rows: rows}
	}
	f := Facts{
		Term:    info.Term,
		Binary:  t.Enabled(telnet.Local, telnet.OptBinary) && t.Enabled(telnet.Remote, telnet.OptBinary),
		Env:     info.Env,
		MTTS:    t.MTTS(),
		Charset: t.Charset(),
	}
	info.Encoding = ChooseEncoding(f)
	info.Colors = ChooseColors(f)
	info.ScreenReader = f.MTTS&telnet.MTTSScreenReader != 0
	return info
}

// Facts are what a telnet client stated, during negotiation, that bears
// on its encoding and colours.
type Facts struct {
	// Term is the terminal type (for MUD clients the second one named).
	Term string
	// Binary reports whether BINARY was agreed both ways.
	Binary bool
	// Env holds the NEW-ENVIRON variables.
	Env map[string]string
	// MTTS is the MUD Terminal Type Standard bit field, 0 if none.
	MTTS int
	// Charset is the character set agreed with CHARSET (RFC 2066):
	// telnet.CharsetUTF8, telnet.CharsetCP437 or "".
	Charset string
}

// ChooseEncoding decides a telnet session's encoding: CHARSET agreement,
// NEW-ENVIRON CHARSET, the MTTS UTF-8 bit, an ANSI-BBS terminal type,
// the locale, BINARY, in that order, as the package documentation
// explains; CP437 when none speaks.
func ChooseEncoding(f Facts) term.Encoding {
	if e, ok := encodingOf(f.Charset); ok {
		return e
	}
	if e, ok := encodingOf(telnet.CanonicalCharset(f.Env["CHARSET"])); ok {
		return e
	}
	if f.MTTS&telnet.MTTSUTF8 != 0 {
		return term.UTF8
	}
	if term.IsBBSTerm(f.Term) {
		return term.CP437
	}
	locale := f.Env["LC_ALL"]
	if locale == "" {
		locale = f.Env["LANG"]
	}
	if f.Binary || term.EncodingFromLocale(locale) == term.UTF8 {
		return term.UTF8
	}
	return term.CP437
}

// encodingOf maps a canonical telnet character set name to an encoding.
func encodingOf(charset string) (term.Encoding, bool) {
	switch charset {
	case telnet.CharsetUTF8:
		return term.UTF8, true
	case telnet.CharsetCP437:
		return term.CP437, true
	}
	return "", false
}

// ChooseColors decides the colour depth a client stated. An MTTS value
// says it all: 24-bit, else 256, else the 16 ANSI colours, else unknown.
// Without one, the terminal type and COLORTERM say it, as
// term.ColorsFromEnv reads them.
func ChooseColors(f Facts) term.Colors {
	switch {
	case f.MTTS == 0:
		return term.ColorsFromEnv(f.Term, f.Env["COLORTERM"])
	case f.MTTS&telnet.MTTSTrueColor != 0:
		return term.ColorsTrue
	case f.MTTS&telnet.MTTS256Colors != 0:
		return term.Colors256
	case f.MTTS&telnet.MTTSANSI != 0:
		return term.Colors16
	}
	return term.ColorsUnknown
}

// conn is a negotiated telnet connection seen as a terminal: a
// term.DirectConn.
type conn struct {
	*telnet.Conn
	info    term.Info
	resized chan term.Size
	direct  bool // read by the session's own goroutine (ReadDirect)
}

func (c *conn) Info() term.Info           { return c.info }
func (c *conn) Resized() <-chan term.Size { return c.resized }

// ReadDirect makes a window size change end a blocked Read.
func (c *conn) ReadDirect() { c.direct = true }

// onResize keeps only the newest size for the session. It is called from
// Read, the only sender, so it cannot block. A session that reads on its
// own goroutine learns of it when Read returns: a deadline in the past
// makes that happen now, not at the caller's next key.
func (c *conn) onResize(cols, rows int) {
	term.SendSize(c.resized, term.Size{Cols: cols, Rows: rows})
	if c.direct {
		c.Conn.SetReadDeadline(aLongTimeAgo)
	}
}

// aLongTimeAgo is a read deadline that has passed.
var aLongTimeAgo = time.Unix(1, 0)
