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

// label returns the label of the field on row n in the caller's language.
func (r *resetScreen) label(n int) string {
	s := r.l.s
	switch n {
	case resetRowHandle:
		return s.T("reset.label.handle")
	case resetRowCode:
		return s.T("reset.label.code")
	case resetRowPassword:
		return s.T("reset.label.new_password")
	}
	return s.T("reset.label.again")
}

// fieldCol is the column of the reset screen's fields: after the
// longest label and a space.
func (r *resetScreen) fieldCol() int {
	w := 0
	for n := resetRowHandle; n <= resetRowAgain; n++ {
		w = max(w, ui.Width(r.label(n)))
	}
	return 2 + w + 1
}

func (r *resetScreen) row(n int) int { return r.top + n }

func (r *resetScreen) draw() {
	l := r.l
	s, b, t := l.s, l.b, l.b.themeFor(l.s)
	if s.Accessible() {
		// The lines once; the fields ask on lines of their own.
		if r.top == 0 {
			r.top = b.header(s, t, "login", 0)
			for _, line := range []string{s.T("reset.title"), s.T("reset.intro")} {
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
	Say(s, row, t.Title, s.T("reset.title"))
	Say(s, row+1, t.Text, s.T("reset.intro"))
	r.top = row + 3
	Say(s, r.row(resetRowChoice), "", t.KeyHelp("m", s.T("reset.key_mail"), "c", s.T("reset.key_code"), "q", t.Strings.Back))
	values := [...]string{resetRowHandle: clean(r.handle), resetRowCode: clean(r.code)}
	col := r.fieldCol()
	for n := resetRowHandle; n < resetRowHandle+r.asked; n++ {
		s.WriteString(ui.MoveTo(r.row(n), 2) + ui.ClearEOL + t.Label + r.label(n) + ui.Reset)
		if n < len(values) && values[n] != "" {
			s.WriteString(ui.MoveTo(r.row(n), col) + t.Value + ui.Truncate(values[n], resetCodeWidth) + ui.Reset)
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
		s.WriteString(ui.MoveTo(r.row(n), 2) + ui.ClearEOL + t.Label + r.label(n) + ui.Reset)
	}
	col := r.fieldCol()
	f := &ui.Field{Row: r.row(n), Col: col, Max: maxLen, Width: min(width, s.Size().Cols-col-1),
		Mask: mask, Style: t.Bar, Prompt: r.label(n) + " "}
	f.Relayout = func() (int, int) {
		r.draw()
		return r.row(n), r.fieldCol()
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
			v, err := (&ui.Field{Prompt: s.T("reset.plain_choice") + " ", Max: plainAnswerMax}).Read(ctx, s)
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
		r.say(l.b.themeFor(l.s).OK, l.s.T("reset.on_way"))
	} else {
		r.say(l.b.themeFor(l.s).Dim, l.s.T("reset.ask_code"))
	}
	for {
		r.code, err = r.field(ctx, resetRowCode, resetCodeMax, resetCodeWidth, 0)
		if errors.Is(err, ui.ErrCancel) && mail {
			l.msg, l.msgStyle = l.s.T("reset.on_way"), l.b.themeFor(l.s).OK
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
			l.typed, l.msg, l.msgStyle = r.handle, l.s.T("reset.done"), l.b.themeFor(l.s).OK
			l.draw()
			return r.handle, password, nil
		case errors.Is(err, account.ErrBanned):
			r.say(l.b.themeFor(l.s).Error, l.s.T("login.banned"))
			l.s.WriteString("\r\n")
			return "", "", err
		case errors.Is(err, account.ErrInvalid):
			r.say(l.b.themeFor(l.s).Error, ruleMessageIn(r.l.s.Lang(), err))
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
		r.say(l.b.themeFor(l.s).Error, l.s.T("reset.wrong"))
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
			r.say(r.l.b.themeFor(r.l.s).Error, ruleMessageIn(r.l.s.Lang(), err))
			continue
		}
		again, err := r.field(ctx, resetRowAgain, passwordFieldMax, 24, '*')
		if err != nil {
			return "", err
		}
		if again != pw {
			r.say(r.l.b.themeFor(r.l.s).Error, r.l.s.T("reset.differ"))
			continue
		}
		return pw, nil
	}
}
