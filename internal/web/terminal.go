package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/text/language"

	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/internal/telnetd"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// TermType is the terminal type of a browser terminal (xterm.js).
const TermType = "xterm-256color"

// terminalWriteTimeout bounds every write to a terminal, as telnet's
// does, so a client that stops reading cannot hold its session forever.
// A variable for tests.
var terminalWriteTimeout = time.Minute

// maxResizeMessage is the longest window-size message accepted.
const maxResizeMessage = 256

// telnetSubprotocols are the WebSocket subprotocols web telnet clients
// ask for; each means binary frames of telnet bytes. A browser fails the
// handshake if it asked for one and gets none back.
var telnetSubprotocols = []string{"telnet", "binary", "plain"}

// Errors a browser terminal's messages can cause; each closes the
// WebSocket with a policy-violation status and the error's text.
var (
	ErrNoHello     = errors.New("web: no window size in time")
	ErrHelloFirst  = errors.New("web: the first message must be the window size")
	ErrBadResize   = errors.New("web: a text message must be {\"cols\":N,\"rows\":N}")
	ErrResizeRange = fmt.Errorf("web: window size out of range (1-%d columns, 1-%d rows)", session.MaxCols, session.MaxRows)
)

// closeReason returns an error's text for a close frame (at most 123
// bytes), without the package prefix.
func closeReason(err error) string {
	r := strings.TrimPrefix(err.Error(), "web: ")
	if len(r) > 123 {
		r = r[:123]
	}
	return r
}

// originAllowed reports whether a WebSocket request may come from its
// Origin: none (not a browser, so nothing to forge), the server's own
// host over HTTPS, or a configured origin.
func (s *Server) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return s.origins[strings.ToLower(u.Scheme+"://"+u.Host)]
}

// terminal serves /ws: the browser terminal.
func (s *Server) terminal(w http.ResponseWriter, r *http.Request) { s.upgrade(w, r, false) }

// telnetTerminal serves /ws/telnet: telnet inside binary frames.
func (s *Server) telnetTerminal(w http.ResponseWriter, r *http.Request) { s.upgrade(w, r, true) }

