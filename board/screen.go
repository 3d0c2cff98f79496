package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// The board's palette.
const (
	styleText  = "\x1b[0;37m"
	styleLabel = "\x1b[0;36m"
	styleValue = "\x1b[0;1;37m"
	styleKey   = "\x1b[0;1;33m"
	styleTitle = "\x1b[0;1;36m"
	styleError = "\x1b[0;1;31m"
	styleOK    = "\x1b[0;1;32m"
	styleDim   = "\x1b[0;90m"
)

// count says how many of a thing there are: "1 message", "2 messages".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// header clears the screen and draws the named art at the top, using at
// most maxRows rows (fewer on a short window). It returns the first free
// row. Missing art is logged and replaced by the board's name; with
// maxRows 0 there is no art.
func (b *Board) header(s *session.Session, name string, maxRows int) int {
	sz := s.Size()
	s.WriteString(ui.ClearScreen)
	if maxRows <= 0 {
		return 1
	}
	a, err := b.Art.Load(name)
	if err != nil {
		b.Log.Warn("art", "name", name, "err", err)
	}
	if a == nil {
		s.WriteString(ui.MoveTo(1, 2) + styleTitle + ui.Truncate(b.Name, sz.Cols-2) + ui.Reset)
		return 3
	}
	rows := min(a.Height(), maxRows, max(sz.Rows-6, 1))
	s.WriteString(ui.MoveTo(1, 1) + a.Render(sz.Cols, rows))
	return rows + 1
}

// errTimeout is what readKeyTimeout returns when no key came in time.
var errTimeout = errors.New("board: no key in time")

// readKeyTimeout is ReadKey that gives up after d, so that a screen can
// refresh itself (idle times in who's online).
func readKeyTimeout(ctx context.Context, s *session.Session, d time.Duration) (term.Key, error) {
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	k, err := s.ReadKey(tctx)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return k, errTimeout
	}
	return k, err
}

// confirm asks a yes/no question on a row; only y says yes.
func confirm(ctx context.Context, s *session.Session, row int, question string) (bool, error) {
	draw := func() {
		s.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + styleText + question + " " + styleKey + "[y/N]" + ui.Reset + " ")
	}
	draw()
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case k.Code == term.KeyRune && (k.Rune == 'y' || k.Rune == 'Y'):
			return true, nil
		case k.Code == term.KeyRune && (k.Rune == 'n' || k.Rune == 'N'),
			k.Code == term.KeyEnter, k.Code == term.KeyEscape:
			return false, nil
		case k.Code == term.KeyResize:
			return false, nil // the screen redraws and asks again if it must
		}
	}
}

// ask reads a line in f after a label on row, or on the bottom row when
// row is 0 (which moves with a resize). With no label, f stays at f.Col,
// over the value a screen shows there. A resize redraws the screen, then
// the label and the field. A zero f.Width runs to the window's edge,
// f.Max at most.
func ask(ctx context.Context, c *Call, row int, label string, f *ui.Field, redraw func()) (string, error) {
	col := f.Col
	place := func() (int, int) {
		r := row
		if r == 0 {
			r = c.Size().Rows
		}
		if label != "" {
			c.WriteString(ui.MoveTo(r, 2) + ui.ClearEOL + styleLabel + label + ui.Reset)
			col = 2 + ui.Width(label)
		} else {
			c.WriteString(ui.MoveTo(r, col) + ui.ClearEOL) // the value edited in place
		}
		return r, col
	}
	f.Row, f.Col = place() // the field keeps to the window as it changes
	f.Relayout = func() (int, int) { redraw(); return place() }
	return f.Read(ctx, c.Session)
}

// ignoreCancel turns Esc (ui.ErrCancel) into "nothing happened" and
// passes other errors on.
func ignoreCancel(err error) error {
	if errors.Is(err, ui.ErrCancel) {
		return nil
	}
	return err
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// say writes a message on a row, clearing the rest of the row.
func say(s *session.Session, row int, style, msg string) {
	s.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + style + ui.Truncate(msg, s.Size().Cols-2) + ui.Reset)
}

// ruleMessage returns the text to show a caller for a failed rule.
func ruleMessage(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return "That is not allowed."
}

// clean makes text that came from a user safe to show on others'
// terminals. Input is sanitised when it is stored; this guards against
// what arrived another way (an import, an older version).
func clean(s string) string { return term.Sanitize(s) }

// ago says how long ago t was, shortly: "now", "5m", "3h", "2d", "1y".
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%dy", int(d/(365*24*time.Hour)))
}

// keyHelp formats key hints: keyHelp("a", "add", "q", "back") gives
// "[a] add  [q] back" in the board's colours.
func keyHelp(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%s[%s%s%s]%s %s", styleText, styleKey, pairs[i], styleText, styleText, pairs[i+1])
	}
	return b.String() + ui.Reset
}

// isQuit reports whether k leaves a screen: q, Esc or Enter.
func isQuit(k term.Key) bool {
	return k.Code == term.KeyEscape || k.Code == term.KeyEnter ||
		k.Code == term.KeyRune && k.Mod == 0 && (k.Rune == 'q' || k.Rune == 'Q')
}

// browse runs a read-only list screen: draw draws it (and fills list),
// the scrolling keys scroll, and q, Esc or Enter leave.
func browse(ctx context.Context, c *Call, list *ui.List, draw func()) error {
	draw()
	for {
		k, err := c.Board.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		switch {
		case isQuit(k):
			return nil
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

// nextKey reads the caller's next key for a screen's loop. It is the
// screen's safe point: notices waiting for the caller (pages, broadcasts)
// are shown first and the screen redrawn after them; a resize redraws
// too. Every other key is returned, KeyEvent included, for the screens
// that follow live events.
func (b *Board) nextKey(ctx context.Context, c *Call, redraw func()) (term.Key, error) {
	for {
		if c.PendingNotices() > 0 {
			if _, err := b.showNotices(ctx, c); err != nil {
				return term.Key{}, err
			}
			redraw()
		}
		k, err := c.ReadKey(ctx)
		if err != nil {
			return k, err
		}
		switch {
		case k.Code == term.KeyResize:
			redraw()
		case k.Code == term.KeyEvent && c.Event().Topic == events.TopicNotice:
			// shown at the top of the loop
		default:
			return k, nil
		}
	}
}
