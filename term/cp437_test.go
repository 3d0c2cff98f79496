package term

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// encodeCP437 encodes chunks with one encoder and flushes it.
func encodeCP437(chunks ...[]byte) []byte {
	var e CP437Encoder
	var out []byte
	for _, c := range chunks {
		out = e.Append(out, c)
	}
	return e.Flush(out)
}

var cp437Vectors = []struct {
	name string
	in   string
	want string
}{
	{"ascii", "hello, world", "hello, world"},
	{"ansi survives", "\x1b[1;31mred\x1b[0m\r\n\a\x00\x7f", "\x1b[1;31mred\x1b[0m\r\n\a\x00\x7f"},
	{"latin", "é ü ß ç Ñ ñ Å £ ¥ ½ ¿", "\x82 \x81 \xe1 \x87 \xa5 \xa4 \x8f \x9c \x9d \xab \xa8"},
	{"greek and maths", "α Σ π ∞ ± ≥ ≤ ÷ ≈ ° √ ²", "\xe0 \xe4 \xe3 \xec \xf1 \xf2 \xf3 \xf6 \xf7 \xf8 \xfb \xfd"},
	{"shades", "░▒▓█▄▌▐▀■", "\xb0\xb1\xb2\xdb\xdc\xdd\xde\xdf\xfe"},
	{"single box", "┌─┬┐│├┼┤└┴┘", "\xda\xc4\xc2\xbf\xb3\xc3\xc5\xb4\xc0\xc1\xd9"},
	{"double box", "╔═╦╗║╠╬╣╚╩╝", "\xc9\xcd\xcb\xbb\xba\xcc\xce\xb9\xc8\xca\xbc"},
	{"mixed box", "╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫", "\xd5\xd6\xb8\xb7\xd4\xd3\xbe\xbd\xc6\xc7\xb5\xb6\xd1\xd2\xcf\xd0\xd8\xd7"},
	{"rounded corners", "╭─╮╰─╯", "\xda\xc4\xbf\xc0\xc4\xd9"},
	{"heavy box", "┏━┳┓┃┣╋┫┗┻┛", "\xc9\xcd\xcb\xbb\xba\xcc\xce\xb9\xc8\xca\xbc"},
	{"heavy and light", "┍┎┝┠┯┰╀╂┿", "\xd5\xd6\xc6\xc7\xd1\xd2\xd7\xd7\xd8"},
	{"dashed", "┄┅┆┇┈┉┊┋╌╍╎╏", "\xc4\xcd\xb3\xba\xc4\xcd\xb3\xba\xc4\xcd\xb3\xba"},
	{"half lines", "╴╵╶╷╸╹╺╻╼╽╾╿", "\xc4\xb3\xc4\xb3\xcd\xba\xcd\xba\xcd\xba\xcd\xba"},
	{"diagonals", "╱╲╳", `/\X`},
	{"blocks", "▁▂▆▊▍▕▔▚", "_\xdc\xdb\xdb\xdd\xde\xdf\xb1"},
	{"accents dropped", "ő ã ě Ş ḿ", "o a e S m"},
	{"some accents dropped", "ǖ ǘ ṏ ḉ Ǻ", "\x81 \x81 o \x87 \x8f"},
	{"canonical equivalents", "\u212b \u2126", "\x8f \xea"},
	{"quotes", "‘single’ “double” ‚low„ ′″", `'single' "double" 'low" '"`},
	{"guillemets", "«»‹›", "\xae\xaf<>"},
	{"dashes", "a–b—c−d‒e‐f―g", "a-b-c-d-e-f-g"},
	{"ellipsis", "wait…", "wait\xfa"},
	{"bullets", "• ● ◦ ‣ ∙ · ⋅", "\xf9 \xf9 \xf9 \xf9 \xf9 \xfa \xfa"},
	{"spaces", "a\u00a0b\u2003c\u2009d\u202fe\u3000f", "a\xffb c d e  f"},
	{"times and checks", "3×4 ✓ ✔ ✗", "3x4 \xfb \xfb x"},
	{"marks", "™ © ® €", "T c r E"},
	{"arrows", "→ ← ↑ ↓ ↔ ⇒ ⇐ ⇔", "> < ^ v - > < -"},
	{"triangles", "▲▼►◄▶◀", "^v><><"},
	{"control glyphs", "☺♥♪◘", "????"},
	{"wide", "日本語", "??????"},
	{"emoji", "ok 😀!", "ok ??!"},
	{"fullwidth", "ＡＢ", "????"},
	{"hangul", "한", "??"},
	{"combining", "e\u0301\u0308x", "ex"},
	{"zero width", "a\u200bb\u200cc\u200dd\ufeffe\u2060f", "abcdef"},
	{"variation selectors", "x\ufe0f✓\ufe0e\U000e0100", "x\xfb"},
	{"emoji with selector", "❤\ufe0f", "?"},
	{"bidi", "\u202eabc\u202c", "abc"},
	{"soft hyphen", "co\u00adop", "coop"},
	{"other scripts", "Жש", "??"},
	{"C1 control", "a\u0085b\u009bc", "a?b?c"},
	{"replacement char", "\ufffd", "?"},
	{"invalid bytes", "a\xffb\x80c", "a?b?c"},
	{"truncated", "a\xe2\x82", "a??"},
	{"truncated then ascii", "\xe2\x82a", "??a"},
	{"truncated then lead", "\xc3\xe2\x80\xa6", "?\xfa"},
	{"surrogate", "\xed\xa0\x80", "???"},
	{"overlong", "\xc0\xaf", "??"},
}

