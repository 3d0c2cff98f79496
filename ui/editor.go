package ui

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// An Editor is the full-screen editor messages and replies are written
// in. The text is word-wrapped as it is typed to one cell less than the
// area's width, so that the cursor always has a cell after a full row;
// widths are measured in cells, wide characters taking two. Run returns
// the text with a "\n" only where the caller pressed Enter, so that
// readers can wrap it to their own width.
//
// Keys:
//
//	characters          insert, or replace in overwrite mode
//	Insert, Ctrl-V      switch between insert and overwrite
//	Enter               break the line
//	Backspace, Delete   delete before and at the cursor, joining lines
//	Ctrl-D              Delete
//	Ctrl-Y              delete the row
//	Tab                 spaces to the next multiple of four columns
//	arrows              move; Up and Down keep the column
//	Home, End           start and end of the row (also Ctrl-A, Ctrl-E)
//	PgUp, PgDn          a page (the area's height less one) up or down
//	Ctrl-Home, Ctrl-End top and bottom (also Ctrl-PgUp, Ctrl-PgDn)
//	Ctrl-L              redraw
//	Ctrl-Z, F2          save
//	F10                 abort
//	Esc                 ask "Save, Abort, or Continue? [s/a/c]"
//
// Esc followed by s, a or c works on every terminal, BBS clients and
// telnet clients that keep Ctrl-S and Ctrl-Q for flow control included;
// when the two arrive together they come as Alt-s, Alt-a or Alt-c, which
// mean the same. Aborting asks for confirmation when the text has
// changed. Other keys are ignored, so control characters never enter the
// text; typing past MaxLines or MaxBytes is refused with a bell and a
// message on the status line. The status line also shows the mode
// (insert or overwrite), the cursor's line and column, and the keys that
// save and abort.
type Editor struct {
	// Top, Left, Width and Height give the text area (1-based). The
	// status line is the row below it. Defaults: from row 1 and column 1
	// to the right edge, and down to the row above the last, which holds
	// the status line.
	Top, Left, Width, Height int
	// Text is what the editor starts with: a draft, or a quoted original
	// (see Quote). Escape sequences and control characters are dropped
	// and tabs become spaces; text over the limits is cut. The cursor
	// starts at its end.
	Text string
	// MaxLines bounds the rows of text, as wrapped to the area. Default
	// 500. (A narrower window after a resize may wrap the text into
	// more; then only edits that add no rows are taken.)
	MaxLines int
	// MaxBytes bounds the size of the text in bytes of UTF-8. Default 64
	// KiB.
	MaxBytes int
	// Title, if set, is shown at the left of the status line (made safe
	// with term.Sanitize).
	Title string
	// TextStyle, QuoteStyle and StatusStyle are the SGR sequences of the
	// text, of quoted paragraphs (those starting with '>') and of the
	// status line. Defaults: plain, cyan, and black on white.
	TextStyle, QuoteStyle, StatusStyle string
	// Relayout, if non-nil, is called after a window resize: it redraws
	// the screen around the editor and returns the new area; zeros in it
	// get the defaults. Without it, the area's zero fields are worked
	// out again for the new size. The text is wrapped again to the new
	// width and the cursor stays on the same character.
	Relayout func() (top, left, width, height int)
	// OnEvent, if non-nil, is given every update (term.KeyEvent) that
	// arrives while the caller writes; the editor redraws itself
	// afterwards. Notices for the caller (term.KeyNotice) wait until the
	// editor returns.
	OnEvent func(ev events.Event)
}

// Defaults of an Editor.
const (
	DefaultMaxLines = 500
	DefaultMaxBytes = 64 << 10

	defaultQuoteStyle  = "\x1b[0;36m"
	defaultStatusStyle = "\x1b[0;30;47m"
)

