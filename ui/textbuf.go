package ui

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// textBuf is the text of an Editor, kept as the rows it shows: each
// paragraph (what the caller typed between two Enters) is word-wrapped
// into rows of at most width cells. A row whose paragraph goes on in the
// next row is soft; the last row of a paragraph is not. The rows always
// hold the one wrapping of the text that wrapRow gives, so the same text
// always looks the same, and an edit that is undone leaves the rows as
// they were.
//
// Row texts are never changed in place: an edit gives the rows it touches
// new slices, so rows may share arrays.
type textBuf struct {
	rows  []textRow
	width int // wrap width in cells, at least 2
	size  int // bytes of text, as String returns it
}

type textRow struct {
	text []rune
	soft bool
}

// pos is a place between two characters: a row and a rune index in it.
// The end of a soft row and the start of the next are the same place in
// the text.
type pos struct{ row, col int }

// newTextBuf wraps s, which must be clean (see cleanText), to width cells.
func newTextBuf(s string, width int) *textBuf {
	t := &textBuf{width: max(width, 2)}
	for para := range strings.SplitSeq(s, "\n") {
		t.rows = appendWrapped(t.rows, []rune(para), t.width)
	}
	t.size = len(s)
	return t
}

// appendWrapped appends the rows of one paragraph wrapped to width.
func appendWrapped(rows []textRow, para []rune, width int) []textRow {
	for {
		n := wrapRow(para, width)
		if n == len(para) {
			return append(rows, textRow{text: para[:n:n]})
		}
		rows = append(rows, textRow{text: para[:n:n], soft: true})
		para = para[n:]
	}
}

// wrapRow returns how many runes of para (the rest of a paragraph, or at
// least enough of it to go past width cells) go in the row that starts
// it. A row ends where a word starts after a space, the last such place
// that fits; spaces stay at the end of the row they follow. A word longer
// than the row is cut where the row is full. At least one rune goes in
// every row.
func wrapRow(para []rune, width int) int {
	cells, brk := 0, 0
	for i, r := range para {
		if i > 0 && para[i-1] == ' ' && r != ' ' {
			brk = i
		}
		cells += RuneWidth(r)
		if cells > width {
			if brk > 0 {
				return brk
			}
			return max(i, 1)
		}
	}
	return len(para)
}

func runesWidth(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += RuneWidth(r)
	}
	return n
}

func runesBytes(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += utf8.RuneLen(r)
	}
	return n
}

