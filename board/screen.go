package board

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Header clears the screen and draws the named art at the top (a sysop's
// DATA/art/NAME.ans, else the built-in; art for the caller's language,
// NAME.TAG.ans, first: see art.Library.LoadFor), using at most maxRows
// rows (fewer on a short window). It returns the first free row. Missing
// art is logged and replaced by the board's name; with maxRows 0 there is
// no art.
func (c *Call) Header(name string, maxRows int) int {
	return c.Board.header(c.Session, c.Theme, name, maxRows)
}

func (b *Board) header(s *session.Session, t *Theme, name string, maxRows int) int {
	if s.Accessible() {
		return b.plainHeader(s, name)
	}
	sz := s.Size()
	s.WriteString(ui.ClearScreen)
	if maxRows <= 0 {
		return 1
	}
	a, err := b.cfg.Art.LoadFor(name, s.Lang().Tag())
	if err != nil {
		// Once per name: every caller draws the header at every menu.
		if _, told := b.artMissing.LoadOrStore(name, true); !told {
			b.log.Warn("art", "name", name, "err", err)
		}
	}
	if a == nil {
		s.WriteString(ui.MoveTo(1, 2) + t.Title + ui.Truncate(b.cfg.Name, sz.Cols-2) + ui.Reset)
		return 3
	}
	// A screen names the rows it can spare in the smallest window; a
	// larger window gives taller art (a sysop's own) up to half of what
	// the screen leaves.
	rows := min(a.Height(), max(maxRows, (sz.Rows-6)/2), max(sz.Rows-6, 1))
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

// Confirm asks a yes/no question on a row; only y (or the caller's
// language's yes key, common.yes_key: j in German) says yes. Esc, Enter
// and n say no, and so does a resize (the screen redraws, and asks again
// if it must).
func (c *Call) Confirm(ctx context.Context, row int, question string) (bool, error) {
	return confirm(ctx, c.Session, c.Theme, row, question)
}

// confirm is Call.Confirm for the screens before a call starts (the
// application).
func confirm(ctx context.Context, s *session.Session, t *Theme, row int, question string) (bool, error) {
	if s.Accessible() {
		return plainConfirm(ctx, s, question)
	}
	draw := func() {
		s.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + t.Text + question + " " + t.Key + t.Strings.YesNo + ui.Reset + " ")
	}
	draw()
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case k.Code == term.KeyRune && s.Lang().Yes(string(k.Rune)):
			return true, nil
		case k.Code == term.KeyRune && (k.Rune == 'n' || k.Rune == 'N'),
			k.Code == term.KeyEnter, k.Code == term.KeyEscape:
			return false, nil
		case k.Code == term.KeyResize:
			return false, nil // the screen redraws and asks again if it must
		}
	}
}

// Ask reads a line in f after a label on row, or on the bottom row when
// row is 0 (which moves with a resize). With no label, f stays at f.Col,
// over the value a screen shows there. A resize runs redraw (which draws
// the screen), then draws the label and the field again. A zero f.Width
// runs to the window's edge, f.Max at most. Esc returns ui.ErrCancel.
// The field is in the theme's Bar colour unless f.Style says otherwise.
func (c *Call) Ask(ctx context.Context, row int, label string, f *ui.Field, redraw func()) (string, error) {
	s, t := c.Session, c.Theme
	if c.Accessible() {
		// The question on a line of its own; a value edited in place
		// has no label, and the value typed so far says what it is.
		if f.Prompt == "" {
			f.Prompt = s.T("common.new_value") + " "
			if label != "" {
				f.Prompt = strings.TrimRight(label, " ") + " "
			}
		}
		return f.Read(ctx, s)
	}
	col := f.Col
	place := func() (int, int) {
		r := row
		if r == 0 {
			r = s.Size().Rows
		}
		if label != "" {
			s.WriteString(ui.MoveTo(r, 2) + ui.ClearEOL + t.Label + label + ui.Reset)
			col = 2 + ui.Width(label)
		} else {
			s.WriteString(ui.MoveTo(r, col) + ui.ClearEOL) // the value edited in place
		}
		return r, col
	}
	if f.Style == "" {
		f.Style = t.Bar
	}
	f.Row, f.Col = place() // the field keeps to the window as it changes
	f.Relayout = func() (int, int) { redraw(); return place() }
	return f.Read(ctx, s)
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

// Say writes a message in a style (a Theme's colour, such as
// c.Theme.Error) on a row, clearing the rest of the row; a message too
// long for the window is cut.
//
// In accessible mode the row means nothing: the message is a line of its
// own, with no colour, and an empty one (which clears a row) writes
// nothing.
func Say(s *session.Session, row int, style, msg string) {
	if s.Accessible() {
		if msg != "" {
			writeLine(s, msg)
		}
		return
	}
	s.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + style + ui.Truncate(msg, s.Size().Cols-2) + ui.Reset)
}

