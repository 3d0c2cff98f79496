package rlogin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"
)

// Config tunes a server-side rlogin connection. The zero value works; a
// Config must not be modified after it is passed to NewServerConn.
type Config struct {
	// HandshakeTimeout bounds reading the client's handshake and sending
	// the answer. Default 5 s.
	HandshakeTimeout time.Duration
	// MaxHandshake is the most bytes a handshake may take. Default 4096.
	MaxHandshake int
	// SizeWait is how long NewServerConn waits for the first window
	// message after asking for it; real clients answer within a
	// millisecond. Default 500 ms; negative means do not wait.
	SizeWait time.Duration
	// WriteTimeout bounds every Write and SendUrgent, so that a client
	// that stops reading cannot hold a session forever. Default 1 minute.
	WriteTimeout time.Duration
	// OnResize, if non-nil, is called from Read when the client reports a
	// new window size after NewServerConn has returned.
	OnResize func(cols, rows int)
	// Logger receives debug messages about connections. If nil, nothing
	// is logged.
	Logger *slog.Logger
}

const (
	defaultHandshakeTimeout = 5 * time.Second
	defaultMaxHandshake     = 4096
	defaultSizeWait         = 500 * time.Millisecond
	defaultWriteTimeout     = time.Minute
	// pendingMax bounds the data kept while waiting for the first window
	// message; past it the wait ends so that the data can be read.
	pendingMax = 4096
	// firstRead is the initial size of the handshake buffer; real
	// handshakes are under 64 bytes.
	firstRead = 256
	// smallRead is the size of the buffer Read uses when the caller's is
	// too small to take a held window message back.
	smallRead = 64
)

// aLongTimeAgo is a deadline in the past, used to interrupt a blocked Read.
var aLongTimeAgo = time.Unix(1, 0)

// Conn is the server side of an rlogin connection. Read returns the
// client's data with window messages removed; Write sends data as it is.
//
// Read must be called from one goroutine at a time; Write, SendUrgent and
// the accessors may be called from others.
type Conn struct {
	conn net.Conn
	cfg  Config
	log  *slog.Logger
	hs   Handshake

	// Owned by the reading goroutine (the one that runs NewServerConn,
	// then the one that calls Read).
	scan    WindowScanner
	winFn   func(cols, rows, xpix, ypix int)
	resized bool
	sized   bool   // a window message has arrived
	pending []byte // data to return before reading again
	rerr    error  // read error to return once pending is empty
	small   [smallRead]byte

	mu   sync.Mutex // guards the fields below; a leaf
	cols int
	rows int
	wdl  time.Time // the caller's write deadline

	wmu sync.Mutex // serialises writes to conn; taken before mu
}

