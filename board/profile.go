package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
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
	{'c', "Encoding"}, {'k', "SSH keys"}, {'t', "Two-factor"}, {'s', "Signature"}, {'a', "Accessible"}, {'g', "Language"}, {0, "Groups"}, {0, "Calls"}, {0, "Last call"},
	{0, "Member since"},
}

// profileValueCol is the column of the profile's values, where a field
// edits them in place ("[n] " from column 2, then the label).
const profileValueCol = 19

// profile shows the caller's account and lets them change it.
func profile(ctx context.Context, c *Call) error {
	c.SetActivity("profile")
	if c.Anonymous() {
		draw := func() {
			c.Header("profile", 4)
			c.Say(6, c.Theme.Text, "You are visiting without an account: log in as new to apply for one.")
			c.Say(8, "", c.KeyHelp("q", c.Theme.Strings.Back))
		}
		draw()
		return c.AnyKey(ctx, draw)
	}
	msg, msgStyle := "", ""
	var top int
	draw := func() {
		if c.Accessible() {
			profilePlain(c, msg)
			return
		}
		top = c.Header("profile", 4)
		sz := c.Size()
		for i, it := range profileItems {
			key := "   "
			if it.key != 0 {
				key = c.Theme.Text + "[" + c.Theme.Key + string(it.key) + c.Theme.Text + "]"
			}
			c.WriteString(ui.MoveTo(top+i, 2) + key + " " + c.Theme.Label + ui.Pad(it.label, profileValueCol-6) + c.Theme.Value +
				ui.Truncate(profileValue(c, i), sz.Cols-20) + ui.Reset)
		}
		c.Say(top+len(profileItems)+1, "", c.KeyHelp("n/l/e/p/c/k/t/s/a/g", "change", "v", "view someone's", "q", c.Theme.Strings.Back))
		if msg != "" {
			c.Say(top+len(profileItems)+2, msgStyle, msg)
		}
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		switch {
		case c.choiceQuit(k):
			return nil
		case k.Code != term.KeyRune || k.Mod != 0:
			if c.Accessible() { // Enter alone: the keys again
				profilePlain(c, noSuchKey(k))
			}
			continue
		case k.Rune == 'r' && c.Accessible(): // the profile read out again
			msg = ""
			draw()
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
			msg, msgStyle = m, c.Theme.Error
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
			if c.Accessible() {
				profilePlain(c, noSuchKey(k))
			}
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
	case "Two-factor":
		if account.HasTOTP(u) {
			return "on: a code from your app at every login"
		}
		return "off"
	case "Accessible":
		return accessibleValue(c)
	case "Language":
		return languageValue(c)
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
	accounts := c.Board.cfg.Accounts
	var field account.Field
	var value string
	var err error
	switch key {
	case 'n', 'l', 'e':
		field, value, err = editContact(ctx, c, u, key, row, profileValueCol, redraw)
	case 'c':
		field, value = account.Encoding, nextEncoding(u.Encoding)
	case 's':
		field = account.Signature
		value, err = c.Ask(ctx, row, "", &ui.Field{Col: profileValueCol, Max: account.SignatureMax, Value: u.Signature, Prompt: "Signature: "}, redraw)
	case 'p':
		return changePassword(ctx, c, msgRow, redraw)
	case 'k':
		return "", "", sshKeys(ctx, c)
	case 't':
		return twoFactor(ctx, c)
	case 'a':
		return toggleAccessible(ctx, c)
	case 'g':
		return nextLanguage(ctx, c)
	default:
		return "", "", nil
	}
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	fresh, err := accounts.SetField(ctx, u.ID, field, value)
	c.Board.from.forget(u.Handle)
	if errors.Is(err, account.ErrInvalid) {
		return ruleMessage(err), c.Theme.Error, nil
	}
	if err := c.changed(fresh, err); err != nil {
		return "", "", err
	}
	if key == 'c' {
		enc := c.Info().Encoding
		if u.Encoding != store.EncodingAuto {
			enc = term.Encoding(u.Encoding)
		}
		c.SetEncoding(enc)
	}
	return "Saved.", c.Theme.OK, nil
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
	accounts := c.Board.cfg.Accounts
	ask := func(label string) (string, error) {
		return c.Ask(ctx, row, ui.Pad(label, 15), &ui.Field{Max: passwordFieldMax, Width: 32, Mask: '*'}, redraw)
	}
	current, err := ask("Current:")
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	remote := addrOf(c.Session.Info().RemoteAddr)
	switch err := accounts.VerifyFrom(ctx, c.User.Handle, current, remote); {
	case errors.Is(err, account.ErrWrongPassword):
		return "That is not your current password.", c.Theme.Error, nil
	case err != nil:
		return "", "", c.changed(nil, err)
	}
	fresh, err := ask("New password:")
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if err := accounts.CheckPassword(fresh); err != nil {
		return ruleMessage(err), c.Theme.Error, nil
	}
	again, err := ask("Again:")
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if again != fresh {
		return "The two passwords differ; nothing changed.", c.Theme.Error, nil
	}
	u, err := accounts.ChangePassword(ctx, c.User.Handle, current, fresh, remote)
	switch {
	case errors.Is(err, account.ErrWrongPassword):
		return "That is not your current password.", c.Theme.Error, nil
	case errors.Is(err, account.ErrInvalid):
		return ruleMessage(err), c.Theme.Error, nil
	}
	if err := c.changed(u, err); err != nil {
		return "", "", err
	}
	return "Password changed.", c.Theme.OK, nil
}