func TestCP437Encoder(t *testing.T) {
	for _, v := range cp437Vectors {
		t.Run(v.name, func(t *testing.T) {
			if got := encodeCP437([]byte(v.in)); string(got) != v.want {
				t.Errorf("Append(%q) = %q; want %q", v.in, got, v.want)
			}
		})
	}
}

// TestCP437EncoderSplit encodes every vector split at every position, and
// one byte at a time.
func TestCP437EncoderSplit(t *testing.T) {
	for _, v := range cp437Vectors {
		t.Run(v.name, func(t *testing.T) {
			in := []byte(v.in)
			for i := range len(in) + 1 {
				if got := encodeCP437(in[:i], in[i:]); string(got) != v.want {
					t.Errorf("Append(%q), Append(%q) = %q; want %q", in[:i], in[i:], got, v.want)
				}
			}
			var bytewise [][]byte
			for c := range slices.Chunk(in, 1) {
				bytewise = append(bytewise, c)
			}
			if got := encodeCP437(bytewise...); string(got) != v.want {
				t.Errorf("Append(%q) bytewise = %q; want %q", in, got, v.want)
			}
		})
	}
}

// TestCP437EncoderHolds checks that an incomplete character waits for the
// next call rather than coming out as '?'.
func TestCP437EncoderHolds(t *testing.T) {
	var e CP437Encoder
	if got := e.Append(nil, []byte("a\xe2\x95")); string(got) != "a" {
		t.Errorf("Append(%q) = %q; want %q", "a\xe2\x95", got, "a")
	}
	if got := e.Append(nil, []byte("\x94b")); string(got) != "\xc9b" {
		t.Errorf("Append(%q) after a held prefix = %q; want %q", "\x94b", got, "\xc9b")
	}
	if got := e.Flush(nil); len(got) != 0 {
		t.Errorf("Flush() with nothing held = %q; want nothing", got)
	}
}

// TestCP437RoundTrip checks that every CP437 character encodes back to its
// own byte.
func TestCP437RoundTrip(t *testing.T) {
	for b := 0x80; b <= 0xff; b++ {
		r := DecodeCP437(byte(b))
		got := encodeCP437(utf8.AppendRune(nil, r))
		if !bytes.Equal(got, []byte{byte(b)}) {
			t.Errorf("Append(DecodeCP437(%#x) = %q) = %q; want %q", b, r, got, []byte{byte(b)})
		}
	}
}

// TestBoxTable checks the arms table against the box characters CP437
// has: the nearest one to each of those must be itself.
func TestBoxTable(t *testing.T) {
	if len(boxArms) != 4*0x80 {
		t.Fatalf("len(boxArms) = %d; want %d", len(boxArms), 4*0x80)
	}
	for r := rune(0x2500); r < 0x2580; r++ {
		got := boxCP437(r)
		if b, ok := charmap.CodePage437.EncodeRune(r); ok && got != b {
			t.Errorf("boxCP437(%q) = %#x; want %#x", r, got, b)
		}
		out := encodeCP437(utf8.AppendRune(nil, r))
		if len(out) != 1 || out[0] < 0x20 || out[0] == 0x7f || out[0] == '?' {
			t.Errorf("Append(%q) = %q; want one printable byte", r, out)
		}
	}
}

