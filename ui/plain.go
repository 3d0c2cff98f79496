package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// Accessible mode (session.Session.Accessible) is for callers who read
// the screen through a screen reader or a braille display: what the
// widgets write is plain lines of text, in the order it is to be read.
// There is no cursor addressing, no clearing, no colour; a line ends with
// CR LF, and the only other control character is Backspace, rubbing out
// a typed character (Backspace, space, Backspace). Every answer is a line
// the caller types and ends with Enter.

// plainInput is the text typed in a Field in accessible mode.
type plainInput struct {
	text []rune
	size int // bytes of text in UTF-8
	// toldFull: the caller was told the field is full, and has not
	// rubbed anything out since.
	toldFull bool
}

// readPlain is Read in accessible mode: Prompt and the text so far, then
// each character echoed as it is typed (Mask for each, if set).
// Backspace rubs out the last character, Ctrl-U the whole text, Ctrl-W a
// word; the cursor keys do nothing, since the text is
// edited at its end only. Enter ends the line, Esc abandons it
// (ErrCancel); both leave the cursor at the start of the next line. A
// window resize (which also follows an idle warning) writes the prompt
// and the text again on a new line; so does a notice (OnNotice), shown
// on lines of its own after the line typed so far (see breakLine). Hint
// is not used: a message after every key would be read aloud after
// every key.
func (f *Field) readPlain(ctx context.Context, s *session.Session) (string, error) {
	defaults.Positive(&f.Max, 80)
	in := &plainInput{}
	for _, r := range term.Sanitize(f.Value) {
		if f.fits(in, r) && (f.Accept == nil || f.Accept(r)) {
			in.add(r)
		}
	}
	f.plain = in
	defer func() { f.plain = nil }()
	f.echoPlain(s)
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return "", err
		}
		switch k.Code {
		case term.KeyEnter:
			s.WriteString("\r\n")
			return string(in.text), nil
		case term.KeyEscape:
			s.WriteString("\r\n")
			return "", ErrCancel
		case term.KeyResize:
			s.WriteString("\r\n")
			f.echoPlain(s)
		case term.KeyEvent:
			if f.OnEvent != nil {
				f.OnEvent(s.Event())
			}
		case term.KeyNotice:
			if f.OnNotice != nil {
				s.WriteString(f.breakLine())
				f.OnNotice()
				f.echoPlain(s)
			}
		case term.KeyBackspace:
			if n := len(in.text); n > 0 {
				s.WriteString(f.rubOut(in.text[n-1:]))
				in.cut(n - 1)
			}
		case term.KeyRune:
			f.plainRune(s, in, k)
		}
	}
}

// plainRune applies a character key in accessible mode.
func (f *Field) plainRune(s *session.Session, in *plainInput, k term.Key) {
	if k.Mod&modCtrlAlt == term.ModCtrl {
		switch k.Rune {
		case 'u':
			s.WriteString(f.rubOut(in.text))
			in.cut(0)
		case 'w':
			e := editor{text: in.text, pos: len(in.text)}
			if e.deleteWord() {
				s.WriteString(f.rubOut(in.text[e.pos:]))
				in.cut(e.pos)
			}
		}
		return
	}
	if k.Mod&term.ModAlt != 0 || !unicode.IsPrint(k.Rune) || (f.Accept != nil && !f.Accept(k.Rune)) {
		return
	}
	if !f.fits(in, k.Rune) {
		if !in.toldFull {
			// On a line of its own: a word rather than the bell, which
			// is a control character a braille display may not render.
			in.toldFull = true
			s.WriteString("\r\n" + s.T("ui.field.full") + "\r\n")
			f.echoPlain(s)
		}
		return
	}
	in.add(k.Rune)
	s.WriteString(f.shown([]rune{k.Rune}))
}

// fits reports whether r may follow text: within Max characters and,
// when set, maxBytes bytes.
func (f *Field) fits(in *plainInput, r rune) bool {
	if len(in.text) >= f.Max {
		return false
	}
	return f.maxBytes <= 0 || in.size+utf8.RuneLen(r) <= f.maxBytes
}

// add types r at the end of the text.
func (in *plainInput) add(r rune) {
	in.text = append(in.text, r)
	in.size += utf8.RuneLen(r)
}

// cut rubs the text out from its nth character on: there is room again.
func (in *plainInput) cut(n int) {
	in.size -= runesBytes(in.text[n:])
	in.text = in.text[:n]
	in.toldFull = false
}

// shown is how typed text shows: itself, or the mask.
func (f *Field) shown(rs []rune) string {
	if f.Mask != 0 {
		return strings.Repeat(string(f.Mask), len(rs))
	}
	return string(rs)
}

