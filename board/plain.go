package board

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Accessible mode
//
// A caller who reads the screen through a screen reader or a braille
// display chooses plain screens: at the login screen (the word "a"; a
// terminal whose type says a screen reader may be in use starts on them,
// see startsPlain), or for good in their profile (store.User.Accessible). The
// mode belongs to the session (session.Session.SetAccessible), so that
// the login screen has it before a Call exists, the widgets of package
// ui follow it by themselves, and scripts see it; Call.Accessible asks
// it.
//
// In accessible mode every screen is plain lines of text, written top to
// bottom in the order they are to be read, each ending with CR LF: no
// cursor addressing, no clearing of the screen, no colour, no art, no
// lightbar. Every answer is a line the caller types and ends with Enter.
// The building blocks do it, so that a screen written with them needs
// little of its own:
//
//   - Call.Header writes a blank line and the screen's title instead of
//     its art (plainTitle); Call.Clear writes a blank line.
//   - Call.Say, Call.Line and Call.Lines write a line (its colour and
//     every other control sequence removed); Say's row means nothing.
//   - Call.KeyHelp says the keys in words ("Keys: a, add; q, back."),
//     leaving out the arrows, which plain screens have no use for.
//   - Call.NextKey and Call.AnyKey ask for a line: one letter and Enter
//     is the key the screen reads, Enter alone is Enter, Esc is Esc.
//     Notices (pages, broadcasts) are shown as lines while the caller is
//     at the question; live updates (who arrived, a new one-liner) are
//     not read aloud, except in chat, whose lines come as they are said.
//   - Call.Ask, Call.Confirm and the ui.Field of a screen put the
//     question at the start of a line of its own and echo what is typed
//     plainly (a password's mask still stands for each character); a
//     Field's Prompt is its label there.
//   - Menus, from menu files or ui.Menu, are numbered lists; the caller
//     types the number or the entry's key, then Enter.
//   - Lists (browse, Call.pageLines) are written whole, a screenful at a
//     time, asking "More?" between screenfuls.
//   - Call.Box (a notice, a message) is its title and text as lines,
//     then the question or "Press Enter".
//   - The message editor is ui.LineEditor: lines typed one by one, a dot
//     alone on a line sends.
//   - The theme's colours are empty (plainTheme) and its boxes ASCII;
//     sysop text is rendered with markup's NoColor.
//   - Art (the art viewer, the gallery) is not shown: its SAUCE title and
//     comments are, when it has them. Doors run as they are, after a line
//     warning that they draw full screens.
//   - Scripts run as they are: bbs.accessible tells them, bbs.clear()
//     writes a blank line, bbs.moveTo() starts a new line, colours are
//     dropped (see docs/scripts.md).
//
// Screens that draw with cursor addressing of their own have a plain
// version beside them (the plain*.go files), which their draw function
// calls first.

// startsPlain reports whether the terminal's type says a screen reader
// may be in use, so that the call starts on plain screens (startPlain):
// one that can show no screen ("dumb": Emacs's shell buffers, where
// Emacspeak users call from; "emacs", its older name), and a MUD client
// that set the MTTS screen reader bit (term.Info.ScreenReader). Every
// other terminal, one that named no type included, gets the full login
// screen, which says how to have plain screens: screen readers on a full
// terminal (NVDA or JAWS with PuTTY, BRLTTY or Speakup on the Linux
// console) name an ordinary type, and a silent client must not be kept
// waiting on a question.
func startsPlain(info term.Info) bool {
	if info.ScreenReader {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(info.Term)) {
	case "dumb", "emacs":
		return true
	}
	return false
}

