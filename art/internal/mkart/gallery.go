package main

import (
	"math"
	"unicode/utf8"
)

// galleryPieces returns the gallery's pieces, in every language: art to
// look at, shown by the board's art viewer rather than at the top of a
// screen.
func galleryPieces() []piece {
	var ps []piece
	for _, w := range languages {
		ps = append(ps,
			piece{"gallery/x84" + w.suffix, "x84 logo", logoPiece(w.logo)},
			piece{"gallery/sunset" + w.suffix, "iCE sunset", sunset(w.sunset)})
	}
	return ps
}

// noise is a fixed pseudo-random sequence (a linear congruential
// generator), so a drawing comes out the same on every run and Go
// version.
type noise uint32

// intn returns a number in [0, n).
func (r *noise) intn(n int) int {
	*r = *r*1664525 + 1013904223
	return int(uint32(*r>>8) % uint32(n))
}

// put sets the cell at x, y to glyph g in fg on bg.
func (s *sheet) put(x, y int, g rune, fg, bg int) { *s.at(x, y) = cell{r: g, fg: fg, bg: bg} }

// band fills row y with glyph g in fg on bg.
func (s *sheet) band(y int, g rune, fg, bg int) {
	for x := range width {
		s.put(x, y, g, fg, bg)
	}
}

// textOn writes str at x, y in fg on bg.
func (s *sheet) textOn(x, y int, str string, fg, bg int) {
	for _, r := range str {
		s.put(x, y, r, fg, bg)
		x++
	}
}

// pixels is a layer of square pixels over a sheet, each half a cell tall,
// drawn with half blocks (▀ ▄ █) when laid on it.
type pixels map[[2]int]int

// set colours the pixel at column x, pixel row py.
func (p pixels) set(x, py, color int) {
	if x >= 0 && x < width && py >= 0 {
		p[[2]int{x, py}] = color
	}
}

// lay draws the pixels on s: a cell with both halves set becomes █ (or ▀
// on the lower half's colour), one with only one half a half block on the
// cell's background.
func (s *sheet) lay(p pixels) {
	rows := 0
	for k := range p {
		rows = max(rows, k[1]/2+1)
	}
	for y := range rows {
		for x := range width {
			top, tok := p[[2]int{x, 2 * y}]
			bottom, bok := p[[2]int{x, 2*y + 1}]
			switch {
			case tok && bok && top == bottom:
				s.put(x, y, '█', top, s.at(x, y).bg)
			case tok && bok:
				s.put(x, y, '▀', top, bottom)
			case tok:
				s.put(x, y, '▀', top, s.at(x, y).bg)
			case bok:
				s.put(x, y, '▄', bottom, s.at(x, y).bg)
			}
		}
	}
}

// logoFont is the gallery logo's letters, a cell a pixel, ten rows tall.
var logoFont = map[rune]bitmap{
	'x': {
		"",
		"",
		"",
		"####......####",
		".####....####.",
		"..####..####..",
		"....######....",
		"..####..####..",
		".####....####.",
		"####......####",
	},
	'8': {
		"..############..",
		".##############.",
		"####........####",
		"####........####",
		".##############.",
		".##############.",
		"####........####",
		"####........####",
		".##############.",
		"..############..",
	},
	'4': {
		"####......####..",
		"####......####..",
		"####......####..",
		"####......####..",
		"################",
		"################",
		"..........####..",
		"..........####..",
		"..........####..",
		"..........####..",
	},
}

// logoShade is how each row of the logo's letters is filled, from a
// white top through cyan to a blue foot, in shades over a background.
var logoShade = [10]cell{
	{'█', white, black},
	{'▓', white, cyan},
	{'█', brightCyan, black},
	{'▓', brightCyan, cyan},
	{'▒', brightCyan, cyan},
	{'█', cyan, black},
	{'▓', cyan, blue},
	{'▒', cyan, blue},
	{'▓', blue, black},
	{'▒', blue, black},
}

// logoPiece is the board's name in big shaded letters, with a shadow,
// under a night sky, over a tag line that ends with the language x84 is
// written in: tag, then "Go".
func logoPiece(tag string) func(*sheet) { return func(s *sheet) { drawLogo(s, tag) } }

