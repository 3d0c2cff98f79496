package board

import (
	"context"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/menus"
)

// Who's online is for every caller: what a caller uses there must not
// name a message area, door or menu that is closed to others; the
// activities say "reading messages", "in a door" or "in a menu" instead.
// Activities are catalog messages (activity.*), which each viewer of
// who's online reads in their own language.

// restricted reports whether something that needs n, or sysops, is
// closed to some callers.
func restricted(sysopOnly bool, n access.Need) bool { return sysopOnly || !n.IsZero() }

// readingActivity shows the caller in who's online as reading p.
func (c *Call) readingActivity(p place) {
	switch {
	case c.private || !c.Board.cfg.Community.Messages.Need(p.area).IsZero():
		c.SetActivityMessage("activity.reading_messages")
		return
	case p.area == mailArea:
		c.SetActivityMessage("activity.reading_mail")
		return
	}
	c.SetActivityMessage("activity.reading", "area", p.title)
}

// doorActivity shows the caller in who's online as in door d.
func (c *Call) doorActivity(d *doorEntry) {
	if c.private || restricted(d.cfg.SysopOnly, d.cfg.Need) {
		c.SetActivityMessage("activity.in_a_door")
		return
	}
	c.SetActivityMessage("activity.in_door", "door", d.cfg.Name)
}

// menuActivity shows the caller in who's online as at menu.
func (c *Call) menuActivity(menu *menus.Menu) {
	switch {
	case menu.Name == mainMenuName:
		c.SetActivityMessage("activity.main_menu")
	case c.private:
		c.SetActivityMessage("activity.in_a_menu")
	default:
		c.SetActivityMessage("activity.menu", "menu", menu.Name)
	}
}

// privately wraps the run of a menu entry that opens a menu or a door:
// when the entry needs a level, a group or a sysop, who's online names
// neither that menu nor that door, nor the menus, doors and message
// areas opened from it, until it returns.
func privately(sysopOnly bool, n access.Need, run func(ctx context.Context, c *Call) error) func(ctx context.Context, c *Call) error {
	if !restricted(sysopOnly, n) {
		return run
	}
	return func(ctx context.Context, c *Call) error {
		if c.private {
			return run(ctx, c)
		}
		c.private = true
		defer func() { c.private = false }()
		return run(ctx, c)
	}
}
