package telnet

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// decodeAll decodes the chunks and describes the result as data and
// events, e.g. `"ab" DO(24) SB(31,[0 80 0 24]) "c"`. Data and events are in
// stream order when each chunk holds at most one event.
func decodeAll(d *Decoder, chunks ...[]byte) string {
	var parts []string
	var data []byte
	for _, in := range chunks {
		out := d.Decode(nil, in, func(ev Event) {
			if len(data) > 0 {
				parts = append(parts, fmt.Sprintf("%q", data))
				data = nil
			}
			parts = append(parts, describe(ev))
		})
		data = append(data, out...)
	}
	if len(data) > 0 {
		parts = append(parts, fmt.Sprintf("%q", data))
	}
	return strings.Join(parts, " ")
}

func describe(ev Event) string {
	switch ev.Kind {
	case EventCommand:
		return CommandName(ev.Cmd)
	case EventOption:
		return fmt.Sprintf("%s(%d)", CommandName(ev.Cmd), ev.Opt)
	case EventSubneg:
		return fmt.Sprintf("SB(%d,%v)", ev.Opt, ev.Data)
	case EventSubnegOverflow:
		return fmt.Sprintf("OVERFLOW(%d)", ev.Opt)
	}
	return "?"
}

// eventsAndData decodes in byte by byte so that data and events come out
// in exact stream order.
func eventsAndData(max int, in []byte) string {
	d := NewDecoder(max)
	chunks := make([][]byte, len(in))
	for i := range in {
		chunks[i] = in[i : i+1]
	}
	return decodeAll(d, chunks...)
}

