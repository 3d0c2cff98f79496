package telnetd

import (
	"context"
	"net"

	"github.com/x84bbs/x84/telnet"
	"github.com/x84bbs/x84/term"
)

// Protocol serves telnet. Its zero value uses the telnet package's
// defaults.
type Protocol struct {
	Config telnet.Config
}

// Open negotiates with the client on c and returns its terminal.
func (p *Protocol) Open(ctx context.Context, c net.Conn) (term.Conn, error) {
	tc := &conn{resized: make(chan term.Size, 1)}
	cfg := p.Config
	cfg.OnResize = tc.onResize
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
	binary := t.Enabled(telnet.Local, telnet.OptBinary) && t.Enabled(telnet.Remote, telnet.OptBinary)
	info.Encoding = ChooseEncoding(info.Term, binary, info.Env)
	return info
}

// ChooseEncoding decides a telnet session's encoding: UTF-8 when BINARY
// is agreed both ways or LC_ALL/LANG names UTF-8, unless the terminal type
// is an ANSI-BBS one, which draws CP437 whatever else it claims; CP437
// otherwise, since a client that cannot even agree on 8-bit data is most
// likely a classic one.
func ChooseEncoding(termType string, binary bool, env map[string]string) term.Encoding {
	if term.IsBBSTerm(termType) {
		return term.CP437
	}
	locale := env["LC_ALL"]
	if locale == "" {
		locale = env["LANG"]
	}
	if binary || term.EncodingFromLocale(locale) == term.UTF8 {
		return term.UTF8
	}
	return term.CP437
}

// conn is a negotiated telnet connection seen as a terminal.
type conn struct {
	*telnet.Conn
	info    term.Info
	resized chan term.Size
}

func (c *conn) Info() term.Info           { return c.info }
func (c *conn) Resized() <-chan term.Size { return c.resized }

// onResize keeps only the newest size for the session. It is called from
// Read, the only sender, so it cannot block.
func (c *conn) onResize(cols, rows int) {
	term.SendSize(c.resized, term.Size{Cols: cols, Rows: rows})
}
