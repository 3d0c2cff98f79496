package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/term"
)

// Errors returned by ReadKey.
var (
	// ErrIdle means no input came for the idle time limit.
	ErrIdle = errors.New("session: idle time limit reached")
	// ErrClosed means the session was closed.
	ErrClosed = errors.New("session: closed")
)

// Config tunes a Session. The zero value works.
type Config struct {
	// IdleTimeout makes ReadKey fail with ErrIdle when no input has come
	// for this long. Zero disables it.
	IdleTimeout time.Duration
	// IdleWarning is how long before the idle limit the caller is warned
	// on the bottom line of the screen. Zero warns no one.
	IdleWarning time.Duration
	// EscDelay is how long a lone ESC waits for the rest of an escape
	// sequence before it counts as the Esc key. Default 50 ms.
	EscDelay time.Duration
	// ConnectedAt is when the connection was accepted. Default: now.
	ConnectedAt time.Time
}

// Limits on the window size a client may claim, so that a hostile NAWS
// cannot make screens allocate without bound, nor a tiny one leave
// screens no room at all: a smaller window is drawn as if it had the
// minimum (the client clips).
const (
	MaxCols = 1000
	MaxRows = 1000
	MinCols = 20
	MinRows = 6
)

const (
	defaultEscDelay = 50 * time.Millisecond
	// readBufSize is the read buffer of each session: small, since most
	// input is typed, and it is held by every idle session.
	readBufSize = 512
	// transferBufSize is the read buffer during a file transfer, which
	// an upload fills as fast as the network goes.
	transferBufSize = 32 << 10
)

// chunk is one read from the connection, handed from the reading
// goroutine to ReadKey.
type chunk struct {
	b   []byte
	err error
}

// Session is one caller's connection as board code sees it.
type Session struct {
	conn  term.Conn
	cfg   Config
	info  term.Info // as the protocol opened the connection
	addr  string
	inbox *Inbox
	// accessible: the caller reads plain lines (SetAccessible); read by
	// Disconnect from other goroutines too.
	accessible atomic.Bool
	// lang: the caller's language (SetLang); read by the idle warning
	// and Disconnect from other goroutines too.
	lang atomic.Pointer[lang.Printer]

	// Owned by the handler goroutine.
	dec *term.KeyDecoder
	// raw: ReadRaw is in use; input goes to rawIn undecoded, and
	// rawIn[rawOff:] is what ReadRaw has not returned yet.
	raw bool
	// bigReads: a file transfer runs; reads use transferBufSize. Set by
	// the handler, read by readLoop.
	bigReads atomic.Bool
	rawIn    []byte
	rawOff   int
	keys     []term.Key // decoded, not yet returned from keys[next]
	next     int
	readErr  error
	cp437    term.CP437Encoder
	timer    *time.Timer
	warned   bool
	// redrawDue: the caller typed after an idle warning; ReadKey reports
	// a KeyResize first.
	redrawDue bool
	event     events.Event // the update of the last KeyEvent
	// deadline, if set, makes ReadKey fail with deadlineErr (SetDeadline).
	deadline    time.Time
	deadlineErr error

	// The reading goroutine and its hand-off, or, for a direct
	// connection, none: the handler's goroutine reads into buf itself
	// (readDirect).
	input     chan chunk
	consumed  chan struct{}
	closing   chan struct{}
	readDone  chan struct{}
	closeOnce sync.Once
	direct    term.DirectConn
	buf       []byte
	// The context whose end wakes a direct read, and what forgets it.
	watched context.Context
	unwatch func() bool

	// Disconnect: ending is closed as it begins (the handler's keys and
	// output stop), lingered once its last line has had its time on the
	// caller's screen (Close waits for that).
	ending   chan struct{}
	lingered chan struct{}
	endOnce  sync.Once

	mu        sync.Mutex // guards the fields below
	node      int
	size      term.Size
	enc       term.Encoding
	user      string
	activity  Activity
	since     time.Time
	lastInput time.Time
}

