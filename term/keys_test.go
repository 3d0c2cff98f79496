package term

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Shorthands for expected keys.
func kr(r rune) Key           { return Key{Code: KeyRune, Rune: r} }
func kc(c KeyCode) Key        { return Key{Code: c} }
func km(c KeyCode, m Mod) Key { return Key{Code: c, Mod: m} }
func ctrl(r rune) Key         { return Key{Code: KeyRune, Rune: r, Mod: ModCtrl} }
func alt(k Key) Key           { k.Mod |= ModAlt; return k }
func keys(ks ...Key) []Key    { return ks }

var (
	unknown = kc(KeyUnknown)
	enter   = kc(KeyEnter)
	bad     = kr(utf8.RuneError)
)

type keyVector struct {
	name string
	enc  Encoding
	in   string
	want []Key
}

// keyVectors are byte-exact inputs as the terminals named send them, with
// the keys they must give once flushed.
var keyVectors = []keyVector{
	// Text and control characters.
	{"ascii", UTF8, "aZ ~", keys(kr('a'), kr('Z'), kr(' '), kr('~'))},
	{"utf8 2-byte", UTF8, "é", keys(kr('é'))},
	{"utf8 3-byte", UTF8, "日本", keys(kr('日'), kr('本'))},
	{"utf8 4-byte", UTF8, "😀", keys(kr('😀'))},
	{"ctrl-a", UTF8, "\x01", keys(ctrl('a'))},
	{"ctrl-c", UTF8, "\x03", keys(ctrl('c'))},
	{"ctrl-z", UTF8, "\x1a", keys(ctrl('z'))},
	{"ctrl-space", UTF8, "\x00", keys(ctrl(' '))},
	{"ctrl-backslash", UTF8, "\x1c", keys(ctrl('\\'))},
	{"ctrl-bracket", UTF8, "\x1d", keys(ctrl(']'))},
	{"ctrl-caret", UTF8, "\x1e", keys(ctrl('^'))},
	{"ctrl-underscore", UTF8, "\x1f", keys(ctrl('_'))},
	{"tab", UTF8, "\t", keys(kc(KeyTab))},
	{"backspace BS", UTF8, "\x08", keys(kc(KeyBackspace))},
	{"backspace DEL", UTF8, "\x7f", keys(kc(KeyBackspace))},

	// Enter in all its forms.
	{"CR", UTF8, "\r", keys(enter)},
	{"LF", UTF8, "\n", keys(enter)},
	{"CR LF", UTF8, "\r\n", keys(enter)},
	{"CR NUL", UTF8, "\r\x00", keys(enter)},
	{"CR CR", UTF8, "\r\r", keys(enter, enter)},
	{"LF CR", UTF8, "\n\r", keys(enter, enter)},
	{"LF LF", UTF8, "\n\n", keys(enter, enter)},
	{"CR LF LF", UTF8, "\r\n\n", keys(enter, enter)},
	{"CR LF CR LF", UTF8, "\r\n\r\n", keys(enter, enter)},
	{"CR NUL NUL", UTF8, "\r\x00\x00", keys(enter, ctrl(' '))},
	{"text lines", UTF8, "a\r\nb\r\x00c\nd", keys(kr('a'), enter, kr('b'), enter, kr('c'), enter, kr('d'))},
	{"CR then key then LF", UTF8, "\rx\n", keys(enter, kr('x'), enter)},

	// xterm.
	{"xterm up", UTF8, "\x1b[A", keys(kc(KeyUp))},
	{"xterm down", UTF8, "\x1b[B", keys(kc(KeyDown))},
	{"xterm right", UTF8, "\x1b[C", keys(kc(KeyRight))},
	{"xterm left", UTF8, "\x1b[D", keys(kc(KeyLeft))},
	{"xterm app arrows", UTF8, "\x1bOA\x1bOB\x1bOC\x1bOD", keys(kc(KeyUp), kc(KeyDown), kc(KeyRight), kc(KeyLeft))},
	{"xterm home end", UTF8, "\x1b[H\x1b[F", keys(kc(KeyHome), kc(KeyEnd))},
	{"xterm app home end", UTF8, "\x1bOH\x1bOF", keys(kc(KeyHome), kc(KeyEnd))},
	{"xterm F1-F4", UTF8, "\x1bOP\x1bOQ\x1bOR\x1bOS", keys(kc(KeyF1), kc(KeyF2), kc(KeyF3), kc(KeyF4))},
	{"xterm F5-F12", UTF8, "\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~",
		keys(kc(KeyF5), kc(KeyF6), kc(KeyF7), kc(KeyF8), kc(KeyF9), kc(KeyF10), kc(KeyF11), kc(KeyF12))},
	{"xterm ctrl-up", UTF8, "\x1b[1;5A", keys(km(KeyUp, ModCtrl))},
	{"xterm shift-down", UTF8, "\x1b[1;2B", keys(km(KeyDown, ModShift))},
	{"xterm alt-right", UTF8, "\x1b[1;3C", keys(km(KeyRight, ModAlt))},
	{"xterm ctrl-alt-shift-left", UTF8, "\x1b[1;8D", keys(km(KeyLeft, ModCtrl|ModAlt|ModShift))},
	{"xterm meta-up", UTF8, "\x1b[1;9A", keys(km(KeyUp, ModAlt))},
	{"xterm ctrl-home", UTF8, "\x1b[1;5H", keys(km(KeyHome, ModCtrl))},
	{"xterm ctrl-pgup", UTF8, "\x1b[5;5~", keys(km(KeyPgUp, ModCtrl))},
	{"xterm ctrl-delete", UTF8, "\x1b[3;5~", keys(km(KeyDelete, ModCtrl))},
	{"xterm shift-F1", UTF8, "\x1b[1;2P", keys(km(KeyF1, ModShift))},
	{"xterm ctrl-F3", UTF8, "\x1b[1;5R", keys(km(KeyF3, ModCtrl))},
	{"xterm shift-F5", UTF8, "\x1b[15;2~", keys(km(KeyF5, ModShift))},
	{"xterm ctrl-shift-F12", UTF8, "\x1b[24;6~", keys(km(KeyF12, ModCtrl|ModShift))},
	{"xterm SS3 modifier", UTF8, "\x1bO1;2P", keys(km(KeyF1, ModShift))},
	{"konsole SS3 modifier", UTF8, "\x1bO5A", keys(km(KeyUp, ModCtrl))},
	{"default first param", UTF8, "\x1b[;5A", keys(km(KeyUp, ModCtrl))},
	{"shift-tab", UTF8, "\x1b[Z", keys(km(KeyTab, ModShift))},
	{"app keypad", UTF8, "\x1bOM\x1bOp\x1bOy\x1bOj\x1bOX", keys(enter, kr('0'), kr('9'), kr('*'), kr('='))},

	// vt100/vt220.
	{"vt220 editing keys", UTF8, "\x1b[1~\x1b[2~\x1b[3~\x1b[4~\x1b[5~\x1b[6~",
		keys(kc(KeyHome), kc(KeyInsert), kc(KeyDelete), kc(KeyEnd), kc(KeyPgUp), kc(KeyPgDn))},

	// rxvt.
	{"rxvt home end", UTF8, "\x1b[7~\x1b[8~", keys(kc(KeyHome), kc(KeyEnd))},
	{"rxvt shift arrows", UTF8, "\x1b[a\x1b[b\x1b[c\x1b[d",
		keys(km(KeyUp, ModShift), km(KeyDown, ModShift), km(KeyRight, ModShift), km(KeyLeft, ModShift))},
	{"rxvt ctrl arrows", UTF8, "\x1bOa\x1bOb\x1bOc\x1bOd",
		keys(km(KeyUp, ModCtrl), km(KeyDown, ModCtrl), km(KeyRight, ModCtrl), km(KeyLeft, ModCtrl))},
	{"rxvt shift-insert", UTF8, "\x1b[2$", keys(km(KeyInsert, ModShift))},
	{"rxvt ctrl-pgup", UTF8, "\x1b[5^", keys(km(KeyPgUp, ModCtrl))},
	{"rxvt ctrl-shift-delete", UTF8, "\x1b[3@", keys(km(KeyDelete, ModCtrl|ModShift))},
	{"rxvt alt-up", UTF8, "\x1b\x1b[A", keys(km(KeyUp, ModAlt))},
	{"rxvt alt-F1", UTF8, "\x1b\x1bOP", keys(km(KeyF1, ModAlt))},

	// Linux console.
	{"linux F1-F5", UTF8, "\x1b[[A\x1b[[B\x1b[[C\x1b[[D\x1b[[E",
		keys(kc(KeyF1), kc(KeyF2), kc(KeyF3), kc(KeyF4), kc(KeyF5))},

	// PuTTY.
	{"putty F1-F4", UTF8, "\x1b[11~\x1b[12~\x1b[13~\x1b[14~", keys(kc(KeyF1), kc(KeyF2), kc(KeyF3), kc(KeyF4))},

	// SyncTERM and other ANSI-BBS clients.
	{"syncterm home end", CP437, "\x1b[H\x1b[K", keys(kc(KeyHome), kc(KeyEnd))},
	{"syncterm insert", CP437, "\x1b[@", keys(kc(KeyInsert))},
	{"syncterm pgup pgdn", CP437, "\x1b[V\x1b[U", keys(kc(KeyPgUp), kc(KeyPgDn))},
	{"syncterm delete", CP437, "\x7f", keys(kc(KeyBackspace))},

	// Keypad 5.
	{"begin", UTF8, "\x1b[E\x1b[G\x1bOE", keys(kc(KeyBegin), kc(KeyBegin), kc(KeyBegin))},

	// Well-formed sequences we do not know: one KeyUnknown each.
	{"SGR mouse press", UTF8, "\x1b[<0;10;20M", keys(unknown)},
	{"SGR mouse release", UTF8, "\x1b[<0;10;20m", keys(unknown)},
	{"X10 mouse", UTF8, "\x1b[M !!x", keys(unknown, kr('x'))},
	{"urxvt mouse", UTF8, "\x1b[32;10;5M", keys(unknown)},
	{"cursor position", UTF8, "\x1b[12;40R", keys(unknown)},
	{"cursor position row 1", UTF8, "\x1b[1;1R", keys(unknown)},
	{"focus", UTF8, "\x1b[I\x1b[O", keys(unknown, unknown)},
	{"device attributes", UTF8, "\x1b[?1;2c", keys(unknown)},
	{"bracketed paste", UTF8, "\x1b[200~hi\x1b[201~", keys(unknown, kr('h'), kr('i'), unknown)},
	{"unknown tilde", UTF8, "\x1b[99~", keys(unknown)},
	{"tilde without number", UTF8, "\x1b[~", keys(unknown)},
	{"intermediate", UTF8, "\x1b[1 q", keys(unknown)},
	{"bad modifier", UTF8, "\x1b[1;99A", keys(unknown)},
	{"bad first param", UTF8, "\x1b[2;5A", keys(unknown)},
	{"too many params", UTF8, "\x1b[1;2;3A", keys(unknown)},
	{"sub-parameters", UTF8, "\x1b[1:2A", keys(unknown)},
	{"huge number", UTF8, "\x1b[99999999999999999999~", keys(unknown)},
	{"unknown SS3", UTF8, "\x1bOz", keys(unknown)},
	{"linux unknown", UTF8, "\x1b[[Z", keys(unknown)},
	{"linux stray", UTF8, "\x1b[[\x01", keys(unknown, ctrl('a'))},
	{"modifier on tilde variant", UTF8, "\x1b[5;5^", keys(unknown)},
	{"sequence then text", UTF8, "a\x1b[Ab", keys(kr('a'), kc(KeyUp), kr('b'))},

	// ESC before a key that has no sequence: Alt.
	{"alt-a", UTF8, "\x1ba", keys(alt(kr('a')))},
	{"alt-A", UTF8, "\x1bA", keys(alt(kr('A')))},
	{"ctrl-alt-a", UTF8, "\x1b\x01", keys(alt(ctrl('a')))},
	{"alt-esc", UTF8, "\x1b\x1b", keys(km(KeyEscape, ModAlt))},
	{"alt-esc then x", UTF8, "\x1b\x1bx", keys(km(KeyEscape, ModAlt), kr('x'))},
	{"alt-esc esc", UTF8, "\x1b\x1b\x1b", keys(km(KeyEscape, ModAlt), kc(KeyEscape))},
	{"alt-enter", UTF8, "\x1b\r\n", keys(km(KeyEnter, ModAlt))},
	{"alt-backspace", UTF8, "\x1b\x7f", keys(km(KeyBackspace, ModAlt))},
	{"alt-tab", UTF8, "\x1b\t", keys(km(KeyTab, ModAlt))},
	{"alt-é", UTF8, "\x1bé", keys(alt(kr('é')))},
	{"esc", UTF8, "\x1b", keys(kc(KeyEscape))},
	{"esc bracket", UTF8, "\x1b[", keys(alt(kr('[')))},
	{"esc O", UTF8, "\x1bO", keys(alt(kr('O')))},
	{"esc esc bracket", UTF8, "\x1b\x1b[", keys(km(KeyEscape, ModAlt), kr('['))},
	{"esc bracket stray", UTF8, "\x1b[\x03", keys(alt(kr('[')), ctrl('c'))},
	{"esc O stray", UTF8, "\x1bO\r", keys(alt(kr('O')), enter)},
	{"esc bracket é", UTF8, "\x1b[é", keys(alt(kr('[')), kr('é'))},
	{"esc esc bracket stray", UTF8, "\x1b\x1b[\x03", keys(km(KeyEscape, ModAlt), kr('['), ctrl('c'))},
	{"esc esc unknown", UTF8, "\x1b\x1b[I", keys(unknown)},
	{"part sequence", UTF8, "\x1b[1;", keys(unknown)},
	{"part sequence stray", UTF8, "\x1b[1;\x03", keys(unknown, ctrl('c'))},
	{"part linux", UTF8, "\x1b[[", keys(unknown)},
	{"part X10 mouse", UTF8, "\x1b[M !", keys(unknown)},

	// Invalid UTF-8: each bad byte is U+FFFD, as utf8.DecodeRune says.
	{"bad byte", UTF8, "\xff", keys(bad)},
	{"bad continuation", UTF8, "\xc3(", keys(bad, kr('('))},
	{"lone continuation", UTF8, "\x80a", keys(bad, kr('a'))},
	{"truncated at end", UTF8, "\xe2\x82", keys(bad, bad)},
	{"truncated then text", UTF8, "\xf0\x9f\x98a", keys(bad, bad, bad, kr('a'))},
	{"surrogate", UTF8, "\xed\xa0\x80", keys(bad, bad, bad)},
	{"overlong encoding", UTF8, "\xc0\xaf", keys(bad, bad)},
	{"alt bad", UTF8, "\x1b\xff", keys(alt(bad))},

	// CP437.
	{"cp437 letters", CP437, "\x82\x81\xe1", keys(kr('é'), kr('ü'), kr('ß'))},
	{"cp437 blocks", CP437, "\xdb\xb0\xc9", keys(kr('█'), kr('░'), kr('╔'))},
	{"cp437 0xff", CP437, "\xff", keys(kr('\u00a0'))},
	{"cp437 alt", CP437, "\x1b\x82", keys(alt(kr('é')))},
	{"cp437 ascii", CP437, "a\r\n", keys(kr('a'), enter)},
	{"cp437 not utf8", CP437, "\xc3\xa9", keys(kr('├'), kr('⌐'))},

	// Over-long sequences are one KeyUnknown, and decoding carries on
	// after them.
	{"over-long CSI", UTF8, "\x1b[" + strings.Repeat("1", 100) + "Ax", keys(unknown, kr('x'))},
	{"over-long CSI stray", UTF8, "\x1b[" + strings.Repeat(";", 70) + "\x03", keys(unknown, ctrl('c'))},
	{"63-byte CSI", UTF8, "\x1b[" + strings.Repeat("1", 61) + "A", keys(unknown)},
	{"64-byte CSI", UTF8, "\x1b[" + strings.Repeat("1", 62) + "A", keys(unknown)},
	{"over-long alt CSI", UTF8, "\x1b\x1b[" + strings.Repeat("1", 100) + "Ax", keys(unknown, kr('x'))},
	{"over-long SS3", UTF8, "\x1bO" + strings.Repeat("1", 100) + "Ax", keys(unknown, kr('x'))},
}

