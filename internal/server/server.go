package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("server: closed")

// ErrNoSession is returned (wrapped or not) by a Protocol that served the
// connection itself without a terminal session (an sftp transfer, an ssh
// exec refused with a message); it is not an error worth logging.
var ErrNoSession = errors.New("server: connection served without a session")

// A Protocol turns an accepted connection into a terminal connection: it
// runs the protocol's handshake or negotiation in the connection's own
// goroutine. On error it must close c.
type Protocol interface {
	Open(ctx context.Context, c net.Conn) (term.Conn, error)
}

// ProtocolFunc adapts a function to a Protocol.
type ProtocolFunc func(ctx context.Context, c net.Conn) (term.Conn, error)

// Open calls f(ctx, c).
func (f ProtocolFunc) Open(ctx context.Context, c net.Conn) (term.Conn, error) { return f(ctx, c) }

// A Refuser is a Protocol that frames the line telling a refused caller
// why (rlogin clients take the first byte as the handshake's answer).
// Other protocols get the line as it is.
type Refuser interface {
	// RefusalLine returns what to write for msg.
	RefusalLine(msg string) string
}

// Defaults for the zero Server.
const (
	DefaultMaxSessions   = 2000
	DefaultMaxPerAddress = 20
)

// Server serves sessions on any number of listeners. Set its fields
// before the first call to Serve; the zero value serves nothing useful but
// works (it hangs up on every caller).
type Server struct {
	// Handler runs each session. If nil, callers are told the board is
	// not ready and disconnected.
	Handler session.Handler
	// Registry lists live sessions. If nil, the Server makes its own.
	Registry *session.Registry
	// Events, if non-nil, hears of every session that starts or ends
	// (events.TopicPresence), so who's online can follow.
	Events events.Bus
	// MaxSessions limits connections in total. Default 2000.
	MaxSessions int
	// MaxPerAddress limits connections from one IP address. Default 20.
	MaxPerAddress int
	// Session tunes every session (idle limits, Esc delay).
	Session session.Config
	// Admit, if non-nil, is called for every connection before any
	// limit; an error refuses it with the error's text (a ban). It runs
	// on the accept loop and must not block.
	Admit func(addr netip.Addr) error
	// OnRefuse, if non-nil, is called for every refused connection, on
	// the accept loop; it must not block.
	OnRefuse func(addr netip.Addr, reason RefusalReason)
	// OnSession, if non-nil, is called as each session starts, with the
	// time its connection took to get there (negotiation, handshake), for
	// metrics.
	OnSession func(kind term.Kind, setup time.Duration)
	// WrapConn, if non-nil, wraps every terminal connection before its
	// session starts (to count its traffic).
	WrapConn func(term.Conn) term.Conn
	// Goodbye is written to every session ended by Shutdown. Default
	// "The board is shutting down. Goodbye!", in the caller's language
	// (the message server.shutdown).
	Goodbye string
	// Logger receives connection logs. If nil, nothing is logged.
	Logger *slog.Logger

	initOnce   sync.Once
	log        *slog.Logger
	refusalLog throttle
	limits     limiter
	workers    group
	lingering  atomic.Int32    // refused connections being drained
	baseCtx    context.Context // cancelled when shutdown begins
	cancel     context.CancelFunc

	mu        sync.Mutex
	listeners map[*onceCloseListener]struct{}
	conns     map[io.Closer]struct{} // connections and web terminals
	shutdown  bool
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.log = s.Logger
		if s.log == nil {
			s.log = slog.New(slog.DiscardHandler)
		}
		if s.Registry == nil {
			s.Registry = &session.Registry{}
		}
		s.baseCtx, s.cancel = context.WithCancel(context.Background())
		s.listeners = make(map[*onceCloseListener]struct{})
		s.conns = make(map[io.Closer]struct{})
	})
}

func (s *Server) maxSessions() int {
	if s.MaxSessions > 0 {
		return s.MaxSessions
	}
	return DefaultMaxSessions
}

func (s *Server) maxPerAddress() int {
	if s.MaxPerAddress > 0 {
		return s.MaxPerAddress
	}
	return DefaultMaxPerAddress
}