func TestDecoder(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", []byte("hello"), `"hello"`},
		{"IAC IAC is data 255", []byte{'a', IAC, IAC, 'b'}, `"a\xffb"`},
		{"option", []byte{IAC, DO, OptTTYPE}, `DO(24)`},
		{"all option verbs", []byte{IAC, WILL, 1, IAC, WONT, 2, IAC, DO, 3, IAC, DONT, 4}, `WILL(1) WONT(2) DO(3) DONT(4)`},
		{"commands", []byte{IAC, NOP, IAC, AYT, IAC, GA, IAC, IP, IAC, EOR}, `NOP AYT GA IP EOR`},
		{"subneg", []byte{IAC, SB, OptNAWS, 0, 100, 0, 30, IAC, SE}, `SB(31,[0 100 0 30])`},
		{"subneg with IAC IAC", []byte{IAC, SB, OptNAWS, 0, IAC, IAC, 0, 30, IAC, SE}, `SB(31,[0 255 0 30])`},
		{"data around subneg", []byte{'x', IAC, SB, OptTTYPE, 0, 'v', 't', IAC, SE, 'y'}, `"x" SB(24,[0 118 116]) "y"`},
		{"SE without SB ignored", []byte{'a', IAC, SE, 'b'}, `"ab"`},
		{"unknown command ignored", []byte{'a', IAC, 7, 'b', IAC, 200, 'c'}, `"abc"`},
		{"CR NUL is CR", []byte("a\r\x00b"), `"a\rb"`},
		{"CR LF is CR", []byte("a\r\nb"), `"a\rb"`},
		{"CR CR LF", []byte("\r\r\n"), `"\r\r"`},
		{"lone LF kept", []byte("a\nb"), `"a\nb"`},
		{"NUL alone kept", []byte("a\x00b"), `"a\x00b"`},
		{"command inside subneg ends it", []byte{IAC, SB, OptTTYPE, 0, 'x', IAC, WILL, OptNAWS, 'z'}, `WILL(31) "z"`},
		{"SB without option", []byte{IAC, SB, IAC, SE, 'a'}, `"a"`},
		{"empty subneg", []byte{IAC, SB, OptNAWS, IAC, SE}, `SB(31,[])`},
		{"high bytes are data", []byte{0xc3, 0xa9, 0x80}, `"é\x80"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eventsAndData(0, tt.in); got != tt.want {
				t.Errorf("Decode(% x) = %s; want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestDecoderSplit checks that splitting the input at every position gives
// the same data and events as decoding it whole.
func TestDecoderSplit(t *testing.T) {
	in := []byte{'a', '\r', '\n', IAC, IAC, IAC, WILL, OptNAWS, IAC, SB, OptNAWS, 0, IAC, IAC, 0, 30,
		IAC, SE, 'b', '\r', 0, IAC, NOP, 'c', IAC, SB, OptNewEnviron, 0, 0, 'U', 1, 'v', IAC, SE}
	var wantData []byte
	var wantEv []string
	wantData = NewDecoder(0).Decode(nil, in, func(ev Event) { wantEv = append(wantEv, describe(ev)) })
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			d := NewDecoder(0)
			var data []byte
			var ev []string
			for _, part := range [][]byte{in[:i], in[i:j], in[j:]} {
				data = d.Decode(data, part, func(e Event) { ev = append(ev, describe(e)) })
			}
			if !bytes.Equal(data, wantData) || fmt.Sprint(ev) != fmt.Sprint(wantEv) {
				t.Fatalf("split at %d,%d: data %q events %v; want %q %v", i, j, data, ev, wantData, wantEv)
			}
		}
	}
}

func TestDecoderInPlace(t *testing.T) {
	in := []byte{'a', IAC, IAC, 'b', IAC, DO, 1, 'c', '\r', '\n', 'd'}
	buf := append([]byte(nil), in...)
	got := NewDecoder(0).Decode(buf[:0], buf, func(Event) {})
	if want := "a\xffbc\rd"; string(got) != want {
		t.Errorf("Decode in place = %q; want %q", got, want)
	}
}

func TestDecoderOverflow(t *testing.T) {
	const max = 8
	in := []byte{IAC, SB, OptNewEnviron}
	in = append(in, bytes.Repeat([]byte{'x'}, 100)...)
	in = append(in, IAC, IAC) // escaped IAC while skipping
	in = append(in, IAC, SE, 'o', 'k', IAC, SB, OptNAWS, 0, 80, 0, 24, IAC, SE)
	got := eventsAndData(max, in)
	want := `OVERFLOW(39) "ok" SB(31,[0 80 0 24])`
	if got != want {
		t.Errorf("Decode(overflow) = %s; want %s", got, want)
	}
	// Exactly at the limit is kept.
	in = []byte{IAC, SB, OptTTYPE, 1, 2, 3, 4, 5, 6, 7, 8, IAC, SE}
	if got, want := eventsAndData(max, in), `SB(24,[1 2 3 4 5 6 7 8])`; got != want {
		t.Errorf("Decode(at limit) = %s; want %s", got, want)
	}
}

// TestDecoderEndlessSubneg feeds a subnegotiation that never ends and
// checks that the decoder's memory stays at the limit.
func TestDecoderEndlessSubneg(t *testing.T) {
	d := NewDecoder(1024)
	d.Decode(nil, []byte{IAC, SB, OptTTYPE}, func(Event) {})
	chunk := bytes.Repeat([]byte{'z'}, 64<<10)
	overflows := 0
	for range 64 { // 4 MiB
		d.Decode(nil, chunk, func(ev Event) {
			if ev.Kind == EventSubnegOverflow {
				overflows++
			}
		})
	}
	if cap(d.sb) > 1024+sbKeep*2 {
		t.Errorf("subnegotiation buffer grew to %d bytes; limit 1024", cap(d.sb))
	}
	if overflows != 1 {
		t.Errorf("overflow reported %d times; want 1", overflows)
	}
}

func TestEncoder(t *testing.T) {
	tests := []struct {
		name   string
		nvt    bool
		chunks []string
		want   string
	}{
		{"plain", true, []string{"abc"}, "abc"},
		{"IAC doubled", true, []string{"a\xffb"}, "a\xff\xffb"},
		{"LF becomes CR LF", true, []string{"a\nb\n"}, "a\r\nb\r\n"},
		{"CR LF kept", true, []string{"a\r\nb"}, "a\r\nb"},
		{"CR LF split across writes", true, []string{"a\r", "\nb"}, "a\r\nb"},
		{"lone CR kept", true, []string{"a\rb"}, "a\rb"},
		{"no NVT leaves LF", false, []string{"a\nb\xff"}, "a\nb\xff\xff"},
		{"IAC then LF", true, []string{"\xff\n"}, "\xff\xff\r\n"},
		{"empty writes", true, []string{"", "\r", "", "\n"}, "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Encoder{NVT: tt.nvt}
			var got []byte
			for _, c := range tt.chunks {
				got = e.Append(got, []byte(c))
			}
			if string(got) != tt.want {
				t.Errorf("Append(%q) = %q; want %q", tt.chunks, got, tt.want)
			}
		})
	}
}

func BenchmarkDecodePlain(b *testing.B) {
	in := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog.\r\n"), 1400)
	benchmarkDecode(b, in)
}

func BenchmarkDecodeIACDense(b *testing.B) {
	var in []byte
	for len(in) < 64<<10 {
		in = append(in, 'a', IAC, IAC, IAC, NOP, IAC, SB, OptNAWS, 0, 80, 0, 24, IAC, SE, IAC, DO, OptEcho, '\r', 0)
	}
	benchmarkDecode(b, in)
}

// BenchmarkDecodeBinary is a binary upload (a file with many 0xFF bytes,
// e.g. an image) as an RFC 854 sender puts it on the wire: IAC doubled, CR
// followed by NUL.
func BenchmarkDecodeBinary(b *testing.B) {
	var in []byte
	x := uint32(1)
	for len(in) < 64<<10 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		switch c := byte(x); {
		case c < 32: // one byte in eight is IAC
			in = append(in, IAC, IAC)
		case c < 40:
			in = append(in, '\r', 0)
		case c < 48:
			in = append(in, '\r', '\n')
		default:
			in = append(in, byte(x>>8))
		}
	}
	benchmarkDecode(b, in)
}

// BenchmarkDecodeSession is interactive traffic with commands between short
// lines: a window being resized (NAWS, with a doubled IAC in a 255-column
// width), terminal type and NEW-ENVIRON replies, option answers and AYT.
func BenchmarkDecodeSession(b *testing.B) {
	var in []byte
	for n := 0; len(in) < 64<<10; n++ {
		in = append(in, "ls -l\r\n"...)
		in = append(in, IAC, SB, OptNAWS, 0, IAC, IAC, 0, byte(24+n%8), IAC, SE)
		in = append(in, "cd ..\r\x00"...)
		in = append(in, IAC, WILL, OptTTYPE, IAC, DO, OptSGA, IAC, SB, OptTTYPE, sbIS)
		in = append(in, "XTERM-256COLOR"...)
		in = append(in, IAC, SE, 'q', IAC, SB, OptNewEnviron, sbIS, envVAR)
		in = append(in, "USER"...)
		in = append(in, envVALUE)
		in = append(in, "guest"...)
		in = append(in, IAC, SE, IAC, AYT, IAC, DONT, OptEcho)
	}
	benchmarkDecode(b, in)
}

func benchmarkDecode(b *testing.B, in []byte) {
	d := NewDecoder(0)
	out := make([]byte, 0, len(in))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = d.Decode(out[:0], in, func(Event) {})
	}
}

func BenchmarkEncode(b *testing.B) {
	in := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog.\n\xff"), 1400)
	e := Encoder{NVT: true}
	out := make([]byte, 0, 2*len(in))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out = e.Append(out[:0], in)
	}
}

// TestDecoderBinary: with Binary set, CR NUL and CR LF pass as they are
// (a file transfer's bytes); IAC IAC is still one 255.
func TestDecoderBinary(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"CR NUL", []byte("a\r\x00b"), []byte("a\r\x00b")},
		{"CR LF", []byte("a\r\nb"), []byte("a\r\nb")},
		{"IAC IAC", []byte{'a', IAC, IAC, '\r', 0}, []byte{'a', 0xff, '\r', 0}},
		{"command taken out", []byte{'\r', IAC, NOP, 0, '\n'}, []byte{'\r', 0, '\n'}},
		{"every byte", allBytesDoubled(), allBytes()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(0)
			d.Binary = true
			got := d.Decode(nil, tt.in, func(Event) {})
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Decode(% x) = % x; want % x", tt.in, got, tt.want)
			}
		})
	}
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func allBytesDoubled() []byte {
	var b []byte
	for i := range 256 {
		b = append(b, byte(i))
		if byte(i) == IAC {
			b = append(b, IAC)
		}
	}
	return b
}
