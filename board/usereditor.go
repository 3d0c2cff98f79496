package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// askHandle asks for a user's handle on a row and returns the account.
func askHandle(ctx context.Context, c *Call, row int, question string, redraw func()) (*store.User, string, error) {
	h, err := c.Ask(ctx, row, question, &ui.Field{Max: 32, Width: 20}, redraw)
	if err != nil {
		return nil, "", err
	}
	h = strings.TrimSpace(h)
	if h == "" {
		return nil, "", ui.ErrCancel
	}
	u, err := c.Board.cfg.Accounts.User(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, c.T("users.no_such_user", "handle", clean(h)), nil
	}
	return u, "", err
}

// viewProfile shows another user's public profile.
func viewProfile(ctx context.Context, c *Call, u *store.User) error {
	draw := func() {
		if c.Accessible() {
			viewProfilePlain(c, u)
			return
		}
		top := c.Header("profile", 4)
		c.Say(top, c.Theme.Title, c.T("users.profile_title", "handle", clean(u.Handle)))
		top += 2
		rows := [][2]string{
			{c.T("users.profile_handle"), clean(u.Handle)},
			{c.T("users.profile_location"), clean(u.Location)},
			{c.T("users.profile_calls"), fmt.Sprint(u.Calls)},
			{c.T("users.profile_last_call"), c.lastCalled(u.LastCall, time.Now())},
			{c.T("users.profile_member_since"), c.date(u.Created.Local(), "Jan 02 2006")},
		}
		labelW := 14 // the values' column, from the longest label
		for _, r := range rows {
			labelW = max(labelW, ui.Width(r[0])+2)
		}
		for i, r := range rows {
			c.WriteString(ui.MoveTo(top+i, 3) + c.Theme.Label + ui.Pad(r[0], labelW) + c.Theme.Value + ui.Truncate(r[1], c.Size().Cols-4-labelW) + ui.Reset)
		}
		row := top + len(rows) + 1
		if sig := strings.TrimSpace(u.Signature); sig != "" {
			for i, l := range ui.Wrap(term.SanitizeText(sig), c.Size().Cols-6) {
				if i < 4 {
					c.WriteString(ui.MoveTo(row+i, 3) + c.Theme.Dim + l + ui.Reset)
				}
			}
			row += 5
		}
		c.Say(min(row, c.Size().Rows), "", c.KeyHelp("q", c.Theme.Strings.Back))
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil || k.Code != term.KeyEvent {
			return err
		}
	}
}

// editContact asks, in place at row and col, for a new real name (key
// n), location (l) or e-mail address (e) of u, and returns the field and
// its new value, for the account service to check and store.
func editContact(ctx context.Context, c *Call, u *store.User, key rune, row, col int, redraw func()) (account.Field, string, error) {
	// Prompt names the field on plain screens, where the value typed
	// so far (the present one, to edit) follows it.
	read := func(label, value string, max int) (string, error) {
		return c.Ask(ctx, row, "", &ui.Field{Col: col, Max: max, Value: value, Prompt: label + ": "}, redraw)
	}
	var v string
	var err error
	switch key {
	case 'n':
		v, err = read(c.T("usereditor.real_name"), u.RealName, 40)
		return account.RealName, v, err
	case 'l':
		v, err = read(c.T("usereditor.location"), u.Location, 40)
		return account.Location, v, err
	case 'e':
		v, err = read(c.T("usereditor.email"), u.Email, 64)
		return account.Email, v, err
	}
	return 0, "", nil
}

// editorValueCol is the column of the values in the user editor, where
// a field edits them in place ("[n] " from column 2, then the label),
// when the labels are short enough (see editorItem).
const editorValueCol = 17

// editorItem is a line of the user editor: its key, its label in the
// sysop's language, and its value; name is the label in English, for
// the log.
type editorItem struct {
	key         rune
	name, label string
	value       func() string
}

