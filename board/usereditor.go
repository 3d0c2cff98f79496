package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// askHandle asks for a user's handle on a row and returns the account.
func askHandle(ctx context.Context, c *Call, row int, question string, redraw func()) (*store.User, string, error) {
	h, err := ask(ctx, c, row, question, &ui.Field{Max: 32, Width: 20}, redraw)
	if err != nil {
		return nil, "", err
	}
	h = strings.TrimSpace(h)
	if h == "" {
		return nil, "", ui.ErrCancel
	}
	u, err := c.Board.Store.Users.User(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "No user is called " + clean(h) + ".", nil
	}
	return u, "", err
}

// viewProfile shows another user's public profile.
func viewProfile(ctx context.Context, c *Call, u *store.User) error {
	draw := func() {
		top := c.Board.header(c.Session, "profile", 4)
		say(c.Session, top, styleTitle, "Profile of "+clean(u.Handle))
		top += 2
		rows := [][2]string{
			{"Handle", clean(u.Handle)},
			{"Location", clean(u.Location)},
			{"Calls", fmt.Sprint(u.Calls)},
			{"Last call", lastCallText(u.LastCall, time.Now())},
			{"Member since", u.Created.Local().Format("Jan 02 2006")},
		}
		for i, r := range rows {
			c.WriteString(ui.MoveTo(top+i, 3) + styleLabel + ui.Pad(r[0], 14) + styleValue + ui.Truncate(r[1], c.Size().Cols-18) + ui.Reset)
		}
		row := top + len(rows) + 1
		if sig := strings.TrimSpace(u.Signature); sig != "" {
			for i, l := range ui.Wrap(term.SanitizeText(sig), c.Size().Cols-6) {
				if i < 4 {
					c.WriteString(ui.MoveTo(row+i, 3) + styleDim + l + ui.Reset)
				}
			}
			row += 5
		}
		say(c.Session, min(row, c.Size().Rows), "", keyHelp("q", "back"))
	}
	draw()
	for {
		k, err := c.Board.nextKey(ctx, c, draw)
		if err != nil || k.Code != term.KeyEvent {
			return err
		}
	}
}

// editContact asks, in place at row and col, for a new real name (key
// n), location (l) or e-mail address (e) of u, and checks it against the
// board's rules. It returns the change to save, or nil for another key.
func editContact(ctx context.Context, c *Call, u *store.User, key rune, row, col int, redraw func()) (func(*store.User), error) {
	rules := c.Board.Rules
	read := func(value string, max int) (string, error) {
		v, err := ask(ctx, c, row, "", &ui.Field{Col: col, Max: max, Value: value}, redraw)
		return strings.TrimSpace(v), err
	}
	var v string
	var err error
	switch key {
	case 'n':
		if v, err = read(u.RealName, 40); err == nil {
			err = rules.CheckRealName(v)
		}
		return func(u *store.User) { u.RealName = v }, err
	case 'l':
		if v, err = read(u.Location, 40); err == nil {
			err = rules.CheckLocation(v)
		}
		return func(u *store.User) { u.Location = v }, err
	case 'e':
		if v, err = read(u.Email, 64); err == nil && v != "" {
			err = rules.CheckEmail(v)
		}
		return func(u *store.User) { u.Email = v }, err
	}
	return nil, nil
}

// editorValueCol is the column of the values in the user editor, where
// a field edits them in place ("[n] " from column 2, then the label).
const editorValueCol = 17

