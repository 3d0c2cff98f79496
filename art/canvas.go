package art

// Limits of the virtual canvas, so a hostile file cannot make the
// interpreter allocate without bound. Art below MaxRows is cut off.
const (
	MaxRows      = 1000
	MaxCols      = 400
	DefaultWidth = 80
)

// color is a cell colour: 0 is the terminal's default, 1+i is colour i of
// the 16-colour palette (0–7 normal, 8–15 bright).
type color uint8

// The colours DOS uses for the defaults when it must name them.
const (
	black     color = 1 + 0
	lightGrey color = 1 + 7
)

// cell is one character position. The zero cell is a blank in the
// default colours.
type cell struct {
	ch     byte // CP437
	fg, bg color
	blink  bool // only without iCE colours, where blink really blinks
}

// pen is the SGR state, before bold, blink and reverse are applied.
type pen struct {
	fg, bg               color
	bold, blink, reverse bool
}

// canvas is the art after interpretation. Rows are allocated when first
// written; a nil row is blank.
type canvas struct {
	width int
	rows  [][]cell
	spare [][]cell // cleared rows kept for reuse, so clearing costs no garbage
}

// interp interprets ANSI art onto a canvas the way a DOS screen as wide as
// the art shows it, except that it holds a wrap at the last column as a
// VT100 does, and never scrolls: the canvas grows downward up to MaxRows.
type interp struct {
	c      *canvas
	x, y   int // x == width means a wrap is pending; y == MaxRows is off the canvas
	sx, sy int
	pen    pen
	ice    bool
}

// interpret draws body on a canvas width columns wide. It stops at a SUB
// byte (0x1A).
func interpret(body []byte, width int, ice bool) *canvas {
	in := &interp{c: &canvas{width: width}, ice: ice}
	for i := 0; i < len(body); {
		switch b := body[i]; b {
		case eofByte:
			return in.c
		case '\r':
			in.x = 0
			i++
		case '\n':
			// Files written on Unix end lines with LF alone, so LF also
			// returns the carriage.
			in.x = 0
			in.down(1)
			i++
		case '\b':
			in.x = max(in.col()-1, 0)
			i++
		case '\t':
			in.x = min((in.col()/8+1)*8, width-1)
			i++
		case 0x1b:
			i = in.escape(body, i+1)
		case '|':
			if n, ok := pipeCode(body[i+1:]); ok {
				in.pipe(n)
				i += 3
				continue
			}
			in.put(b)
			i++
		default:
			in.put(b)
			i++
		}
	}
	return in.c
}

// pipeCode reads the two digits after a '|' of a pipe colour code (|00
// to |23), as Renegade, Mystic and their kin write colours in art and
// text: ok is false for anything else, which is drawn as it is.
func pipeCode(b []byte) (n int, ok bool) {
	if len(b) < 2 || b[0] < '0' || b[0] > '9' || b[1] < '0' || b[1] > '9' {
		return 0, false
	}
	n = int(b[0]-'0')*10 + int(b[1]-'0')
	return n, n <= 23
}

// dosToANSI maps a DOS colour number (blue 1, red 4) to the palette's
// ANSI order (red 1, blue 4).
var dosToANSI = [8]color{0, 4, 2, 6, 1, 5, 3, 7}

// pipe sets the pen as pipe code n says: |00–|15 the foreground, in DOS
// order with 8–15 bright, |16–|23 the background. The colour is exact,
// so it replaces bold, and reverse no longer applies.
func (in *interp) pipe(n int) {
	in.pen.reverse = false
	if n < 16 {
		in.pen.fg = 1 + dosToANSI[n%8] + color(n/8)*8
		in.pen.bold = false
		return
	}
	in.pen.bg = 1 + dosToANSI[n-16]
}

// col returns the cursor column with any pending wrap cancelled, as every
// cursor movement does.
func (in *interp) col() int { return min(in.x, in.c.width-1) }

func (in *interp) down(n int) { in.y = min(in.y+n, MaxRows) }

// put writes one character at the cursor. A character written in the last
// column leaves the wrap pending until the next one, as VT100s and xterm
// do, so art that ends full lines with CR LF gets no blank lines.
func (in *interp) put(b byte) {
	if in.x >= in.c.width {
		in.x = 0
		in.down(1)
	}
	if in.y < MaxRows {
		in.c.row(in.y)[in.x] = in.cell(b)
	}
	in.x++
}

// cell returns b in the pen's colours as DOS shows them.
func (in *interp) cell(b byte) cell {
	p := in.pen
	fg, bg := p.fg, p.bg
	if p.reverse {
		// DOS swaps the colours first, then brightens the new ones.
		fg, bg = orColor(bg, black), orColor(fg, lightGrey)
	}
	if p.bold {
		fg = brighten(orColor(fg, lightGrey))
	}
	c := cell{ch: b, fg: fg, bg: bg}
	if p.blink {
		if in.ice {
			c.bg = brighten(orColor(bg, black))
		} else {
			c.blink = true
		}
	}
	return c
}

