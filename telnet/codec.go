package telnet

import (
	"bytes"
	"slices"
)

// DefaultMaxSubneg is the longest subnegotiation payload kept by default;
// x/84 allowed the same, room enough for a large NEW-ENVIRON reply.
const DefaultMaxSubneg = 65534

// EventKind tells what a decoded Event carries.
type EventKind uint8

// The kinds of events a Decoder reports.
const (
	// EventCommand is a two-byte command such as NOP, AYT, IP or GA.
	EventCommand EventKind = iota + 1
	// EventOption is WILL, WONT, DO or DONT with its option.
	EventOption
	// EventSubneg is a complete subnegotiation; Data holds its payload.
	EventSubneg
	// EventSubnegOverflow reports, once, that a subnegotiation grew past
	// the limit; the rest of it up to IAC SE is discarded.
	EventSubnegOverflow
)

// Event is a telnet command found in the byte stream.
type Event struct {
	Kind EventKind
	Cmd  byte // the command byte, for EventCommand and EventOption
	Opt  byte // the option, for EventOption and the subnegotiation events
	// Data is the payload of EventSubneg with IAC IAC undone. It is valid
	// only until the callback returns.
	Data []byte
}

type decodeState uint8

const (
	stData   decodeState = iota
	stIAC                // after IAC
	stOpt                // after IAC WILL/WONT/DO/DONT
	stSBOpt              // after IAC SB
	stSB                 // inside a subnegotiation
	stSBIAC              // IAC inside a subnegotiation
	stSBSkip             // inside a subnegotiation that overflowed
	stSBSkipIAC
)

// sbKeep is the buffer capacity kept between subnegotiations; a larger one
// (a long NEW-ENVIRON reply) is released so idle sessions stay small.
const sbKeep = 512

// A Decoder splits a telnet byte stream into data and commands. It keeps
// its state between calls, so commands may be split across reads at any
// byte. For input it also turns CR NUL and CR LF into a lone CR, the NVT
// end-of-line rule of RFC 854. The zero value is not ready for use; call
// NewDecoder.
type Decoder struct {
	state decodeState
	cmd   byte
	sbOpt byte
	sb    []byte
	sbMax int // limit of the subnegotiation in progress
	max   int
	cr    bool // the last data byte was CR

	// Binary turns the CR NUL / CR LF rule off: data passes as sent, for
	// a client that agreed to BINARY (RFC 856) while a file transfer
	// needs every byte.
	Binary bool

	// Limit, if non-nil, returns the longest payload kept for a
	// subnegotiation of an option, so that options with small fixed
	// payloads (NAWS) cannot be used to make the decoder hold the general
	// limit. It is capped by the Decoder's own limit.
	Limit func(opt byte) int
}

// NewDecoder returns a Decoder that keeps subnegotiations of at most
// maxSubneg bytes (DefaultMaxSubneg when maxSubneg <= 0).
func NewDecoder(maxSubneg int) *Decoder {
	if maxSubneg <= 0 {
		maxSubneg = DefaultMaxSubneg
	}
	return &Decoder{max: maxSubneg}
}

// Decode parses in, appends its data bytes to out and returns the extended
// slice. It calls fn for every command, in stream order. out may share its
// backing array with in, so a buffer can be decoded in place: data is never
// longer than the input it came from.
func (d *Decoder) Decode(out, in []byte, fn func(Event)) []byte {
	// The data state is decoded here, with commands whole in this input
	// handled at once; a command cut short, or a subnegotiation that needs
	// more than one look, continues in step.
	cr := d.cr
	i := 0
	for i < len(in) {
		if d.state != stData {
			out, i = d.step(out, in, i, fn)
			continue
		}
		if in[i] != IAC {
			if d.Binary {
				out, i = copyBinary(out, in, i)
				cr = false
				continue
			}
			out, i, cr = copyData(out, in, i, cr)
			continue
		}
		// CR NUL and CR LF pair only across plain data.
		cr = false
		if i+1 == len(in) {
			d.state = stIAC
			break
		}
		switch c := in[i+1]; {
		case c == IAC:
			out = append(out, IAC)
			i += 2
		case c >= WILL:
			if i+2 == len(in) {
				d.cmd = c
				d.state = stOpt
				i = len(in)
				break
			}
			fn(Event{Kind: EventOption, Cmd: c, Opt: in[i+2]})
			i += 3
		case c == SB:
			i += 2
			if i == len(in) {
				d.state = stSBOpt
				break
			}
			if in[i] == IAC {
				// IAC SB IAC …: no option byte; give up this
				// subnegotiation and read the IAC anew.
				break
			}
			d.startSB(in[i])
			i++
			if i < len(in) {
				i = d.sbRun(in, i, fn)
			}
		default:
			d.command(c, fn)
			i += 2
		}
	}
	d.cr = cr
	return out
}

