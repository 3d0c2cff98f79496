package telnet

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config tunes a server-side telnet connection. The zero value works; a
// Config must not be modified after it is passed to NewServerConn.
type Config struct {
	// MaxSubneg is the longest subnegotiation kept; longer ones are
	// discarded and logged. Default DefaultMaxSubneg.
	MaxSubneg int
	// Timeout is how long negotiation waits for a client that has answered
	// nothing at all (a raw socket). Default 1 s.
	Timeout time.Duration
	// Limit is the longest negotiation with a client that answers some of
	// our requests but not all. Default 2 s.
	Limit time.Duration
	// EnvVars are the variables asked for with NEW-ENVIRON. Default
	// DefaultEnvVars.
	EnvVars []string
	// MaxTTYPE is how many terminal types we ask a client to cycle
	// through. Default 8.
	MaxTTYPE int
	// WriteTimeout bounds every write to the client, so that a client
	// that stops reading cannot hold a session forever. Default 1 minute.
	WriteTimeout time.Duration
	// OnResize, if non-nil, is called from Read whenever the client
	// reports a new window size after negotiation.
	OnResize func(cols, rows int)
	// OfferCP437, if non-nil, is called with the first terminal type a
	// client named ("" if none) when it agrees to CHARSET, and reports
	// whether CP437 is offered after UTF-8 in our REQUEST. If nil, only
	// UTF-8 is offered, and the REQUEST does not wait for the terminal
	// type.
	OfferCP437 func(termType string) bool
	// Logger receives protocol warnings. If nil, nothing is logged.
	Logger *slog.Logger
}

// DefaultEnvVars are the variables a server asks for by default.
// CHARSET is the MUD New-Environ Standard's name for the client's
// character set.
var DefaultEnvVars = []string{"USER", "TERM", "LANG", "LC_ALL", "LC_MESSAGES", "COLUMNS", "LINES", "COLORTERM", "CHARSET"}

const (
	defaultTimeout      = time.Second
	defaultLimit        = 2 * time.Second
	defaultWriteTimeout = time.Minute
	defaultMaxTTYPE     = 8
	// replyBudget bounds the option answers one connection gets: real
	// clients need a dozen; a peer that keeps flipping options to make us
	// answer is ignored past it.
	replyBudget = 512
	// pendingMax bounds the data a client may send while we negotiate;
	// past it negotiation ends so that the data can be read.
	pendingMax = 4096
	negBufSize = 512
)

// ErrSubnegTooLong is logged when a client sends a subnegotiation longer
// than Config.MaxSubneg.
var ErrSubnegTooLong = errors.New("telnet: subnegotiation too long, discarded")

// Negotiation describes how the opening negotiation went.
type Negotiation struct {
	// Duration is the time from the first request to the session start.
	Duration time.Duration
	// Answered reports whether the client sent any telnet command.
	Answered bool
	// Complete reports whether every request that negotiation waits for
	// was answered (DO CHARSET is asked but not waited for); when false
	// the negotiation ended at a time limit.
	Complete bool
}

// Conn is the server side of a telnet connection. Read returns the
// client's data with telnet commands removed and answered; Write sends data
// with IAC doubled and newlines as CR LF.
//
// Read and Write may be called concurrently with each other and with the
// accessors, but Read only from one goroutine at a time.
type Conn struct {
	conn net.Conn
	cfg  Config
	log  *slog.Logger

	// Owned by the reading goroutine (the one that negotiates, then the
	// one that calls Read).
	dec *Decoder
	// transparent is SetTransparent's mode, read by Read.
	transparent atomic.Bool
	pending     []byte // data received during negotiation, returned first
	negotiating bool
	replies     int  // option answers sent
	overflowed  bool // a subnegotiation overflow was logged

	mu    sync.Mutex // guards the fields below
	opts  OptionTable
	state negState
	neg   Negotiation
	cols  int
	rows  int
	env   map[string]string
	// envShared: Env has handed env out; it is copied before a change.
	envShared bool
	ttypes    []string
	mtts      int
	// mttsSeen: the client's last terminal type was "MTTS n", so its
	// first was its name and its second its terminal type.
	mttsSeen bool
	charset  string // agreed with CHARSET: CharsetUTF8, CharsetCP437 or ""

	wmu         sync.Mutex // serialises writes to conn; guards the fields below
	wenc        Encoder
	werr        error
	negDeadline time.Time // negotiation's deadline, while it runs
}

