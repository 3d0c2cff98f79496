package term

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

var sanitizeVectors = []struct {
	name string
	in   string
	line string // Sanitize
	text string // SanitizeText
}{
	{"plain", "hello, world", "hello, world", "hello, world"},
	{"unicode kept", "Grüße 世界 😀 e\u0301 ﷺ", "Grüße 世界 😀 e\u0301 ﷺ", "Grüße 世界 😀 e\u0301 ﷺ"},
	{"empty", "", "", ""},

	// Attacks on the reader's terminal.
	{"clear screen", "hi\x1b[2J\x1b[Hthere", "hithere", "hithere"},
	{"reset", "a\x1bcb", "ab", "ab"},
	{"cursor moves", "\x1b[10;20Hx\x1b[5A\x1b[3D\x1b7\x1b8y", "xy", "xy"},
	{"colours", "\x1b[1;31mred\x1b[0m", "red", "red"},
	{"private mode", "\x1b[?25l\x1b[?1049hhidden", "hidden", "hidden"},
	{"osc 52 clipboard", "\x1b]52;c;cm0gLXJmIH4=\x07after", "after", "after"},
	{"osc 8 hyperlink", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click", "click"},
	{"title BEL", "\x1b]0;pwned\x07ok", "ok", "ok"},
	{"title 8-bit ST", "\x1b]2;pwned\u009cok", "ok", "ok"},
	{"8-bit OSC", "\u009d0;pwned\x07ok", "ok", "ok"},
	{"DCS", "\x1bP$q\"p\x1b\\ok", "ok", "ok"},
	{"DCS BEL is no terminator", "\x1bPq\x07#0\x1b\\ok", "ok", "ok"},
	{"8-bit DCS", "\u0090+q544e\u009cok", "ok", "ok"},
	{"SOS PM APC", "\x1bXa\x1b\\\x1b^b\x1b\\\x1b_c\x1b\\d", "d", "d"},
	{"8-bit SOS PM APC", "\u0098a\u009c\u009eb\u009c\u009fc\u009cd", "d", "d"},
	{"unterminated OSC", "a\x1b]0;title never ends\nmore", "a", "a"},
	{"unterminated DCS", "a\x1bPq#0;2;0;0;0#0~~@@", "a", "a"},
	{"8-bit CSI", "\u009b2Jx\u009b1;31my", "xy", "xy"},
	{"charset", "\x1b(0lqk\x1b(B", "lqk", "lqk"},
	{"DECALN", "\x1b#8x", "x", "x"},
	{"nF with intermediates", "\x1b $ Bx", "x", "x"},
	{"nF unfinished", "\x1b(\x01x", "x", "x"},
	{"keypad modes", "\x1b=\x1b>x", "x", "x"},
	{"lone ESC at end", "a\x1b", "a", "a"},
	{"ESC before text", "\x1bé", "é", "é"},
	{"ESC before control", "\x1b\x01x", "x", "x"},
	{"ESC ESC", "\x1b\x1b[31mx", "x", "x"},
	{"CSI cut by newline", "\x1b[1\n2m", " 2m", "\n2m"},
	{"CSI at end", "x\x1b[1;", "x", "x"},

	// Other controls.
	{"C0", "a\x07b\x08c\x00d\x0ee\x0ff\x1fg", "abcdefg", "abcdefg"},
	{"DEL", "a\x7fb", "ab", "ab"},
	{"C1", "a\u0085b\u008dc\u0080d", "abcd", "abcd"},
	{"bidi override", "access\u202e\u2066level\u2069\u2066", "accesslevel", "accesslevel"},
	{"bidi trojan", "if (isAdmin) {\u202e \u2066// check later\u2069 \u2066", "if (isAdmin) { // check later ", "if (isAdmin) { // check later "},
	{"bidi marks", "\u200e\u200f\u061ca\u202a\u202b\u202c\u202d", "a", "a"},

	// Invisible format characters: removed.
	{"zero width space", "ad\u200bmin", "admin", "admin"},
	{"line separator", "a\u2028b", "ab", "ab"},
	{"paragraph separator", "a\u2029b", "ab", "ab"},
	{"byte order mark", "\ufeffhi\ufeff", "hi", "hi"},
	{"tag characters", "a\U000e0001\U000e0041\U000e0020b\U000e007f", "ab", "ab"},
	{"tags of a subdivision flag", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴", "🏴"},
	{"combining grapheme joiner", "a\u034fb", "ab", "ab"},
	{"word joiner", "a\u2060b", "ab", "ab"},
	{"function application", "f\u2061x", "fx", "fx"},
	{"invisible times", "2\u2062x", "2x", "2x"},
	{"invisible separator", "a\u2063b", "ab", "ab"},
	{"invisible plus", "1\u2064b", "1b", "1b"},
	{"soft hyphen", "soft\u00adware", "software", "software"},
	{"mongolian vowel separator", "a\u180eb", "ab", "ab"},
	{"hangul choseong filler", "a\u115fb", "ab", "ab"},
	{"hangul jungseong filler", "a\u1160b", "ab", "ab"},
	{"hangul filler", "\u3164", "", ""},
	{"halfwidth hangul filler", "a\uffa0b", "ab", "ab"},
	{"deprecated format controls", "\u206aa\u206bb\u206cc\u206dd\u206ee\u206ff", "abcdef", "abcdef"},
	{"invisible name", "\u200b\u2060\ufeff\u3164", "", ""},
	{"invisible in a message", "line\u2028one\r\n\u200btwo", "lineone  two", "lineone\ntwo"},

	// Their neighbours: kept.
	{"joiners kept", "a\u200cb\u200dc", "a\u200cb\u200dc", "a\u200cb\u200dc"},
	{"emoji ZWJ sequence kept", "👩\u200d💻 👨\u200d👩\u200d👧", "👩\u200d💻 👨\u200d👩\u200d👧", "👩\u200d💻 👨\u200d👩\u200d👧"},
	{"indic ZWJ and ZWNJ kept", "क्\u200dष क्\u200cष", "क्\u200dष क्\u200cष", "क्\u200dष क्\u200cष"},
	{"variation selectors kept", "❤\ufe0f ☺\ufe0e 葛\U000e0100", "❤\ufe0f ☺\ufe0e 葛\U000e0100", "❤\ufe0f ☺\ufe0e 葛\U000e0100"},
	{"keycap kept", "1\ufe0f\u20e3", "1\ufe0f\u20e3", "1\ufe0f\u20e3"},
	{"near the ranges kept", "\u00ac\u00ae\u034e\u0350\u2027\u202f\u205f\u2065\u2070\u3163\u3165\ufefe\uffa1", "\u00ac\u00ae\u034e\u0350\u2027\u202f\u205f\u2065\u2070\u3163\u3165\ufefe\uffa1", "\u00ac\u00ae\u034e\u0350\u2027\u202f\u205f\u2065\u2070\u3163\u3165\ufefe\uffa1"},
	{"hangul syllables kept", "한국어", "한국어", "한국어"},

	// Line breaks and tabs.
	{"tabs and newlines", "a\tb\r\nc\rd\ne", "a b  c d e", "a\tb\nc\nd\ne"},
	{"CR at end", "a\r", "a ", "a\n"},
	{"CR CR LF", "a\r\r\nb", "a   b", "a\n\nb"},
	{"LF CR", "a\n\rb", "a  b", "a\n\nb"},

	// Invalid UTF-8.
	{"invalid", "a\xffb\xc3", "a\uFFFDb\uFFFD", "a\uFFFDb\uFFFD"},
	{"raw 8-bit CSI", "\x9b2J", "\uFFFD2J", "\uFFFD2J"},
	{"surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD", "\uFFFD\uFFFD\uFFFD"},
	{"replacement char kept", "\uFFFD", "\uFFFD", "\uFFFD"},
}

func TestSanitize(t *testing.T) {
	for _, v := range sanitizeVectors {
		t.Run(v.name, func(t *testing.T) {
			if got := Sanitize(v.in); got != v.line {
				t.Errorf("Sanitize(%q) = %q; want %q", v.in, got, v.line)
			}
			if got := SanitizeText(v.in); got != v.text {
				t.Errorf("SanitizeText(%q) = %q; want %q", v.in, got, v.text)
			}
		})
	}
}

// TestSanitizeNoAlloc checks the fast path: clean text comes back as the
// very same string.
func TestSanitizeNoAlloc(t *testing.T) {
	tests := []struct {
		in   string
		text bool
	}{
		{"plain text", false},
		{"Grüße 世界 😀", false},
		{"👩\u200d💻 ❤\ufe0f क्\u200cष", false},
		{"", false},
		{"two\nlines\twith a tab", true},
	}
	for _, tt := range tests {
		f, name := Sanitize, "Sanitize"
		if tt.text {
			f, name = SanitizeText, "SanitizeText"
		}
		var got string
		allocs := testing.AllocsPerRun(100, func() { got = f(tt.in) })
		if allocs != 0 {
			t.Errorf("%s(%q) allocates %v times; want 0", name, tt.in, allocs)
		}
		if unsafe.StringData(got) != unsafe.StringData(tt.in) {
			t.Errorf("%s(%q) returned a copy; want the string itself", name, tt.in)
		}
	}
}

// checkSanitized reports what makes out unfit to be Sanitize's output.
func checkSanitized(out string, text bool) string {
	if !utf8.ValidString(out) {
		return "invalid UTF-8"
	}
	for _, r := range out {
		switch {
		case text && (r == '\n' || r == '\t'):
		case r < 0x20:
			return "a C0 control"
		case r == 0x7f:
			return "DEL"
		case r >= 0x80 && r <= 0x9f:
			return "a C1 control"
		case isBidiControl(r):
			return "a bidi control"
		case isInvisible(r):
			return "an invisible format character"
		}
	}
	return ""
}

func FuzzSanitize(f *testing.F) {
	for _, v := range sanitizeVectors {
		f.Add(v.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		line := Sanitize(in)
		if bad := checkSanitized(line, false); bad != "" {
			t.Fatalf("Sanitize(%q) = %q; has %s", in, line, bad)
		}
		if again := Sanitize(line); again != line {
			t.Fatalf("Sanitize(Sanitize(%q)) = %q; want %q", in, again, line)
		}
		text := SanitizeText(in)
		if bad := checkSanitized(text, true); bad != "" {
			t.Fatalf("SanitizeText(%q) = %q; has %s", in, text, bad)
		}
		if again := SanitizeText(text); again != text {
			t.Fatalf("SanitizeText(SanitizeText(%q)) = %q; want %q", in, again, text)
		}
		// The two differ only in line breaks and tabs.
		flat := strings.NewReplacer("\n", " ", "\t", " ").Replace(text)
		if strings.Count(line, " ") < strings.Count(flat, " ") || len(flat) > len(line) {
			t.Fatalf("Sanitize(%q) = %q; want it to be SanitizeText's %q with spaces for breaks", in, line, text)
		}
		// Clean input comes back unchanged.
		if checkSanitized(in, false) == "" && line != in {
			t.Fatalf("Sanitize(%q) = %q; want it unchanged", in, line)
		}
	})
}

func BenchmarkSanitize(b *testing.B) {
	inputs := []struct {
		name string
		in   string
		text bool
	}{
		{"clean", strings.Repeat("An ordinary one-liner, with ünïcödé and 世界. ", 20), false},
		{"escapes", strings.Repeat("\x1b[1;31mred\x1b[0m \x1b]8;;http://x.example/\x07link\x1b]8;;\x07 ", 20), false},
		{"message", strings.Repeat("Dear sysop,\r\n\tthe board is great.\r\n", 20), true},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			f := Sanitize
			if in.text {
				f = SanitizeText
			}
			b.SetBytes(int64(len(in.in)))
			b.ReportAllocs()
			for b.Loop() {
				f(in.in)
			}
		})
	}
}