// shortRun is how many data bytes copyData takes one at a time before it
// looks for the end of the run with bytes.IndexByte: the runs between
// commands are mostly a few bytes, shorter than that call is worth.
const shortRun = 16

// crRule classes bytes for the CR NUL / CR LF rule: 1 for CR, 2 for the
// bytes dropped after it.
var crRule = [256]uint8{'\r': 1, 0: 2, '\n': 2}

// copyData appends the plain data at in[i:], up to the next IAC, to out
// and returns where it stopped. cr tells whether the data before ended in
// CR, and the result whether the data copied did.
func copyData(out, in []byte, i int, cr bool) ([]byte, int, bool) {
	// Short runs are copied without a branch on CR, which binary data
	// would mispredict: each byte is stored, then kept or not. The store
	// is never past the byte read, so decoding in place stays safe.
	end := min(len(in), i+shortRun)
	out = slices.Grow(out, end-i)
	buf, n := out[:cap(out)], len(out)
	var prev uint8 // 1 after CR
	if cr {
		prev = 1
	}
	for ; i < end && in[i] != IAC; i++ {
		buf[n] = in[i]
		c := crRule[in[i]]
		n += 1 - int(prev&(c>>1))
		prev = c & 1
	}
	out, cr = buf[:n], prev == 1
	if i == len(in) || in[i] == IAC {
		return out, i, cr
	}
	run := in[i:]
	if j := bytes.IndexByte(run, IAC); j >= 0 {
		run = run[:j]
	}
	out, cr = appendData(out, run, cr)
	return out, i + len(run), cr
}

// copyBinary appends the data at in[i:], up to the next IAC, to out as
// it is, and returns where it stopped.
func copyBinary(out, in []byte, i int) ([]byte, int) {
	run := in[i:]
	if j := bytes.IndexByte(run, IAC); j >= 0 {
		run = run[:j]
	}
	return append(out, run...), i + len(run)
}

// appendData appends plain data, applying the CR NUL / CR LF rule; cr
// tells whether the data before run ended in CR, and the result whether
// run did.
func appendData(out, run []byte, cr bool) ([]byte, bool) {
	for len(run) > 0 {
		if cr && (run[0] == 0 || run[0] == '\n') {
			run = run[1:]
		}
		cr = false
		j := bytes.IndexByte(run, '\r')
		if j < 0 {
			return append(out, run...), false
		}
		out = append(out, run[:j+1]...)
		run = run[j+1:]
		cr = true
	}
	return out, cr
}

// step advances a command or subnegotiation from in[i:] and returns where
// it stopped. Payloads and skipped subnegotiations are taken a run at a
// time.
func (d *Decoder) step(out, in []byte, i int, fn func(Event)) ([]byte, int) {
	b := in[i]
	switch d.state {
	case stIAC:
		d.state = stData
		d.command(b, fn)
		if b == IAC {
			out = append(out, IAC)
		}
	case stOpt:
		d.state = stData
		fn(Event{Kind: EventOption, Cmd: d.cmd, Opt: b})
	case stSBOpt:
		if b == IAC {
			// IAC SB IAC …: no option byte; give up this subnegotiation.
			d.state = stIAC
			break
		}
		d.startSB(b)
	case stSB:
		return out, d.sbRun(in, i, fn)
	case stSBIAC:
		switch b {
		case IAC:
			d.state = stSB
			d.sbAppend(in[i:i+1], fn)
		case SE:
			d.endSB(fn)
		default:
			// RFC 855 allows only IAC IAC and IAC SE inside a
			// subnegotiation: drop the broken one, keep the command.
			d.resetSB()
			d.state = stData
			d.command(b, fn)
		}
	case stSBSkip:
		j := bytes.IndexByte(in[i:], IAC)
		if j < 0 {
			return out, len(in)
		}
		d.state = stSBSkipIAC
		i += j
	case stSBSkipIAC:
		switch b {
		case IAC:
			d.state = stSBSkip
		case SE:
			d.state = stData
		default:
			d.state = stData
			d.command(b, fn)
		}
	}
	return out, i + 1
}

// command handles the byte after IAC outside a subnegotiation.
func (d *Decoder) command(b byte, fn func(Event)) {
	switch {
	case b == IAC: // data; the caller appends it
	case b >= WILL:
		d.cmd = b
		d.state = stOpt
	case b == SB:
		d.state = stSBOpt
	case b == SE: // SE without SB: ignored
	case b >= EOF:
		fn(Event{Kind: EventCommand, Cmd: b})
	default: // not a telnet command: ignored
	}
}