// negState is the progress of the requests that have no option state of
// their own.
type negState struct {
	ttypeAsked bool // a TTYPE SEND is outstanding
	ttypeDone  bool
	envDecided bool // NEW-ENVIRON SEND was sent, or will never be
	envReplies int  // NEW-ENVIRON SEND frames not yet answered
	nawsSeen   bool
	answered   bool
	// charsetDecided: our CHARSET REQUEST was sent, or never will be.
	charsetDecided bool
	charsetAsked   bool // our CHARSET REQUEST awaits its answer
	offeredCP437   bool // our REQUEST listed CP437
}

var writeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// NewServerConn negotiates telnet options with the client on c and returns
// the connection once every request has been answered or a time limit has
// passed. Data the client sends meanwhile is kept for Read. If ctx ends
// first, or the client goes away, c is closed and the error returned.
func NewServerConn(ctx context.Context, c net.Conn, config *Config) (*Conn, error) {
	cfg := Config{}
	if config != nil {
		cfg = *config
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Limit < cfg.Timeout {
		cfg.Limit = max(defaultLimit, cfg.Timeout)
	}
	if cfg.EnvVars == nil {
		cfg.EnvVars = DefaultEnvVars
	}
	if cfg.MaxTTYPE <= 0 {
		cfg.MaxTTYPE = defaultMaxTTYPE
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = defaultWriteTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tc := &Conn{
		conn: c,
		cfg:  cfg,
		log:  log,
		dec:  NewDecoder(cfg.MaxSubneg),
		wenc: Encoder{NVT: true},
	}
	tc.opts.AcceptLocal = acceptLocal
	tc.opts.AcceptRemote = acceptRemote
	tc.dec.Limit = subnegLimit
	if err := tc.negotiate(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

func acceptLocal(opt byte) bool {
	switch opt {
	case OptEcho, OptSGA, OptBinary:
		return true
	}
	return false
}

// subnegLimit keeps the payloads we parse to their real sizes; only
// NEW-ENVIRON may use the configured limit, and options we do not parse
// get a little room so that unsolicited ones (LINEMODE SLC) pass quietly.
func subnegLimit(opt byte) int {
	switch opt {
	case OptNAWS:
		return 4
	case OptTTYPE:
		return ttypeMax + 1
	case OptNewEnviron:
		return 1 << 30 // the Decoder's own limit
	case OptCharset:
		return charsetMax
	}
	return 256
}

func acceptRemote(opt byte) bool {
	switch opt {
	case OptSGA, OptBinary, OptTTYPE, OptNAWS, OptNewEnviron, OptCharset:
		return true
	}
	return false
}

// opening is the first flight of requests, sent in one write: we echo and
// suppress go-ahead (character mode), 8-bit clean both ways, and ask for
// the terminal type, window size and environment, and whether the client
// will choose a character set with us (RFC 2066).
var opening = []struct {
	side Side
	opt  byte
}{
	{Local, OptEcho}, {Local, OptSGA}, {Remote, OptSGA}, {Remote, OptBinary},
	{Local, OptBinary}, {Remote, OptTTYPE}, {Remote, OptNAWS}, {Remote, OptNewEnviron},
	{Remote, OptCharset},
}

// aLongTimeAgo is a deadline in the past, used to interrupt a blocked Read.
var aLongTimeAgo = time.Unix(1, 0)

func (c *Conn) negotiate(ctx context.Context) error {
	start := time.Now()
	var out []byte
	c.negotiating = true
	c.mu.Lock()
	for _, o := range opening {
		out = c.opts.Enable(out, o.side, o.opt)
	}
	c.mu.Unlock()

	// The deadline covers writes too: a client that floods us with
	// requests and never reads our answers must not hold negotiation past
	// its limit.
	c.setNegDeadline(start.Add(c.cfg.Timeout))
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	if err := c.writeRaw(out); err != nil {
		return err
	}
	buf := make([]byte, negBufSize)
	for {
		c.mu.Lock()
		done := c.negotiationDoneLocked()
		answered := c.state.answered
		c.mu.Unlock()
		if done || len(c.pending) >= pendingMax {
			break
		}
		limit := c.cfg.Timeout
		if answered {
			limit = c.cfg.Limit
		}
		c.setNegDeadline(start.Add(limit))
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := c.conn.Read(buf)
		if n > 0 {
			data, werr := c.decode(buf[:n])
			if werr != nil {
				return werr
			}
			c.pending = append(c.pending, data...)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			return err
		}
	}
	if werr := c.writeErr(); werr != nil {
		return werr
	}
	if !stop() {
		return ctx.Err() // cancelled just now
	}
	if err := c.conn.SetDeadline(time.Time{}); err != nil {
		return err
	}
	c.negotiating = false
	c.mu.Lock()
	c.neg = Negotiation{
		Duration: time.Since(start),
		Answered: c.state.answered,
		Complete: c.negotiationDoneLocked(),
	}
	c.state.charsetAsked = false // a late answer no longer counts
	c.mu.Unlock()
	return nil
}

// negotiationDoneLocked reports whether every request has been answered.
// DO CHARSET is the exception: it is not waited for, so that a client
// that ignores an option it does not know gets its session no later than
// before x84 asked; a client that agrees is waited for until it answers
// our REQUEST.
func (c *Conn) negotiationDoneLocked() bool {
	for _, o := range opening {
		if o.opt != OptCharset && c.opts.Pending(o.side, o.opt) {
			return false
		}
	}
	st := &c.state
	if c.opts.Enabled(Remote, OptTTYPE) && !st.ttypeDone {
		return false
	}
	if c.opts.Enabled(Remote, OptNAWS) && !st.nawsSeen {
		return false
	}
	if c.opts.Enabled(Remote, OptNewEnviron) && (!st.envDecided || st.envReplies > 0) {
		return false
	}
	if c.opts.Enabled(Remote, OptCharset) && (!st.charsetDecided || st.charsetAsked) {
		return false
	}
	return true
}

// decode decodes raw in place, answers the commands in it and returns
// its data. It reports a window-size change to OnResize once negotiation
// is over; during negotiation the size is part of the result.
func (c *Conn) decode(raw []byte) ([]byte, error) {
	var out []byte
	var resized bool
	data := c.dec.Decode(raw[:0], raw, func(ev Event) {
		var r bool
		out, r = c.handle(out, ev)
		resized = resized || r
	})
	if resized && !c.negotiating && c.cfg.OnResize != nil {
		c.cfg.OnResize(c.WindowSize())
	}
	if len(out) > 0 {
		return data, c.writeRaw(out)
	}
	return data, nil
}

// handle applies one event and appends our answer to out. It reports
// whether the window size changed.
func (c *Conn) handle(out []byte, ev Event) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.Kind {
	case EventOption:
		c.state.answered = true
		if c.replies >= replyBudget {
			return out, false
		}
		var ch Change
		before := len(out)
		out, ch = c.opts.Receive(out, ev.Cmd, ev.Opt)
		if len(out) > before {
			c.replies++
			if c.replies == replyBudget {
				c.log.Warn("telnet client keeps renegotiating; no longer answering", "remote", c.conn.RemoteAddr().String())
			}
		}
		if ch == Refused {
			c.log.Debug("telnet option refused", "cmd", CommandName(ev.Cmd), "opt", OptionName(ev.Opt))
		}
		if ev.Cmd == WILL || ev.Cmd == WONT {
			out = c.optionChangedLocked(out, ev.Opt, ch)
		}
	case EventSubneg:
		c.state.answered = true
		return c.subnegLocked(out, ev.Opt, ev.Data)
	case EventSubnegOverflow:
		// Once per connection: a client sending many must not flood the log.
		if !c.overflowed {
			c.overflowed = true
			c.log.Warn("telnet subnegotiation too long", "opt", OptionName(ev.Opt), "limit", c.dec.max, "remote", c.conn.RemoteAddr().String(), "err", ErrSubnegTooLong)
		}
	case EventCommand:
		c.state.answered = true
	}
	return out, false
}

// optionChangedLocked starts the subnegotiations that follow the client's
// WILL for an option.
func (c *Conn) optionChangedLocked(out []byte, opt byte, ch Change) []byte {
	switch opt {
	case OptTTYPE:
		if ch == Enabled && !c.state.ttypeDone {
			out = c.askTTYPELocked(out)
		}
		if ch == Declined || ch == Disabled {
			c.state.ttypeDone = true
			c.state.ttypeAsked = false
		}
		out = c.maybeAskEnvLocked(out)
		out = c.maybeRequestCharsetLocked(out)
	case OptNewEnviron:
		if ch == Enabled {
			out = c.maybeAskEnvLocked(out)
		}
		if ch == Declined || ch == Disabled {
			c.state.envReplies = 0
		}
	case OptCharset:
		if ch == Enabled {
			out = c.maybeRequestCharsetLocked(out)
		}
		if ch == Declined || ch == Disabled {
			c.state.charsetAsked = false
		}
	}
	return out
}

func (c *Conn) askTTYPELocked(out []byte) []byte {
	c.state.ttypeAsked = true
	return append(out, IAC, SB, OptTTYPE, sbSEND, IAC, SE)
}

// maybeAskEnvLocked sends NEW-ENVIRON SEND once the terminal type says it
// is safe: Microsoft's telnet (terminal types ANSI then VT100) crashes on
// it, so with a first type of ANSI we wait for the second.
func (c *Conn) maybeAskEnvLocked(out []byte) []byte {
	st := &c.state
	if st.envDecided || !c.opts.Enabled(Remote, OptNewEnviron) {
		return out
	}
	switch {
	case len(c.ttypes) >= 2 || st.ttypeDone:
		if isMicrosoftTelnet(c.ttypes) {
			st.envDecided = true
			return out
		}
	case len(c.ttypes) == 1 && !strings.EqualFold(c.ttypes[0], "ansi"):
	default:
		return out // wait for the terminal type
	}
	st.envDecided = true
	out, st.envReplies = appendEnvSend(out, c.cfg.EnvVars)
	return out
}

func isMicrosoftTelnet(ttypes []string) bool {
	return len(ttypes) >= 2 && strings.EqualFold(ttypes[0], "ansi") && strings.EqualFold(ttypes[1], "vt100")
}

func (c *Conn) subnegLocked(out []byte, opt byte, data []byte) ([]byte, bool) {
	switch opt {
	case OptNAWS:
		cols, rows, ok := parseNAWS(data)
		if !ok {
			return out, false
		}
		c.state.nawsSeen = true
		changed := false
		if cols > 0 && cols != c.cols {
			c.cols, changed = cols, true
		}
		if rows > 0 && rows != c.rows {
			c.rows, changed = rows, true
		}
		return out, changed
	case OptTTYPE:
		if !c.state.ttypeAsked {
			return out, false
		}
		c.state.ttypeAsked = false
		out = c.ttypeReplyLocked(out, parseTTYPE(data))
		out = c.maybeAskEnvLocked(out)
		out = c.maybeRequestCharsetLocked(out)
	case OptCharset:
		out = c.charsetSubnegLocked(out, data)
	case OptNewEnviron:
		if len(data) > 0 && data[0] == sbIS && c.state.envReplies > 0 {
			c.state.envReplies--
		}
		if c.env == nil {
			c.env = make(map[string]string)
		} else if c.envShared {
			c.env, c.envShared = maps.Clone(c.env), false // copy on write
		}
		parseEnv(data, c.env)
	}
	return out, false
}

// ttypeReplyLocked records one terminal type and asks for the next until
// the client repeats itself (RFC 1091 cycling) or the limit is reached.
func (c *Conn) ttypeReplyLocked(out []byte, name string) []byte {
	n := len(c.ttypes)
	switch {
	case name == "":
		c.state.ttypeDone = true
	case strings.HasPrefix(strings.ToUpper(name), "MTTS "):
		if v, err := strconv.Atoi(strings.TrimSpace(name[5:])); err == nil && v >= 0 {
			c.mtts = v
			c.mttsSeen = true
		}
		c.state.ttypeDone = true
	case n > 0 && (strings.EqualFold(name, c.ttypes[0]) || strings.EqualFold(name, c.ttypes[n-1])):
		c.state.ttypeDone = true
	default:
		c.ttypes = append(c.ttypes, name)
		if len(c.ttypes) >= c.cfg.MaxTTYPE {
			c.state.ttypeDone = true
		}
	}
	if !c.state.ttypeDone {
		out = c.askTTYPELocked(out)
	}
	return out
}

// Read reads the client's data, answering telnet commands on the way.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		if len(c.pending) == 0 {
			c.pending = nil
		}
		return n, nil
	}
	for {
		n, err := c.conn.Read(p)
		if n > 0 {
			c.dec.Binary = c.transparent.Load() && c.Enabled(Remote, OptBinary)
			data, werr := c.decode(p[:n])
			if werr != nil && err == nil {
				err = werr
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

// SetTransparent switches the data path to and from a file transfer's
// mode, in which every byte passes: Write stops sending newlines as CR
// LF, and Read stops folding CR NUL and CR LF into CR when the client
// sends in BINARY (without it, a client still sends CR NUL for CR, and
// that rule gives back the CR). IAC is still doubled both ways. If
// BINARY is not enabled both ways, it is asked for again; the opening
// negotiation has asked for it already, and most clients agree.
func (c *Conn) SetTransparent(on bool) {
	c.wmu.Lock()
	c.wenc.NVT = !on
	c.wenc.prevCR = false
	c.wmu.Unlock()
	c.transparent.Store(on)
	if !on {
		return
	}
	var out []byte
	c.mu.Lock()
	for _, s := range []Side{Remote, Local} {
		if !c.opts.Enabled(s, OptBinary) && !c.opts.Pending(s, OptBinary) {
			out = c.opts.Enable(out, s, OptBinary)
		}
	}
	c.mu.Unlock()
	if len(out) > 0 {
		c.writeRaw(out)
	}
}

// Write sends p to the client with IAC doubled and newlines as CR LF
// (not in SetTransparent's mode).
func (c *Conn) Write(p []byte) (int, error) {
	bp := writeBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			writeBufs.Put(bp)
		}
	}()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	*bp = c.wenc.Append((*bp)[:0], p)
	if err := c.writeLocked(*bp); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeRaw sends protocol bytes as they are.
func (c *Conn) writeRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(b)
}

// setNegDeadline sets negotiation's deadline, for reads and writes.
func (c *Conn) setNegDeadline(t time.Time) {
	c.wmu.Lock()
	c.negDeadline = t
	c.wmu.Unlock()
	c.conn.SetDeadline(t)
}

// negWriteGrace is how long an answer written after negotiation's
// deadline has passed may take.
const negWriteGrace = time.Second

// writeLocked writes with the write timeout, outside negotiation (which
// has a deadline of its own). A failed write is remembered, since the
// stream is broken from then on.
func (c *Conn) writeLocked(b []byte) error {
	if c.werr != nil {
		return c.werr
	}
	switch now := time.Now(); {
	case !c.negotiating:
		c.conn.SetWriteDeadline(now.Add(c.cfg.WriteTimeout))
	case now.After(c.negDeadline):
		// The answer to something the client sent in time, read late
		// because this goroutine was: on a busy machine, failing it
		// would drop a client that did nothing wrong. Negotiation
		// reads no more after its deadline, so this stays bounded.
		c.conn.SetWriteDeadline(now.Add(negWriteGrace))
	}
	if _, err := c.conn.Write(b); err != nil {
		c.werr = err
		return err
	}
	return nil
}

func (c *Conn) writeErr() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.werr
}

// Close closes the connection.
func (c *Conn) Close() error { return c.conn.Close() }

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// RemoteAddr returns the client's address.
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// LocalAddr returns the server's address.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// SetDeadline sets the read and write deadlines of the connection.
func (c *Conn) SetDeadline(t time.Time) error { return c.conn.SetDeadline(t) }

// SetReadDeadline sets the read deadline of the connection.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline of the connection.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.conn.SetWriteDeadline(t) }

// Negotiation reports how the opening negotiation went.
func (c *Conn) Negotiation() Negotiation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.neg
}