// upgrade checks a WebSocket request, counts it against the limits
// shared with the other protocols, and serves its session.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, telnet bool) {
	if s.cfg.Server == nil {
		writeError(w, http.StatusNotFound, "no such page")
		return
	}
	if !s.originAllowed(r) {
		s.log.Debug("websocket origin refused", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"))
		writeError(w, http.StatusForbidden, "pages from "+r.Header.Get("Origin")+" may not open this board's terminals")
		return
	}
	if !headerHas(r.Header, "Connection", "upgrade") || !headerHas(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Upgrade", "websocket")
		writeError(w, http.StatusUpgradeRequired, "this is a WebSocket endpoint")
		return
	}
	if r.Header.Get("Sec-WebSocket-Version") != "13" || r.Header.Get("Sec-WebSocket-Key") == "" {
		w.Header().Set("Sec-WebSocket-Version", "13")
		writeError(w, http.StatusBadRequest, "WebSocket version 13 with a key is required")
		return
	}
	if !s.track() {
		writeError(w, http.StatusServiceUnavailable, "The board is shutting down.")
		return
	}
	detached := false
	defer func() {
		if !detached {
			s.wg.Done()
		}
	}()
	release, refusal := s.cfg.Server.Reserve(clientAddr(r))
	if refusal != nil {
		status := http.StatusTooManyRequests
		if refusal.Reason == server.RefusedBanned {
			status = http.StatusForbidden
		} else {
			w.Header().Set("Retry-After", "10")
		}
		writeError(w, status, refusal.Message)
		return
	}
	// net/http's read and write deadlines for the request would stay on
	// the connection once hijacked; a terminal has limits of its own.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	opts := &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled}
	if telnet {
		opts.Subprotocols = telnetSubprotocols
	}
	sb := &smallBuffers{ResponseWriter: w}
	ws, err := websocket.Accept(sb, r, opts) // the origin was checked above
	if err != nil {
		release()
		s.log.Debug("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	ws.SetReadLimit(s.cfg.MaxMessage)
	s.trackConn(ws, true)
	remote := sb.conn.RemoteAddr() // r.RemoteAddr's, without a copy
	var run func()
	if telnet {
		run = s.openTelnet(ws, remote, release)
	} else {
		run = s.openTerminal(ws, remote, browserEnv(r.Header), release)
	}
	if run == nil {
		s.trackConn(ws, false)
		return
	}
	// The session runs in a goroutine of its own and the handler returns:
	// net/http's goroutine, whose stack the TLS handshake has grown, and
	// its state for the connection and the request would otherwise stay
	// for the session's life.
	detached = true
	go func() {
		defer s.wg.Done()
		defer s.trackConn(ws, false)
		run()
	}()
}

// headerHas reports whether a comma-separated header lists token.
func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// openTerminal waits for the browser's window size, and returns what
// runs the session, or nil if the WebSocket ended first.
func (s *Server) openTerminal(ws *websocket.Conn, remote net.Addr, env map[string]string, release func()) (run func()) {
	size, err := s.hello(ws)
	if err != nil {
		release()
		s.log.Debug("browser terminal closed before its session", "remote", addrString(remote), "err", err)
		return nil
	}
	return func() {
		tc := newTermConn(ws, term.Info{
			Kind:       term.KindWeb,
			RemoteAddr: remote,
			Term:       TermType,
			Size:       size,
			Env:        env,
			Encoding:   term.UTF8,
		})
		s.cfg.Server.ServeTerm(tc, release)
		<-tc.closed
	}
}

// webEnv is the browser terminal's environment for browsers that name
// no language, shared: it is only read.
var webEnv = map[string]string{"COLORTERM": "truecolor"}

// maxAcceptLanguage bounds the Accept-Language header read; browsers
// send a few dozen bytes.
const maxAcceptLanguage = 256

// browserEnv is a browser terminal's environment: truecolour, and the
// browser's first language (Accept-Language) as LANG, which the board
// speaks to it as it would to a terminal's LANG.
func browserEnv(h http.Header) map[string]string {
	al := h.Get("Accept-Language")
	if al == "" || len(al) > maxAcceptLanguage {
		return webEnv
	}
	tags, _, err := language.ParseAcceptLanguage(al)
	if err != nil || len(tags) == 0 || tags[0] == language.Und || tags[0].String() == "mul" { // "*": any
		return webEnv
	}
	return map[string]string{"COLORTERM": "truecolor", "LANG": tags[0].String()}
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// hello reads the first message, which must be the window size, within
// HelloTimeout. On error the WebSocket is closed (policy violation, or
// going away at shutdown).
func (s *Server) hello(ws *websocket.Conn) (term.Size, error) {
	ctx, cancel := context.WithTimeout(s.baseCtx, s.cfg.HelloTimeout)
	defer cancel()
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		if s.baseCtx.Err() != nil {
			ws.Close(websocket.StatusGoingAway, "The board is shutting down.")
		} else {
			ws.Close(websocket.StatusPolicyViolation, closeReason(ErrNoHello))
		}
	})
	size, err := readHello(ws)
	if !stop() {
		<-fired
		if s.baseCtx.Err() != nil {
			return size, s.baseCtx.Err()
		}
		return size, ErrNoHello
	}
	if err != nil {
		if errors.Is(err, ErrHelloFirst) || errors.Is(err, ErrBadResize) || errors.Is(err, ErrResizeRange) {
			ws.Close(websocket.StatusPolicyViolation, closeReason(err))
		} else {
			ws.CloseNow()
		}
		return size, err
	}
	return size, nil
}

func readHello(ws *websocket.Conn) (term.Size, error) {
	typ, r, err := ws.Reader(context.Background())
	if err != nil {
		return term.Size{}, err
	}
	if typ != websocket.MessageText {
		return term.Size{}, ErrHelloFirst
	}
	return readResize(r)
}

// readResize reads a window-size message: {"cols":N,"rows":N} and
// nothing else.
func readResize(r io.Reader) (term.Size, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxResizeMessage+1))
	if err != nil {
		return term.Size{}, err
	}
	if len(b) > maxResizeMessage {
		return term.Size{}, ErrBadResize
	}
	return parseResize(b)
}