// decodeAll feeds in split into the given chunks, then flushes.
func decodeAll(enc Encoding, chunks ...[]byte) ([]Key, int) {
	d := NewKeyDecoder(enc)
	var ks []Key
	maxHeldSeen := 0
	for _, c := range chunks {
		ks = d.Feed(ks, c)
		maxHeldSeen = max(maxHeldSeen, d.n)
	}
	return d.Flush(ks), maxHeldSeen
}

func TestKeyDecoderVectors(t *testing.T) {
	for _, v := range keyVectors {
		t.Run(v.name, func(t *testing.T) {
			got, _ := decodeAll(v.enc, []byte(v.in))
			if !slices.Equal(got, v.want) {
				t.Errorf("Feed(%q) = %v; want %v", v.in, got, v.want)
			}
		})
	}
}

// TestKeyDecoderSplit feeds every vector split at every position, and one
// byte at a time: the keys must be those of the whole input.
func TestKeyDecoderSplit(t *testing.T) {
	for _, v := range keyVectors {
		t.Run(v.name, func(t *testing.T) {
			in := []byte(v.in)
			for i := range len(in) + 1 {
				got, _ := decodeAll(v.enc, in[:i], in[i:])
				if !slices.Equal(got, v.want) {
					t.Errorf("Feed(%q), Feed(%q) = %v; want %v", in[:i], in[i:], got, v.want)
				}
			}
			var bytewise [][]byte
			for i := range in {
				bytewise = append(bytewise, in[i:i+1])
			}
			if got, held := decodeAll(v.enc, bytewise...); !slices.Equal(got, v.want) || held >= maxHeld {
				t.Errorf("Feed(%q) bytewise = %v, held %d; want %v, under %d", in, got, held, v.want, maxHeld)
			}
		})
	}
}