// Serve accepts connections on l and serves each with p until Shutdown or
// Close. It always returns a non-nil error; after Shutdown or Close it is
// ErrServerClosed. A failing Accept that is not a closed listener (too
// many open files, a connection aborted before accept) is retried after
// a pause of 5 ms that doubles up to 1 s, as net/http does.
func (s *Server) Serve(l net.Listener, p Protocol) error {
	s.init()
	ol := &onceCloseListener{Listener: l}
	if !s.trackListener(ol, true) {
		ol.Close()
		return ErrServerClosed
	}
	defer s.trackListener(ol, false)
	var delay time.Duration
	for {
		c, err := ol.Accept()
		if err != nil {
			if s.shuttingDown() {
				return ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed; retrying", "addr", l.Addr().String(), "err", err, "delay", delay)
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-s.baseCtx.Done():
				t.Stop()
				return ErrServerClosed
			}
			continue
		}
		delay = 0
		s.accept(c, p)
	}
}

// accept admits or refuses a new connection. It never blocks on the
// client: a refusal is one short write to a fresh socket, whose send
// buffer is empty.
func (s *Server) accept(c net.Conn, p Protocol) {
	addr := addrOf(c.RemoteAddr())
	release, refusal := s.Reserve(addr)
	if refusal != nil {
		s.refuse(c, p, refusal.Message)
		return
	}
	if !s.trackConn(c, true) || !s.workers.Go(func() {
		defer release()
		defer s.trackConn(c, false)
		s.serveConn(c, p)
	}) {
		s.trackConn(c, false)
		release()
		s.refused(addr, RefusedShutdown)
		s.refuse(c, p, "The board is shutting down.")
	}
}

// Refusal says why a connection was turned away, in words for the
// caller.
type Refusal struct {
	Reason  RefusalReason
	Message string
}

func (r *Refusal) Error() string { return "server: refused: " + r.Message }

// Reserve counts a new connection from addr against the ban hook and the
// limits. On success the caller must call release once when the
// connection ends; on refusal it gets the reason and a line to show. The
// web front end uses it before upgrading a request to a terminal.
func (s *Server) Reserve(addr netip.Addr) (release func(), refusal *Refusal) {
	s.init()
	if s.Admit != nil {
		if err := s.Admit(addr); err != nil {
			s.refused(addr, RefusedBanned)
			return nil, &Refusal{RefusedBanned, err.Error()}
		}
	}
	reason, ok := s.limits.acquire(addr, s.maxSessions(), s.maxPerAddress())
	if !ok {
		s.refused(addr, reason)
		msg := "Too many connections from your address; please call again later."
		if reason == RefusedFull {
			msg = "Sorry, every node is busy; please call again later."
		}
		return nil, &Refusal{reason, msg}
	}
	var once sync.Once
	return func() { once.Do(func() { s.limits.release(addr) }) }, nil
}

// refused logs (at most once a second) and reports a refusal.
func (s *Server) refused(addr netip.Addr, reason RefusalReason) {
	if n, ok := s.refusalLog.allow(time.Now()); ok {
		s.log.Info("connection refused", "remote", addr.String(), "reason", string(reason), "unlogged_before", n)
	}
	if s.OnRefuse != nil {
		s.OnRefuse(addr, reason)
	}
}

// refuse tells a refused caller why, in one line, and hangs up.
func (s *Server) refuse(c net.Conn, p Protocol, msg string) {
	line := msg + "\r\n"
	if r, ok := p.(Refuser); ok {
		line = r.RefusalLine(msg)
	}
	c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	io.WriteString(c, line)
	// Closing a socket with input unread (an rlogin client's handshake)
	// resets the connection, and the client may lose the line before it
	// reads it. So the line is followed by a half-close, and what the
	// client still sends is read and dropped for a moment, in the
	// background: a bounded number at once, the rest closed at once.
	cw, ok := c.(interface{ CloseWrite() error })
	if !ok || s.lingering.Add(1) > maxLingering {
		if ok {
			s.lingering.Add(-1)
		}
		c.Close()
		return
	}
	if !s.trackConn(c, true) {
		s.lingering.Add(-1)
		c.Close()
		return
	}
	if !s.workers.Go(func() {
		defer s.lingering.Add(-1)
		defer s.trackConn(c, false)
		defer c.Close()
		cw.CloseWrite()
		c.SetReadDeadline(time.Now().Add(refusalLinger))
		io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}) {
		s.trackConn(c, false)
		s.lingering.Add(-1)
		c.Close()
	}
}

