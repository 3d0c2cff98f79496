package art

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/term"
)

// Art is one piece of ANSI art: CP437 text with ANSI escape sequences.
type Art struct {
	Name  string
	SAUCE *SAUCE // nil when the file has no record
	Body  []byte // the file without its SAUCE record
}

// Parse splits data into an Art. A damaged SAUCE record or one that says
// the file is not character art is an error.
func Parse(name string, data []byte) (*Art, error) {
	body, s, err := Split(data)
	if err != nil {
		return nil, err
	}
	if s != nil && s.DataType != DataTypeNone && s.DataType != DataTypeCharacter {
		return nil, fmt.Errorf("art: %s: SAUCE data type %d is not character art", name, s.DataType)
	}
	return &Art{Name: name, SAUCE: s, Body: body}, nil
}

// Width returns the number of columns the art was drawn for: the SAUCE
// width, else DefaultWidth, at most MaxCols.
func (a *Art) Width() int {
	if a.SAUCE != nil && a.SAUCE.Width > 0 {
		return min(a.SAUCE.Width, MaxCols)
	}
	return DefaultWidth
}

// ice reports whether blink means a bright background.
func (a *Art) ice() bool { return a.SAUCE != nil && a.SAUCE.ICEColors }

// Height returns the number of rows the art occupies once drawn, down to
// the last row with anything visible.
func (a *Art) Height() int {
	return interpret(a.Body, a.Width(), a.ice()).height()
}

// Render draws the art for a window maxCols wide and returns UTF-8 text to
// write to a session, one line per row of the art, at most maxRows rows (0
// means all). Rows wider than maxCols are clipped, never wrapped; a
// maxCols of 0 or less means the art's width. Each row is SGR sequences
// and glyphs ending with "\x1b[0m\r\n", so no colour reaches the rest of
// the line, and blank cells in the default background at the end of a row
// are left out. The text starts with "\x1b[0m", whatever the caller left
// set. Empty art renders as "".
//
// Colours are SGR 30–37 and 40–47, with 90–97 for bright foregrounds
// (what DOS shows for bold) and 100–107 for bright backgrounds (iCE
// colours), so neither depends on how a terminal draws bold. Blink without
// iCE colours is SGR 5. A row exactly maxCols wide relies on the terminal
// holding the wrap at the last column, as xterm, VT100s and SyncTERM do.
func (a *Art) Render(maxCols, maxRows int) string {
	return a.draw(maxCols, maxRows, "\r\n", nil)
}

// Lines draws the art as Render does, for a viewer that pages through it
// or places rows itself: one string per row of the art, with no line
// end. Each row's SGR sequences start from reset attributes (as after
// the previous row, or ui.Reset) and the row ends with "\x1b[0m"; a blank
// row is just that. Empty art has no lines.
func (a *Art) Lines(maxCols int) []string {
	var ends []int
	text := a.draw(maxCols, 0, "", &ends)
	lines := make([]string, len(ends))
	start := len(sgrReset)
	for i, end := range ends {
		lines[i] = text[start:end]
		start = end
	}
	return lines
}

// sgrReset ends every row and starts every rendering.
const sgrReset = "\x1b[0m"

// draw renders the art (see Render): a reset, then each row followed by
// eol. With ends non-nil it also records where each row ends.
func (a *Art) draw(maxCols, maxRows int, eol string, ends *[]int) string {
	c := interpret(a.Body, a.Width(), a.ice())
	h := c.height()
	if maxRows > 0 {
		h = min(h, maxRows)
	}
	if maxCols <= 0 || maxCols > c.width {
		maxCols = c.width
	}
	if h == 0 {
		return ""
	}
	if ends != nil {
		*ends = make([]int, 0, h)
	}
	var sb strings.Builder
	sb.Grow(h * (maxCols*2 + 16))
	sb.WriteString(sgrReset)
	for y := range h {
		var row []cell
		if y < len(c.rows) {
			row = c.rows[y]
		}
		// Blanks that clipping leaves at the end are left out too.
		row = row[:visibleLen(row[:min(len(row), maxCols)])]
		var cur attr
		for _, cl := range row {
			want := attr{fg: cl.fg, bg: cl.bg, blink: cl.blink}
			if blank(cl.ch) {
				// Nothing shows in the foreground, so keep it.
				want.fg, want.blink = cur.fg, cur.blink
			}
			if want != cur {
				writeSGR(&sb, cur, want)
				cur = want
			}
			sb.WriteRune(term.CP437Glyph(cl.ch))
		}
		sb.WriteString(sgrReset)
		if ends != nil {
			*ends = append(*ends, sb.Len())
		}
		sb.WriteString(eol)
	}
	return sb.String()
}

// attr is what SGR sets for a cell.
type attr struct {
	fg, bg color
	blink  bool
}

// writeSGR writes the shortest SGR sequence that changes from to to: the
// changed attributes alone, or a reset followed by what to needs.
func writeSGR(sb *strings.Builder, from, to attr) {
	var dbuf, rbuf [24]byte
	diff, reset := dbuf[:0], rbuf[:0]
	if from.blink != to.blink {
		diff = appendParam(diff, blinkCode(to.blink))
	}
	if from.fg != to.fg {
		diff = appendParam(diff, fgCode(to.fg))
	}
	if from.bg != to.bg {
		diff = appendParam(diff, bgCode(to.bg))
	}
	reset = appendParam(reset, 0)
	if to.blink {
		reset = appendParam(reset, 5)
	}
	if to.fg != 0 {
		reset = appendParam(reset, fgCode(to.fg))
	}
	if to.bg != 0 {
		reset = appendParam(reset, bgCode(to.bg))
	}
	p := diff
	if len(reset) < len(diff) {
		p = reset
	}
	sb.WriteString("\x1b[")
	sb.Write(p)
	sb.WriteByte('m')
}

func blinkCode(on bool) int {
	if on {
		return 5
	}
	return 25
}

func appendParam(b []byte, v int) []byte {
	if len(b) > 0 {
		b = append(b, ';')
	}
	return strconv.AppendInt(b, int64(v), 10)
}

func fgCode(c color) int {
	switch {
	case c == 0:
		return 39
	case c <= 8:
		return 30 + int(c) - 1
	}
	return 90 + int(c) - 9
}

func bgCode(c color) int {
	switch {
	case c == 0:
		return 49
	case c <= 8:
		return 40 + int(c) - 1
	}
	return 100 + int(c) - 9
}