// TestKeyDecoderAllVectors runs all the vectors through one decoder as one
// stream, split at every position.
func TestKeyDecoderAllVectors(t *testing.T) {
	var in []byte
	var want []Key
	for _, v := range keyVectors {
		if v.enc != UTF8 {
			continue
		}
		// Ctrl-C ends whatever the vector left open (a sequence, a CR,
		// a character) and leaves the decoder as new.
		in = append(in, v.in+"\x03"...)
		got, _ := decodeAll(UTF8, []byte(v.in+"\x03"))
		want = append(want, got...)
	}
	for i := range len(in) + 1 {
		got, _ := decodeAll(UTF8, in[:i], in[i:])
		if !slices.Equal(got, want) {
			t.Fatalf("Feed(all[:%d]), Feed(all[%d:]) = %v; want %v", i, i, got, want)
		}
	}
}

func TestKeyDecoderPending(t *testing.T) {
	tests := []struct {
		in      string
		pending bool
		flushed []Key
	}{
		{"a", false, nil},
		{"\x1b", true, keys(kc(KeyEscape))},
		{"\x1b[", true, keys(alt(kr('[')))},
		{"\x1bO", true, keys(alt(kr('O')))},
		{"\x1b[1;5", true, keys(unknown)},
		{"\x1b\x1b", true, keys(km(KeyEscape, ModAlt))},
		{"\xc3", true, keys(bad)},
		{"\xf0\x9f\x98", true, keys(bad, bad, bad)},
		{"\x1b\xc3", true, keys(alt(bad))},
		{"\r", false, nil},
		{"\x1b[" + strings.Repeat("1", 70), true, nil},
	}
	for _, tt := range tests {
		d := NewKeyDecoder(UTF8)
		d.Feed(nil, []byte(tt.in))
		if got := d.Pending(); got != tt.pending {
			t.Errorf("Feed(%q); Pending() = %v; want %v", tt.in, got, tt.pending)
		}
		if got := d.Flush(nil); !slices.Equal(got, tt.flushed) {
			t.Errorf("Feed(%q); Flush() = %v; want %v", tt.in, got, tt.flushed)
		}
		if d.Pending() {
			t.Errorf("Feed(%q); Flush(); Pending() = true; want false", tt.in)
		}
	}
}

