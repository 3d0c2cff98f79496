package board

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
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
		keys := []string{"p", "page", "q", "back"}
		if c.Sysop() {
			keys = []string{"p", "page", "d", "disconnect", "b", "broadcast", "q", "back"}
		}
		say(c.Session, sz.Rows, "", fmt.Sprintf("%s%d online  %s", styleText, len(list.Lines), keyHelp(keys...)))
	}
	draw()
	// act runs an action on a node and shows what it says, in style.
	act := func(action func(context.Context, *Call, func()) (string, error), style string) error {
		msg, err := action(ctx, c, draw)
		if err != nil {
			return err
		}
		draw()
		if msg != "" {
			say(c.Session, c.Size().Rows, style, msg)
		}
		return nil
	}
	for {
		// A notice that came while a widget had the keys waits for here.
		if c.PendingNotices() > 0 {
			if _, err := c.Board.showNotices(ctx, c); err != nil {
				return err
			}
			draw()
		}
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
		case k.Code == term.KeyEvent && c.PendingNotices() > 0:
			if _, err := c.Board.showNotices(ctx, c); err != nil {
				return err
			}
			draw()
		case k.Code == term.KeyEvent:
			if c.Buffered() == 0 && c.PendingEvents() == 0 {
				draw()
			}
		case isQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Mod == 0 && k.Rune == 'p':
			if err := act(pageSomeone, styleError); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Mod == 0 && k.Rune == 'd' && c.Sysop():
			if err := act(disconnectNode, styleOK); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Mod == 0 && k.Rune == 'b' && c.Sysop():
			if err := broadcastScreen(ctx, c, draw); err != nil {
				return err
			}
			draw()
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

// askNode asks for a node number on the bottom row.
func askNode(ctx context.Context, c *Call, question string, redraw func()) (int, error) {
	v, err := ask(ctx, c, 0, question, &ui.Field{Max: 5, Width: 6, Accept: isDigit}, redraw)
	if err != nil {
		return 0, err
	}
	var n int
	fmt.Sscan(v, &n)
	return n, nil
}

// pageEvery is how often a caller may page: enough to retry, not to
// pester.
const pageEvery = 10 * time.Second

// pageSomeone pages a node to a private chat and waits there for them.
func pageSomeone(ctx context.Context, c *Call, redraw func()) (string, error) {
	node, err := askNode(ctx, c, "Page which node? ", redraw)
	if err != nil {
		return "", ignoreCancel(err)
	}
	b := c.Board
	target := b.Sessions.Lookup(node)
	switch {
	case node == 0:
		return "", nil
	case target == nil:
		return fmt.Sprintf("No one is on node %d.", node), nil
	case target == c.Session:
		return "That is you.", nil
	case target.User() == "":
		return fmt.Sprintf("Node %d has not logged in yet.", node), nil
	}
	if wait := time.Until(c.lastPage.Add(pageEvery)); wait > 0 {
		return "You paged a moment ago; wait " + waitText(wait) + ".", nil
	}
	c.lastPage = time.Now()
	other := target.User()
	room := fmt.Sprintf("page:%d:%d:%d", c.Node(), node, time.Now().UnixNano())
	// In the room before the page goes out: the callee checks that
	// someone waits there.
	b.chatEnter(room, c.User.Handle)
	defer b.chatExit(room, c.User.Handle)
	b.Events.Publish(events.Event{Topic: events.UserTopic(store.HandleKey(other)),
		Data: events.Page{From: c.User.Handle, FromNode: c.Node(), Room: room, ToNode: node}})
	b.Log.Info("page", "from", c.User.Handle, "to", other, "node", node)
	return "", b.RunChat(ctx, c, room, "a private chat with "+clean(other))
}

// disconnectNode lets a sysop end someone's call.
func disconnectNode(ctx context.Context, c *Call, redraw func()) (string, error) {
	node, err := askNode(ctx, c, "Disconnect which node? ", redraw)
	if err != nil {
		return "", ignoreCancel(err)
	}
	target := c.Board.Sessions.Lookup(node)
	switch {
	case node == 0:
		return "", nil
	case target == nil:
		return fmt.Sprintf("No one is on node %d.", node), nil
	case target == c.Session:
		return "Log off instead.", nil
	}
	c.Board.Log.Info("sysop disconnects a node", "sysop", c.User.Handle, "node", node, "user", target.User())
	target.Disconnect("You have been disconnected by the sysop.")
	return fmt.Sprintf("Node %d disconnected.", node), nil
}

// Revoke ends every call of the user with the handle on this node,
// writing line to each first, and returns how many it ended. The sysop's
// tools call it when an account is locked or deleted, so that it cannot
// go on using the board.
func (b *Board) Revoke(handle, line string) int {
	key := store.HandleKey(handle)
	var wg sync.WaitGroup
	n := 0
	for _, s := range b.Sessions.Sessions() {
		if u := s.User(); u != "" && store.HandleKey(u) == key {
			n++
			wg.Go(func() { s.Disconnect(line) })
		}
	}
	wg.Wait()
	return n
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
