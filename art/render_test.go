package art

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// reset starts every rendering; end ends every row.
const (
	reset = "\x1b[0m"
	end   = "\x1b[0m\r\n"
)

var renderTests = []struct {
	name       string
	in         string
	cols, rows int
	want       string
}{
	{"empty", "", 80, 0, ""},
	{"only blanks", "   \r\n\x1b[31m  ", 80, 0, ""},
	{"text", "hi", 80, 0, reset + "hi" + end},
	{"trailing blanks", "A   ", 80, 0, reset + "A" + end},
	{"trailing blank rows", "a\r\n\r\n\r\n", 80, 0, reset + "a" + end},
	{"blank row inside", "a\r\n\r\nb", 80, 0, reset + "a" + end + end + "b" + end},
	{"bold is bright", "\x1b[1;31mA", 80, 0, reset + "\x1b[91mA" + end},
	{"bold later", "\x1b[31mA\x1b[1mB\x1b[22mC", 80, 0, reset + "\x1b[31mA\x1b[91mB\x1b[31mC" + end},
	{"bold default", "\x1b[1mx", 80, 0, reset + "\x1b[97mx" + end},
	{"same colour twice", "\x1b[32mA\x1b[32mB", 80, 0, reset + "\x1b[32mAB" + end},
	{"background then reset", "\x1b[44m  \x1b[0m  x", 80, 0, reset + "\x1b[44m  \x1b[0m  x" + end},
	{"blank keeps foreground", "\x1b[31mA\x1b[32m \x1b[31mB", 80, 0, reset + "\x1b[31mA B" + end},
	{"reverse default", "\x1b[7mx", 80, 0, reset + "\x1b[30;47mx" + end},
	{"reverse bold", "\x1b[1;7;31;44mx", 80, 0, reset + "\x1b[94;41mx" + end},
	{"blink", "\x1b[5mx\x1b[25my", 80, 0, reset + "\x1b[5mx\x1b[0my" + end},
	{"blink background", "\x1b[5;44m x", 80, 0, reset + "\x1b[44m \x1b[5mx" + end},
	{"ice switch", "\x1b[?33h\x1b[5;44m x", 80, 0, reset + "\x1b[104m x" + end},
	{"aixterm colours", "\x1b[94;103mx\x1b[39;49my", 80, 0, reset + "\x1b[94;103mx\x1b[0my" + end},
	{"256 colours", "\x1b[38;5;196mx\x1b[48;5;21my", 80, 0, reset + "\x1b[31mx\x1b[44my" + end},
	{"true colour", "\x1b[38;2;255;255;255mx", 80, 0, reset + "\x1b[97mx" + end},
	{"colon colour", "\x1b[38:5:2mx", 80, 0, reset + "\x1b[32mx" + end},
	{"cp437", "\xdb\xb0\xb1\xb2\xdc\xdf\xdd\xde\xc9\xcd\xbb\x82\xe1\xff|", 80, 0, reset + "█░▒▓▄▀▌▐╔═╗éß\u00a0|" + end},
	{"low glyphs", "\x01\x02\x03\x07\x0c\x0e\x1c\x7f", 80, 0, reset + "☺☻♥•♀♫∟⌂" + end},
	{"nul is blank", "a\x00b", 80, 0, reset + "a b" + end},
	{"sub ends art", "a\x1ab", 80, 0, reset + "a" + end},
	{"tab", "a\tb\tc", 80, 0, reset + "a       b       c" + end},
	{"tab at the edge", strings.Repeat("x", 78) + "\t!", 80, 0, reset + strings.Repeat("x", 78) + " !" + end},
	{"backspace", "ab\bc", 80, 0, reset + "ac" + end},
	{"carriage return", "abc\rX", 80, 0, reset + "Xbc" + end},
	{"lf returns", "ab\ncd", 80, 0, reset + "ab" + end + "cd" + end},
	{"left", "abc\x1b[2DX", 80, 0, reset + "aXc" + end},
	{"left past the edge", "abc\x1b[99DX", 80, 0, reset + "Xbc" + end},
	{"right", "a\x1b[3Cb", 80, 0, reset + "a   b" + end},
	{"right default count", "a\x1b[Cb", 80, 0, reset + "a b" + end},
	{"up and down", "a\r\nb\x1b[Ac\x1b[2Bd", 80, 0, reset + "ac" + end + "b" + end + "  d" + end},
	{"up past the top", "\x1b[5Ax", 80, 0, reset + "x" + end},
	{"position", "\x1b[2;3Hx\x1b[1;1fy", 80, 0, reset + "y" + end + "  x" + end},
	{"position defaults", "abc\x1b[Hx\x1b[;2Hy", 80, 0, reset + "xyc" + end},
	{"column", "abcdef\x1b[3GX\x1b[GY", 80, 0, reset + "YbXdef" + end},
	{"next and previous line", "ab\x1b[Ec\x1b[Fd", 80, 0, reset + "db" + end + "c" + end},
	{"save and restore", "ab\x1b[sxyz\x1b[uQ", 80, 0, reset + "abQyz" + end},
	{"dec save and restore", "ab\x1b7xyz\x1b8Q", 80, 0, reset + "abQyz" + end},
	{"clear screen", "junk\r\nmore\x1b[2Jok", 80, 0, reset + "ok" + end},
	{"erase below", "aaa\r\nbbb\r\nccc\x1b[2;2H\x1b[J", 80, 0, reset + "aaa" + end + "b" + end},
	{"erase above", "aaa\r\nbbb\r\nccc\x1b[2;2H\x1b[1J", 80, 0, reset + end + "  b" + end + "ccc" + end},
	{"erase line end", "abcdef\x1b[3D\x1b[K", 80, 0, reset + "abc" + end},
	{"erase line start", "abcdef\x1b[3D\x1b[1K", 80, 0, reset + "    ef" + end},
	{"erase line", "abcdef\x1b[2K", 80, 0, ""},
	{"wrap", strings.Repeat("a", 80) + "b", 80, 0, reset + strings.Repeat("a", 80) + end + "b" + end},
	{"full line then crlf", strings.Repeat("a", 80) + "\r\nb", 80, 0, reset + strings.Repeat("a", 80) + end + "b" + end},
	{"full line then cursor", strings.Repeat("a", 80) + "\x1b[DX", 80, 0, reset + strings.Repeat("a", 78) + "Xa" + end},
	{"clip", "ABCDEF\r\nGH", 3, 0, reset + "ABC" + end + "GH" + end},
	{"clip colour", "\x1b[41mABCDEF", 3, 0, reset + "\x1b[41mABC" + end},
	{"zero cols is the art's width", strings.Repeat("a", 90), 0, 0, reset + strings.Repeat("a", 80) + end + strings.Repeat("a", 10) + end},
	{"rows", "a\r\nb\r\nc", 80, 2, reset + "a" + end + "b" + end},
	{"malformed csi", "a\x1b[1\x07b", 80, 0, reset + "a•b" + end},
	{"esc esc", "a\x1b\x1b[32mb", 80, 0, reset + "a\x1b[32mb" + end},
	{"two byte escape", "a\x1bZb\x1b(Bc", 80, 0, reset + "abc" + end},
	{"osc ended by bel", "a\x1b]0;title\x07b", 80, 0, reset + "ab" + end},
	{"dcs ended by st", "a\x1bPq#0;2;0;0;0\x1b\\b", 80, 0, reset + "ab" + end},
	{"osc cut by esc", "a\x1b]8;;x\x1b[31mb", 80, 0, reset + "a\x1b[31mb" + end},
	{"osc cut by sub", "a\x1b]0;x\x1ab", 80, 0, reset + "a" + end},
	{"osc unterminated", "a\x1b]0;title", 80, 0, reset + "a" + end},
	{"esc at the end", "a\x1b", 80, 0, reset + "a" + end},
	{"csi at the end", "a\x1b[12", 80, 0, reset + "a" + end},
	{"private ignored", "\x1b[?7h\x1b[=5h\x1b[>c\x1b[?25lok", 80, 0, reset + "ok" + end},
	{"intermediate ignored", "\x1b[1 qok", 80, 0, reset + "ok" + end},
	{"unknown final ignored", "\x1b[6nok\x1b[1;2r", 80, 0, reset + "ok" + end},
	{"huge parameters", "\x1b[99999999999999999999Cx", 80, 0, reset + strings.Repeat(" ", 79) + "x" + end},
	{"pipe colours", "|12red|07 grey|09|17blue on blue", 80, 0, reset + "\x1b[91mred \x1b[37mgrey\x1b[94;44mblue on blue" + end},
	{"pipe dark grey after bold", "\x1b[1;31mA|08B|00C", 80, 0, reset + "\x1b[91mA\x1b[90mB\x1b[30mC" + end},
	{"not pipe codes", "|24|1x|a|", 80, 0, reset + "|24|1x|a|" + end},
	{"pipe at the end", "ok|1", 80, 0, reset + "ok|1" + end},
	{"parameters past 16 ignored", "\x1b[" + strings.Repeat("1;", 40) + "31mx", 80, 0, reset + "\x1b[97mx" + end},
}