// editUser is the sysop's editor for one account.
func editUser(ctx context.Context, c *Call, u *store.User) error {
	b := c.Board
	msg, msgStyle := "", ""
	var top int
	items := []struct {
		key   rune
		label string
		value func() string
	}{
		{'n', "Real name", func() string { return clean(u.RealName) }},
		{'l', "Location", func() string { return clean(u.Location) }},
		{'e', "E-mail", func() string { return clean(u.Email) }},
		{'p', "Password", func() string { return "set a new one" }},
		{'s', "Sysop", func() string { return yesNo(u.InGroup(store.GroupSysop)) }},
		{'k', "Locked", func() string { return yesNo(u.InGroup(store.GroupLocked)) }},
		{'d', "Delete", func() string { return "remove the account" }},
	}
	draw := func() {
		c.WriteString(ui.ClearScreen)
		say(c.Session, 1, styleTitle, "Editing "+clean(u.Handle)+" · "+count(u.Calls, "call")+" · last "+lastCallText(u.LastCall, time.Now()))
		top = 3
		for i, it := range items {
			c.WriteString(ui.MoveTo(top+i, 2) + styleText + "[" + styleKey + string(it.key) + styleText + "] " +
				styleLabel + ui.Pad(it.label, editorValueCol-6) + styleValue + ui.Truncate(it.value(), c.Size().Cols-20) + ui.Reset)
		}
		say(c.Session, top+len(items)+1, "", keyHelp("q", "back"))
		if msg != "" {
			say(c.Session, top+len(items)+2, msgStyle, msg)
		}
	}
	draw()
	for {
		k, err := b.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		if isQuit(k) {
			return nil
		}
		if k.Code != term.KeyRune || k.Mod != 0 {
			continue
		}
		i := slices.IndexFunc(items, func(it struct {
			key   rune
			label string
			value func() string
		}) bool {
			return it.key == k.Rune
		})
		if i < 0 {
			continue
		}
		row := top + i
		if msg != "" { // the last message is not about this edit
			msg, msgStyle = "", ""
			say(c.Session, top+len(items)+2, "", "")
		}
		// A sysop cannot lock themselves out by mistake: taking away
		// one's own rights is for another sysop.
		if u.ID == c.User.ID && strings.ContainsRune("skd", k.Rune) {
			msg, msgStyle = "Not your own account: another sysop can do that.", styleError
			draw()
			continue
		}
		set, err := editContact(ctx, c, u, k.Rune, row, editorValueCol, draw)
		switch k.Rune {
		case 'p':
			var v string
			if v, err = ask(ctx, c, row, "", &ui.Field{Col: editorValueCol, Max: passwordFieldMax, Width: 32, Mask: '*'}, draw); err == nil {
				if err = b.Rules.CheckPassword(v); err == nil {
					v, err = b.Passwords.Hash(ctx, v)
				}
			}
			set = func(u *store.User) { u.Password = v }
		case 's':
			// Toggled from what is stored now, not from what was read.
			set = func(u *store.User) { u.Groups = toggle(u.Groups, store.GroupSysop) }
		case 'k':
			set = func(u *store.User) { u.Groups = toggle(u.Groups, store.GroupLocked) }
		case 'd':
			sure, cerr := confirm(ctx, c.Session, row, "Delete "+clean(u.Handle)+" for good?")
			if cerr != nil {
				return cerr
			}
			if !sure {
				draw()
				continue
			}
			if err := b.Store.Users.DeleteUser(ctx, u.Handle); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			b.Log.Info("sysop deleted a user", "sysop", c.User.Handle, "user", u.Handle)
			b.Revoke(u.Handle, "Your account has been removed by the sysop.")
			return nil
		}
		switch {
		case errors.Is(err, ui.ErrCancel):
		case err != nil && sessionOver(ctx, err):
			return err
		case err != nil:
			msg, msgStyle = ruleMessage(err), styleError
		default:
			saved, err := b.Store.Users.ModifyUser(ctx, u.ID, func(u *store.User) error { set(u); return nil })
			if errors.Is(err, store.ErrNotFound) {
				return nil // deleted meanwhile: back to the list
			}
			if err != nil {
				return err
			}
			*u = *saved
			msg, msgStyle = "Saved.", styleOK
			b.Log.Info("sysop edited a user", "sysop", c.User.Handle, "user", u.Handle, "field", items[i].label)
			if u.InGroup(store.GroupLocked) && k.Rune == 'k' {
				b.Revoke(u.Handle, "Your account has been locked by the sysop.")
			}
		}
		draw()
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// toggle adds or removes a group.
func toggle(groups []string, g string) []string {
	if i := slices.Index(groups, g); i >= 0 {
		return slices.Delete(slices.Clone(groups), i, i+1)
	}
	return append(slices.Clone(groups), g)
}