func orColor(c, def color) color {
	if c == 0 {
		return def
	}
	return c
}

// brighten returns the bright form of a normal colour.
func brighten(c color) color {
	if c >= 1 && c <= 8 {
		return c + 8
	}
	return c
}

// row returns row y, allocating it and the rows above as needed.
func (c *canvas) row(y int) []cell {
	for len(c.rows) <= y {
		c.rows = append(c.rows, nil)
	}
	if c.rows[y] == nil {
		if n := len(c.spare); n > 0 {
			c.rows[y] = c.spare[n-1]
			c.spare = c.spare[:n-1]
			clear(c.rows[y])
		} else {
			c.rows[y] = make([]cell, c.width)
		}
	}
	return c.rows[y]
}

// drop blanks rows [from, to) by returning them to the spare list.
func (c *canvas) drop(from, to int) {
	to = min(to, len(c.rows))
	for y := from; y < to; y++ {
		if c.rows[y] != nil {
			c.spare = append(c.spare, c.rows[y])
			c.rows[y] = nil
		}
	}
	if to == len(c.rows) {
		c.rows = c.rows[:min(from, len(c.rows))]
	}
}

// erase blanks columns [from, to) of row y.
func (c *canvas) erase(y, from, to int) {
	if y < len(c.rows) && c.rows[y] != nil {
		clear(c.rows[y][from:to])
	}
}

// height returns the number of rows down to the last one with anything
// visible.
func (c *canvas) height() int {
	for y := len(c.rows) - 1; y >= 0; y-- {
		if visibleLen(c.rows[y]) > 0 {
			return y + 1
		}
	}
	return 0
}

// visibleLen returns the length of row without its trailing blanks in the
// default background.
func visibleLen(row []cell) int {
	n := len(row)
	for n > 0 && blank(row[n-1].ch) && row[n-1].bg == 0 {
		n--
	}
	return n
}

// blank reports whether b shows no foreground at all.
func blank(b byte) bool { return b == ' ' || b == 0 || b == 0xff }

// escape interprets the escape sequence after an ESC at b[i-1] and
// returns the index after it. A malformed sequence is dropped up to the
// byte that breaks it, which is then read again on its own.
func (in *interp) escape(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch c := b[i]; {
	case c == '[':
		return in.csi(b, i+1)
	case c == '7':
		in.sx, in.sy = in.x, in.y
	case c == '8':
		in.x, in.y = in.sx, in.sy
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return skipString(b, i+1)
	case c >= 0x20 && c <= 0x2f: // intermediates, then a final byte
		for i < len(b) && b[i] >= 0x20 && b[i] <= 0x2f {
			i++
		}
		if i < len(b) && b[i] >= 0x30 && b[i] <= 0x7e {
			i++
		}
		return i
	case c > 0x2f && c <= 0x7e:
	default:
		return i
	}
	return i + 1
}

// skipString skips the body of an OSC, DCS, SOS, PM or APC string that
// starts at b[i] and returns the index after it. BEL or ESC \ ends it, as
// does CAN; any other ESC or a SUB ends it and is read again.
func skipString(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch b[i] {
		case 0x07, 0x18:
			return i + 1
		case eofByte:
			return i
		case 0x1b:
			if i+1 < len(b) && b[i+1] == '\\' {
				return i + 2
			}
			return i
		}
	}
	return i
}

// maxParams is the most CSI parameters kept; later ones are ignored.
const maxParams = 16

// csi interprets a control sequence whose parameters start at b[i] and
// returns the index after it.
func (in *interp) csi(b []byte, i int) int {
	var (
		params  [maxParams]int
		n       = 1
		private = false // a private marker (? = < >) or an intermediate byte
		pmark   byte
	)
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if n <= maxParams {
				params[n-1] = min(params[n-1]*10+int(c-'0'), 9999)
			}
		case c == ';' || c == ':':
			n++
		case c >= 0x3c && c <= 0x3f:
			private = true
			pmark = c
		case c >= 0x20 && c <= 0x2f:
			private = true
			pmark = 0
		case c >= 0x40 && c <= 0x7e:
			p := params[:min(n, maxParams)]
			if !private {
				in.control(c, p)
			} else if pmark == '?' && len(p) == 1 && p[0] == 33 && (c == 'h' || c == 'l') {
				// SyncTERM's switch for iCE colours.
				in.ice = c == 'h'
			}
			return i + 1
		default:
			return i
		}
	}
	return i
}

// count returns a cursor movement count: missing or 0 means 1.
func count(p []int) int {
	if len(p) == 0 || p[0] == 0 {
		return 1
	}
	return p[0]
}

// param returns p[i], or 0 when missing.
func param(p []int, i int) int {
	if i < len(p) {
		return p[i]
	}
	return 0
}

