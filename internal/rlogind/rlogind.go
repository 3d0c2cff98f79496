// Package rlogind adapts the rlogin package to x84's server: it runs the
// RFC 1282 handshake on each connection and presents it as a term.Conn,
// with the user name it offered filling in the login screen's handle.
// Each session starts in RFC 1282's raw mode, so that ^S and ^Q reach the
// board instead of pausing the client's output.
//
// Concurrency: Open runs in the connection's goroutine; the window-size
// callback runs on the session's reading goroutine, the only sender on the
// Resized channel.
package rlogind

import (
	"context"
	"log/slog"
	"net"

	"github.com/x84bbs/x84/rlogin"
	"github.com/x84bbs/x84/term"
)

// Protocol serves rlogin. Its zero value uses the rlogin package's
// defaults.
type Protocol struct {
	Config rlogin.Config
	Logger *slog.Logger
}

// Open runs the handshake with the client on c and returns its terminal.
func (p *Protocol) Open(ctx context.Context, c net.Conn) (term.Conn, error) {
	rc := &conn{resized: make(chan term.Size, 1)}
	cfg := p.Config
	cfg.OnResize = rc.onResize
	if cfg.Logger == nil {
		cfg.Logger = p.Logger
	}
	r, err := rlogin.NewServerConn(ctx, c, &cfg)
	if err != nil {
		return nil, err
	}
	rc.Conn = r
	h := r.Handshake()
	info := term.Info{
		Kind:       term.KindRlogin,
		RemoteAddr: r.RemoteAddr(),
		Term:       h.Term,
		Size:       term.DefaultSize,
		User:       h.ServerUser,
		Encoding:   term.UTF8,
	}
	if info.Term == "" {
		info.Term = term.UnknownTerm
	}
	if cols, rows := r.WindowSize(); cols > 0 && rows > 0 {
		info.Size = term.Size{Cols: cols, Rows: rows}
	}
	// SyncTERM's handshake form and the ANSI-BBS terminal types mean a
	// CP437 terminal; other rlogin clients are 8-bit clean.
	if h.SyncTERM || term.IsBBSTerm(info.Term) {
		info.Encoding = term.CP437
	}
	rc.info = info
	// rlogin clients handle ^S and ^Q themselves until told otherwise
	// (RFC 1282's "raw" control byte); a board wants every key. It goes
	// in an urgent byte of its own, after the window-size request, since
	// PuTTY takes only a bare 0x80 for that request. A client that cannot
	// take urgent data still gets its session.
	if err := r.SendUrgent(rlogin.ControlRaw); err != nil && p.Logger != nil {
		p.Logger.Debug("rlogin: sending raw mode", "remote", c.RemoteAddr().String(), "err", err)
	}
	if p.Logger != nil {
		p.Logger.Debug("rlogin handshake", "remote", c.RemoteAddr().String(), "term", h.Term, "speed", h.Speed, "synchterm", h.SyncTERM)
	}
	return rc, nil
}

// RefusalLine implements server.Refuser. An rlogin client takes the
// server's first byte as the answer to its handshake (RFC 1282: a zero
// byte), so a refusal sends that byte before the line; without it the
// line's first letter is lost.
func (p *Protocol) RefusalLine(msg string) string { return "\x00" + msg + "\r\n" }

// conn is an rlogin connection seen as a terminal.
type conn struct {
	*rlogin.Conn
	info    term.Info
	resized chan term.Size
}

func (c *conn) Info() term.Info           { return c.info }
func (c *conn) Resized() <-chan term.Size { return c.resized }

// onResize keeps only the newest size for the session.
func (c *conn) onResize(cols, rows int) {
	term.SendSize(c.resized, term.Size{Cols: cols, Rows: rows})
}

// SetTransparent does nothing: an rlogin connection already carries the
// caller's bytes as they are both ways (RFC 1282 has no text rules),
// apart from the client's window-size message, which only the client
// sends and only in its own framing.
func (c *conn) SetTransparent(bool) {}