func TestRender(t *testing.T) {
	for _, tt := range renderTests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Art{Name: tt.name, Body: []byte(tt.in)}
			if got := a.Render(tt.cols, tt.rows); got != tt.want {
				t.Errorf("Render(%q, %d, %d) = %q; want %q", tt.in, tt.cols, tt.rows, got, tt.want)
			}
		})
	}
}

func TestHeight(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"a", 1},
		{"a\r\n\r\n", 1},
		{"\r\n\r\na", 3},
		{strings.Repeat("x", 100), 2},
		{"\x1b[44m \x1b[0m", 1},
		{"\x1b[5m ", 0},
		{"\x1b[1000;1Hx", MaxRows},
		{"\x1b[9999Bx", 0},
		{strings.Repeat("x\n", 2*MaxRows), MaxRows},
		{strings.Repeat("x", MaxRows*DefaultWidth+5), MaxRows},
	} {
		a := &Art{Body: []byte(tt.in)}
		if got := a.Height(); got != tt.want {
			t.Errorf("Height(%.40q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for _, tt := range []struct {
		s    *SAUCE
		want int
	}{
		{nil, 80},
		{&SAUCE{}, 80},
		{&SAUCE{Width: 40}, 40},
		{&SAUCE{Width: 160}, 160},
		{&SAUCE{Width: 65535}, MaxCols},
	} {
		a := &Art{SAUCE: tt.s}
		if got := a.Width(); got != tt.want {
			t.Errorf("Width(%+v) = %d; want %d", tt.s, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	a, err := Parse("x", []byte("hi\x1a"+recICE))
	if err != nil || a.Name != "x" || string(a.Body) != "hi" || a.SAUCE == nil || !a.SAUCE.ICEColors {
		t.Errorf("Parse = %+v, %v; want body %q with an iCE record", a, err, "hi")
	}
	if a, err := Parse("x", []byte("\x1a"+recBitmap)); err == nil {
		t.Errorf("Parse(bitmap) = %+v; want error", a)
	}
	if a, err := Parse("x", []byte("abc\x1a"+recComments)); err == nil {
		t.Errorf("Parse(damaged) = %+v; want error", a)
	}
}

// goldenTests render the files in testdata; go test -update rewrites the
// expected output.
var goldenTests = []struct {
	file       string
	cols, rows int
}{
	{"wrap", 80, 0},
	{"wrap", 40, 0},
	{"wrap", 80, 3},
	{"cursor", 80, 0},
	{"cursor", 40, 8},
	{"ice", 80, 0},
	{"noice", 80, 0},
	{"sauce40", 80, 0},
	{"sauce40", 20, 0},
}

func TestGolden(t *testing.T) {
	for _, tt := range goldenTests {
		name := fmt.Sprintf("%s-%dx%d", tt.file, tt.cols, tt.rows)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file+".ans"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := Parse(tt.file, data)
			if err != nil {
				t.Fatal(err)
			}
			got := a.Render(tt.cols, tt.rows)
			checkRendering(t, got, tt.cols, tt.rows)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("Render(%s, %d, %d) = %q; want %q", tt.file, tt.cols, tt.rows, got, want)
			}
		})
	}
}

// checkRendering checks what every rendering must be: valid UTF-8 with no
// control bytes but ESC, CR and LF, starting with a reset and made of rows
// that end with one, at most maxRows of them and at most maxCols wide.
func checkRendering(t *testing.T, out string, maxCols, maxRows int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("rendering is not UTF-8: %q", out)
	}
	for i := range len(out) {
		if c := out[i]; (c < 0x20 || c == 0x7f) && c != 0x1b && c != '\r' && c != '\n' {
			t.Fatalf("rendering has control byte %#x at %d: %q", c, i, out)
		}
	}
	if out == "" {
		return
	}
	if !strings.HasPrefix(out, reset) || !strings.HasSuffix(out, end) {
		t.Fatalf("rendering does not start with a reset and end a row: %q", out)
	}
	rows := strings.Split(strings.TrimPrefix(out, reset), "\r\n")
	rows = rows[:len(rows)-1]
	if maxRows > 0 && len(rows) > maxRows {
		t.Fatalf("rendering has %d rows; want at most %d", len(rows), maxRows)
	}
	for _, row := range rows {
		if !strings.HasSuffix(row, reset) || strings.ContainsAny(row, "\r\n") {
			t.Fatalf("row %q does not end with a reset", row)
		}
		if w := utf8.RuneCountInString(stripSGR(row)); maxCols > 0 && w > maxCols {
			t.Fatalf("row %q is %d wide; want at most %d", row, w, maxCols)
		}
	}
}

