package web

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/internal/server"
)

// limitListener admits each connection as it is accepted: one from a
// banned address, or over the total or per-address limit, is closed
// there, before a byte is read or written (the TLS handshake included).
// Accept only counts and closes, so it never waits on a client.
type limitListener struct {
	net.Listener
	s *Server
}

func (s *Server) limitListener(l net.Listener) net.Listener { return &limitListener{l, s} }

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := l.s.admitConn(c); lc != nil {
			return lc, nil
		}
	}
}

// admitConn counts c against the ban hook and the limits. It returns c
// wrapped so that closing it ends the count, or closes c and returns nil.
func (s *Server) admitConn(c net.Conn) net.Conn {
	addr := server.AddrOf(c.RemoteAddr())
	reason := server.RefusedBanned
	ok := s.cfg.Admit == nil || s.cfg.Admit(addr) == nil
	if ok {
		reason, ok = s.conns.Acquire(addr)
	}
	if ok {
		return &limitConn{Conn: c, s: s, addr: addr}
	}
	// A reset rather than a FIN: the socket is gone at once, with no
	// TIME_WAIT kept for a flood of refused callers.
	if tc, isTCP := c.(*net.TCPConn); isTCP {
		tc.SetLinger(0)
	}
	c.Close()
	if n, log := s.refusals.Allow(time.Now()); log {
		s.log.Info("web connection refused", "remote", addr.String(), "reason", string(reason), "unlogged_before", n)
	}
	if s.cfg.OnRefuse != nil {
		s.cfg.OnRefuse(addr, reason)
	}
	return nil
}

// limitConn is an admitted connection. Closing it ends its count, once,
// however often it is closed (http.Server and a TLS connection above it
// may both close it).
type limitConn struct {
	net.Conn
	s        *Server
	addr     netip.Addr
	released atomic.Bool
	hijacked atomic.Bool // see secureConn
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	if c.released.CompareAndSwap(false, true) {
		c.s.conns.Release(c.addr)
	}
	return err
}

// Write adds the security headers to net/http's own error replies (see
// errorReply). Under TLS it sees records, except for the plain-text 400
// net/http writes here to an HTTP client on the HTTPS port.
func (c *limitConn) Write(p []byte) (int, error) {
	if c.hijacked.Load() {
		return c.Conn.Write(p)
	}
	return writeReply(c.Conn, p, false)
}

func (c *limitConn) markHijacked() { c.hijacked.Store(true) }

// CloseWrite lets net/http half-close the redirect listener's
// connections after an error reply, as it does a *net.TCPConn.
func (c *limitConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// tlsListener is tls.NewListener with connections of type secureConn.
type tlsListener struct {
	net.Listener
	conf *tls.Config
}

func (l *tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &secureConn{Conn: tls.Server(c, l.conf)}, nil
}

// secureConn is a server TLS connection whose writes pass through
// errorReply, so that net/http's own error replies carry the security
// headers too.
//
// Why a wrapper, and why it is safe: net/http writes its replies to a
// malformed request (400), headers over MaxHeaderBytes (431) and an
// unknown transfer coding (501) with one Write to the connection it
// serves, never through a handler, so no handler or middleware can add
// headers to them; and under TLS only the plain-text side of the
// connection can be rewritten. net/http (of the Go release go.mod asks
// for) recognises TLS by interface, not by the type *tls.Conn: it runs
// the handshake, bounded by ReadHeaderTimeout, through HandshakeContext,
// and sets Request.TLS from ConnectionState, both promoted here from the
// embedded *tls.Conn, as are CloseWrite (used after a 431) and NetConn.
// What needs the concrete type is TLSNextProto, which serves HTTP/2 or
// another ALPN protocol; this server offers only "http/1.1", so nothing
// is lost (TestRequestTLS checks Request.TLS and ALPN). Once a connection
// is hijacked (a WebSocket; http.Server's ConnState says so) its writes
// pass untouched: a frame's payload may be split across writes, and a
// piece could start like an HTTP reply.
type secureConn struct {
	*tls.Conn
	hijacked atomic.Bool
}

func (c *secureConn) Write(p []byte) (int, error) {
	if c.hijacked.Load() {
		return c.Conn.Write(p)
	}
	return writeReply(c.Conn, p, true)
}

func (c *secureConn) markHijacked() { c.hijacked.Store(true) }

// stopRewriting is http.Server.ConnState: a hijacked connection's writes
// are no longer looked at.
func stopRewriting(c net.Conn, st http.ConnState) {
	if h, ok := c.(interface{ markHijacked() }); ok && st == http.StateHijacked {
		h.markHijacked()
	}
}

// writeReply writes p to c, with the security headers added if p is one
// of net/http's own error replies. It reports p's length as written.
func writeReply(c net.Conn, p []byte, https bool) (int, error) {
	q := errorReply(p, https)
	if q == nil {
		return c.Write(p)
	}
	if _, err := c.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Bounds of net/http's error replies.
const (
	// netHTTPErrorHeaders are the only headers net/http puts on the
	// error replies it writes itself.
	netHTTPErrorHeaders = "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	// maxStatusLine is the longest status line looked at: net/http's
	// are "HTTP/1.1 400 Bad Request: " and a short reason.
	maxStatusLine = 256
)

// errorReply returns p with the security headers added after its status
// line if p is an error reply net/http wrote itself, and nil otherwise.
//
// Those replies are one Write of a 4xx or 5xx status line followed by
// exactly netHTTPErrorHeaders, or by no header at all (the 400 to plain
// HTTP on the HTTPS port). Nothing else sent on a connection looks like
// that: every response that passes through a handler has the security
// headers (secure) right after its status line, as net/http writes a
// handler's headers, sorted, before its own; TLS records start with a
// byte below 0x20, and WebSocket frames with 0x8X. If a future net/http changes the format,
// the replies go out as they are, and TestErrorReplyHeaders fails.
func errorReply(p []byte, https bool) []byte {
	if len(p) < len("HTTP/1.1 400 \r\n\r\n") || !bytes.HasPrefix(p, []byte("HTTP/1.")) ||
		(p[7] != '0' && p[7] != '1') || p[8] != ' ' || (p[9] != '4' && p[9] != '5') {
		return nil
	}
	end := bytes.Index(p[:min(len(p), maxStatusLine)], []byte("\r\n"))
	if end < 0 {
		return nil
	}
	end += 2
	rest := p[end:]
	if !bytes.HasPrefix(rest, []byte("\r\n")) && !bytes.HasPrefix(rest, []byte(netHTTPErrorHeaders)) {
		return nil
	}
	var b strings.Builder
	b.Grow(len(p) + 512)
	b.Write(p[:end])
	for _, h := range securityHeaders {
		if h.httpsOnly && !https {
			continue
		}
		b.WriteString(h.name + ": " + h.value + "\r\n")
	}
	b.Write(rest)
	return []byte(b.String())
}
