package board

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// sshKeys lets the caller see, add and remove the ssh keys they log in
// with.
func sshKeys(ctx context.Context, c *Call) error {
	b := c.Board
	msg, msgStyle := "", ""
	var keys []store.PublicKey
	var top int
	draw := func() {
		top = c.Header("profile", 4)
		sz := c.Size()
		c.Say(top, c.Theme.Title, c.T("keys.title", "handle", clean(c.User.Handle)))
		for i, k := range keys {
			line := fmt.Sprintf("%s%2d%s  %s %s%s %s", c.Theme.Key, i+1, c.Theme.Text, k.Key[:strings.IndexByte(k.Key+" ", ' ')],
				c.Theme.Value, k.Fingerprint, c.Theme.Dim+clean(k.Comment))
			c.Say(top+2+i, "", ui.Truncate(line, sz.Cols-2))
		}
		if len(keys) == 0 {
			c.Say(top+2, c.Theme.Dim, c.T("keys.none"))
		}
		c.Say(top+3+max(len(keys), 1), "", c.KeyHelp("a", c.T("keys.add"), "d", c.T("keys.delete"), "q", c.Theme.Strings.Back))
		if msg != "" {
			c.Say(top+4+max(len(keys), 1), msgStyle, msg)
		}
	}
	load := func() error {
		var err error
		keys, err = b.cfg.Accounts.Keys(ctx, c.User.Handle)
		return err
	}
	if err := load(); err != nil {
		return err
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		switch {
		case IsQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune == 'a':
			msg, msgStyle, err = addKey(ctx, c, top+4+max(len(keys), 1), draw)
		case k.Code == term.KeyRune && k.Rune == 'd' && len(keys) > 0:
			msg, msgStyle, err = deleteKey(ctx, c, keys, top+4+max(len(keys), 1), draw)
		default:
			continue
		}
		if err != nil {
			return err
		}
		if err := load(); err != nil {
			return err
		}
		draw()
	}
}

func addKey(ctx context.Context, c *Call, row int, redraw func()) (string, string, error) {
	label := c.Theme.Label + c.T("keys.paste") + " " + ui.Reset
	if c.Accessible() {
		c.Line(label)
	} else {
		c.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + label)
	}
	f := &ui.Field{Row: row + 1, Col: 2, Max: 2048, Style: c.Theme.Bar, Prompt: c.T("keys.key") + " "} // to the window's edge
	f.Relayout = func() (int, int) {
		redraw()
		c.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + label)
		return row + 1, 2
	}
	line, err := f.Read(ctx, c.Session)
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if strings.TrimSpace(line) == "" {
		return "", "", nil
	}
	k, err := c.Board.cfg.Accounts.AddKey(ctx, c.User.Handle, line)
	switch {
	case errors.Is(err, account.ErrKeyTaken):
		return c.T("keys.taken"), c.Theme.Error, nil
	case errors.Is(err, account.ErrInvalid):
		return ruleMessageIn(c.Lang(), err), c.Theme.Error, nil
	case err != nil:
		return "", "", err
	}
	return c.T("keys.added", "fingerprint", k.Fingerprint), c.Theme.OK, nil
}

func deleteKey(ctx context.Context, c *Call, keys []store.PublicKey, row int, redraw func()) (string, string, error) {
	v, err := c.Ask(ctx, row, c.T("keys.delete_number")+" ", &ui.Field{Max: 3, Width: 4, Accept: isDigit}, redraw)
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil || n < 1 || n > len(keys) {
		return "", "", nil
	}
	if err := c.Board.cfg.Accounts.DeleteKey(ctx, c.User.Handle, keys[n-1].Fingerprint); err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", err
	}
	return c.T("keys.deleted", "fingerprint", keys[n-1].Fingerprint), c.Theme.OK, nil
}
