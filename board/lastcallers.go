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
	c.SetActivityMessage("activity.last_callers")
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
		head, callsW := callHeadings(c)
		c.WriteString(ui.MoveTo(top, 2) + c.Theme.Title + callRow(sz.Cols-2, callsW, head[0], head[1], head[2], head[3]) + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = top+1, 2, sz.Cols-2, max(1, sz.Rows-top-2)
		list.Lines = callLines(c, calls, list.Width, callsW, time.Now())
		list.Draw(c.Session)
		c.Say(sz.Rows, "", c.KeyHelp("q", c.Theme.Strings.Back))
	}
	return browse(ctx, c, list, draw)
}

// callHeadings returns the last callers' column headings in the
// caller's language (handle, from, when, calls) and the width of the
// last column, which grows to fit its heading.
func callHeadings(c *Call) ([4]string, int) {
	head := [4]string{c.T("lastcallers.col_handle"), c.T("lastcallers.col_from"), c.T("lastcallers.col_when"), c.T("lastcallers.col_calls")}
	return head, max(6, ui.Width(head[3]))
}

func callLines(c *Call, calls []store.Call, width, callsW int, now time.Time) []string {
	t := c.Theme
	lines := make([]string, len(calls))
	for i, call := range calls {
		when := c.date(call.At.Local(), "Mon Jan 02 15:04") + " (" + c.lastCalled(call.At, now) + ")"
		lines[i] = t.Text + callRow(width, callsW, clean(call.Handle), clean(call.Location), when, fmt.Sprint(call.Calls))
	}
	return lines
}

func callRow(width, callsW int, handle, from, when, calls string) string {
	row := ui.Pad(handle, 16) + " " + ui.Pad(from, max(10, width-50-callsW)) + " " + ui.Pad(when, 30) + " " + ui.PadLeft(calls, callsW)
	return ui.Truncate(row, width)
}