// New starts a session on conn. The caller must Close it.
func New(conn term.Conn, cfg Config) *Session {
	defaults.Positive(&cfg.EscDelay, defaultEscDelay)
	now := time.Now()
	if cfg.ConnectedAt.IsZero() {
		cfg.ConnectedAt = now
	}
	info := conn.Info()
	if info.Encoding == "" {
		info.Encoding = term.UTF8
	}
	if info.Term == "" {
		info.Term = term.UnknownTerm
	}
	info.Size = clampSize(info.Size)
	addr := ""
	if info.RemoteAddr != nil {
		addr = info.RemoteAddr.String()
	}
	s := &Session{
		conn:      conn,
		cfg:       cfg,
		info:      info,
		addr:      addr,
		inbox:     newInbox(),
		dec:       term.NewKeyDecoder(info.Encoding),
		closing:   make(chan struct{}),
		ending:    make(chan struct{}),
		lingered:  make(chan struct{}),
		size:      info.Size,
		enc:       info.Encoding,
		since:     cfg.ConnectedAt,
		lastInput: now,
	}
	if d, ok := conn.(term.DirectConn); ok {
		// No reading goroutine: ReadKey reads, and whatever else it
		// waits for ends its Read by moving the read deadline (poke).
		s.direct = d
		s.readDone = closedChan
		s.inbox.poke = s.poke
		d.ReadDirect()
		return s
	}
	s.input = make(chan chunk)
	s.consumed = make(chan struct{}, 1)
	s.readDone = make(chan struct{})
	go s.readLoop()
	return s
}

// readSize is the size of the read buffer now.
func (s *Session) readSize() int {
	if s.bigReads.Load() {
		return transferBufSize
	}
	return readBufSize
}

// closedChan is a closed channel: a direct session's readDone.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// aLongTimeAgo is a read deadline that has passed.
var aLongTimeAgo = time.Unix(1, 0)

// poke ends a direct connection's blocked Read, so that ReadKey looks at
// what woke it. Any goroutine may call it; a poke while ReadKey is not
// reading is seen at its next look (readDirect).
func (s *Session) poke() { s.direct.SetReadDeadline(aLongTimeAgo) }

func clampSize(sz term.Size) term.Size {
	if sz.Cols <= 0 || sz.Rows <= 0 {
		return term.DefaultSize
	}
	return term.Size{Cols: min(max(sz.Cols, MinCols), MaxCols), Rows: min(max(sz.Rows, MinRows), MaxRows)}
}

// readLoop reads from the connection and hands each buffer to ReadKey,
// waiting until it has been decoded before reusing the buffer. Input is
// thus bounded by one buffer per session, however fast the client sends.
func (s *Session) readLoop() {
	defer close(s.readDone)
	buf := make([]byte, readBufSize)
	for {
		if want := s.readSize(); len(buf) != want {
			buf = make([]byte, want) // the last one was consumed
		}
		n, err := s.conn.Read(buf)
		select {
		case s.input <- chunk{buf[:n], err}:
		case <-s.closing:
			return
		}
		if err != nil {
			return
		}
		select {
		case <-s.consumed:
		case <-s.closing:
			return
		}
	}
}

// ReadKey waits for the next key press. A change of window size is
// reported as a key with Code term.KeyResize; Size then returns the new
// size. A KeyResize also comes, ahead of the key, when the caller types
// after an idle warning, so that the screen draws the row the warning
// covered again. An update in the inbox is reported as a term.KeyEvent
// key (Event returns it), the arrival of notices as one term.KeyNotice
// key (Inbox().TakeNotices returns them). It fails with ctx's error, ErrIdle, ErrClosed, or the
// connection's read error (io.EOF when the caller hangs up).
func (s *Session) ReadKey(ctx context.Context) (term.Key, error) {
	if s.raw {
		s.raw, s.rawIn, s.rawOff = false, nil, 0 // what a door left unread is dropped
	}
	return s.readKey(ctx)
}

// errRawInput tells ReadRaw that undecoded input is waiting in rawIn.
var errRawInput = errors.New("session: raw input")