// TestKeyDecoderFlushMidway checks that a pause ends a sequence: the bytes
// that follow are new keys.
func TestKeyDecoderFlushMidway(t *testing.T) {
	d := NewKeyDecoder(UTF8)
	got := d.Feed(nil, []byte("\x1b"))
	got = d.Flush(got)
	got = d.Feed(got, []byte("[A"))
	want := keys(kc(KeyEscape), kr('['), kr('A'))
	if !slices.Equal(got, want) {
		t.Errorf("Feed(ESC), Flush, Feed(\"[A\") = %v; want %v", got, want)
	}

	// After a pause, the rest of an over-long sequence is text again.
	d = NewKeyDecoder(UTF8)
	got = d.Feed(nil, []byte("\x1b["+strings.Repeat("1", 70)))
	got = d.Flush(got)
	got = d.Feed(got, []byte("12A"))
	want = keys(unknown, kr('1'), kr('2'), kr('A'))
	if !slices.Equal(got, want) {
		t.Errorf("Feed(long CSI), Flush, Feed(\"12A\") = %v; want %v", got, want)
	}
}

func TestKeyDecoderSetEncoding(t *testing.T) {
	d := NewKeyDecoder(UTF8)
	got := d.Feed(nil, []byte("\xc3\xa9"))
	d.SetEncoding(CP437)
	got = d.Feed(got, []byte("\x82"))
	d.SetEncoding(UTF8)
	got = d.Feed(got, []byte("\xc3\xa9"))
	want := keys(kr('é'), kr('é'), kr('é'))
	if !slices.Equal(got, want) {
		t.Errorf("Feed across SetEncoding = %v; want %v", got, want)
	}
	if NewKeyDecoder("").cp437 {
		t.Errorf("NewKeyDecoder(\"\") decodes CP437; want UTF-8")
	}
}