// TestCP437NoControls checks that no character above ASCII becomes a
// control byte, which would act on the terminal rather than show.
func TestCP437NoControls(t *testing.T) {
	var buf []byte
	for r := rune(0x80); r <= 0x10ffff; r++ {
		if r >= 0xd800 && r < 0xe000 {
			continue
		}
		buf = appendCP437(buf[:0], r)
		for _, b := range buf {
			if b < 0x20 || b == 0x7f {
				t.Fatalf("appendCP437(%U) = %q; want no control bytes", r, buf)
			}
		}
		if len(buf) > 3 {
			t.Fatalf("appendCP437(%U) = %q; want at most 3 bytes", r, buf)
		}
	}
}

// TestComposeCP437 checks the accented letters table against the
// decompositions of the CP437 characters.
func TestComposeCP437(t *testing.T) {
	found := 0
	for b := 0x80; b <= 0xff; b++ {
		d := norm.NFD.String(string(DecodeCP437(byte(b))))
		rs := []rune(d)
		if len(rs) != 2 {
			continue
		}
		found++
		if got, ok := composeCP437(rs[0], rs[1]); !ok || got != byte(b) {
			t.Errorf("composeCP437(%q, %U) = %#x, %v; want %#x, true", rs[0], rs[1], got, ok, b)
		}
	}
	for _, mark := range []rune{0x300, 0x301, 0x302, 0x303, 0x308, 0x30a, 0x327} {
		for base := rune(0); base < utf8.RuneSelf; base++ {
			if _, ok := composeCP437(base, mark); ok {
				found--
			}
		}
	}
	if found != 0 {
		t.Errorf("composeCP437 knows %d letters CP437 lacks", -found)
	}
}

func TestDecodeCP437(t *testing.T) {
	tests := []struct {
		b    byte
		want rune
	}{
		{0x00, 0x00}, {0x01, 0x01}, {0x1b, 0x1b}, {'A', 'A'}, {0x7f, 0x7f},
		{0x80, 'Ç'}, {0x82, 'é'}, {0x9b, '¢'}, {0xb0, '░'}, {0xc9, '╔'},
		{0xdb, '█'}, {0xe1, 'ß'}, {0xe6, 'µ'}, {0xf9, '∙'}, {0xfa, '·'},
		{0xfb, '√'}, {0xfe, '■'}, {0xff, '\u00a0'},
	}
	for _, tt := range tests {
		if got := DecodeCP437(tt.b); got != tt.want {
			t.Errorf("DecodeCP437(%#x) = %q; want %q", tt.b, got, tt.want)
		}
	}
}

func TestCP437Glyph(t *testing.T) {
	tests := []struct {
		b    byte
		want rune
	}{
		{0x00, ' '}, {0x01, '☺'}, {0x02, '☻'}, {0x03, '♥'}, {0x07, '•'},
		{0x0a, '◙'}, {0x0d, '♪'}, {0x10, '►'}, {0x13, '‼'}, {0x14, '¶'},
		{0x15, '§'}, {0x18, '↑'}, {0x1b, '←'}, {0x1c, '∟'}, {0x1f, '▼'},
		{' ', ' '}, {'A', 'A'}, {'~', '~'}, {0x7f, '⌂'}, {0x80, 'Ç'},
		{0xdb, '█'}, {0xff, '\u00a0'},
	}
	for _, tt := range tests {
		if got := CP437Glyph(tt.b); got != tt.want {
			t.Errorf("CP437Glyph(%#x) = %q; want %q", tt.b, got, tt.want)
		}
	}
	// Each byte has its own glyph: art converted to UTF-8 keeps every
	// distinction.
	seen := map[rune]int{}
	for b := range 256 {
		g := CP437Glyph(byte(b))
		if prev, ok := seen[g]; ok && g != ' ' {
			t.Errorf("CP437Glyph(%#x) = CP437Glyph(%#x) = %q; want distinct glyphs", b, prev, g)
		}
		seen[g] = b
		if g < 0x20 || g == 0x7f {
			t.Errorf("CP437Glyph(%#x) = %U; want a visible character", b, g)
		}
	}
}

