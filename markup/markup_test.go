package markup

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/vt"
)

// vars is what the tests' board fills in.
var testVars = Vars{
	VarUser:     "bob",
	VarNode:     "3",
	VarBBS:      "x84 test board",
	VarTimeLeft: "unlimited",
	VarLocation: "Dürnstein",
	"WIDE":      "漢字漢字",
	"EMPTY":     "",
	"PIPES":     "|12bob@USER@",
	"EVIL":      "a\x1b[2Jb\nc\x07d\u202ee",
}

// pipeSGR is what each pipe code writes on a 16-colour terminal, spelled
// out rather than computed: DOS blue (1) is ANSI blue (34), DOS red (4)
// ANSI red (31).
var pipeSGR = [24]string{
	"30", "34", "32", "36", "31", "35", "33", "37",
	"90", "94", "92", "96", "91", "95", "93", "97",
	"40", "44", "42", "46", "41", "45", "43", "47",
}

// pipe256 is the same with 256 colours: the xterm palette's nearest
// colours to the VGA ones, outside the 16 a user may redefine.
var pipe256 = [24]string{
	"38;5;16", "38;5;19", "38;5;34", "38;5;37", "38;5;124", "38;5;127", "38;5;130", "38;5;248",
	"38;5;240", "38;5;63", "38;5;83", "38;5;87", "38;5;203", "38;5;207", "38;5;227", "38;5;231",
	"48;5;16", "48;5;19", "48;5;34", "48;5;37", "48;5;124", "48;5;127", "48;5;130", "48;5;248",
}

