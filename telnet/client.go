package telnet

import (
	"net"
	"sync"
)

// ClientConfig describes the terminal a ClientConn claims to be. The zero
// value is a client that refuses every option, like a raw socket that
// happens to answer.
type ClientConfig struct {
	// TermTypes are answered in turn to TTYPE SEND; the last one repeats,
	// which ends a server's cycle. Empty refuses TTYPE.
	TermTypes []string
	// Cols and Rows are reported with NAWS; zero refuses NAWS.
	Cols, Rows int
	// Env is answered to NEW-ENVIRON SEND; nil refuses NEW-ENVIRON.
	Env map[string]string
	// Binary accepts BINARY both ways.
	Binary bool
	// Transparent, with BINARY agreed from the server, passes its data
	// as sent (no CR NUL or CR LF folding, RFC 856), as a file transfer
	// needs; without it, screens' line ends read as a lone CR.
	Transparent bool
	// SilentEnv accepts NEW-ENVIRON but never answers SEND, as some MUD
	// clients do.
	SilentEnv bool
	// Charsets are the character sets the client can use. If any,
	// it agrees to CHARSET and answers a REQUEST with the first name
	// offered that is one of them (compared as CanonicalCharset does), or
	// REJECTED; if none, it refuses CHARSET.
	Charsets []string
}

// ClientConn is the client side of a telnet connection, with just enough
// of a terminal to answer a server's negotiation: echo and go-ahead
// suppression, TTYPE, NAWS, NEW-ENVIRON, BINARY and CHARSET as configured.
type ClientConn struct {
	conn net.Conn
	cfg  ClientConfig
	dec  *Decoder

	mu    sync.Mutex
	opts  OptionTable
	ttype int
	wenc  Encoder
}

// NewClientConn wraps c, a connection to a telnet server.
func NewClientConn(c net.Conn, cfg *ClientConfig) *ClientConn {
	cc := &ClientConn{conn: c, dec: NewDecoder(0)}
	if cfg != nil {
		cc.cfg = *cfg
	}
	cc.opts.AcceptLocal = func(opt byte) bool {
		switch opt {
		case OptTTYPE:
			return len(cc.cfg.TermTypes) > 0
		case OptNAWS:
			return cc.cfg.Cols > 0 && cc.cfg.Rows > 0
		case OptNewEnviron:
			return cc.cfg.Env != nil || cc.cfg.SilentEnv
		case OptBinary:
			return cc.cfg.Binary
		case OptSGA:
			return true
		case OptCharset:
			return len(cc.cfg.Charsets) > 0
		}
		return false
	}
	cc.opts.AcceptRemote = func(opt byte) bool {
		switch opt {
		case OptEcho, OptSGA:
			return true
		case OptBinary:
			return cc.cfg.Binary
		}
		return false
	}
	return cc
}

// Read returns the server's data, answering its negotiation on the way.
func (c *ClientConn) Read(p []byte) (int, error) {
	for {
		n, err := c.conn.Read(p)
		if n > 0 {
			var out []byte
			if c.cfg.Transparent {
				c.mu.Lock()
				c.dec.Binary = c.opts.Enabled(Remote, OptBinary)
				c.mu.Unlock()
			}
			data := c.dec.Decode(p[:0], p[:n], func(ev Event) { out = c.handle(out, ev) })
			if len(out) > 0 {
				if _, werr := c.conn.Write(out); werr != nil && err == nil {
					err = werr
				}
			}
			if len(data) > 0 {
				return len(data), err
			}
		}
		if err != nil {
			return 0, err
		}
	}
}

func (c *ClientConn) handle(out []byte, ev Event) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.Kind {
	case EventOption:
		var ch Change
		out, ch = c.opts.Receive(out, ev.Cmd, ev.Opt)
		if ch == Enabled && ev.Cmd == DO && ev.Opt == OptNAWS {
			out = appendNAWS(out, c.cfg.Cols, c.cfg.Rows)
		}
	case EventSubneg:
		if ev.Opt == OptCharset && len(ev.Data) > 0 && ev.Data[0] == charsetREQUEST && c.opts.Enabled(Local, OptCharset) {
			out = c.answerCharsetLocked(out, parseCharsetRequest(ev.Data[1:]))
			break
		}
		if len(ev.Data) == 0 || ev.Data[0] != sbSEND {
			break
		}
		if !c.opts.Enabled(Local, ev.Opt) {
			break // never agreed: a server asking anyway gets nothing
		}
		switch ev.Opt {
		case OptTTYPE:
			t := c.cfg.TermTypes[min(c.ttype, len(c.cfg.TermTypes)-1)]
			c.ttype++
			out = append(out, IAC, SB, OptTTYPE, sbIS)
			out = append(out, t...)
			out = append(out, IAC, SE)
		case OptNewEnviron:
			if c.cfg.SilentEnv {
				break
			}
			out = append(out, IAC, SB, OptNewEnviron, sbIS)
			for k, v := range c.cfg.Env {
				out = appendEnvString(append(out, envVAR), k)
				out = appendEnvString(append(out, envVALUE), v)
			}
			out = append(out, IAC, SE)
		}
	}
	return out
}

// answerCharsetLocked answers a server's CHARSET REQUEST for names.
func (c *ClientConn) answerCharsetLocked(out []byte, names []string) []byte {
	for _, n := range names {
		for _, mine := range c.cfg.Charsets {
			if cn := CanonicalCharset(n); cn != "" && cn == CanonicalCharset(mine) {
				return appendCharsetReply(out, charsetACCEPTED, n)
			}
		}
	}
	return appendCharsetReply(out, charsetREJECTED, "")
}

func appendNAWS(out []byte, cols, rows int) []byte {
	out = append(out, IAC, SB, OptNAWS)
	for _, b := range []byte{byte(cols >> 8), byte(cols), byte(rows >> 8), byte(rows)} {
		out = append(out, b)
		if b == IAC {
			out = append(out, IAC)
		}
	}
	return append(out, IAC, SE)
}

// Write sends p with IAC doubled.
func (c *ClientConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	b := c.wenc.Append(nil, p)
	c.mu.Unlock()
	if _, err := c.conn.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Resize reports a new window size to the server.
func (c *ClientConn) Resize(cols, rows int) error {
	c.mu.Lock()
	c.cfg.Cols, c.cfg.Rows = cols, rows
	c.mu.Unlock()
	_, err := c.conn.Write(appendNAWS(nil, cols, rows))
	return err
}

// Close closes the connection.
func (c *ClientConn) Close() error { return c.conn.Close() }

// NetConn returns the underlying connection.
func (c *ClientConn) NetConn() net.Conn { return c.conn }
