package board

import (
	"context"
	"errors"
	"strings"

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
	say(s, row, styleText, "Apply for an account on "+clean(f.b.Name)+". Esc cancels.")
	f.top = row + 2
	values := [fieldCount]string{f.handle, strings.Repeat("*", len([]rune(f.password))), strings.Repeat("*", len([]rune(f.again))), f.realName, f.location, f.email}
	for i, label := range applyLabels {
		note := ""
		if i >= fRealName && values[i] == "" {
			note = styleDim + " (optional)"
		}
		s.WriteString(ui.MoveTo(f.row(i), 2) + styleLabel + ui.Pad(label+":", 11) + styleValue + values[i] + note + ui.Reset)
	}
	if f.msg != "" {
		say(s, f.messageRow(), f.msgStyle, f.msg)
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
					return styleError + msg + ui.Reset
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
			sure, cerr := confirm(ctx, f.s, f.messageRow(), "Cancel the application?")
			if cerr != nil {
				return "", cerr
			}
			if sure {
				return "", ui.ErrCancel
			}
			say(f.s, f.messageRow(), styleText, "")
			continue
		}
		if err != nil {
			return "", err
		}
		if mask == 0 {
			v = strings.TrimSpace(v) // a password is taken as typed: the rules judge it
		}
		if msg := check(v); msg != "" {
			say(f.s, f.messageRow(), styleError, msg)
			if mask == 0 {
				value = v // to correct; a refused password is typed again
			}
			continue
		}
		say(f.s, f.messageRow(), styleText, "")
		return v, nil
	}
}

// apply runs the new-user application and returns the new account, or
// ui.ErrCancel if the caller gave up.
func (b *Board) apply(ctx context.Context, s *session.Session) (*store.User, error) {
	s.SetActivity("applying for an account")
	f := &applyForm{b: b, s: s}
	f.draw()
	handleMsg := func(v string) string {
		if err := b.Rules.CheckHandle(v); err != nil {
			return ruleMessage(err)
		}
		if _, err := b.Store.Users.User(ctx, v); err == nil {
			return "That handle is taken."
		}
		return ""
	}
	ruled := func(check func(string) error, optional bool) func(string) string {
		return func(v string) string {
			if v == "" && optional {
				return ""
			}
			if err := check(v); err != nil {
				return ruleMessage(err)
			}
			return ""
		}
	}
	var err error
	for {
		if f.handle, err = f.read(ctx, fHandle, 24, 0, f.handle, handleMsg, handleMsg); err != nil {
			return nil, err
		}
		// A mistyped "Again" sends the caller back to the password.
		for {
			if f.password, err = f.read(ctx, fPassword, passwordFieldMax, '*', "", nil, ruled(b.Rules.CheckPassword, false)); err != nil {
				return nil, err
			}
			if f.again, err = f.read(ctx, fAgain, passwordFieldMax, '*', "", nil, func(string) string { return "" }); err != nil {
				return nil, err
			}
			if f.again == f.password {
				break
			}
			f.password, f.again = "", ""
			f.msg, f.msgStyle = "The two passwords differ; type it again.", styleError
			f.draw()
		}
		f.msg = ""
		if f.realName, err = f.read(ctx, fRealName, 40, 0, f.realName, nil, ruled(b.Rules.CheckRealName, true)); err != nil {
			return nil, err
		}
		if f.location, err = f.read(ctx, fLocation, 40, 0, f.location, nil, ruled(b.Rules.CheckLocation, true)); err != nil {
			return nil, err
		}
		if f.email, err = f.read(ctx, fEmail, 64, 0, f.email, nil, ruled(b.Rules.CheckEmail, true)); err != nil {
			return nil, err
		}
		ok, err := confirm(ctx, s, f.messageRow(), "Create the account "+clean(f.handle)+"?")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ui.ErrCancel
		}
		u, err := b.createAccount(ctx, f)
		if errors.Is(err, store.ErrExists) {
			f.msg, f.msgStyle = "Someone just took that handle; choose another.", styleError
			f.draw()
			continue
		}
		if err != nil {
			return nil, err
		}
		say(s, f.messageRow(), styleOK, "Welcome aboard, "+clean(u.Handle)+"!")
		return u, nil
	}
}

// createAccount stores the application. The board's first account is its
// sysop.
func (b *Board) createAccount(ctx context.Context, f *applyForm) (*store.User, error) {
	hash, err := b.Passwords.Hash(ctx, f.password)
	if err != nil {
		return nil, err
	}
	u := &store.User{Handle: f.handle, Password: hash, RealName: f.realName, Location: f.location,
		Email: f.email, Encoding: store.EncodingAuto}
	n, err := b.Store.Users.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.Store.Users.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	if n == 0 {
		if u, err = b.grantFirstSysop(ctx, u); err != nil {
			return nil, err
		}
	}
	b.Log.Info("new account", "user", u.Handle, "sysop", u.InGroup(store.GroupSysop))
	return u, nil
}

// grantFirstSysop makes u a sysop if it is the board's first account.
// Two applications may both have found the board empty: the one with the
// lowest ID wins, and only while no one is a sysop yet.
func (b *Board) grantFirstSysop(ctx context.Context, u *store.User) (*store.User, error) {
	all, err := b.Store.Users.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.ID < u.ID || o.InGroup(store.GroupSysop) {
			return u, nil
		}
	}
	return b.Store.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		u.Groups = append(u.Groups, store.GroupSysop)
		return nil
	})
}