// control carries out the control sequence with final byte f.
func (in *interp) control(f byte, p []int) {
	w := in.c.width
	switch f {
	case 'm':
		in.sgr(p)
	case 'A':
		in.x, in.y = in.col(), max(in.y-count(p), 0)
	case 'B':
		in.x = in.col()
		in.down(count(p))
	case 'C':
		in.x = min(in.col()+count(p), w-1)
	case 'D':
		in.x = max(in.col()-count(p), 0)
	case 'E':
		in.x = 0
		in.down(count(p))
	case 'F':
		in.x, in.y = 0, max(in.y-count(p), 0)
	case 'G':
		in.x = min(count(p), w) - 1
	case 'H', 'f':
		in.y = min(max(param(p, 0), 1), MaxRows+1) - 1
		in.x = min(max(param(p, 1), 1), w) - 1
	case 's':
		in.sx, in.sy = in.x, in.y
	case 'u':
		in.x, in.y = in.sx, in.sy
	case 'J':
		switch param(p, 0) {
		case 0:
			in.c.erase(in.y, in.col(), w)
			in.c.drop(in.y+1, MaxRows)
		case 1:
			in.c.drop(0, in.y)
			in.c.erase(in.y, 0, in.col()+1)
		case 2:
			// ANSI.SYS also homes the cursor, and art relies on it.
			in.c.drop(0, MaxRows)
			in.x, in.y = 0, 0
		}
	case 'K':
		switch param(p, 0) {
		case 0:
			in.c.erase(in.y, in.col(), w)
		case 1:
			in.c.erase(in.y, 0, in.col()+1)
		case 2:
			in.c.erase(in.y, 0, w)
		}
	}
}

// sgr applies Select Graphic Rendition parameters to the pen.
func (in *interp) sgr(p []int) {
	for i := 0; i < len(p); i++ {
		switch v := p[i]; {
		case v == 0:
			in.pen = pen{}
		case v == 1:
			in.pen.bold = true
		case v == 5 || v == 6:
			in.pen.blink = true
		case v == 7:
			in.pen.reverse = true
		case v == 22:
			in.pen.bold = false
		case v == 25:
			in.pen.blink = false
		case v == 27:
			in.pen.reverse = false
		case v >= 30 && v <= 37:
			in.pen.fg = color(1 + v - 30)
		case v == 39:
			in.pen.fg = 0
		case v >= 40 && v <= 47:
			in.pen.bg = color(1 + v - 40)
		case v == 49:
			in.pen.bg = 0
		case v >= 90 && v <= 97:
			in.pen.fg = color(9 + v - 90)
		case v >= 100 && v <= 107:
			in.pen.bg = color(9 + v - 100)
		case v == 38 || v == 48:
			c, used := extendedColor(p[i+1:])
			i += used
			if used > 0 && v == 38 {
				in.pen.fg = c
			} else if used > 0 {
				in.pen.bg = c
			}
		}
	}
}

// extendedColor reads the arguments of SGR 38 or 48 (5;n or 2;r;g;b) and
// returns the nearest palette colour and how many parameters it used.
func extendedColor(p []int) (color, int) {
	switch {
	case len(p) >= 2 && p[0] == 5:
		return nearest(xterm256(p[1])), 2
	case len(p) >= 4 && p[0] == 2:
		return nearest([3]int{p[1], p[2], p[3]}), 4
	}
	return 0, len(p) // unknown form: the rest of the sequence is its arguments
}

// vga is the 16-colour palette of a VGA text screen, for approximating
// other colours.
var vga = [16][3]int{
	{0x00, 0x00, 0x00}, {0xaa, 0x00, 0x00}, {0x00, 0xaa, 0x00}, {0xaa, 0x55, 0x00},
	{0x00, 0x00, 0xaa}, {0xaa, 0x00, 0xaa}, {0x00, 0xaa, 0xaa}, {0xaa, 0xaa, 0xaa},
	{0x55, 0x55, 0x55}, {0xff, 0x55, 0x55}, {0x55, 0xff, 0x55}, {0xff, 0xff, 0x55},
	{0x55, 0x55, 0xff}, {0xff, 0x55, 0xff}, {0x55, 0xff, 0xff}, {0xff, 0xff, 0xff},
}

// xterm256 returns the RGB value of colour n of xterm's 256-colour palette.
func xterm256(n int) [3]int {
	switch {
	case n < 16:
		return vga[max(n, 0)]
	case n < 232:
		n -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return [3]int{level(n / 36), level(n / 6 % 6), level(n % 6)}
	case n < 256:
		g := 8 + 10*(n-232)
		return [3]int{g, g, g}
	}
	return vga[7]
}

// nearest returns the palette colour closest to rgb.
func nearest(rgb [3]int) color {
	best, bestDist := 0, -1
	for i, v := range vga {
		d := 0
		for k := range 3 {
			d += (v[k] - rgb[k]) * (v[k] - rgb[k])
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = i, d
		}
	}
	return color(1 + best)
}