func drawLogo(s *sheet, tag string) {
	rule(s, 0, '▀')
	logo := set(logoFont, "x84", 3)
	x0, y0 := (width-logo.width())/2, 3
	// Stars first, clear of the logo and the words drawn over them.
	rnd := noise(84)
	stars := []struct {
		g  rune
		fg int
	}{{'·', darkGrey}, {'∙', grey}, {'·', grey}, {'*', white}, {'+', brightBlue}, {'∙', darkGrey}}
	for range 60 {
		x, y := rnd.intn(width), 1+rnd.intn(18)
		nearLogo := y >= y0-1 && y <= y0+len(logo) && x >= x0-3 && x <= x0+logo.width()+3
		nearWords := y >= 14 && y <= 18 && x >= 18 && x <= 62
		if !nearLogo && !nearWords {
			st := stars[rnd.intn(len(stars))]
			s.put(x, y, st.g, st.fg, black)
		}
	}
	for r := range len(logo) + 1 {
		for c := range logo.width() + 1 {
			switch {
			case logo.on(c, r):
				*s.at(x0+c, y0+r) = logoShade[r]
			case logo.on(c-1, r-1):
				s.put(x0+c, y0+r, '▒', darkGrey, black)
			}
		}
	}
	s.center(15, "∙ telnet ∙ ssh ∙ rlogin ∙ web ∙", cyan)
	// The tag line, between shades, with the language picked out.
	n := utf8.RuneCountInString(tag)
	x := (width - (4 + n + 2 + 4)) / 2
	s.paint(x, 17, "░▒▓", "14c")
	s.text(x+4, 17, tag, grey)
	s.text(x+4+n, 17, "Go", brightCyan)
	s.paint(x+4+n+3, 17, "▓▒░", "c41")
	rule(s, 19, '▄')
}

// sunset is a sun going down behind the sea, in iCE colours: its sky and
// sand are bright backgrounds that a DOS screen without iCE colours would
// blink. The caption says so.
func sunset(caption string) func(*sheet) { return func(s *sheet) { drawSunset(s, caption) } }