// Run lets the caller edit the text. It returns the text when the caller
// saves, ErrCancel when they abort, or the session's error. Run does not
// change e. In accessible mode (session.Session.Accessible) the text is
// written in a LineEditor instead, with the same text and limits.
func (e *Editor) Run(ctx context.Context, s *session.Session) (string, error) {
	if s.Accessible() {
		le := &LineEditor{Text: e.Text, MaxLines: e.MaxLines, MaxBytes: e.MaxBytes, Title: e.Title, OnEvent: e.OnEvent}
		return le.Run(ctx, s)
	}
	st := e.start(s.Size())
	st.lang = s.Lang()
	s.WriteString(st.render())
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return "", err
		}
		switch k.Code {
		case term.KeyResize:
			st.resize(s.Size())
		case term.KeyNotice:
		case term.KeyEvent:
			if st.e.OnEvent == nil {
				continue
			}
			st.e.OnEvent(s.Event())
			st.invalidate()
		default:
			switch st.key(k) {
			case editSave:
				s.WriteString(st.render())
				return st.buf.String(), nil
			case editAbort:
				s.WriteString(st.render())
				return "", ErrCancel
			}
		}
		if s.Buffered() == 0 {
			s.WriteString(st.render())
		}
	}
}

// editMode says what keys do: edit, or answer a question.
type editMode int

const (
	modeEdit    editMode = iota
	modeMenu             // save, abort or continue?
	modeConfirm          // abort and lose the changes?
)

// editResult says how a key ends the editing.
type editResult int

const (
	editGoOn editResult = iota
	editSave
	editAbort
)

// editRun is the state of one Run.
type editRun struct {
	e                        Editor        // settings with defaults
	lang                     *lang.Printer // the status line's language
	win                      term.Size
	top, left, width, height int
	buf                      *textBuf
	initial                  string // to tell whether the text changed
	cur                      pos
	goal                     int // the column Up and Down keep, in cells; -1 when none
	scroll                   int // the first row shown
	overwrite                bool
	mode                     editMode
	msg                      string // shown on the status line until the next key
	bell                     bool

	// What the screen shows: the lines of the area and the status line;
	// shown is nil when everything must be drawn.
	shown  []string
	status string
}

