package board

import (
	"context"
	"strconv"
	"time"

	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// The list screens in accessible mode: who's online, the one-liners and
// the last callers, each a title, its entries as sentences (a table's
// columns mean nothing read aloud), and its keys.

// whoPlain is who's online in accessible mode: the list as it is when
// the caller asks (arrivals and departures are not read aloud while they
// listen), and the keys; r reads the list again.
func whoPlain(ctx context.Context, c *Call) error {
	status := ""
	draw := func() {
		c.plainHeaderLine("who")
		sessions := c.Board.cfg.Community.Presence.Online()
		lines := []string{c.N("who.plain_online", len(sessions))}
		now := time.Now()
		for _, sn := range sessions {
			handle := clean(sn.User)
			if handle == "" {
				handle = c.T("who.plain_logging_in")
			}
			node, activity, idle, kind := strconv.Itoa(sn.Node), clean(sn.ActivityIn(c.Lang())), idleText(c.Lang(), now.Sub(sn.LastInput)), string(sn.Kind)
			var line string
			if loc, ok := c.Board.from.location(ctx, c.Board, sn.User); ok && sn.User != "" && loc != "" {
				line = c.T("who.plain_session_from", "node", node, "handle", handle, "activity", activity, "idle", idle, "from", clean(loc), "via", kind)
			} else {
				line = c.T("who.plain_session", "node", node, "handle", handle, "activity", activity, "idle", idle, "via", kind)
			}
			if sn.Node == c.Node() {
				line += " " + c.T("who.plain_you")
			}
			lines = append(lines, line)
		}
		c.Lines(lines...)
		if status != "" {
			c.Line(status)
		}
		c.Line(whoKeysPlain(c))
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		var act func(context.Context, *Call, func()) (string, error)
		switch {
		case c.choiceQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune == 'p':
			act = pageSomeone
		case k.Code == term.KeyRune && k.Rune == 'd' && c.Sysop():
			act = disconnectNode
		case k.Code == term.KeyRune && k.Rune == 'b' && c.Sysop():
			if err := broadcastScreen(ctx, c, func() {}); err != nil {
				return err
			}
			continue
		case k.Code == term.KeyRune && k.Rune == 'r':
		default:
			c.Lines(c.noSuchKey(k), whoKeysPlain(c))
			continue
		}
		status = ""
		if act != nil {
			if status, err = act(ctx, c, func() {}); err != nil {
				return err
			}
		}
		draw()
	}
}

// whoKeysPlain says the keys of who's online, a sysop's included.
func whoKeysPlain(c *Call) string {
	if c.Sysop() {
		return c.KeyHelp("p", c.T("who.key_page"), "d", c.T("who.key_disconnect"), "b", c.T("who.key_broadcast"), "r", c.T("who.key_reread"), "q", c.Theme.Strings.Back)
	}
	return c.KeyHelp("p", c.T("who.key_page"), "r", c.T("who.key_reread"), "q", c.Theme.Strings.Back)
}

// plainHeaderLine writes a screen's title after a blank line, as Header
// does in accessible mode.
func (c *Call) plainHeaderLine(name string) { c.Board.plainHeader(c.Session, name) }

// onelinersPlain is the one-liners in accessible mode: the wall, oldest
// first, each "handle says: text (when)", then the keys; a one-liner
// posted is read back with the ones posted meanwhile.
func onelinersPlain(ctx context.Context, c *Call) error {
	oneliners := c.Board.cfg.Community.Oneliners
	draw := func(entries []store.Oneliner) {
		c.plainHeaderLine("oneliners")
		if len(entries) == 0 {
			c.Line(c.T("lists.oneliners_none"))
		}
		c.Lines(onelinerSentences(c, entries, time.Now())...)
		c.Line(onelinerKeysPlain(c))
	}
	load := func() ([]store.Oneliner, error) { return oneliners.List(ctx, c.Board.cfg.OnelinerCount) }
	entries, err := load()
	if err != nil {
		return err
	}
	draw(entries)
	for {
		k, err := c.NextKey(ctx, func() { draw(entries) })
		if err != nil {
			return err
		}
		switch {
		case IsQuit(k):
			return nil
		case k.Code == term.KeyRune && (k.Rune == 'a' || k.Rune == 'y'):
			msg, err := addOneliner(ctx, c, 0, func() int { return 0 })
			if err != nil {
				return err
			}
			if msg != "" {
				c.Line(msg)
				continue
			}
		case k.Code == term.KeyRune && k.Rune == 'r':
		default:
			c.Line(onelinerKeysPlain(c))
			continue
		}
		if entries, err = load(); err != nil {
			return err
		}
		draw(entries)
	}
}

// onelinerKeysPlain says the keys of the one-liners in accessible mode.
func onelinerKeysPlain(c *Call) string {
	return c.KeyHelp("a", c.T("lists.oneliners_key_add"), "r", c.T("lists.oneliners_key_reread"), "q", c.Theme.Strings.Back)
}

// onelinerSentences are the one-liners as accessible mode reads them,
// oldest first. Callers' colour codes are taken out.
func onelinerSentences(c *Call, entries []store.Oneliner, now time.Time) []string {
	lines := make([]string, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		o := entries[i]
		handle, text := clean(o.Handle), markup.Strip(clean(o.Text), nil)
		var line string
		if now.Sub(o.Posted) < 24*time.Hour {
			line = c.T("lists.oneliner_today", "handle", handle, "text", text, "time", o.Posted.Local().Format("15:04"))
		} else {
			line = c.T("lists.oneliner", "handle", handle, "text", text, "date", c.date(o.Posted.Local(), "Jan 2"))
		}
		lines = append(lines, line)
	}
	return lines
}

// lastCallersPlain is the last callers in accessible mode.
func lastCallersPlain(ctx context.Context, c *Call, calls []store.Call) error {
	c.plainHeaderLine("lastcallers")
	now := time.Now()
	lines := make([]string, len(calls))
	for i, call := range calls {
		handle, at, ago, number := clean(call.Handle), c.date(call.At.Local(), "Mon Jan 2 15:04"), c.lastCalled(call.At, now), strconv.Itoa(call.Calls)
		if loc := clean(call.Location); loc != "" {
			lines[i] = c.T("lastcallers.plain_call_from", "handle", handle, "from", loc, "when", at, "ago", ago, "number", number)
		} else {
			lines[i] = c.T("lastcallers.plain_call", "handle", handle, "when", at, "ago", ago, "number", number)
		}
	}
	if err := c.plainBrowse(ctx, lines, c.T("lastcallers.none")); err != nil {
		return err
	}
	return c.AnyKey(ctx, func() {})
}