// TestKeyDecoderCP437 checks every high byte of a CP437 session.
func TestKeyDecoderCP437(t *testing.T) {
	for b := 0x80; b <= 0xff; b++ {
		got, _ := decodeAll(CP437, []byte{byte(b)})
		want := keys(kr(DecodeCP437(byte(b))))
		if !slices.Equal(got, want) {
			t.Errorf("Feed(%#x) = %v; want %v", b, got, want)
		}
	}
}

// TestKeyDecoderControls checks every C0 byte but ESC.
func TestKeyDecoderControls(t *testing.T) {
	for b := range byte(0x20) {
		if b == esc {
			continue
		}
		got, _ := decodeAll(UTF8, []byte{b})
		var want Key
		switch b {
		case '\r', '\n':
			want = enter
		case '\t':
			want = kc(KeyTab)
		case 0x08:
			want = kc(KeyBackspace)
		case 0:
			want = ctrl(' ')
		default:
			want = ctrl(rune(b) + 0x40)
			if b <= 26 {
				want = ctrl(rune(b) + 'a' - 1)
			}
		}
		if !slices.Equal(got, keys(want)) {
			t.Errorf("Feed(%#x) = %v; want %v", b, got, want)
		}
	}
}

// TestKeyDecoderText checks that text with no controls decodes to the
// runes ranging over it gives, invalid bytes included.
func TestKeyDecoderText(t *testing.T) {
	in := "Grüße, 世界! 😀 \xff\xc3 \xe2\x82\xac \xe2\x82 end"
	var want []Key
	for _, r := range in {
		want = append(want, kr(r))
	}
	got, _ := decodeAll(UTF8, []byte(in))
	if !slices.Equal(got, want) {
		t.Errorf("Feed(%q) = %v; want %v", in, got, want)
	}
}

