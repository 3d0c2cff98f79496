package xfer

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"time"
)

// ZMODEM's framing bytes.
const (
	zpad   = '*'  // starts a header
	zdle   = 0x18 // escapes the byte after it (the same byte as CAN)
	zbin   = 'A'  // binary header, CRC-16
	zhex   = 'B'  // hex header, CRC-16
	zbin32 = 'C'  // binary header, CRC-32

	// After ZDLE: the end of a data subpacket, and what the sender
	// expects next.
	zcrce = 'h' // the frame ends; a header follows
	zcrcg = 'i' // the frame goes on, no answer wanted
	zcrcq = 'j' // the frame goes on; ZACK wanted
	zcrcw = 'k' // the frame ends; ZACK wanted
	zrub0 = 'l' // 0x7f
	zrub1 = 'm' // 0xff

	dle  = 0x10
	xon  = 0x11
	xoff = 0x13
)

// ZMODEM's frame types.
const (
	zrqinit    = 0  // sender: "start your receiver"
	zrinit     = 1  // receiver: ready, with its abilities
	zsinit     = 2  // sender: its escaping needs and Attn string
	zack       = 3  // a position or value acknowledged
	zfile      = 4  // a file's name and facts follow
	zskip      = 5  // receiver: skip this file
	znak       = 6  // the last header was damaged
	zabort     = 7  // receiver: stop the batch
	zfin       = 8  // the session ends
	zrpos      = 9  // receiver: resume the data at this position
	zdata      = 10 // data subpackets from this position follow
	zeof       = 11 // the file ends at this position
	zferr      = 12 // a fatal error reading or writing the file
	zcrc       = 13 // receiver asks for (and sender gives) a file's CRC
	zchallenge = 14 // "echo this number"
	zcompl     = 15 // a command completed
	zcan       = 16 // the other side's five CANs, as a frame type
	zfreecnt   = 17 // "how much room have you"
	zcommand   = 18 // sender: run this command (refused)
)

// Flags in ZRINIT's ZF0 (the header's last byte).
const (
	canfdx  = 0x01 // full duplex: the sender may stream and still hear us
	canovio = 0x02 // the receiver writes to disk while it reads the line
	canfc32 = 0x20 // CRC-32 welcome
	escctl  = 0x40 // escape every control character
)

const (
	zcbin   = 1        // ZFILE's ZF0: a binary file, as is
	zsub    = 1024     // the data a sender puts in one subpacket
	zmaxSub = 8 << 10  // the largest subpacket a receiver takes (lrzsz -8)
	zchunk  = 32 << 10 // the data a sender builds and writes at once
	// A streaming sender asks for a ZACK (ZCRCQ) every zackEvery bytes,
	// and runs at most zwindow ahead of the last one: what a receiver
	// has to skip after damage, as lrzsz's rz can (it gives up after
	// about 800 KB). More ZACKs slow rz down (its ZACK costs it ~70µs).
	zackEvery = 128 << 10
	zwindow   = 512 << 10
	// zabortLen is how many CANs (then backspaces) our abort sends;
	// five in a row end the transfer at the other side.
	zabortLen = 8
)

// Waits that are not tuned by tests: a poll for what the receiver said
// costs up to pollWait, once every pollEvery at most; a blocked read
// wakes every readSlice to notice the context.
var (
	pollWait  = time.Millisecond
	pollEvery = 100 * time.Millisecond
	readSlice = 250 * time.Millisecond
)

// ErrSkip is create's answer to ReceiveZ for a file it does not want:
// the sender is asked to skip it, and the batch goes on.
var ErrSkip = errors.New("xfer: skip this file")

// Errors the ZMODEM layer returns for its callers to handle; none leaves
// the package.
var (
	errBadHeader = errors.New("xfer: damaged header")
	errBadData   = errors.New("xfer: damaged subpacket")
)

