package sshd

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// joinConn is the connection as x/crypto/ssh sees it: it sends each ssh
// packet in one system call where x/crypto/ssh makes two.
//
// x/crypto/ssh writes through a bufio.Writer of 4096 bytes that it
// flushes after every packet. With AES-GCM it hands the writer a packet's
// 4-byte length, then the rest: for any packet longer than the buffer,
// the writer sends 4096 bytes, then the rest, in two writes (with
// chacha20-poly1305 it hands the whole packet at once and sends it in
// one). Two writes for one packet cost a system call, and let the client
// wake up for a part it cannot decrypt yet; in a download, most packets
// are 32 KiB long.
//
// So once the handshake has chosen AES-GCM (join), a write of exactly the
// writer's buffer size is held back and sent with the next write, in one
// writev. With AES-GCM a whole packet is never 4096 bytes long (it is 4
// more than a multiple of 16), so what is held back is the start of a
// packet whose rest follows at once. Should a later key exchange choose
// another cipher, whose packet may be 4096 bytes, what is held back goes
// out after holdFor if no write comes.
type joinConn struct {
	net.Conn
	join atomic.Bool

	mu    sync.Mutex
	held  *[bufioSize]byte // bytes held back, from holdPool, or nil
	timer *time.Timer
	err   error // the error of a write of held bytes by the timer
}

// holdPool keeps the buffers for held bytes, so that a connection has one
// only while it holds bytes back.
var holdPool = sync.Pool{New: func() any { return new([bufioSize]byte) }}

const (
	bufioSize = 4096 // bufio's default size, which x/crypto/ssh uses
	holdFor   = time.Millisecond
)

func newJoinConn(c net.Conn) *joinConn { return &joinConn{Conn: c} }

// joinFor sets whether writes are joined, from the cipher that the key
// exchange chose for sending.
func (c *joinConn) joinFor(sconn *ssh.ServerConn) {
	if m, ok := sconn.Conn.(ssh.AlgorithmsConnMetadata); ok {
		switch m.Algorithms().Write.Cipher {
		case ssh.CipherAES128GCM, ssh.CipherAES256GCM:
			c.join.Store(true)
		}
	}
}

func (c *joinConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if c.held != nil {
		held := c.held
		c.held = nil
		c.timer.Stop()
		bufs := net.Buffers{held[:], b}
		n, err := bufs.WriteTo(c.Conn)
		holdPool.Put(held)
		if err != nil {
			return max(int(n)-bufioSize, 0), err
		}
		return len(b), nil
	}
	if len(b) != bufioSize || !c.join.Load() {
		return c.Conn.Write(b)
	}
	c.held = holdPool.Get().(*[bufioSize]byte)
	copy(c.held[:], b)
	if c.timer == nil {
		c.timer = time.AfterFunc(holdFor, c.release)
	} else {
		c.timer.Reset(holdFor)
	}
	return len(b), nil
}

// release sends bytes held back too long.
func (c *joinConn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held == nil {
		return
	}
	held := c.held
	c.held = nil
	if _, err := c.Conn.Write(held[:]); err != nil {
		c.err = err
	}
	holdPool.Put(held)
}

// Close closes the connection, first, so that a write blocked on it
// (holding mu) ends. Bytes held back are the start of a packet being
// written, useless without the rest.
func (c *joinConn) Close() error {
	err := c.Conn.Close()
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	return err
}
