package ui

import (
	"strings"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// A List shows lines in an area of the screen and scrolls through them
// with Up, Down, PgUp, PgDn, Home and End. The screen owns the loop: it
// reads keys and hands each to HandleKey, which says whether it was a
// scrolling key.
type List struct {
	// Lines are the entries, possibly with SGR colours; each is cut to the
	// area's width when drawn.
	Lines []string
	// Top, Left, Width and Height give the area (1-based).
	Top, Left, Width, Height int
	// Offset is the index of the first line shown.
	Offset int
}

// Draw draws the visible lines and clears the rest of the area.
func (l *List) Draw(s *session.Session) {
	l.clamp()
	var b strings.Builder
	for i := range l.Height {
		b.WriteString(MoveTo(l.Top+i, l.Left) + Reset)
		if n := l.Offset + i; n < len(l.Lines) {
			b.WriteString(Pad(l.Lines[n], l.Width))
		} else {
			b.WriteString(strings.Repeat(" ", l.Width))
		}
		b.WriteString(Reset)
	}
	s.WriteString(b.String())
}

func (l *List) clamp() {
	l.Offset = max(0, min(l.Offset, len(l.Lines)-l.Height))
}

// HandleKey scrolls for the scrolling keys, redraws, and reports whether
// k was one.
func (l *List) HandleKey(s *session.Session, k term.Key) bool {
	page := max(1, l.Height-1)
	switch k.Code {
	case term.KeyUp:
		l.Offset--
	case term.KeyDown:
		l.Offset++
	case term.KeyPgUp:
		l.Offset -= page
	case term.KeyPgDn:
		l.Offset += page
	case term.KeyHome:
		l.Offset = 0
	case term.KeyEnd:
		l.Offset = len(l.Lines)
	default:
		return false
	}
	l.Draw(s)
	return true
}

// More reports whether lines lie below the visible ones.
func (l *List) More() bool { return l.Offset+l.Height < len(l.Lines) }
