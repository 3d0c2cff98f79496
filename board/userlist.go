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
	c.SetActivityMessage("activity.user_list")
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
		c.Say(1, c.Theme.Title, userListTitle(c, len(users), filter))
		head, cols := userHeadings(c)
		c.WriteString(ui.MoveTo(3, 2) + c.Theme.Title + userRow(sz.Cols-2, cols, head[0], head[1], head[2], head[3], head[4], head[5]) + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = 4, 2, sz.Cols-2, max(1, sz.Rows-5)
		now := time.Now()
		list.Lines = list.Lines[:0]
		for _, u := range users {
			list.Lines = append(list.Lines, c.Theme.Text+userRow(list.Width, cols, clean(u.Handle), clean(u.RealName), clean(u.Location),
				strings.Join(u.Groups, ","), fmt.Sprint(u.Calls), c.lastCalled(u.LastCall, now)))
		}
		list.Draw(c.Session)
		c.Say(sz.Rows, "", userListKeys(c))
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
			u, msg, err := askHandle(ctx, c, row, c.T("users.ask_edit"), draw)
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
			v, err := c.Ask(ctx, row, c.T("users.ask_search"), &ui.Field{Max: 32, Width: 20, Value: filter}, draw)
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

// userListTitle is the user list's title: the board, how many accounts
// it shows, and the search that chose them.
func userListTitle(c *Call, n int, filter string) string {
	board := clean(c.Board.cfg.Name)
	if filter != "" {
		return c.N("users.title_matching", n, "board", board, "filter", clean(filter))
	}
	return c.N("users.title", n, "board", board)
}

// userListKeys says the user list's keys.
func userListKeys(c *Call) string {
	return c.KeyHelp("e", c.T("users.key_edit"), "/", c.T("users.key_search"), "q", c.Theme.Strings.Back)
}

// userCols are the widths of the user list's last two columns, which
// grow to fit their headings in the caller's language.
type userCols struct{ calls, last int }

// userHeadings returns the user list's column headings in the caller's
// language (handle, real name, location, groups, calls, last call) and
// the widths they need.
func userHeadings(c *Call) ([6]string, userCols) {
	head := [6]string{c.T("users.col_handle"), c.T("users.col_real_name"), c.T("users.col_location"),
		c.T("users.col_groups"), c.T("users.col_calls"), c.T("users.col_last_call")}
	return head, userCols{calls: max(5, ui.Width(head[4])), last: max(10, ui.Width(head[5]))}
}

func userRow(width int, cols userCols, handle, name, location, groups, calls, last string) string {
	// Groups fits "locked,sysop".
	row := ui.Pad(handle, 16) + " " + ui.Pad(name, 14) + " " + ui.Pad(location, max(8, width-48-cols.calls-cols.last)) + " " +
		ui.Pad(groups, 12) + " " + ui.PadLeft(calls, cols.calls) + "  " + ui.Pad(last, cols.last)
	return ui.Truncate(row, width)
}
