package board

import (
	"strconv"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/ui"
)

// drawPlain is the login screen in accessible mode: the board's name and
// the screen's lines the first time (and whenever the caller presses
// Enter at the handle prompt), then only what the screen has to say; the
// fields ask on lines of their own.
func (l *loginScreen) drawPlain() {
	s, b, t := l.s, l.b, l.b.themeFor(l.s)
	if l.startedPlain {
		writeLine(s, s.T("login.plain_start", "a", "a"))
	}
	if !l.introduced || l.msg == "" {
		l.introduced = true
		b.plainHeader(s, "login")
		lines := []string{
			fill(t.Strings.LoginConnected, "board", clean(b.cfg.Name), "node", strconv.Itoa(s.Node())),
			fill(t.Strings.LoginHelp, "new", "new"),
		}
		if b.cfg.Accounts.AllowAnonymous() {
			lines = append(lines, fill(t.Strings.LoginAnonymous, "anonymous", "anonymous"))
		}
		if b.cfg.Accounts.ResetOffered() {
			lines = append(lines, fill(t.Strings.LoginForgot, "forgot", "forgot"))
		}
		if !l.startedPlain { // its first line said so
			lines = append(lines, s.T("login.plain_off", "a", "a"))
		}
		for _, line := range lines {
			writeLine(s, line)
		}
	}
	l.startedPlain = false
	if l.msg != "" {
		writeLine(s, l.msg)
	}
}

// switchPlain switches the login screen, and the call after it, to plain
// screens or back: the caller typed "a" at the handle prompt. Plain
// screens start with the screen's lines, which say how to leave them.
func (l *loginScreen) switchPlain() {
	on := !l.s.Accessible()
	if on {
		l.s.WriteString(ui.ClearScreen) // the full screen's last: plain lines start afresh
	}
	l.s.SetAccessible(on)
	l.introduced = false
	l.msg, l.msgStyle = l.s.T("login.full_on", "a", "a"), l.b.themeFor(l.s).OK
	if on {
		l.msg = ""
	}
}

// startPlain starts the call on plain screens when the terminal's type
// says a screen reader may be in use (startsPlain), and reports whether
// it did. Nothing is asked: keys the caller typed ahead stay theirs.
func startPlain(s *session.Session) bool {
	if s.Accessible() || !startsPlain(s.Info()) {
		return false
	}
	s.SetAccessible(true)
	return true
}

// handleField is the login screen's handle field.
func (l *loginScreen) handleField() *ui.Field {
	return l.field(l.handle, 24, 0)
}
