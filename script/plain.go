package script

import (
	"errors"
	"strings"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Accessible mode (session.Session.Accessible): the caller reads plain
// lines, through a screen reader or a braille display. bbs.accessible
// tells a script, which may then write lines of its own; whatever it
// does, the engine keeps its output plain: bbs.clear() writes a blank
// line, bbs.moveTo() starts a new line when it goes to another row,
// colours are dropped (bbs.write's pipe codes, bbs.writePlain's colour),
// bbs.art draws nothing, text padded with spaces to fill a row loses the
// padding, and the questions (bbs.prompt, bbs.form, bbs.confirm,
// bbs.pause) are lines of their own, answered with Enter.

// clearScreen is what bbs.clear writes.
func (r *run) clearScreen() string {
	if r.c.Accessible() {
		r.plainRow = 1
		return "\r\n"
	}
	return ui.ClearScreen
}

// moveSequence is what bbs.moveTo(row, col) writes: in accessible mode a
// new line when the row is another than the last one moved to, nothing
// when it is the same (the text goes on along the line).
func (r *run) moveSequence(row, col int) string {
	if !r.c.Accessible() {
		return ui.MoveTo(row, col)
	}
	same := row == r.plainRow
	r.plainRow = row
	if same {
		return ""
	}
	return "\r\n"
}

// plainPrompt is a question's label in accessible mode: its text, then a
// space.
func (r *run) plainPrompt(label string) string {
	return strings.TrimRight(term.Sanitize(label), " ") + " "
}

// confirmPlain is bbs.confirm in accessible mode: the question on a line
// of its own, answered with a line; y or yes is true.
func (r *run) confirmPlain(question string) goja.Value {
	var (
		v   string
		err error
	)
	r.freshLine()
	r.wait(func() {
		f := &ui.Field{Prompt: r.plainPrompt(question) + r.c.T("script.yes_no_plain"), Max: 16}
		v, err = f.Read(r.ctx, r.c.Session)
	})
	switch {
	case errors.Is(err, ui.ErrCancel):
		return r.vm.ToValue(false)
	case err != nil:
		return r.end(err)
	}
	return r.vm.ToValue(r.c.Lang().Yes(v))
}

// pausePlain is bbs.pause in accessible mode: a line asking for Enter.
func (r *run) pausePlain() goja.Value {
	var err error
	r.wait(func() {
		if len(r.typed) > 0 {
			r.typed = r.typed[1:] // typed during a sleep: the key pressed
			return
		}
		r.freshLine()
		err = r.c.AnyKey(r.ctx, func() {})
	})
	if err != nil {
		return r.end(err)
	}
	return goja.Undefined()
}

// freshLine ends the line the script's output left unfinished, in
// accessible mode, so that a question starts a line of its own. A
// question's answer ends its line (the plain ui.Field writes CR LF).
func (r *run) freshLine() {
	if r.c.Accessible() && r.midLine {
		r.out("\r\n")
	}
	r.midLine = false
}

// plainText is text a script writes, as accessible mode writes it: the
// padding that filled a row on a full screen (two spaces or more at the
// end of a line, or of the text) is dropped, since a braille display
// would show it and it says nothing. One space stays: "Name: " is
// followed by what the script writes next.
func (r *run) plainText(s string) string {
	if !r.c.Accessible() || !strings.Contains(s, "  ") {
		return s
	}
	lines := strings.Split(s, "\r\n")
	for i, l := range lines {
		if t := strings.TrimRight(l, " "); len(l)-len(t) >= 2 {
			lines[i] = t
		}
	}
	return strings.Join(lines, "\r\n")
}