// Draining refused connections: at most maxLingering at once, each for
// at most refusalLinger.
const (
	maxLingering  = 64
	refusalLinger = time.Second
)

// serveConn runs in the connection's goroutine: negotiation, then the
// session.
func (s *Server) serveConn(c net.Conn, p Protocol) {
	accepted := time.Now()
	ctx, cancel := context.WithCancel(s.baseCtx)
	defer cancel()
	tc, err := p.Open(ctx, c)
	if err != nil {
		c.Close()
		if !errors.Is(err, ErrNoSession) {
			s.log.Debug("connection ended during negotiation", "remote", c.RemoteAddr().String(), "err", err)
		}
		return
	}
	s.runSession(ctx, tc, accepted)
}

// ServeTerm runs a session on a terminal connection that arrived some
// other way than Serve (a WebSocket), after Reserve admitted it. It
// returns when the session ends, calling release; the connection is
// closed by then. It fails at once with ErrServerClosed after shutdown.
func (s *Server) ServeTerm(tc term.Conn, release func()) error {
	s.init()
	defer release()
	if !s.trackConn(tc, true) {
		tc.Close()
		return ErrServerClosed
	}
	defer s.trackConn(tc, false)
	done := make(chan struct{})
	if !s.workers.Go(func() {
		defer close(done)
		ctx, cancel := context.WithCancel(s.baseCtx)
		defer cancel()
		s.runSession(ctx, tc, time.Now())
	}) {
		tc.Close()
		return ErrServerClosed
	}
	<-done
	return nil
}

// runSession turns a terminal into a session, registers it and runs the
// handler on it.
func (s *Server) runSession(ctx context.Context, tc term.Conn, accepted time.Time) {
	if s.WrapConn != nil {
		tc = s.WrapConn(tc)
	}
	opts := s.Session
	opts.ConnectedAt = accepted
	sess := session.New(tc, opts)
	defer sess.Close()
	node, err := s.Registry.Add(sess)
	if err != nil {
		s.log.Error("session refused: no node number", "err", err)
		sess.WriteString(lastLine(sess, sess.T("server.no_node")))
		return
	}
	s.presence()
	defer s.presence()
	defer s.Registry.Remove(sess)

	info := sess.Snapshot()
	s.log.Info("session start", "node", node, "kind", string(info.Kind), "remote", info.RemoteAddr,
		"term", info.Term, "cols", info.Size.Cols, "rows", info.Size.Rows, "encoding", string(info.Encoding),
		"setup", time.Since(accepted).Round(time.Microsecond))
	if s.OnSession != nil {
		s.OnSession(info.Kind, time.Since(accepted))
	}
	err = s.run(ctx, sess)
	switch {
	case s.shuttingDown():
		s.goodbye(sess)
	case errors.Is(err, session.ErrIdle):
		sess.WriteString(lastLine(sess, sess.T("server.idle")))
	}
	s.log.Info("session end", "node", node, "remote", info.RemoteAddr, "user", sess.User(),
		"dur", time.Since(accepted).Round(time.Millisecond), "reason", endReason(err))
}

// Register lists a connection that carries no terminal session (an sftp
// transfer) in who's online until done is called; tc is read by nothing
// but the session and should block in Read until closed. A sysop's
// disconnect closes tc, which should end the connection. done closes the
// session, and may be called more than once.
func (s *Server) Register(tc term.Conn) (sess *session.Session, done func()) {
	s.init()
	sess = session.New(tc, s.Session)
	node, err := s.Registry.Add(sess)
	if err != nil {
		// The transfer goes on, unlisted: refusing it would help no one.
		s.log.Warn("transfer not listed in who's online: no node number", "err", err)
		return sess, sync.OnceFunc(func() { sess.Close() })
	}
	s.presence()
	info := sess.Snapshot()
	s.log.Info("transfer start", "node", node, "kind", string(info.Kind), "remote", info.RemoteAddr)
	var once sync.Once
	return sess, func() {
		once.Do(func() {
			s.Registry.Remove(sess)
			s.presence()
			sess.Close()
			s.log.Info("transfer end", "node", node, "remote", info.RemoteAddr, "user", sess.User())
		})
	}
}

