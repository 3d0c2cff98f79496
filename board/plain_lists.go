package board

import (
	"context"
	"fmt"
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
		lines := []string{"Online: " + count(len(sessions), "caller") + "."}
		now := time.Now()
		for _, sn := range sessions {
			handle := clean(sn.User)
			if handle == "" {
				handle = "someone logging in"
			}
			line := fmt.Sprintf("Node %d: %s, %s, idle %s", sn.Node, handle, clean(sn.Activity), idleText(now.Sub(sn.LastInput)))
			if loc, ok := c.Board.from.location(ctx, c.Board, sn.User); ok && sn.User != "" && loc != "" {
				line += ", from " + clean(loc)
			}
			line += ", by " + string(sn.Kind) + "."
			if sn.Node == c.Node() {
				line += " That is you."
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
			c.Lines(noSuchKey(k), whoKeysPlain(c))
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
		return c.KeyHelp("p", "page", "d", "disconnect", "b", "broadcast", "r", "read the list again", "q", c.Theme.Strings.Back)
	}
	return c.KeyHelp("p", "page", "r", "read the list again", "q", c.Theme.Strings.Back)
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
			c.Line("No one-liners yet.")
		}
		c.Lines(onelinerSentences(entries, time.Now())...)
		c.Line(c.KeyHelp("a", "add a one-liner", "r", "read them again", "q", c.Theme.Strings.Back))
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
			c.Line(c.KeyHelp("a", "add a one-liner", "r", "read them again", "q", c.Theme.Strings.Back))
			continue
		}
		if entries, err = load(); err != nil {
			return err
		}
		draw(entries)
	}
}

// onelinerSentences are the one-liners as accessible mode reads them,
// oldest first. Callers' colour codes are taken out.
func onelinerSentences(entries []store.Oneliner, now time.Time) []string {
	lines := make([]string, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		o := entries[i]
		when := o.Posted.Local().Format("Jan 2")
		if now.Sub(o.Posted) < 24*time.Hour {
			when = "at " + o.Posted.Local().Format("15:04")
		}
		lines = append(lines, clean(o.Handle)+" says: "+markup.Strip(clean(o.Text), nil)+" ("+when+")")
	}
	return lines
}

// lastCallersPlain is the last callers in accessible mode.
func lastCallersPlain(ctx context.Context, c *Call, calls []store.Call) error {
	c.plainHeaderLine("lastcallers")
	now := time.Now()
	lines := make([]string, len(calls))
	for i, call := range calls {
		line := clean(call.Handle)
		if loc := clean(call.Location); loc != "" {
			line += " from " + loc
		}
		lines[i] = fmt.Sprintf("%s, %s (%s), call number %d.", line, call.At.Local().Format("Mon Jan 2 15:04"), lastCallText(call.At, now), call.Calls)
	}
	if err := c.plainBrowse(ctx, lines, "No calls yet."); err != nil {
		return err
	}
	return c.AnyKey(ctx, func() {})
}
