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
	// setup: the form asks for the setup code (the board has no sysop).
	setup bool
	// values typed so far, shown again after a resize
	handle, password, again, realName, location, email, code string
	// codeTries counts the wrong setup codes typed.
	codeTries int
	// the message under the fields (a hint, a refusal), in its style
	msg, msgStyle string
	// introduced: accessible mode said what the form is already.
	introduced bool
}

// The application's fields, in order; the setup code is last, and asked
// for only while the board has no sysop.
const (
	fHandle = iota
	fPassword
	fAgain
	fRealName
	fLocation
	fEmail
	fSetup
	fieldCount
)

// label returns a field's label in the caller's language.
func (f *applyForm) label(field int) string {
	s := f.s
	switch field {
	case fHandle:
		return s.T("apply.label.handle")
	case fPassword:
		return s.T("apply.label.password")
	case fAgain:
		return s.T("apply.label.again")
	case fRealName:
		return s.T("apply.label.real_name")
	case fLocation:
		return s.T("apply.label.location")
	case fEmail:
		return s.T("apply.label.email")
	}
	return s.T("apply.label.setup")
}

// setupCodeMax is the most characters the setup code field takes (the
// code has 14, ABCD-EFGH-JKLM; spaces may be typed too), setupCodeWidth
// the cells it shows.
const (
	setupCodeMax   = 24
	setupCodeWidth = 15
)

// minLabelWidth is the fewest cells of the labels (with their colon and
// a space); labelWidth gives the cells of the caller's language's,
// fieldCol the column of the fields after them.
const minLabelWidth = 12

func (f *applyForm) labelWidth() int {
	w := minLabelWidth
	for i := range fieldCount {
		w = max(w, ui.Width(f.label(i))+2)
	}
	return w
}

func (f *applyForm) fieldCol() int { return 2 + f.labelWidth() }

// messageRows is how many rows a message under the fields may take: it is
// wrapped to the window's width, so that none is cut on 80 columns.
const messageRows = 2

func (f *applyForm) row(field int) int { return f.top + field }

// fields returns how many fields the form shows.
func (f *applyForm) fields() int {
	if f.setup {
		return fieldCount
	}
	return fSetup
}

// messageRow is where hints and errors show, on messageRows rows.
func (f *applyForm) messageRow() int { return f.top + f.fields() + 1 }

// questionRow is where the form asks its last question: under the
// message, which it leaves in view.
func (f *applyForm) questionRow() int {
	return min(f.messageRow()+messageRows+1, f.s.Size().Rows)
}

func (f *applyForm) draw() {
	s := f.s
	if s.Accessible() {
		f.drawPlain()
		return
	}
	row := f.b.header(s, f.b.themeFor(f.s), "newuser", 6)
	Say(s, row, f.b.themeFor(f.s).Text, s.T("apply.intro", "board", clean(f.b.cfg.Name)))
	f.top = row + 2
	values := [fieldCount]string{f.handle, strings.Repeat("*", len([]rune(f.password))), strings.Repeat("*", len([]rune(f.again))),
		f.realName, f.location, f.email, ui.Pad(f.code, setupCodeWidth)}
	cols := s.Size().Cols
	lw := f.labelWidth()
	for i := range f.fields() {
		note := ""
		switch {
		case i == fSetup:
			note = f.b.themeFor(f.s).Dim + " " + s.T("apply.setup_note")
		case i >= fRealName && values[i] == "":
			note = f.b.themeFor(f.s).Dim + " " + s.T("apply.optional")
		}
		s.WriteString(ui.MoveTo(f.row(i), 2) + ui.Truncate(f.b.themeFor(f.s).Label+ui.Pad(f.label(i)+":", lw)+f.b.themeFor(f.s).Value+values[i]+note, cols-2) + ui.Reset)
	}
	f.showMessage()
}

// say shows a message under the fields, in a style of the palette, and
// keeps it for a redraw; "" clears it. A message already showing is not
// drawn again, except on plain screens, where it is a new line to read:
// the caller hears each refusal.
func (f *applyForm) say(style, msg string) {
	if msg == f.msg && style == f.msgStyle && !f.s.Accessible() {
		return
	}
	f.msg, f.msgStyle = msg, style
	f.showMessage()
}

// showMessage draws the message, wrapped to the window on messageRows
// rows at most.
func (f *applyForm) showMessage() {
	if f.s.Accessible() {
		Say(f.s, 0, f.msgStyle, f.msg)
		return
	}
	sz := f.s.Size()
	width := max(1, sz.Cols-2) // short of the last column, which would wrap
	lines := []string{}
	if f.msg != "" {
		lines = ui.Wrap(f.msg, width)
	}
	var b strings.Builder
	for i := range messageRows {
		row := f.messageRow() + i
		if row > sz.Rows {
			break
		}
		b.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL)
		if i < len(lines) {
			b.WriteString(f.msgStyle + ui.Truncate(lines[i], width) + ui.Reset)
		}
	}
	f.s.WriteString(b.String())
}

// confirm asks a yes or no question under the message.
func (f *applyForm) confirm(ctx context.Context, question string) (bool, error) {
	return confirm(ctx, f.s, f.b.themeFor(f.s), f.questionRow(), question)
}

