package web

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
)

// A WebSocket's buffers.
//
// net/http hands a hijacked connection over with its 4 KiB bufio reader
// and writer, and the websocket package keeps both for the WebSocket's
// life: 8 KiB of each idle terminal's memory, over a TLS connection that
// buffers whole records itself. smallBuffers gives the websocket package
// small ones instead:
//
//   - reads go through a bufio.Reader of wsReadBufSize bytes, which holds
//     a keystroke's frame; bigger payloads are read straight into the
//     caller's buffer, as bufio does for reads larger than its own;
//   - writes go through a bufio.Writer of wsWriteBufSize bytes, in front
//     of a frameWriter that joins the pieces of each frame in a pooled
//     buffer and writes the frame in one piece (one TLS record, as with
//     net/http's buffer), so that no write buffer is held between frames.
const (
	wsReadBufSize  = 64
	wsWriteBufSize = 16 // holds a frame's header (at most 14 bytes)
	joinBufSize    = 4 << 10
)

// joinBufs are frameWriter's buffers, each held only while a frame is
// being written.
var joinBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, joinBufSize)
	return &b
}}

// smallBuffers is the http.ResponseWriter given to websocket.Accept: its
// Hijack returns the connection with small buffers.
type smallBuffers struct {
	http.ResponseWriter
	conn net.Conn     // once hijacked
	fw   *frameWriter // conn's
}

func (w *smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// net/http has flushed the 101 response; this only makes sure.
	if err := brw.Writer.Flush(); err != nil {
		c.Close()
		return nil, nil, err
	}
	// What the client sent right after its request (its first frame, if
	// it did not wait for the reply) must be in the new reader's buffer,
	// made bigger if need be: websocket.Accept keeps what is buffered and
	// reads the rest from c.
	early, _ := brw.Reader.Peek(brw.Reader.Buffered())
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(early), c), max(wsReadBufSize, len(early)))
	if _, err := br.Peek(len(early)); err != nil {
		c.Close()
		return nil, nil, err
	}
	w.conn, w.fw = c, &frameWriter{w: c}
	return c, bufio.NewReadWriter(br, bufio.NewWriterSize(w.fw, wsWriteBufSize)), nil
}

// frameWriter writes a server's WebSocket frames (RFC 6455, section 5.2)
// to w, each in one write: it follows the frames through their headers,
// and holds the pieces of an unfinished frame in a buffer from joinBufs,
// which it returns once the frame is written. A frame bigger than the
// buffer goes out a buffer at a time, as through a bufio.Writer. Its
// caller is the bufio.Writer in front of it, which the websocket package
// uses under its own lock.
type frameWriter struct {
	w    io.Writer
	held *[]byte // the unfinished frame's bytes; nil between frames
	hdr  [maxFrameHeader]byte
	nhdr int   // bytes of the current frame's header seen so far
	left int64 // bytes of its payload still to come
}

const maxFrameHeader = 2 + 8 + 4 // first bytes, 64-bit length, mask key

func (f *frameWriter) Write(p []byte) (int, error) {
	n := len(p)
	end := f.follow(p)
	if f.held != nil {
		b := *f.held
		k := min(len(p), cap(b)-len(b))
		*f.held, p = append(b, p[:k]...), p[k:]
		if len(p) == 0 && !end {
			return n, nil
		}
		if err := f.flush(); err != nil {
			return 0, err
		}
	}
	switch {
	case len(p) == 0:
	case end || len(p) >= joinBufSize:
		if _, err := f.w.Write(p); err != nil {
			return 0, err
		}
	default:
		f.held = joinBufs.Get().(*[]byte)
		*f.held = append((*f.held)[:0], p...)
	}
	return n, nil
}

// flush writes what is held and returns the buffer to the pool.
func (f *frameWriter) flush() error {
	b := f.held
	f.held = nil
	_, err := f.w.Write(*b)
	*b = (*b)[:0]
	joinBufs.Put(b)
	return err
}

// follow moves through p's frames, and reports whether p ends where a
// frame does.
func (f *frameWriter) follow(p []byte) bool {
	for len(p) > 0 {
		if f.left > 0 {
			k := min(int64(len(p)), f.left)
			f.left -= k
			p = p[k:]
			continue
		}
		f.hdr[f.nhdr] = p[0]
		f.nhdr++
		p = p[1:]
		if h := f.hdr[:f.nhdr]; len(h) == frameHeaderLen(h) {
			f.left = framePayloadLen(h)
			f.nhdr = 0
		}
	}
	return f.nhdr == 0 && f.left == 0
}

// frameHeaderLen returns the length of the frame header that starts with
// h, or 2 if h is shorter than that.
func frameHeaderLen(h []byte) int {
	if len(h) < 2 {
		return 2
	}
	n := 2
	switch h[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if h[1]&0x80 != 0 {
		n += 4
	}
	return n
}

// framePayloadLen returns the payload length of the complete header h.
func framePayloadLen(h []byte) int64 {
	switch l := h[1] & 0x7f; l {
	case 126:
		return int64(binary.BigEndian.Uint16(h[2:]))
	case 127:
		return int64(binary.BigEndian.Uint64(h[2:]) & math.MaxInt64)
	default:
		return int64(l)
	}
}
