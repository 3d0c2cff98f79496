package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// profileItems are the profile's rows; those with a key can be edited.
var profileItems = []struct {
	key   rune
	label string
}{
	{0, "Handle"}, {'n', "Real name"}, {'l', "Location"}, {'e', "E-mail"}, {'p', "Password"},
	{'c', "Encoding"}, {'k', "SSH keys"}, {'s', "Signature"}, {0, "Groups"}, {0, "Calls"}, {0, "Last call"},
	{0, "Member since"},
}

// profileValueCol is the column of the profile's values, where a field
// edits them in place ("[n] " from column 2, then the label).
const profileValueCol = 19

// profile shows the caller's account and lets them change it.
func profile(ctx context.Context, c *Call) error {
	c.SetActivity("profile")
	if c.Anonymous() {
		c.Board.header(c.Session, "profile", 4)
		say(c.Session, 6, styleText, "You are visiting without an account: log in as new to apply for one.")
		say(c.Session, 8, "", keyHelp("q", "back"))
		_, err := c.ReadKey(ctx)
		return err
	}
	msg, msgStyle := "", ""
	var top int
	draw := func() {
		top = c.Board.header(c.Session, "profile", 4)
		sz := c.Size()
		for i, it := range profileItems {
			key := "   "
			if it.key != 0 {
				key = styleText + "[" + styleKey + string(it.key) + styleText + "]"
			}
			c.WriteString(ui.MoveTo(top+i, 2) + key + " " + styleLabel + ui.Pad(it.label, profileValueCol-6) + styleValue +
				ui.Truncate(profileValue(c, i), sz.Cols-20) + ui.Reset)
		}
		say(c.Session, top+len(profileItems)+1, "", keyHelp("n/l/e/p/c/k/s", "change", "v", "view someone's", "q", "back"))
		if msg != "" {
			say(c.Session, top+len(profileItems)+2, msgStyle, msg)
		}
	}
	draw()
	for {
		k, err := c.Board.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		switch {
		case isQuit(k):
			return nil
		case k.Code != term.KeyRune || k.Mod != 0:
			continue
		case k.Rune == 'v':
			row := top + len(profileItems) + 2
			u, m, err := askHandle(ctx, c, row, "Whose profile? ", draw)
			switch {
			case errors.Is(err, ui.ErrCancel):
			case err != nil:
				return err
			case u != nil:
				if err := viewProfile(ctx, c, u); err != nil {
					return err
				}
			}
			msg, msgStyle = m, styleError
			draw()
			continue
		}
		row := -1
		for i, it := range profileItems {
			if it.key != 0 && it.key == k.Rune {
				row = i
			}
		}
		if row < 0 {
			continue
		}
		msg, msgStyle, err = editProfile(ctx, c, k.Rune, top+row, top+len(profileItems)+2, draw)
		if err != nil {
			return err
		}
		draw()
	}
}

func profileValue(c *Call, i int) string {
	u := c.User
	switch profileItems[i].label {
	case "Handle":
		return clean(u.Handle)
	case "Real name":
		return clean(u.RealName)
	case "Location":
		return clean(u.Location)
	case "E-mail":
		return clean(u.Email)
	case "Password":
		return "********"
	case "SSH keys":
		return "log in with ssh without a password"
	case "Signature":
		if u.Signature == "" {
			return "(none)"
		}
		return clean(u.Signature)
	case "Encoding":
		if u.Encoding == store.EncodingAuto || u.Encoding == "" {
			return fmt.Sprintf("auto (now %s)", c.Encoding())
		}
		return u.Encoding
	case "Groups":
		return strings.Join(u.Groups, ", ")
	case "Calls":
		return fmt.Sprint(u.Calls)
	case "Last call":
		return lastCallText(u.LastCall, time.Now())
	case "Member since":
		return u.Created.Local().Format("Jan 02 2006")
	}
	return ""
}

// editProfile changes one field and returns a message about it.
func editProfile(ctx context.Context, c *Call, key rune, row, msgRow int, redraw func()) (string, string, error) {
	u := c.User
	set, err := editContact(ctx, c, u, key, row, profileValueCol, redraw)
	switch key {
	case 'c':
		v := nextEncoding(u.Encoding)
		set = func(u *store.User) { u.Encoding = v }
	case 's':
		var v string
		if v, err = ask(ctx, c, row, "", &ui.Field{Col: profileValueCol, Max: 72, Value: u.Signature}, redraw); err == nil {
			v = term.Sanitize(strings.TrimSpace(v))
		}
		set = func(u *store.User) { u.Signature = v }
	case 'p':
		return changePassword(ctx, c, msgRow, redraw)
	case 'k':
		return "", "", sshKeys(ctx, c)
	}
	switch {
	case errors.Is(err, ui.ErrCancel):
		return "", "", nil
	case err != nil && sessionOver(ctx, err):
		return "", "", err
	case err != nil:
		return ruleMessage(err), styleError, nil
	}
	if err := c.changeUser(ctx, set); err != nil {
		return "", "", err
	}
	if key == 'c' {
		enc := c.NegotiatedEncoding()
		if u.Encoding != store.EncodingAuto {
			enc = term.Encoding(u.Encoding)
		}
		c.SetEncoding(enc)
	}
	return "Saved.", styleOK, nil
}

func nextEncoding(e string) string {
	switch e {
	case store.EncodingUTF8:
		return store.EncodingCP437
	case store.EncodingCP437:
		return store.EncodingAuto
	}
	return store.EncodingUTF8
}

// changePassword asks for the current password, then the new one twice.
func changePassword(ctx context.Context, c *Call, row int, redraw func()) (string, string, error) {
	b := c.Board
	ask := func(label string) (string, error) {
		return ask(ctx, c, row, ui.Pad(label, 15), &ui.Field{Max: passwordFieldMax, Width: 32, Mask: '*'}, redraw)
	}
	current, err := ask("Current:")
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if ok, _, err := b.Passwords.Verify(ctx, c.User.Password, current); err != nil || !ok {
		return "That is not your current password.", styleError, nil
	}
	fresh, err := ask("New password:")
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if err := b.Rules.CheckPassword(fresh); err != nil {
		return ruleMessage(err), styleError, nil
	}
	again, err := ask("Again:")
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if again != fresh {
		return "The two passwords differ; nothing changed.", styleError, nil
	}
	hash, err := b.Passwords.Hash(ctx, fresh)
	if err != nil {
		return "", "", err
	}
	if err := c.changeUser(ctx, func(u *store.User) { u.Password = hash }); err != nil {
		return "", "", err
	}
	return "Password changed.", styleOK, nil
}
