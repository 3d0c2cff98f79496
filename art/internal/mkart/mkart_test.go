package main

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/charmbracelet/x/vt"
	"github.com/x84bbs/x84/art"
)

// TestUpToDate checks that the committed art is what the drawings in
// pieces.go and gallery.go make, and that no other file is there.
func TestUpToDate(t *testing.T) {
	var names []string
	for _, p := range pieces() {
		names = append(names, p.name+".ans")
		got, err := build(p)
		if err != nil {
			t.Fatalf("build(%s) error %v", p.name, err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "ans", filepath.FromSlash(p.name)+".ans"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("ans/%s.ans is out of date; run go generate ./art", p.name)
		}
	}
	ans := filepath.Join("..", "..", "ans")
	var files []string
	for _, dir := range []string{"", "gallery"} {
		entries, err := os.ReadDir(filepath.Join(ans, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !(dir == "" && e.Name() == "gallery" && e.IsDir()) {
				files = append(files, path.Join(dir, e.Name()))
			}
		}
	}
	slices.Sort(files)
	slices.Sort(names)
	if !slices.Equal(files, names) {
		t.Errorf("art/ans holds %q; want %q", files, names)
	}
}

// TestGalleryPieces checks what the gallery's pieces promise: a SAUCE
// record of x84's, one piece taller than a screen and one in iCE
// colours that needs them.
func TestGalleryPieces(t *testing.T) {
	var tall, ice bool
	for _, p := range galleryPieces() {
		data, err := build(p)
		if err != nil {
			t.Fatalf("build(%s) error %v", p.name, err)
		}
		a, err := art.Parse(p.name, data)
		if err != nil {
			t.Fatalf("Parse(%s) error %v", p.name, err)
		}
		s := a.SAUCE
		if s == nil || s.Title == "" || s.Author != "x84" || s.Group != "x84" || s.Font != "IBM VGA" || s.Date.IsZero() ||
			s.Width != width || s.Height != a.Height() {
			t.Errorf("%s: SAUCE record %+v; want x84's, %d wide, as tall as the art (%d)", p.name, s, width, a.Height())
			continue
		}
		tall = tall || s.Height > 25
		ice = ice || s.ICEColors && bytes.Contains(a.Body, []byte("\x1b[5"))
	}
	if !tall || !ice {
		t.Errorf("the gallery has a piece taller than 25 rows: %v, one with bright backgrounds: %v; want both", tall, ice)
	}
}

// TestICEOnly: bright backgrounds are an error in a piece not drawn for
// iCE colours, where they would blink.
func TestICEOnly(t *testing.T) {
	p := piece{"x", "x", func(s *sheet) { s.put(0, 0, ' ', grey, brightBlue) }}
	if _, err := build(p); err == nil {
		t.Errorf("build(bright background without iCE) succeeded; want an error")
	}
	p.draw = func(s *sheet) { s.ice = true; s.put(0, 0, ' ', grey, brightBlue) }
	if _, err := build(p); err != nil {
		t.Errorf("build(bright background with iCE) error %v", err)
	}
}

func TestSet(t *testing.T) {
	got := set(map[rune]bitmap{'a': {"#", "#"}, 'b': {"##", ".#", "#."}}, "aba", 1)
	want := bitmap{"#.##.#", "#..#.#", "..#..."}
	if !slices.Equal(got, want) {
		t.Errorf("set(aba) = %q; want %q", got, want)
	}
}

func TestBlocks(t *testing.T) {
	var s sheet
	s.blocks(1, 0, bitmap{"##.#", "#.#."}, func(r int) int { return white })
	s.shadow(1, 0, 1, bitmap{"#"}, darkGrey)
	var got []rune
	for _, c := range s.rows[0][:6] {
		got = append(got, c.r)
	}
	if string(got) != " █▀▄▀ " {
		t.Errorf("blocks row 0 = %q; want %q", string(got), " █▀▄▀ ")
	}
	if c := s.rows[1][2]; c.r != '░' || c.fg != darkGrey {
		t.Errorf("shadow = %q in %d; want ░ in %d", c.r, c.fg, darkGrey)
	}
}

func TestANSI(t *testing.T) {
	var s sheet
	s.paint(1, 0, "█▓ ░", "fc04")
	s.text(0, 1, "é", cyan)
	got, err := s.ansi()
	want := "\x1b[0m \x1b[1m\xdb\x1b[34m\xb2 \x1b[0;34m\xb0\x1b[0m\r\n\x1b[36m\x82\x1b[0m\r\n"
	if err != nil || string(got) != want {
		t.Errorf("ansi() = %q, %v; want %q", got, err, want)
	}
	s.put(0, 2, 'x', brightRed, brightBlue) // bold and blink
	s.put(1, 2, 'y', red, blue)             // neither: a reset first
	s.put(2, 2, 'z', red, brightBlue)       // blink again
	want += "\x1b[1;5;31;44mx\x1b[0;31;44my\x1b[5mz\x1b[0m\r\n"
	got, err = s.ansi()
	if err != nil || string(got) != want {
		t.Errorf("ansi() with bright backgrounds = %q, %v; want %q", got, err, want)
	}
	s.text(0, 3, "→", cyan)
	if _, err := s.ansi(); err == nil {
		t.Errorf("ansi() with → succeeded; want error (a control byte in CP437)")
	}
}

// TestDrawnAsSheet checks that a terminal shows the gallery's pieces as
// drawn: the art package's rendering of each file, run through a
// terminal emulator, has every cell's glyph and colours of the sheet.
func TestDrawnAsSheet(t *testing.T) {
	// The emulator's colours, learnt from a line of each: 16 foregrounds
	// on the 16 backgrounds.
	emu := vt.NewEmulator(width, 2)
	var ref []byte
	for i := range 16 {
		ref = fmt.Appendf(ref, "\x1b[%d;%dmx", 30+i%8+60*(i/8), 40+i%8+60*(i/8))
	}
	emu.Write(ref)
	fgOf, bgOf := map[[4]uint32]int{}, map[[4]uint32]int{}
	for i := range 16 {
		c := emu.CellAt(i, 0)
		fgOf[rgba(c.Style.Fg)], bgOf[rgba(c.Style.Bg)] = i, i
	}
	colour := func(m map[[4]uint32]int, c color.Color, def int) int {
		if c == nil {
			return def
		}
		if i, ok := m[rgba(c)]; ok {
			return i
		}
		return -1
	}
	for _, p := range galleryPieces() {
		var s sheet
		p.draw(&s)
		data, err := build(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := art.Parse(p.name, data)
		if err != nil {
			t.Fatal(err)
		}
		emu := vt.NewEmulator(width, len(s.rows)+1)
		emu.Write([]byte(a.Render(width, 0)))
		bad := 0
		for y, row := range s.rows {
			for x, want := range row {
				c := emu.CellAt(x, y)
				got := cell{r: ' ', fg: colour(fgOf, c.Style.Fg, grey), bg: colour(bgOf, c.Style.Bg, black)}
				if c.Content != "" {
					got.r = []rune(c.Content)[0]
				}
				if want.r == ' ' {
					got.fg = want.fg // a blank shows no foreground
				}
				if got != want && bad < 5 {
					bad++
					t.Errorf("%s: cell %d,%d is %q %d on %d; want %q %d on %d", p.name, x, y, got.r, got.fg, got.bg, want.r, want.fg, want.bg)
				}
			}
		}
	}
}

func rgba(c color.Color) [4]uint32 {
	r, g, b, a := c.RGBA()
	return [4]uint32{r, g, b, a}
}