// NewServerConn reads the client's rlogin handshake from c, answers it
// with a NUL byte and asks for the window size by sending ControlWindow as
// TCP urgent data. It then waits up to Config.SizeWait for the first window
// message and returns. Data the client sends after its handshake is kept
// for Read.
//
// On a connection that cannot send urgent data (see ErrUrgentUnsupported:
// net.Pipe, wrappers that hide the socket) the request is skipped and the
// size is known only if the client volunteers it.
//
// On every error c is closed. The errors are ErrHandshakeTimeout,
// ErrHandshakeTooLong, a *HandshakeError, ctx.Err() if ctx ends first, an
// error wrapping io.ErrUnexpectedEOF if the client hangs up mid-handshake
// (io.EOF if it sent nothing), or the error of the network.
func NewServerConn(ctx context.Context, c net.Conn, config *Config) (*Conn, error) {
	cfg := Config{}
	if config != nil {
		cfg = *config
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = defaultHandshakeTimeout
	}
	if cfg.MaxHandshake <= 0 {
		cfg.MaxHandshake = defaultMaxHandshake
	}
	if cfg.SizeWait == 0 {
		cfg.SizeWait = defaultSizeWait
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = defaultWriteTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rc := &Conn{conn: c, cfg: cfg, log: log}
	rc.winFn = rc.window
	if err := rc.setup(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return rc, nil
}

func (c *Conn) setup(ctx context.Context) error {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return err
	}
	// The deadline covers our answer too: a client that never reads
	// must not hold us past the limit.
	if err := c.conn.SetDeadline(start.Add(c.cfg.HandshakeTimeout)); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(aLongTimeAgo) })
	defer stop()

	rest, err := c.readHandshake(ctx)
	if err != nil {
		return err
	}
	if _, err := c.conn.Write([]byte{0}); err != nil {
		return c.setupErr(ctx, "answer", err)
	}
	urgent := true
	if err := sendUrgent(c.conn, ControlWindow); err != nil {
		if !errors.Is(err, ErrUrgentUnsupported) {
			return c.setupErr(ctx, "window request", err)
		}
		urgent = false
	}

	// The client's first data is scanned in place: the scanner is fresh,
	// so it holds nothing that could make the output longer.
	c.pending = c.scan.Scan(rest[:0], rest, c.winFn)
	if err := c.waitSize(ctx); err != nil {
		return err
	}
	if !stop() {
		return ctx.Err() // cancelled just now; the deadline is spoilt
	}
	// This fails only on a connection that is already closed, which Read
	// will report after the data.
	c.conn.SetDeadline(time.Time{})
	c.resized = false // the first size is not a resize
	if len(c.pending) == 0 {
		c.pending = nil
	}
	cols, rows := c.WindowSize()
	form := "bsd"
	if c.hs.SyncTERM {
		form = "syncterm"
	}
	// ClientUser is left out: SyncTERM may send a password in it.
	c.log.Debug("rlogin handshake", "remote", c.conn.RemoteAddr(), "user", c.hs.ServerUser,
		"term", c.hs.Term, "speed", c.hs.Speed, "form", form, "urgent", urgent,
		"cols", cols, "rows", rows, "dur", time.Since(start))
	return nil
}

// readHandshake reads until the handshake is complete and returns the
// bytes that followed it.
func (c *Conn) readHandshake(ctx context.Context) ([]byte, error) {
	buf := make([]byte, 0, min(firstRead, c.cfg.MaxHandshake))
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= c.cfg.MaxHandshake {
				return nil, fmt.Errorf("%w: no complete handshake in %d bytes", ErrHandshakeTooLong, len(buf))
			}
			nb := make([]byte, len(buf), min(2*cap(buf), c.cfg.MaxHandshake))
			copy(nb, buf)
			buf = nb
		}
		n, err := c.conn.Read(buf[len(buf):cap(buf)])
		if n > 0 {
			// Parse again only when there is something new to find: the
			// first byte tells the form, a NUL may end the handshake.
			first := len(buf) == 0
			buf = buf[:len(buf)+n]
			if first || bytes.IndexByte(buf[len(buf)-n:], 0) >= 0 {
				h, used, perr := ParseHandshake(buf)
				if perr == nil {
					c.hs = h
					return buf[used:], nil
				}
				if !errors.Is(perr, ErrIncomplete) {
					return nil, perr
				}
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if len(buf) == 0 {
					return nil, fmt.Errorf("rlogin: handshake: client closed the connection: %w", io.EOF)
				}
				return nil, fmt.Errorf("rlogin: handshake: client closed the connection after %d bytes: %w", len(buf), io.ErrUnexpectedEOF)
			}
			if ctx.Err() == nil && errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, fmt.Errorf("%w after %v (%d bytes received)", ErrHandshakeTimeout, c.cfg.HandshakeTimeout, len(buf))
			}
			return nil, c.setupErr(ctx, "handshake", err)
		}
	}
}

// setupErr turns an I/O error during setup into the error to return.
func (c *Conn) setupErr(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", ErrHandshakeTimeout, step, err)
	}
	return fmt.Errorf("rlogin: %s: %w", step, err)
}

