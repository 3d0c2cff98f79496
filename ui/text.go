package ui

import (
	"fmt"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/x84bbs/x84/term"
)

// ANSI sequences used by the widgets and screens.
const (
	Reset       = "\x1b[0m"
	ClearScreen = "\x1b[0m\x1b[H\x1b[2J"
	ClearEOL    = "\x1b[K"
	HideCursor  = "\x1b[?25l"
	ShowCursor  = "\x1b[?25h"
)

// MoveTo returns the sequence that puts the cursor at row, col (1-based).
func MoveTo(row, col int) string { return fmt.Sprintf("\x1b[%d;%dH", row, col) }

// RuneWidth returns how many cells a rune takes: 2 for East Asian wide
// characters, 0 for combining marks, 1 otherwise.
func RuneWidth(r rune) int { return runewidth.RuneWidth(r) }

// escapeLen returns the length of the escape sequence at the start of s,
// or 0. Only CSI and two-byte sequences appear in our own output.
func escapeLen(s string) int {
	if len(s) < 2 || s[0] != 0x1b {
		return 0
	}
	if s[1] != '[' {
		return 2
	}
	for i := 2; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
	}
	return len(s)
}

// Width returns the number of cells s takes on a terminal, not counting
// escape sequences.
func Width(s string) int {
	w := 0
	for i := 0; i < len(s); {
		if n := escapeLen(s[i:]); n > 0 {
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		w += runewidth.RuneWidth(r)
		i += size
	}
	return w
}

// Truncate cuts s to at most width cells, keeping its escape sequences
// (so colours still end where they should). A wide character that would
// straddle the edge is left out.
func Truncate(s string, width int) string {
	if Width(s) <= width {
		return s
	}
	var b strings.Builder
	w, cut := 0, false
	for i := 0; i < len(s); {
		if n := escapeLen(s[i:]); n > 0 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if rw := runewidth.RuneWidth(r); !cut && w+rw <= width {
			b.WriteString(s[i : i+size])
			w += rw
		} else {
			cut = true // nothing more fits, not even a zero-width character
		}
		i += size
	}
	return b.String()
}

// Pad cuts or fills s with spaces to exactly width cells.
func Pad(s string, width int) string {
	s = Truncate(s, width)
	return s + strings.Repeat(" ", max(0, width-Width(s)))
}

// PadLeft is Pad aligned to the right.
func PadLeft(s string, width int) string {
	s = Truncate(s, width)
	return strings.Repeat(" ", max(0, width-Width(s))) + s
}

// Center places s in the middle of width cells.
func Center(s string, width int) string {
	s = Truncate(s, width)
	left := max(0, (width-Width(s))/2)
	return strings.Repeat(" ", left) + s
}

// Wrap breaks plain text into lines of at most width cells, at spaces
// where it can and inside a word that is longer than a line. Spaces
// inside a line are kept as they are (tables, indented code and text
// art survive), as is a paragraph's indentation; a line that wraps
// starts at its next word. Tabs stop every 8 cells. Only a character
// wider than width itself (at width 1) makes a line wider than width.
func Wrap(s string, width int) []string {
	width = max(width, 1)
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		para = term.ExpandTabs(para)
		var cur strings.Builder
		cw, emitted := 0, false
		flush := func() {
			lines = append(lines, cur.String())
			cur.Reset()
			cw, emitted = 0, true
		}
		for gap, word := range words(para) {
			ww := Width(word)
			if cw > 0 && cw+len(gap)+ww > width {
				flush()
			}
			if cw > 0 || !emitted { // not at the start of a wrapped line
				gap = gap[:max(0, min(len(gap), width-1-cw))]
				cur.WriteString(gap)
				cw += len(gap)
			}
			for ww > width-cw { // a word longer than the line
				part := Truncate(word, width-cw)
				if part == "" && cw > 0 {
					flush()
					continue
				}
				if part == "" { // wider than the whole line: alone on one
					_, size := utf8.DecodeRuneInString(word)
					part = word[:size]
				}
				cur.WriteString(part)
				word = word[len(part):]
				ww = Width(word)
				flush()
			}
			cur.WriteString(word)
			cw += ww
		}
		if cur.Len() > 0 || !emitted { // zero-width characters count too
			flush()
		}
	}
	return lines
}

// words yields each word of a line with the spaces before it; spaces at
// the end of the line are dropped.
func words(line string) iter.Seq2[string, string] {
	return func(yield func(gap, word string) bool) {
		for line != "" {
			i := len(line) - len(strings.TrimLeft(line, " "))
			rest := line[i:]
			if rest == "" {
				return
			}
			j := strings.IndexByte(rest, ' ')
			if j < 0 {
				j = len(rest)
			}
			if !yield(line[:i], rest[:j]) {
				return
			}
			line = rest[j:]
		}
	}
}
