package web

import (
	"context"
	"net"
	"os"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// frameConn is a WebSocket seen as the net.Conn the telnet package
// wants: binary messages carry the bytes both ways.
//
// websocket.NetConn alone closes the whole connection when a read
// deadline passes during a read, but telnet negotiation waits with
// deadlines on clients that may answer nothing. So reads happen ahead, in
// a goroutine of the connection's own (one buffer at a time, handed over
// as the session's reader does), and a deadline only ends the Read
// waiting for it. Writes and write deadlines are websocket.NetConn's.
type frameConn struct {
	net.Conn // websocket.NetConn

	in       chan chunk
	consumed chan struct{} // the chunk in hand has been read
	rest     []byte        // what the last chunk has left; Read's alone
	err      error         // the reader's error, once rest is empty

	mu       sync.Mutex
	deadline time.Time
	changed  chan struct{} // closed when the read deadline changes

	closeOnce sync.Once
	quit      chan struct{} // closed by Close
	closed    chan struct{} // closed once the WebSocket is
	pumpDone  chan struct{}
}

type chunk struct {
	b   []byte
	err error
}

// frameBufSize is the read-ahead buffer of a telnet WebSocket.
const frameBufSize = 512

func newFrameConn(ws *websocket.Conn, readLimit int64) *frameConn {
	nc := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	// NetConn lifts the message size limit; put the server's back.
	ws.SetReadLimit(readLimit)
	c := &frameConn{
		Conn:     nc,
		in:       make(chan chunk),
		consumed: make(chan struct{}, 1),
		changed:  make(chan struct{}),
		quit:     make(chan struct{}),
		closed:   make(chan struct{}),
		pumpDone: make(chan struct{}),
	}
	go c.pump()
	return c
}

// pump reads from the WebSocket and hands each buffer to Read, waiting
// until it has been read before reusing it.
func (c *frameConn) pump() {
	defer close(c.pumpDone)
	buf := make([]byte, frameBufSize)
	for {
		n, err := c.Conn.Read(buf)
		select {
		case c.in <- chunk{buf[:n], err}:
		case <-c.quit:
			return
		}
		if err != nil {
			return
		}
		select {
		case <-c.consumed:
		case <-c.quit:
			return
		}
	}
}

// Read returns bytes read ahead, waiting for them until the read
// deadline, a change of deadline, or Close.
func (c *frameConn) Read(p []byte) (int, error) {
	if len(c.rest) > 0 {
		return c.take(p), nil
	}
	if c.err != nil {
		return 0, c.err
	}
	for {
		c.mu.Lock()
		dl, changed := c.deadline, c.changed
		c.mu.Unlock()
		var timeout <-chan time.Time
		var timer *time.Timer
		if !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			timer = time.NewTimer(d)
			timeout = timer.C
		}
		select {
		case ch := <-c.in:
			if timer != nil {
				timer.Stop()
			}
			c.rest, c.err = ch.b, ch.err
			if len(c.rest) == 0 {
				if c.err != nil {
					return 0, c.err
				}
				c.consumed <- struct{}{} // an empty message
				continue
			}
			return c.take(p), nil
		case <-timeout:
			return 0, os.ErrDeadlineExceeded
		case <-changed:
			if timer != nil {
				timer.Stop()
			}
		case <-c.quit:
			if timer != nil {
				timer.Stop()
			}
			return 0, net.ErrClosed
		}
	}
}

// take copies what is in hand into p, and lets the pump go on once it is
// all read.
func (c *frameConn) take(p []byte) int {
	n := copy(p, c.rest)
	c.rest = c.rest[n:]
	if len(c.rest) == 0 && c.err == nil {
		c.consumed <- struct{}{}
	}
	return n
}

// SetReadDeadline sets the deadline of reads, waking a Read that waits.
func (c *frameConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deadline = t
	close(c.changed)
	c.changed = make(chan struct{})
	return nil
}

// SetDeadline sets both deadlines.
func (c *frameConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.Conn.SetWriteDeadline(t)
}

// Close ends Read at once and closes the WebSocket in the background:
// the session server closes connections while holding its lock, and a
// close frame could wait behind a write to a client that stopped
// reading. wait waits for it.
func (c *frameConn) Close() error {
	c.closeOnce.Do(func() {
		close(c.quit)
		go func() {
			defer close(c.closed)
			c.Conn.Close()
		}()
	})
	return nil
}

// wait closes the connection and returns once the WebSocket is closed
// and the read-ahead goroutine has ended.
func (c *frameConn) wait() {
	c.Close()
	<-c.closed
	<-c.pumpDone
}