// ReadRaw waits for input and copies what the caller sent into p,
// undecoded: bytes in the session's encoding, as the protocol delivered
// them (telnet's commands taken out), for a program that reads a terminal
// itself, such as a door. Meanwhile it reports what ReadKey reports apart
// from keys (KeyResize, KeyEvent, KeyNotice, with n == 0) and fails as
// ReadKey fails. Keys decoded before the first ReadRaw are dropped, and
// input ReadRaw has not returned when ReadKey is next called. Input is
// bounded as for ReadKey: nothing more is read until p has taken it.
func (s *Session) ReadRaw(ctx context.Context, p []byte) (n int, k term.Key, err error) {
	if !s.raw {
		s.raw = true
		s.keys = s.dec.Flush(s.keys[:0])[:0]
		s.next, s.redrawDue = 0, false
	}
	for {
		if len(s.rawIn) > 0 {
			n = copy(p, s.rawIn[s.rawOff:])
			if s.rawOff += n; s.rawOff == len(s.rawIn) {
				s.rawIn, s.rawOff = s.rawIn[:0], 0
			}
			return n, term.Key{}, nil
		}
		k, err = s.readKey(ctx)
		if err != errRawInput {
			return 0, k, err
		}
	}
}

// readKey is ReadKey, and in raw mode ReadRaw's wait.
func (s *Session) readKey(ctx context.Context) (term.Key, error) {
	for {
		if s.ended() {
			return term.Key{}, ErrClosed // keys typed ahead are dropped too
		}
		if s.redrawDue && s.next < len(s.keys) {
			s.redrawDue = false
			return term.Key{Code: term.KeyResize}, nil
		}
		if s.next < len(s.keys) {
			k := s.keys[s.next]
			s.next++
			if s.next == len(s.keys) {
				// Drop a buffer grown by a paste; keep a small one.
				if cap(s.keys) > 32 {
					s.keys = nil
				}
				s.keys, s.next = s.keys[:0], 0
			}
			return k, nil
		}
		if len(s.rawIn) > 0 {
			return term.Key{}, errRawInput
		}
		if s.readErr != nil {
			return term.Key{}, s.readErr
		}
		wake, what := s.nextWake()
		if s.direct != nil {
			k, ok, err := s.readDirect(ctx, wake, what)
			if ok || err != nil {
				return k, err
			}
			continue
		}
		var timerC <-chan time.Time
		if what != wakeNone {
			timerC = s.resetTimer(time.Until(wake))
		}
		select {
		case c := <-s.input:
			s.feed(c)
			if c.err == nil {
				s.consumed <- struct{}{}
			}
		case <-s.inbox.wake:
			switch ev, notice, ok := s.inbox.next(); {
			case notice:
				return term.Key{Code: term.KeyNotice}, nil
			case ok:
				s.event = ev
				return term.Key{Code: term.KeyEvent}, nil
			}
		case sz := <-s.conn.Resized():
			if s.setSize(sz) {
				return term.Key{Code: term.KeyResize}, nil
			}
		case <-timerC:
			if err := s.timeUp(what); err != nil {
				return term.Key{}, err
			}
		case <-s.closing:
			return term.Key{}, ErrClosed
		case <-s.ending:
			return term.Key{}, ErrClosed
		case <-ctx.Done():
			return term.Key{}, ctx.Err()
		}
	}
}

// Inbox returns the session's inbox: updates and notices from elsewhere.
func (s *Session) Inbox() *Inbox { return s.inbox }

// Disconnect writes a last line to the caller and closes the session. It
// may be called from any goroutine (the sysop's). The line is text, or a
// MessageLine, which the session says in its caller's language; it is
// written past the session's output, transcoded for a CP437 terminal.
//
// From the moment it is called the handler gets no more keys (ReadKey
// fails with ErrClosed) and its output is dropped, so that nothing draws
// over the line. The line goes on the bottom row, cleared, and stays
// there disconnectLinger before the connection closes, so that a client
// that leaves its terminal screen at the close shows it long enough to
// be read; a Close meanwhile waits for that. A transfer (term.KindSFTP)
// has no screen and closes at once. A caller whose connection has stopped
// reading gets disconnectTimeout to take the line; then the session is
// closed at once, so the sysop who called Disconnect never waits long. A
// second Disconnect waits for the first.
func (s *Session) Disconnect(line string) {
	first := false
	s.endOnce.Do(func() {
		close(s.ending)
		first = true
		if s.direct != nil {
			s.poke() // ReadKey must fail now, not at the next key
		}
	})
	if !first {
		<-s.lingered
		s.Close()
		return
	}
	wrote := make(chan struct{})
	line = s.lastLine(line)
	last := "\r\n\x1b[0m\x1b[999;1H\x1b[2K" + line + "\r\n"
	if s.Accessible() {
		last = "\r\n" + line + "\r\n"
	}
	if s.Encoding() == term.CP437 {
		var enc term.CP437Encoder
		last = string(enc.Flush(enc.Append(nil, []byte(last))))
	}
	go func() {
		s.conn.Write([]byte(last))
		close(wrote)
	}()
	linger := disconnectLinger
	if s.info.Kind == term.KindSFTP {
		linger = 0 // no screen to read it on: a transfer ends at once
	}
	t := time.NewTimer(disconnectTimeout)
	select {
	case <-wrote:
		t.Reset(linger)
		select {
		case <-t.C:
		case <-s.closing: // closed already: no one to read it
		}
	case <-t.C:
	}
	t.Stop()
	close(s.lingered)
	s.Close()
	<-wrote // closing the connection ends a stuck write
}

