package ui

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// MenuItem is one entry of a Menu.
type MenuItem struct {
	// Key selects the entry directly (case does not matter).
	Key rune
	// Label describes the entry.
	Label string
}

// A Menu is a lightbar menu: entries in as many columns as fit, one of
// them highlighted. Arrows move the bar, Enter picks the highlighted entry,
// and an entry's key picks it at once.
type Menu struct {
	Items []MenuItem
	// Top, Left and Width give the area the menu may use (1-based); Rows
	// limits its height (0: as many as it needs).
	Top, Left, Width, Rows int
	// Selected is the highlighted entry; Run leaves it on the one picked.
	Selected int
	// Relayout, if non-nil, is called after a window resize: it redraws
	// the screen around the menu and returns the menu's new area.
	Relayout func() (top, left, width int)
	// OnEvent, if non-nil, receives updates (term.KeyEvent) that arrive
	// meanwhile. The menu redraws itself afterwards, and the whole screen
	// through Relayout when OnEvent returns true (it drew over it).
	OnEvent func(ev events.Event) (redraw bool)
	// OnNotice, if non-nil, is called when notices for the caller arrive
	// (term.KeyNotice): a menu is a safe point to show them. The menu
	// redraws as after OnEvent.
	OnNotice func() (redraw bool)
	// KeyStyle, BarStyle and TextStyle colour the keys, the highlighted
	// entry and the others.
	KeyStyle, BarStyle, TextStyle string

	// listed are the entries accessible mode read out last (runPlain).
	listed []MenuItem
}

// layout returns the cell width, the columns and the rows the menu uses.
func (m *Menu) layout() (cellW, cols, rows int) {
	for _, it := range m.Items {
		cellW = max(cellW, Width(it.Label)+6) // "[k] label" and a gap
	}
	cols = max(1, min(len(m.Items), m.Width/max(cellW, 1)))
	rows = (len(m.Items) + cols - 1) / cols
	if m.Rows > 0 && rows > m.Rows {
		// Too tall for its area: use more, narrower columns, as many as
		// fit across ("[k] " and one letter); if that is not enough the
		// menu runs past its area downwards rather than off the edge.
		const minCell = 6
		rows = m.Rows
		cols = (len(m.Items) + rows - 1) / rows
		if cols*minCell > m.Width {
			cols = max(1, m.Width/minCell)
			rows = (len(m.Items) + cols - 1) / cols
		}
		cellW = max(minCell, m.Width/cols)
	}
	return cellW, cols, rows
}

// Height returns how many rows the menu takes in its current area.
func (m *Menu) Height() int {
	_, _, rows := m.layout()
	return rows
}

// Draw draws every entry.
func (m *Menu) Draw(s *session.Session) {
	cellW, _, rows := m.layout()
	var b strings.Builder
	for i := range m.Items {
		m.cell(&b, i, cellW, rows)
	}
	s.WriteString(b.String())
}

// cell draws entry i; entries run down the first column, then the next.
func (m *Menu) cell(b *strings.Builder, i, cellW, rows int) {
	it := m.Items[i]
	row, col := m.Top+i%rows, m.Left+(i/rows)*cellW
	keyStyle, textStyle := m.KeyStyle, m.TextStyle
	if keyStyle == "" {
		keyStyle = "\x1b[0;1;33m"
	}
	if textStyle == "" {
		textStyle = "\x1b[0;37m"
	}
	label := Truncate(it.Label, max(1, cellW-5))
	b.WriteString(MoveTo(row, col))
	if i == m.Selected {
		bar := m.BarStyle
		if bar == "" {
			bar = "\x1b[0;1;37;44m"
		}
		fmt.Fprintf(b, "%s[%c] %s%s", bar, unicode.ToUpper(it.Key), Pad(label, cellW-5), Reset)
		return
	}
	fmt.Fprintf(b, "%s[%s%c%s]%s %s%s", textStyle, keyStyle, unicode.ToUpper(it.Key), textStyle, textStyle, Pad(label, cellW-5), Reset)
}

// Run shows the menu and returns the index of the entry picked. Esc and
// q (when no entry has that key) return ErrCancel. In accessible mode
// (session.Session.Accessible) the menu is a numbered list and the choice
// a line typed after it (see runPlain).
func (m *Menu) Run(ctx context.Context, s *session.Session) (int, error) {
	if len(m.Items) == 0 {
		return 0, ErrCancel
	}
	if s.Accessible() {
		return m.runPlain(ctx, s)
	}
	m.Selected = min(max(m.Selected, 0), len(m.Items)-1)
	m.Draw(s)
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return 0, err
		}
		_, cols, rows := m.layout()
		prev := m.Selected
		switch k.Code {
		case term.KeyEnter:
			return m.Selected, nil
		case term.KeyEscape:
			return 0, ErrCancel
		case term.KeyUp:
			m.Selected = (m.Selected + len(m.Items) - 1) % len(m.Items)
		case term.KeyDown, term.KeyTab:
			m.Selected = (m.Selected + 1) % len(m.Items)
		case term.KeyLeft:
			if m.Selected-rows >= 0 {
				m.Selected -= rows
			}
		case term.KeyRight:
			if m.Selected+rows < len(m.Items) && cols > 1 {
				m.Selected += rows
			}
		case term.KeyHome:
			m.Selected = 0
		case term.KeyEnd:
			m.Selected = len(m.Items) - 1
		case term.KeyResize:
			if m.Relayout != nil {
				m.Top, m.Left, m.Width = m.Relayout()
			}
			m.Draw(s)
			continue
		case term.KeyEvent, term.KeyNotice:
			var redraw, handled bool
			switch {
			case k.Code == term.KeyEvent && m.OnEvent != nil:
				redraw, handled = m.OnEvent(s.Event()), true
			case k.Code == term.KeyNotice && m.OnNotice != nil:
				redraw, handled = m.OnNotice(), true
			}
			if redraw && m.Relayout != nil {
				m.Top, m.Left, m.Width = m.Relayout()
			}
			if handled {
				m.Draw(s)
			}
			continue
		case term.KeyRune:
			if k.Mod&modCtrlAlt != 0 {
				continue
			}
			if i := m.find(k.Rune); i >= 0 {
				m.Selected = i
				m.redraw(s, prev)
				return i, nil
			}
			if unicode.ToLower(k.Rune) == 'q' {
				return 0, ErrCancel
			}
			continue
		default:
			continue
		}
		m.redraw(s, prev)
	}
}

// redraw repaints the entries whose highlight changed.
func (m *Menu) redraw(s *session.Session, prev int) {
	if prev == m.Selected {
		return
	}
	cellW, _, rows := m.layout()
	var b strings.Builder
	m.cell(&b, prev, cellW, rows)
	m.cell(&b, m.Selected, cellW, rows)
	s.WriteString(b.String())
}

func (m *Menu) find(r rune) int {
	r = unicode.ToLower(r)
	for i, it := range m.Items {
		if unicode.ToLower(it.Key) == r {
			return i
		}
	}
	return -1
}
