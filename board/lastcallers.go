package board

import (
	"context"
	"fmt"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// lastCallers lists the latest calls, newest first.
func lastCallers(ctx context.Context, c *Call) error {
	c.SetActivity("last callers")
	calls, err := c.Board.cfg.Store.Calls.LastCalls(ctx, c.Board.cfg.LastCallers)
	if err != nil {
		return err
	}
	if c.Accessible() {
		return lastCallersPlain(ctx, c, calls)
	}
	list := &ui.List{}
	draw := func() {
		top := c.Header("lastcallers", 4)
		sz := c.Size()
		c.WriteString(ui.MoveTo(top, 2) + c.Theme.Title + callRow(sz.Cols-2, "Handle", "From", "When", "Calls") + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = top+1, 2, sz.Cols-2, max(1, sz.Rows-top-2)
		list.Lines = callLines(calls, c.Theme, list.Width, time.Now())
		list.Draw(c.Session)
		c.Say(sz.Rows, "", c.KeyHelp("q", c.Theme.Strings.Back))
	}
	return browse(ctx, c, list, draw)
}

func callLines(calls []store.Call, t *Theme, width int, now time.Time) []string {
	lines := make([]string, len(calls))
	for i, call := range calls {
		when := call.At.Local().Format("Mon Jan 02 15:04") + " (" + lastCallText(call.At, now) + ")"
		lines[i] = t.Text + callRow(width, clean(call.Handle), clean(call.Location), when, fmt.Sprint(call.Calls))
	}
	return lines
}

func callRow(width int, handle, from, when, calls string) string {
	row := ui.Pad(handle, 16) + " " + ui.Pad(from, max(10, width-56)) + " " + ui.Pad(when, 30) + " " + ui.PadLeft(calls, 6)
	return ui.Truncate(row, width)
}
