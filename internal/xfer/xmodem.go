package xfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Protocol bytes (XMODEM, and YMODEM, which builds on it).
const (
	soh = 0x01 // a 128-byte block follows
	stx = 0x02 // a 1024-byte block follows
	eot = 0x04 // end of the file
	ack = 0x06
	nak = 0x15 // resend; as the receiver's first byte: checksums, not CRC
	can = 0x18 // two in a row abort
	sub = 0x1a // pads the last block
	crc = 'C'  // the receiver's first byte: CRC-16, 1K blocks welcome
)

// Conn is the caller's side of a transfer: the session's bytes, as the
// protocol delivered them (telnet's commands taken out), with a read
// deadline for the protocol's timeouts.
type Conn interface {
	io.Reader
	io.Writer
	SetReadDeadline(t time.Time) error
}

// Errors a transfer ends with.
var (
	// ErrCancelled: the peer sent CAN CAN (or Ctrl-X five times).
	ErrCancelled = errors.New("xfer: cancelled by the other side")
	// ErrTimeout: the peer stopped answering.
	ErrTimeout = errors.New("xfer: the other side stopped answering")
	// ErrRetries: too many blocks went wrong in a row.
	ErrRetries = errors.New("xfer: too many errors")
	// ErrProtocol: the peer broke the protocol beyond repair.
	ErrProtocol = errors.New("xfer: protocol error")
)

// Limits. Variables, so that tests can shorten them.
var (
	// startWait is how long the first side waits for the other to start.
	startWait = 60 * time.Second
	// blockWait is how long a block, or the answer to one, may take.
	blockWait = 10 * time.Second
	// maxRetries bounds the attempts at one block.
	maxRetries = 10
)

// Options tune a transfer.
type Options struct {
	// OneK sends 1024-byte blocks (XMODEM-1K), when the receiver asked
	// for CRCs. YMODEM always does.
	OneK bool
	// MaxSize bounds what ReceiveX, ReceiveY and ReceiveZ accept per
	// file; 0 means no bound. A file over it ends the transfer with
	// ErrTooLarge.
	MaxSize int64
	// StartTimeout is how long the other side has to start the
	// transfer (a caller picking files in a terminal program); 0 means
	// a minute.
	StartTimeout time.Duration
	// Progress, when set, hears how each ZMODEM file goes, a few times a
	// second at most, so that a screen can show it: done is what the
	// receiver has (acknowledged, when we send), size -1 when unknown.
	// done == size only in a file's last call, once it went whole; a
	// skipped or failed file never gets it.
	Progress func(name string, done, size int64)
}

// startWait returns how long the other side has to start.
func (o Options) startWait() time.Duration {
	if o.StartTimeout > 0 {
		return o.StartTimeout
	}
	return startWait
}

// ErrTooLarge: a received file is over Options.MaxSize.
var ErrTooLarge = errors.New("xfer: file too large")

// line reads the peer's bytes with timeouts.
type line struct {
	c   Conn
	buf [1]byte
	// cans counts CAN bytes in a row, however they came.
	cans int
}

func (l *line) readByte(wait time.Duration) (byte, error) {
	l.c.SetReadDeadline(time.Now().Add(wait))
	_, err := io.ReadFull(l.c, l.buf[:])
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, ErrTimeout
		}
		return 0, err
	}
	if l.buf[0] == can {
		l.cans++
	} else {
		l.cans = 0
	}
	return l.buf[0], nil
}

func (l *line) readFull(p []byte, wait time.Duration) error {
	l.c.SetReadDeadline(time.Now().Add(wait))
	if _, err := io.ReadFull(l.c, p); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return ErrTimeout
		}
		return err
	}
	return nil
}

// purge reads and drops what the peer sends until it has been quiet for
// a second (or five seconds have passed): a block gone wrong is resent
// whole, after the rest of it.
func (l *line) purge() {
	var buf [256]byte
	end := time.Now().Add(5 * time.Second)
	for time.Now().Before(end) {
		l.c.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := l.c.Read(buf[:]); err != nil {
			return
		}
	}
}

func (l *line) send(b ...byte) error {
	_, err := l.c.Write(b)
	return err
}

// cancel tells the peer the transfer is over: CAN CAN, and backspaces
// to erase them from a terminal that shows them.
func (l *line) cancel() {
	l.c.Write([]byte{can, can, can, can, can, 8, 8, 8, 8, 8})
}