const (
	disconnectTimeout = 2 * time.Second
	disconnectLinger  = 2 * time.Second
)

// ended reports whether a Disconnect has begun.
func (s *Session) ended() bool {
	select {
	case <-s.ending:
		return true
	default:
		return false
	}
}

// readDirect is ReadKey's wait on a direct connection: it looks at what
// came meanwhile, then reads until input, the wake time, or a poke. It
// returns a key to report (ok), an error, or neither to look again.
func (s *Session) readDirect(ctx context.Context, wake time.Time, what wakeReason) (k term.Key, ok bool, err error) {
	s.watch(ctx)
	// The deadline is set before looking, so that a poke after the look
	// (something arrived) is not undone: the Read then returns at once.
	var deadline time.Time
	if what != wakeNone {
		deadline = wake
	}
	s.direct.SetReadDeadline(deadline)
	select {
	case <-s.inbox.wake:
		switch ev, notice, ok := s.inbox.next(); {
		case notice:
			return term.Key{Code: term.KeyNotice}, true, nil
		case ok:
			s.event = ev
			return term.Key{Code: term.KeyEvent}, true, nil
		}
		return term.Key{}, false, nil
	case sz := <-s.conn.Resized():
		if s.setSize(sz) {
			return term.Key{Code: term.KeyResize}, true, nil
		}
		return term.Key{}, false, nil
	case <-s.closing:
		return term.Key{}, false, ErrClosed
	case <-s.ending:
		return term.Key{}, false, ErrClosed
	case <-ctx.Done():
		return term.Key{}, false, ctx.Err()
	default:
	}
	if want := s.readSize(); len(s.buf) != want {
		s.buf = make([]byte, want)
	}
	n, err := s.direct.Read(s.buf)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if what != wakeNone && !time.Now().Before(wake) {
			return term.Key{}, false, s.timeUp(what)
		}
		return term.Key{}, false, nil // poked: look again
	}
	select {
	case <-s.closing:
		return term.Key{}, false, ErrClosed // the read failed because Close closed it
	default:
	}
	s.feed(chunk{s.buf[:n], err})
	return term.Key{}, false, nil
}

// watch makes ctx's end poke a direct read. The same context is watched
// once, not at every key.
func (s *Session) watch(ctx context.Context) {
	if ctx == s.watched {
		return
	}
	if s.unwatch != nil {
		s.unwatch()
	}
	s.watched, s.unwatch = ctx, context.AfterFunc(ctx, s.poke)
}

// timeUp acts on a wake-up with no input: the Esc key's delay, the idle
// warning, or the idle limit (ErrIdle).
func (s *Session) timeUp(what wakeReason) error {
	switch what {
	case wakeEsc:
		s.keys = s.dec.Flush(s.keys)
	case wakeWarn:
		s.warned = true
		s.warnIdle()
	case wakeIdle:
		return ErrIdle
	case wakeDeadline:
		return s.deadlineErr
	}
	return nil
}

// SetDeadline makes ReadKey and ReadRaw fail with err once t has passed
// (keys typed before it still come first); a zero t takes the deadline
// away. Only the handler's goroutine may call it. A screen with a time
// limit (the login's) uses it rather than a context with a deadline,
// which would hold a timer and a cancellation tree for every caller
// resting at that screen.
func (s *Session) SetDeadline(t time.Time, err error) {
	s.deadline, s.deadlineErr = t, err
}