// startSB begins a subnegotiation of opt.
func (d *Decoder) startSB(opt byte) {
	d.sbOpt = opt
	d.sb = d.sb[:0]
	d.sbMax = d.max
	if d.Limit != nil {
		d.sbMax = max(min(d.Limit(opt), d.max), 0)
	}
	d.state = stSB
}

// sbRun takes the payload at in[i:] up to the next IAC, and the IAC SE
// that usually follows, and returns where it stopped.
func (d *Decoder) sbRun(in []byte, i int, fn func(Event)) int {
	// Most payloads are short: look for their end byte by byte before
	// calling bytes.IndexByte.
	j := i
	for end := min(len(in), i+shortRun); j < end && in[j] != IAC; j++ {
	}
	if j == i+shortRun {
		if k := bytes.IndexByte(in[j:], IAC); k >= 0 {
			j += k
		} else {
			j = len(in)
		}
	}
	if run := in[i:j]; len(d.sb)+len(run) <= min(cap(d.sb), d.sbMax) {
		d.sb = append(d.sb, run...) // fits: no growth, no overflow
	} else if d.sbAppend(run, fn); d.state != stSB {
		return j // overflowed: skip from that IAC
	}
	switch {
	case j == len(in):
		return j
	case j+1 < len(in) && in[j+1] == SE:
		d.endSB(fn)
		return j + 2
	}
	d.state = stSBIAC
	return j + 1
}

// sbAppend adds run to the payload of the subnegotiation in progress. A
// payload that would pass the limit is reported and the rest of the
// subnegotiation skipped.
func (d *Decoder) sbAppend(run []byte, fn func(Event)) {
	if len(run) > d.sbMax-len(d.sb) {
		fn(Event{Kind: EventSubnegOverflow, Opt: d.sbOpt})
		d.resetSB()
		d.state = stSBSkip
		return
	}
	if n := len(d.sb) + len(run); n > cap(d.sb) {
		// Grow by doubling but never past the limit, so an unfinished
		// subnegotiation holds at most the limit.
		grown := make([]byte, len(d.sb), min(d.sbMax, max(64, 2*cap(d.sb), n)))
		copy(grown, d.sb)
		d.sb = grown
	}
	d.sb = append(d.sb, run...)
}

// endSB reports the subnegotiation in progress, ended by IAC SE.
func (d *Decoder) endSB(fn func(Event)) {
	d.state = stData
	fn(Event{Kind: EventSubneg, Opt: d.sbOpt, Data: d.sb})
	d.resetSB()
}

func (d *Decoder) resetSB() {
	if cap(d.sb) > sbKeep {
		d.sb = nil
	}
	d.sb = d.sb[:0]
}

// An Encoder prepares data for the wire: it doubles IAC and, when NVT is
// set, sends CR LF for a newline. It remembers whether the last byte was CR,
// so that text already ending lines in CR LF is left alone even when a write
// ends between the two.
type Encoder struct {
	// NVT turns a LF that does not follow CR into CR LF.
	NVT    bool
	prevCR bool
}

// Append appends the encoded form of p to dst.
func (e *Encoder) Append(dst, p []byte) []byte {
	if len(p) == 0 {
		return dst
	}
	// Positions of the next LF and IAC, found once each and shifted as p
	// is consumed, so that long runs are scanned only once.
	lf, iac := indexFrom(p, '\n', e.NVT), bytes.IndexByte(p, IAC)
	for lf >= 0 || iac >= 0 {
		j := lf
		if j < 0 || (iac >= 0 && iac < j) {
			j = iac
		}
		dst = append(dst, p[:j]...)
		if p[j] == IAC {
			dst = append(dst, IAC, IAC)
		} else {
			if !(j > 0 && p[j-1] == '\r' || j == 0 && e.prevCR) {
				dst = append(dst, '\r')
			}
			dst = append(dst, '\n')
		}
		e.prevCR = false
		p = p[j+1:]
		lf, iac = shift(p, lf, j, '\n', e.NVT), shift(p, iac, j, IAC, true)
	}
	dst = append(dst, p...)
	if len(p) > 0 {
		e.prevCR = p[len(p)-1] == '\r'
	}
	return dst
}

// indexFrom is bytes.IndexByte, or -1 when the byte is not wanted.
func indexFrom(p []byte, c byte, want bool) int {
	if !want {
		return -1
	}
	return bytes.IndexByte(p, c)
}

// shift moves a found position past the j+1 bytes just consumed, searching
// again when the consumed byte was the one found.
func shift(p []byte, pos, j int, c byte, want bool) int {
	switch {
	case pos < 0:
		return -1
	case pos == j:
		return indexFrom(p, c, want)
	}
	return pos - j - 1
}