func TestKeyString(t *testing.T) {
	tests := []struct {
		k    Key
		want string
	}{
		{kr('a'), "a"},
		{kr('é'), "é"},
		{kr('日'), "日"},
		{kr(' '), "Space"},
		{enter, "Enter"},
		{kc(KeyTab), "Tab"},
		{km(KeyTab, ModShift), "Shift-Tab"},
		{kc(KeyBackspace), "Backspace"},
		{kc(KeyEscape), "Esc"},
		{km(KeyEscape, ModAlt), "Alt-Esc"},
		{kc(KeyUp), "Up"},
		{km(KeyUp, ModCtrl), "Ctrl-Up"},
		{km(KeyF5, ModShift), "Shift-F5"},
		{km(KeyLeft, ModCtrl|ModAlt|ModShift), "Ctrl-Alt-Shift-Left"},
		{alt(kr('x')), "Alt-x"},
		{alt(kr('X')), "Alt-X"},
		{ctrl('a'), "Ctrl-A"},
		{alt(ctrl('a')), "Ctrl-Alt-A"},
		{ctrl(' '), "Ctrl-Space"},
		{ctrl('\\'), `Ctrl-\`},
		{ctrl('_'), "Ctrl-_"},
		{kc(KeyF1), "F1"},
		{kc(KeyF12), "F12"},
		{kc(KeyPgUp), "PgUp"},
		{kc(KeyPgDn), "PgDn"},
		{kc(KeyHome), "Home"},
		{kc(KeyEnd), "End"},
		{kc(KeyInsert), "Insert"},
		{kc(KeyDelete), "Delete"},
		{kc(KeyBegin), "Begin"},
		{unknown, "Unknown"},
		{kc(KeyResize), "Resize"},
		{kc(KeyNotice), "Notice"},
		{kr(0x85), "U+0085"},
		{alt(kr(0x9b)), "Alt-U+009B"},
		{kr(utf8.RuneError), "\uFFFD"},
		{kc(KeyCode(99)), "KeyCode(99)"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.k, got, tt.want)
		}
	}
}

// TestKeyCodeString checks that every code has its own name.
func TestKeyCodeString(t *testing.T) {
	seen := map[string]KeyCode{}
	for c := KeyRune; c <= KeyResize; c++ {
		s := c.String()
		if s == "" || strings.HasPrefix(s, "KeyCode(") {
			t.Errorf("KeyCode(%d).String() = %q; want a name", c, s)
		}
		if prev, ok := seen[s]; ok {
			t.Errorf("KeyCode(%d).String() = %q; want other than KeyCode(%d)'s", c, s, prev)
		}
		seen[s] = c
	}
	for i := range 12 {
		if got, want := (KeyF1 + KeyCode(i)).String(), fmt.Sprintf("F%d", i+1); got != want {
			t.Errorf("(KeyF1+%d).String() = %q; want %q", i, got, want)
		}
	}
	if got := KeyCode(-1).String(); got != "KeyCode(-1)" {
		t.Errorf("KeyCode(-1).String() = %q; want %q", got, "KeyCode(-1)")
	}
}

// TestKeyDecoderAllocs checks that decoding allocates nothing once the
// caller's slice is big enough.
func TestKeyDecoderAllocs(t *testing.T) {
	in := []byte(escapeDense(2))
	d := NewKeyDecoder(UTF8)
	ks := make([]Key, 0, len(in))
	allocs := testing.AllocsPerRun(100, func() {
		ks = d.Feed(ks[:0], in[:7])
		ks = d.Feed(ks, in[7:])
		ks = d.Flush(ks)
	})
	if allocs != 0 {
		t.Errorf("Feed allocates %v times per run; want 0", allocs)
	}
}

func FuzzKeyDecoder(f *testing.F) {
	for _, v := range keyVectors {
		f.Add([]byte(v.in), uint8(len(v.in)/2), v.enc == CP437)
	}
	f.Add([]byte(escapeDense(1)), uint8(3), false)
	f.Fuzz(func(t *testing.T, in []byte, step uint8, cp437 bool) {
		enc := UTF8
		if cp437 {
			enc = CP437
		}
		whole, held := decodeAll(enc, in)
		if held > maxHeld {
			t.Fatalf("Feed(%q) held %d bytes; want at most %d", in, held, maxHeld)
		}
		for _, k := range whole {
			if k.Code < KeyRune || k.Code >= KeyResize {
				t.Fatalf("Feed(%q) gave key %#v", in, k)
			}
			if k.Code == KeyRune && !utf8.ValidRune(k.Rune) {
				t.Fatalf("Feed(%q) gave invalid rune %#v", in, k)
			}
		}
		// Chunks of step+1 bytes, and a split at step.
		n := int(step) + 1
		var chunks [][]byte
		for c := range slices.Chunk(in, n) {
			chunks = append(chunks, c)
		}
		got, held := decodeAll(enc, chunks...)
		if held > maxHeld {
			t.Fatalf("Feed(%q) in %d-byte chunks held %d bytes; want at most %d", in, n, held, maxHeld)
		}
		if !slices.Equal(got, whole) {
			t.Fatalf("Feed(%q) in %d-byte chunks = %v; want %v", in, n, got, whole)
		}
		cut := min(int(step), len(in))
		if got, _ := decodeAll(enc, in[:cut], in[cut:]); !slices.Equal(got, whole) {
			t.Fatalf("Feed(%q), Feed(%q) = %v; want %v", in[:cut], in[cut:], got, whole)
		}
		// Text without ESC or controls: exactly its runes.
		if !cp437 && !bytes.ContainsFunc(in, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			var want []Key
			for _, r := range string(in) {
				want = append(want, kr(r))
			}
			if !slices.Equal(whole, want) {
				t.Fatalf("Feed(%q) = %v; want %v", in, whole, want)
			}
		}
	})
}

// plainText is typical typed input: words with some accents.
func plainText(n int) string {
	return strings.Repeat("The quick brown fox jumps over the lazy dög, señor. ", n)
}

// escapeDense is input made mostly of escape sequences: cursor and
// function keys with modifiers and mouse reports.
func escapeDense(n int) string {
	return strings.Repeat("\x1b[A\x1b[1;5C\x1bOP\x1b[15;2~\x1b[<0;12;7M\x1b[3~x\r\n\x1b[[A\x1bb", n)
}

func BenchmarkKeyDecoder(b *testing.B) {
	inputs := []struct {
		name string
		in   []byte
	}{
		{"plain", []byte(plainText(80))},
		{"escapes", []byte(escapeDense(80))},
		{"cp437", bytes.Repeat([]byte("\xc9\xcd\xcd\xbb Hello \x82\x81 \xb0\xb1\xb2\xdb"), 200)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			enc := UTF8
			if in.name == "cp437" {
				enc = CP437
			}
			d := NewKeyDecoder(enc)
			ks := make([]Key, 0, len(in.in))
			b.SetBytes(int64(len(in.in)))
			b.ReportAllocs()
			for b.Loop() {
				// Reads from a network arrive in pieces.
				for c := range slices.Chunk(in.in, 512) {
					ks = d.Feed(ks[:0], c)
				}
			}
		})
	}
}