// stripSGR removes SGR sequences, checking that they are the only escape
// sequences.
func stripSGR(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, 0x1b)
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 || strings.Trim(s[i+2:i+j], "0123456789;") != "" || s[i+1] != '[' {
			return "\x00bad escape sequence\x00"
		}
		s = s[i+j+1:]
	}
}

func FuzzRender(f *testing.F) {
	for _, tt := range renderTests {
		f.Add([]byte(tt.in), tt.cols, tt.rows)
	}
	for _, tt := range goldenTests {
		data, err := os.ReadFile(filepath.Join("testdata", tt.file+".ans"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, tt.cols, tt.rows)
	}
	f.Fuzz(func(t *testing.T, data []byte, cols, rows int) {
		a, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		cols, rows = cols%200, rows%50
		out := a.Render(cols, rows)
		checkRendering(t, out, cols, max(rows, 0))
		if h := a.Height(); (out == "") != (h == 0) {
			t.Fatalf("Render = %q but Height = %d", out, h)
		}
		if rows <= 0 {
			joined := ""
			if lines := a.Lines(cols); len(lines) > 0 {
				joined = reset + strings.Join(lines, "\r\n") + "\r\n"
			}
			if joined != out {
				t.Fatalf("Lines(%d) joined = %q; Render = %q", cols, joined, out)
			}
		}
	})
}

// benchArt is 80x25 cells of art changing colour at every cell, the worst
// case for the output.
func benchArt() *Art {
	var b bytes.Buffer
	for y := range 25 {
		for x := range 80 {
			fmt.Fprintf(&b, "\x1b[%d;%d;%dm%c", x%2, 30+x%8, 40+y%8, 0xb0+byte(x%3))
		}
	}
	return &Art{Name: "bench", Body: b.Bytes()}
}

func BenchmarkRender(b *testing.B) {
	a := benchArt()
	b.SetBytes(int64(len(a.Body)))
	for b.Loop() {
		if a.Render(80, 24) == "" {
			b.Fatal("empty rendering")
		}
	}
}

func BenchmarkRenderLogin(b *testing.B) {
	a, err := NewLibrary("").Load("login")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		a.Render(80, 24)
	}
}