func TestRenderEveryPipeCode(t *testing.T) {
	for n := range 24 {
		in := fmt.Sprintf("|%02dX", n)
		want := "\x1b[" + pipeSGR[n] + "mX\x1b[0m"
		if got := Render(in, Options{}); got != want {
			t.Errorf("Render(%q) = %q; want %q", in, got, want)
		}
		want = "\x1b[" + pipe256[n] + "mX\x1b[0m"
		if got := Render(in, Options{Colors: 256}); got != want {
			t.Errorf("Render(%q, 256 colours) = %q; want %q", in, got, want)
		}
		if got := Render(in, Options{NoColor: true}); got != "X" {
			t.Errorf("Render(%q, NoColor) = %q; want %q", in, got, "X")
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, in string
		o        Options
		want     string
	}{
		{"plain", "Hello, world", Options{}, "Hello, world"},
		{"empty", "", Options{}, ""},
		{"grey on default", "|07hi", Options{}, "\x1b[37mhi\x1b[0m"},
		{"fg only", "|12a", Options{}, "\x1b[91ma\x1b[0m"},
		{"bg only", "|17a", Options{}, "\x1b[44ma\x1b[0m"},
		{"fg and bg merge", "|15|17a", Options{}, "\x1b[97;44ma\x1b[0m"},
		{"bg then fg merge", "|17|15a", Options{}, "\x1b[97;44ma\x1b[0m"},
		{"later fg wins", "|12|14a", Options{}, "\x1b[93ma\x1b[0m"},
		{"repeat skipped", "|12a|12b", Options{}, "\x1b[91mab\x1b[0m"},
		{"bg change keeps fg", "|12a|17b", Options{}, "\x1b[91ma\x1b[44mb\x1b[0m"},
		{"trailing code writes nothing", "a|12", Options{}, "a"},
		{"only codes", "|12|17", Options{}, ""},
		{"colour across lines", "|12a\nb", Options{}, "\x1b[91ma\r\nb\x1b[0m"},
		{"256 merge", "|15|17a", Options{Colors: 256}, "\x1b[38;5;231;48;5;19ma\x1b[0m"},
		{"truecolor counts as 256", "|01a", Options{Colors: 1 << 24}, "\x1b[38;5;19ma\x1b[0m"},
		{"odd depth counts as 16", "|01a", Options{Colors: 88}, "\x1b[34ma\x1b[0m"},
		{"no colour", "|15|17a|04b", Options{NoColor: true}, "ab"},

		// A '|' that starts no code stays.
		{"lone pipe", "|", Options{}, "|"},
		{"one digit", "|2", Options{}, "|2"},
		{"one digit then text", "|2x", Options{}, "|2x"},
		{"24 out of range", "|24", Options{}, "|24"},
		{"99 out of range", "|99x", Options{}, "|99x"},
		{"letters", "|ab", Options{}, "|ab"},
		{"negative", "|-1", Options{}, "|-1"},
		{"double pipe", "a||b", Options{}, "a||b"},
		{"pipe before code", "||12x", Options{}, "|\x1b[91mx\x1b[0m"},
		{"three digits", "|123", Options{}, "\x1b[91m3\x1b[0m"},
		{"menu separator", "[N]ew | [Q]uit", Options{}, "[N]ew | [Q]uit"},

		// Lines and control characters.
		{"lf", "a\nb", Options{}, "a\r\nb"},
		{"crlf", "a\r\nb", Options{}, "a\r\nb"},
		{"lone cr", "a\rb", Options{}, "a\r\nb"},
		{"trailing lf", "a\n", Options{}, "a\r\n"},
		{"tab", "a\tb", Options{}, "a b"},
		{"clear screen", "a\x1b[2Jb", Options{}, "ab"},
		{"sgr in text", "\x1b[31mred", Options{}, "red"},
		{"osc title", "\x1b]0;pwned\x07ok", Options{}, "ok"},
		{"c1 csi", "a\u009b2Jb", Options{}, "ab"},
		{"bell and nul", "a\x07\x00b", Options{}, "ab"},
		{"bidi override", "a\u202eb", Options{}, "ab"},
		{"invalid utf8", "a\xffb", Options{}, "a\uFFFDb"},
		{"escape cannot hide a code", "|1\x1b[m2x", Options{}, "\x1b[91mx\x1b[0m"},

		// @-codes.
		{"user", "Hi @USER@!", Options{Vars: testVars}, "Hi bob!"},
		{"nil vars", "Hi @USER@!", Options{}, "Hi @USER@!"},
		{"unknown", "mail me at bob@HOME@", Options{Vars: testVars}, "mail me at bob@HOME@"},
		{"e-mail", "sysop@x84.example", Options{Vars: testVars}, "sysop@x84.example"},
		{"unknown then known", "@NOPE@USER@", Options{Vars: testVars}, "@NOPEbob"},
		{"adjacent", "@USER@@NODE@", Options{Vars: testVars}, "bob3"},
		{"one letter name", "@U@", Options{Vars: Vars{"U": "x"}}, "@U@"},
		{"17 letter name", "@ABCDEFGHIJKLMNOPQ@", Options{Vars: Vars{"ABCDEFGHIJKLMNOPQ": "x"}}, "@ABCDEFGHIJKLMNOPQ@"},
		{"16 letter name", "@ABCDEFGHIJKLMNOP@", Options{Vars: Vars{"ABCDEFGHIJKLMNOP": "x"}}, "x"},
		{"digits and underscore", "@A_1@", Options{Vars: Vars{"A_1": "x"}}, "x"},
		{"lower case", "@user@", Options{Vars: Vars{"user": "x"}}, "@user@"},
		{"unterminated", "@USER", Options{Vars: testVars}, "@USER"},
		{"lone at", "@", Options{Vars: testVars}, "@"},
		{"pad", "[@USER:6@]", Options{Vars: testVars}, "[bob   ]"},
		{"exact", "[@USER:3@]", Options{Vars: testVars}, "[bob]"},
		{"truncate", "[@BBS:3@]", Options{Vars: testVars}, "[x84]"},
		{"width 1", "[@BBS:1@]", Options{Vars: testVars}, "[x]"},
		{"width 200", "@USER:200@", Options{Vars: testVars}, "bob" + strings.Repeat(" ", 197)},
		{"width 201", "@USER:201@", Options{Vars: testVars}, "@USER:201@"},
		{"width 0", "@USER:0@", Options{Vars: testVars}, "@USER:0@"},
		{"leading zero", "@USER:05@", Options{Vars: testVars}, "@USER:05@"},
		{"empty width", "@USER:@", Options{Vars: testVars}, "@USER:@"},
		{"four digits", "@USER:1000@", Options{Vars: testVars}, "@USER:1000@"},
		{"width not a number", "@USER:x@", Options{Vars: testVars}, "@USER:x@"},
		{"wide pad", "[@WIDE:9@]", Options{Vars: testVars}, "[漢字漢字 ]"},
		{"wide straddles edge", "[@WIDE:3@]", Options{Vars: testVars}, "[漢 ]"},
		{"accents", "[@LOCATION:10@]", Options{Vars: testVars}, "[Dürnstein ]"},
		{"empty value", "[@EMPTY@]", Options{Vars: testVars}, "[]"},
		{"empty value padded", "[@EMPTY:2@]", Options{Vars: testVars}, "[  ]"},
		{"value codes literal", "@PIPES@", Options{Vars: testVars}, "|12bob@USER@"},
		{"value sanitised", "@EVIL@", Options{Vars: testVars}, "ab cde"},
		{"value in colour", "|14@USER@", Options{Vars: testVars}, "\x1b[93mbob\x1b[0m"},
		{"value codes literal in colour", "|14@PIPES@", Options{Vars: testVars}, "\x1b[93m|12bob@USER@\x1b[0m"},
		{"code after value", "@USER@|12!", Options{Vars: testVars}, "bob\x1b[91m!\x1b[0m"},
		{"standard codes", "@TIMELEFT@ on node @NODE:2@", Options{Vars: testVars}, "unlimited on node 3 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Render(tt.in, tt.o); got != tt.want {
				t.Errorf("Render(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderSubstitutionLimit(t *testing.T) {
	in := strings.Repeat("@USER@", MaxSubstitutions+2)
	got := Render(in, Options{Vars: testVars})
	want := strings.Repeat("bob", MaxSubstitutions) + "@USER@@USER@"
	if got != want {
		t.Errorf("Render(%d codes) ends %q; want it to end %q", MaxSubstitutions+2, got[len(got)-20:], want[len(want)-20:])
	}
}

func TestRenderValueLimit(t *testing.T) {
	long := strings.Repeat("é", MaxValueLen) // 2 bytes each
	got := Render("@LONG@", Options{Vars: Vars{"LONG": long}})
	if want := long[:MaxValueLen]; got != want {
		t.Errorf("Render(@LONG@) is %d bytes; want the value cut to %d", len(got), len(want))
	}
	// A value cut mid-character loses the whole character.
	got = Render("@LONG@", Options{Vars: Vars{"LONG": "x" + long}})
	if want := "x" + long[:MaxValueLen-2]; got != want {
		t.Errorf("Render(@LONG@) is %d bytes; want %d", len(got), len(want))
	}
}

// TestRenderBound checks the size bound Render documents, with the inputs
// that come nearest to it.
func TestRenderBound(t *testing.T) {
	value := strings.Repeat("\u0301", MaxValueLen) // zero width: survives any @-code width
	vars := Vars{"AB": value}
	for _, in := range []string{
		strings.Repeat("|15x|14x", 1000),
		strings.Repeat("|15|23x|14|17x", 1000),
		strings.Repeat("\xff", 1000),
		strings.Repeat("\n", 1000),
		strings.Repeat("@AB:200@", 1000),
		strings.Repeat("@AB@", 5000),
	} {
		for _, colors := range []int{16, 256} {
			got := Render(in, Options{Vars: vars, Colors: colors})
			subs := min(strings.Count(in, "@AB"), MaxSubstitutions)
			if limit := 4*len(in) + 4 + subs*(MaxValueLen+MaxWidth); len(got) > limit {
				t.Errorf("Render(%q…) is %d bytes; want at most %d", in[:8], len(got), limit)
			}
		}
	}
}

// TestRenderLarge renders a megabyte of the patterns that make the
// scanner look ahead most, which would take minutes if any step were
// quadratic.
func TestRenderLarge(t *testing.T) {
	vars := Vars{"ABCDEFGHIJKLMNOP": "x"}
	for _, unit := range []string{"@ABCDEFGHIJKLMNOP:20", "@ABCDEFGHIJKLMNOPQ", "|2|", "\x1b[", "\x1b]", "@AB:2@"} {
		in := strings.Repeat(unit, 1<<20/len(unit))
		out := Render(in, Options{Vars: vars, Colors: 256})
		if len(out) > 4*len(in)+4+MaxSubstitutions*(MaxValueLen+MaxWidth) {
			t.Errorf("Render(%q × %d) = %d bytes", unit, len(in)/len(unit), len(out))
		}
		if w := Width(in, vars); w > len(in) {
			t.Errorf("Width(%q × %d) = %d", unit, len(in)/len(unit), w)
		}
		RenderCaller(in, Options{})
	}
}

func TestRenderCaller(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello", "hello"},
		{"colour", "|12hi", "\x1b[91mhi\x1b[0m"},
		{"clear screen", "a\x1b[2Jb", "ab"},
		{"clear screen made of codes", "|\x1b[2J12x", "\x1b[91mx\x1b[0m"},
		{"cursor home", "\x1b[Hx", "x"},
		{"no at-codes", "I am @USER@", "I am @USER@"},
		{"lf", "a\nb", "a\r\nb"},
		{"bg equal to fg ignored", "|01|17x", "\x1b[34mx\x1b[0m"},
		{"fg equal to bg ignored", "|17|01x", "\x1b[34mx\x1b[0m"},
		{"fg equal to bg later", "|17x|01y", "\x1b[44mxy\x1b[0m"},
		{"bright on same bg kept", "|17|09x", "\x1b[94;44mx\x1b[0m"},
		{"black alone ignored", "|00x", "x"},
		{"black on grey kept", "|23|00x", "\x1b[30;47mx\x1b[0m"},
		{"grey bg alone ignored", "|23x", "x"},
		{"black bg kept", "|16x", "\x1b[40mx\x1b[0m"},
		{"invisible pair dropped later", "|12x|04|20y", "\x1b[91mx\x1b[31my\x1b[0m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderCaller(tt.in, Options{Vars: testVars}); got != tt.want {
				t.Errorf("RenderCaller(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
	if got, want := RenderCaller("|12x", Options{NoColor: true}), "x"; got != want {
		t.Errorf("RenderCaller(|12x, NoColor) = %q; want %q", got, want)
	}
	if got, want := RenderCaller("|12x", Options{Colors: 256}), "\x1b[38;5;203mx\x1b[0m"; got != want {
		t.Errorf("RenderCaller(|12x, 256 colours) = %q; want %q", got, want)
	}
}

func TestStrip(t *testing.T) {
	tests := []struct {
		in   string
		vars Vars
		want string
	}{
		{"|15|17Menu|07 [Q]uit", nil, "Menu [Q]uit"},
		{"a\r\nb\rc\nd", nil, "a\nb\nc\nd"},
		{"Hi @USER@", nil, "Hi @USER@"},
		{"Hi @USER:5@|", testVars, "Hi bob  |"},
		{"|24|2|", nil, "|24|2|"},
		{"x\x1b[2Jy", nil, "xy"},
		{"||1212", nil, "|12"}, // shown as such by Render too
	}
	for _, tt := range tests {
		if got := Strip(tt.in, tt.vars); got != tt.want {
			t.Errorf("Strip(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		in   string
		vars Vars
		want int
	}{
		{"", nil, 0},
		{"|15|17Menu", nil, 4},
		{"漢字", nil, 4},
		{"e\u0301", nil, 1},
		{"short\nmuch longer\nmid", nil, 11},
		{"@USER@", nil, 6},
		{"@USER@", testVars, 3},
		{"@USER:20@|12!", testVars, 21},
		{"@WIDE:3@", testVars, 3},
		{"a\x1b[2Jb", nil, 2},
		{"a\tb", nil, 3},
	}
	for _, tt := range tests {
		if got := Width(tt.in, tt.vars); got != tt.want {
			t.Errorf("Width(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestColorsFor(t *testing.T) {
	tests := []struct {
		term string
		want int
	}{
		{"xterm-256color", 256},
		{"XTERM-256COLOR", 256},
		{"screen-256color", 256},
		{"xterm-direct", 256},
		{"xterm", 16},
		{"ansi", 16},
		{"ansi-bbs", 16},
		{"", 16},
	}
	for _, tt := range tests {
		if got := ColorsFor(tt.term); got != tt.want {
			t.Errorf("ColorsFor(%q) = %d; want %d", tt.term, got, tt.want)
		}
	}
}

func TestColour(t *testing.T) {
	tests := []struct {
		spec   string
		colors int
		want   string
	}{
		{"|07", 16, "\x1b[37m"},
		{"|14", 16, "\x1b[93m"},
		{"|17", 16, "\x1b[44m"},
		{"|15|17", 16, "\x1b[97;44m"},
		{"|17|15", 16, "\x1b[97;44m"},
		{"|15|17", 256, "\x1b[38;5;231;48;5;19m"},
		{"|00", 0, "\x1b[30m"},
	}
	for _, tt := range tests {
		got, err := Colour(tt.spec, tt.colors)
		if err != nil || got != tt.want {
			t.Errorf("Colour(%q, %d) = %q, %v; want %q", tt.spec, tt.colors, got, err, tt.want)
		}
	}
	for _, spec := range []string{"", "|", "|7", "|24", "07", "|07x", "x|07", "|12|14", "|16|17", "|07|17|01", " |07", "|07 "} {
		got, err := Colour(spec, 16)
		if !errors.Is(err, ErrSpec) {
			t.Errorf("Colour(%q) = %q, %v; want ErrSpec", spec, got, err)
		}
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"USER": true, "AB": true, "A_1": true, "ABCDEFGHIJKLMNOP": true,
		"A": false, "": false, "user": false, "ABCDEFGHIJKLMNOPQ": false, "A-B": false, "A B": false,
	} {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v; want %v", name, got, want)
		}
	}
	for _, name := range []string{VarUser, VarNode, VarBBS, VarTimeLeft, VarDate, VarTime, VarCalls, VarLocation, VarOnline, VarCols, VarRows} {
		if !ValidName(name) {
			t.Errorf("ValidName(%q) = false for a standard code", name)
		}
	}
}

// TestXtermIndex recomputes the 256-colour table: for each VGA colour,
// the nearest of xterm's colours 16–255 by squared RGB distance.
func TestXtermIndex(t *testing.T) {
	vga := [16][3]int{
		{0x00, 0x00, 0x00}, {0x00, 0x00, 0xaa}, {0x00, 0xaa, 0x00}, {0x00, 0xaa, 0xaa},
		{0xaa, 0x00, 0x00}, {0xaa, 0x00, 0xaa}, {0xaa, 0x55, 0x00}, {0xaa, 0xaa, 0xaa},
		{0x55, 0x55, 0x55}, {0x55, 0x55, 0xff}, {0x55, 0xff, 0x55}, {0x55, 0xff, 0xff},
		{0xff, 0x55, 0x55}, {0xff, 0x55, 0xff}, {0xff, 0xff, 0x55}, {0xff, 0xff, 0xff},
	} // in DOS order: blue is 1
	xterm := func(n int) [3]int {
		if n >= 232 {
			g := 8 + 10*(n-232)
			return [3]int{g, g, g}
		}
		level := [6]int{0, 95, 135, 175, 215, 255}
		n -= 16
		return [3]int{level[n/36], level[n/6%6], level[n%6]}
	}
	for dos, rgb := range vga {
		best, bestDist := 0, -1
		for n := 16; n < 256; n++ {
			c := xterm(n)
			d := 0
			for k := range 3 {
				d += (c[k] - rgb[k]) * (c[k] - rgb[k])
			}
			if bestDist < 0 || d < bestDist {
				best, bestDist = n, d
			}
		}
		if xtermIndex[dos] != best {
			t.Errorf("xtermIndex[%d] = %d; want %d", dos, xtermIndex[dos], best)
		}
	}
}

// TestOnScreen draws Render's output on an emulated terminal and checks
// what a caller sees: the text, DOS blue drawn as the terminal's blue,
// and the colour ending with the text.
func TestOnScreen(t *testing.T) {
	emu := vt.NewEmulator(20, 3)
	ref := vt.NewEmulator(20, 3)
	if _, err := ref.WriteString("\x1b[34mB\x1b[33;41mY"); err != nil {
		t.Fatal(err)
	}
	out := Render("|01B|06|20Y\n@USER:5@|\x1b[2J", Options{Vars: testVars})
	if _, err := emu.WriteString(out + "z"); err != nil {
		t.Fatal(err)
	}
	for x, want := range []string{"B", "Y"} {
		c, r := emu.CellAt(x, 0), ref.CellAt(x, 0)
		if c == nil || c.Content != want || c.Style.Fg != r.Style.Fg || c.Style.Bg != r.Style.Bg {
			t.Errorf("cell %d of row 0 = %+v; want %q in %+v", x, c, want, r.Style)
		}
	}
	var row strings.Builder
	for x := range 8 {
		c := emu.CellAt(x, 1)
		row.WriteString(c.Content)
		if x == 6 && (c.Style.Fg != nil || c.Style.Bg != nil) {
			t.Errorf("text after Render's output has colours %+v; want the terminal's own", c.Style)
		}
	}
	if got, want := row.String(), "bob  |z "; got != want {
		t.Errorf("row 1 = %q; want %q", got, want)
	}
}

func BenchmarkRender(b *testing.B) {
	line := "|08[|15N|08]|07ew scan  |08[|15R|08]|07ead  |08[|15P|08]|07ost  |12@USER:12@ |03@TIMELEFT@ min left"
	o := Options{Vars: testVars}
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		Render(line, o)
	}
}
