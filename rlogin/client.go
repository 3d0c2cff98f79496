package rlogin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// ClientConn is the client side of an rlogin connection, for tests and
// load tools. It sends its window size as soon as the server has accepted
// the handshake and again on Resize, without waiting to be asked.
//
// It ignores urgent data: it never reads the out-of-band byte, so a
// server's ControlFlush, ControlRaw and ControlCooked have no effect and
// ControlWindow needs no answer. Without SO_OOBINLINE the kernel keeps
// urgent bytes out of the ordinary stream, so Read does not see them
// either. Real clients connect from a privileged port (512-1023); this
// one does not.
//
// Read and Write pass data through unchanged; window messages are never
// interleaved with a Write. It may be used from several goroutines as a
// net.Conn may.
type ClientConn struct {
	conn net.Conn
	wmu  sync.Mutex // serialises writes
}

// Dial connects to the rlogin server at addr over TCP and runs
// NewClientConn. ctx bounds the connection and the handshake.
func Dial(ctx context.Context, addr string, h Handshake, cols, rows int) (*ClientConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(aLongTimeAgo) })
	cc, err := NewClientConn(c, h, cols, rows)
	if !stop() {
		c.Close()
		return nil, ctx.Err()
	}
	return cc, err
}

// NewClientConn sends the handshake h on c (in the SyncTERM form if
// h.SyncTERM is set), waits for the server's NUL and, if cols or rows is
// positive, sends a window message. On error c is closed; a server that
// answers with anything but a NUL gives ErrRefused. Deadlines set on c
// bound the handshake.
func NewClientConn(c net.Conn, h Handshake, cols, rows int) (*ClientConn, error) {
	if _, err := c.Write(AppendHandshake(nil, h)); err != nil {
		c.Close()
		return nil, fmt.Errorf("rlogin: sending handshake: %w", err)
	}
	var b [1]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		c.Close()
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("rlogin: waiting for the server's answer: %w", err)
	}
	if b[0] != 0 {
		c.Close()
		return nil, fmt.Errorf("%w: it answered %#02x", ErrRefused, b[0])
	}
	cc := &ClientConn{conn: c}
	if cols > 0 || rows > 0 {
		if err := cc.Resize(cols, rows); err != nil {
			c.Close()
			return nil, err
		}
	}
	return cc, nil
}

// Resize sends a window message for cols by rows characters.
func (c *ClientConn) Resize(cols, rows int) error {
	var b [WindowMessageLen]byte
	_, err := c.Write(AppendWindowSize(b[:0], cols, rows, 0, 0))
	return err
}

// Read reads the server's data.
func (c *ClientConn) Read(p []byte) (int, error) { return c.conn.Read(p) }

// Write sends p to the server as it is. Data that contains FF FF 73 73
// will be taken for a window message: rlogin has no escape for it.
func (c *ClientConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.conn.Write(p)
}

// Close closes the connection.
func (c *ClientConn) Close() error { return c.conn.Close() }

// NetConn returns the underlying connection.
func (c *ClientConn) NetConn() net.Conn { return c.conn }

// LocalAddr returns the client's address.
func (c *ClientConn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the server's address.
func (c *ClientConn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines of the connection.
func (c *ClientConn) SetDeadline(t time.Time) error { return c.conn.SetDeadline(t) }

// SetReadDeadline sets the read deadline of the connection.
func (c *ClientConn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline of the connection.
func (c *ClientConn) SetWriteDeadline(t time.Time) error { return c.conn.SetWriteDeadline(t) }
