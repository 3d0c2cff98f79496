package telnet

import (
	"bytes"
	"fmt"
	"testing"
)

// refDecoder reads the decoding rules one byte at a time with no fast
// paths, for FuzzDecoderChunks to compare Decoder against. An overflowed
// subnegotiation is a flag here rather than states of its own.
type refDecoder struct {
	state    decodeState
	cmd, opt byte
	cr, over bool
	sb       []byte
	sbMax    int
	max      int
	limit    func(opt byte) int

	data   []byte
	events []string
}

func (r *refDecoder) event(ev Event) { r.events = append(r.events, describe(ev)) }

func (r *refDecoder) byte(b byte) {
	switch r.state {
	case stData:
		switch {
		case b == IAC:
			r.cr = false
			r.state = stIAC
		case r.cr && (b == 0 || b == '\n'):
			r.cr = false
		default:
			r.data = append(r.data, b)
			r.cr = b == '\r'
		}
	case stIAC:
		r.state = stData
		r.command(b)
	case stOpt:
		r.state = stData
		r.event(Event{Kind: EventOption, Cmd: r.cmd, Opt: b})
	case stSBOpt:
		if b == IAC {
			r.state = stIAC
			return
		}
		r.opt, r.sb, r.over, r.state = b, nil, false, stSB
		r.sbMax = r.max
		if r.limit != nil {
			r.sbMax = max(min(r.limit(b), r.max), 0)
		}
	case stSB:
		if b == IAC {
			r.state = stSBIAC
			return
		}
		r.payload(b)
	case stSBIAC:
		switch b {
		case IAC:
			r.state = stSB
			r.payload(IAC)
		case SE:
			r.state = stData
			if !r.over {
				r.event(Event{Kind: EventSubneg, Opt: r.opt, Data: r.sb})
			}
		default:
			r.state = stData
			r.command(b)
		}
	}
}

func (r *refDecoder) payload(b byte) {
	switch {
	case r.over:
	case len(r.sb) == r.sbMax:
		r.over = true
		r.event(Event{Kind: EventSubnegOverflow, Opt: r.opt})
	default:
		r.sb = append(r.sb, b)
	}
}

func (r *refDecoder) command(b byte) {
	switch {
	case b == IAC:
		r.data = append(r.data, IAC)
	case b >= WILL:
		r.cmd = b
		r.state = stOpt
	case b == SB:
		r.state = stSBOpt
	case b >= EOF && b != SE:
		r.event(Event{Kind: EventCommand, Cmd: b})
	}
}

// FuzzDecoderChunks feeds Decoder the input in chunks of fuzzed sizes,
// decoded in place, and checks each chunk's data and events against
// refDecoder. Payload limits per option and a general limit past the
// byte-by-byte scans of the decoder's fast paths reach every path.
func FuzzDecoderChunks(f *testing.F) {
	f.Add([]byte{'a', IAC, IAC, IAC, NOP, IAC, SB, OptNAWS, 0, 80, 0, 24, IAC, SE, IAC, DO, OptEcho, '\r', 0}, []byte{3, 7})
	f.Add([]byte("a line of text that is longer than sixteen bytes\r\n\r\x00\r\r\n"), []byte{20, 1, 0, 17})
	f.Add([]byte("\xff\xfa\x27\x00\x00USER\x01a value longer than the limit\xff\xff!\xff\xf0ok\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0"), []byte{5, 30, 2})
	f.Add([]byte("\xff\xfa\x18\x00xterm\xff\xfb\x01\xff\xfa\xff\xff\xff\xfa"), []byte{1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, in, cuts []byte) {
		const limitAll = 40
		limit := func(opt byte) int {
			if opt%4 == 0 {
				return 1 << 30
			}
			return int(opt%32) - 4
		}
		d := NewDecoder(limitAll)
		d.Limit = limit
		ref := &refDecoder{max: limitAll, limit: limit}
		for len(in) > 0 {
			n := len(in)
			if len(cuts) > 0 {
				n, cuts = min(n, int(cuts[0]%48)), cuts[1:]
			}
			chunk := in[:n]
			in = in[n:]

			buf := append([]byte(nil), chunk...)
			var events []string
			data := d.Decode(buf[:0], buf, func(ev Event) {
				if ev.Kind == EventSubneg && len(ev.Data) > max(min(limit(ev.Opt), limitAll), 0) {
					t.Fatalf("subnegotiation of option %d with %d bytes", ev.Opt, len(ev.Data))
				}
				events = append(events, describe(ev))
			})
			ref.data, ref.events = ref.data[:0], nil
			for _, b := range chunk {
				ref.byte(b)
			}
			if !bytes.Equal(data, ref.data) || fmt.Sprint(events) != fmt.Sprint(ref.events) {
				t.Fatalf("chunk % x: %q %v; reference %q %v", chunk, data, events, ref.data, ref.events)
			}
		}
	})
}