// String returns the text: the paragraphs separated by "\n".
func (t *textBuf) String() string {
	var b strings.Builder
	b.Grow(t.size)
	for i, r := range t.rows {
		for _, c := range r.text {
			b.WriteRune(c)
		}
		if !r.soft && i < len(t.rows)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// end returns the place after the last character.
func (t *textBuf) end() pos {
	last := len(t.rows) - 1
	return pos{last, len(t.rows[last].text)}
}

// next returns the place after the character at p, if p is not at the end
// of a paragraph.
func (t *textBuf) next(p pos) (pos, bool) {
	switch {
	case p.col < len(t.rows[p.row].text):
		return pos{p.row, p.col + 1}, true
	case t.rows[p.row].soft:
		return pos{p.row + 1, 1}, true // soft rows are followed by a row that is not empty
	}
	return p, false
}

// prev returns the place before the character before p, if p is not at
// the start of a paragraph.
func (t *textBuf) prev(p pos) (pos, bool) {
	switch {
	case p.col > 0:
		return pos{p.row, p.col - 1}, true
	case p.row > 0 && t.rows[p.row-1].soft:
		return pos{p.row - 1, len(t.rows[p.row-1].text) - 1}, true
	}
	return p, false
}

// offset returns how many characters lie between the start of row from
// and p, counting a paragraph break as one.
func (t *textBuf) offset(from int, p pos) int {
	n := p.col
	for i := from; i < p.row; i++ {
		n += len(t.rows[i].text)
		if !t.rows[i].soft {
			n++
		}
	}
	return n
}

// posAt is the inverse of offset. A place at the end of a soft row is
// given as the start of the next one, where typing goes on.
func (t *textBuf) posAt(from, off int) pos {
	for i := from; i < len(t.rows); i++ {
		n := len(t.rows[i].text)
		switch {
		case off < n, off == n && (!t.rows[i].soft || i == len(t.rows)-1):
			return pos{i, off}
		case t.rows[i].soft:
			off -= n
		default:
			off -= n + 1
		}
	}
	return t.end()
}

// edit replaces the text between a and b (a before b) with ins, in which
// '\n' breaks a paragraph, and wraps the rows again. It returns where the
// inserted text now starts and ends, and the text it removed (with '\n'
// for each paragraph break), so that edit(start, end, removed) undoes it.
func (t *textBuf) edit(a, b pos, ins []rune) (start, end pos, removed []rune) {
	for i := a.row; i <= b.row; i++ {
		from, to := 0, len(t.rows[i].text)
		if i == a.row {
			from = a.col
		}
		if i == b.row {
			to = b.col
		}
		removed = append(removed, t.rows[i].text[from:to]...)
		if i < b.row && !t.rows[i].soft {
			removed = append(removed, '\n')
		}
	}
	last := t.rows[b.row]
	joined := slices.Concat(t.rows[a.row].text[:a.col], ins, last.text[b.col:])
	var repl []textRow
	for {
		i := slices.Index(joined, '\n')
		if i < 0 {
			break
		}
		repl = append(repl, textRow{text: joined[:i:i]})
		joined = joined[i+1:]
	}
	repl = append(repl, textRow{text: joined, soft: last.soft})
	t.rows = slices.Replace(t.rows, a.row, b.row+1, repl...)
	t.size += runesBytes(ins) - runesBytes(removed)

	// An edit can change where the rows before it end (a word deleted at
	// the start of a row may now fit in the one above), but only those
	// whose end is decided by the text of the edited row: where a row
	// ends depends on the cells up to one past the width from its start,
	// and any two rows that follow each other in a paragraph hold at least
	// a row's width, so three rows back is enough. FuzzEditorKeys checks
	// the rows against a fresh wrap after every key.
	from := max(0, a.row-3)
	off := t.offset(from, a)
	t.reflow(from, a.row+len(repl)-1)
	return t.posAt(from, off), t.posAt(from, off+len(ins)), removed
}

// reflow wraps the rows again from row i, which must start where the
// wrapping would start it, at least to row through and then until a row
// that ends where it did, after which nothing changed.
func (t *textBuf) reflow(i, through int) {
	for i < len(t.rows) {
		// The row and as much of its paragraph as decides where it ends.
		j := i
		cells := runesWidth(t.rows[i].text)
		for cells <= t.width && t.rows[j].soft && j+1 < len(t.rows) {
			j++
			cells += runesWidth(t.rows[j].text)
		}
		buf := t.rows[i].text
		if j > i {
			buf = make([]rune, 0, len(buf)+len(t.rows[j].text)*(j-i))
			for k := i; k <= j; k++ {
				buf = append(buf, t.rows[k].text...)
			}
		}
		n := wrapRow(buf, t.width)
		if n == len(t.rows[i].text) && (n < len(buf) || !t.rows[i].soft) {
			if i >= through {
				return
			}
			i++
			continue
		}
		soft := t.rows[j].soft
		repl := []textRow{{text: buf[:n:n], soft: soft}}
		if n < len(buf) {
			repl = []textRow{{text: buf[:n:n], soft: true}, {text: buf[n:], soft: soft}}
		}
		// Rows after j move by the difference; the rows just made are
		// new, so the wrapping goes on at least to them.
		if through > j {
			through += len(repl) - (j - i + 1)
		} else {
			through = i + len(repl) - 1
		}
		t.rows = slices.Replace(t.rows, i, j+1, repl...)
		i++
	}
}

// rewrap wraps the whole text to a new width and returns where p now is.
func (t *textBuf) rewrap(width int, p pos) pos {
	off := t.offset(0, p)
	s := t.String()
	*t = *newTextBuf(s, width)
	return t.posAt(0, off)
}

// cleanText makes text fit for the editor: escape sequences, control
// characters and bidirectional controls go, line ends become "\n", tabs
// become spaces to the next multiple of four cells, and other spaces
// become ' '.
func cleanText(s string) string {
	s = term.SanitizeText(s)
	var b strings.Builder
	b.Grow(len(s))
	col := 0
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
			col = 0
		case r == '\t':
			n := tabSpaces(col)
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case unicode.IsPrint(r):
			b.WriteRune(r)
			col += RuneWidth(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
			col++
		}
	}
	return b.String()
}

// tabSpaces returns how many spaces take column col (0-based, in cells)
// to the next tab stop.
func tabSpaces(col int) int { return tabStop - col%tabStop }

const tabStop = 4