// plainTheme returns t for accessible mode: its strings, no colours, and
// boxes drawn in ASCII (a screen reader would spell out box drawing
// characters).
func plainTheme(t *Theme) *Theme {
	p := *t
	p.Text, p.Label, p.Value, p.Key, p.Title, p.Error, p.OK, p.Dim, p.Bar = "", "", "", "", "", "", "", "", ""
	p.Box = Box{TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+", Horizontal: "-", Vertical: "|"}
	return &p
}

// themeView names a theme as a session sees it: in its language, plain
// or not.
type themeView struct {
	tag   string
	plain bool
}

// themeFor returns the board's theme as a session is to see it: the
// strings in its language, plain in accessible mode.
func (b *Board) themeFor(s *session.Session) *Theme {
	p := s.Lang()
	k := themeView{p.Tag(), s.Accessible()}
	if t, ok := b.themes.Load(k); ok {
		return t.(*Theme)
	}
	t := b.theme.speaking(p, p.Tag() == b.lang.Default())
	if k.plain {
		t = plainTheme(t)
	}
	got, _ := b.themes.LoadOrStore(k, t)
	return got.(*Theme)
}

// setAccessible switches the call to plain screens, or back, theme
// included.
func (c *Call) setAccessible(on bool) {
	c.SetAccessible(on)
	c.Theme = c.Board.themeFor(c.Session)
}

// plainLine returns text as one plain line: no escape sequences, no
// control characters.
func plainLine(text string) string { return term.Sanitize(text) + "\r\n" }

// writeLine writes text on a line of its own (see plainLine).
func writeLine(s *session.Session, text string) { s.WriteString(plainLine(text)) }

// Line writes text on a line of its own, its colours and other control
// sequences removed: accessible mode's way of saying something.
func (c *Call) Line(text string) { writeLine(c.Session, text) }

// Lines writes each of texts on a line of its own (see Line).
func (c *Call) Lines(texts ...string) {
	var b strings.Builder
	for _, t := range texts {
		b.WriteString(plainLine(t))
	}
	c.WriteString(b.String())
}

// Clear clears the screen for a screen to draw on; in accessible mode it
// writes a blank line, which sets the screen apart from what came before.
func (c *Call) Clear() { clearScreen(c.Session) }

func clearScreen(s *session.Session) {
	if s.Accessible() {
		s.WriteString("\r\n")
		return
	}
	s.WriteString(ui.ClearScreen)
}

// plainTitle is what accessible mode says instead of a screen's header
// art, by the art's name; a name not here (a menu's art, whose title
// follows) says nothing.
func plainTitle(s *session.Session, name string) string {
	switch name {
	case "who":
		return s.T("plain.title_who")
	case "oneliners":
		return s.T("plain.title_oneliners")
	case "lastcallers":
		return s.T("plain.title_lastcallers")
	case "profile":
		return s.T("plain.title_profile")
	}
	return ""
}

// plainHeader is Header in accessible mode: a blank line and the
// screen's title, or the board's name at the login screen.
func (b *Board) plainHeader(s *session.Session, name string) int {
	title := plainTitle(s, name)
	if name == "login" {
		title = b.cfg.Name
	}
	s.WriteString("\r\n")
	if title != "" {
		writeLine(s, title)
	}
	return 1
}

// plainKeyHelp is KeyHelp in accessible mode: "Keys: a, add; q, back."
// in the language of p. A lightbar's hints (arrows, and Enter for the
// entry under the bar) are left out: the plain list says how to choose.
func plainKeyHelp(p *lang.Printer, pairs ...string) string {
	lightbar := false
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "arrows" {
			lightbar = true
		}
	}
	var said []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "arrows" || lightbar && pairs[i] == "Enter" {
			continue
		}
		said = append(said, pairs[i]+", "+pairs[i+1])
	}
	if len(said) == 0 {
		return ""
	}
	return p.T("plain.keys", "keys", strings.Join(said, "; "))
}

// plainAnswerMax bounds the answers typed at accessible mode's questions
// that are not fields of their own (a key, yes or no, More).
const plainAnswerMax = 32

// readLine asks a question on a line of its own and returns the line
// typed, trimmed; Esc returns ui.ErrCancel. Notices that arrive meanwhile
// are shown on lines of their own, and the question again after them.
func (c *Call) readLine(ctx context.Context, question string, max int) (string, error) {
	var noticeErr error
	f := &ui.Field{Prompt: question, Max: max}
	f.OnNotice = func() {
		if _, err := c.ShowNotices(ctx); err != nil && noticeErr == nil {
			noticeErr = err
		}
	}
	v, err := f.Read(ctx, c.Session)
	if noticeErr != nil && SessionOver(ctx, noticeErr) {
		return "", noticeErr
	}
	return strings.TrimSpace(v), err
}

