package markup

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// sgrRE matches the only escape sequences Render may write.
var sgrRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// fuzzVars is the fuzzer's board: values with codes, escapes, wide and
// zero-width characters.
var fuzzVars = Vars{
	VarUser:     "bob",
	VarBBS:      "x84",
	VarTimeLeft: "unlimited",
	"PIPES":     "|12bob@USER@",
	"EVIL":      "a\x1b[2Jb\nc\x07d\u202ee\xff",
	"WIDE":      "漢字e\u0301",
	"EMPTY":     "",
}

// seeds are inputs from the tables, for the fuzzer to start from.
var seeds = []string{
	"|07hi", "|15|17Menu|07 [Q]uit", "|12a|17b", "a|12", "||1212", "|1|1212",
	"|24|2|-1|ab|", "a\r\nb\rc\nd\t", "a\x1b[2Jb\x1b]0;t\x07\u009b2J\u202e\xff",
	"|1\x1b[m2x", "Hi @USER@!", "bob@HOME@", "@NOPE@USER@", "@USER:0@@USER:201@@USER:05@",
	"[@WIDE:3@][@BBS:1@][@EMPTY:2@]", "@PIPES@@EVIL@", "|14@PIPES@|17",
	"|01|17x|17|01y|00z|23w", "|08[|15N|08]|07ew scan  |12@USER:12@ |03@TIMELEFT@ min",
}

func FuzzRender(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, false, true)
		f.Add(s, true, false)
	}
	f.Fuzz(func(t *testing.T, text string, c256, withVars bool) {
		o := Options{Colors: 16}
		if c256 {
			o.Colors = 256
		}
		if withVars {
			o.Vars = fuzzVars
		}
		out := Render(text, o)
		checkOutput(t, "Render", text, out)
		plain := visible(out)

		if got := Strip(text, o.Vars); got != plain {
			t.Fatalf("Strip(%q) = %q; Render shows %q", text, got, plain)
		}
		if got := Render(text, Options{Vars: o.Vars, NoColor: true}); got != strings.ReplaceAll(plain, "\n", "\r\n") {
			t.Fatalf("Render(%q, NoColor) = %q; want %q", text, got, plain)
		}
		widest := 0
		for line := range strings.SplitSeq(plain, "\n") {
			widest = max(widest, width(line))
		}
		if got := Width(text, o.Vars); got != widest {
			t.Fatalf("Width(%q) = %d; Render shows %q, %d columns", text, got, plain, widest)
		}

		subs := min(strings.Count(text, "@"), MaxSubstitutions)
		if limit := 4*len(text) + 4 + subs*(MaxValueLen+MaxWidth); len(out) > limit {
			t.Fatalf("Render(%d bytes) = %d bytes; want at most %d", len(text), len(out), limit)
		}

		// Strip leaves no colour code behind unless the text showed a
		// '|' as it is ("||1212" shows "|12").
		clean := term.SanitizeText(text)
		literal := false
		for i := range len(clean) {
			if _, ok := pipeCode(clean[i+1:]); clean[i] == '|' && !ok {
				literal = true
			}
		}
		if s := Strip(text, nil); !literal && strings.Contains(s, "|") {
			t.Fatalf("Strip(%q) = %q; want no '|' left from codes", text, s)
		}

		// A caller's text: the same safety, no @-codes, never invisible.
		out = RenderCaller(text, o)
		checkOutput(t, "RenderCaller", text, out)
		if got, want := visible(out), Strip(text, nil); got != want {
			t.Fatalf("RenderCaller(%q) shows %q; want %q", text, got, want)
		}
		if !c256 {
			checkVisible(t, text, out)
		}
	})
}

// checkOutput checks that out, rendered from in, holds nothing but text,
// SGR sequences and CR LF line ends, and ends colour it set.
func checkOutput(t *testing.T, f, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: not UTF-8", f, in, out)
	}
	rest := sgrRE.ReplaceAllString(out, "")
	for i, r := range rest {
		switch {
		case r == '\r' && strings.HasPrefix(rest[i:], "\r\n"), r == '\n' && i > 0 && rest[i-1] == '\r':
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			t.Fatalf("%s(%q) = %q: holds %U outside an SGR sequence", f, in, out, r)
		}
	}
	if len(rest) != len(out) && !strings.HasSuffix(out, reset) {
		t.Fatalf("%s(%q) = %q: sets colour and does not reset it", f, in, out)
	}
}

// visible returns the text out shows, with "\n" line ends.
func visible(out string) string {
	return strings.ReplaceAll(sgrRE.ReplaceAllString(out, ""), "\r\n", "\n")
}

// checkVisible follows the 16-colour SGR sequences of RenderCaller's
// output and fails if any text is drawn in its background's colour.
func checkVisible(t *testing.T, in, out string) {
	t.Helper()
	var ansiToDOS = [8]int{0, 4, 2, 6, 1, 5, 3, 7}
	fg, bg := -1, -1
	for len(out) > 0 {
		loc := sgrRE.FindStringIndex(out)
		if loc == nil {
			loc = []int{len(out), len(out)}
		}
		text := strings.ReplaceAll(out[:loc[0]], "\r\n", "")
		if text != "" && invisible(fg, bg) {
			t.Fatalf("RenderCaller(%q) draws %q in colour %d on %d", in, text, fg, bg)
		}
		if loc[0] == len(out) {
			return
		}
		for p := range strings.SplitSeq(out[loc[0]+2:loc[1]-1], ";") {
			n := 0
			for _, c := range p {
				n = n*10 + int(c-'0')
			}
			switch {
			case n == 0:
				fg, bg = -1, -1
			case n >= 30 && n <= 37:
				fg = ansiToDOS[n-30]
			case n >= 90 && n <= 97:
				fg = 8 + ansiToDOS[n-90]
			case n >= 40 && n <= 47:
				bg = ansiToDOS[n-40]
			}
		}
		out = out[loc[1]:]
	}
}