// read edits one field; check returns the message that keeps the caller
// in it ("" accepts the value).
func (f *applyForm) read(ctx context.Context, field, max int, mask rune, value string, hint func(string) string, check func(string) string) (string, error) {
	for {
		width := max
		if field == fSetup {
			width = setupCodeWidth
		}
		col := f.fieldCol()
		fl := &ui.Field{Row: f.row(field), Col: col, Max: max, Width: min(width, f.s.Size().Cols-col-1), Mask: mask, Value: value, Style: f.b.themeFor(f.s).Bar,
			Prompt: f.plainPrompt(field)}
		if hint != nil {
			// The field's own hint row would cut a long message: the form
			// wraps it.
			fl.Hint = func(v string) string {
				f.say(f.b.themeFor(f.s).Error, hint(v))
				return ""
			}
		}
		fl.Relayout = func() (int, int) {
			f.draw()
			return f.row(field), f.fieldCol()
		}
		v, err := fl.Read(ctx, f.s)
		if errors.Is(err, ui.ErrCancel) {
			f.say("", "")
			sure, cerr := f.confirm(ctx, f.s.T("apply.cancel_ask"))
			if cerr != nil {
				return "", cerr
			}
			if sure {
				return "", ui.ErrCancel
			}
			Say(f.s, f.questionRow(), f.b.themeFor(f.s).Text, "")
			continue
		}
		if err != nil {
			return "", err
		}
		if mask == 0 {
			v = strings.TrimSpace(v) // a password is taken as typed: the rules judge it
		}
		if msg := check(v); msg != "" {
			f.say(f.b.themeFor(f.s).Error, msg)
			if mask == 0 {
				value = v // to correct; a refused password is typed again
			}
			continue
		}
		f.say("", "")
		return v, nil
	}
}

// readSetupCode asks for the setup code, which makes the applicant the
// board's sysop. Enter skips it. After as many wrong codes as the login
// screen allows wrong passwords, or once a sysop has been made meanwhile,
// the form stops asking and the application goes on for an ordinary
// account. The account service checks each code (pausing after a wrong
// one) and checks it again as it makes the account.
func (f *applyForm) readSetupCode(ctx context.Context) error {
	accounts := f.b.cfg.Accounts
	for f.setup {
		v, err := f.read(ctx, fSetup, setupCodeMax, 0, f.code, nil, func(string) string { return "" })
		if err != nil {
			return err
		}
		f.code = v
		if v == "" {
			return nil
		}
		err = accounts.CheckSetupCode(ctx, v)
		if err == nil {
			f.say(f.b.themeFor(f.s).OK, f.s.T("apply.setup_ok"))
			return nil
		}
		if !errors.Is(err, account.ErrSetupCode) {
			return err
		}
		f.code = ""
		f.codeTries++
		waiting, err := accounts.SetupWaiting(ctx)
		if err != nil {
			return err
		}
		switch {
		case !waiting:
			f.setup = false
			f.draw()
			f.say(f.b.themeFor(f.s).Error, f.s.T("apply.setup_made"))
		case f.codeTries >= f.b.cfg.MaxLoginAttempts:
			f.setup = false
			f.draw()
			f.say(f.b.themeFor(f.s).Error, f.s.T("apply.setup_wrong_last"))
		default:
			f.draw()
			f.say(f.b.themeFor(f.s).Error, f.s.T("apply.setup_wrong"))
		}
	}
	return nil
}

// apply runs the new-user application and returns the new account, or
// ui.ErrCancel if the caller gave up.
func (b *Board) apply(ctx context.Context, s *session.Session) (*store.User, error) {
	s.SetActivityMessage("activity.applying")
	accounts := b.cfg.Accounts
	setup, err := accounts.SetupWaiting(ctx)
	if err != nil {
		return nil, err
	}
	f := &applyForm{b: b, s: s, setup: setup}
	f.draw()
	handleMsg := func(v string) string {
		switch err := accounts.CheckHandle(ctx, v); {
		case errors.Is(err, account.ErrHandleTaken):
			return s.T("apply.handle_taken")
		case errors.Is(err, account.ErrInvalid):
			return ruleMessageIn(s.Lang(), err)
		}
		return ""
	}
	ruled := func(check func(string) error) func(string) string {
		return func(v string) string {
			if err := check(v); err != nil {
				return ruleMessageIn(s.Lang(), err)
			}
			return ""
		}
	}
	field := func(f account.Field) func(string) error {
		return func(v string) error { return accounts.CheckField(f, v) }
	}
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
			f.draw()
			f.say(f.b.themeFor(f.s).Error, f.s.T("apply.passwords_differ"))
		}
		if f.realName, err = f.read(ctx, fRealName, 40, 0, f.realName, nil, ruled(field(account.RealName))); err != nil {
			return nil, err
		}
		if f.location, err = f.read(ctx, fLocation, 40, 0, f.location, nil, ruled(field(account.Location))); err != nil {
			return nil, err
		}
		if f.email, err = f.read(ctx, fEmail, 64, 0, f.email, nil, ruled(field(account.Email))); err != nil {
			return nil, err
		}
		if err := f.readSetupCode(ctx); err != nil {
			return nil, err
		}
		ok, err := f.confirm(ctx, s.T("apply.create_ask", "handle", clean(f.handle)))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ui.ErrCancel
		}
		u, err := accounts.Apply(ctx, account.Application{Handle: f.handle, Password: f.password,
			RealName: f.realName, Location: f.location, Email: f.email, SetupCode: f.code})
		if errors.Is(err, account.ErrHandleTaken) {
			f.draw()
			f.say(f.b.themeFor(f.s).Error, f.s.T("apply.handle_gone"))
			continue
		}
		if err != nil {
			return nil, err
		}
		if u, err = f.keepPlain(ctx, u); err != nil {
			return nil, err
		}
		welcome := s.T("apply.welcome", "handle", clean(u.Handle))
		switch {
		case u.InGroup(store.GroupSysop):
			welcome = s.T("apply.welcome_sysop", "handle", clean(u.Handle))
		case f.code != "":
			welcome = s.T("apply.welcome_spent", "handle", clean(u.Handle))
		}
		f.say(f.b.themeFor(f.s).OK, welcome)
		return u, nil
	}
}