func TestCP437EncoderAllocs(t *testing.T) {
	in := []byte(boxText(4))
	var e CP437Encoder
	out := make([]byte, 0, 3*len(in))
	allocs := testing.AllocsPerRun(100, func() {
		out = e.Append(out[:0], in[:5])
		out = e.Append(out, in[5:])
	})
	if allocs != 0 {
		t.Errorf("Append allocates %v times per run; want 0", allocs)
	}
}

func FuzzCP437Encoder(f *testing.F) {
	for _, v := range cp437Vectors {
		f.Add([]byte(v.in), uint8(len(v.in)/2))
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		var e CP437Encoder
		out := e.Append(nil, in)
		if len(out) > 3*len(in)+3 {
			t.Fatalf("Append(%q) = %d bytes; want at most %d", in, len(out), 3*len(in)+3)
		}
		out = e.Flush(out)

		// The ASCII bytes of the input appear in order, and no other
		// control bytes.
		rest := out
		for _, c := range in {
			if c >= utf8.RuneSelf {
				continue
			}
			i := bytes.IndexByte(rest, c)
			if i < 0 {
				t.Fatalf("Append(%q) = %q; want %q kept in order", in, out, c)
			}
			rest = rest[i+1:]
		}
		isControl := func(c byte) bool { return c < 0x20 || c == 0x7f }
		if got, want := countFunc(out, isControl), countFunc(in, isControl); got != want {
			t.Fatalf("Append(%q) = %q with %d control bytes; want %d", in, out, got, want)
		}

		// Split into chunks, each call stays within the bound and the
		// whole is the same.
		n := int(step) + 1
		var split []byte
		var e2 CP437Encoder
		for c := range slices.Chunk(in, n) {
			before := len(split)
			split = e2.Append(split, c)
			if len(split)-before > 3*len(c)+3 {
				t.Fatalf("Append(%q) mid-stream = %d bytes; want at most %d", c, len(split)-before, 3*len(c)+3)
			}
		}
		split = e2.Flush(split)
		if !bytes.Equal(split, out) {
			t.Fatalf("Append(%q) in %d-byte chunks = %q; want %q", in, n, split, out)
		}
	})
}

func countFunc(b []byte, f func(byte) bool) int {
	n := 0
	for _, c := range b {
		if f(c) {
			n++
		}
	}
	return n
}

// boxText is a screen of text in boxes drawn with modern, rounded and heavy
// lines, as a UTF-8 menu might be.
func boxText(n int) string {
	return strings.Repeat("╭──────────╮┏━━━━━━━━┓╔══════╗\r\n│ Messages │┃ Files  ┃║ Chat ║\r\n╰──────────╯┗━━━━━━━━┛╚══════╝\r\n", n)
}

func BenchmarkCP437Encoder(b *testing.B) {
	inputs := []struct {
		name string
		in   []byte
	}{
		{"ascii", []byte(strings.Repeat("\x1b[1;33mWelcome\x1b[0m to the board, caller #42!\r\n", 100))},
		{"latin", []byte(strings.Repeat("Grüße aus Köln — café, naïve, “quoted”…\r\n", 100))},
		{"box", []byte(boxText(30))},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			var e CP437Encoder
			out := make([]byte, 0, 3*len(in.in))
			b.SetBytes(int64(len(in.in)))
			b.ReportAllocs()
			for b.Loop() {
				out = e.Append(out[:0], in.in)
			}
		})
	}
}

// TestCP437KeepsWidth checks that no look-alike changes how many cells a
// character takes: one byte for a narrow character, two for a wide one,
// none for a mark that takes no cell. Layouts computed for UTF-8 thus hold
// on CP437 terminals.
func TestCP437KeepsWidth(t *testing.T) {
	var in, out []byte
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		var e CP437Encoder
		in = utf8.AppendRune(in[:0], r)
		out = e.Append(out[:0], in)
		if len(out) == 0 {
			continue // a mark or format character: no cell either way
		}
		want := 1
		if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
			want = 2
		}
		if len(out) != want {
			t.Errorf("Append(%U %q) = %q: %d cells; want %d", r, r, out, len(out), want)
		}
	}
}
