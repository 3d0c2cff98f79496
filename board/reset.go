package board

import (
	"context"
	"errors"
	"net/netip"
	"strings"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Password reset by e-mail at the login screen: "forgot" asks for a code
// to be mailed, or takes one mailed earlier, then a new password. The
// rules (the same answer for every handle, limits, single use, strikes)
// are the account service's.

// What the reset screen says.
const (
	resetTitle   = "Forgotten password"
	resetIntro   = "A code mailed to your account's e-mail address lets you set a new password."
	resetOnWay   = "If that account has an e-mail address, a code is on its way."
	resetAskCode = "Type the code from the mail (Esc: back to the login screen)."
	resetWrong   = "That code is wrong, used or expired."
	resetDiffer  = "The passwords differ; type the new one again."
	resetDone    = "Your password is changed."
	resetBanned  = "Too many failed logins from your address; it is banned for a while."
)

// resetCodeMax takes a code with dashes or spaces to spare; resetCodeWidth
// shows a code with its dashes (34).
const (
	resetCodeMax   = 64
	resetCodeWidth = 34
)

// resetScreen is the reset screen's layout and what was typed so far.
type resetScreen struct {
	l        *loginScreen
	top      int // row of the choice; the fields follow
	handle   string
	code     string
	msg      string
	msgStyle string
	asked    int // fields shown so far: 0 none, 1 handle, 2 code, 3 password, 4 again
}

// Rows of the reset screen, from top.
const (
	resetRowChoice = iota
	resetRowHandle = iota + 1
	resetRowCode
	resetRowPassword
	resetRowAgain
	resetRowMessage = resetRowAgain + 2
)

var resetLabels = [...]string{resetRowHandle: "Handle:", resetRowCode: "Code:", resetRowPassword: "New password:", resetRowAgain: "Again:"}

// resetFieldCol is the column of the reset screen's fields: after the
// longest label.
const resetFieldCol = 2 + len("New password:") + 1

func (r *resetScreen) row(n int) int { return r.top + n }

func (r *resetScreen) draw() {
	l := r.l
	s, b, t := l.s, l.b, l.b.themeFor(l.s)
	if s.Accessible() {
		// The lines once; the fields ask on lines of their own.
		if r.top == 0 {
			r.top = b.header(s, t, "login", 0)
			for _, line := range []string{resetTitle, resetIntro} {
				writeLine(s, line)
			}
		}
		if r.msg != "" {
			writeLine(s, r.msg)
		}
		return
	}
	row := b.header(s, t, "login", 12)
	row = min(row, max(1, s.Size().Rows-12))
	Say(s, row, t.Title, resetTitle)
	Say(s, row+1, t.Text, resetIntro)
	r.top = row + 3
	Say(s, r.row(resetRowChoice), "", t.KeyHelp("m", "mail me a code", "c", "I have a code", "q", t.Strings.Back))
	values := [...]string{resetRowHandle: clean(r.handle), resetRowCode: clean(r.code)}
	for n := resetRowHandle; n < resetRowHandle+r.asked; n++ {
		s.WriteString(ui.MoveTo(r.row(n), 2) + ui.ClearEOL + t.Label + resetLabels[n] + ui.Reset)
		if n < len(values) && values[n] != "" {
			s.WriteString(ui.MoveTo(r.row(n), resetFieldCol) + t.Value + ui.Truncate(values[n], resetCodeWidth) + ui.Reset)
		}
	}
	if r.msg != "" {
		Say(s, r.row(resetRowMessage), r.msgStyle, r.msg)
	}
}

// say shows a message under the fields.
func (r *resetScreen) say(style, msg string) {
	r.msg, r.msgStyle = msg, style
	Say(r.l.s, r.row(resetRowMessage), style, msg)
}

// field asks for one value on its row; it follows the screen through
// resizes.
func (r *resetScreen) field(ctx context.Context, n, maxLen, width int, mask rune) (string, error) {
	r.asked = max(r.asked, n-resetRowHandle+1)
	s, t := r.l.s, r.l.b.themeFor(r.l.s)
	if !s.Accessible() {
		s.WriteString(ui.MoveTo(r.row(n), 2) + ui.ClearEOL + t.Label + resetLabels[n] + ui.Reset)
	}
	f := &ui.Field{Row: r.row(n), Col: resetFieldCol, Max: maxLen, Width: min(width, s.Size().Cols-resetFieldCol-1),
		Mask: mask, Style: t.Bar, Prompt: resetLabels[n] + " "}
	f.Relayout = func() (int, int) {
		r.draw()
		return r.row(n), resetFieldCol
	}
	v, err := f.Read(ctx, s)
	if mask == 0 {
		v = strings.TrimSpace(v) // a password is taken as typed: the rules judge it
	}
	return v, err
}

// choice asks whether to mail a code or take one mailed earlier: true
// for a code to mail. Esc and q are ui.ErrCancel.
func (r *resetScreen) choice(ctx context.Context) (mail bool, err error) {
	s := r.l.s
	if s.Accessible() {
		for {
			v, err := (&ui.Field{Prompt: "Type m to be mailed a code, c if you have one, q to go back: ", Max: plainAnswerMax}).Read(ctx, s)
			if err != nil {
				return false, err
			}
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "m":
				return true, nil
			case "c":
				return false, nil
			case "q":
				return false, ui.ErrCancel
			}
		}
	}
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case k.Code == term.KeyResize:
			r.draw()
		case k.Code == term.KeyEscape, k.Code == term.KeyRune && (k.Rune == 'q' || k.Rune == 'Q'):
			return false, ui.ErrCancel
		case k.Code == term.KeyRune && (k.Rune == 'm' || k.Rune == 'M'):
			return true, nil
		case k.Code == term.KeyRune && (k.Rune == 'c' || k.Rune == 'C'):
			return false, nil
		}
	}
}