// ruleMessageIn returns the text to show a caller for a failed rule, in
// the language of p (c.Lang(), s.Lang()).
func ruleMessageIn(p *lang.Printer, err error) string {
	if id, pairs, ok := account.MessageID(err); ok {
		return p.T(id, pairs...)
	}
	if msg := account.Message(err); msg != "" { // a sysop's own words
		return msg
	}
	return p.T("common.not_allowed")
}

// clean makes text that came from a user safe to show on others'
// terminals. Input is sanitised when it is stored; this guards against
// what arrived another way (an import, an older version).
func clean(s string) string { return term.Sanitize(s) }

// agoIn says how long ago t was, shortly, in the language of p
// (c.Lang(), s.Lang()): "now", "5m", "3h", "2d", "1y".
func agoIn(p *lang.Printer, t, now time.Time) string {
	if t.IsZero() {
		return p.T("common.never")
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return p.T("common.now")
	case d < time.Hour:
		return p.T("common.minutes_ago", "n", strconv.Itoa(int(d/time.Minute)))
	case d < 48*time.Hour:
		return p.T("common.hours_ago", "n", strconv.Itoa(int(d/time.Hour)))
	case d < 365*24*time.Hour:
		return p.T("common.days_ago", "n", strconv.Itoa(int(d/(24*time.Hour))))
	}
	return p.T("common.years_ago", "n", strconv.Itoa(int(d/(365*24*time.Hour))))
}

// KeyHelp formats key hints in the call's theme (see Theme.KeyHelp):
// KeyHelp("a", "add", "q", "back") gives "[a] add  [q] back".
// In accessible mode it says them in words (see plainKeyHelp).
func (c *Call) KeyHelp(pairs ...string) string {
	if c.Accessible() {
		return plainKeyHelp(c.Lang(), pairs...)
	}
	return c.Theme.KeyHelp(pairs...)
}

// IsQuit reports whether k leaves a screen: q, Esc or Enter.
func IsQuit(k term.Key) bool {
	return k.Code == term.KeyEscape || k.Code == term.KeyEnter ||
		k.Code == term.KeyRune && k.Mod == 0 && (k.Rune == 'q' || k.Rune == 'Q')
}

// browse runs a read-only list screen: draw draws it (and fills list),
// the scrolling keys scroll, and q, Esc or Enter leave.
func browse(ctx context.Context, c *Call, list *ui.List, draw func()) error {
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		switch {
		case IsQuit(k):
			return nil
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

// NextKey reads the caller's next key for a screen's loop. It is the
// screen's safe point: notices waiting for the caller (pages, broadcasts,
// mail) are shown first and redraw is run after them; a resize runs
// redraw too. Every other key is returned, KeyEvent included, for the
// screens that follow live updates (Session.Event says which); others
// ignore KeyEvent and read on. Use NextKey rather than ReadKey, which
// also returns for the notices and resizes that NextKey handles.
//
// In accessible mode NextKey asks for a line instead (see plainKey): a
// letter and Enter is that letter's key, Enter alone is Enter; updates
// are not returned, and a resize redraws nothing.
func (c *Call) NextKey(ctx context.Context, redraw func()) (term.Key, error) {
	if c.Accessible() {
		return c.plainKey(ctx, redraw)
	}
	for {
		if c.Inbox().Notices() > 0 {
			if _, err := c.ShowNotices(ctx); err != nil {
				return term.Key{}, err
			}
			redraw()
		}
		k, err := c.ReadKey(ctx)
		if err != nil {
			return k, err
		}
		switch k.Code {
		case term.KeyResize:
			redraw()
		case term.KeyNotice:
			// shown at the top of the loop
		default:
			return k, nil
		}
	}
}

// Say writes a message in a style on a row of the caller's screen (see
// the package function Say).
func (c *Call) Say(row int, style, msg string) { Say(c.Session, row, style, msg) }

// AnyKey waits until the caller presses a key, at the screen's safe
// point: notices show meanwhile and live updates are ignored, redraw
// running after a notice or a resize.
func (c *Call) AnyKey(ctx context.Context, redraw func()) error {
	if c.Accessible() {
		return c.plainAnyKey(ctx)
	}
	for {
		k, err := c.NextKey(ctx, redraw)
		if err != nil || k.Code != term.KeyEvent {
			return err
		}
	}
}

// runMenu runs m (its Relayout set) at the screen's safe point: the
// notices waiting are shown first, those that come meanwhile as they
// arrive. It returns what m.Run returns, or the error met showing a
// notice when that ended the call.
func (c *Call) runMenu(ctx context.Context, m *ui.Menu) (int, error) {
	var noticeErr error
	m.OnNotice = func() bool {
		redraw, err := c.ShowNotices(ctx)
		noticeErr = err
		return redraw
	}
	if _, err := c.ShowNotices(ctx); err != nil {
		return 0, err
	}
	c.Theme.styleMenu(m)
	m.Top, m.Left, m.Width = m.Relayout()
	i, err := m.Run(ctx, c.Session)
	if noticeErr != nil && SessionOver(ctx, noticeErr) {
		return 0, noticeErr
	}
	return i, err
}
