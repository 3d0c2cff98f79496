package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// whoRefresh is how often who's online redraws by itself, for idle times.
const whoRefresh = 5 * time.Second

// whoOnline lists the sessions on the board and follows arrivals and
// departures as they happen.
func whoOnline(ctx context.Context, c *Call) error {
	c.SetActivityMessage("activity.who")
	if c.Accessible() {
		return whoPlain(ctx, c)
	}
	stop := c.Inbox().WatchUpdates(c.Board.cfg.Events, events.TopicPresence)
	defer stop()
	list := &ui.List{}
	// What the last action said ("Disconnected bob (node 1)."), in its
	// style: it stays through the redraws that arrivals and departures
	// cause, until the next key.
	status, statusStyle := "", ""
	// due is when the list must be drawn again for the arrivals and
	// departures since lastDraw; zero when none waits.
	var due, lastDraw, lastEvent, tableMade time.Time
	draw := func() {
		lastDraw = time.Now()
		top := c.Header("who", 4)
		sz := c.Size()
		head, cols := whoHeadings(c.Lang())
		c.WriteString(ui.MoveTo(top, 2) + c.Theme.Title + whoRow(sz.Cols-2, cols, head[0], head[1], head[2], head[3], head[4], head[5]) + ui.Reset)
		list.Top, list.Left, list.Width, list.Height = top+1, 2, sz.Cols-2, max(1, sz.Rows-top-2)
		list.Lines, tableMade = whoLines(ctx, c, list.Width)
		list.Draw(c.Session)
		keys := []string{"p", c.T("who.key_page"), "q", c.Theme.Strings.Back}
		if c.Sysop() {
			keys = []string{"p", c.T("who.key_page"), "d", c.T("who.key_disconnect"), "b", c.T("who.key_broadcast"), "q", c.Theme.Strings.Back}
		}
		if status != "" {
			c.Say(sz.Rows, statusStyle, status)
		} else {
			c.Say(sz.Rows, "", c.Theme.Text+c.N("who.online", len(list.Lines))+"  "+c.KeyHelp(keys...))
		}
	}
	draw()
	// act runs an action on a node and shows what it says, in style.
	act := func(action func(context.Context, *Call, func()) (string, error), style string) error {
		msg, err := action(ctx, c, draw)
		if err != nil {
			return err
		}
		status, statusStyle = msg, style
		draw()
		return nil
	}
	for {
		// A notice that came while a widget had the keys waits for here.
		if c.Inbox().Notices() > 0 {
			if _, err := c.ShowNotices(ctx); err != nil {
				return err
			}
			draw()
		}
		wait := whoRefresh
		if !due.IsZero() {
			wait = max(time.Until(due), time.Millisecond)
		}
		k, err := readKeyTimeout(ctx, c.Session, wait)
		switch {
		case errors.Is(err, errTimeout) && !due.IsZero():
			due = time.Time{}
			draw()
			if tableMade.Before(lastEvent) {
				due = tableMade.Add(whoShare) // that table missed some
			}
			continue
		case errors.Is(err, errTimeout):
			list.Lines, tableMade = whoLines(ctx, c, list.Width)
			list.Draw(c.Session)
			continue
		case err != nil:
			return err
		}
		if k.Code != term.KeyEvent && k.Code != term.KeyResize && k.Code != term.KeyNotice {
			status = ""
		}
		switch {
		case k.Code == term.KeyResize:
			draw()
		case k.Code == term.KeyNotice:
			if _, err := c.ShowNotices(ctx); err != nil {
				return err
			}
			draw()
		case k.Code == term.KeyEvent:
			// Arrivals and departures redraw the list at most once a
			// whoShare, from a table at most that old, and once more
			// when the table used may predate the last of them.
			lastEvent = time.Now()
			if due.IsZero() {
				due = lastDraw.Add(whoShare)
			}
		case IsQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Mod == 0 && k.Rune == 'p':
			if err := act(pageSomeone, c.Theme.Error); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Mod == 0 && k.Rune == 'd' && c.Sysop():
			if err := act(disconnectNode, c.Theme.OK); err != nil {
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
	v, err := c.Ask(ctx, 0, question, &ui.Field{Max: 5, Width: 6, Accept: isDigit}, redraw)
	if err != nil {
		return 0, err
	}
	var n int
	fmt.Sscan(v, &n)
	return n, nil
}

// pageSomeone pages a node to a private chat and waits there for them.
func pageSomeone(ctx context.Context, c *Call, redraw func()) (string, error) {
	node, err := askNode(ctx, c, c.T("who.ask_page"), redraw)
	if err != nil || node == 0 {
		return "", ignoreCancel(err)
	}
	m, err := c.Board.cfg.Community.Pages.Page(c.User, c.Node(), node)
	var wait *community.WaitError
	switch {
	case errors.Is(err, community.ErrNobodyThere):
		return c.T("who.nobody_on_node", "node", strconv.Itoa(node)), nil
	case errors.Is(err, community.ErrPageSelf):
		return c.T("who.page_self"), nil
	case errors.Is(err, community.ErrNotLoggedIn):
		return c.T("who.page_not_logged_in", "node", strconv.Itoa(node)), nil
	case errors.Is(err, community.ErrAnonymous):
		return c.T("who.page_anonymous"), nil
	case errors.As(err, &wait):
		return c.T("who.page_wait", "wait", pageWaitText(c, wait.Wait)), nil
	case err != nil:
		return "", err
	}
	other := c.T("who.someone")
	if sn, ok := c.Board.cfg.Community.Presence.Lookup(node); ok {
		other = sn.User
	}
	return "", c.RunChat(ctx, m, c.T("who.private_chat", "handle", clean(other)))
}

// pageWaitText says how long is left to wait before paging again,
// rounded up, as community.WaitText does: "40 seconds", "2 minutes".
func pageWaitText(c *Call, d time.Duration) string {
	switch s := int((d + time.Second - 1) / time.Second); {
	case s <= 90:
		return c.N("who.wait_seconds", s)
	case s <= 90*60:
		return c.N("who.wait_minutes", (s+59)/60)
	default:
		return c.N("who.wait_hours", (s+3599)/3600)
	}
}

// disconnectNode lets a sysop end someone's call, after asking. The
// caller is told why, on their screen, before the connection closes.
func disconnectNode(ctx context.Context, c *Call, redraw func()) (string, error) {
	node, err := askNode(ctx, c, c.T("who.ask_disconnect"), redraw)
	if err != nil || node == 0 {
		return "", ignoreCancel(err)
	}
	presence := c.Board.cfg.Community.Presence
	target, ok := presence.Lookup(node)
	switch {
	case !ok:
		return c.T("who.nobody_on_node", "node", strconv.Itoa(node)), nil
	case node == c.Node():
		return c.T("who.log_off_instead"), nil
	}
	who := clean(target.User)
	if who == "" {
		who = c.T("who.caller_logging_in")
	}
	who = c.T("who.caller_on_node", "handle", who, "node", strconv.Itoa(node))
	sure, err := c.Confirm(ctx, c.Size().Rows, c.T("who.confirm_disconnect", "caller", who))
	if err != nil {
		return "", err
	}
	if !sure {
		return c.T("who.not_disconnected", "caller", who), nil
	}
	// The node may have changed hands while the sysop thought about it.
	if now, ok := presence.Lookup(node); !ok || now.ConnectedAt != target.ConnectedAt || now.RemoteAddr != target.RemoteAddr {
		return c.T("who.left_meanwhile", "node", strconv.Itoa(node)), nil
	}
	c.Board.log.Info("sysop disconnects a node", "sysop", c.User.Handle, "node", node, "user", target.User)
	c.Say(c.Size().Rows, c.Theme.Text, c.T("who.disconnecting", "caller", who)) // the caller reads why first
	// The line is the disconnected caller's to read, in their language.
	if !presence.Disconnect(node, session.MessageLine("who.disconnected_line")) {
		return c.T("who.nobody_on_node", "node", strconv.Itoa(node)), nil
	}
	return c.T("who.disconnected", "caller", who), nil
}

// whoLines formats one line per live session, the caller's own in
// another colour. The rows are the board's shared table (whoTable).
// It also says when the table was made.
func whoLines(ctx context.Context, c *Call, width int) ([]string, time.Time) {
	t := c.Board.who.tableIn(ctx, c.Board, c.Lang(), width)
	lines := slices.Clone(t.rows)
	if i := slices.Index(t.nodes, c.Node()); i >= 0 {
		lines[i] = c.Theme.Value + strings.TrimPrefix(lines[i], c.Theme.Text)
	}
	return lines, t.made
}

// whoCols are the widths of who's online's narrow columns, node and
// idle time, which grow to fit their headings in a language.
type whoCols struct{ node, idle int }

// whoHeadings returns who's online's column headings in p's language
// (node, handle, activity, idle, from, via) and the widths they need.
func whoHeadings(p *lang.Printer) ([6]string, whoCols) {
	head := [6]string{p.T("who.col_node"), p.T("who.col_handle"), p.T("who.col_activity"),
		p.T("who.col_idle"), p.T("who.col_from"), p.T("who.col_via")}
	return head, whoCols{node: max(4, ui.Width(head[0])), idle: max(5, ui.Width(head[3]))}
}

// whoRow lays out one row of the table in the given width.
func whoRow(width int, cols whoCols, node, handle, activity, idle, from, via string) string {
	row := ui.PadLeft(node, cols.node) + "  " + ui.Pad(handle, 16) + " " + ui.Pad(activity, 22) + " " + ui.PadLeft(idle, cols.idle) + "  "
	rest := width - ui.Width(row)
	if rest > 16 {
		row += ui.Pad(from, rest-9) + " " + ui.Pad(via, 8)
	}
	return ui.Truncate(row, width)
}

// idleText says shortly how long a caller has been idle, in p's
// language: "40s", "5m", "2h".
func idleText(p *lang.Printer, d time.Duration) string {
	switch {
	case d < time.Minute:
		return p.T("who.idle_seconds", "n", strconv.Itoa(int(d/time.Second)))
	case d < time.Hour:
		return p.T("who.idle_minutes", "n", strconv.Itoa(int(d/time.Minute)))
	}
	return p.T("who.idle_hours", "n", strconv.Itoa(int(d/time.Hour)))
}
