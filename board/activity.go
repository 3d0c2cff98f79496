package board

import (
	"context"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/menus"
)

// Who's online is for every caller: what a caller uses there must not
// name a message area, door or menu that is closed to others. These are
// said instead.
const (
	activityReading = "reading messages"
	activityDoor    = "in a door"
	activityMenu    = "in a menu"
)

// restricted reports whether something that needs n, or sysops, is
// closed to some callers.
func restricted(sysopOnly bool, n access.Need) bool { return sysopOnly || !n.IsZero() }

// readingActivity is who's online's line for a caller reading p.
func (c *Call) readingActivity(p place) string {
	if c.private || !c.Board.cfg.Community.Messages.Need(p.area).IsZero() {
		return activityReading
	}
	return "reading " + p.title
}

// doorActivity is who's online's line for a caller in door d.
func (c *Call) doorActivity(d *doorEntry) string {
	if c.private || restricted(d.cfg.SysopOnly, d.cfg.Need) {
		return activityDoor
	}
	return "in door " + d.cfg.Name
}

// menuActivity is who's online's line for a caller at menu.
func (c *Call) menuActivity(menu *menus.Menu) string {
	switch {
	case menu.Name == mainMenuName:
		return "main menu"
	case c.private:
		return activityMenu
	}
	return "menu: " + menu.Name
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
