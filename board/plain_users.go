package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
)

// userListPlain is the sysop's user list in accessible mode: each
// account a sentence, a screenful at a time, then the keys.
func userListPlain(ctx context.Context, c *Call, users []*store.User, filter string) {
	title := fmt.Sprintf("Users of %s: %d", clean(c.Board.cfg.Name), len(users))
	if filter != "" {
		title += " matching " + clean(filter)
	}
	c.WriteString("\r\n")
	c.Line(title + ".")
	now := time.Now()
	lines := make([]string, len(users))
	for i, u := range users {
		line := clean(u.Handle)
		if name := clean(u.RealName); name != "" {
			line += " (" + name + ")"
		}
		if loc := clean(u.Location); loc != "" {
			line += " from " + loc
		}
		if len(u.Groups) > 0 {
			line += ", groups " + strings.Join(u.Groups, " and ")
		}
		lines[i] = fmt.Sprintf("%s, %s, last call %s.", line, count(u.Calls, "call"), lastCallText(u.LastCall, now))
	}
	// An error here is the session's, and the next question meets it.
	c.pageLines(ctx, lines)
	c.Line(c.KeyHelp("e", "edit a user", "/", "search", "q", c.Theme.Strings.Back))
}

// editUserPlain is the user editor in accessible mode: the account's
// items with their keys, or, after a change, what it did.
func editUserPlain(c *Call, u *store.User, items []string, msg string) {
	if msg != "" {
		c.Line(msg)
	} else {
		c.WriteString("\r\n")
		c.Line("Editing " + clean(u.Handle) + ": " + count(u.Calls, "call") + ", last call " + lastCallText(u.LastCall, time.Now()) + ".")
		c.Lines(items...)
	}
	c.Line(c.KeyHelp("a letter above", "change that", "q", c.Theme.Strings.Back))
}