// readChoice asks a menu's question and returns the answer in lower
// case; leave says the caller pressed Esc or typed q.
func (c *Call) readChoice(ctx context.Context, question string) (answer string, leave bool, err error) {
	a, err := c.readLine(ctx, question, plainAnswerMax)
	if errors.Is(err, ui.ErrCancel) {
		return "", true, nil
	}
	if err != nil {
		return "", false, err
	}
	a = strings.ToLower(a)
	return a, a == "q", nil
}

// plainKey is NextKey in accessible mode: it asks for a line, "Your
// choice: ", and returns it as the key a screen reads (one character, in
// lower case; Enter for an empty line, Esc for Esc). Notices waiting are
// shown first, and redraw after them; notices that come while the caller
// types are shown as they come, and the question again after them.
func (c *Call) plainKey(ctx context.Context, redraw func()) (term.Key, error) {
	for {
		if c.Inbox().Notices() > 0 {
			if _, err := c.ShowNotices(ctx); err != nil {
				return term.Key{}, err
			}
			redraw()
		}
		v, err := c.readLine(ctx, c.T("plain.your_choice")+" ", plainAnswerMax)
		switch {
		case errors.Is(err, ui.ErrCancel):
			return term.Key{Code: term.KeyEscape}, nil
		case err != nil:
			return term.Key{}, err
		}
		switch r := []rune(v); len(r) {
		case 0:
			return term.Key{Code: term.KeyEnter}, nil
		case 1:
			// Screens' keys are lower case; a caller's Shift is no
			// other key here.
			return term.Key{Code: term.KeyRune, Rune: unicode.ToLower(r[0])}, nil
		}
		c.Line(c.T("plain.one_letter"))
	}
}

// plainAnyKey is AnyKey in accessible mode: "Press Enter to go on."
func (c *Call) plainAnyKey(ctx context.Context) error {
	_, err := c.readLine(ctx, c.T("plain.enter_goes_on")+" ", plainAnswerMax)
	return ignoreCancel(err)
}

// plainConfirm is confirm in accessible mode: the question and "(y or
// n)" on a line, answered with a line; y or yes says yes, and so do the
// caller's language's (see isYes).
func plainConfirm(ctx context.Context, s *session.Session, question string) (bool, error) {
	v, err := (&ui.Field{Prompt: s.T("plain.confirm", "question", question) + " ", Max: plainAnswerMax}).Read(ctx, s)
	if errors.Is(err, ui.ErrCancel) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.Lang().Yes(v), nil
}

// pageLines writes lines a screenful at a time, asking "More?" after
// each screenful but the last. It reports whether the caller read to the
// end (false: they typed q, or Esc).
func (c *Call) pageLines(ctx context.Context, lines []string) (bool, error) {
	per := max(c.Size().Rows-2, 4)
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && i%per == 0 {
			c.WriteString(b.String())
			b.Reset()
			v, err := c.readLine(ctx, c.N("plain.more", len(lines)-i)+" ", plainAnswerMax)
			if errors.Is(err, ui.ErrCancel) || err == nil && strings.EqualFold(v, "q") {
				return false, nil
			}
			if err != nil {
				return false, err
			}
		}
		b.WriteString(plainLine(l))
	}
	c.WriteString(b.String())
	return true, nil
}

// plainBrowse is a read-only list in accessible mode: its lines, paged,
// or empty, a line saying there are none.
func (c *Call) plainBrowse(ctx context.Context, lines []string, empty string) error {
	if len(lines) == 0 {
		c.Line(empty)
		return nil
	}
	_, err := c.pageLines(ctx, lines)
	return err
}

// plainBox is Box in accessible mode. Updates that come meanwhile are
// handed back to the screen after it, as Box does.
func (c *Call) plainBox(ctx context.Context, title, text string, ask bool) (bool, error) {
	var later []events.Event
	defer func() {
		for _, ev := range later {
			c.Inbox().PostUpdate(ev)
		}
	}()
	c.WriteString("\r\n") // no bell: a control character, which braille may not render
	c.Lines(title, text)
	question := c.T("plain.enter_goes_on") + " "
	if ask {
		question = c.T("plain.yes_or_no") + " "
	}
	f := &ui.Field{Prompt: question, Max: plainAnswerMax}
	f.OnEvent = func(ev events.Event) {
		if len(later) < 64 {
			later = append(later, ev)
		}
	}
	v, err := f.Read(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return ask && c.Lang().Yes(v), nil
}