// rubOut returns what takes the characters rs off the end of the line:
// a backspace, a space and a backspace for each cell they took.
func (f *Field) rubOut(rs []rune) string {
	cells := len(rs)
	if f.Mask == 0 {
		cells = Width(string(rs))
	}
	return strings.Repeat("\b", cells) + strings.Repeat(" ", cells) + strings.Repeat("\b", cells)
}

// breakLine is what leaves the line being typed for lines written over
// it (a notice, Interject): the end of the line, or, when nothing is
// typed yet, the prompt rubbed out, rather than left there unanswered to
// be read again below the lines.
func (f *Field) breakLine() string {
	if f.plain != nil && len(f.plain.text) == 0 {
		return (&Field{}).rubOut([]rune(term.Sanitize(f.Prompt)))
	}
	return "\r\n"
}

// echoPlain writes the prompt and the text typed so far.
func (f *Field) echoPlain(s *session.Session) {
	p := term.Sanitize(f.Prompt)
	if f.plain != nil {
		p += f.shown(f.plain.text)
	}
	s.WriteString(p)
}

// Interject writes lines of text above the line being typed, in
// accessible mode, for an OnEvent that has something to say meanwhile (a
// line of chat): it ends the line being typed (or rubs out the prompt
// when nothing is typed yet), writes the lines (made safe with
// term.Sanitize), then the prompt and the text typed so far again, so that the caller goes on typing where they were. It does
// nothing outside Read in accessible mode; on a full screen OnEvent draws
// above the field itself.
func (f *Field) Interject(s *session.Session, lines ...string) {
	if f.plain == nil || !s.Accessible() || len(lines) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString(f.breakLine())
	for _, l := range lines {
		b.WriteString(term.Sanitize(l) + "\r\n")
	}
	s.WriteString(b.String())
	f.echoPlain(s)
}

// menuChoiceMax bounds what may be typed as a menu choice.
const menuChoiceMax = 32

// runPlain is Run in accessible mode: the entries as a numbered list,
// one a line ("3. Messages, key m"; a digit key goes unsaid, since
// numbers are the list's), then a line asking for the choice. A menu run
// again (the same Menu, back from the entry picked) does not list its
// entries again unless asked: the caller knows them. The caller types an
// entry's number or its key and Enter; Enter alone or "?" lists the
// entries; Esc, or q when no entry has that key, returns
// ErrCancel; anything else is said to be no choice, and asked again.
// OnEvent is told of updates (its redraw is not wanted: the list stays
// as it was read); a notice (OnNotice) is shown on lines of its own, the
// list again after it if OnNotice says so, then the question.
func (m *Menu) runPlain(ctx context.Context, s *session.Session) (int, error) {
	if !slices.Equal(m.listed, m.Items) {
		m.writePlain(s)
	}
	f := &Field{Max: menuChoiceMax, Prompt: s.N("ui.menu.choose", len(m.Items))}
	if m.OnEvent != nil {
		f.OnEvent = func(ev events.Event) { m.OnEvent(ev) }
	}
	if m.OnNotice != nil {
		f.OnNotice = func() {
			if m.OnNotice() {
				m.writePlain(s)
			}
		}
	}
	for {
		v, err := f.Read(ctx, s)
		if err != nil {
			return 0, err
		}
		v = strings.TrimSpace(v)
		if v == "" || v == "?" {
			m.writePlain(s)
			continue
		}
		if i, ok := m.plainChoice(v); ok {
			m.Selected = i
			return i, nil
		}
		if strings.EqualFold(v, "q") {
			return 0, ErrCancel
		}
		s.WriteString(s.T("ui.menu.no_choice", "choice", term.Sanitize(v), "last", strconv.Itoa(len(m.Items))) + "\r\n")
	}
}

// plainChoice finds the entry a typed choice names: its number in the
// list, or its key.
func (m *Menu) plainChoice(v string) (int, bool) {
	if n, err := strconv.Atoi(v); err == nil {
		if n >= 1 && n <= len(m.Items) {
			return n - 1, true
		}
		return 0, false
	}
	if r := []rune(v); len(r) == 1 {
		if i := m.find(r[0]); i >= 0 {
			return i, true
		}
	}
	return 0, false
}

// writePlain writes the numbered list.
func (m *Menu) writePlain(s *session.Session) {
	m.listed = slices.Clone(m.Items)
	var b strings.Builder
	for i, it := range m.Items {
		number, label := strconv.Itoa(i+1), term.Sanitize(it.Label)
		if !unicode.IsDigit(it.Key) && it.Key != 0 {
			b.WriteString(s.T("ui.menu.item_key", "number", number, "label", label, "key", string(unicode.ToLower(it.Key))))
		} else {
			b.WriteString(s.T("ui.menu.item", "number", number, "label", label))
		}
		b.WriteString("\r\n")
	}
	s.WriteString(b.String())
}