func parseResize(b []byte) (term.Size, error) {
	var m struct {
		Cols *int `json:"cols"`
		Rows *int `json:"rows"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || m.Cols == nil || m.Rows == nil {
		return term.Size{}, ErrBadResize
	}
	if _, err := dec.Token(); err != io.EOF {
		return term.Size{}, ErrBadResize
	}
	if *m.Cols < 1 || *m.Cols > session.MaxCols || *m.Rows < 1 || *m.Rows > session.MaxRows {
		return term.Size{}, ErrResizeRange
	}
	return term.Size{Cols: *m.Cols, Rows: *m.Rows}, nil
}

// termConn is a browser terminal: binary messages carry terminal bytes
// both ways, text messages from the browser carry its window size.
type termConn struct {
	ws      *websocket.Conn
	info    term.Info
	resized chan term.Size
	msg     io.Reader // the binary message being read; Read's alone

	closeOnce sync.Once
	closed    chan struct{} // closed once the close handshake has ended
}

func newTermConn(ws *websocket.Conn, info term.Info) *termConn {
	return &termConn{ws: ws, info: info, resized: make(chan term.Size, 1), closed: make(chan struct{})}
}

func (t *termConn) Info() term.Info           { return t.info }
func (t *termConn) Resized() <-chan term.Size { return t.resized }

// Read returns the bytes of binary messages, and applies text messages
// as window sizes in between. A malformed size closes the connection.
func (t *termConn) Read(p []byte) (int, error) {
	for {
		if t.msg != nil {
			n, err := t.msg.Read(p)
			if err == io.EOF {
				t.msg, err = nil, nil
			}
			if n > 0 || err != nil {
				return n, readErr(err)
			}
			continue
		}
		typ, r, err := t.ws.Reader(context.Background())
		if err != nil {
			return 0, readErr(err)
		}
		if typ == websocket.MessageBinary {
			t.msg = r
			continue
		}
		size, err := readResize(r)
		if err != nil {
			t.closeWith(websocket.StatusPolicyViolation, closeReason(err))
			return 0, err
		}
		term.SendSize(t.resized, size) // only Read sends
	}
}

// readErr turns the browser's hanging up into io.EOF.
func readErr(err error) error {
	switch websocket.CloseStatus(err) {
	case websocket.StatusNormalClosure, websocket.StatusGoingAway, websocket.StatusNoStatusRcvd:
		return io.EOF
	}
	return err
}

// Write sends p as one binary message. A write that takes longer than
// terminalWriteTimeout closes the connection. That is a timer rather
// than a context's deadline: the websocket package keeps the context of
// the last write, with its timer and channel, for the connection's life.
func (t *termConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	timer := time.AfterFunc(terminalWriteTimeout, func() { t.ws.CloseNow() })
	err := t.ws.Write(context.Background(), websocket.MessageBinary, p)
	timer.Stop()
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close starts the close handshake and returns at once: the session
// server may close many connections in a row. The handshake ends when
// the browser answers, or within seconds (the websocket package's
// limits); closed is closed then.
func (t *termConn) Close() error {
	t.closeWith(websocket.StatusNormalClosure, "")
	return nil
}

func (t *termConn) closeWith(code websocket.StatusCode, reason string) {
	t.closeOnce.Do(func() {
		go func() {
			defer close(t.closed)
			t.ws.Close(code, reason)
		}()
	})
}

// openTelnet negotiates telnet inside the WebSocket, and returns what
// runs the session, or nil if negotiation failed. The session's kind is
// web; its terminal type is the client's.
func (s *Server) openTelnet(ws *websocket.Conn, remote net.Addr, release func()) (run func()) {
	fc := newFrameConn(ws, s.cfg.MaxMessage)
	p := s.cfg.Telnet
	if p == nil {
		p = &telnetd.Protocol{}
	}
	ctx, cancel := context.WithCancel(s.baseCtx)
	tc, err := p.Open(ctx, fc)
	if err != nil {
		fc.Close()
		release()
		s.log.Debug("web telnet ended during negotiation", "remote", addrString(remote), "err", err)
		cancel()
		fc.wait()
		return nil
	}
	return func() {
		defer fc.wait()
		defer cancel()
		s.cfg.Server.ServeTerm(webKind{tc}, release)
	}
}

// webKind reports a telnet terminal that came over a WebSocket as kind
// web.
type webKind struct{ term.Conn }

func (c webKind) Info() term.Info {
	info := c.Conn.Info()
	info.Kind = term.KindWeb
	return info
}
