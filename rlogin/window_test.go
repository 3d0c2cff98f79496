package rlogin

import (
	"bytes"
	"fmt"
	"testing"
)

type winMsg struct{ cols, rows, xpix, ypix int }

// scanAll scans the parts of an input one after the other with one
// scanner and returns the data, the messages and what is held at the end.
func scanAll(parts ...[]byte) ([]byte, []winMsg, int) {
	var w WindowScanner
	var msgs []winMsg
	fn := func(c, r, x, y int) { msgs = append(msgs, winMsg{c, r, x, y}) }
	var out []byte
	for _, p := range parts {
		out = w.Scan(out, p, fn)
	}
	return out, msgs, w.Held()
}

// scanInPlace scans each part in place, in a copy with room to spare, and
// joins the results.
func scanInPlace(parts ...[]byte) ([]byte, []winMsg) {
	var w WindowScanner
	var msgs []winMsg
	fn := func(c, r, x, y int) { msgs = append(msgs, winMsg{c, r, x, y}) }
	var out []byte
	for _, p := range parts {
		buf := make([]byte, len(p), len(p)+maxHeld)
		copy(buf, p)
		out = append(out, w.Scan(buf[:0], buf, fn)...)
	}
	return out, msgs
}

// refScan is an independent reading of the rules over a whole input: a
// message starts wherever the magic does; a tail that could still become
// a message is held.
func refScan(in []byte) (data []byte, msgs []winMsg, held int) {
	u16 := func(b []byte) int { return int(b[0])<<8 | int(b[1]) }
	for i := 0; i < len(in); {
		rest := in[i:]
		if len(rest) < WindowMessageLen && bytes.HasPrefix([]byte(windowMagic), rest[:min(len(rest), len(windowMagic))]) {
			return data, msgs, len(rest)
		}
		if bytes.HasPrefix(rest, []byte(windowMagic)) {
			msgs = append(msgs, winMsg{u16(rest[6:]), u16(rest[4:]), u16(rest[8:]), u16(rest[10:])})
			i += WindowMessageLen
			continue
		}
		data = append(data, in[i])
		i++
	}
	return data, msgs, 0
}

