package board

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// whoRefresh is how often who's online redraws by itself, for idle times.
const whoRefresh = 5 * time.Second

// whoOnline lists the sessions on the board and follows arrivals and
// departures as they happen.
func whoOnline(ctx context.Context, c *Call) error {
	c.SetActivity("who's online")
	stop := c.Watch(c.Board.Events, events.TopicPresence)
	defer stop()
	list := &ui.List{}
	draw := func() {
		top := c.Board.header(c.Session, "who", 4)
		sz := c.Size()
		c.WriteString(ui.MoveTo(top, 2) + styleTitle + whoRow(sz.Cols-2, "Node", "Handle", "Activity", "Idle", "From", "Via") + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = top+1, 2, sz.Cols-2, max(1, sz.Rows-top-2)
		list.Lines = c.Board.whoLines(ctx, c, list.Width)
		list.Draw(c.Session)
		say(c.Session, sz.Rows, "", fmt.Sprintf("%s%d online  %s", styleText, len(list.Lines), keyHelp("q", "back")))
	}
	draw()
	for {
		k, err := readKeyTimeout(ctx, c.Session, whoRefresh)
		switch {
		case errors.Is(err, errTimeout):
			list.Lines = c.Board.whoLines(ctx, c, list.Width)
			list.Draw(c.Session)
			continue
		case err != nil:
			return err
		}
		switch {
		case k.Code == term.KeyResize:
			draw()
		case k.Code == term.KeyEvent:
			if c.Buffered() == 0 && c.PendingEvents() == 0 {
				draw()
			}
		case isQuit(k):
			return nil
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

// whoLines formats one line per live session.
func (b *Board) whoLines(ctx context.Context, c *Call, width int) []string {
	now := time.Now()
	locations := map[string]string{}
	var lines []string
	for _, sn := range b.Sessions.Snapshots() {
		handle := sn.User
		from := ""
		if handle == "" {
			handle = "(logging in)"
		} else if loc, ok := locations[handle]; ok {
			from = loc
		} else if u, err := b.Store.Users.User(ctx, handle); err == nil {
			from, locations[handle] = u.Location, u.Location
		}
		style := styleText
		if sn.Node == c.Node() {
			style = styleValue
		}
		lines = append(lines, style+whoRow(width, fmt.Sprint(sn.Node), clean(handle), clean(sn.Activity),
			idleText(now.Sub(sn.LastInput)), clean(from), string(sn.Kind)))
	}
	return lines
}

// whoRow lays out one row of the table in the given width.
func whoRow(width int, node, handle, activity, idle, from, via string) string {
	row := ui.PadLeft(node, 4) + "  " + ui.Pad(handle, 16) + " " + ui.Pad(activity, 22) + " " + ui.PadLeft(idle, 5) + "  "
	rest := width - ui.Width(row)
	if rest > 16 {
		row += ui.Pad(from, rest-9) + " " + ui.Pad(via, 8)
	}
	return ui.Truncate(row, width)
}

func idleText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%dh", int(d/time.Hour))
}
