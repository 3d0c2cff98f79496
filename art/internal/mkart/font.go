package main

import (
	"fmt"
	"strings"
)

// A bitmap is a picture in pixels, '#' for on: one column wide and half a
// row tall each, so half blocks (▀ ▄ █) draw two of them per cell and the
// pixels come out square.
type bitmap []string

// big returns the large letters, 12 pixels (6 rows) from the top of a
// capital to the baseline; the y's tail hangs 3 pixels below it.
func big() map[rune]bitmap {
	return map[rune]bitmap{
		'x': {
			"",
			"",
			"",
			"",
			"####......####",
			".####....####.",
			"..####..####..",
			"...########...",
			"...########...",
			"..####..####..",
			".####....####.",
			"####......####",
		},
		'8': {
			"..##########..",
			".############.",
			"####......####",
			"####......####",
			"####......####",
			".############.",
			".############.",
			"####......####",
			"####......####",
			"####......####",
			".############.",
			"..##########..",
		},
		'4': {
			"####.....####.",
			"####.....####.",
			"####.....####.",
			"####.....####.",
			"####.....####.",
			"##############",
			".#############",
			".........####.",
			".........####.",
			".........####.",
			".........####.",
			".........####.",
		},
		'b': {
			"####.........",
			"####.........",
			"####.........",
			"####.........",
			"###########..",
			"############.",
			"####.....####",
			"####.....####",
			"####.....####",
			"####.....####",
			"############.",
			"###########..",
		},
		'y': {
			"",
			"",
			"",
			"",
			"####.....####",
			"####.....####",
			"####.....####",
			"####.....####",
			"####.....####",
			".############",
			"..###########",
			".........####",
			".........####",
			".###########.",
			".##########..",
		},
		'e': {
			"",
			"",
			"",
			"",
			"..#########..",
			".###########.",
			"####.....####",
			"#############",
			"#############",
			"####.........",
			".###########.",
			"..##########.",
		},
	}
}

// small returns capitals 5 pixels tall (three rows, the last half empty)
// for section headers.
func small() map[rune]bitmap {
	return map[rune]bitmap{
		'A':  {".###.", "#...#", "#####", "#...#", "#...#"},
		'B':  {"####.", "#...#", "####.", "#...#", "####."},
		'C':  {".####", "#....", "#....", "#....", ".####"},
		'D':  {"####.", "#...#", "#...#", "#...#", "####."},
		'E':  {"#####", "#....", "####.", "#....", "#####"},
		'F':  {"#####", "#....", "####.", "#....", "#...."},
		'G':  {".####", "#....", "#..##", "#...#", ".####"},
		'H':  {"#...#", "#...#", "#####", "#...#", "#...#"},
		'I':  {"###", ".#.", ".#.", ".#.", "###"},
		'L':  {"#...", "#...", "#...", "#...", "####"},
		'M':  {"#...#", "##.##", "#.#.#", "#...#", "#...#"},
		'N':  {"#...#", "##..#", "#.#.#", "#..##", "#...#"},
		'O':  {".###.", "#...#", "#...#", "#...#", ".###."},
		'P':  {"####.", "#...#", "####.", "#....", "#...."},
		'R':  {"####.", "#...#", "####.", "#..#.", "#...#"},
		'S':  {".####", "#....", ".###.", "....#", "####."},
		'T':  {"#####", "..#..", "..#..", "..#..", "..#.."},
		'U':  {"#...#", "#...#", "#...#", "#...#", ".###."},
		'W':  {"#...#", "#...#", "#.#.#", "##.##", "#...#"},
		'Y':  {"#...#", "#...#", ".###.", "..#..", "..#.."},
		'\'': {"#", "#", ".", ".", "."},
		' ':  {"..", "..", "..", "..", ".."},
	}
}

// set spells text in font, gap pixels apart, as one bitmap.
func set(font map[rune]bitmap, text string, gap int) bitmap {
	h := 0
	for _, r := range text {
		g, ok := font[r]
		if !ok {
			panic(fmt.Sprintf("mkart: no glyph for %q", r))
		}
		h = max(h, len(g))
	}
	out := make(bitmap, h)
	for i, r := range []rune(text) {
		g := font[r]
		w := g.width()
		for y := range out {
			if i > 0 {
				out[y] += strings.Repeat(".", gap)
			}
			line := ""
			if y < len(g) {
				line = g[y]
			}
			out[y] += pad(line, w)
		}
	}
	return out
}

// width returns the width of the widest line.
func (b bitmap) width() int {
	w := 0
	for _, l := range b {
		w = max(w, len(l))
	}
	return w
}

func pad(s string, w int) string {
	for len(s) < w {
		s += "."
	}
	return s
}

// on reports whether pixel x, y is set.
func (b bitmap) on(x, y int) bool {
	return y >= 0 && y < len(b) && x >= 0 && x < len(b[y]) && b[y][x] == '#'
}

// blocks draws b with its top left corner at column x, row y of s, in
// half blocks coloured by row: fg(r) for the r-th row of the bitmap.
func (s *sheet) blocks(x, y int, b bitmap, fg func(r int) int) {
	for r := 0; 2*r < len(b); r++ {
		for c := range b.width() {
			top, bottom := b.on(c, 2*r), b.on(c, 2*r+1)
			var g rune
			switch {
			case top && bottom:
				g = '█'
			case top:
				g = '▀'
			case bottom:
				g = '▄'
			default:
				continue
			}
			*s.at(x+c, y+r) = cell{r: g, fg: fg(r)}
		}
	}
}

// shadow draws the shadow b casts, one row down and dx columns right, in
// shade characters of colour fg, wherever the cell is still empty.
func (s *sheet) shadow(x, y, dx int, b bitmap, fg int) {
	for r := 0; 2*r < len(b)+2; r++ {
		for c := range b.width() + dx {
			top, bottom := b.on(c-dx, 2*r-2), b.on(c-dx, 2*r-1)
			if !top && !bottom {
				continue
			}
			p := s.at(x+c, y+r)
			if p.r != ' ' {
				continue
			}
			g := '▒'
			if !top || !bottom {
				g = '░'
			}
			*p = cell{r: g, fg: fg}
		}
	}
}
