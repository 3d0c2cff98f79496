package board

import (
	"context"
	"errors"
	"strings"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// applyForm is the new-user application: its values and layout.
type applyForm struct {
	b   *Board
	s   *session.Session
	top int // row of the first field
	// values typed so far, shown again after a resize
	handle, password, again, realName, location, email string
	msg, msgStyle                                      string
}

// The application's fields, in order.
const (
	fHandle = iota
	fPassword
	fAgain
	fRealName
	fLocation
	fEmail
	fieldCount
)

var applyLabels = [fieldCount]string{"Handle", "Password", "Again", "Real name", "Location", "E-mail"}

func (f *applyForm) row(field int) int { return f.top + field }

// messageRow is where hints and errors show.
func (f *applyForm) messageRow() int { return f.top + fieldCount + 1 }

func (f *applyForm) draw() {
	s := f.s
	row := f.b.header(s, "newuser", 6)
	Say(s, row, StyleText, "Apply for an account on "+clean(f.b.cfg.Name)+". Esc cancels.")
	f.top = row + 2
	values := [fieldCount]string{f.handle, strings.Repeat("*", len([]rune(f.password))), strings.Repeat("*", len([]rune(f.again))), f.realName, f.location, f.email}
	for i, label := range applyLabels {
		note := ""
		if i >= fRealName && values[i] == "" {
			note = StyleDim + " (optional)"
		}
		s.WriteString(ui.MoveTo(f.row(i), 2) + StyleLabel + ui.Pad(label+":", 11) + StyleValue + values[i] + note + ui.Reset)
	}
	if f.msg != "" {
		Say(s, f.messageRow(), f.msgStyle, f.msg)
	}
}

// read edits one field; check returns the message that keeps the caller
// in it ("" accepts the value).
func (f *applyForm) read(ctx context.Context, field, max int, mask rune, value string, hint func(string) string, check func(string) string) (string, error) {
	for {
		fl := &ui.Field{Row: f.row(field), Col: 13, Max: max, Width: min(max, f.s.Size().Cols-14), Mask: mask, Value: value,
			HintRow: f.messageRow(), HintCol: 2}
		if hint != nil {
			fl.Hint = func(v string) string {
				if msg := hint(v); msg != "" {
					return StyleError + msg + ui.Reset
				}
				return ""
			}
		}
		fl.Relayout = func() (int, int) {
			f.draw()
			return f.row(field), 13
		}
		v, err := fl.Read(ctx, f.s)
		if errors.Is(err, ui.ErrCancel) {
			sure, cerr := Confirm(ctx, f.s, f.messageRow(), "Cancel the application?")
			if cerr != nil {
				return "", cerr
			}
			if sure {
				return "", ui.ErrCancel
			}
			Say(f.s, f.messageRow(), StyleText, "")
			continue
		}
		if err != nil {
			return "", err
		}
		if mask == 0 {
			v = strings.TrimSpace(v) // a password is taken as typed: the rules judge it
		}
		if msg := check(v); msg != "" {
			Say(f.s, f.messageRow(), StyleError, msg)
			if mask == 0 {
				value = v // to correct; a refused password is typed again
			}
			continue
		}
		Say(f.s, f.messageRow(), StyleText, "")
		return v, nil
	}
}

// apply runs the new-user application and returns the new account, or
// ui.ErrCancel if the caller gave up.
func (b *Board) apply(ctx context.Context, s *session.Session) (*store.User, error) {
	s.SetActivity("applying for an account")
	f := &applyForm{b: b, s: s}
	f.draw()
	accounts := b.cfg.Accounts
	handleMsg := func(v string) string {
		switch err := accounts.CheckHandle(ctx, v); {
		case errors.Is(err, account.ErrHandleTaken):
			return "That handle is taken."
		case errors.Is(err, account.ErrInvalid):
			return ruleMessage(err)
		}
		return ""
	}
	ruled := func(check func(string) error) func(string) string {
		return func(v string) string {
			if err := check(v); err != nil {
				return ruleMessage(err)
			}
			return ""
		}
	}
	field := func(f account.Field) func(string) error {
		return func(v string) error { return accounts.CheckField(f, v) }
	}
	var err error
	for {
		if f.handle, err = f.read(ctx, fHandle, 24, 0, f.handle, handleMsg, handleMsg); err != nil {
			return nil, err
		}
		// A mistyped "Again" sends the caller back to the password.
		for {
			if f.password, err = f.read(ctx, fPassword, passwordFieldMax, '*', "", nil, ruled(accounts.CheckPassword)); err != nil {
				return nil, err
			}
			if f.again, err = f.read(ctx, fAgain, passwordFieldMax, '*', "", nil, func(string) string { return "" }); err != nil {
				return nil, err
			}
			if f.again == f.password {
				break
			}
			f.password, f.again = "", ""
			f.msg, f.msgStyle = "The two passwords differ; type it again.", StyleError
			f.draw()
		}
		f.msg = ""
		if f.realName, err = f.read(ctx, fRealName, 40, 0, f.realName, nil, ruled(field(account.RealName))); err != nil {
			return nil, err
		}
		if f.location, err = f.read(ctx, fLocation, 40, 0, f.location, nil, ruled(field(account.Location))); err != nil {
			return nil, err
		}
		if f.email, err = f.read(ctx, fEmail, 64, 0, f.email, nil, ruled(field(account.Email))); err != nil {
			return nil, err
		}
		ok, err := Confirm(ctx, s, f.messageRow(), "Create the account "+clean(f.handle)+"?")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ui.ErrCancel
		}
		u, err := accounts.Apply(ctx, account.Application{Handle: f.handle, Password: f.password,
			RealName: f.realName, Location: f.location, Email: f.email})
		if errors.Is(err, account.ErrHandleTaken) {
			f.msg, f.msgStyle = "Someone just took that handle; choose another.", StyleError
			f.draw()
			continue
		}
		if err != nil {
			return nil, err
		}
		Say(s, f.messageRow(), StyleOK, "Welcome aboard, "+clean(u.Handle)+"!")
		return u, nil
	}
}
