package qrtext_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/internal/qrtext"
	"github.com/x84bbs/x84/term"
)

var contents = []string{
	"x84",
	"otpauth://totp/x84:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=x84",
	"otpauth://totp/Dream%20World%20BBS:a-rather-long-handle?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Dream%20World%20BBS",
}

// TestLinesExact draws a made-up 3×3 matrix: the quiet zone is light
// (blocks), dark modules are spaces, two rows a line, and the half row
// under the odd last row is dark.
func TestLinesExact(t *testing.T) {
	m := qrtext.Matrix{
		{true, false, true},
		{false, true, false},
		{true, true, false},
	}
	// Each line holds two module rows: light over light is █, light over
	// dark ▀, dark over light ▄, dark over dark a space.
	want := []string{
		"███████████", // quiet zone, rows 0-1
		"███████████", // quiet zone, rows 2-3
		"████▄▀▄████", // code rows 0 and 1
		"████▄▄█████", // code row 2 over the quiet zone
		"███████████", // quiet zone, rows 8-9
		"▀▀▀▀▀▀▀▀▀▀▀", // quiet row 10 over nothing
	}
	if got := qrtext.Lines(m); !slices.Equal(got, want) {
		t.Errorf("Lines(3×3) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLinesReadBack: every drawn code maps back to exactly its matrix,
// in lines of equal width of the size Size gives.
func TestLinesReadBack(t *testing.T) {
	for _, c := range contents {
		m, err := qrtext.Encode(c)
		if err != nil {
			t.Fatalf("Encode(%q) = %v", c, err)
		}
		lines := qrtext.Lines(m)
		cols, rows := qrtext.Size(len(m))
		if len(lines) != rows {
			t.Errorf("Lines(%q): %d lines; want %d", c, len(lines), rows)
		}
		for i, l := range lines {
			if n := len([]rune(l)); n != cols {
				t.Errorf("Lines(%q) line %d: %d columns; want %d", c, i, n, cols)
			}
		}
		back, err := qrtext.Read(lines)
		if err != nil {
			t.Fatalf("Read(Lines(%q)) = %v", c, err)
		}
		if !slices.EqualFunc(back, m, slices.Equal) {
			t.Errorf("Read(Lines(%q)) differs from the matrix", c)
		}
	}
}

// TestOtpauthFitsATerminal: an otpauth URL of a usual board and handle
// draws within 24 rows and 80 columns with room for text beside it.
func TestOtpauthFitsATerminal(t *testing.T) {
	m, err := qrtext.Encode(contents[1])
	if err != nil {
		t.Fatal(err)
	}
	if cols, rows := qrtext.Size(len(m)); rows > 22 || cols > 42 {
		t.Errorf("the code of %q takes %d×%d cells; want at most 42×22", contents[1], cols, rows)
	}
}

// TestCP437: a CP437 session's encoder turns the drawing into CP437's
// block bytes, one byte a cell.
func TestCP437(t *testing.T) {
	m, _ := qrtext.Encode(contents[1])
	lines := qrtext.Lines(m)
	var e term.CP437Encoder
	for _, l := range lines {
		out := e.Append(nil, []byte(l))
		if len(out) != len([]rune(l)) {
			t.Fatalf("CP437 line: %d bytes for %d cells", len(out), len([]rune(l)))
		}
		for _, b := range out {
			if !slices.Contains([]byte{0xDB, 0xDF, 0xDC, ' '}, b) {
				t.Fatalf("CP437 line has byte %#x; want 0xDB, 0xDF, 0xDC or a space", b)
			}
		}
	}
	if got := e.Append(nil, []byte("█▀▄ ")); string(got) != "\xdb\xdf\xdc " {
		t.Errorf("CP437 of █▀▄ = % x; want db df dc 20", got)
	}
}

// TestZbarimg: the drawing, painted as a terminal shows it (light cells
// white, the rest black), and Image are read by a real QR reader (zbar's
// zbarimg) as the content.
func TestZbarimg(t *testing.T) {
	e2e.LookPath(t, "zbarimg")
	for _, c := range contents {
		m, err := qrtext.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		drawn := filepath.Join(t.TempDir(), "drawn.png")
		writePNG(t, drawn, paint(qrtext.Lines(m)))
		painted := filepath.Join(t.TempDir(), "image.png")
		writePNG(t, painted, qrtext.Image(m, 4))
		for _, file := range []string{drawn, painted} {
			if got := zbarimg(t, file); got != c {
				t.Errorf("zbarimg read %q in %s; want %q", got, filepath.Base(file), c)
			}
		}
	}
}

// zbarimg returns what zbarimg reads in a picture.
func zbarimg(t *testing.T, file string) string {
	t.Helper()
	out, err := exec.Command("zbarimg", "--quiet", "--raw", file).Output()
	if err != nil {
		t.Fatalf("zbarimg could not read %s: %v", file, err)
	}
	return strings.TrimRight(string(out), "\n")
}

// paint paints lines of half blocks as a terminal would: each cell 8
// pixels wide and 16 high, its upper and lower halves white where the
// character draws them.
func paint(lines []string) image.Image {
	const w, h = 8, 16
	cols := len([]rune(lines[0]))
	img := image.NewGray(image.Rect(0, 0, cols*w, len(lines)*h))
	for row, l := range lines {
		for col, r := range []rune(l) {
			top, bottom := r == '█' || r == '▀', r == '█' || r == '▄'
			for y := range h {
				lit := top && y < h/2 || bottom && y >= h/2
				for x := range w {
					if lit {
						img.SetGray(col*w+x, row*h+y, color.Gray{Y: 255})
					}
				}
			}
		}
	}
	return img
}

func writePNG(t *testing.T, file string, img image.Image) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestReadRefuses(t *testing.T) {
	m, _ := qrtext.Encode("x84")
	good := qrtext.Lines(m)
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"nothing", nil},
		{"a short line", append(slices.Clone(good[:len(good)-1]), good[len(good)-1][3:])},
		{"a line missing", good[:len(good)-1]},
		{"another character", append([]string{strings.Replace(good[0], "█", "#", 1)}, good[1:]...)},
		{"a dark quiet zone", append([]string{strings.Replace(good[0], "█", " ", 1)}, good[1:]...)},
		{"light under the code", append(slices.Clone(good[:len(good)-1]), strings.Repeat("█", len([]rune(good[0]))))},
	} {
		if _, err := qrtext.Read(tc.lines); err == nil {
			t.Errorf("Read(%s) = nil error; want ErrNotDrawn", tc.name)
		}
	}
}

// FuzzRead: Read never panics, and what it reads draws back the same.
func FuzzRead(f *testing.F) {
	m, _ := qrtext.Encode("x84")
	f.Add(strings.Join(qrtext.Lines(m), "\n"))
	f.Add("█████████\n█████████\n████ ████\n█████████\n▀▀▀▀▀▀▀▀▀")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		m, err := qrtext.Read(lines)
		if err != nil {
			return
		}
		if again := qrtext.Lines(m); !slices.Equal(again, lines) {
			t.Errorf("Lines(Read(%q)) = %q", s, again)
		}
	})
}