// Event returns the update reported by the last KeyEvent from ReadKey.
func (s *Session) Event() events.Event { return s.event }

// Buffered returns how many decoded keys are waiting to be read. A screen
// can skip redrawing while it is positive, so that a paste is drawn once
// rather than once per character.
func (s *Session) Buffered() int { return len(s.keys) - s.next }

type wakeReason uint8

const (
	wakeNone wakeReason = iota
	wakeEsc
	wakeWarn
	wakeIdle
	wakeDeadline
)

// nextWake returns when ReadKey must wake up without input, and why.
func (s *Session) nextWake() (time.Time, wakeReason) {
	wake, what := s.nextTimer()
	if !s.deadline.IsZero() && (what == wakeNone || s.deadline.Before(wake)) {
		return s.deadline, wakeDeadline
	}
	return wake, what
}

// nextTimer is nextWake without the deadline.
func (s *Session) nextTimer() (time.Time, wakeReason) {
	if s.dec.Pending() {
		return time.Now().Add(s.cfg.EscDelay), wakeEsc
	}
	if s.cfg.IdleTimeout <= 0 {
		return time.Time{}, wakeNone
	}
	s.mu.Lock()
	idleAt := s.lastInput.Add(s.cfg.IdleTimeout)
	s.mu.Unlock()
	if w := s.cfg.IdleWarning; w > 0 && w < s.cfg.IdleTimeout && !s.warned {
		return idleAt.Add(-w), wakeWarn
	}
	return idleAt, wakeIdle
}

func (s *Session) resetTimer(d time.Duration) <-chan time.Time {
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	return s.timer.C
}

func (s *Session) feed(c chunk) {
	if len(c.b) > 0 {
		if s.raw {
			s.rawIn = append(s.rawIn, c.b...)
		} else {
			s.keys = s.dec.Feed(s.keys, c.b)
		}
		s.mu.Lock()
		s.lastInput = time.Now()
		s.mu.Unlock()
		if s.warned {
			s.warned = false
			s.redrawDue = true // the warning covers a row of the screen
		}
	}
	if c.err != nil {
		if !s.raw {
			s.keys = s.dec.Flush(s.keys)
		}
		s.readErr = c.err
	}
}

func (s *Session) setSize(sz term.Size) bool {
	sz = clampSize(sz)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sz == s.size {
		return false
	}
	s.size = sz
	return true
}

// warnIdle tells the caller, on the bottom line and without moving the
// cursor, that the idle limit is near.
func (s *Session) warnIdle() {
	sz := s.Size()
	left := s.cfg.IdleWarning.Round(time.Second)
	msg := s.T("session.idle_warning", "time", left.String())
	if s.Accessible() {
		// No bell: a control character a braille display may not render.
		fmt.Fprintf(s, "\r\n%s\r\n", msg)
		return
	}
	fmt.Fprintf(s, "\x1b7\x1b[%d;1H\x1b[0;1;7m %s \x1b[0m\x1b[K\x1b8\a", sz.Rows, msg)
}

// Write sends UTF-8 text to the terminal, transcoded to the session's
// encoding.
func (s *Session) Write(p []byte) (int, error) {
	if s.ended() {
		return 0, ErrClosed // a Disconnect's last line is showing
	}
	if s.Encoding() != term.CP437 {
		return s.conn.Write(p)
	}
	bp := encBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			encBufs.Put(bp)
		}
	}()
	*bp = s.cp437.Append((*bp)[:0], p)
	if _, err := s.conn.Write(*bp); err != nil {
		return 0, err
	}
	return len(p), nil
}

var encBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// WriteString is Write for a string.
func (s *Session) WriteString(str string) (int, error) { return io.WriteString(writerOnly{s}, str) }

// writerOnly hides WriteString so io.WriteString does not recurse.
type writerOnly struct{ io.Writer }

// Printf formats and writes text.
func (s *Session) Printf(format string, args ...any) (int, error) {
	return fmt.Fprintf(s, format, args...)
}