// waitSize reads until the first window message arrives, SizeWait passes
// or pendingMax bytes of data are waiting. A read error other than the
// time limit is kept for Read, after the data.
func (c *Conn) waitSize(ctx context.Context) error {
	if c.sized || c.cfg.SizeWait < 0 {
		return nil
	}
	// This fails only on a connection that is closed, which the reads
	// below report.
	c.conn.SetReadDeadline(time.Now().Add(c.cfg.SizeWait))
	if err := ctx.Err(); err != nil {
		return err // the deadline just set may have replaced the cancellation's
	}
	var buf [512]byte
	for !c.sized && len(c.pending) < pendingMax {
		n, err := c.conn.Read(buf[:])
		c.pending = c.scan.Scan(c.pending, buf[:n], c.winFn)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				c.pending = c.scan.Flush(c.pending)
				c.rerr = err
			}
			return nil
		}
	}
	return nil
}

// window is the scanner's callback: it records a size, keeping the old
// value of a dimension reported as zero.
func (c *Conn) window(cols, rows, _, _ int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sized = true
	if cols > 0 && cols != c.cols {
		c.cols, c.resized = cols, true
	}
	if rows > 0 && rows != c.rows {
		c.rows, c.resized = rows, true
	}
}

// Read reads the client's data, with window messages removed. A window
// message that changes the size calls Config.OnResize before Read
// returns.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	if c.rerr != nil {
		return 0, c.rerr
	}
	for {
		// The scanner may give back up to Held() bytes more than it
		// reads, so leave room for them; a small p reads via c.small.
		buf := p
		if len(p) < len(c.small) {
			buf = c.small[:]
		}
		n, err := c.conn.Read(buf[:len(buf)-c.scan.Held()])
		data := c.scan.Scan(buf[:0], buf[:n], c.winFn)
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			data = c.scan.Flush(data) // the stream has ended
		}
		if c.resized {
			c.resized = false
			if c.cfg.OnResize != nil {
				c.cfg.OnResize(c.WindowSize())
			}
		}
		if len(data) > 0 {
			k := len(data)
			if &buf[0] != &p[0] {
				k = copy(p, data)
				c.pending = data[k:]
				if len(c.pending) > 0 && err != nil {
					c.rerr, err = err, nil
				}
			}
			return k, err
		}
		if err != nil {
			return 0, err
		}
	}
}

// Write sends p to the client as it is. Each call has Config.WriteTimeout
// to finish, or less if a deadline set with SetWriteDeadline comes first.
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(c.writeDeadline())
	return c.conn.Write(p)
}

// SendUrgent sends b as TCP urgent data, which the client handles ahead
// of the data it has not yet read: one of the Control constants. It is
// ordered after the writes that returned before it was called, and never
// lands inside a Write. It returns ErrUrgentUnsupported on a connection
// that is not a TCP socket.
//
// TCP marks one urgent byte at a time: if another is sent before the
// client has read the first, the first arrives as ordinary data. Send
// control bytes rarely, as rlogind does. Until the client has sent a
// window size, each control byte asks for it again (the bits combine):
// a client still starting up may have missed the first request, or had
// it overtaken by this byte.
func (c *Conn) SendUrgent(b byte) error {
	c.mu.Lock()
	if !c.sized {
		b |= ControlWindow
	}
	c.mu.Unlock()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(c.writeDeadline())
	return sendUrgent(c.conn, b)
}

// writeDeadline returns the deadline of a write starting now.
func (c *Conn) writeDeadline() time.Time {
	dl := time.Now().Add(c.cfg.WriteTimeout)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.wdl.IsZero() && c.wdl.Before(dl) {
		return c.wdl
	}
	return dl
}

// Handshake returns what the client sent when it connected.
func (c *Conn) Handshake() Handshake { return c.hs }

// WindowSize returns the last window size the client reported, or 0, 0 if
// it never did. A dimension reported as 0 keeps its earlier value.
func (c *Conn) WindowSize() (cols, rows int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cols, c.rows
}

// Close closes the connection.
func (c *Conn) Close() error { return c.conn.Close() }

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// LocalAddr returns the server's address.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the client's address.
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines, as SetReadDeadline and
// SetWriteDeadline do.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the deadline of Read.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets a deadline for Write and SendUrgent; each write
// still ends at Config.WriteTimeout if that comes first. The zero value
// leaves only Config.WriteTimeout.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.wdl = t
	c.mu.Unlock()
	return c.conn.SetWriteDeadline(c.writeDeadline())
}
