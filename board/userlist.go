package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/ui"
)

// userList shows every account to a sysop.
func userList(ctx context.Context, c *Call) error {
	if !c.Sysop() {
		return nil
	}
	c.SetActivity("user list")
	users, err := c.Board.Store.Users.ListUsers(ctx)
	if err != nil {
		return err
	}
	list := &ui.List{}
	draw := func() {
		c.WriteString(ui.ClearScreen)
		sz := c.Size()
		say(c.Session, 1, styleTitle, fmt.Sprintf("Users of %s: %d", clean(c.Board.Name), len(users)))
		c.WriteString(ui.MoveTo(3, 2) + styleTitle + userRow(sz.Cols-2, "Handle", "Real name", "Location", "Groups", "Calls", "Last call") + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = 4, 2, sz.Cols-2, max(1, sz.Rows-5)
		now := time.Now()
		list.Lines = list.Lines[:0]
		for _, u := range users {
			list.Lines = append(list.Lines, styleText+userRow(list.Width, clean(u.Handle), clean(u.RealName), clean(u.Location),
				strings.Join(u.Groups, ","), fmt.Sprint(u.Calls), lastCallText(u.LastCall, now)))
		}
		list.Draw(c.Session)
		say(c.Session, sz.Rows, "", keyHelp("q", "back"))
	}
	return browse(ctx, c, list, draw)
}

func userRow(width int, handle, name, location, groups, calls, last string) string {
	row := ui.Pad(handle, 16) + " " + ui.Pad(name, 14) + " " + ui.Pad(location, max(8, width-59)) + " " +
		ui.Pad(groups, 8) + " " + ui.PadLeft(calls, 5) + "  " + ui.Pad(last, 10)
	return ui.Truncate(row, width)
}