// forgot runs the reset screen for a caller at addr who typed "forgot".
// It returns the handle and the new password to log in with once a code
// set it; or ui.ErrCancel to go back to the login screen (with l.msg
// set); ErrLogoff after too many wrong codes; account.ErrBanned once the
// wrong codes banned the caller; or the call's error.
func (l *loginScreen) forgot(ctx context.Context, addr netip.Addr) (handle, password string, err error) {
	accounts := l.b.cfg.Accounts
	l.msg = ""
	r := &resetScreen{l: l}
	r.draw()
	mail, err := r.choice(ctx)
	if err != nil {
		return "", "", err
	}
	if r.handle, err = r.field(ctx, resetRowHandle, 24, 24, 0); err != nil {
		return "", "", err
	}
	if mail {
		// The same answer whatever the handle; the service mails later.
		if err := accounts.RequestReset(ctx, r.handle, addr); err != nil {
			return "", "", err
		}
		r.say(l.b.themeFor(l.s).OK, resetOnWay)
	} else {
		r.say(l.b.themeFor(l.s).Dim, resetAskCode)
	}
	for {
		r.code, err = r.field(ctx, resetRowCode, resetCodeMax, resetCodeWidth, 0)
		if errors.Is(err, ui.ErrCancel) && mail {
			l.msg, l.msgStyle = resetOnWay, l.b.themeFor(l.s).OK
		}
		if err != nil {
			return "", "", err
		}
		if password == "" {
			if password, err = r.newPassword(ctx); err != nil {
				return "", "", err
			}
		}
		err = accounts.ResetPassword(ctx, r.handle, r.code, password, addr)
		switch {
		case err == nil:
			// Back on the login screen, where a second factor is asked.
			l.typed, l.msg, l.msgStyle = r.handle, resetDone, l.b.themeFor(l.s).OK
			l.draw()
			return r.handle, password, nil
		case errors.Is(err, account.ErrBanned):
			r.say(l.b.themeFor(l.s).Error, resetBanned)
			l.s.WriteString("\r\n")
			return "", "", err
		case errors.Is(err, account.ErrInvalid):
			r.say(l.b.themeFor(l.s).Error, ruleMessage(err))
			password = "" // asked again, with the same code
			continue
		case !errors.Is(err, account.ErrResetCode):
			return "", "", err
		}
		// Counted for the call with its wrong passwords and codes, so
		// that leaving the screen and coming back does not start the
		// count again.
		l.failures++
		l.b.log.Info("password reset code refused", "node", l.s.Node(), "handle", clean(r.handle), "remote", addr.String(), "failures", l.failures)
		if l.failures >= l.b.cfg.MaxLoginAttempts {
			r.say(l.b.themeFor(l.s).Error, l.b.themeFor(l.s).Strings.LoginTooMany)
			l.s.WriteString("\r\n")
			return "", "", ErrLogoff
		}
		r.say(l.b.themeFor(l.s).Error, resetWrong)
	}
}

// newPassword asks for the new password twice, until both agree and the
// rules take it.
func (r *resetScreen) newPassword(ctx context.Context) (string, error) {
	accounts := r.l.b.cfg.Accounts
	for {
		pw, err := r.field(ctx, resetRowPassword, passwordFieldMax, 24, '*')
		if err != nil {
			return "", err
		}
		if err := accounts.CheckPassword(pw); err != nil {
			r.say(r.l.b.themeFor(r.l.s).Error, ruleMessage(err))
			continue
		}
		again, err := r.field(ctx, resetRowAgain, passwordFieldMax, 24, '*')
		if err != nil {
			return "", err
		}
		if again != pw {
			r.say(r.l.b.themeFor(r.l.s).Error, resetDiffer)
			continue
		}
		return pw, nil
	}
}