func drawSunset(s *sheet, caption string) {
	s.ice = true
	const (
		horizon = 21 // the first row of the sea
		shore   = 34 // the first row of the sand
		rows    = 40
	)
	// The sky darkens upward in bands, each blended into the next with
	// shades.
	sky := []cell{
		{' ', grey, blue}, {' ', grey, blue}, {' ', grey, blue}, {' ', grey, blue}, {' ', grey, blue},
		{'░', magenta, blue}, {'▒', magenta, blue}, {'▓', magenta, blue},
		{' ', grey, magenta}, {' ', grey, magenta},
		{'░', brightMagenta, magenta}, {'▒', brightMagenta, magenta}, {'▓', brightMagenta, magenta},
		{' ', grey, brightMagenta}, {' ', grey, brightMagenta},
		{'░', brightRed, brightMagenta}, {'▒', brightRed, brightMagenta}, {'▓', brightRed, brightMagenta},
		{' ', grey, brightRed},
		{'░', yellow, brightRed}, {'▒', yellow, brightRed},
	}
	for y, c := range sky {
		s.band(y, c.r, c.fg, c.bg)
	}
	rnd := noise(1984)
	for range 40 {
		x, y := rnd.intn(width), rnd.intn(6)
		g := []rune{'·', '∙', '*', '+'}[rnd.intn(4)]
		s.put(x, y, g, []int{white, grey, yellow}[rnd.intn(3)], blue)
	}

	// The sea: dark under the horizon, lighter toward the shore, with
	// waves.
	sea := []cell{{'▒', blue, magenta}, {'▓', blue, magenta}}
	for y := horizon; y < shore; y++ {
		c := cell{' ', grey, blue}
		switch {
		case y-horizon < len(sea):
			c = sea[y-horizon]
		case y == 29:
			c = cell{'░', brightBlue, blue}
		case y == 30:
			c = cell{'▒', brightBlue, blue}
		case y == 31:
			c = cell{'▓', brightBlue, blue}
		case y > 31:
			c = cell{' ', grey, brightBlue}
		}
		s.band(y, c.r, c.fg, c.bg)
		if y >= horizon+len(sea) {
			for range 10 {
				fg := brightBlue
				if c.bg == brightBlue {
					fg = white
				}
				s.put(rnd.intn(width), y, '≈', fg, c.bg)
			}
		}
	}
	// The sun's path on the water, narrowing toward the shore.
	for y := horizon; y < 30; y++ {
		half := 13 - (y-horizon)*3/2
		shift := rnd.intn(3) - 1
		for x := 40 - half + shift; x < 40+half+shift; x++ {
			if rnd.intn(5) == 0 {
				continue
			}
			g, fg := '▀', yellow
			if (x+y)%3 == 0 {
				g, fg = '▄', brightRed
			}
			s.put(x, y, g, fg, s.at(x, y).bg)
		}
	}

	// Sand.
	s.band(shore, '▄', yellow, brightBlue)
	for y := shore + 1; y < rows; y++ {
		s.band(y, ' ', brown, yellow)
		for range 14 {
			s.put(rnd.intn(width), y, []rune{'░', '∙', '·'}[rnd.intn(3)], brown, yellow)
		}
	}
	s.textOn((width-utf8.RuneCountInString(caption))/2, 37, caption, blue, yellow)
	s.textOn(width-6, rows-1, " x84 ", brown, yellow)

	// A glow around the sun, then the sun, the hills and a palm tree as
	// pixels.
	const cx, cy, radius = 40.0, 2 * horizon, 14.0 // in pixels: a cell is two
	for y := horizon - 8; y < horizon; y++ {
		for x := range width {
			d := math.Hypot(float64(x)+0.5-cx, 2*(float64(y)+0.5)-cy)
			if d >= radius && d < radius+4 {
				s.put(x, y, '░', yellow, s.at(x, y).bg)
			}
		}
	}
	p := pixels{}
	for py := int(cy - radius); py < int(cy); py++ {
		// Bands cut from the sun's lower half, wider toward the sea.
		if py == 35 || py == 38 || py == 39 || py == 41 {
			continue
		}
		color := yellow
		switch {
		case py < 31:
			color = white
		case py > 36:
			color = brightRed
		}
		for x := range width {
			if math.Hypot(float64(x)+0.5-cx, float64(py)+0.5-cy) < radius {
				p.set(x, py, color)
			}
		}
	}
	for x := range width {
		// Two hills on the left and one on the right, clear of the sun.
		h := max(14-abs(x-8), 9-abs(x-20)*2/3, 11-abs(x-71)*3/4, 0)
		for py := 2*horizon - h; py < 2*horizon; py++ {
			p.set(x, py, black)
		}
	}
	s.lay(p)
	palm(s, 67, shore+2)
}

// palm draws a palm tree leaning left from its foot at x, y: a trunk of
// cells, then fronds of pixels.
func palm(s *sheet, x, y int) {
	top := 11
	tx := x
	for r := y; r >= top; r-- {
		// The trunk bends as it rises.
		d := float64(y-r) / float64(y-top)
		tx = x - int(7*d*d)
		s.put(tx, r, '▓', brown, s.at(tx, r).bg)
		s.put(tx+1, r, '▒', brown, s.at(tx+1, r).bg)
	}
	fronds := []struct {
		dx, length  int
		rise, droop float64
		color       int
	}{
		{-1, 16, 0.9, 0.07, green},
		{-1, 10, 1.4, 0.16, brightGreen},
		{1, 15, 0.8, 0.07, green},
		{1, 9, 1.5, 0.2, brightGreen},
		{-1, 6, 0.2, 0.25, brightGreen},
		{1, 7, 0.3, 0.22, green},
	}
	p := pixels{}
	px0, py0 := tx, 2*top
	for _, f := range fronds {
		for i := range f.length {
			fi := float64(i)
			py := py0 - int(f.rise*fi-f.droop*fi*fi)
			p.set(px0+f.dx*i, py, f.color)
			p.set(px0+f.dx*i, py+1, f.color)
		}
	}
	s.lay(p)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