// zhdr is a ZMODEM header: its type and four bytes (ZP0…ZP3, a position
// low byte first; flags are ZF0 = arg[3], ZF1 = arg[2]).
type zhdr struct {
	typ   byte
	arg   [4]byte
	crc32 bool // came as a CRC-32 binary header: its data use CRC-32
}

func (h zhdr) pos() int64 { return int64(binary.LittleEndian.Uint32(h.arg[:])) }

func posArg(p int64) (a [4]byte) {
	binary.LittleEndian.PutUint32(a[:], uint32(p))
	return a
}

// crc16tab speeds XMODEM's CRC-16 up for ZMODEM's volume.
var crc16tab = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

func crc16Update(c uint16, p []byte) uint16 {
	for _, b := range p {
		c = c<<8 ^ crc16tab[byte(c>>8)^b]
	}
	return c
}

// zin reads the peer's bytes through a bounded buffer, with the waits of
// the protocol: XON and XOFF (plain or with the high bit) are dropped,
// and five CANs in a row end everything with ErrCancelled.
type zin struct {
	ctx  context.Context
	c    Conn
	buf  []byte
	r, w int
	cans int
	err  error    // the Conn's error, kept
	tmp  [16]byte // scratch, so as not to allocate per header or subpacket
}

func newZin(ctx context.Context, c Conn) *zin {
	return &zin{ctx: ctx, c: c, buf: make([]byte, 32<<10)}
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &t) && t.Timeout()
}

// fill reads more when the buffer is used up, until deadline (in slices,
// to notice the context); ErrTimeout when it passes.
func (z *zin) fill(deadline time.Time) error {
	if z.r < z.w {
		return nil
	}
	z.r, z.w = 0, 0
	for {
		if err := z.ctx.Err(); err != nil {
			return err
		}
		if z.err != nil {
			return z.err
		}
		now := time.Now()
		if !now.Before(deadline) {
			return ErrTimeout
		}
		z.c.SetReadDeadline(earlier(deadline, now.Add(readSlice)))
		n, err := z.c.Read(z.buf)
		if err != nil && !isTimeout(err) {
			z.err = err
		}
		if n > 0 {
			z.w = n
			return nil
		}
	}
}

// poll reads what the peer has sent already, waiting pollWait at most.
func (z *zin) poll() error {
	if err := z.fill(time.Now().Add(pollWait)); err != nil && err != ErrTimeout {
		return err
	}
	return nil
}

// next is the peer's next byte.
func (z *zin) next(deadline time.Time) (byte, error) {
	for {
		if z.r == z.w {
			if err := z.fill(deadline); err != nil {
				return 0, err
			}
		}
		b := z.buf[z.r]
		z.r++
		switch b {
		case xon, xoff, xon | 0x80, xoff | 0x80:
			continue
		case zdle:
			if z.cans++; z.cans >= 5 {
				return 0, ErrCancelled
			}
		default:
			z.cans = 0
		}
		return b, nil
	}
}

// atPad drops the buffered bytes before the next ZPAD, without reading:
// whether a header may be waiting.
func (z *zin) atPad() (bool, error) {
	for z.r < z.w {
		switch b := z.buf[z.r]; b {
		case zpad:
			return true, nil
		case xon, xoff, xon | 0x80, xoff | 0x80:
		case zdle:
			if z.cans++; z.cans >= 5 {
				return false, ErrCancelled
			}
		default:
			z.cans = 0
		}
		z.r++
	}
	return false, nil
}