// crc16 is the CRC of XMODEM (CCITT polynomial 0x1021, initial 0).
func crc16(p []byte) uint16 {
	var c uint16
	for _, b := range p {
		c ^= uint16(b) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func checksum(p []byte) byte {
	var s byte
	for _, b := range p {
		s += b
	}
	return s
}

// block is one received block.
type block struct {
	num  byte
	data []byte // 128 or 1024 bytes, owned by the receiver's buffer
}

// errEOT is readBlock's answer to an EOT.
var errEOT = errors.New("xfer: end of file")

// readBlock reads one block after its first byte: errEOT for EOT,
// ErrCancelled for CAN CAN, errBadBlock for a damaged block (to NAK).
func (l *line) readBlock(buf []byte, useCRC bool, wait time.Duration) (block, error) {
	for {
		b, err := l.readByte(wait)
		if err != nil {
			return block{}, err
		}
		var size int
		switch b {
		case soh:
			size = 128
		case stx:
			size = 1024
		case eot:
			return block{}, errEOT
		case can:
			if l.cans >= 2 {
				return block{}, ErrCancelled
			}
			continue
		default:
			continue // noise between blocks
		}
		trailer := 1
		if useCRC {
			trailer = 2
		}
		p := buf[:2+size+trailer]
		if err := l.readFull(p, blockWait); err != nil {
			return block{}, err
		}
		num, inv, data := p[0], p[1], p[2:2+size]
		ok := num^inv == 0xff
		if useCRC {
			ok = ok && crc16(data) == uint16(p[2+size])<<8|uint16(p[3+size])
		} else {
			ok = ok && checksum(data) == p[2+size]
		}
		if !ok {
			return block{}, errBadBlock
		}
		return block{num: num, data: data}, nil
	}
}

var errBadBlock = errors.New("xfer: damaged block")

// receiver receives the blocks of one file.
type receiver struct {
	l       *line
	wait    time.Duration // the other side's time to start
	useCRC  bool
	crcOnly bool // YMODEM: CRCs, never checksums
	buf     []byte
}

// start asks the sender to begin: 'C' (CRC) three times, then, unless
// crcOnly, NAK (checksums). It returns the first block (or EOT).
func (r *receiver) start(ctx context.Context, crcOnly bool) (block, error) {
	deadline := time.Now().Add(r.wait)
	for try := 0; time.Now().Before(deadline); try++ {
		if err := ctx.Err(); err != nil {
			return block{}, err
		}
		r.useCRC = crcOnly || try < 3
		ask := byte(crc)
		if !r.useCRC {
			ask = nak
		}
		if err := r.l.send(ask); err != nil {
			return block{}, err
		}
		b, err := r.l.readBlock(r.buf, r.useCRC, 3*time.Second)
		switch {
		case err == ErrTimeout:
			continue
		case err == errBadBlock:
			r.l.purge()
			continue
		}
		return b, err
	}
	return block{}, ErrTimeout
}

// next acknowledges the block the caller took and reads the next one,
// handling resent and damaged blocks.
func (r *receiver) next(ctx context.Context, want byte) (block, error) {
	reply := byte(ack)
	for tries := 0; tries < maxRetries; tries++ {
		if err := ctx.Err(); err != nil {
			return block{}, err
		}
		if err := r.l.send(reply); err != nil {
			return block{}, err
		}
		b, err := r.l.readBlock(r.buf, r.useCRC, blockWait)
		switch {
		case err == errBadBlock || err == ErrTimeout:
			r.l.purge()
			reply = nak
			continue
		case err != nil:
			return block{}, err
		case b.num == want-1:
			reply = ack // our ACK was lost: the block again
			tries = 0
			continue
		case b.num != want:
			return block{}, fmt.Errorf("%w: block %d where %d was due", ErrProtocol, b.num, want)
		}
		return b, nil
	}
	return block{}, ErrRetries
}

// receiveData takes data blocks from first on until EOT, writing them to
// w; size (when known, ≥ 0) cuts the padding off the last block; else
// trailing SUB padding is dropped from the last block. Each block is
// held until the next one comes, so that the last is known as the last.
func (r *receiver) receiveData(ctx context.Context, first block, w io.Writer, size, max int64) (int64, error) {
	var n int64
	var held []byte
	for b := first; ; {
		if len(held) > 0 {
			if _, err := w.Write(held); err != nil {
				return n, err
			}
		}
		data := b.data
		if size >= 0 && n+int64(len(data)) > size {
			data = data[:max64(size-n, 0)]
		}
		n += int64(len(data))
		if max > 0 && n > max {
			return n, ErrTooLarge
		}
		held = append(held[:0], data...)
		var err error
		if b, err = r.next(ctx, b.num+1); err == errEOT {
			break
		} else if err != nil {
			return n, err
		}
	}
	if size < 0 {
		trimmed := bytes.TrimRight(held, "\x1a")
		n -= int64(len(held) - len(trimmed))
		held = trimmed
	}
	if _, err := w.Write(held); err != nil {
		return n, err
	}
	return n, nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// ReceiveX receives one file by XMODEM (CRC or checksum, 128 or 1024
// bytes a block) into w, and returns its length. XMODEM does not carry
// the length: SUB bytes padding the last block are dropped, so a file
// that itself ends in SUB bytes loses them (YMODEM keeps them).
func ReceiveX(ctx context.Context, c Conn, w io.Writer, opts Options) (int64, error) {
	l := &line{c: c}
	r := &receiver{l: l, buf: make([]byte, 2+1024+2), wait: opts.startWait()}
	n, err := r.receiveFile(ctx, w, -1, opts.MaxSize)
	return n, r.finish(err)
}

// receiveFile asks for a file's data and receives it (an EOT at once is
// an empty file).
func (r *receiver) receiveFile(ctx context.Context, w io.Writer, size, max int64) (int64, error) {
	first, err := r.start(ctx, r.crcOnly)
	switch {
	case err == errEOT:
		return 0, nil
	case err != nil:
		return 0, err
	case first.num != 1:
		return 0, fmt.Errorf("%w: block %d where the first was due", ErrProtocol, first.num)
	}
	return r.receiveData(ctx, first, w, size, max)
}

// finish acknowledges the end, or cancels on a failure.
func (r *receiver) finish(err error) error {
	switch {
	case err == nil:
		r.l.send(ack)
	case err != ErrCancelled:
		r.l.cancel()
	}
	return err
}

// File is a file YMODEM receives: its name (as the sender gave it, not
// checked: the caller must) and size (-1 when not given).
type File struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// ReceiveY receives a YMODEM batch. For each file it calls create, and
// writes the file to what create returns, closing it after; it returns
// the files received whole. create returning ErrSkip drops that file
// (it is received and thrown away: YMODEM cannot decline one); another
// error cancels the transfer.
func ReceiveY(ctx context.Context, c Conn, create func(File) (io.WriteCloser, error), opts Options) ([]File, error) {
	l := &line{c: c}
	r := &receiver{l: l, buf: make([]byte, 2+1024+2), crcOnly: true, wait: opts.startWait()}
	var done []File
	for {
		hdr, err := r.start(ctx, true)
		if err == nil && hdr.num != 0 {
			err = fmt.Errorf("%w: block %d where the file's header was due", ErrProtocol, hdr.num)
		}
		if err != nil {
			return done, r.finish(err)
		}
		f, err := parseHeader(hdr.data)
		if err != nil {
			return done, r.finish(err)
		}
		if f.Name == "" { // the end of the batch
			l.send(ack)
			return done, nil
		}
		if opts.MaxSize > 0 && f.Size > opts.MaxSize {
			return done, r.finish(ErrTooLarge)
		}
		w, err := create(f)
		skip := errors.Is(err, ErrSkip)
		if skip {
			// YMODEM cannot decline a file: take it and drop it, so
			// that the rest of the batch still arrives.
			w, err = discard{}, nil
		}
		if err != nil {
			return done, r.finish(err)
		}
		// ACK the header, then 'C' for the data.
		if err := l.send(ack); err != nil {
			w.Close()
			return done, err
		}
		n, err := r.receiveFile(ctx, w, f.Size, opts.MaxSize)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err == nil && f.Size >= 0 && n != f.Size {
			err = fmt.Errorf("%w: %d bytes of %d", ErrProtocol, n, f.Size)
		}
		if err != nil {
			return done, r.finish(err)
		}
		// First EOT came: NAK it, the second is ACKed (as YMODEM asks).
		if err := r.endOfFile(); err != nil {
			return done, r.finish(err)
		}
		f.Size = n
		if !skip {
			done = append(done, f)
		}
	}
}

// discard takes a file create declined.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Close() error                { return nil }

// endOfFile answers YMODEM's EOT: NAK, then ACK the EOT that follows.
func (r *receiver) endOfFile() error {
	if err := r.l.send(nak); err != nil {
		return err
	}
	for {
		b, err := r.l.readByte(blockWait)
		if err != nil {
			return err
		}
		if b == eot {
			return r.l.send(ack)
		}
		if b == can && r.l.cans >= 2 {
			return ErrCancelled
		}
	}
}

// parseHeader reads block 0: name NUL size [mtime [mode …]] NUL…
func parseHeader(p []byte) (File, error) {
	name, rest, ok := bytes.Cut(p, []byte{0})
	if !ok {
		return File{}, fmt.Errorf("%w: a header with no end to its name", ErrProtocol)
	}
	f := File{Name: string(name), Size: -1}
	if f.Name == "" {
		return f, nil
	}
	info, _, _ := bytes.Cut(rest, []byte{0})
	fields := strings.Fields(string(info))
	if len(fields) > 0 {
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || n < 0 {
			return File{}, fmt.Errorf("%w: size %q", ErrProtocol, fields[0])
		}
		f.Size = n
	}
	if len(fields) > 1 {
		if t, err := strconv.ParseInt(fields[1], 8, 64); err == nil && t > 0 {
			f.ModTime = time.Unix(t, 0)
		}
	}
	return f, nil
}