// WriteRaw sends bytes to the terminal without the session's transcoding:
// CP437 bytes to a CP437 terminal, for example. The protocol still frames
// them (telnet doubles IAC and sends CR LF for a newline).
func (s *Session) WriteRaw(p []byte) (int, error) {
	if s.ended() {
		return 0, ErrClosed
	}
	return s.conn.Write(p)
}

// Close ends the session: it closes the connection and waits for the
// reading goroutine to stop. It may be called more than once and from any
// goroutine. During a Disconnect it first waits for the last line to
// have been shown.
func (s *Session) Close() error {
	if s.ended() {
		<-s.lingered
	}
	var err error
	s.closeOnce.Do(func() {
		close(s.closing)
		err = s.conn.Close()
		<-s.readDone
		// The timer belongs to the handler's goroutine; an unreferenced
		// timer is collected, so there is nothing to stop here.
	})
	return err
}

// Size returns the terminal's window size.
func (s *Session) Size() term.Size {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Encoding returns the encoding of the session's output and input.
func (s *Session) Encoding() term.Encoding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enc
}

// SetEncoding changes the session's encoding (a caller's preference).
func (s *Session) SetEncoding(enc term.Encoding) {
	s.mu.Lock()
	s.enc = enc
	s.mu.Unlock()
	s.dec.SetEncoding(enc)
	s.cp437 = term.CP437Encoder{}
}

// Info returns what the protocol learnt of the caller's terminal when
// the connection opened: kind, address, terminal type, environment, the
// user name it offered, the encoding it chose. Size and Encoding say what
// they are now.
func (s *Session) Info() term.Info { return s.info }

// Node returns the session's node number, 0 until it is registered.
func (s *Session) Node() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.node
}

// User returns the logged-in user's handle, "" before login.
func (s *Session) User() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user
}

// SetUser records who is logged in on this session.
func (s *Session) SetUser(handle string) {
	s.mu.Lock()
	s.user = handle
	s.mu.Unlock()
}

// Activity returns what the caller is doing, as shown in who's online,
// in English (see CurrentActivity).
func (s *Session) Activity() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activity.Text
}

// SetActivity records what the caller is doing, for who's online, as
// text that every viewer reads as it is (a script's name, say).
func (s *Session) SetActivity(a string) { s.SetCurrentActivity(Activity{Text: a}) }

// SetActivityMessage records what the caller is doing as a catalog
// message, which each viewer of who's online reads in their language;
// Activity and the log say it in English.
func (s *Session) SetActivityMessage(id string, pairs ...string) {
	s.SetCurrentActivity(Activity{Text: lang.Fallback().T(id, pairs...), ID: id, Args: pairs})
}

// CurrentActivity returns what the caller is doing, to put back later
// with SetCurrentActivity (a screen that calls another).
func (s *Session) CurrentActivity() Activity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activity
}

// SetCurrentActivity records what the caller is doing. The values are
// copied: snapshots hand them to other goroutines.
func (s *Session) SetCurrentActivity(a Activity) {
	a.Args = slices.Clone(a.Args)
	s.mu.Lock()
	s.activity = a
	s.mu.Unlock()
}

// Snapshot is a copy of a session's public facts at one moment.
type Snapshot struct {
	// Host names the cluster node the session is on (its [cluster]
	// name); empty on a board of one process.
	Host       string
	Node       int
	Kind       term.Kind
	RemoteAddr string
	Term       string
	Size       term.Size
	Encoding   term.Encoding
	User       string
	// Activity is what the caller is doing, in English; ActivityID and
	// ActivityArgs name it as a message, when the board set one, for
	// ActivityIn.
	Activity     string
	ActivityID   string
	ActivityArgs []string
	ConnectedAt  time.Time
	LastInput    time.Time
}

// Snapshot returns the session's public facts. It is safe to call from
// any goroutine.
func (s *Session) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Snapshot{
		Node:         s.node,
		Kind:         s.info.Kind,
		RemoteAddr:   s.addr,
		Term:         s.info.Term,
		Size:         s.size,
		Encoding:     s.enc,
		User:         s.user,
		Activity:     s.activity.Text,
		ActivityID:   s.activity.ID,
		ActivityArgs: s.activity.Args,
		ConnectedAt:  s.since,
		LastInput:    s.lastInput,
	}
}