// editUser is the sysop's editor for one account.
func editUser(ctx context.Context, c *Call, u *store.User) error {
	b := c.Board
	msg, msgStyle := "", ""
	var top int
	items := []editorItem{
		{'n', "Real name", c.T("usereditor.real_name"), func() string { return clean(u.RealName) }},
		{'l', "Location", c.T("usereditor.location"), func() string { return clean(u.Location) }},
		{'e', "E-mail", c.T("usereditor.email"), func() string { return clean(u.Email) }},
		{'p', "Password", c.T("usereditor.password"), func() string { return c.T("usereditor.password_value") }},
		{'s', "Sysop", c.T("usereditor.sysop"), func() string { return yesNo(c, u.InGroup(store.GroupSysop)) }},
		{'k', "Locked", c.T("usereditor.locked"), func() string { return yesNo(c, u.InGroup(store.GroupLocked)) }},
		{'v', "Validated", c.T("usereditor.validated"), func() string { return validatedStateIn(c.Lang(), u) }},
		{'a', "Level", c.T("usereditor.level"), func() string { return fmt.Sprint(u.Level) }},
		{'g', "Groups", c.T("usereditor.groups"), func() string { return groupsStateIn(c.Lang(), u) }},
		{'f', "Two-factor", c.T("usereditor.two_factor"), func() string { return c.twoFactorState(u) }},
		{'d', "Delete", c.T("usereditor.delete"), func() string { return c.T("usereditor.delete_value") }},
	}
	// The values' column: editorValueCol, or further right for labels
	// longer than the English ones.
	col := editorValueCol
	for _, it := range items {
		col = max(col, 6+ui.Width(it.label)+1)
	}
	draw := func() {
		if c.Accessible() {
			lines := make([]string, len(items))
			for i, it := range items {
				lines[i] = plainItemIn(c.Lang(), it.label, it.value(), it.key)
			}
			editUserPlain(c, u, lines, msg)
			return
		}
		c.WriteString(ui.ClearScreen)
		c.Say(1, c.Theme.Title, c.N("usereditor.title", u.Calls, "handle", clean(u.Handle), "last", c.lastCalled(u.LastCall, time.Now())))
		top = 3
		for i, it := range items {
			c.WriteString(ui.MoveTo(top+i, 2) + c.Theme.Text + "[" + c.Theme.Key + string(it.key) + c.Theme.Text + "] " +
				c.Theme.Label + ui.Pad(it.label, col-6) + c.Theme.Value + ui.Truncate(it.value(), c.Size().Cols-col-3) + ui.Reset)
		}
		c.Say(top+len(items)+1, "", c.KeyHelp("q", c.Theme.Strings.Back))
		if msg != "" {
			c.Say(top+len(items)+2, msgStyle, msg)
		}
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		if c.choiceQuit(k) {
			return nil
		}
		i := slices.IndexFunc(items, func(it editorItem) bool {
			return k.Code == term.KeyRune && k.Mod == 0 && it.key == k.Rune
		})
		if i < 0 {
			if c.Accessible() { // the keys again, rather than silence
				msg, msgStyle = c.noSuchKey(k), ""
				draw()
				msg = ""
			}
			continue
		}
		row := top + i
		if msg != "" { // the last message is not about this edit
			msg, msgStyle = "", ""
			c.Say(top+len(items)+2, "", "")
		}
		// A sysop cannot lock themselves out by mistake: taking away
		// one's own rights is for another sysop.
		if u.ID == c.User.ID && strings.ContainsRune("skdf", k.Rune) {
			msg, msgStyle = c.T("usereditor.not_own"), c.Theme.Error
			draw()
			continue
		}
		saved, err := editAccount(ctx, c, u, k.Rune, row, col, draw)
		switch {
		case errors.Is(err, errDeleted):
			return nil
		case errors.Is(err, ui.ErrCancel), err == nil && saved == nil:
		case errors.Is(err, store.ErrNotFound):
			return nil // deleted meanwhile: back to the list
		case errors.Is(err, account.ErrInvalid):
			msg, msgStyle = ruleMessageIn(c.Lang(), err), c.Theme.Error
		case err != nil:
			return err
		default:
			*u = *saved
			msg, msgStyle = c.T("usereditor.saved"), c.Theme.OK
			b.log.Info("sysop edited a user", "sysop", c.User.Handle, "user", u.Handle, "field", items[i].name)
		}
		draw()
	}
}

// errDeleted is editAccount's word that the account is gone.
var errDeleted = errors.New("board: the account was deleted")

// editAccount makes the sysop's change picked by key to u, asked in
// place at row and col, and returns the account as stored: nil when
// nothing changed, errDeleted after a deletion.
func editAccount(ctx context.Context, c *Call, u *store.User, key rune, row, col int, redraw func()) (*store.User, error) {
	accounts := c.Board.cfg.Accounts
	switch key {
	case 'n', 'l', 'e':
		field, v, err := editContact(ctx, c, u, key, row, col, redraw)
		if err != nil {
			return nil, err
		}
		defer c.Board.from.forget(u.Handle)
		return accounts.SetField(ctx, u.ID, field, v)
	case 'p':
		v, err := c.Ask(ctx, row, "", &ui.Field{Col: col, Max: passwordFieldMax, Width: 32, Mask: '*', Prompt: c.T("usereditor.new_password")}, redraw)
		if err != nil {
			return nil, err
		}
		if err := accounts.SetPassword(ctx, u.Handle, v); err != nil {
			return nil, err
		}
		return accounts.User(ctx, u.Handle)
	case 's':
		return accounts.SetSysop(ctx, u.Handle, !u.InGroup(store.GroupSysop))
	case 'k':
		return accounts.SetLocked(ctx, u.Handle, !u.InGroup(store.GroupLocked))
	case 'v', 'a', 'g':
		return editAccess(ctx, c, u, key, row, col, redraw)
	case 'f':
		return removeTOTP(ctx, c, u, row)
	case 'd':
		sure, err := c.Confirm(ctx, row, c.T("usereditor.confirm_delete", "handle", clean(u.Handle)))
		if err != nil || !sure {
			return nil, err
		}
		if err := accounts.Delete(ctx, u.Handle); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		c.Board.log.Info("sysop deleted a user", "sysop", c.User.Handle, "user", u.Handle)
		return nil, errDeleted
	}
	return nil, nil
}

// yesNo is the user editor's word for b in the sysop's language.
func yesNo(c *Call, b bool) string {
	if b {
		return c.T("usereditor.yes")
	}
	return c.T("usereditor.no")
}