var (
	// Captured from netkit rlogin 0.17: 30 rows, 100 columns, 1600x960
	// pixels, then a resize to 40 rows, 120 columns, 1920x1280.
	netkitWindow = []byte{0xFF, 0xFF, 0x73, 0x73, 0x00, 0x1E, 0x00, 0x64, 0x06, 0x40, 0x03, 0xC0}
	netkitResize = []byte{0xFF, 0xFF, 0x73, 0x73, 0x00, 0x28, 0x00, 0x78, 0x07, 0x80, 0x05, 0x00}
	// plink 0.78 sends no pixel sizes.
	plinkWindow = []byte{0xFF, 0xFF, 0x73, 0x73, 0x00, 0x1E, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00}
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

var windowTests = []struct {
	name string
	in   []byte
	data []byte
	msgs []winMsg
	held int
}{
	{"netkit window", netkitWindow, nil, []winMsg{{100, 30, 1600, 960}}, 0},
	{"netkit resize", netkitResize, nil, []winMsg{{120, 40, 1920, 1280}}, 0},
	{"plink window", plinkWindow, nil, []winMsg{{100, 30, 0, 0}}, 0},
	{"plain data", []byte("ab\r"), []byte("ab\r"), nil, 0},
	{"between data", cat([]byte("ab"), netkitWindow, []byte("c\r")), []byte("abc\r"), []winMsg{{100, 30, 1600, 960}}, 0},
	{"two in one read", cat(netkitWindow, netkitResize), nil, []winMsg{{100, 30, 1600, 960}, {120, 40, 1920, 1280}}, 0},
	{"two with data", cat([]byte("x"), netkitWindow, []byte("y"), netkitResize, []byte("z")), []byte("xyz"),
		[]winMsg{{100, 30, 1600, 960}, {120, 40, 1920, 1280}}, 0},
	{"zero size", []byte{0xFF, 0xFF, 0x73, 0x73, 0, 0, 0, 0, 0, 0, 0, 0}, nil, []winMsg{{0, 0, 0, 0}}, 0},
	{"payload of FFs", []byte{0xFF, 0xFF, 0x73, 0x73, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 'a'}, []byte("a"),
		[]winMsg{{65535, 65535, 65535, 65535}}, 0},
	{"payload holding the magic", cat([]byte{0xFF, 0xFF, 0x73, 0x73}, []byte(windowMagic), []byte(windowMagic), []byte("a")),
		[]byte("a"), []winMsg{{0x7373, 0xFFFF, 0xFFFF, 0x7373}}, 0},
	{"look-alike FF FF 73 41", []byte{0xFF, 0xFF, 0x73, 0x41, 'b'}, []byte{0xFF, 0xFF, 0x73, 0x41, 'b'}, nil, 0},
	{"look-alike FF FF 41", []byte{0xFF, 0xFF, 0x41}, []byte{0xFF, 0xFF, 0x41}, nil, 0},
	{"look-alike FF 73 73", []byte{0xFF, 0x73, 0x73, 0, 0, 0, 0, 0, 0, 0, 0}, []byte{0xFF, 0x73, 0x73, 0, 0, 0, 0, 0, 0, 0, 0}, nil, 0},
	{"literal FF FF in data", []byte("a\xff\xffb"), []byte("a\xff\xffb"), nil, 0},
	{"FF run before a message", cat([]byte{0xFF, 0xFF, 0xFF}, netkitWindow), []byte{0xFF, 0xFF, 0xFF}, []winMsg{{100, 30, 1600, 960}}, 0},
	{"FF FF 73 then a message", cat([]byte{0xFF, 0xFF, 0x73}, netkitWindow), []byte{0xFF, 0xFF, 0x73}, []winMsg{{100, 30, 1600, 960}}, 0},
	{"FF FF 73 FF FF 73 73", cat([]byte{0xFF, 0xFF, 0x73}, netkitResize, []byte("q")), []byte{0xFF, 0xFF, 0x73, 'q'},
		[]winMsg{{120, 40, 1920, 1280}}, 0},
	{"lone FF held", []byte("ab\xff"), []byte("ab"), nil, 1},
	{"FF FF held", []byte("\xff\xff"), nil, nil, 2},
	{"FF FF FF holds two", []byte("\xff\xff\xff"), []byte("\xff"), nil, 2},
	{"magic held", []byte(windowMagic), nil, nil, 4},
	{"all but the last byte held", netkitWindow[:11], nil, nil, 11},
}

func TestWindowScanner(t *testing.T) {
	for _, tt := range windowTests {
		t.Run(tt.name, func(t *testing.T) {
			data, msgs, held := scanAll(tt.in)
			if !bytes.Equal(data, tt.data) || fmt.Sprint(msgs) != fmt.Sprint(tt.msgs) || held != tt.held {
				t.Errorf("Scan(% x) = % x, %v, held %d; want % x, %v, held %d", tt.in, data, msgs, held, tt.data, tt.msgs, tt.held)
			}
			rdata, rmsgs, rheld := refScan(tt.in)
			if !bytes.Equal(data, rdata) || fmt.Sprint(msgs) != fmt.Sprint(rmsgs) || held != rheld {
				t.Errorf("Scan(% x) = % x, %v, held %d; reference % x, %v, held %d", tt.in, data, msgs, held, rdata, rmsgs, rheld)
			}
		})
	}
}

// TestWindowScannerSplit splits every vector at every position, and at
// every pair of positions, and scans the parts in turn, copied and in
// place: the result must not change.
func TestWindowScannerSplit(t *testing.T) {
	for _, tt := range windowTests {
		t.Run(tt.name, func(t *testing.T) {
			in := cat(tt.in, []byte("end")) // flush what the vector holds
			want, wantMsgs, _ := scanAll(in)
			for i := 0; i <= len(in); i++ {
				for j := i; j <= len(in); j++ {
					parts := [][]byte{in[:i], in[i:j], in[j:]}
					got, msgs, _ := scanAll(parts...)
					if !bytes.Equal(got, want) || fmt.Sprint(msgs) != fmt.Sprint(wantMsgs) {
						t.Fatalf("Scan of % x split at %d, %d = % x, %v; want % x, %v", in, i, j, got, msgs, want, wantMsgs)
					}
					got, msgs = scanInPlace(parts...)
					if !bytes.Equal(got, want) || fmt.Sprint(msgs) != fmt.Sprint(wantMsgs) {
						t.Fatalf("Scan in place of % x split at %d, %d = % x, %v; want % x, %v", in, i, j, got, msgs, want, wantMsgs)
					}
				}
			}
			// One byte at a time.
			var parts [][]byte
			for i := range in {
				parts = append(parts, in[i:i+1])
			}
			if got, msgs, _ := scanAll(parts...); !bytes.Equal(got, want) || fmt.Sprint(msgs) != fmt.Sprint(wantMsgs) {
				t.Fatalf("Scan of % x a byte at a time = % x, %v; want % x, %v", in, got, msgs, want, wantMsgs)
			}
		})
	}
}

// TestWindowScannerHeldComesBack checks that bytes held at the end of one
// read come out first in the next, in place, when they are not a message.
func TestWindowScannerHeldComesBack(t *testing.T) {
	tests := []struct {
		name   string
		first  []byte
		second []byte
		want   []byte
	}{
		{"lone FF", []byte("a\xff"), []byte("b"), []byte("a\xffb")},
		{"FF FF 73 then 41", []byte("\xff\xff\x73"), []byte("\x41cd"), []byte("\xff\xff\x73\x41cd")},
		{"FF FF 73 then FF", []byte("\xff\xff\x73"), []byte("\xffx"), []byte("\xff\xff\x73\xffx")},
		{"FF FF then 1 byte", []byte("\xff\xff"), []byte("z"), []byte("\xff\xffz")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w WindowScanner
			buf := make([]byte, len(tt.first), 64)
			copy(buf, tt.first)
			got := append([]byte(nil), w.Scan(buf[:0], buf, nil)...)
			buf = buf[:len(tt.second)]
			copy(buf, tt.second)
			got = append(got, w.Scan(buf[:0], buf, nil)...)
			if !bytes.Equal(got, tt.want) || w.Held() != 0 {
				t.Errorf("Scan(% x) then Scan(% x) = % x, held %d; want % x, held 0", tt.first, tt.second, got, w.Held(), tt.want)
			}
		})
	}
}

