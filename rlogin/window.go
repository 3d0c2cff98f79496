package rlogin

import "bytes"

// Control bytes a server sends as TCP urgent data (RFC 1282, "Control").
const (
	// ControlFlush asks the client to discard the output it has received
	// but not yet shown, up to the urgent mark.
	ControlFlush byte = 0x02
	// ControlRaw asks the client to stop handling ^S and ^Q itself and
	// pass them on as data.
	ControlRaw byte = 0x10
	// ControlCooked asks the client to handle ^S and ^Q itself again.
	ControlCooked byte = 0x20
	// ControlWindow (TIOCPKT_WINDOW) asks the client for its window size,
	// which it then sends as a window message now and on every change.
	ControlWindow byte = 0x80
)

// WindowMessageLen is the length of a window message: the magic bytes
// FF FF 73 73 followed by rows, columns, width and height in pixels, each
// a big-endian uint16.
const WindowMessageLen = 12

// maxHeld is the most a WindowScanner holds between calls: a message
// less its last byte.
const maxHeld = WindowMessageLen - 1

// windowMagic starts every window message ("\xff\xffss").
const windowMagic = "\xff\xff\x73\x73"

// AppendWindowSize appends the window message a client sends for a
// window of cols by rows characters and xpix by ypix pixels (0 when
// unknown). Values are truncated to 16 bits; note that the message puts
// rows before columns.
func AppendWindowSize(b []byte, cols, rows, xpix, ypix int) []byte {
	b = append(b, windowMagic...)
	for _, v := range [4]int{rows, cols, xpix, ypix} {
		b = append(b, byte(v>>8), byte(v))
	}
	return b
}

// WindowScanner removes window messages from the data an rlogin client
// sends. It keeps state between calls, so a message may be split across
// reads at any byte. Bytes that only look like the start of a message
// (FF, FF FF, FF FF 73 followed by something else) are data and come out
// in order. The protocol has no escape: data that contains FF FF 73 73 is
// taken as a window message, as every rlogin server does. At the end of
// the stream, Flush gives back what is held.
//
// The zero value is ready to use. A WindowScanner belongs to one
// goroutine.
type WindowScanner struct {
	n   int     // bytes of the current candidate message seen, 0..maxHeld
	pay [8]byte // its payload bytes seen so far (valid for n > 4)
}

// Held returns how many bytes the scanner holds: the start of a window
// message that the next call may complete. It is at most 11. Those bytes
// come out of a later Scan as data if the message turns out not to be
// one, so Scan may return up to Held() more bytes than it was given.
func (w *WindowScanner) Held() int { return w.n }

// Flush appends the bytes the scanner holds to out as data, and forgets
// them: at the end of the stream, the start of a message that never came
// is not a message. It returns the extended slice.
func (w *WindowScanner) Flush(out []byte) []byte {
	if w.n == 0 {
		return out
	}
	out = append(out, windowMagic[:min(w.n, len(windowMagic))]...)
	if w.n > len(windowMagic) {
		out = append(out, w.pay[:w.n-len(windowMagic)]...)
	}
	w.n = 0
	return out
}

// Scan appends the data in in to out, without window messages, and
// returns the extended slice. For each complete message it calls fn (if
// non-nil) with the values as sent; zero means the client does not know
// that dimension.
//
// out may be in[:0], to scan a buffer in place: Scan never writes over
// bytes of in it has not read yet. The result is at most Held() (as it was
// before the call) bytes longer than in, so for in-place use in's
// capacity should leave that much room, or append will move the result
// to a new array. Scan allocates only when out needs to grow.
func (w *WindowScanner) Scan(out, in []byte, fn func(cols, rows, xpix, ypix int)) []byte {
	base := len(out)
	// owed holds bytes released as data that cannot be written yet: in
	// place, out[base+j] is in[j], which must be read before it is
	// overwritten. Only bytes held from an earlier call put out ahead of
	// in, and at most 3 of them are released (a complete magic commits to
	// a message), so owed never holds more than 4 bytes.
	var owed [2 * len(windowMagic)]byte
	nowed := 0
	emit := func(b byte, read int) {
		if nowed == 0 && len(out)-base < read {
			out = append(out, b)
			return
		}
		owed[nowed] = b
		nowed++
	}
	i := 0
	for i < len(in) {
		if w.n == 0 && nowed == 0 {
			// Fast path: plain data up to the next FF.
			k := bytes.IndexByte(in[i:], 0xFF)
			if k < 0 {
				return append(out, in[i:]...)
			}
			out = append(out, in[i:i+k]...)
			i += k
		}
		b := in[i]
		i++
		switch {
		case w.n >= len(windowMagic):
			w.pay[w.n-len(windowMagic)] = b
			w.n++
			if w.n == WindowMessageLen {
				w.n = 0
				if fn != nil {
					p := &w.pay
					fn(int(p[2])<<8|int(p[3]), int(p[0])<<8|int(p[1]), int(p[4])<<8|int(p[5]), int(p[6])<<8|int(p[7]))
				}
			}
		case b == windowMagic[w.n]:
			w.n++
		case b == 0xFF:
			// FF FF FF or FF FF 73 FF: the last FF may start a message, so
			// keep the longest tail that is a start of the magic.
			keep := 1
			if w.n == 2 {
				keep = 2
			}
			for _, c := range []byte(windowMagic[:w.n+1-keep]) {
				emit(c, i)
			}
			w.n = keep
		default:
			for _, c := range []byte(windowMagic[:w.n]) {
				emit(c, i)
			}
			w.n = 0
			emit(b, i)
		}
		for nowed > 0 && len(out)-base < i {
			out = append(out, owed[0])
			copy(owed[:], owed[1:nowed])
			nowed--
		}
	}
	return append(out, owed[:nowed]...)
}