// unescaped reads a byte of a binary header or subpacket: a data byte,
// or (end ≠ 0) the ZDLE sequence that ends a subpacket.
func (z *zin) unescaped(deadline time.Time) (b, end byte, err error) {
	if b, err = z.next(deadline); err != nil || b != zdle {
		return b, 0, err
	}
	for {
		c, err := z.next(deadline)
		switch {
		case err != nil:
			return 0, 0, err
		case c == zdle: // more CANs: next counts them
		case c >= zcrce && c <= zcrcw:
			return 0, c, nil
		case c == zrub0:
			return 0x7f, 0, nil
		case c == zrub1:
			return 0xff, 0, nil
		case c&0x60 == 0x40:
			return c ^ 0x40, 0, nil
		default:
			return 0, 0, errBadData
		}
	}
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// readHeader finds the next header in what the peer sends, skipping what
// is not one, until deadline: errBadHeader for a damaged one.
func (z *zin) readHeader(deadline time.Time) (zhdr, error) {
	b, err := z.next(deadline)
	for {
		if err != nil {
			return zhdr{}, err
		}
		if b != zpad {
			b, err = z.next(deadline)
			continue
		}
		for b == zpad && err == nil {
			b, err = z.next(deadline)
		}
		if err != nil || b != zdle {
			continue
		}
		if b, err = z.next(deadline); err != nil {
			continue
		}
		switch b {
		case zhex:
			return z.hexHeader(deadline)
		case zbin, zbin32:
			return z.binHeader(deadline, b == zbin32)
		}
		// Not a header (nor a format we offered): hunt on from b.
	}
}

func (z *zin) hexHeader(deadline time.Time) (zhdr, error) {
	var p [7]byte
	for i := range p {
		var v [2]byte
		for j := range v {
			c, err := z.next(deadline)
			if err != nil {
				return zhdr{}, err
			}
			var ok bool
			if v[j], ok = unhex(c); !ok {
				return zhdr{}, errBadHeader
			}
		}
		p[i] = v[0]<<4 | v[1]
	}
	if crc16Update(0, p[:5]) != uint16(p[5])<<8|uint16(p[6]) {
		return zhdr{}, errBadHeader
	}
	// The CR LF after it, when here already (a subpacket may follow).
	if z.r < z.w && z.buf[z.r]&0x7f == '\r' {
		z.r++
		if z.r < z.w && z.buf[z.r]&0x7f == '\n' {
			z.r++
		}
	}
	return zhdr{typ: p[0], arg: [4]byte(p[1:5])}, nil
}

func (z *zin) binHeader(deadline time.Time, use32 bool) (zhdr, error) {
	p := z.tmp[:9]
	n := 7
	if use32 {
		n = 9
	}
	for i := range n {
		b, end, err := z.unescaped(deadline)
		if err == errBadData || err == nil && end != 0 {
			return zhdr{}, errBadHeader
		}
		if err != nil {
			return zhdr{}, err
		}
		p[i] = b
	}
	if use32 {
		if crc32.ChecksumIEEE(p[:5]) != binary.LittleEndian.Uint32(p[5:9]) {
			return zhdr{}, errBadHeader
		}
	} else if crc16Update(0, p[:5]) != binary.BigEndian.Uint16(p[5:7]) {
		return zhdr{}, errBadHeader
	}
	return zhdr{typ: p[0], arg: [4]byte(p[1:5]), crc32: use32}, nil
}

// zinSpecial marks the bytes a subpacket's fast path stops at.
var zinSpecial = func() (t [256]bool) {
	for _, b := range []byte{zdle, xon, xoff, xon | 0x80, xoff | 0x80} {
		t[b] = true
	}
	return t
}()

// readSub reads a data subpacket into dst (reusing it), checks its CRC,
// and returns it with the byte that ended it: errBadData for damage,
// ErrProtocol for one over zmaxSub.
func (z *zin) readSub(dst []byte, use32 bool, deadline time.Time) ([]byte, byte, error) {
	dst = dst[:0]
	var end byte
	for end == 0 {
		if z.r == z.w {
			if err := z.fill(deadline); err != nil {
				return dst, 0, err
			}
		}
		p := z.buf[z.r:z.w]
		i := 0
		for i < len(p) && !zinSpecial[p[i]] {
			i++
		}
		if i > 0 {
			if len(dst)+i > zmaxSub {
				return dst, 0, fmt.Errorf("%w: a subpacket over %d bytes", ErrProtocol, zmaxSub)
			}
			dst = append(dst, p[:i]...)
			z.r += i
			z.cans = 0
			continue
		}
		b, e, err := z.unescaped(deadline)
		if err != nil {
			return dst, 0, err
		}
		if end = e; end == 0 {
			if len(dst) >= zmaxSub {
				return dst, 0, fmt.Errorf("%w: a subpacket over %d bytes", ErrProtocol, zmaxSub)
			}
			dst = append(dst, b)
		}
	}
	sum, tail := z.tmp[:4], z.tmp[4:5]
	tail[0] = end
	n := 2
	if use32 {
		n = 4
	}
	for i := range n {
		b, e, err := z.unescaped(deadline)
		if err != nil {
			return dst, 0, err
		}
		if e != 0 {
			return dst, 0, errBadData
		}
		sum[i] = b
	}
	if use32 {
		c := crc32.Update(crc32.ChecksumIEEE(dst), crc32.IEEETable, tail)
		if c != binary.LittleEndian.Uint32(sum) {
			return dst, 0, errBadData
		}
	} else if crc16Update(crc16Update(0, dst), tail) != binary.BigEndian.Uint16(sum) {
		return dst, 0, errBadData
	}
	return dst, end, nil
}

// sawCancel reads what the peer sends until it is quiet or wait passes,
// and reports whether it cancelled: a write that failed may have failed
// because the peer cancelled and left.
func (z *zin) sawCancel(wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for {
		_, err := z.next(deadline)
		if err == ErrCancelled {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// drain reads and drops what the peer still sends after our abort, until
// it has been quiet a quarter second (two seconds at most): a sender
// streaming into a full line reads the abort only once it can write.
func (z *zin) drain() {
	end := time.Now().Add(2 * time.Second)
	for now := time.Now(); now.Before(end); now = time.Now() {
		z.c.SetReadDeadline(earlier(end, now.Add(250*time.Millisecond)))
		if _, err := z.c.Read(z.buf); err != nil {
			return
		}
	}
}

// Escaping: 1 escapes a byte always, 2 when it follows '@' (CR: "@ CR"
// is a command to some packet networks).
var zescPlain, zescCtl = func() (plain, ctl [256]byte) {
	for _, b := range []byte{zdle, dle, xon, xoff} {
		plain[b], plain[b|0x80] = 1, 1
	}
	plain['\r'], plain['\r'|0x80] = 2, 2
	ctl = plain
	for b := range 256 {
		if b&0x60 == 0 {
			ctl[b] = 1
		}
	}
	return plain, ctl
}()

// zout builds the escaped output in a buffer and writes it in large
// pieces.
type zout struct {
	c    Conn
	wd   interface{ SetWriteDeadline(time.Time) error } // nil: writes are the Conn's
	buf  []byte
	esc  *[256]byte
	last byte // the last byte put on the line
	tmp  [9]byte
}

func newZout(c Conn) *zout {
	o := &zout{c: c, buf: make([]byte, 0, zchunk+zchunk/4), esc: &zescPlain}
	o.wd, _ = c.(interface{ SetWriteDeadline(time.Time) error })
	return o
}

// raw adds bytes as they are.
func (o *zout) raw(p ...byte) {
	o.buf = append(o.buf, p...)
	if len(p) > 0 {
		o.last = p[len(p)-1]
	}
}

// put adds bytes escaped.
func (o *zout) put(p []byte) {
	buf := slices.Grow(o.buf, 2*len(p))
	last, esc := o.last, o.esc
	for _, b := range p {
		switch esc[b] {
		case 0:
			buf = append(buf, b)
			last = b
			continue
		case 2:
			if last&0x7f != '@' {
				buf = append(buf, b)
				last = b
				continue
			}
		}
		last = b ^ 0x40
		buf = append(buf, zdle, last)
	}
	o.buf, o.last = buf, last
}

// hexHeader adds a header in hex (the form every receiver reads).
func (o *zout) hexHeader(typ byte, arg [4]byte) {
	const digits = "0123456789abcdef"
	h := [7]byte{typ, arg[0], arg[1], arg[2], arg[3]}
	c := crc16Update(0, h[:5])
	h[5], h[6] = byte(c>>8), byte(c)
	o.raw(zpad, zpad, zdle, zhex)
	for _, b := range h {
		o.buf = append(o.buf, digits[b>>4], digits[b&15])
	}
	o.raw('\r', '\n'|0x80)
	if typ != zfin && typ != zack {
		o.raw(xon) // in case a stray XOFF stopped the line
	}
}

// binHeader adds a binary header (CRC-32 or CRC-16): the form a data
// subpacket follows.
func (o *zout) binHeader(typ byte, arg [4]byte, use32 bool) {
	h := o.tmp[:0]
	h = append(h, typ, arg[0], arg[1], arg[2], arg[3])
	if use32 {
		o.raw(zpad, zdle, zbin32)
		h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE(h))
	} else {
		o.raw(zpad, zdle, zbin)
		h = binary.BigEndian.AppendUint16(h, crc16Update(0, h))
	}
	o.put(h)
}

// sub adds a data subpacket ended by end (ZCRCE, ZCRCG, ZCRCQ, ZCRCW).
func (o *zout) sub(p []byte, end byte, use32 bool) {
	o.put(p)
	o.raw(zdle, end)
	o.tmp[0] = end
	if use32 {
		c := crc32.Update(crc32.ChecksumIEEE(p), crc32.IEEETable, o.tmp[:1])
		o.put(binary.LittleEndian.AppendUint32(o.tmp[:0], c))
	} else {
		c := crc16Update(crc16Update(0, p), o.tmp[:1])
		o.put(binary.BigEndian.AppendUint16(o.tmp[:0], c))
	}
}

// flush writes what was built. A write that times out having moved
// bytes goes on: the line is slow, not dead.
func (o *zout) flush() error {
	p := o.buf
	o.buf = o.buf[:0]
	for len(p) > 0 {
		if o.wd != nil {
			o.wd.SetWriteDeadline(time.Now().Add(blockWait))
		}
		n, err := o.c.Write(p)
		p = p[n:]
		switch {
		case err != nil && isTimeout(err) && n > 0:
		case err != nil && isTimeout(err):
			return ErrTimeout
		case err != nil:
			return err
		case n == 0 && len(p) > 0:
			return io.ErrShortWrite
		}
	}
	return nil
}

// header sends a hex header at once.
func (o *zout) header(typ byte, arg [4]byte) error {
	o.hexHeader(typ, arg)
	return o.flush()
}

// abort tells the peer the transfer is over: CANs enough for any
// ZMODEM (five end it) and X/YMODEM, then backspaces to erase them from
// a terminal that shows them.
func (o *zout) abort() {
	o.buf = o.buf[:0]
	for range zabortLen {
		o.buf = append(o.buf, can)
	}
	for range zabortLen {
		o.buf = append(o.buf, 8)
	}
	o.flush()
}

// done gives the Conn back without our deadlines.
func (o *zout) done() {
	o.c.SetReadDeadline(time.Time{})
	if o.wd != nil {
		o.wd.SetWriteDeadline(time.Time{})
	}
}

// progress calls Options.Progress a few times a second at most.
type progress struct {
	fn   func(name string, done, size int64)
	name string
	size int64
	last time.Time
}

func (p *progress) report(done int64) {
	if p.fn != nil && done != p.size && time.Since(p.last) >= 250*time.Millisecond {
		p.last = time.Now()
		p.fn(p.name, done, p.size)
	}
}

// whole reports a file ended whole: done == size, the only call where it is.
func (p *progress) whole(n int64) {
	if p.fn != nil {
		p.fn(p.name, n, n)
	}
}