func TestAppendWindowSize(t *testing.T) {
	tests := []struct {
		cols, rows, xpix, ypix int
		want                   []byte
	}{
		{100, 30, 1600, 960, netkitWindow},
		{120, 40, 1920, 1280, netkitResize},
		{100, 30, 0, 0, plinkWindow},
	}
	for _, tt := range tests {
		if got := AppendWindowSize(nil, tt.cols, tt.rows, tt.xpix, tt.ypix); !bytes.Equal(got, tt.want) {
			t.Errorf("AppendWindowSize(%d, %d, %d, %d) = % x; want % x", tt.cols, tt.rows, tt.xpix, tt.ypix, got, tt.want)
		}
	}
}

func TestWindowScannerAllocs(t *testing.T) {
	in := cat([]byte("hello"), netkitWindow, []byte("world\xff\xff\x73"))
	out := make([]byte, 0, 64)
	var w WindowScanner
	fn := func(int, int, int, int) {}
	if n := testing.AllocsPerRun(100, func() { out = w.Scan(out[:0], in, fn) }); n != 0 {
		t.Errorf("Scan allocates %v times per call; want 0", n)
	}
}

func TestWindowScannerFlush(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"nothing held", []byte("ab"), []byte("ab")},
		{"lone FF", []byte("ab\xff"), []byte("ab\xff")},
		{"FF FF 73", []byte("\xff\xff\x73"), []byte("\xff\xff\x73")},
		{"cut message", netkitWindow[:7], netkitWindow[:7]},
		{"all but the last byte", cat([]byte("x"), netkitWindow[:11]), cat([]byte("x"), netkitWindow[:11])},
		{"whole message", netkitWindow, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w WindowScanner
			got := w.Flush(w.Scan(nil, tt.in, nil))
			if !bytes.Equal(got, tt.want) || w.Held() != 0 {
				t.Errorf("Flush(Scan(% x)) = % x, held %d; want % x, held 0", tt.in, got, w.Held(), tt.want)
			}
			// The scanner starts afresh.
			if got := w.Scan(nil, netkitWindow[1:], nil); !bytes.Equal(got, netkitWindow[1:]) {
				t.Errorf("Scan after Flush = % x; want % x", got, netkitWindow[1:])
			}
		})
	}
}