// start fills in the defaults and lays out the text.
func (e *Editor) start(win term.Size) *editRun {
	st := &editRun{e: *e, win: win, goal: -1, lang: lang.Fallback()}
	defaults.Positive(&st.e.MaxLines, DefaultMaxLines)
	defaults.Positive(&st.e.MaxBytes, DefaultMaxBytes)
	if st.e.TextStyle == "" {
		st.e.TextStyle = Reset
	}
	if st.e.QuoteStyle == "" {
		st.e.QuoteStyle = defaultQuoteStyle
	}
	if st.e.StatusStyle == "" {
		st.e.StatusStyle = defaultStatusStyle
	}
	st.e.Title = term.Sanitize(st.e.Title)
	st.place(e.Top, e.Left, e.Width, e.Height)
	text := cleanText(e.Text)
	if len(text) > st.e.MaxBytes {
		n := st.e.MaxBytes
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	st.buf = newTextBuf(text, wrapWidth(st.width))
	if len(st.buf.rows) > st.e.MaxLines {
		st.buf.rows = st.buf.rows[:st.e.MaxLines]
		st.buf.rows[len(st.buf.rows)-1].soft = false
		st.buf = newTextBuf(st.buf.String(), st.buf.width)
	}
	st.initial = st.buf.String()
	st.cur = st.buf.end()
	return st
}

// wrapWidth returns the width text is wrapped to in an area width cells
// wide: one less, so that the cursor has a cell after a full row.
func wrapWidth(width int) int { return max(width-1, 2) }

// place sets the area, filling in defaults and keeping it, and the status
// line below it, inside the window.
func (st *editRun) place(top, left, width, height int) {
	defaults.Positive(&top, 1)
	defaults.Positive(&left, 1)
	top, left = min(top, max(st.win.Rows-1, 1)), min(left, st.win.Cols)
	defaults.Positive(&width, st.win.Cols-left+1)
	defaults.Positive(&height, st.win.Rows-top)
	st.top, st.left = top, left
	st.width = max(1, min(width, st.win.Cols-left+1))
	st.height = max(1, min(height, st.win.Rows-top))
}

func (st *editRun) resize(win term.Size) {
	st.win = win
	top, left, width, height := st.e.Top, st.e.Left, st.e.Width, st.e.Height
	if st.e.Relayout != nil {
		top, left, width, height = st.e.Relayout()
	}
	st.place(top, left, width, height)
	if w := wrapWidth(st.width); w != st.buf.width {
		st.cur = st.buf.rewrap(w, st.cur)
	}
	st.goal = -1
	st.invalidate()
}

// invalidate makes the next render draw everything.
func (st *editRun) invalidate() {
	st.shown = nil
	st.status = ""
}

// key applies one key press.
func (st *editRun) key(k term.Key) editResult {
	st.msg = ""
	switch st.mode {
	case modeMenu:
		return st.menuKey(k)
	case modeConfirm:
		return st.confirmKey(k)
	}
	vertical := false
	switch k.Code {
	case term.KeyRune:
		switch {
		case k.Mod&term.ModCtrl != 0:
			return st.ctrlKey(k.Rune)
		case k.Mod&term.ModAlt != 0:
			// Esc and a letter typed together.
			switch unicode.ToLower(k.Rune) {
			case 's', 'a', 'c':
				st.mode = modeMenu
				return st.menuKey(term.Key{Code: term.KeyRune, Rune: k.Rune})
			}
		case unicode.IsPrint(k.Rune):
			st.typeRune(k.Rune)
		}
	case term.KeyEnter:
		st.change(st.cur, st.cur, []rune{'\n'})
	case term.KeyTab:
		if k.Mod == 0 {
			n := tabSpaces(runesWidth(st.row()[:st.cur.col]))
			st.change(st.cur, st.cur, []rune(strings.Repeat(" ", n)))
		}
	case term.KeyBackspace:
		st.backspace()
	case term.KeyDelete:
		st.deleteChar()
	case term.KeyInsert:
		st.overwrite = !st.overwrite
	case term.KeyLeft:
		st.left1()
	case term.KeyRight:
		st.right1()
	case term.KeyUp:
		st.moveRow(st.cur.row - 1)
		vertical = true
	case term.KeyDown:
		st.moveRow(st.cur.row + 1)
		vertical = true
	case term.KeyHome:
		if k.Mod&term.ModCtrl != 0 {
			st.cur = pos{}
		} else {
			st.cur.col = 0
		}
	case term.KeyEnd:
		if k.Mod&term.ModCtrl != 0 {
			st.cur = st.buf.end()
		} else {
			st.cur.col = len(st.row())
		}
	case term.KeyPgUp, term.KeyPgDn:
		vertical = st.page(k)
	case term.KeyEscape:
		st.mode = modeMenu
	case term.KeyF2:
		return editSave
	case term.KeyF10:
		return st.abort()
	}
	if !vertical {
		st.goal = -1
	}
	return editGoOn
}

// ctrlKey applies a control character.
func (st *editRun) ctrlKey(r rune) editResult {
	switch r {
	case 'a':
		st.cur.col = 0
	case 'e':
		st.cur.col = len(st.row())
	case 'd':
		st.deleteChar()
	case 'v':
		st.overwrite = !st.overwrite
	case 'y':
		st.deleteRow()
	case 'l':
		st.invalidate()
	case 'z':
		return editSave
	}
	st.goal = -1
	return editGoOn
}

func (st *editRun) menuKey(k term.Key) editResult {
	switch {
	case k.Code == term.KeyEscape, k.Code == term.KeyEnter:
		st.mode = modeEdit
	case k.Code != term.KeyRune:
	case k.Mod&term.ModCtrl != 0:
		if k.Rune == 'z' {
			return editSave
		}
	default:
		switch unicode.ToLower(k.Rune) {
		case 's':
			return editSave
		case 'a':
			return st.abort()
		case 'c':
			st.mode = modeEdit
		}
	}
	return editGoOn
}

func (st *editRun) confirmKey(k term.Key) editResult {
	switch {
	case k.Code == term.KeyEscape, k.Code == term.KeyEnter:
		st.mode = modeEdit
	case k.Code != term.KeyRune || k.Mod&modCtrlAlt != 0:
	case st.lang.Yes(string(k.Rune)):
		return editAbort
	case unicode.ToLower(k.Rune) == 'n':
		st.mode = modeEdit
	}
	return editGoOn
}

// abort ends the editing at once if nothing changed, and otherwise asks.
func (st *editRun) abort() editResult {
	if st.buf.String() == st.initial {
		return editAbort
	}
	st.mode = modeConfirm
	return editGoOn
}

// row returns the text of the cursor's row.
func (st *editRun) row() []rune { return st.buf.rows[st.cur.row].text }

// change replaces the text between a and b with ins and puts the cursor
// after it, unless the text would then break a limit.
func (st *editRun) change(a, b pos, ins []rune) bool {
	rows, size := len(st.buf.rows), st.buf.size
	start, end, removed := st.buf.edit(a, b, ins)
	full := ""
	switch n := len(st.buf.rows); {
	case n > st.e.MaxLines && n > rows:
		full = st.lang.N("ui.editor.full_lines", st.e.MaxLines)
	case st.buf.size > st.e.MaxBytes && st.buf.size > size:
		full = st.lang.N("ui.editor.full_bytes", st.e.MaxBytes)
	}
	if full == "" {
		st.cur = end
		return true
	}
	// The wrapping depends on the text alone, so undoing the edit puts
	// every row back where it was.
	st.buf.edit(start, end, removed)
	st.cur = st.clamp(st.cur)
	st.msg, st.bell = full, true
	return false
}

func (st *editRun) clamp(p pos) pos {
	p.row = min(max(p.row, 0), len(st.buf.rows)-1)
	p.col = min(max(p.col, 0), len(st.buf.rows[p.row].text))
	return p
}

func (st *editRun) typeRune(r rune) {
	end := st.cur
	if st.overwrite {
		end, _ = st.buf.next(st.cur)
	}
	st.change(st.cur, end, []rune{r})
}

func (st *editRun) backspace() {
	if p, ok := st.buf.prev(st.cur); ok {
		st.change(p, st.cur, nil)
	} else if st.cur.row > 0 {
		// Join the paragraph to the one before.
		above := st.cur.row - 1
		st.change(pos{above, len(st.buf.rows[above].text)}, pos{st.cur.row, 0}, nil)
	}
}

func (st *editRun) deleteChar() {
	if p, ok := st.buf.next(st.cur); ok {
		st.change(st.cur, p, nil)
	} else if st.cur.row+1 < len(st.buf.rows) {
		// Join the next paragraph to this one.
		st.change(st.cur, pos{st.cur.row + 1, 0}, nil)
	}
}

// deleteRow deletes the text of the cursor's row, and the line break
// after it when the row is a whole line (before it when it is the last).
func (st *editRun) deleteRow() {
	rows, r := st.buf.rows, st.cur.row
	a, b := pos{r, 0}, pos{r, len(rows[r].text)}
	if !rows[r].soft && (r == 0 || !rows[r-1].soft) {
		switch {
		case r+1 < len(rows):
			b = pos{r + 1, 0}
		case r > 0:
			a = pos{r - 1, len(rows[r-1].text)}
		}
	}
	if a != b {
		st.change(a, b, nil)
	}
}

// left1 moves one character left. From the start of a row it goes to the
// end of the one above, or before its last character when the two are
// one line (the end of a wrapped row is the start of the next).
func (st *editRun) left1() {
	switch {
	case st.cur.col > 0:
		st.cur.col--
	case st.cur.row > 0:
		st.cur.row--
		st.cur.col = len(st.row())
		if st.buf.rows[st.cur.row].soft {
			st.cur.col--
		}
	}
}

// right1 moves one character right, the mirror of left1.
func (st *editRun) right1() {
	n := len(st.row())
	switch {
	case st.cur.col < n-1 || st.cur.col == n-1 && !st.buf.rows[st.cur.row].soft:
		st.cur.col++
	case st.cur.row+1 < len(st.buf.rows):
		st.cur = pos{st.cur.row + 1, 0}
	}
}

// moveRow moves the cursor to row r (clamped), as near as it can to the
// column it had when it started to move up or down.
func (st *editRun) moveRow(r int) {
	if st.goal < 0 {
		st.goal = runesWidth(st.row()[:st.cur.col])
	}
	st.cur.row = min(max(r, 0), len(st.buf.rows)-1)
	text := st.row()
	col, cells := 0, 0
	for col < len(text) {
		w := RuneWidth(text[col])
		if cells+w > st.goal {
			break
		}
		cells += w
		col++
	}
	st.cur.col = col
}

// page moves a page up or down, the view with the cursor, or to the top
// or bottom with Ctrl. It reports whether the column is kept.
func (st *editRun) page(k term.Key) bool {
	up := k.Code == term.KeyPgUp
	if k.Mod&term.ModCtrl != 0 {
		if up {
			st.cur = pos{}
		} else {
			st.cur = st.buf.end()
		}
		return false
	}
	n := max(1, st.height-1)
	if up {
		n = -n
	}
	st.scroll = max(0, st.scroll+n)
	st.moveRow(st.cur.row + n)
	return true
}

// follow scrolls the view so that the cursor is in it, with no blank rows
// below the text when it is longer than the area.
func (st *editRun) follow() {
	st.scroll = min(st.scroll, max(0, len(st.buf.rows)-st.height))
	if st.cur.row < st.scroll {
		st.scroll = st.cur.row
	}
	if st.cur.row >= st.scroll+st.height {
		st.scroll = st.cur.row - st.height + 1
	}
}

// render returns what brings the screen up to date: the lines of the area
// and the status line that changed, and the cursor.
func (st *editRun) render() string {
	st.follow()
	var b strings.Builder
	if st.bell {
		b.WriteByte('\a')
		st.bell = false
	}
	full := st.shown == nil
	if full {
		st.shown = make([]string, st.height)
	}
	// Text ending at the window's right edge is ended with a clear to
	// the end of the line; elsewhere it is padded with spaces.
	toEdge := st.left+st.width-1 >= st.win.Cols
	rows := st.buf.rows
	quoted := false
	if st.scroll < len(rows) {
		p := st.scroll
		for p > 0 && rows[p-1].soft {
			p--
		}
		quoted = isQuote(rows[p].text)
	}
	for k := range st.height {
		i := st.scroll + k
		line := ""
		if i < len(rows) {
			if i > st.scroll && !rows[i-1].soft {
				quoted = isQuote(rows[i].text)
			}
			style := st.e.TextStyle
			if quoted {
				style = st.e.QuoteStyle
			}
			line = style + string(rows[i].text)
		}
		if !full && st.shown[k] == line {
			continue
		}
		st.shown[k] = line
		b.WriteString(MoveTo(st.top+k, st.left) + Reset)
		if toEdge {
			b.WriteString(Truncate(line, st.width) + ClearEOL)
		} else {
			b.WriteString(Pad(line, st.width))
		}
		b.WriteString(Reset)
	}
	status, cursor := st.statusLine()
	if full || status != st.status {
		st.status = status
		b.WriteString(MoveTo(st.top+st.height, st.left) + st.e.StatusStyle + status + Reset)
	}
	if st.mode == modeEdit {
		b.WriteString(MoveTo(st.top+st.cur.row-st.scroll, st.left+runesWidth(st.row()[:st.cur.col])))
	} else {
		b.WriteString(MoveTo(st.top+st.height, st.left+cursor))
	}
	return b.String()
}

func isQuote(text []rune) bool { return len(text) > 0 && text[0] == '>' }

// statusLine returns the status line, and the column (0-based, in the
// line) the cursor goes to when a question is asked.
func (st *editRun) statusLine() (string, int) {
	width := st.width
	if st.top+st.height >= st.win.Rows && st.left+width-1 >= st.win.Cols {
		// Writing the bottom right cell scrolls some BBS terminals.
		width--
	}
	switch st.mode {
	case modeMenu:
		q := st.lang.T("ui.editor.menu")
		return Pad(q, width), max(0, min(Width(q), width)-1)
	case modeConfirm:
		q := st.lang.T("ui.editor.confirm")
		return Pad(q, width), max(0, min(Width(q), width)-1)
	}
	mode := st.lang.T("ui.editor.insert")
	if st.overwrite {
		mode = st.lang.T("ui.editor.overwrite")
	}
	help := st.lang.T("ui.editor.keys")
	if st.msg != "" {
		help = st.msg
	}
	// When the line is short, the title goes first, then the position,
	// then the mode.
	where := st.lang.T("ui.editor.position", "line", strconv.Itoa(st.cur.row+1), "lines", strconv.Itoa(len(st.buf.rows)),
		"col", strconv.Itoa(runesWidth(st.row()[:st.cur.col])+1))
	right := mode + "  " + where + "  " + help + " "
	if Width(right) > width {
		right = mode + "  " + help + " "
	}
	if Width(right) > width {
		right = help + " "
	}
	if Width(right) > width && st.msg == "" {
		right = st.lang.T("ui.editor.keys_short") + " "
	}
	// The title gets what is left, always two spaces short of the mode.
	left := " "
	if room := width - Width(right) - 3; st.e.Title != "" && room > 0 {
		left = " " + Truncate(st.e.Title, room) + "  "
	}
	return Pad(Pad(left, width-Width(right))+right, width), 0
}
