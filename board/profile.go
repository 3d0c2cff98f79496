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
// Their ids name them for profileLabel and profileValue, whatever the
// caller's language.
var profileItems = []struct {
	key rune
	id  string
}{
	{0, "handle"}, {'n', "real_name"}, {'l', "location"}, {'e', "email"}, {'p', "password"},
	{'c', "encoding"}, {'k', "ssh_keys"}, {'t', "two_factor"}, {'s', "signature"}, {'a', "accessible"}, {'g', "language"}, {0, "groups"}, {0, "calls"}, {0, "last_call"},
	{0, "member_since"},
}

// profileLabel is the label of the profile's item id in the caller's
// language.
func profileLabel(c *Call, id string) string {
	switch id {
	case "handle":
		return c.T("profile.label.handle")
	case "real_name":
		return c.T("profile.label.real_name")
	case "location":
		return c.T("profile.label.location")
	case "email":
		return c.T("profile.label.email")
	case "password":
		return c.T("profile.label.password")
	case "encoding":
		return c.T("profile.label.encoding")
	case "ssh_keys":
		return c.T("profile.label.ssh_keys")
	case "two_factor":
		return c.T("profile.label.two_factor")
	case "signature":
		return c.T("profile.label.signature")
	case "accessible":
		return c.T("profile.label.accessible")
	case "language":
		return c.T("profile.label.language")
	case "groups":
		return c.T("profile.label.groups")
	case "calls":
		return c.T("profile.label.calls")
	case "last_call":
		return c.T("profile.label.last_call")
	case "member_since":
		return c.T("profile.label.member_since")
	}
	return id
}

// profileValueCol is the column of the profile's values, where a field
// edits them in place ("[n] " from column 2, then the label): after the
// widest label of the caller's language (19 in English).
func profileValueCol(c *Call) int {
	w := 0
	for _, it := range profileItems {
		w = max(w, ui.Width(profileLabel(c, it.id)))
	}
	return 6 + w + 1
}

// profile shows the caller's account and lets them change it.
func profile(ctx context.Context, c *Call) error {
	c.SetActivityMessage("activity.profile")
	if c.Anonymous() {
		draw := func() {
			c.Header("profile", 4)
			c.Say(6, c.Theme.Text, c.T("profile.anonymous", "new", "new"))
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
		col := profileValueCol(c)
		for i, it := range profileItems {
			key := "   "
			if it.key != 0 {
				key = c.Theme.Text + "[" + c.Theme.Key + string(it.key) + c.Theme.Text + "]"
			}
			c.WriteString(ui.MoveTo(top+i, 2) + key + " " + c.Theme.Label + ui.Pad(profileLabel(c, it.id), col-6) + c.Theme.Value +
				ui.Truncate(profileValue(c, i), sz.Cols-col-1) + ui.Reset)
		}
		c.Say(top+len(profileItems)+1, "", c.KeyHelp("n/l/e/p/c/k/t/s/a/g", c.T("profile.change"), "v", c.T("profile.view"), "q", c.Theme.Strings.Back))
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
				profilePlain(c, c.noSuchKey(k))
			}
			continue
		case k.Rune == 'r' && c.Accessible(): // the profile read out again
			msg = ""
			draw()
			continue
		case k.Rune == 'v':
			row := top + len(profileItems) + 2
			u, m, err := askHandle(ctx, c, row, c.T("profile.whose")+" ", draw)
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
				profilePlain(c, c.noSuchKey(k))
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
	switch profileItems[i].id {
	case "handle":
		return clean(u.Handle)
	case "real_name":
		return clean(u.RealName)
	case "location":
		return clean(u.Location)
	case "email":
		return clean(u.Email)
	case "password":
		return "********"
	case "ssh_keys":
		return c.T("profile.ssh_keys_value")
	case "two_factor":
		if account.HasTOTP(u) {
			return c.T("profile.two_factor_on")
		}
		return c.T("profile.off")
	case "accessible":
		return accessibleValue(c)
	case "language":
		return languageValue(c)
	case "signature":
		if u.Signature == "" {
			return c.T("common.none")
		}
		return clean(u.Signature)
	case "encoding":
		if u.Encoding == store.EncodingAuto || u.Encoding == "" {
			return c.T("profile.encoding_auto", "encoding", string(c.Encoding()))
		}
		return u.Encoding
	case "groups":
		return strings.Join(u.Groups, ", ")
	case "calls":
		return fmt.Sprint(u.Calls)
	case "last_call":
		return c.lastCalled(u.LastCall, time.Now())
	case "member_since":
		return c.date(u.Created.Local(), "Jan 02 2006")
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
		field, value, err = editContact(ctx, c, u, key, row, profileValueCol(c), redraw)
	case 'c':
		field, value = account.Encoding, nextEncoding(u.Encoding)
	case 's':
		field = account.Signature
		value, err = c.Ask(ctx, row, "", &ui.Field{Col: profileValueCol(c), Max: account.SignatureMax, Value: u.Signature, Prompt: profileLabel(c, "signature") + ": "}, redraw)
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
		return ruleMessageIn(c.Lang(), err), c.Theme.Error, nil
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
	return c.T("profile.saved"), c.Theme.OK, nil
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
	labels := []string{c.T("profile.password_current"), c.T("profile.password_new"), c.T("profile.password_again")}
	width := 15 // the labels' column: 15 in English, wider for longer labels
	for _, l := range labels {
		width = max(width, ui.Width(l)+2)
	}
	ask := func(label string) (string, error) {
		return c.Ask(ctx, row, ui.Pad(label, width), &ui.Field{Max: passwordFieldMax, Width: 32, Mask: '*'}, redraw)
	}
	current, err := ask(labels[0])
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	remote := addrOf(c.Session.Info().RemoteAddr)
	switch err := accounts.VerifyFrom(ctx, c.User.Handle, current, remote); {
	case errors.Is(err, account.ErrWrongPassword):
		return c.T("profile.password_wrong"), c.Theme.Error, nil
	case err != nil:
		return "", "", c.changed(nil, err)
	}
	fresh, err := ask(labels[1])
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if err := accounts.CheckPassword(fresh); err != nil {
		return ruleMessageIn(c.Lang(), err), c.Theme.Error, nil
	}
	again, err := ask(labels[2])
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if again != fresh {
		return c.T("profile.password_differ"), c.Theme.Error, nil
	}
	u, err := accounts.ChangePassword(ctx, c.User.Handle, current, fresh, remote)
	switch {
	case errors.Is(err, account.ErrWrongPassword):
		return c.T("profile.password_wrong"), c.Theme.Error, nil
	case errors.Is(err, account.ErrInvalid):
		return ruleMessageIn(c.Lang(), err), c.Theme.Error, nil
	}
	if err := c.changed(u, err); err != nil {
		return "", "", err
	}
	return c.T("profile.password_changed"), c.Theme.OK, nil
}
