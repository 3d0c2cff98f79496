package ui

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// ErrCancel is returned when the caller presses Esc.
var ErrCancel = errors.New("ui: cancelled")

// A Field is a one-line text input at a fixed place on the screen.
type Field struct {
	// Row and Col place the field's first cell (1-based).
	Row, Col int
	// Width is how many cells the field shows; longer text scrolls. A
	// narrow window shows fewer: the field stops short of the last
	// column, and grows back when the window does. Default: Max.
	Width int
	// Max is the most characters accepted. Default 80.
	Max int
	// Mask, if not zero, is shown instead of each character (passwords).
	Mask rune
	// Value is the text the field starts with.
	Value string
	// Accept says which characters may be typed. Default: any printable
	// character. Control characters are refused whatever it says.
	Accept func(r rune) bool
	// Hint, if non-nil, is called after every change; what it returns is
	// shown at HintRow, HintCol ("" clears it), so rules can be checked
	// while the caller types.
	Hint             func(value string) string
	HintRow, HintCol int
	// Style is the SGR sequence for the field's cells. Default: white on
	// blue.
	Style string
	// Relayout, if non-nil, is called after a window resize: it redraws
	// the screen and returns where the field now is. Without it the field
	// stays where it was and only redraws itself.
	Relayout func() (row, col int)
	// OnEvent, if non-nil, is given every update (term.KeyEvent) that
	// arrives while the caller types. It must leave the field's cells and
	// the cursor as it found them (save and restore the cursor: ESC 7,
	// ESC 8): the field is not drawn again, since in a busy chat room
	// that would double the output of every line to every caller.
	OnEvent func(ev events.Event)
	// OnNotice, if non-nil, is called when notices for the caller arrive
	// (term.KeyNotice) while they type; the field redraws itself
	// afterwards. If nil the notices wait for the screen's next safe
	// point, after the field.
	OnNotice func()
	// Prompt is the field's label in accessible mode, where Row and Col
	// mean nothing: it starts the line the caller types on ("Handle: ").
	// A full screen ignores it; the screen draws its label there.
	Prompt string

	// plain is the text being typed in accessible mode, for Interject.
	plain *plainInput
	// maxBytes, if set, bounds the text in bytes of UTF-8 too, in
	// accessible mode (the LineEditor's lines, whose limit is in bytes).
	maxBytes int
}

const defaultFieldStyle = "\x1b[0;1;37;44m"

// Read lets the caller edit the field and returns its text when Enter is
// pressed. Esc returns ErrCancel. Editing keys: Left, Right, Home/Ctrl-A,
// End/Ctrl-E, Backspace, Delete/Ctrl-D, Ctrl-U (clear), Ctrl-K (to end),
// Ctrl-W (word back).
//
// In accessible mode (session.Session.Accessible) the field is a line of
// its own: Prompt, then the text as typed, with no cursor movement and
// no colour (see readPlain).
func (f *Field) Read(ctx context.Context, s *session.Session) (string, error) {
	if s.Accessible() {
		return f.readPlain(ctx, s)
	}
	defaults.Positive(&f.Max, 80)
	defaults.Positive(&f.Width, f.Max)
	if f.Style == "" {
		f.Style = defaultFieldStyle
	}
	e := editor{text: []rune(f.Value)}
	if len(e.text) > f.Max {
		e.text = e.text[:f.Max]
	}
	e.pos = len(e.text)
	hint := ""
	if f.Hint != nil && len(e.text) > 0 {
		// An empty field says nothing until the caller types.
		hint = f.Hint(string(e.text))
	}
	f.draw(s, &e, hint)
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return "", err
		}
		changed := false
		switch k.Code {
		case term.KeyEnter:
			f.draw(s, &e, hint) // typed ahead of drawing: show what was taken
			return string(e.text), nil
		case term.KeyEscape:
			f.draw(s, &e, hint)
			return "", ErrCancel
		case term.KeyResize:
			if f.Relayout != nil {
				f.Row, f.Col = f.Relayout()
			}
		case term.KeyEvent:
			if f.OnEvent != nil {
				f.OnEvent(s.Event())
			}
			continue
		case term.KeyNotice:
			if f.OnNotice != nil {
				f.OnNotice()
			}
		case term.KeyLeft:
			e.pos = max(0, e.pos-1)
		case term.KeyRight:
			e.pos = min(len(e.text), e.pos+1)
		case term.KeyHome:
			e.pos = 0
		case term.KeyEnd:
			e.pos = len(e.text)
		case term.KeyBackspace:
			changed = e.backspace()
		case term.KeyDelete:
			changed = e.delete()
		case term.KeyRune:
			changed = f.rune(&e, k)
		default:
			continue
		}
		if changed && f.Hint != nil {
			hint = f.Hint(string(e.text))
		}
		if s.Buffered() == 0 {
			f.draw(s, &e, hint)
		}
	}
}