func (s *Server) presence() {
	if s.Events != nil {
		s.Events.Publish(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	}
}

// run calls the handler, confining a panic to its session.
func (s *Server) run(ctx context.Context, sess *session.Session) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("session panic", "node", sess.Node(), "panic", r, "stack", logcap.Trusted(debug.Stack()))
			sess.WriteString(lastLine(sess, sess.T("server.panic")))
			err = fmt.Errorf("server: panic: %v", r)
		}
	}()
	if s.Handler == nil {
		sess.WriteString(sess.T("server.not_ready") + "\r\n")
		return nil
	}
	return s.Handler.ServeSession(ctx, sess)
}

func (s *Server) goodbye(sess *session.Session) {
	msg := s.Goodbye
	if msg == "" {
		msg = sess.T("server.shutdown")
	}
	sess.WriteString(lastLine(sess, msg))
}

// lastLine is a session's last line, on the bottom row (where the idle
// warning may be, which it replaces) and on a line of its own, cleared
// of what the screen had there; in accessible mode, a plain line of its
// own, with no escape sequence.
func lastLine(sess *session.Session, msg string) string {
	if sess.Accessible() {
		return "\r\n" + msg + "\r\n"
	}
	return "\x1b[999;1H\x1b[0m\x1b[2K" + msg + "\r\n"
}

func endReason(err error) string {
	switch {
	case err == nil:
		return "done"
	case errors.Is(err, session.ErrIdle):
		return "idle"
	case errors.Is(err, context.Canceled):
		return "shutdown"
	case errors.Is(err, session.ErrClosed):
		return "closed"
	}
	return err.Error()
}

func (s *Server) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown
}

func (s *Server) trackListener(l *onceCloseListener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.shutdown {
			return false
		}
		s.listeners[l] = struct{}{}
	} else {
		delete(s.listeners, l)
	}
	return true
}

func (s *Server) trackConn(c io.Closer, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.shutdown {
			return false
		}
		s.conns[c] = struct{}{}
	} else {
		delete(s.conns, c)
	}
	return true
}

// Counts returns the connections counted against the limits: in total
// and from addr.
func (s *Server) Counts(addr netip.Addr) (total, fromAddr int) {
	return s.limits.counts(addr)
}

// beginShutdown stops accepting and tells every session to end.
func (s *Server) beginShutdown() {
	s.init()
	s.mu.Lock()
	s.shutdown = true
	for l := range s.listeners {
		l.Close()
	}
	s.mu.Unlock()
	s.workers.Close()
	s.cancel()
}

// closeWait is how long Shutdown and Close wait for sessions to end
// after closing their connections. A handler that ignores both its context
// and its connection (stuck in some computation of its own) is then left
// behind rather than allowed to hang the process.
const closeWait = time.Second

// Shutdown stops the server gracefully: it closes the listeners, cancels
// every session's context so that handlers return and callers get a
// goodbye line, and waits for every goroutine to end. If ctx ends first,
// the remaining connections are closed, the sessions get a moment more to
// end, and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginShutdown()
	done := s.waitDone()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.closeAll()
	s.waitClosed(done)
	return ctx.Err()
}

// Close stops the server at once: listeners and connections are closed
// without goodbye, and Close waits for the sessions to end.
func (s *Server) Close() error {
	s.beginShutdown()
	s.closeAll()
	s.waitClosed(s.waitDone())
	return nil
}

func (s *Server) waitDone() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		s.workers.Wait()
		close(done)
	}()
	return done
}

func (s *Server) waitClosed(done <-chan struct{}) {
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		s.log.Error("sessions did not end after their connections closed; leaving them", "sessions", n)
	}
}

// closeAll closes every connection, which ends each session's reads and
// writes and so its handler.
func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

// onceCloseListener makes Close idempotent, since both Serve's caller and
// Shutdown may close it.
type onceCloseListener struct {
	net.Listener
	once sync.Once
	err  error
}

func (l *onceCloseListener) Close() error {
	l.once.Do(func() { l.err = l.Listener.Close() })
	return l.err
}
