package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// Colours of the 16-colour palette, in SGR order.
const (
	black = iota
	red
	green
	brown
	blue
	magenta
	cyan
	grey
	darkGrey
	brightRed
	brightGreen
	yellow
	brightBlue
	brightMagenta
	brightCyan
	white
)

// width is the width of every file.
const width = 80

// cell is one character of a sheet: a glyph in a foreground colour (0–15)
// on a background colour (0–7, or 0–15 in a piece drawn for iCE colours,
// where blink means a bright background).
type cell struct {
	r      rune
	fg, bg int
}

// sheet is a drawing, width columns wide, grown downward as it is drawn.
// A drawing for iCE colours sets ice, and may then use bright
// backgrounds.
type sheet struct {
	rows [][width]cell
	ice  bool
}

// brightBackground reports whether any cell has a bright background.
func (s *sheet) brightBackground() bool {
	for _, row := range s.rows {
		for _, c := range row {
			if c.bg >= 8 {
				return true
			}
		}
	}
	return false
}

// at returns the cell at column x of row y, growing the sheet as needed.
// Drawing off the sides is a mistake in the art's source, so it panics.
func (s *sheet) at(x, y int) *cell {
	if x < 0 || x >= width || y < 0 {
		panic(fmt.Sprintf("mkart: drawing at %d,%d, off the sheet", x, y))
	}
	for len(s.rows) <= y {
		var row [width]cell
		for i := range row {
			row[i] = cell{r: ' ', fg: grey}
		}
		s.rows = append(s.rows, row)
	}
	return &s.rows[y][x]
}

// text writes str at x, y in fg on black.
func (s *sheet) text(x, y int, str string, fg int) {
	for _, r := range str {
		*s.at(x, y) = cell{r: r, fg: fg}
		x++
	}
}

// center writes str centred on row y.
func (s *sheet) center(y int, str string, fg int) {
	s.text((width-utf8.RuneCountInString(str))/2, y, str, fg)
}

// paint writes glyphs at x, y coloured by a mask of the same length: a
// hex digit is a foreground colour, and a space in the glyphs is left
// untouched, so masks can be laid over each other.
func (s *sheet) paint(x, y int, glyphs, mask string) {
	g := []rune(glyphs)
	m := []rune(mask)
	if len(g) != len(m) {
		panic(fmt.Sprintf("mkart: glyphs %q and mask %q differ in length", glyphs, mask))
	}
	for i, r := range g {
		if r == ' ' {
			continue
		}
		fg, err := strconv.ParseUint(string(m[i]), 16, 8)
		if err != nil {
			panic(fmt.Sprintf("mkart: mask %q: %v", mask, err))
		}
		*s.at(x+i, y) = cell{r: r, fg: int(fg)}
	}
}

// ansi encodes the sheet as CP437 ANSI art in the style DOS editors
// wrote: bright colours as bold (SGR 1), bright backgrounds as blink (SGR
// 5, for iCE colours), lines ended with CR LF and trailing blanks left
// out.
func (s *sheet) ansi() ([]byte, error) {
	out := []byte("\x1b[0m")
	for _, row := range s.rows {
		n := len(row)
		for n > 0 && row[n-1].r == ' ' && row[n-1].bg == black {
			n--
		}
		cur := cell{fg: grey, bg: black}
		for _, c := range row[:n] {
			want := c
			if c.r == ' ' {
				want.fg = cur.fg // a space shows no foreground
			}
			out = appendSGR(out, cur, want)
			cur.fg, cur.bg = want.fg, want.bg
			b, ok := encode(c.r)
			if !ok {
				return nil, fmt.Errorf("mkart: %q is not in CP437", c.r)
			}
			out = append(out, b)
		}
		if cur.fg != grey || cur.bg != black {
			out = append(out, "\x1b[0m"...)
		}
		out = append(out, "\r\n"...)
	}
	return out, nil
}

// appendSGR appends the SGR sequence that changes the colours from cur to
// want, if they differ.
func appendSGR(out []byte, cur, want cell) []byte {
	if cur.fg == want.fg && cur.bg == want.bg {
		return out
	}
	var p []string
	if cur.fg >= 8 && want.fg < 8 || cur.bg >= 8 && want.bg < 8 {
		// Only a reset turns bold or blink off in DOS.
		p = append(p, "0")
		cur = cell{fg: grey, bg: black}
	}
	if want.fg >= 8 && cur.fg < 8 {
		p = append(p, "1")
	}
	if want.bg >= 8 && cur.bg < 8 {
		p = append(p, "5")
	}
	if want.fg%8 != cur.fg%8 {
		p = append(p, strconv.Itoa(30+want.fg%8))
	}
	if want.bg%8 != cur.bg%8 {
		p = append(p, strconv.Itoa(40+want.bg%8))
	}
	return append(out, "\x1b["+strings.Join(p, ";")+"m"...)
}

// encode returns the CP437 byte that shows r. Bytes below 0x20 are left
// out: a terminal acts on them.
func encode(r rune) (byte, bool) {
	if r >= ' ' && r < 0x7f {
		return byte(r), true
	}
	for b := 0x80; b <= 0xff; b++ {
		if term.CP437Glyph(byte(b)) == r {
			return byte(b), true
		}
	}
	return 0, false
}
