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

// userList shows every account to a sysop.
func userList(ctx context.Context, c *Call) error {
	if !c.Sysop() {
		return nil
	}
	c.SetActivity("user list")
	var users []*store.User
	filter := ""
	load := func() error {
		all, err := c.Board.cfg.Accounts.List(ctx)
		users = all[:0]
		for _, u := range all {
			if filter == "" || strings.Contains(store.HandleKey(u.Handle+" "+u.RealName+" "+u.Location), store.HandleKey(filter)) {
				users = append(users, u)
			}
		}
		return err
	}
	if err := load(); err != nil {
		return err
	}
	list := &ui.List{}
	draw := func() {
		if c.Accessible() {
			userListPlain(ctx, c, users, filter)
			return
		}
		c.WriteString(ui.ClearScreen)
		sz := c.Size()
		title := fmt.Sprintf("Users of %s: %d", clean(c.Board.cfg.Name), len(users))
		if filter != "" {
			title += " matching " + clean(filter)
		}
		c.Say(1, c.Theme.Title, title)
		c.WriteString(ui.MoveTo(3, 2) + c.Theme.Title + userRow(sz.Cols-2, "Handle", "Real name", "Location", "Groups", "Calls", "Last call") + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = 4, 2, sz.Cols-2, max(1, sz.Rows-5)
		now := time.Now()
		list.Lines = list.Lines[:0]
		for _, u := range users {
			list.Lines = append(list.Lines, c.Theme.Text+userRow(list.Width, clean(u.Handle), clean(u.RealName), clean(u.Location),
				strings.Join(u.Groups, ","), fmt.Sprint(u.Calls), lastCallText(u.LastCall, now)))
		}
		list.Draw(c.Session)
		c.Say(sz.Rows, "", c.KeyHelp("e", "edit a user", "/", "search", "q", c.Theme.Strings.Back))
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw) // shows notices; redraws on resize
		if err != nil {
			return err
		}
		row := c.Size().Rows
		switch {
		case IsQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune == 'e':
			u, msg, err := askHandle(ctx, c, row, "Edit which user? ", draw)
			switch {
			case errors.Is(err, ui.ErrCancel):
			case err != nil:
				return err
			case u != nil:
				if err := editUser(ctx, c, u); err != nil {
					return err
				}
				if err := load(); err != nil {
					return err
				}
			}
			draw()
			if msg != "" {
				c.Say(row, c.Theme.Error, msg)
			}
		case k.Code == term.KeyRune && k.Rune == '/':
			v, err := c.Ask(ctx, row, "Search: ", &ui.Field{Max: 32, Width: 20, Value: filter}, draw)
			if err != nil && !errors.Is(err, ui.ErrCancel) {
				return err
			}
			if err == nil {
				filter = strings.TrimSpace(v)
				if err := load(); err != nil {
					return err
				}
			}
			draw()
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

func userRow(width int, handle, name, location, groups, calls, last string) string {
	// Groups fits "locked,sysop".
	row := ui.Pad(handle, 16) + " " + ui.Pad(name, 14) + " " + ui.Pad(location, max(8, width-63)) + " " +
		ui.Pad(groups, 12) + " " + ui.PadLeft(calls, 5) + "  " + ui.Pad(last, 10)
	return ui.Truncate(row, width)
}