// rune applies a character key: text, or an editing control.
func (f *Field) rune(e *editor, k term.Key) bool {
	if k.Mod&modCtrlAlt == term.ModCtrl {
		switch k.Rune {
		case 'a':
			e.pos = 0
		case 'e':
			e.pos = len(e.text)
		case 'd':
			return e.delete()
		case 'u':
			e.text, e.pos = e.text[:0], 0
			return true
		case 'k':
			e.text = e.text[:e.pos]
			return true
		case 'w':
			return e.deleteWord()
		}
		return false
	}
	if k.Mod&term.ModAlt != 0 || !unicode.IsPrint(k.Rune) || (f.Accept != nil && !f.Accept(k.Rune)) {
		return false
	}
	if len(e.text) >= f.Max {
		return false
	}
	e.text = append(e.text[:e.pos], append([]rune{k.Rune}, e.text[e.pos:]...)...)
	e.pos++
	return true
}

// modCtrlAlt masks the modifiers that make a key a command.
const modCtrlAlt = term.ModCtrl | term.ModAlt

// draw shows the part of the text around the cursor and puts the cursor
// at the editing position.
func (f *Field) draw(s *session.Session, e *editor, hint string) {
	shown := e.text
	if f.Mask != 0 {
		shown = []rune(strings.Repeat(string(f.Mask), len(e.text)))
	}
	width := min(f.Width, max(s.Size().Cols-f.Col, 1))
	// Scroll so that the cursor is inside the field.
	if e.pos < e.scroll {
		e.scroll = e.pos
	}
	for cells(shown[e.scroll:e.pos]) >= width && e.scroll < e.pos {
		e.scroll++
	}
	// A field grown wider shows again what had scrolled out.
	for e.scroll > 0 && cells(shown[e.scroll-1:]) < width {
		e.scroll--
	}
	var b strings.Builder
	if f.Hint != nil && f.HintRow > 0 {
		// Cut short of the last column: a wrapped hint would leave its
		// tail on the next row.
		b.WriteString(MoveTo(f.HintRow, f.HintCol) + Reset + ClearEOL + Truncate(hint, s.Size().Cols-f.HintCol))
	}
	b.WriteString(MoveTo(f.Row, f.Col) + f.Style)
	visible := string(shown[e.scroll:])
	b.WriteString(Pad(visible, width))
	b.WriteString(Reset)
	b.WriteString(MoveTo(f.Row, f.Col+cells(shown[e.scroll:e.pos])))
	s.WriteString(b.String())
}

func cells(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += RuneWidth(r)
	}
	return n
}

// editor is the text being edited and the cursor in it.
type editor struct {
	text   []rune
	pos    int
	scroll int // first rune shown
}

func (e *editor) backspace() bool {
	if e.pos == 0 {
		return false
	}
	e.text = append(e.text[:e.pos-1], e.text[e.pos:]...)
	e.pos--
	return true
}

func (e *editor) delete() bool {
	if e.pos >= len(e.text) {
		return false
	}
	e.text = append(e.text[:e.pos], e.text[e.pos+1:]...)
	return true
}

func (e *editor) deleteWord() bool {
	start := e.pos
	for start > 0 && e.text[start-1] == ' ' {
		start--
	}
	for start > 0 && e.text[start-1] != ' ' {
		start--
	}
	if start == e.pos {
		return false
	}
	e.text = append(e.text[:start], e.text[e.pos:]...)
	e.pos = start
	return true
}