// Enabled reports whether an option is in effect on a side.
func (c *Conn) Enabled(s Side, opt byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opts.Enabled(s, opt)
}

// TermType returns the client's terminal type in lower case, or "" when it
// named none. For MUD clients that cycle client name, terminal type and an
// MTTS value (MUD Terminal Type Standard), it is the second name.
func (c *Conn) TermType() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ttypes) == 0 {
		return ""
	}
	t := c.ttypes[0]
	if c.mttsSeen && len(c.ttypes) > 1 {
		t = c.ttypes[1]
	}
	return strings.ToLower(t)
}

// TermTypes returns every terminal type the client named, as sent.
func (c *Conn) TermTypes() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ttypes...)
}

// MTTS returns the client's MUD Terminal Type Standard bit field (the
// MTTS* constants), or 0 when it sent none.
func (c *Conn) MTTS() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mtts
}

// Charset returns the character set agreed with the client through
// CHARSET (RFC 2066) during negotiation: CharsetUTF8, CharsetCP437, or ""
// when none was.
func (c *Conn) Charset() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.charset
}

// WindowSize returns the last window size the client reported; a
// dimension it never sent is 0.
func (c *Conn) WindowSize() (cols, rows int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cols, c.rows
}

// Env returns the environment variables the client sent, in a map the
// caller must not change. The map is the connection's own, shared rather
// than copied (a session keeps it for its life): variables the client
// sends later go into a new map, leaving this one as it was.
func (c *Conn) Env() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.env == nil {
		return map[string]string{}
	}
	c.envShared = true
	return c.env
}
